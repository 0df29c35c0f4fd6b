package irsa

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	sdk "github.com/fargatekit/fargatekit/sdk/irsa"
)

// Type tokens of the package's Pulumi components.
const (
	// TypeToken is the type token of [IRSARole].
	TypeToken = "fargatekit:irsa:IRSARole"
	// OIDCProviderTypeToken is the type token of [OIDCProvider].
	OIDCProviderTypeToken = "fargatekit:irsa:OIDCProvider"
	// PodIdentityRoleTypeToken is the type token of [PodIdentityRole].
	PodIdentityRoleTypeToken = "fargatekit:irsa:PodIdentityRole"
)

// IRSARoleArgs configure [NewIRSARole]. Plain Go values decide which children
// exist; Pulumi inputs carry values from other resources.
//
// Child resources and their logical names (API: renaming them replaces them),
// for a component named N, all parented to the component:
//
//	aws:iam/role:Role                          N
//	aws:iam/rolePolicyAttachment:...           N-attach-<i>        one per PolicyARNs[i]
//	aws:iam/rolePolicy:RolePolicy              N-inline-<key>      one per InlinePolicies key
//	kubernetes:core/v1:ServiceAccount          N-sa-<ns>/<name>    one per exact service account, unless RoleOnly
type IRSARoleArgs struct {
	// Cluster gives the OIDC provider ARN and the Kubernetes provider. Optional
	// when OIDCProviderARN (and, unless RoleOnly, KubernetesProvider) are set.
	Cluster clusterref.ClusterRef
	// OIDCProviderARN is the cluster's IAM OIDC provider ARN; it overrides
	// Cluster's and is required when Cluster is nil.
	OIDCProviderARN pulumi.StringInput
	// ServiceAccounts are the cluster's service accounts that may assume the
	// role (wildcards * and ? allowed; see ServiceAccount).
	ServiceAccounts []ServiceAccount
	// ExtraProviders admit service accounts of other clusters too: one trust
	// statement each. No ServiceAccount objects are created for them.
	ExtraProviders []ExtraProvider
	// AllowCrossNamespaceWildcard permits wildcards in namespaces.
	AllowCrossNamespaceWildcard bool
	// MaxTrustPolicySize is the account's trust-policy quota; 0 is 2048.
	MaxTrustPolicySize int

	// RoleName is the role's physical name; "" lets Pulumi auto-name it from N.
	RoleName string
	// Path, Description, MaxSessionDuration (seconds) and Tags set the role's
	// attributes (see sdk.RoleSettings).
	Path, Description  string
	MaxSessionDuration int
	Tags               map[string]string
	// PermissionsBoundary is the ARN of the role's permissions boundary, if any.
	PermissionsBoundary pulumi.StringInput
	// PolicyARNs are managed policies to attach, one attachment each.
	PolicyARNs []pulumi.StringInput
	// InlinePolicies maps inline policy names to their JSON documents.
	InlinePolicies map[string]pulumi.StringInput

	// RoleOnly creates no ServiceAccount objects (someone else, e.g. a Helm
	// chart, creates them; annotate them with the RoleArn output).
	RoleOnly bool
	// KubernetesProvider creates the ServiceAccounts; it overrides Cluster's.
	KubernetesProvider pulumi.ProviderResource
	// RegionalSTSEndpoints adds eks.amazonaws.com/sts-regional-endpoints: "true".
	RegionalSTSEndpoints bool
	// ServiceAccountLabels are labels of the created ServiceAccounts.
	ServiceAccountLabels map[string]string
	// ServiceAccountDependsOn are resources the ServiceAccounts are created
	// after and deleted before: their namespace, when the caller creates it.
	ServiceAccountDependsOn []pulumi.Resource
}

// ExtraProvider is another cluster's OIDC provider and its admitted service accounts.
type ExtraProvider struct {
	// OIDCProviderARN is the other cluster's IAM OIDC provider ARN.
	OIDCProviderARN pulumi.StringInput
	// ServiceAccounts are that cluster's admitted service accounts.
	ServiceAccounts []ServiceAccount
}

// IRSARole is an IAM role for Kubernetes service accounts: the role with its
// web-identity trust policy, its policies, and the annotated ServiceAccounts.
type IRSARole struct {
	pulumi.ResourceState

	// Role is the IAM role.
	Role *iam.Role
	// RoleArn and RoleName are the role's ARN and name.
	RoleArn, RoleName pulumi.StringOutput
	// TrustPolicy is the rendered trust policy (canonical JSON).
	TrustPolicy pulumi.StringOutput
	// Attachments are the managed-policy attachments, in PolicyARNs order.
	Attachments []*iam.RolePolicyAttachment
	// InlinePolicies are the inline policies, by name.
	InlinePolicies map[string]*iam.RolePolicy
	// ServiceAccounts are the created ServiceAccounts, in ServiceAccounts order
	// (exact ones only; none when RoleOnly).
	ServiceAccounts []*corev1.ServiceAccount
}

// Ready returns the resources that make the role usable: the role, its
// policies and its ServiceAccounts. Use it as dependsOn of the Pods that use
// the role, rather than the component: the Go SDK expands a dependency on a
// component only into the children it has registered so far, and it
// registers them asynchronously.
func (r *IRSARole) Ready() []pulumi.Resource {
	return readyOf(r.Role, r.Attachments, r.InlinePolicies, r.ServiceAccounts)
}

// DependsOn is the resource option pulumi.DependsOn(r.Ready()).
func (r *IRSARole) DependsOn() pulumi.ResourceOption { return pulumi.DependsOn(r.Ready()) }

// readyOf lists a role, its attachments, its inline policies (by name) and
// its ServiceAccounts, then extra.
func readyOf(role *iam.Role, attachments []*iam.RolePolicyAttachment, inline map[string]*iam.RolePolicy,
	sas []*corev1.ServiceAccount, extra ...pulumi.Resource) []pulumi.Resource {
	out := []pulumi.Resource{role}
	for _, a := range attachments {
		out = append(out, a)
	}
	for _, name := range slices.Sorted(maps.Keys(inline)) {
		out = append(out, inline[name])
	}
	for _, sa := range sas {
		out = append(out, sa)
	}
	return append(out, extra...)
}

// roleInputs are the role-level settings shared by IRSARole and PodIdentityRole.
type roleInputs struct {
	name           string
	settings       sdk.RoleSettings
	boundary       pulumi.StringInput
	policyARNs     []pulumi.StringInput
	inlinePolicies map[string]pulumi.StringInput
}

func (r roleInputs) validate() error {
	var errs []error
	if r.name != "" {
		errs = append(errs, sdk.ValidateRoleName(r.name))
	}
	errs = append(errs, r.settings.Validate(), sdk.ValidateInlinePolicyNames(slices.Sorted(maps.Keys(r.inlinePolicies))))
	for i, p := range r.policyARNs {
		if p == nil {
			errs = append(errs, fmt.Errorf("%w: PolicyARNs[%d] is nil", ErrInvalidRole, i))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.inlinePolicies)) {
		if r.inlinePolicies[k] == nil {
			errs = append(errs, fmt.Errorf("%w: inline policy %q is nil", ErrInvalidRole, k))
		}
	}
	return errors.Join(errs...)
}

// roleChildren are the IAM children common to both role components.
type roleChildren struct {
	role        *iam.Role
	attachments []*iam.RolePolicyAttachment
	inline      map[string]*iam.RolePolicy
}

// newRoleChildren registers the role N, its attachments N-attach-<i> and its
// inline policies N-inline-<key>, parented to parent.
func newRoleChildren(ctx *pulumi.Context, parent pulumi.Resource, name string, trust pulumi.StringInput, r roleInputs) (*roleChildren, error) {
	args := &iam.RoleArgs{AssumeRolePolicy: trust, Tags: pulumi.ToStringMap(r.settings.Tags)}
	if r.name != "" {
		args.Name = pulumi.String(r.name)
	}
	if r.settings.Path != "" {
		args.Path = pulumi.String(r.settings.Path)
	}
	if r.settings.Description != "" {
		args.Description = pulumi.String(r.settings.Description)
	}
	if r.settings.MaxSessionDuration != 0 {
		args.MaxSessionDuration = pulumi.Int(r.settings.MaxSessionDuration)
	}
	if r.boundary != nil {
		args.PermissionsBoundary = r.boundary
	}
	role, err := iam.NewRole(ctx, name, args, pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("role: %w", err)
	}
	out := &roleChildren{role: role, inline: map[string]*iam.RolePolicy{}}
	for i, arn := range r.policyARNs {
		a, err := iam.NewRolePolicyAttachment(ctx, fmt.Sprintf("%s-attach-%d", name, i), &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: arn,
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, fmt.Errorf("policy attachment %d: %w", i, err)
		}
		out.attachments = append(out.attachments, a)
	}
	for _, k := range slices.Sorted(maps.Keys(r.inlinePolicies)) {
		p, err := iam.NewRolePolicy(ctx, name+"-inline-"+k, &iam.RolePolicyArgs{
			Role: role.Name, Name: pulumi.String(k), Policy: r.inlinePolicies[k],
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, fmt.Errorf("inline policy %s: %w", k, err)
		}
		out.inline[k] = p
	}
	return out, nil
}

// serviceAccountName is the logical name of the ServiceAccount child for sa.
func serviceAccountName(component string, sa ServiceAccount) string {
	return component + "-sa-" + sa.String()
}

// newServiceAccounts creates one ServiceAccount per exact entry of accounts on
// provider, with the given annotations.
func newServiceAccounts(ctx *pulumi.Context, parent pulumi.Resource, name string, accounts []ServiceAccount,
	provider pulumi.ProviderResource, annotations pulumi.StringMap, labels map[string]string, deps ...pulumi.Resource) ([]*corev1.ServiceAccount, error) {
	var out []*corev1.ServiceAccount
	for _, sa := range accounts {
		if sa.HasWildcard() {
			continue
		}
		meta := &metav1.ObjectMetaArgs{Name: pulumi.String(sa.Name), Namespace: pulumi.String(sa.Namespace)}
		if len(annotations) > 0 {
			meta.Annotations = annotations
		}
		if len(labels) > 0 {
			meta.Labels = pulumi.ToStringMap(labels)
		}
		k, err := corev1.NewServiceAccount(ctx, serviceAccountName(name, sa), &corev1.ServiceAccountArgs{Metadata: meta},
			pulumi.Parent(parent), pulumi.Provider(provider), pulumi.DependsOn(deps))
		if err != nil {
			return nil, fmt.Errorf("service account %s: %w", sa, err)
		}
		out = append(out, k)
	}
	return out, nil
}

// kubeProvider picks the explicit provider, else the cluster's.
func kubeProvider(explicit pulumi.ProviderResource, c clusterref.ClusterRef) pulumi.ProviderResource {
	if explicit != nil {
		return explicit
	}
	if c != nil {
		return c.Ref().KubernetesProvider
	}
	return nil
}

// needKubeProvider refuses args that create ServiceAccounts without a
// Kubernetes provider (the ambient default provider could be any cluster).
func needKubeProvider(roleOnly bool, explicit pulumi.ProviderResource, c clusterref.ClusterRef) error {
	if roleOnly || kubeProvider(explicit, c) != nil {
		return nil
	}
	return fmt.Errorf("%w: no Kubernetes provider for the ServiceAccounts: "+
		"set KubernetesProvider, a Cluster with one, or RoleOnly", ErrInvalidSpec)
}

// minimalProviderARN is the shortest provider ARN there can be; a policy over
// the quota with it is over the quota with any real ARN, so the component can
// refuse it before registering anything.
const minimalProviderARN = "arn:aws:iam::000000000000:oidc-provider/x"

// trustSpec builds the sdk.TrustSpec from resolved provider ARNs (primary first).
func (a *IRSARoleArgs) trustSpec(arns []string) sdk.TrustSpec {
	s := sdk.TrustSpec{AllowCrossNamespaceWildcard: a.AllowCrossNamespaceWildcard, MaxSize: a.MaxTrustPolicySize}
	s.Providers = append(s.Providers, sdk.ProviderAccounts{ProviderARN: arns[0], ServiceAccounts: a.ServiceAccounts})
	for i, p := range a.ExtraProviders {
		s.Providers = append(s.Providers, sdk.ProviderAccounts{ProviderARN: arns[i+1], ServiceAccounts: p.ServiceAccounts})
	}
	return s
}

func (a *IRSARoleArgs) roleInputs() roleInputs {
	return roleInputs{
		name: a.RoleName, boundary: a.PermissionsBoundary, policyARNs: a.PolicyARNs, inlinePolicies: a.InlinePolicies,
		settings: sdk.RoleSettings{Path: a.Path, Description: a.Description, MaxSessionDuration: a.MaxSessionDuration, Tags: a.Tags},
	}
}

// Validate reports every problem of the plain parts of the args at once: the
// service accounts, the role settings, and the inputs that must be present.
// The provider ARNs are outputs; they are checked when known, by TrustPolicy.
func (a *IRSARoleArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("%w: nil IRSARoleArgs", ErrInvalidSpec)
	}
	var errs []error
	if a.Cluster == nil && a.OIDCProviderARN == nil {
		errs = append(errs, fmt.Errorf("%w: set Cluster or OIDCProviderARN", ErrInvalidProviderARN))
	}
	arns := []string{minimalProviderARN}
	for i, p := range a.ExtraProviders {
		if p.OIDCProviderARN == nil {
			errs = append(errs, fmt.Errorf("%w: ExtraProviders[%d] has no OIDCProviderARN", ErrInvalidProviderARN, i))
		}
		arns = append(arns, fmt.Sprintf("arn:aws:iam::%012d:oidc-provider/x", i+1))
	}
	spec := a.trustSpec(arns)
	if err := spec.Validate(); err != nil {
		errs = append(errs, err)
	} else if _, err := spec.Document(); err != nil {
		errs = append(errs, err) // over the quota whatever the ARNs
	}
	errs = append(errs, a.roleInputs().validate())
	errs = append(errs, needKubeProvider(a.RoleOnly, a.KubernetesProvider, a.Cluster))
	return errors.Join(errs...)
}

// NewIRSARole creates an IAM role that the given service accounts assume
// through the cluster's OIDC provider, its managed and inline policies, and,
// unless RoleOnly, the ServiceAccounts annotated with the role's ARN. The trust
// policy is rendered by [TrustPolicy]'s renderer once the provider ARN is
// known. An invalid spec is refused before anything is registered.
func NewIRSARole(ctx *pulumi.Context, name string, args *IRSARoleArgs, opts ...pulumi.ResourceOption) (*IRSARole, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("irsa: NewIRSARole %s: %w", name, err)
	}
	comp := &IRSARole{}
	if err := ctx.RegisterComponentResource(TypeToken, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("irsa: NewIRSARole %s: %w", name, err)
	}
	primary := args.OIDCProviderARN
	if primary == nil {
		primary = clusterref.String(args.Cluster.Ref().OIDCProviderARN)
	}
	arns := []any{primary}
	for _, p := range args.ExtraProviders {
		arns = append(arns, p.OIDCProviderARN)
	}
	comp.TrustPolicy = pulumi.All(arns...).ApplyT(func(xs []any) (string, error) {
		resolved := make([]string, len(xs))
		for i, x := range xs {
			resolved[i], _ = x.(string)
		}
		return args.trustSpec(resolved).Render()
	}).(pulumi.StringOutput)

	children, err := newRoleChildren(ctx, comp, name, comp.TrustPolicy, args.roleInputs())
	if err != nil {
		return nil, fmt.Errorf("irsa: NewIRSARole %s: %w", name, err)
	}
	comp.Role, comp.Attachments, comp.InlinePolicies = children.role, children.attachments, children.inline
	comp.RoleArn, comp.RoleName = children.role.Arn, children.role.Name

	if !args.RoleOnly {
		annotations := pulumi.StringMap{AnnotationRoleARN: comp.RoleArn}
		if args.RegionalSTSEndpoints {
			annotations[AnnotationSTSRegionalEndpoints] = pulumi.String("true")
		}
		comp.ServiceAccounts, err = newServiceAccounts(ctx, comp, name, args.ServiceAccounts,
			kubeProvider(args.KubernetesProvider, args.Cluster), annotations, args.ServiceAccountLabels, args.ServiceAccountDependsOn...)
		if err != nil {
			return nil, fmt.Errorf("irsa: NewIRSARole %s: %w", name, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"roleArn": comp.RoleArn, "roleName": comp.RoleName, "trustPolicy": comp.TrustPolicy,
	}); err != nil {
		return nil, fmt.Errorf("irsa: NewIRSARole %s: %w", name, err)
	}
	return comp, nil
}

// OIDCProviderArgs configure [NewOIDCProvider].
//
// Child resources (API): aws:iam/openIdConnectProvider:OpenIdConnectProvider
// named N, parented to the component.
type OIDCProviderArgs struct {
	// IssuerURL is the cluster's OIDC issuer, https://oidc.eks.<region>.<suffix>/id/<ID>.
	IssuerURL pulumi.StringInput
	// Thumbprints are optional SHA-1 thumbprints (40 hex digits) of the issuer's
	// CA. IAM validates EKS issuers against its trusted CAs, so none are needed
	// for EKS; pass one for other issuers.
	Thumbprints []string
	// ClientIDs are the accepted audiences; nil means [sts.amazonaws.com].
	ClientIDs []string
	// Tags are the provider's tags.
	Tags map[string]string
}

// OIDCProvider is a cluster's IAM OIDC identity provider, the principal that
// IRSA trust policies name.
type OIDCProvider struct {
	pulumi.ResourceState

	// Provider is the IAM OIDC provider.
	Provider *iam.OpenIdConnectProvider
	// Arn is the provider's ARN; IssuerURL the validated issuer URL.
	Arn, IssuerURL pulumi.StringOutput
}

// Validate reports every problem of the plain parts of the args at once.
func (a *OIDCProviderArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("%w: nil OIDCProviderArgs", ErrInvalidSpec)
	}
	var errs []error
	if a.IssuerURL == nil {
		errs = append(errs, fmt.Errorf("%w: IssuerURL is required", ErrInvalidIssuer))
	}
	errs = append(errs, sdk.OIDCProviderSpec{Thumbprints: a.Thumbprints, ClientIDs: a.ClientIDs, Tags: a.Tags}.ValidateSettings())
	return errors.Join(errs...)
}

// NewOIDCProvider creates the IAM OIDC provider of a cluster's issuer, with
// client ID sts.amazonaws.com and thumbprints only when given.
func NewOIDCProvider(ctx *pulumi.Context, name string, args *OIDCProviderArgs, opts ...pulumi.ResourceOption) (*OIDCProvider, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("irsa: NewOIDCProvider %s: %w", name, err)
	}
	comp := &OIDCProvider{}
	if err := ctx.RegisterComponentResource(OIDCProviderTypeToken, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("irsa: NewOIDCProvider %s: %w", name, err)
	}
	comp.IssuerURL = args.IssuerURL.ToStringOutput().ApplyT(func(u string) (string, error) {
		if _, err := sdk.IssuerHostPath(u); err != nil {
			return "", fmt.Errorf("irsa: NewOIDCProvider %s: %w", name, err)
		}
		return u, nil
	}).(pulumi.StringOutput)
	pargs := &iam.OpenIdConnectProviderArgs{
		Url:           comp.IssuerURL,
		ClientIdLists: pulumi.ToStringArray(sdk.OIDCProviderSpec{ClientIDs: args.ClientIDs}.EffectiveClientIDs()),
		Tags:          pulumi.ToStringMap(args.Tags),
	}
	if len(args.Thumbprints) > 0 {
		pargs.ThumbprintLists = pulumi.ToStringArray(args.Thumbprints)
	}
	p, err := iam.NewOpenIdConnectProvider(ctx, name, pargs, pulumi.Parent(comp))
	if err != nil {
		return nil, fmt.Errorf("irsa: NewOIDCProvider %s: %w", name, err)
	}
	comp.Provider, comp.Arn = p, p.Arn
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"arn": comp.Arn, "issuerUrl": comp.IssuerURL}); err != nil {
		return nil, fmt.Errorf("irsa: NewOIDCProvider %s: %w", name, err)
	}
	return comp, nil
}

// PodIdentityRoleArgs configure [NewPodIdentityRole], the EKS Pod Identity
// alternative to IRSA: the role trusts pods.eks.amazonaws.com and an EKS Pod
// Identity association binds it to each service account. Pod Identity needs
// its agent DaemonSet on EC2 nodes, so Fargate-only clusters are refused.
//
// Child resources (API), for a component named N:
//
//	aws:iam/role:Role                            N
//	aws:iam/rolePolicyAttachment:...             N-attach-<i>
//	aws:iam/rolePolicy:RolePolicy                N-inline-<key>
//	aws:eks/podIdentityAssociation:...           N-assoc-<ns>/<name>   one per service account
//	kubernetes:core/v1:ServiceAccount            N-sa-<ns>/<name>      unless RoleOnly (not annotated)
type PodIdentityRoleArgs struct {
	// Cluster is required: its name for the associations, FargateOnly to refuse.
	Cluster clusterref.ClusterRef
	// ServiceAccounts to associate; Pod Identity takes exact names only.
	ServiceAccounts []ServiceAccount
	// RoleName, Path, Description, MaxSessionDuration, Tags,
	// PermissionsBoundary, PolicyARNs and InlinePolicies are as in IRSARoleArgs.
	RoleName            string
	Path, Description   string
	MaxSessionDuration  int
	Tags                map[string]string
	PermissionsBoundary pulumi.StringInput
	PolicyARNs          []pulumi.StringInput
	InlinePolicies      map[string]pulumi.StringInput
	// RoleOnly creates no ServiceAccount objects.
	RoleOnly bool
	// KubernetesProvider creates the ServiceAccounts; it overrides Cluster's.
	KubernetesProvider pulumi.ProviderResource
	// ServiceAccountLabels are labels of the created ServiceAccounts.
	ServiceAccountLabels map[string]string
}

// PodIdentityRole is an IAM role bound to service accounts by EKS Pod Identity.
type PodIdentityRole struct {
	pulumi.ResourceState

	// Role is the IAM role; RoleArn and RoleName its ARN and name.
	Role              *iam.Role
	RoleArn, RoleName pulumi.StringOutput
	// Attachments and InlinePolicies are the role's policies.
	Attachments    []*iam.RolePolicyAttachment
	InlinePolicies map[string]*iam.RolePolicy
	// Associations are the Pod Identity associations, in ServiceAccounts order.
	Associations []*eks.PodIdentityAssociation
	// ServiceAccounts are the created ServiceAccounts (none when RoleOnly).
	ServiceAccounts []*corev1.ServiceAccount
}

// Ready returns the resources that make the role usable by Pods: the role,
// its policies, its Pod Identity associations and its ServiceAccounts (see
// [IRSARole.Ready] for why not the component).
func (r *PodIdentityRole) Ready() []pulumi.Resource {
	extra := make([]pulumi.Resource, 0, len(r.Associations))
	for _, a := range r.Associations {
		extra = append(extra, a)
	}
	return readyOf(r.Role, r.Attachments, r.InlinePolicies, r.ServiceAccounts, extra...)
}

// DependsOn is the resource option pulumi.DependsOn(r.Ready()).
func (r *PodIdentityRole) DependsOn() pulumi.ResourceOption { return pulumi.DependsOn(r.Ready()) }

func (a *PodIdentityRoleArgs) roleInputs() roleInputs {
	return roleInputs{
		name: a.RoleName, boundary: a.PermissionsBoundary, policyARNs: a.PolicyARNs, inlinePolicies: a.InlinePolicies,
		settings: sdk.RoleSettings{Path: a.Path, Description: a.Description, MaxSessionDuration: a.MaxSessionDuration, Tags: a.Tags},
	}
}

// Validate reports every problem of the args at once; on a Fargate-only
// cluster it reports [ErrPodIdentityUnavailable].
func (a *PodIdentityRoleArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("%w: nil PodIdentityRoleArgs", ErrInvalidSpec)
	}
	var errs []error
	switch {
	case a.Cluster == nil:
		errs = append(errs, fmt.Errorf("%w: Cluster is required for Pod Identity", ErrInvalidSpec))
	case a.Cluster.Ref().FargateOnly:
		errs = append(errs, fmt.Errorf("%w: the cluster is Fargate-only, and the Pod Identity agent "+
			"(a DaemonSet) does not run on Fargate: use NewIRSARole", ErrPodIdentityUnavailable))
	}
	errs = append(errs, sdk.ValidateServiceAccounts(a.ServiceAccounts, false))
	for _, sa := range a.ServiceAccounts {
		if sa.HasWildcard() {
			errs = append(errs, fmt.Errorf("%w %q: Pod Identity associations take exact names", ErrInvalidServiceAccount, sa.String()))
		}
	}
	errs = append(errs, a.roleInputs().validate())
	errs = append(errs, needKubeProvider(a.RoleOnly, a.KubernetesProvider, a.Cluster))
	return errors.Join(errs...)
}

// NewPodIdentityRole creates a role for EKS Pod Identity, its policies, one
// PodIdentityAssociation per service account and, unless RoleOnly, the
// ServiceAccounts. It refuses Fargate-only clusters ([ErrPodIdentityUnavailable])
// before registering anything.
func NewPodIdentityRole(ctx *pulumi.Context, name string, args *PodIdentityRoleArgs, opts ...pulumi.ResourceOption) (*PodIdentityRole, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("irsa: NewPodIdentityRole %s: %w", name, err)
	}
	trust, err := sdk.PodIdentityTrustPolicy()
	if err != nil {
		return nil, err
	}
	comp := &PodIdentityRole{}
	if err := ctx.RegisterComponentResource(PodIdentityRoleTypeToken, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("irsa: NewPodIdentityRole %s: %w", name, err)
	}
	children, err := newRoleChildren(ctx, comp, name, pulumi.String(trust), args.roleInputs())
	if err != nil {
		return nil, fmt.Errorf("irsa: NewPodIdentityRole %s: %w", name, err)
	}
	comp.Role, comp.Attachments, comp.InlinePolicies = children.role, children.attachments, children.inline
	comp.RoleArn, comp.RoleName = children.role.Arn, children.role.Name
	for _, sa := range args.ServiceAccounts {
		assoc, err := eks.NewPodIdentityAssociation(ctx, name+"-assoc-"+sa.String(), &eks.PodIdentityAssociationArgs{
			ClusterName: clusterref.String(args.Cluster.Ref().Name), Namespace: pulumi.String(sa.Namespace),
			ServiceAccount: pulumi.String(sa.Name), RoleArn: comp.RoleArn, Tags: pulumi.ToStringMap(args.Tags),
		}, pulumi.Parent(comp))
		if err != nil {
			return nil, fmt.Errorf("irsa: NewPodIdentityRole %s: association %s: %w", name, sa, err)
		}
		comp.Associations = append(comp.Associations, assoc)
	}
	if !args.RoleOnly {
		comp.ServiceAccounts, err = newServiceAccounts(ctx, comp, name, args.ServiceAccounts,
			kubeProvider(args.KubernetesProvider, args.Cluster), nil, args.ServiceAccountLabels)
		if err != nil {
			return nil, fmt.Errorf("irsa: NewPodIdentityRole %s: %w", name, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"roleArn": comp.RoleArn, "roleName": comp.RoleName}); err != nil {
		return nil, fmt.Errorf("irsa: NewPodIdentityRole %s: %w", name, err)
	}
	return comp, nil
}
