package authmap

import sdk "github.com/fargatekit/fargatekit/sdk/authmap"

// The values the component's Args use, from the Pulumi-free layer
// [github.com/fargatekit/fargatekit/sdk/authmap] (parsing, merging and
// rendering aws-auth, client-go and access-entry apply functions): the same
// values, so mappings written for one mean the same in the other.

// Kubernetes groups with a meaning for aws-auth.
const (
	// GroupMasters is bound to cluster-admin; mapping it needs AllowSystemMasters.
	GroupMasters = sdk.GroupMasters
	// GroupBootstrappers, GroupNodes and GroupNodeProxier are the groups of node and Fargate roles.
	GroupBootstrappers = sdk.GroupBootstrappers
	GroupNodes         = sdk.GroupNodes
	GroupNodeProxier   = sdk.GroupNodeProxier
)

// Usernames of the mappings EKS writes for nodes and Fargate pods.
const (
	// NodeUsername is the username of EC2 node roles.
	NodeUsername = sdk.NodeUsername
	// FargateUsername is the username of Fargate pod-execution roles.
	FargateUsername = sdk.FargateUsername
)

// Where EKS's authenticator looks for the ConfigMap.
const (
	DefaultNamespace = sdk.DefaultNamespace
	DefaultName      = sdk.DefaultName
)

// Errors a refused mapping wraps besides [ErrInvalidArgs]: the SDK layer's
// values, so errors.Is works with either package's names.
var (
	// ErrInvalidARN: an ARN does not parse, names an unknown partition or has a bad account.
	ErrInvalidARN = sdk.ErrInvalidARN
	// ErrWrongResource: a valid ARN of the wrong kind (a user among roles, a session ARN, ...).
	ErrWrongResource = sdk.ErrWrongResource
	// ErrEmptyUsername: a mapping without a username.
	ErrEmptyUsername = sdk.ErrEmptyUsername
	// ErrUnknownTemplate: a {{...}} variable the authenticator does not substitute.
	ErrUnknownTemplate = sdk.ErrUnknownTemplate
	// ErrShadowed: one identity mapped twice with different usernames or groups.
	ErrShadowed = sdk.ErrShadowed
	// ErrSystemMasters: system:masters without AllowSystemMasters.
	ErrSystemMasters = sdk.ErrSystemMasters
	// ErrNotMigratable: a mapping access entries cannot express (AccessEntries mode).
	ErrNotMigratable = sdk.ErrNotMigratable
)

// PolicyAssociation is an access policy at cluster or namespace scope (see
// sdk.PolicyAssociation and sdk.AccessPolicies, the AWS managed policies).
type PolicyAssociation = sdk.PolicyAssociation

// The access policies people associate most (sdk.AccessPolicies lists all).
const (
	ClusterAdminPolicy = sdk.ClusterAdminPolicy
	AdminPolicy        = sdk.AdminPolicy
	AdminViewPolicy    = sdk.AdminViewPolicy
	EditPolicy         = sdk.EditPolicy
	ViewPolicy         = sdk.ViewPolicy
	SecretReaderPolicy = sdk.SecretReaderPolicy
)

// The access entry types RoleMappingArgs.Type takes (sdk.EntryTypes).
const (
	EntryStandard      = sdk.EntryStandard
	EntryEC2           = sdk.EntryEC2
	EntryEC2Linux      = sdk.EntryEC2Linux
	EntryEC2Windows    = sdk.EntryEC2Windows
	EntryFargateLinux  = sdk.EntryFargateLinux
	EntryHybridLinux   = sdk.EntryHybridLinux
	EntryHyperPodLinux = sdk.EntryHyperPodLinux
)

// AutoNodePolicy is the access policy of EC2 (EKS Auto Mode) node entries.
const AutoNodePolicy = sdk.AutoNodePolicy

// ErrEntryTypeInvalid: an entry Type EKS does not have, or a node type with a username or groups.
var ErrEntryTypeInvalid = sdk.ErrEntryTypeInvalid
