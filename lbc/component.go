package lbc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/rest"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/kubehook"
	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/irsa"
	sdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// TypeToken is the type token of [LBCRelease].
const TypeToken = "fargatekit:lbc:LBCRelease"

// LBCReleaseArgs configure [NewLBCRelease]. Plain Go values decide which
// children exist; the cluster's name, region and VPC are outputs of Cluster.
//
// Child resources and their logical names (API: renaming them replaces them),
// for a component named N, all parented to the component:
//
//	kubernetes:core/v1:Namespace                              N-namespace   the namespace, unless kube-system
//	aws:iam/policy:Policy                                     N-policy      the controller's IAM policy
//	fargatekit:irsa:IRSARole                                  N-irsa        its role, trust and ServiceAccount
//	kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition N-<CRD name>  one per CRD of the chart, unless SkipCRDs
//	kubernetes:helm.sh/v3:Release                             N             the chart, waited for
//
// The CRD children are named by the CRD's name (e.g.
// N-targetgroupbindings.elbv2.k8s.aws), so that an upgrade keeps the CRDs
// both versions ship and adds the new ones.
//
// With AdditionalPolicies (or the feature gates that need them), one policy
// each, attached to the role; with GatewayAPI, one child per Gateway API CRD
// (before the release) and per GatewayClass (after it), named by CRD or
// class name:
//
//	aws:iam/policy:Policy                      N-policy-<policy>        e.g. N-policy-global-accelerator
//	kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition
//	                                           N-gatewayapi-<CRD name>  e.g. N-gatewayapi-httproutes.gateway.networking.k8s.io
//	kubernetes:gateway.networking.k8s.io/v1:GatewayClass
//	                                           N-gatewayclass-<class>   e.g. N-gatewayclass-alb
type LBCReleaseArgs struct {
	// Cluster is the cluster to install into; required. Its Ready resources
	// (CoreDNS on Fargate) come before the release, its Kubernetes provider
	// installs it, and FargateOnly implies Settings.Fargate.
	Cluster clusterref.ClusterRef
	// ReleaseSpec is the plain spec, the same the SDK installs: settings
	// (version, replicas, image, ...), namespace, chart and policy overrides,
	// timeout. Settings.ServiceAccountName defaults to DefaultServiceAccount;
	// the component creates that ServiceAccount through irsa, so
	// Settings.ServiceAccountRoleARN must stay empty.
	ReleaseSpec
	// KubernetesProvider overrides the cluster's Kubernetes provider.
	KubernetesProvider pulumi.ProviderResource
	// Kubeconfig is the kubeconfig the destroy hook tears down with (see
	// "Destroy" in the package documentation); it overrides the cluster's.
	// Without either, no hook is registered.
	Kubeconfig pulumi.StringInput

	// loadCRDs loads the CRDs of a chart (tests); nil means sdk.SourceCRDs.
	loadCRDs func(sdk.ChartSource) ([]sdk.CRD, error)
	// connect builds the hook's REST config from the kubeconfig (tests).
	connect func(kubeconfig string) (*rest.Config, error)
	// GatewayAPI, when set, installs the Gateway API: its CRDs (unless
	// SkipCRDs) before the release and the controller's GatewayClasses
	// (DefaultGatewayClasses unless Classes says otherwise) after it.
	GatewayAPI *GatewayAPISpec
}

// LBCRelease is the AWS Load Balancer Controller installed on a cluster.
type LBCRelease struct {
	pulumi.ResourceState

	// Policy is the controller's IAM policy and PolicyArn its ARN.
	Policy    *iam.Policy
	PolicyArn pulumi.StringOutput
	// Role is the controller's IRSA role (with its ServiceAccount); RoleArn its ARN.
	Role    *irsa.IRSARole
	RoleArn pulumi.StringOutput
	// Namespace is the created namespace (nil in kube-system).
	NamespaceResource *corev1.Namespace
	// CRDs are the CustomResourceDefinition children, by CRD name (none with SkipCRDs).
	CRDs map[string]*apiextensions.CustomResource
	// Release is the Helm release; dependants wait for it (see Ready).
	Release *helmv3.Release
	// Values are the chart values the release was given.
	Values pulumi.MapOutput
	// Version and ChartVersion are the controller and chart versions installed.
	Version, ChartVersion string
	// Namespace and ServiceAccountName locate the controller.
	Namespace, ServiceAccountName string

	hook *teardownHook // the destroy hook (nil without a kubeconfig)
	// AdditionalPolicies are the optional IAM policies attached to the role.
	AdditionalPolicies map[AdditionalPolicy]*iam.Policy
	// GatewayAPI are the Gateway API children (nil without Args.GatewayAPI).
	GatewayAPI *GatewayAPIResources
}

// Ready returns the resources that must exist before anything the controller
// serves is created: the Helm release, awaited until its Deployment is
// available and, with a kubeconfig, until its webhook Service has a ready
// endpoint (the release's N-webhook-ready hook runs sdk.WaitForWebhook after
// each create and update), so that the service-mutator webhook, whose
// failurePolicy is Fail, answers the Services created after it. Use it as dependsOn of your Ingresses and
// Services of type LoadBalancer, so that they are created after the
// controller and destroyed before it. Prefer it to a dependency on the
// component itself: the Go SDK expands that only into the children it has
// registered by then, which it does asynchronously.
func (r *LBCRelease) Ready() []pulumi.Resource { return []pulumi.Resource{r.Release} }

// DependsOn is the resource option pulumi.DependsOn(r.Ready()).
func (r *LBCRelease) DependsOn() pulumi.ResourceOption { return pulumi.DependsOn(r.Ready()) }

// resolved are the validated choices of the args.
type resolved struct {
	sdk.Resolved
	provider   pulumi.ProviderResource
	kubeconfig pulumi.StringInput
	crds       []sdk.CRD
}

// ownWebhookTLS reports whether the component passes the chart its webhook
// certificate: the chart cannot keep its own (3.0.0) and Settings.WebhookTLS
// is not set.
func (r resolved) ownWebhookTLS() bool { return !r.KeepTLSSecret && r.Settings.WebhookTLS == nil }

// resolve validates the args and fills in their defaults, reporting every
// problem at once.
func (a *LBCReleaseArgs) resolve(ctx context.Context) (resolved, error) {
	if a == nil {
		return resolved{}, fmt.Errorf("%w: nil LBCReleaseArgs", ErrInvalidSpec)
	}
	var errs []error
	spec := a.ReleaseSpec
	if a.Cluster == nil {
		errs = append(errs, fmt.Errorf("%w: Cluster is required", ErrInvalidSpec))
	} else {
		spec.Fargate = spec.Fargate || a.Cluster.Ref().FargateOnly
	}
	if spec.ServiceAccountRoleARN != "" {
		errs = append(errs, fmt.Errorf("%w: ServiceAccountRoleARN: the component creates the controller's role and ServiceAccount", ErrInvalidSpec))
		spec.ServiceAccountRoleARN = ""
	}
	res, err := spec.Resolve()
	errs = append(errs, err)
	if a.GatewayAPI != nil {
		errs = append(errs, a.GatewayAPI.Validate(res.Settings))
	}
	r := resolved{Resolved: res, provider: a.KubernetesProvider}
	if r.provider == nil && a.Cluster != nil {
		r.provider = a.Cluster.Ref().KubernetesProvider
	}
	if r.provider == nil {
		errs = append(errs, fmt.Errorf("%w: no Kubernetes provider: set KubernetesProvider or a Cluster with one", ErrInvalidSpec))
	}
	r.kubeconfig = a.Kubeconfig
	if r.kubeconfig == nil && a.Cluster != nil {
		r.kubeconfig = a.Cluster.Ref().Kubeconfig
	}
	if r.ownWebhookTLS() && r.kubeconfig == nil {
		errs = append(errs, fmt.Errorf("%w (or give the component the cluster's kubeconfig, and it keeps the installed one)", sdk.ErrWebhookTLSRequired))
	}
	if err := errors.Join(errs...); err != nil {
		return r, err
	}
	if err := a.checkFargate(r); err != nil {
		return r, err
	}
	if !r.SkipCRDs {
		load := a.loadCRDs
		if load == nil {
			load = func(src sdk.ChartSource) ([]sdk.CRD, error) { return sdk.SourceCRDs(ctx, src, "") }
		}
		crds, err := load(r.ChartSource())
		if err != nil {
			return r, fmt.Errorf("the chart's CRDs: %w", err)
		}
		r.crds = crds
	}
	return r, nil
}

// Validate reports every problem of the args at once, as NewLBCRelease
// would before registering anything (a chart that is neither embedded nor
// cached is downloaded to read its CRDs, unless SkipCRDs).
func (a *LBCReleaseArgs) Validate() error {
	_, err := a.resolve(context.Background())
	return err
}

// releaseValues renders the chart's values (sdk.Values) from the cluster's
// name, region and VPC. Where the chart cannot keep its webhook certificate
// (3.0.0) and Settings.WebhookTLS is not set, it passes the installed one,
// read from the chart's Secret through the kubeconfig, or a new one on the
// first install (sdk.EnsureWebhookCertificate, as the SDK's Install and
// Upgrade do): the certificate, and the webhooks' caBundle, then never
// change; the values are secret.
func releaseValues(ctx context.Context, r resolved, clusterName, region, vpcID pulumi.StringOutput, connect func(string) (*rest.Config, error)) pulumi.MapOutput {
	settings := r.Settings
	inputs := []any{clusterName, region, vpcID}
	own := r.ownWebhookTLS()
	if own {
		inputs = append(inputs, r.kubeconfig)
	}
	values := pulumi.All(inputs...).ApplyTWithContext(ctx, func(ctx context.Context, xs []any) (map[string]any, error) {
		spec := sdk.ValuesSpec{ClusterName: xs[0].(string), Region: xs[1].(string), VpcID: xs[2].(string), Settings: settings}
		if !own {
			return sdk.Values(spec)
		}
		vals, err := sdk.Values(spec)
		if err != nil {
			return nil, err
		}
		conn := kubehook.Conn{ConnectREST: connect, Missing: sdk.ErrWebhookTLSRequired}
		conn.Set(xs[3].(string))
		cs, err := conn.Client()
		if err != nil {
			return nil, fmt.Errorf("lbc: webhook certificate: %w", err)
		}
		cert, err := sdk.EnsureWebhookCertificate(ctx, cs, r.Namespace, sdk.WebhookNamePrefix(vals))
		if err != nil {
			return nil, err
		}
		spec.Settings.WebhookTLS = &cert
		return sdk.Values(spec)
	}).(pulumi.MapOutput)
	if own {
		return pulumi.ToSecret(values).(pulumi.MapOutput)
	}
	return values
}

// checkFargate refuses, before anything is registered, a controller that no
// Fargate profile of a Fargate-only cluster would run (sdk.CheckFargateProfiles),
// when the cluster's profiles are known.
func (a *LBCReleaseArgs) checkFargate(r resolved) error {
	c := a.Cluster.Ref()
	if !c.FargateOnly || c.FargateProfiles == nil {
		return nil
	}
	var profiles []sdk.FargateProfile
	for _, p := range c.FargateProfiles {
		fp := sdk.FargateProfile{Name: p.Name}
		for _, s := range p.Selectors {
			fp.Selectors = append(fp.Selectors, sdk.FargateSelector{Namespace: s.Namespace, Labels: s.Labels})
		}
		profiles = append(profiles, fp)
	}
	_, err := sdk.CheckFargateProfiles(profiles, r.Namespace, sdk.ControllerPodLabels(r.Settings.ExtraValues, ReleaseName))
	return err
}

// NewLBCRelease installs the AWS Load Balancer Controller: its namespace
// unless kube-system, its IAM policy (rendered by [RenderPolicy] for the
// cluster's partition, optionally scoped), its IRSA role and ServiceAccount
// (through [irsa.NewIRSARole]), the chart's CustomResourceDefinitions
// (server-side applied, one child each), and the Helm release of the chart
// from eks-charts at the pinned version, with the values [Values] renders
// from the cluster's name, region and VPC. The release depends on the
// cluster's Ready resources, the namespace, the role and the CRDs, and
// Pulumi waits until it is ready; with a kubeconfig, a BeforeDelete hook on
// the release tears down what the controller manages first (see the
// package documentation).
//
// Before registering anything it loads the chart's CRDs (the embedded
// archive for the default version, ChartPath, or a download from
// ChartRepo) and, on a Fargate-only cluster whose profiles are known,
// checks that a profile selects the controller's pods (wrapping
// [ErrNoFargateProfile] otherwise). A refused spec registers nothing.
func NewLBCRelease(ctx *pulumi.Context, name string, args *LBCReleaseArgs, opts ...pulumi.ResourceOption) (*LBCRelease, error) {
	r, err := args.resolve(ctx.Context())
	if err != nil {
		return nil, fmt.Errorf("lbc: NewLBCRelease %s: %w", name, err)
	}
	comp := &LBCRelease{Version: r.Version, ChartVersion: r.ChartVersion, Namespace: r.Namespace, ServiceAccountName: r.Settings.ServiceAccountName}
	if err := ctx.RegisterComponentResource(TypeToken, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("lbc: NewLBCRelease %s: %w", name, err)
	}
	fail := func(err error) (*LBCRelease, error) { return nil, fmt.Errorf("lbc: NewLBCRelease %s: %w", name, err) }
	cluster := args.Cluster.Ref()
	clusterName, region, vpcID := clusterref.String(cluster.Name), clusterref.String(cluster.Region), clusterref.String(cluster.VpcID)

	var nsDeps []pulumi.Resource
	if r.Namespace != DefaultNamespace {
		comp.NamespaceResource, err = corev1.NewNamespace(ctx, name+"-namespace", &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(r.Namespace)},
		}, pulumi.Parent(comp), pulumi.Provider(r.provider), pulumi.DependsOn(cluster.Ready))
		if err != nil {
			return fail(err)
		}
		nsDeps = []pulumi.Resource{comp.NamespaceResource}
	}

	scoped := r.ScopedPolicy
	policyJSON := pulumi.All(region, vpcID, clusterref.String(cluster.OIDCProviderARN)).ApplyT(func(xs []any) (string, error) {
		region, vpc, provider := xs[0].(string), xs[1].(string), xs[2].(string)
		p, err := partition.ForRegion(region)
		if err != nil {
			return "", fmt.Errorf("lbc: policy: cluster region: %w", err)
		}
		spec := r.Policy
		spec.Partition = p.ID
		if scoped {
			spec.Scope = &sdk.Scope{Region: region, VpcID: vpc}
			if a, err := partition.ParseARN(provider, "iam", "oidc-provider/"); err == nil {
				spec.Scope.Account = a.AccountID
			}
		}
		return sdk.RenderPolicy(spec)
	}).(pulumi.StringOutput)
	comp.Policy, err = iam.NewPolicy(ctx, name+"-policy", &iam.PolicyArgs{
		Description: pulumi.Sprintf("AWS Load Balancer Controller %s for EKS cluster %s", r.Version, clusterName),
		Policy:      policyJSON,
	}, pulumi.Parent(comp))
	if err != nil {
		return fail(err)
	}
	comp.PolicyArn = comp.Policy.Arn

	extraARNs, err := additionalPolicies(ctx, name, comp, r, region, clusterName)
	if err != nil {
		return fail(err)
	}
	comp.Role, err = irsa.NewIRSARole(ctx, name+"-irsa", &irsa.IRSARoleArgs{
		Cluster:            cluster,
		ServiceAccounts:    []irsa.ServiceAccount{{Namespace: r.Namespace, Name: r.Settings.ServiceAccountName}},
		PolicyARNs:         append([]pulumi.StringInput{comp.Policy.Arn}, extraARNs...),
		KubernetesProvider: r.provider,
		Description:        "AWS Load Balancer Controller " + r.Version,
		ServiceAccountLabels: map[string]string{
			"app.kubernetes.io/name": ChartName, "app.kubernetes.io/managed-by": "fargatekit",
		},
		ServiceAccountDependsOn: nsDeps,
	}, pulumi.Parent(comp))
	if err != nil {
		return fail(err)
	}
	comp.RoleArn = comp.Role.RoleArn

	comp.Values = releaseValues(ctx.Context(), r, clusterName, region, vpcID, args.connect)

	crds, err := comp.registerCRDs(ctx, name, r)
	if err != nil {
		return fail(err)
	}

	// The concrete resources, not the irsa component: the SDK expands a
	// dependency on a component only into the children it has registered so
	// far, which is racy.
	gatewayAPICRDs, err := gatewayCRDs(ctx, name, comp, args.GatewayAPI, r)
	if err != nil {
		return fail(err)
	}
	deps := slices.Concat(comp.Role.Ready(), cluster.Ready, nsDeps, crds, gatewayAPICRDs)
	relOpts := []pulumi.ResourceOption{pulumi.Parent(comp), pulumi.Provider(r.provider), pulumi.DependsOn(deps)}
	teardownOnDestroy := pulumi.Bool(false).ToBoolOutput()
	if r.kubeconfig != nil {
		hooks, ready, err := comp.registerHook(ctx, name, r, args.connect)
		if err != nil {
			return fail(err)
		}
		relOpts = append(relOpts, pulumi.ResourceHooks(hooks))
		teardownOnDestroy = ready
	}
	rel := &helmv3.ReleaseArgs{
		Name:          pulumi.String(ReleaseName),
		Chart:         pulumi.String(ChartName),
		Version:       pulumi.String(r.ChartVersion),
		Namespace:     pulumi.String(r.Namespace),
		Values:        comp.Values,
		SkipAwait:     pulumi.Bool(false),
		SkipCrds:      pulumi.Bool(true), // the CRD children apply them (or SkipCRDs leaves them alone)
		Timeout:       pulumi.Int(int(r.Timeout / time.Second)),
		CleanupOnFail: pulumi.Bool(true),
	}
	if r.ChartPath != "" {
		rel.Chart = pulumi.String(r.ChartPath)
	} else {
		rel.RepositoryOpts = &helmv3.RepositoryOptsArgs{Repo: pulumi.String(r.ChartRepo)}
	}
	comp.Release, err = helmv3.NewRelease(ctx, name, rel, relOpts...)
	if err != nil {
		return fail(err)
	}
	if err := gatewayClasses(ctx, name, comp, args.GatewayAPI, r, gatewayAPICRDs); err != nil {
		return fail(err)
	}
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"policyArn": comp.PolicyArn, "roleArn": comp.RoleArn, "releaseStatus": comp.Release.Status,
		"version": pulumi.String(r.Version), "chartVersion": pulumi.String(r.ChartVersion),
		"teardownOnDestroy": teardownOnDestroy,
	}); err != nil {
		return fail(err)
	}
	return comp, nil
}
