package provider

import (
	"context"
	"fmt"
	"reflect"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// ClusterRef is the cross-language view of an EKS cluster that IRSARole,
// LBCRelease and AwsAuthMapping take (Go: [clusterref.Cluster]). It is plain
// data: component references across packages are limited
// (pulumi/pulumi#18484), so the Kubernetes provider the Go view carries is
// made by the provider from Kubeconfig (or from Endpoint and
// CertificateAuthority). FargateCluster outputs one as clusterRef.
type ClusterRef struct {
	// Name is the EKS cluster's name.
	Name string `pulumi:"name"`
	// Region is the cluster's AWS region.
	Region string `pulumi:"region"`
	// VpcID is the cluster's VPC.
	VpcID string `pulumi:"vpcId,optional"`
	// OIDCProviderArn is the cluster's IAM OIDC provider.
	OIDCProviderArn string `pulumi:"oidcProviderArn,optional"`
	// OIDCIssuerURL is the cluster's OIDC issuer.
	OIDCIssuerURL string `pulumi:"oidcIssuerUrl,optional"`
	// PodExecutionRoleArn is the Fargate pod-execution role.
	PodExecutionRoleArn string `pulumi:"podExecutionRoleArn,optional"`
	// Endpoint is the API server URL.
	Endpoint string `pulumi:"endpoint,optional"`
	// CertificateAuthority is the API server's CA, base64 PEM.
	CertificateAuthority string `pulumi:"certificateAuthority,optional"`
	// Kubeconfig reaches the cluster.
	Kubeconfig string `pulumi:"kubeconfig,optional"`
	// FargateOnly says every workload runs on Fargate.
	FargateOnly bool `pulumi:"fargateOnly,optional"`
	// HasFargateProfiles says the cluster has Fargate profiles.
	HasFargateProfiles bool `pulumi:"hasFargateProfiles,optional"`
	// AuthenticationMode is CONFIG_MAP, API_AND_CONFIG_MAP or API.
	AuthenticationMode string `pulumi:"authenticationMode,optional"`
	// FargateProfiles are the selectors of the cluster's Fargate profiles.
	FargateProfiles []ProfileSelectors `pulumi:"fargateProfiles,optional"`
}

// ProfileSelectors are a Fargate profile's name and pod selectors, as a
// [ClusterRef] gives them (Go: [clusterref.FargateProfile]).
type ProfileSelectors struct {
	// Name is the profile's name.
	Name string `pulumi:"name"`
	// Selectors are the profile's pod selectors.
	Selectors []Selector `pulumi:"selectors"`
}

// Annotate documents ProfileSelectors.
func (s *ProfileSelectors) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "ProfileSelectors")
	a.Describe(s, "A Fargate profile of a cluster, by name and pod selectors.")
	a.Describe(&s.Name, "The profile's name.")
	a.Describe(&s.Selectors, "The profile's pod selectors (namespace and labels; both may use * and ?).")
}

// Annotate documents ClusterRef for the schema (and so for every SDK).
func (c *ClusterRef) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "ClusterRef")
	a.Describe(c, "A cluster as IRSARole, LBCRelease and AwsAuthMapping see it: plain data (the Go components take a "+
		"clusterref.Cluster). FargateCluster outputs one as `clusterRef`; describe any other EKS cluster (another stack's, "+
		"pulumi-eks's, eksctl's) with the same fields. The provider makes the Kubernetes provider for the cluster's "+
		"Kubernetes children from `kubeconfig`, else from `endpoint` and `certificateAuthority`. Passing a FargateCluster's "+
		"`clusterRef` also orders the consumer after the whole cluster (CoreDNS on Fargate included): its value is known "+
		"only once the FargateCluster has been constructed.")
	a.Describe(&c.Name, "The EKS cluster's name.")
	a.Describe(&c.Region, "The cluster's AWS region.")
	a.Describe(&c.VpcID, "The ID of the cluster's VPC (the load balancer controller's vpcId, the scoped IAM policy).")
	a.Describe(&c.OIDCProviderArn, "The ARN of the cluster's IAM OIDC provider, which IRSA trust policies name.")
	a.Describe(&c.OIDCIssuerURL, "The cluster's OIDC issuer URL, https://oidc.eks.<region>.<suffix>/id/<ID>.")
	a.Describe(&c.PodExecutionRoleArn, "The Fargate pod-execution role's ARN; empty when the cluster has no Fargate profiles. "+
		"AwsAuthMapping keeps its aws-auth mapping.")
	a.Describe(&c.Endpoint, "The Kubernetes API server URL; with `certificateAuthority`, used to render a kubeconfig "+
		"(exec plugin `fargatekit token`) when `kubeconfig` is empty.")
	a.Describe(&c.CertificateAuthority, "The API server's certificate authority, base64-encoded PEM (see `endpoint`).")
	a.Describe(&c.Kubeconfig, "A kubeconfig for the cluster, from which the Kubernetes provider of the components' "+
		"Kubernetes children is made. FargateCluster's needs its exec plugin (`fargatekit token`, with `fargatekit-admin`, or `aws eks get-token`) on PATH.")
	a.Describe(&c.FargateOnly, "Every workload runs on Fargate (no node groups): IP targets are then mandatory for the "+
		"load balancer controller.")
	a.Describe(&c.HasFargateProfiles, "The cluster has Fargate profiles, whose pod-execution role must stay mapped in aws-auth.")
	a.Describe(&c.AuthenticationMode, "CONFIG_MAP, API_AND_CONFIG_MAP or API; empty means API_AND_CONFIG_MAP. "+
		"AwsAuthMapping picks its mode from it.")
	a.Describe(&c.FargateProfiles, "The selectors of the cluster's Fargate profiles, when known (FargateCluster's "+
		"clusterRef has them). On a Fargate-only cluster LBCRelease then checks, before registering anything, that one "+
		"selects the controller's pods; without them the check is skipped.")
}

// ClusterRefInput is an input of a [ClusterRef]: a [ClusterRefArgs] or a
// [ClusterRefOutput].
type ClusterRefInput interface {
	pulumi.Input
	ToClusterRefOutput() ClusterRefOutput
	ToClusterRefOutputWithContext(context.Context) ClusterRefOutput
}

// ClusterRefArgs is a [ClusterRef] whose fields are inputs.
type ClusterRefArgs struct {
	// Name, Region and the other fields are ClusterRef's.
	Name                 pulumi.StringInput `pulumi:"name"`
	Region               pulumi.StringInput `pulumi:"region"`
	VpcID                pulumi.StringInput `pulumi:"vpcId"`
	OIDCProviderArn      pulumi.StringInput `pulumi:"oidcProviderArn"`
	OIDCIssuerURL        pulumi.StringInput `pulumi:"oidcIssuerUrl"`
	PodExecutionRoleArn  pulumi.StringInput `pulumi:"podExecutionRoleArn"`
	Endpoint             pulumi.StringInput `pulumi:"endpoint"`
	CertificateAuthority pulumi.StringInput `pulumi:"certificateAuthority"`
	Kubeconfig           pulumi.StringInput `pulumi:"kubeconfig"`
	FargateOnly          pulumi.BoolInput   `pulumi:"fargateOnly"`
	HasFargateProfiles   pulumi.BoolInput   `pulumi:"hasFargateProfiles"`
	AuthenticationMode   pulumi.StringInput `pulumi:"authenticationMode"`
	// FargateProfiles is plain: it is known when the cluster is declared.
	FargateProfiles []ProfileSelectors `pulumi:"fargateProfiles"`
}

// ElementType implements pulumi.Input.
func (ClusterRefArgs) ElementType() reflect.Type { return reflect.TypeFor[ClusterRef]() }

// ToClusterRefOutput implements ClusterRefInput.
func (a ClusterRefArgs) ToClusterRefOutput() ClusterRefOutput {
	return a.ToClusterRefOutputWithContext(context.Background())
}

// ToClusterRefOutputWithContext implements ClusterRefInput.
func (a ClusterRefArgs) ToClusterRefOutputWithContext(ctx context.Context) ClusterRefOutput {
	return pulumi.ToOutputWithContext(ctx, a).(ClusterRefOutput)
}

// ClusterRefOutput is an output of a [ClusterRef].
type ClusterRefOutput struct{ *pulumi.OutputState }

// ElementType implements pulumi.Output.
func (ClusterRefOutput) ElementType() reflect.Type { return reflect.TypeFor[ClusterRef]() }

// ToClusterRefOutput implements ClusterRefInput.
func (o ClusterRefOutput) ToClusterRefOutput() ClusterRefOutput { return o }

// ToClusterRefOutputWithContext implements ClusterRefInput.
func (o ClusterRefOutput) ToClusterRefOutputWithContext(context.Context) ClusterRefOutput { return o }

func init() {
	pulumi.RegisterInputType(reflect.TypeFor[ClusterRefInput](), ClusterRefArgs{})
	pulumi.RegisterOutputType(ClusterRefOutput{})
}

// field returns one string field of the cluster as an output (with the
// dependencies and secrecy of the whole).
func (o ClusterRefOutput) field(get func(ClusterRef) string) pulumi.StringOutput {
	return o.ApplyT(func(c ClusterRef) string { return get(c) }).(pulumi.StringOutput)
}

// rawInputsKey keys the Construct request's raw inputs in the context.
type rawInputsKey struct{}

// withRawInputs wraps a provider's Construct so that the component functions
// can read the request's raw inputs (plainFacts): the typed inputs the Go SDK
// hands them are outputs, whose known-ness a Go program cannot test.
func withRawInputs(prov p.Provider) p.Provider {
	construct := prov.Construct
	prov.Construct = func(ctx context.Context, req p.ConstructRequest) (p.ConstructResponse, error) {
		return construct(context.WithValue(ctx, rawInputsKey{}, req.Inputs), req)
	}
	return prov
}

// clusterFacts are ClusterRef's plain fields, which decide children.
type clusterFacts struct {
	fargateOnly, hasFargateProfiles bool
	authenticationMode              string
	// hasKubeconfig: the cluster gives a kubeconfig, or an endpoint and a
	// CA, or is not known yet (a preview): a Kubernetes provider is made.
	hasKubeconfig bool
	// fargateProfiles are nil when not given or not known.
	fargateProfiles []clusterref.FargateProfile
}

// plainFacts reads the plain fields of the raw input key (a ClusterRef).
// Unknown values (a preview of a cluster being created) read as the Go zero
// values, as an unset clusterref.Cluster field does.
func plainFacts(ctx *pulumi.Context, key string) clusterFacts {
	raw, _ := ctx.Context().Value(rawInputsKey{}).(property.Map)
	v := raw.Get(key)
	if v.IsComputed() || !v.IsMap() {
		return clusterFacts{hasKubeconfig: v.IsComputed()}
	}
	m := v.AsMap()
	b := func(k string) bool { x := m.Get(k); return x.IsBool() && x.AsBool() }
	s := func(k string) string {
		if x := m.Get(k); x.IsString() {
			return x.AsString()
		}
		return ""
	}
	set := func(k string) bool { x := m.Get(k); return x.IsComputed() || (x.IsString() && x.AsString() != "") }
	return clusterFacts{
		fargateOnly: b("fargateOnly"), hasFargateProfiles: b("hasFargateProfiles"), authenticationMode: s("authenticationMode"),
		hasKubeconfig:   set("kubeconfig") || (set("endpoint") && set("certificateAuthority")),
		fargateProfiles: plainProfiles(m.Get("fargateProfiles")),
	}
}

// plainProfiles reads ClusterRef.fargateProfiles from a raw input: nil when
// absent or not wholly known (a check that needs them is then skipped, as
// for a clusterref.Cluster without them).
func plainProfiles(v property.Value) []clusterref.FargateProfile {
	if !v.IsArray() || v.HasComputed() {
		return nil
	}
	str := func(m property.Map, k string) string {
		if x := m.Get(k); x.IsString() {
			return x.AsString()
		}
		return ""
	}
	profiles := []clusterref.FargateProfile{}
	for _, pv := range v.AsArray().All {
		if !pv.IsMap() {
			continue
		}
		pm := pv.AsMap()
		fp := clusterref.FargateProfile{Name: str(pm, "name")}
		if sels := pm.Get("selectors"); sels.IsArray() {
			for _, sv := range sels.AsArray().All {
				if !sv.IsMap() {
					continue
				}
				sel := clusterref.FargateSelector{Namespace: str(sv.AsMap(), "namespace")}
				if labels := sv.AsMap().Get("labels"); labels.IsMap() {
					for k, lv := range labels.AsMap().All {
						if lv.IsString() {
							if sel.Labels == nil {
								sel.Labels = map[string]string{}
							}
							sel.Labels[k] = lv.AsString()
						}
					}
				}
				fp.Selectors = append(fp.Selectors, sel)
			}
		}
		profiles = append(profiles, fp)
	}
	return profiles
}

// kubeconfigOf is the cluster's kubeconfig, or one rendered by kubeauth from
// its name, region, endpoint and CA.
func kubeconfigOf(c ClusterRef) (string, error) {
	if c.Kubeconfig != "" {
		return c.Kubeconfig, nil
	}
	return kubeauth.RenderKubeconfig(kubeauth.KubeconfigSpec{
		ClusterName: c.Name, Region: c.Region, Endpoint: c.Endpoint, CAData: c.CertificateAuthority,
	})
}

// providerFunc makes the Kubernetes provider of a component from a
// kubeconfig: [registerProvider], or [placeholderProvider] while the args are
// validated (a refused spec registers nothing, not even the provider).
type providerFunc func(ctx *pulumi.Context, name string, kubeconfig pulumi.StringInput, opts pulumi.ResourceOption) (pulumi.ProviderResource, error)

// placeholderProvider stands for the provider during validation, which only
// checks that there is one; it is never registered nor used.
func placeholderProvider(*pulumi.Context, string, pulumi.StringInput, pulumi.ResourceOption) (pulumi.ProviderResource, error) {
	return &kubernetes.Provider{}, nil
}

// registerProvider makes the Kubernetes provider <name>-k8s from a
// kubeconfig, a sibling of the component (a child cannot exist before the
// Go component registers itself).
func registerProvider(ctx *pulumi.Context, name string, kubeconfig pulumi.StringInput, opts pulumi.ResourceOption) (pulumi.ProviderResource, error) {
	ro, err := pulumi.NewResourceOptions(opts)
	if err != nil {
		return nil, err
	}
	var popts []pulumi.ResourceOption
	if ro.Parent != nil {
		popts = append(popts, pulumi.Parent(ro.Parent))
	}
	k, err := kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{Kubeconfig: kubeconfig}, popts...)
	if err != nil {
		return nil, fmt.Errorf("kubernetes provider %s-k8s: %w", name, err)
	}
	return k, nil
}

// clusterInputs converts the cluster and the kubeconfig override of a
// component's args into the Go view. The Kubernetes provider is made from
// providerKubeconfig when set (it overrides the cluster's, as Go's
// KubernetesProvider does), else from the cluster's kubeconfig. Ready stays
// empty: a FargateCluster's clusterRef resolves only after its Construct,
// children included.
func clusterInputs(ctx *pulumi.Context, name string, in ClusterRefInput, providerKubeconfig pulumi.StringInput,
	newProvider providerFunc, opts pulumi.ResourceOption) (cluster clusterref.ClusterRef, override pulumi.ProviderResource, err error) {
	if providerKubeconfig != nil {
		if override, err = newProvider(ctx, name, providerKubeconfig, opts); err != nil {
			return nil, nil, err
		}
	}
	if in == nil {
		return nil, override, nil
	}
	facts := plainFacts(ctx, "cluster")
	ref := in.ToClusterRefOutputWithContext(ctx.Context())
	c := clusterref.Cluster{
		Name:                ref.field(func(c ClusterRef) string { return c.Name }),
		Region:              ref.field(func(c ClusterRef) string { return c.Region }),
		VpcID:               ref.field(func(c ClusterRef) string { return c.VpcID }),
		OIDCProviderARN:     ref.field(func(c ClusterRef) string { return c.OIDCProviderArn }),
		OIDCIssuerURL:       ref.field(func(c ClusterRef) string { return c.OIDCIssuerURL }),
		PodExecutionRoleARN: ref.field(func(c ClusterRef) string { return c.PodExecutionRoleArn }),
		FargateOnly:         facts.fargateOnly,
		HasFargateProfiles:  facts.hasFargateProfiles,
		AuthenticationMode:  facts.authenticationMode,
		FargateProfiles:     facts.fargateProfiles,
	}
	if facts.hasKubeconfig {
		// The cluster's kubeconfig: its Kubernetes provider's unless
		// providerKubeconfig overrides it, and the one resource hooks use
		// (lbc's teardown).
		c.Kubeconfig = ref.ApplyT(kubeconfigOf).(pulumi.StringOutput)
		if override == nil {
			if c.KubernetesProvider, err = newProvider(ctx, name, c.Kubeconfig, opts); err != nil {
				return nil, nil, err
			}
		}
	}
	return c, override, nil
}

// construct runs a Go component's constructor on args converted twice: first
// with placeholder providers, to validate (a refused spec is handed to the
// constructor as is, which reports it exactly as in Go and registers
// nothing), then with the registered providers.
func construct[A any, G interface{ Validate() error }, R any](ctx *pulumi.Context, name string, args A,
	convert func(*pulumi.Context, string, A, providerFunc, pulumi.ResourceOption) (G, error),
	newComponent func(*pulumi.Context, string, G, ...pulumi.ResourceOption) (R, error),
	opts ...pulumi.ResourceOption) (R, error) {
	var zero R
	opt := pulumi.Composite(opts...)
	checked, err := convert(ctx, name, args, placeholderProvider, opt)
	if err != nil {
		return zero, err
	}
	if checked.Validate() != nil {
		return newComponent(ctx, name, checked, opts...)
	}
	goArgs, err := convert(ctx, name, args, registerProvider, opt)
	if err != nil {
		return zero, err
	}
	return newComponent(ctx, name, goArgs, opts...)
}
