package provider

import (
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/authmap"
)

// AwsAuthMappingArgs are the cross-language inputs of AwsAuthMapping (Go:
// [authmap.AwsAuthMappingArgs]).
type AwsAuthMappingArgs struct {
	Cluster            ClusterRefInput    `pulumi:"cluster"`
	Mode               string             `pulumi:"mode,optional"`
	Roles              []RoleMapping      `pulumi:"roles,optional"`
	Users              []UserMapping      `pulumi:"users,optional"`
	Accounts           []string           `pulumi:"accounts,optional"`
	AllowSystemMasters bool               `pulumi:"allowSystemMasters,optional"`
	ProviderKubeconfig pulumi.StringInput `pulumi:"providerKubeconfig,optional" provider:"secret"`
	ConfigMapNamespace string             `pulumi:"configMapNamespace,optional"`
	ConfigMapName      string             `pulumi:"configMapName,optional"`
	Kubeconfig         pulumi.StringInput `pulumi:"kubeconfig,optional" provider:"secret"`
	OwnerKey           string             `pulumi:"ownerKey,optional"`
	CreateAwsAuth      bool               `pulumi:"createAwsAuth,optional"`
}

// Annotate documents AwsAuthMappingArgs.
func (a *AwsAuthMappingArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Cluster, "The cluster (required): its authentication mode, Fargate profiles, pod-execution role, "+
		"name and kubeconfig.")
	an.Describe(&a.Mode, "ConfigMap (aws-auth) or AccessEntries (EKS access entries); empty picks AccessEntries for "+
		"API and API_AND_CONFIG_MAP clusters, ConfigMap for CONFIG_MAP ones. A mode the cluster does not read is refused. "+
		"Set it when the cluster is created in the same program, so that a preview shows the right children.")
	an.Describe(&a.Roles, "IAM roles to map; the component owns these mappings.")
	an.Describe(&a.Users, "IAM users to map.")
	an.Describe(&a.Accounts, "mapAccounts entries (ConfigMap mode only: no access entry admits a whole account).")
	an.Describe(&a.AllowSystemMasters, "Permits the system:masters group (cluster-admin).")
	describeProviderKubeconfig(an, &a.ProviderKubeconfig, "reads and patches aws-auth")
	an.Describe(&a.ConfigMapNamespace, "The ConfigMap's namespace; default kube-system.")
	an.Describe(&a.ConfigMapName, "The ConfigMap's name; default aws-auth.")
	an.Describe(&a.Kubeconfig, "Switches ConfigMap mode to hooks (recommended): resource hooks merge the mappings "+
		"into aws-auth through client-go with this kubeconfig (optimistic concurrency, retried on conflict) and "+
		"revoke exactly the component's entries on delete (`pulumi destroy --run-program`).")
	an.Describe(&a.OwnerKey, "The stable name of the component's record on aws-auth; empty means the project, stack "+
		"and component name. ConfigMap mode only.")
	an.Describe(&a.CreateAwsAuth, "Creates aws-auth when it is missing (hooks mode only).")
}

// PolicyAssociation is Go's authmap.PolicyAssociation.
type PolicyAssociation struct {
	Policy     string   `pulumi:"policy"`
	Namespaces []string `pulumi:"namespaces,optional"`
}

// Annotate documents PolicyAssociation.
func (p *PolicyAssociation) Annotate(a infer.Annotator) {
	a.SetToken("authmap", "PolicyAssociation")
	a.Describe(p, "An EKS access policy associated with an access entry, at cluster or namespace scope.")
	a.Describe(&p.Policy, "The policy's name (AmazonEKSClusterAdminPolicy, AmazonEKSViewPolicy, ...) or ARN.")
	a.Describe(&p.Namespaces, "Limits the policy to these namespaces (a trailing * allowed, as in dev-*); empty means "+
		"cluster scope.")
}

// RoleMapping is Go's authmap.RoleMappingArgs.
type RoleMapping struct {
	RoleArn  pulumi.StringInput  `pulumi:"roleArn"`
	Username string              `pulumi:"username,optional"`
	Groups   []string            `pulumi:"groups,optional"`
	Type     string              `pulumi:"type,optional"`
	Key      string              `pulumi:"key,optional"`
	Policies []PolicyAssociation `pulumi:"policies,optional"`
}

// describeMapping documents the fields a role and a user mapping share.
func describeMapping(a infer.Annotator, username *string, groups *[]string, key *string, policies *[]PolicyAssociation, kind string) {
	a.Describe(username, "The Kubernetes username; templates such as {{SessionName}} are allowed.")
	a.Describe(groups, "The Kubernetes groups (system:masters needs allowSystemMasters).")
	a.Describe(key, "Kept for compatibility; names nothing (AccessEntries mode writes every entry through the "+
		"component's resource hooks, so no child is named after a mapping).")
	a.Describe(policies, "Access policies to associate (AccessEntries mode).")
}

// Annotate documents RoleMapping.
func (r *RoleMapping) Annotate(a infer.Annotator) {
	a.SetToken("authmap", "RoleMapping")
	a.Describe(r, "An IAM role mapped to a Kubernetes user and groups.")
	a.Describe(&r.RoleArn, "The role's ARN. ConfigMap mode: with or without its path (aws-auth stores it path-less). "+
		"AccessEntries mode: EKS wants the full ARN; a path-less one is resolved to IAM's ARN with iam:GetRole by the "+
		"component's hooks, and a role IAM does not know in the hooks' account fails the write, naming it.")
	describeMapping(a, &r.Username, &r.Groups, &r.Key, &r.Policies, "role")
	a.Describe(&r.Type, "The access entry's type (AccessEntries mode only): STANDARD, EC2, EC2_LINUX, EC2_WINDOWS, "+
		"FARGATE_LINUX, HYBRID_LINUX or HYPERPOD_LINUX; node types take no username or groups. Empty infers it from the "+
		"username and groups (a node mapping is EC2_LINUX, a Fargate one FARGATE_LINUX, anything else STANDARD). The "+
		"username is required unless the type is a node type.")
}

// UserMapping is Go's authmap.UserMappingArgs.
type UserMapping struct {
	UserArn  pulumi.StringInput  `pulumi:"userArn"`
	Username string              `pulumi:"username"`
	Groups   []string            `pulumi:"groups,optional"`
	Key      string              `pulumi:"key,optional"`
	Policies []PolicyAssociation `pulumi:"policies,optional"`
}

// Annotate documents UserMapping.
func (u *UserMapping) Annotate(a infer.Annotator) {
	a.SetToken("authmap", "UserMapping")
	a.Describe(u, "An IAM user mapped to a Kubernetes user and groups.")
	a.Describe(&u.UserArn, "The user's ARN.")
	describeMapping(a, &u.Username, &u.Groups, &u.Key, &u.Policies, "user")
}

// AwsAuthMapping is the cross-language AwsAuthMapping.
type AwsAuthMapping struct {
	// ComponentResource is the Go component (its URN is this resource's).
	pulumi.ComponentResource

	Mode     pulumi.StringOutput    `pulumi:"mode"`
	Data     pulumi.StringMapOutput `pulumi:"data"`
	Record   pulumi.StringOutput    `pulumi:"record"`
	OwnerTag pulumi.StringOutput    `pulumi:"ownerTag"`
}

// Annotate documents AwsAuthMapping.
func (m *AwsAuthMapping) Annotate(a infer.Annotator) {
	a.SetToken("authmap", "AwsAuthMapping")
	a.Describe(m, "IAM roles and users mapped to Kubernetes users and groups on one cluster, through the aws-auth "+
		"ConfigMap (merged with what others wrote, never losing entries it does not own) or EKS access entries. The "+
		"Go component authmap.NewAwsAuthMapping serves every language; its documentation lists the children of "+
		"each mode.")
	a.Describe(&m.Mode, "The mode in use: ConfigMap or AccessEntries.")
	a.Describe(&m.Data, "The mapRoles, mapUsers and mapAccounts written (ConfigMap mode without kubeconfig; empty otherwise).")
	a.Describe(&m.Record, "The JSON record the component's hooks apply: in ConfigMap mode with a kubeconfig the mappings "+
		"it owns and ensures, in AccessEntries mode the cluster, region, owner tag and entries (empty in ConfigMap mode "+
		"without a kubeconfig).")
	a.Describe(&m.OwnerTag, "The value of the fargatekit.io/authmap-owner tag on the access entries the component "+
		"creates (AccessEntries mode; empty otherwise): destroy deletes only entries with it.")
}

func goPolicies(in []PolicyAssociation) []authmap.PolicyAssociation {
	var out []authmap.PolicyAssociation
	for _, p := range in {
		out = append(out, authmap.PolicyAssociation{Policy: p.Policy, Namespaces: p.Namespaces})
	}
	return out
}

// goAuthArgs converts the cross-language args into Go's.
func goAuthArgs(ctx *pulumi.Context, name string, a AwsAuthMappingArgs, newProvider providerFunc, opts pulumi.ResourceOption) (*authmap.AwsAuthMappingArgs, error) {
	cluster, override, err := clusterInputs(ctx, name, a.Cluster, a.ProviderKubeconfig, newProvider, opts)
	if err != nil {
		return nil, err
	}
	out := &authmap.AwsAuthMappingArgs{
		Cluster: cluster, Mode: authmap.Mode(a.Mode), Accounts: a.Accounts, AllowSystemMasters: a.AllowSystemMasters,
		KubernetesProvider: override, Namespace: a.ConfigMapNamespace, Name: a.ConfigMapName,
		Kubeconfig: a.Kubeconfig, OwnerKey: a.OwnerKey, CreateAwsAuth: a.CreateAwsAuth,
	}
	for _, r := range a.Roles {
		out.Roles = append(out.Roles, authmap.RoleMappingArgs{RoleARN: r.RoleArn, Username: r.Username, Groups: r.Groups,
			Type: r.Type, Key: r.Key, Policies: goPolicies(r.Policies)})
	}
	for _, u := range a.Users {
		out.Users = append(out.Users, authmap.UserMappingArgs{UserARN: u.UserArn, Username: u.Username, Groups: u.Groups,
			Key: u.Key, Policies: goPolicies(u.Policies)})
	}
	return out, nil
}

// newAwsAuthMapping constructs AwsAuthMapping with the Go component.
func newAwsAuthMapping(ctx *pulumi.Context, name string, args AwsAuthMappingArgs, opts ...pulumi.ResourceOption) (*AwsAuthMapping, error) {
	m, err := construct(ctx, name, args, goAuthArgs, authmap.NewAwsAuthMapping, opts...)
	if err != nil {
		return nil, err
	}
	out := &AwsAuthMapping{ComponentResource: m, Mode: pulumi.String(string(m.Mode)).ToStringOutput(),
		Data: m.Data, Record: m.Record, OwnerTag: pulumi.String(m.OwnerTag).ToStringOutput()}
	if out.Data.OutputState == nil {
		out.Data = pulumi.StringMap{}.ToStringMapOutput()
	}
	if out.Record.OutputState == nil {
		out.Record = pulumi.String("").ToStringOutput()
	}
	return out, nil
}
