package provider

import (
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/irsa"
)

// IRSARoleArgs are the cross-language inputs of IRSARole (Go: [irsa.IRSARoleArgs]).
type IRSARoleArgs struct {
	Cluster                     ClusterRefInput               `pulumi:"cluster"`
	OIDCProviderArn             pulumi.StringInput            `pulumi:"oidcProviderArn,optional"`
	ServiceAccounts             []ServiceAccount              `pulumi:"serviceAccounts"`
	ExtraProviders              []ExtraProvider               `pulumi:"extraProviders,optional"`
	AllowCrossNamespaceWildcard bool                          `pulumi:"allowCrossNamespaceWildcard,optional"`
	MaxTrustPolicySize          int                           `pulumi:"maxTrustPolicySize,optional"`
	RoleName                    string                        `pulumi:"roleName,optional"`
	Path                        string                        `pulumi:"path,optional"`
	Description                 string                        `pulumi:"description,optional"`
	MaxSessionDuration          int                           `pulumi:"maxSessionDuration,optional"`
	Tags                        map[string]string             `pulumi:"tags,optional"`
	PermissionsBoundary         pulumi.StringInput            `pulumi:"permissionsBoundary,optional"`
	PolicyArns                  []pulumi.StringInput          `pulumi:"policyArns,optional"`
	InlinePolicies              map[string]pulumi.StringInput `pulumi:"inlinePolicies,optional"`
	RoleOnly                    bool                          `pulumi:"roleOnly,optional"`
	ProviderKubeconfig          pulumi.StringInput            `pulumi:"providerKubeconfig,optional" provider:"secret"`
	RegionalSTSEndpoints        bool                          `pulumi:"regionalStsEndpoints,optional"`
	ServiceAccountLabels        map[string]string             `pulumi:"serviceAccountLabels,optional"`
}

// describeProviderKubeconfig documents the kubeconfig override of the
// components with Kubernetes children.
func describeProviderKubeconfig(an infer.Annotator, field *pulumi.StringInput, what string) {
	an.Describe(field, "A kubeconfig from which the Kubernetes provider that "+what+" is made; it overrides the "+
		"cluster's (Go: KubernetesProvider).")
}

// Annotate documents IRSARoleArgs.
func (a *IRSARoleArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Cluster, "The cluster: its OIDC provider ARN and kubeconfig. Required here (a Go program may "+
		"omit it when it gives the OIDC provider ARN and a Kubernetes provider; an optional input of an object type "+
		"cannot also take a whole output, such as a FargateCluster's clusterRef): for a cluster known only by its "+
		"OIDC provider, give its name and region here and the ARN in oidcProviderArn.")
	an.Describe(&a.OIDCProviderArn, "The IAM OIDC provider ARN; overrides the cluster's.")
	an.Describe(&a.ServiceAccounts, "The service accounts that may assume the role (wildcards * and ? allowed).")
	an.Describe(&a.ExtraProviders, "Service accounts of other clusters, one trust statement each (no ServiceAccount "+
		"objects are created for them).")
	an.Describe(&a.AllowCrossNamespaceWildcard, "Permits wildcards in namespaces.")
	an.Describe(&a.MaxTrustPolicySize, "The account's trust-policy size quota; 0 is 2048 (IAM allows up to 4096 on request).")
	an.Describe(&a.RoleName, "The role's physical name; empty lets Pulumi auto-name it from the component's name.")
	an.Describe(&a.Path, "The role's IAM path.")
	an.Describe(&a.Description, "The role's description.")
	an.Describe(&a.MaxSessionDuration, "The role's maximum session duration in seconds (3600-43200); 0 is IAM's default.")
	an.Describe(&a.Tags, "The role's tags.")
	an.Describe(&a.PermissionsBoundary, "The ARN of the role's permissions boundary.")
	an.Describe(&a.PolicyArns, "Managed policies to attach, one attachment each (children <name>-attach-<i>).")
	an.Describe(&a.InlinePolicies, "Inline policies: name to JSON document (children <name>-inline-<name>).")
	an.Describe(&a.RoleOnly, "Creates no ServiceAccount objects (a Helm chart creates them; annotate them with roleArn).")
	describeProviderKubeconfig(an, &a.ProviderKubeconfig, "creates the ServiceAccounts")
	an.Describe(&a.RegionalSTSEndpoints, `Adds eks.amazonaws.com/sts-regional-endpoints: "true" to the ServiceAccounts.`)
	an.Describe(&a.ServiceAccountLabels, "Labels of the created ServiceAccounts.")
}

// ServiceAccount is Go's irsa.ServiceAccount.
type ServiceAccount struct {
	Namespace string `pulumi:"namespace"`
	Name      string `pulumi:"name"`
}

// Annotate documents ServiceAccount.
func (s *ServiceAccount) Annotate(a infer.Annotator) {
	a.SetToken("irsa", "ServiceAccount")
	a.Describe(s, "A Kubernetes service account. The name, and the namespace where allowed, may contain the IAM "+
		"wildcards * and ?; the trust policy then matches with StringLike. Exact ones get a ServiceAccount object "+
		"(child <name>-sa-<namespace>/<name>).")
	a.Describe(&s.Namespace, "The service account's namespace.")
	a.Describe(&s.Name, "The service account's name.")
}

// ExtraProvider is Go's irsa.ExtraProvider.
type ExtraProvider struct {
	OIDCProviderArn pulumi.StringInput `pulumi:"oidcProviderArn"`
	ServiceAccounts []ServiceAccount   `pulumi:"serviceAccounts"`
}

// Annotate documents ExtraProvider.
func (e *ExtraProvider) Annotate(a infer.Annotator) {
	a.SetToken("irsa", "ExtraProvider")
	a.Describe(e, "Another cluster's OIDC provider and the service accounts of that cluster the role admits.")
	a.Describe(&e.OIDCProviderArn, "The other cluster's IAM OIDC provider ARN.")
	a.Describe(&e.ServiceAccounts, "That cluster's admitted service accounts.")
}

// IRSARole is the cross-language IRSARole.
type IRSARole struct {
	// ComponentResource is the Go component (its URN is this resource's).
	pulumi.ComponentResource

	RoleArn     pulumi.StringOutput `pulumi:"roleArn"`
	RoleName    pulumi.StringOutput `pulumi:"roleName"`
	TrustPolicy pulumi.StringOutput `pulumi:"trustPolicy"`
}

// Annotate documents IRSARole.
func (r *IRSARole) Annotate(a infer.Annotator) {
	a.SetToken("irsa", "IRSARole")
	a.Describe(r, "An IAM role for Kubernetes service accounts (IRSA): the role with its web-identity trust policy "+
		"(sub and aud conditions, exact or wildcard), its managed and inline policies, and the ServiceAccounts "+
		"annotated with its ARN. The Go component irsa.NewIRSARole serves every language. Its dependsOn also orders "+
		"the ServiceAccounts (Go's ServiceAccountDependsOn): give it the namespace when the program creates it.")
	a.Describe(&r.RoleArn, "The role's ARN.")
	a.Describe(&r.RoleName, "The role's name.")
	a.Describe(&r.TrustPolicy, "The rendered trust policy (canonical JSON).")
}

func goServiceAccounts(in []ServiceAccount) []irsa.ServiceAccount {
	var out []irsa.ServiceAccount
	for _, s := range in {
		out = append(out, irsa.ServiceAccount{Namespace: s.Namespace, Name: s.Name})
	}
	return out
}

// goIRSAArgs converts the cross-language args into Go's.
func goIRSAArgs(ctx *pulumi.Context, name string, a IRSARoleArgs, newProvider providerFunc, opts pulumi.ResourceOption) (*irsa.IRSARoleArgs, error) {
	cluster, override, err := clusterInputs(ctx, name, a.Cluster, a.ProviderKubeconfig, newProvider, opts)
	if err != nil {
		return nil, err
	}
	// The component's dependsOn (any language's resource option) also
	// orders its ServiceAccounts: Go's ServiceAccountDependsOn, for a
	// namespace the program creates.
	ro, err := pulumi.NewResourceOptions(opts)
	if err != nil {
		return nil, err
	}
	out := &irsa.IRSARoleArgs{
		Cluster: cluster, OIDCProviderARN: a.OIDCProviderArn, ServiceAccounts: goServiceAccounts(a.ServiceAccounts),
		AllowCrossNamespaceWildcard: a.AllowCrossNamespaceWildcard, MaxTrustPolicySize: a.MaxTrustPolicySize,
		RoleName: a.RoleName, Path: a.Path, Description: a.Description, MaxSessionDuration: a.MaxSessionDuration,
		Tags: a.Tags, PermissionsBoundary: a.PermissionsBoundary, PolicyARNs: a.PolicyArns, InlinePolicies: a.InlinePolicies,
		RoleOnly: a.RoleOnly, KubernetesProvider: override, RegionalSTSEndpoints: a.RegionalSTSEndpoints,
		ServiceAccountLabels: a.ServiceAccountLabels, ServiceAccountDependsOn: ro.DependsOn,
	}
	for _, p := range a.ExtraProviders {
		out.ExtraProviders = append(out.ExtraProviders, irsa.ExtraProvider{OIDCProviderARN: p.OIDCProviderArn,
			ServiceAccounts: goServiceAccounts(p.ServiceAccounts)})
	}
	return out, nil
}

// newIRSARole constructs IRSARole with the Go component.
func newIRSARole(ctx *pulumi.Context, name string, args IRSARoleArgs, opts ...pulumi.ResourceOption) (*IRSARole, error) {
	r, err := construct(ctx, name, args, goIRSAArgs, irsa.NewIRSARole, opts...)
	if err != nil {
		return nil, err
	}
	return &IRSARole{ComponentResource: r, RoleArn: r.RoleArn, RoleName: r.RoleName, TrustPolicy: r.TrustPolicy}, nil
}
