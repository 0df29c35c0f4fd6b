package provider

import (
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/types"

	"github.com/fargatekit/fargatekit/lbc"
)

// LBCReleaseArgs are the cross-language inputs of LBCRelease (Go:
// [lbc.LBCReleaseArgs], its embedded ReleaseSpec and Settings flattened).
type LBCReleaseArgs struct {
	Cluster                      ClusterRefInput     `pulumi:"cluster"`
	Version                      string              `pulumi:"version,optional"`
	Fargate                      bool                `pulumi:"fargate,optional"`
	ServiceAccountName           string              `pulumi:"serviceAccountName,optional"`
	Replicas                     int                 `pulumi:"replicas,optional"`
	PDBMaxUnavailable            int                 `pulumi:"pdbMaxUnavailable,optional"`
	DisableServiceMutatorWebhook bool                `pulumi:"disableServiceMutatorWebhook,optional"`
	DefaultTargetType            string              `pulumi:"defaultTargetType,optional"`
	Image                        string              `pulumi:"image,optional"`
	ImageRepository              string              `pulumi:"imageRepository,optional"`
	ImageTag                     string              `pulumi:"imageTag,optional"`
	DefaultTags                  map[string]string   `pulumi:"defaultTags,optional"`
	WebhookTLS                   *WebhookCertificate `pulumi:"webhookTls,optional"`
	ExtraValues                  map[string]any      `pulumi:"extraValues,optional"`
	Namespace                    string              `pulumi:"namespace,optional"`
	ChartVersion                 string              `pulumi:"chartVersion,optional"`
	ChartRepo                    string              `pulumi:"chartRepo,optional"`
	ChartPath                    string              `pulumi:"chartPath,optional"`
	PolicyJSON                   string              `pulumi:"policyJson,optional"`
	ScopedPolicy                 bool                `pulumi:"scopedPolicy,optional"`
	TimeoutSeconds               int                 `pulumi:"timeoutSeconds,optional"`
	FeatureGates                 map[string]bool     `pulumi:"featureGates,optional"`
	AdditionalPolicies           []string            `pulumi:"additionalPolicies,optional"`
	SkipCRDs                     bool                `pulumi:"skipCrds,optional"`
	GatewayAPI                   *GatewayAPI         `pulumi:"gatewayApi,optional"`
	Kubeconfig                   pulumi.StringInput  `pulumi:"kubeconfig,optional" provider:"secret"`
	ProviderKubeconfig           pulumi.StringInput  `pulumi:"providerKubeconfig,optional" provider:"secret"`
}

// Annotate documents LBCReleaseArgs.
func (a *LBCReleaseArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Cluster, "The cluster to install into (required): its name, region, VPC and OIDC provider go into "+
		"the values and the role; fargateOnly implies fargate; its kubeconfig installs the chart.")
	an.Describe(&a.Version, "The controller version (e.g. v2.13.0); empty means fargatekit's default. It also is the "+
		"image tag unless imageTag is set. Versions outside fargatekit's table need policyJson and chartVersion.")
	an.Describe(&a.Fargate, "Makes ip the default target type and refuses instance targets (implied by a Fargate-only cluster).")
	an.Describe(&a.ServiceAccountName, "The controller's ServiceAccount, which the component creates through IRSA; "+
		"default aws-load-balancer-controller.")
	an.Describe(&a.Replicas, "The controller's replica count; 0 means fargatekit's default.")
	an.Describe(&a.PDBMaxUnavailable, "The PodDisruptionBudget's maxUnavailable when there is more than one replica; 0 means 1.")
	an.Describe(&a.DisableServiceMutatorWebhook, "Turns off the webhook that makes the controller the default for "+
		"every new Service of type LoadBalancer.")
	an.Describe(&a.DefaultTargetType, "The default target type, ip or instance; empty means ip on Fargate and the "+
		"chart's default elsewhere.")
	an.Describe(&a.Image, `Where the image comes from: "public" (public.ecr.aws, the default) or "regional" (the `+
		"region's EKS ECR repository).")
	an.Describe(&a.ImageRepository, "Overrides image with a repository of your own (a mirror).")
	an.Describe(&a.ImageTag, "Overrides the image tag (default: the controller version).")
	an.Describe(&a.DefaultTags, "Tags the controller puts on every AWS resource it creates.")
	an.Describe(&a.WebhookTLS, "The webhook certificate the chart uses instead of one it generates: the way to keep "+
		"the certificate on charts without keepTLSSecret (3.0.0).")
	an.Describe(&a.ExtraValues, "Further chart values, deep-merged over the rendered ones last.")
	an.Describe(&a.Namespace, "Where the controller runs; default kube-system.")
	an.Describe(&a.ChartVersion, "Overrides the table's chart version; required with a version outside the table.")
	an.Describe(&a.ChartRepo, "Overrides the chart repository (a mirror of eks-charts).")
	an.Describe(&a.ChartPath, "A local copy of the chart (directory or .tgz), used instead of chartRepo; its version "+
		"must be the chart version.")
	an.Describe(&a.PolicyJSON, "Your own IAM policy for the controller; required with a version outside the table.")
	an.Describe(&a.ScopedPolicy, "Narrows the IAM policy to the cluster's region, account and VPC.")
	an.Describe(&a.TimeoutSeconds, "How long the release may take to become ready, in seconds; 0 means fargatekit's default.")
	an.Describe(&a.FeatureGates, "The controller's feature gates set explicitly (e.g. ALBGatewayAPI: true), rendered "+
		"as controllerConfig.featureGates; a gate the chart does not document is refused. Gates that need an optional "+
		"IAM policy (GlobalAcceleratorController, EnableCertificateManagement) add it.")
	an.Describe(&a.AdditionalPolicies, "Optional IAM policies attached to the controller's role besides its own: "+
		`"global-accelerator" (aws partition only) and "certificate-management" (the official documents of the pinned version).`)
	an.Describe(&a.SkipCRDs, "Leaves the controller's CustomResourceDefinitions to someone else. By default they are "+
		"children of the component, server-side applied before the release (so an upgrade brings new CRDs) and kept on delete.")
	an.Describe(&a.GatewayAPI, "Installs the Gateway API for the controller: the Gateway API CRDs (unless skipCrds) "+
		"before the release and the controller's GatewayClasses after it. Turn the matching feature gates on "+
		"(ALBGatewayAPI, NLBGatewayAPI).")
	an.Describe(&a.Kubeconfig, "The kubeconfig the destroy hook tears down with (every Ingress, LoadBalancer Service, "+
		"TargetGroupBinding, Gateway and route the controller manages is deleted before the controller, with "+
		"`pulumi destroy --run-program`); overrides the cluster's. Without either, no hook is registered.")
	describeProviderKubeconfig(an, &a.ProviderKubeconfig, "installs the chart and its ServiceAccount")
}

// WebhookCertificate is Go's lbc.WebhookCertificate.
type WebhookCertificate struct {
	CACert string `pulumi:"caCert"`
	Cert   string `pulumi:"cert"`
	Key    string `pulumi:"key"`
}

// Annotate documents WebhookCertificate.
func (w *WebhookCertificate) Annotate(a infer.Annotator) {
	a.SetToken("lbc", "WebhookCertificate")
	a.Describe(w, "The webhook server's certificate, checked before anything is registered (PEM of the right types, "+
		"cert signed by caCert, key matching cert). The values become chart values in the release's state.")
	a.Describe(&w.CACert, "The CA that signs cert (PEM); it becomes the webhooks' caBundle.")
	a.Describe(&w.Cert, "The webhook server's certificate (PEM).")
	a.Describe(&w.Key, "The webhook server's private key (PEM).")
}

// GatewayAPI is Go's lbc.GatewayAPISpec.
type GatewayAPI struct {
	Classes  []GatewayClass `pulumi:"classes,optional"`
	SkipCRDs bool           `pulumi:"skipCrds,optional"`
}

// Annotate documents GatewayAPI.
func (g *GatewayAPI) Annotate(a infer.Annotator) {
	a.SetToken("lbc", "GatewayAPI")
	a.Describe(g, "The Gateway API for the load balancer controller.")
	a.Describe(&g.Classes, "The GatewayClasses to create; absent means fargatekit's defaults (one ALB and one NLB "+
		"class), an empty list none.")
	a.Describe(&g.SkipCRDs, "Leaves the Gateway API CRDs to someone else (another implementation, or another version "+
		"than the embedded one).")
}

// GatewayClass is Go's lbc.GatewayClassSpec.
type GatewayClass struct {
	Name                      string          `pulumi:"name"`
	Controller                string          `pulumi:"controller"`
	LoadBalancerConfiguration *NamespacedName `pulumi:"loadBalancerConfiguration,optional"`
}

// Annotate documents GatewayClass.
func (g *GatewayClass) Annotate(a infer.Annotator) {
	a.SetToken("lbc", "GatewayClass")
	a.Describe(g, "A GatewayClass of the controller (cluster-scoped).")
	a.Describe(&g.Name, "The GatewayClass's name, a DNS subdomain; also the child's name.")
	a.Describe(&g.Controller, "Its spec.controllerName: gateway.k8s.aws/alb or gateway.k8s.aws/nlb.")
	a.Describe(&g.LoadBalancerConfiguration, "A LoadBalancerConfiguration applied to every Gateway of the class "+
		"(spec.parametersRef).")
}

// NamespacedName names a namespaced Kubernetes object.
type NamespacedName struct {
	Namespace string `pulumi:"namespace,optional"`
	Name      string `pulumi:"name"`
}

// Annotate documents NamespacedName.
func (n *NamespacedName) Annotate(a infer.Annotator) {
	a.SetToken("lbc", "NamespacedName")
	a.Describe(n, "A namespaced Kubernetes object's namespace and name.")
	a.Describe(&n.Namespace, "The object's namespace.")
	a.Describe(&n.Name, "The object's name.")
}

// goGatewayAPI converts GatewayAPI into Go's; an absent classes list stays
// nil (the defaults), an empty one empty (none).
func goGatewayAPI(g *GatewayAPI) *lbc.GatewayAPISpec {
	if g == nil {
		return nil
	}
	out := &lbc.GatewayAPISpec{SkipCRDs: g.SkipCRDs}
	if g.Classes != nil {
		out.Classes = []lbc.GatewayClassSpec{}
	}
	for _, c := range g.Classes {
		gc := lbc.GatewayClassSpec{Name: c.Name, Controller: lbc.GatewayControllerName(c.Controller)}
		if n := c.LoadBalancerConfiguration; n != nil {
			gc.LoadBalancerConfiguration = &types.NamespacedName{Namespace: n.Namespace, Name: n.Name}
		}
		out.Classes = append(out.Classes, gc)
	}
	return out
}

// LBCRelease is the cross-language LBCRelease.
type LBCRelease struct {
	// ComponentResource is the Go component (its URN is this resource's).
	pulumi.ComponentResource

	PolicyArn          pulumi.StringOutput `pulumi:"policyArn"`
	RoleArn            pulumi.StringOutput `pulumi:"roleArn"`
	Version            pulumi.StringOutput `pulumi:"version"`
	ChartVersion       pulumi.StringOutput `pulumi:"chartVersion"`
	Namespace          pulumi.StringOutput `pulumi:"namespace"`
	ServiceAccountName pulumi.StringOutput `pulumi:"serviceAccountName"`
	ReleaseName        pulumi.StringOutput `pulumi:"releaseName"`
	ReleaseStatus      pulumi.StringOutput `pulumi:"releaseStatus"`
}

// Annotate documents LBCRelease.
func (r *LBCRelease) Annotate(a infer.Annotator) {
	a.SetToken("lbc", "LBCRelease")
	a.Describe(r, "The AWS Load Balancer Controller on a cluster: its IAM policy (rendered for the cluster's "+
		"partition, optionally scoped), its IRSA role and ServiceAccount, and the Helm release of the pinned chart "+
		"with the values Fargate needs (region, vpcId, ip targets), waited for. The Go component lbc.NewLBCRelease "+
		"serves every language. Create Ingresses and LoadBalancer Services after it.")
	a.Describe(&r.PolicyArn, "The controller's IAM policy.")
	a.Describe(&r.RoleArn, "The controller's IRSA role.")
	a.Describe(&r.Version, "The controller version installed.")
	a.Describe(&r.ChartVersion, "The chart version installed.")
	a.Describe(&r.Namespace, "Where the controller runs.")
	a.Describe(&r.ServiceAccountName, "The controller's ServiceAccount.")
	a.Describe(&r.ReleaseName, "The Helm release's name.")
	a.Describe(&r.ReleaseStatus, "The Helm release's status (deployed once ready).")
}

// goLBCArgs converts the cross-language args into Go's.
func goLBCArgs(ctx *pulumi.Context, name string, a LBCReleaseArgs, newProvider providerFunc, opts pulumi.ResourceOption) (*lbc.LBCReleaseArgs, error) {
	cluster, override, err := clusterInputs(ctx, name, a.Cluster, a.ProviderKubeconfig, newProvider, opts)
	if err != nil {
		return nil, err
	}
	s := lbc.Settings{
		Version: a.Version, Fargate: a.Fargate, ServiceAccountName: a.ServiceAccountName, Replicas: a.Replicas,
		PDBMaxUnavailable: a.PDBMaxUnavailable, DisableServiceMutatorWebhook: a.DisableServiceMutatorWebhook,
		DefaultTargetType: lbc.TargetType(a.DefaultTargetType), Image: lbc.ImageSource(a.Image),
		ImageRepository: a.ImageRepository, ImageTag: a.ImageTag, DefaultTags: a.DefaultTags, ExtraValues: a.ExtraValues,
	}
	if a.FeatureGates != nil {
		s.FeatureGates = lbc.FeatureGateSettings{}
		for gate, on := range a.FeatureGates {
			s.FeatureGates[lbc.FeatureGate(gate)] = on
		}
	}
	if w := a.WebhookTLS; w != nil {
		s.WebhookTLS = &lbc.WebhookCertificate{CACert: w.CACert, Cert: w.Cert, Key: w.Key}
	}
	var policies []lbc.AdditionalPolicy
	for _, p := range a.AdditionalPolicies {
		policies = append(policies, lbc.AdditionalPolicy(p))
	}
	return &lbc.LBCReleaseArgs{
		Cluster: cluster, KubernetesProvider: override, Kubeconfig: a.Kubeconfig, GatewayAPI: goGatewayAPI(a.GatewayAPI),
		ReleaseSpec: lbc.ReleaseSpec{
			Settings: s, Namespace: a.Namespace, ChartVersion: a.ChartVersion, ChartRepo: a.ChartRepo,
			ChartPath: a.ChartPath, PolicyJSON: a.PolicyJSON, ScopedPolicy: a.ScopedPolicy,
			Timeout: seconds(a.TimeoutSeconds), AdditionalPolicies: policies, SkipCRDs: a.SkipCRDs,
		},
	}, nil
}

// newLBCRelease constructs LBCRelease with the Go component.
func newLBCRelease(ctx *pulumi.Context, name string, args LBCReleaseArgs, opts ...pulumi.ResourceOption) (*LBCRelease, error) {
	r, err := construct(ctx, name, args, goLBCArgs, lbc.NewLBCRelease, opts...)
	if err != nil {
		return nil, err
	}
	return &LBCRelease{
		ComponentResource: r, PolicyArn: r.PolicyArn, RoleArn: r.RoleArn,
		Version: pulumi.String(r.Version).ToStringOutput(), ChartVersion: pulumi.String(r.ChartVersion).ToStringOutput(),
		Namespace: pulumi.String(r.Namespace).ToStringOutput(), ServiceAccountName: pulumi.String(r.ServiceAccountName).ToStringOutput(),
		ReleaseName: r.Release.Name.Elem(), ReleaseStatus: r.Release.Status.Status(),
	}, nil
}
