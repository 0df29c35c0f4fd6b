package authmap

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// AccessPolicySource is the AWS page the access-policy table follows.
const AccessPolicySource = "https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html"

// AccessEntrySource is the AWS page the access-entry rules follow.
const AccessEntrySource = "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html"

// Access-entry types (CreateAccessEntry's type; see AccessEntrySource).
const (
	// EntryStandard is for people and tools: username, groups, policies.
	EntryStandard = "STANDARD"
	// EntryEC2Linux and EntryEC2Windows are for self-managed node roles.
	EntryEC2Linux   = "EC2_LINUX"
	EntryEC2Windows = "EC2_WINDOWS"
	// EntryFargateLinux is for Fargate pod-execution roles.
	EntryFargateLinux = "FARGATE_LINUX"
	// EntryEC2 is for EKS Auto Mode node roles.
	EntryEC2 = "EC2"
	// EntryHybridLinux is for EKS Hybrid Nodes roles.
	EntryHybridLinux = "HYBRID_LINUX"
	// EntryHyperPodLinux is for Amazon SageMaker HyperPod node roles.
	EntryHyperPodLinux = "HYPERPOD_LINUX"
)

// EntryTypes returns every access-entry type EKS accepts.
func EntryTypes() []string {
	return []string{EntryStandard, EntryEC2Linux, EntryEC2Windows, EntryFargateLinux, EntryEC2, EntryHybridLinux, EntryHyperPodLinux}
}

// Scopes of an access-policy association.
const (
	// ScopeCluster grants the policy on the whole cluster.
	ScopeCluster = "cluster"
	// ScopeNamespace grants it in the listed namespaces only.
	ScopeNamespace = "namespace"
)

// AccessPolicy is one of the access policies AWS manages (AccessPolicySource).
type AccessPolicy struct {
	// Name is the policy's name, e.g. AmazonEKSViewPolicy.
	Name string
	// Summary says what it grants, after the AWS page.
	Summary string
	// TypicalScope is the scope the page suggests: ScopeCluster or ScopeNamespace.
	TypicalScope string
	// ServiceLinkedOnly: the page says it is for AWS service-linked roles
	// only and cannot be used with customer-managed roles.
	ServiceLinkedOnly bool
}

// ARN is the policy's ARN in a partition.
func (p AccessPolicy) ARN(partitionID string) string { return AccessPolicyARN(partitionID, p.Name) }

// The access policies people associate most.
const (
	// ClusterAdminPolicy stands in for system:masters.
	ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"
	AdminPolicy        = "AmazonEKSAdminPolicy"
	AdminViewPolicy    = "AmazonEKSAdminViewPolicy"
	EditPolicy         = "AmazonEKSEditPolicy"
	ViewPolicy         = "AmazonEKSViewPolicy"
	SecretReaderPolicy = "AmazonEKSSecretReaderPolicy"
	AutoNodePolicy     = "AmazonEKSAutoNodePolicy"
)

// AccessPolicies returns the AWS managed access policies as AccessPolicySource
// lists them (checked 2026-12; AWS adds policies, see ListAccessPolicies).
func AccessPolicies() []AccessPolicy {
	return []AccessPolicy{
		{AdminPolicy, "most permissions on resources, RBAC roles and bindings included", ScopeNamespace, false},
		{ClusterAdminPolicy, "administrator access to the cluster: every verb on every resource and non-resource URL", ScopeCluster, false},
		{AdminViewPolicy, "list and view every resource, Secrets included", ScopeCluster, false},
		{EditPolicy, "edit most Kubernetes resources", ScopeNamespace, false},
		{ViewPolicy, "view most Kubernetes resources (not Secrets)", ScopeNamespace, false},
		{SecretReaderPolicy, "read Secrets", ScopeNamespace, false},
		{AutoNodePolicy, "what EKS Auto Mode node components need (kube-proxy, ipamd, coredns, EBS CSI, Neuron, node monitoring)", ScopeCluster, false},
		{"AmazonEKSBlockStoragePolicy", "leases for EKS storage components' leader election", ScopeCluster, true},
		{"AmazonEKSLoadBalancingPolicy", "leases for EKS load-balancing components' leader election", ScopeCluster, false},
		{"AmazonEKSNetworkingPolicy", "leases for EKS networking components' leader election", ScopeCluster, false},
		{"AmazonEKSComputePolicy", "leases for EKS compute components' leader election", ScopeCluster, true},
		{"AmazonEKSBlockStorageClusterPolicy", "Auto Mode block storage: CSI drivers, volumes, attachments, snapshots", ScopeCluster, true},
		{"AmazonEKSComputeClusterPolicy", "Auto Mode compute: NodePools, NodeClaims, NodeClasses, evictions", ScopeCluster, true},
		{"AmazonEKSLoadBalancingClusterPolicy", "Auto Mode load balancing: Services, Ingresses, TargetGroupBindings, webhooks", ScopeCluster, false},
		{"AmazonEKSNetworkingClusterPolicy", "Auto Mode networking: CNINodes and their CRD", ScopeCluster, false},
		{"AmazonEKSHybridPolicy", "list nodes, for EKS Hybrid Nodes", ScopeCluster, true},
		{"AmazonEKSClusterInsightsPolicy", "read nodes and kube-proxy, for EKS Cluster Insights", ScopeCluster, true},
		{"AmazonAIOpsAssistantPolicy", "listed by aws eks list-access-policies on the page", ScopeCluster, false},
		{"AmazonARCRegionSwitchScalingPolicy", "listed by aws eks list-access-policies on the page", ScopeCluster, false},
	}
}

// LookupAccessPolicy finds a managed access policy by name or ARN.
func LookupAccessPolicy(nameOrARN string) (AccessPolicy, bool) {
	name := nameOrARN
	if a, err := arn.Parse(nameOrARN); err == nil {
		name, _ = strings.CutPrefix(a.Resource, "cluster-access-policy/")
	}
	for _, p := range AccessPolicies() {
		if p.Name == name {
			return p, true
		}
	}
	return AccessPolicy{}, false
}

// PolicyAssociation is an access policy associated with an entry, at
// cluster scope (no Namespaces) or namespace scope.
type PolicyAssociation struct {
	// Policy is the policy's name (AccessPolicies) or ARN.
	Policy string
	// Namespaces, when set, limit the policy to these namespaces (EKS
	// accepts a trailing * as in dev-*); empty means cluster scope.
	Namespaces []string
}

// Scope is ScopeCluster or ScopeNamespace.
func (a PolicyAssociation) Scope() string {
	if len(a.Namespaces) > 0 {
		return ScopeNamespace
	}
	return ScopeCluster
}

// PolicyARN is the policy's ARN in a partition.
func (a PolicyAssociation) PolicyARN(partitionID string) string {
	if strings.HasPrefix(a.Policy, "arn:") {
		return a.Policy
	}
	return AccessPolicyARN(partitionID, a.Policy)
}

// String renders name@cluster or name@ns1,ns2.
func (a PolicyAssociation) String() string {
	name := a.Policy
	if p, ok := LookupAccessPolicy(a.Policy); ok {
		name = p.Name
	}
	if len(a.Namespaces) == 0 {
		return name
	}
	return name + "@" + strings.Join(a.Namespaces, ",")
}

// sameAssociation compares scope and namespaces (as sets).
func sameAssociation(a, b PolicyAssociation) bool {
	return a.Scope() == b.Scope() && sameSet(a.Namespaces, b.Namespaces)
}

// Sentinel errors of the access-entry rules (AccessEntrySource).
var (
	// ErrPrincipal: a principal EKS refuses (not an IAM role or user ARN, an
	// STS session, a user for a node type, a path-less ARN of a role with a path).
	ErrPrincipal = errors.New("authmap: invalid access-entry principal")
	// ErrEntryTypeInvalid: a type EKS does not have, or a field the type forbids.
	ErrEntryTypeInvalid = errors.New("authmap: invalid access-entry type")
	// ErrAccessPolicy: an unknown policy, a bad scope, or a service-linked-only policy.
	ErrAccessPolicy = errors.New("authmap: invalid access policy association")
)

// ValidatePrincipalARN checks an access-entry principal against
// CreateAccessEntry's rules: an IAM role (path allowed, and needed when the
// role has one) or an IAM user; never an STS assumed-role session; only
// roles for node types.
func ValidatePrincipalARN(principal, entryType string) error {
	a, err := partition.ParseARN(principal, "", "")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrPrincipal, err)
	}
	switch {
	case a.Service == "sts":
		return fmt.Errorf("%w: %s is an STS session, a temporary principal; name the role arn:%s:iam::%s:role/<path>/<name> (%s)",
			ErrPrincipal, principal, a.Partition, a.AccountID, AccessEntrySource)
	case a.Service != "iam" || !(strings.HasPrefix(a.Resource, "role/") || strings.HasPrefix(a.Resource, "user/")):
		return fmt.Errorf("%w: %s is not an IAM role or user", ErrPrincipal, principal)
	case strings.HasSuffix(a.Resource, "/"):
		return fmt.Errorf("%w: %s has no name", ErrPrincipal, principal)
	case entryType != "" && entryType != EntryStandard && !strings.HasPrefix(a.Resource, "role/"):
		return fmt.Errorf("%w: %s: a %s entry takes an IAM role only", ErrPrincipal, principal, entryType)
	}
	return nil
}

// Validate checks e against EKS's documented rules (AccessEntrySource): the
// principal, the type, username and groups only on STANDARD entries, no
// system: group, no reserved username prefix, known access policies at a
// valid scope, associations only where the type admits them. Every problem
// is returned at once.
func (e AccessEntry) Validate() error {
	var errs []error
	typ := e.Type
	if typ == "" {
		typ = EntryStandard
	}
	if !slices.Contains(EntryTypes(), typ) {
		errs = append(errs, fmt.Errorf("%w: %q (one of %s)", ErrEntryTypeInvalid, e.Type, strings.Join(EntryTypes(), ", ")))
	}
	if err := ValidatePrincipalARN(e.PrincipalARN, typ); err != nil {
		errs = append(errs, err)
	}
	if typ != EntryStandard && (e.Username != "" || len(e.KubernetesGroups) > 0) {
		errs = append(errs, fmt.Errorf("%w: a %s entry takes no username or Kubernetes groups: EKS sets them", ErrEntryTypeInvalid, typ))
	}
	for _, p := range reservedUsernamePrefixes {
		if strings.HasPrefix(e.Username, p) {
			errs = append(errs, fmt.Errorf("%w: username %q: EKS reserves the prefix %s", ErrEntryTypeInvalid, e.Username, p))
		}
	}
	for _, g := range e.KubernetesGroups {
		if strings.HasPrefix(g, "system:") {
			errs = append(errs, fmt.Errorf("%w: Kubernetes group %q: EKS refuses groups starting with system:", ErrEntryTypeInvalid, g))
		}
	}
	for _, a := range e.Policies {
		errs = append(errs, a.problems(typ, e.PrincipalARN)...)
	}
	return errors.Join(errs...)
}

func (a PolicyAssociation) problems(typ, principal string) []error {
	var errs []error
	p, ok := LookupAccessPolicy(a.Policy)
	switch {
	case !ok:
		errs = append(errs, fmt.Errorf("%w: %q is not an AWS managed access policy (%s)", ErrAccessPolicy, a.Policy, AccessPolicySource))
	case p.ServiceLinkedOnly && !strings.Contains(principal, ":role/aws-service-role/"):
		errs = append(errs, fmt.Errorf("%w: %s is for AWS service-linked roles only (%s)", ErrAccessPolicy, p.Name, AccessPolicySource))
	}
	switch {
	case typ == EntryStandard:
	case typ == EntryEC2 && p.Name == AutoNodePolicy:
	default:
		errs = append(errs, fmt.Errorf("%w: a %s entry takes no access policy (%s)", ErrAccessPolicy, typ, a))
	}
	for _, ns := range a.Namespaces {
		if !namespaceRE().MatchString(ns) {
			errs = append(errs, fmt.Errorf("%w: namespace %q: a DNS label, optionally ending in * (%s)", ErrAccessPolicy, ns, a.Policy))
		}
	}
	return errs
}
