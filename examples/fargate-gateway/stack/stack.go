// Package stack is the fargate-gateway example: a Fargate-only EKS cluster,
// the AWS Load Balancer Controller with the Gateway API, and the 2048 game
// behind an internet-facing Application Load Balancer made from a Gateway
// (Gateway + HTTPRoute, a LoadBalancerConfiguration for the scheme and a
// TargetGroupConfiguration for IP targets). main.go runs [Program] with
// pulumi.Run; tests run it under internal/mockstack.
//
// Order on create: cluster → Fargate profiles → CoreDNS on Fargate → Gateway
// API CRDs → controller (Helm release, awaited; its chart brings the
// gateway.k8s.aws CRDs) → GatewayClass → LoadBalancerConfiguration and
// TargetGroupConfiguration → Gateway → HTTPRoute, with the Deployment and
// Service beside them. On destroy Pulumi reverses it: the route and the
// Gateway go first, while the controller still runs to delete the ALB and
// clear their finalizers; then the configurations, the class, the controller
// and the cluster.
package stack

import (
	"fmt"
	"slices"
	"time"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	"github.com/fargatekit/fargatekit/lbc"
	lbcsdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// Project is the Pulumi project name (Pulumi.yaml) and the config namespace.
const Project = "fargate-gateway"

// DefaultImage is the 2048 game image of the controller's own walkthrough.
const DefaultImage = "public.ecr.aws/l6m2t8p7/docker-2048:latest"

// AppProfile is the name of the Fargate profile that selects the game's namespace.
const AppProfile = "app"

// Names of the game's objects.
const (
	// App names the Deployment, Service, Gateway, HTTPRoute and the configurations.
	App = "game-2048"
	// GatewayClass is the controller's ALB GatewayClass the Gateway uses.
	GatewayClass = lbcsdk.DefaultGatewayClassALB
)

// Config is the stack configuration (keys under the fargate-gateway: namespace).
type Config struct {
	// Region is aws:region (required; never defaulted).
	Region string
	// Cluster holds clusterName, kubernetesVersion and singleNatGateway.
	Cluster stackconf.Cluster
	// LBCVersion is the controller version (config lbcVersion, default
	// lbc.DefaultVersion, the one version whose Gateway API fargatekit embeds).
	LBCVersion string
	// Namespace is the game's namespace (config namespace, default "game-2048").
	Namespace string
	// Replicas of the game (config replicas, default 2).
	Replicas int
	// Image of the game (config image, default [DefaultImage]).
	Image string
	// DeregistrationDelay (config deregistrationDelaySeconds, default 30).
	DeregistrationDelay time.Duration
	// Tags mark every AWS resource, the ALB and its target group included.
	Tags map[string]string
}

// LoadConfig reads the stack configuration.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	c := Config{
		LBCVersion: cfg.Get("lbcVersion"),
		Namespace:  stackconf.String(cfg, "namespace", App),
		Image:      stackconf.String(cfg, "image", DefaultImage),
	}
	var err error
	if c.Region, err = stackconf.Region(ctx); err != nil {
		return c, err
	}
	if c.Cluster, err = stackconf.ClusterSettings(ctx, cfg); err != nil {
		return c, err
	}
	if c.Tags, err = stackconf.Tags(ctx, cfg); err != nil {
		return c, err
	}
	if c.Replicas, err = stackconf.Int(ctx, cfg, "replicas", 2); err != nil {
		return c, err
	}
	if c.Replicas < 1 {
		return c, fmt.Errorf("%s: config replicas: %d, want at least 1", Project, c.Replicas)
	}
	delay, err := stackconf.Int(ctx, cfg, "deregistrationDelaySeconds", int(lbcsdk.DefaultDeregistrationDelay/time.Second))
	c.DeregistrationDelay = time.Duration(delay) * time.Second
	return c, err
}

// GatewayObjects renders the game's Gateway API objects, in creation order:
// the LoadBalancerConfiguration (internet-facing, the stack's tags), the
// TargetGroupConfiguration (IP targets, written explicitly: the controller's
// default is instance, which Fargate cannot serve; the deregistration delay;
// a health check on /), the Gateway (HTTP 80 on the ALB class) and the
// HTTPRoute (everything to the game's Service).
func (c Config) GatewayObjects() ([]*unstructured.Unstructured, error) {
	lbConfig, err := lbcsdk.LoadBalancerConfigurationSpec{Name: App, Namespace: c.Namespace,
		Scheme: lbcsdk.SchemeInternetFacing, Tags: c.Tags}.Object()
	if err != nil {
		return nil, err
	}
	tgConfig, err := lbcsdk.TargetGroupConfigurationSpec{Name: App, Namespace: c.Namespace, Service: App, Fargate: true,
		Default: lbcsdk.TargetGroupProps{Protocol: "HTTP", DeregistrationDelay: &c.DeregistrationDelay, Tags: c.Tags,
			HealthCheck: lbcsdk.HealthCheck{Path: "/", SuccessCodes: "200"}}}.Object()
	if err != nil {
		return nil, err
	}
	gw, err := lbcsdk.Gateway(lbcsdk.GatewaySpec{Name: App, Namespace: c.Namespace, Class: GatewayClass, LoadBalancerConfiguration: App})
	if err != nil {
		return nil, err
	}
	rt, err := lbcsdk.HTTPRoute(lbcsdk.HTTPRouteSpec{Name: App, Namespace: c.Namespace, Gateway: App,
		Rules: []lbcsdk.HTTPRouteRule{{Service: App, Port: 80}}})
	if err != nil {
		return nil, err
	}
	gwU, err := lbcsdk.ToUnstructured(gw)
	if err != nil {
		return nil, err
	}
	rtU, err := lbcsdk.ToUnstructured(rt)
	if err != nil {
		return nil, err
	}
	return []*unstructured.Unstructured{lbConfig, tgConfig, gwU, rtU}, nil
}

// Program is the Pulumi program.
func Program(ctx *pulumi.Context) error {
	c, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	objs, err := c.GatewayObjects()
	if err != nil {
		return fmt.Errorf("%s: gateway objects: %w", Project, err)
	}
	termination, err := lbcsdk.Termination(lbcsdk.TerminationSpec{DeregistrationDelay: &c.DeregistrationDelay})
	if err != nil {
		return fmt.Errorf("%s: pod termination: %w", Project, err)
	}

	cluster, err := eksfargate.NewFargateCluster(ctx, Project, c.Cluster.Args(c.Region, c.Tags,
		eksfargate.DefaultProfile(),
		eksfargate.FargateProfile{Name: AppProfile, Selectors: []eksfargate.Selector{{Namespace: c.Namespace}}},
	))
	if err != nil {
		return err
	}
	controller, err := lbc.NewLBCRelease(ctx, "lbc", &lbc.LBCReleaseArgs{
		Cluster:     cluster,
		ReleaseSpec: lbc.ReleaseSpec{Settings: lbc.Settings{Version: c.LBCVersion, DefaultTags: c.Tags}},
		GatewayAPI:  &lbc.GatewayAPISpec{Classes: []lbc.GatewayClassSpec{{Name: GatewayClass, Controller: lbc.ALBGateway}}},
	})
	if err != nil {
		return err
	}
	k8s := pulumi.Provider(cluster.Provider)

	ns, err := corev1.NewNamespace(ctx, c.Namespace, &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(c.Namespace), Labels: pulumi.ToStringMap(lbcsdk.NamespaceLabels())},
	}, k8s)
	if err != nil {
		return err
	}
	labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(App)}
	meta := &metav1.ObjectMetaArgs{Name: pulumi.String(App), Namespace: ns.Metadata.Name(), Labels: labels}

	// Pods after the controller (its webhook injects the readiness gates)
	// and after every Fargate profile.
	podDeps := append([]pulumi.Resource{ns}, controller.Ready()...)
	for _, p := range cluster.Profiles {
		podDeps = append(podDeps, p)
	}
	if _, err := appsv1.NewDeployment(ctx, App, &appsv1.DeploymentArgs{
		Metadata: meta,
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(c.Replicas),
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: &corev1.PodSpecArgs{
					TerminationGracePeriodSeconds: pulumi.Int(int(termination.TerminationGracePeriodSeconds)),
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name: pulumi.String(App), Image: pulumi.String(c.Image),
						Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(80)}},
						Lifecycle: &corev1.LifecycleArgs{PreStop: &corev1.LifecycleHandlerArgs{
							Sleep: &corev1.SleepActionArgs{Seconds: pulumi.Int(int(termination.PreStopSleep / time.Second))}}},
					}},
				},
			},
		},
	}, k8s, pulumi.DependsOn(podDeps)); err != nil {
		return err
	}
	// The Service after the controller serves: its service-mutator webhook
	// (failurePolicy Fail) refuses every new Service until then.
	service, err := corev1.NewService(ctx, App, &corev1.ServiceArgs{
		Metadata: meta,
		Spec: &corev1.ServiceSpecArgs{Selector: labels, Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
			Name: pulumi.String("http"), Port: pulumi.Int(80), TargetPort: pulumi.String("http")}}},
	}, k8s, pulumi.DependsOn(append([]pulumi.Resource{ns}, controller.Ready()...)))
	if err != nil {
		return err
	}

	// The Gateway API objects, after the controller (their CRDs come with
	// it) and its class, each after what it refers to: the Gateway after its
	// LoadBalancerConfiguration (a scheme changed later replaces the ALB),
	// the route after the Gateway and the TargetGroupConfiguration (targets
	// registered before it would be instance ones). On destroy, the reverse.
	class := controller.GatewayAPI.Classes[GatewayClass]
	after := append([]pulumi.Resource{ns, class}, controller.Ready()...)
	created := map[string]pulumi.Resource{}
	var gateway *apiextensions.CustomResource
	for _, o := range objs {
		deps := slices.Clone(after)
		switch o.GetKind() {
		case "Gateway":
			deps = append(deps, created[lbcsdk.KindLoadBalancerConfiguration])
		case "HTTPRoute":
			deps = append(deps, created["Gateway"], created[lbcsdk.KindTargetGroupConfiguration], service)
		}
		r, err := lbc.NewObject(ctx, App+"-"+o.GetKind(), o, k8s, pulumi.DependsOn(deps))
		if err != nil {
			return err
		}
		created[o.GetKind()] = r
		if o.GetKind() == "Gateway" {
			gateway = r
		}
	}

	hostname := gateway.OtherFields.ApplyT(GatewayAddress).(pulumi.StringOutput)
	ctx.Export("albHostname", hostname)
	ctx.Export("url", pulumi.Sprintf("http://%s/", hostname))
	ctx.Export("clusterName", cluster.Ref().Name)
	ctx.Export("region", pulumi.String(c.Region))
	ctx.Export("lbcRoleArn", controller.RoleArn)
	ctx.Export("lbcVersion", pulumi.String(controller.Version))
	ctx.Export("namespace", ns.Metadata.Name().Elem())
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	return nil
}

// GatewayAddress is the load balancer's DNS name from a Gateway's fields
// (status.addresses), "" until the controller has written it.
func GatewayAddress(fields map[string]any) string {
	status, _ := fields["status"].(map[string]any)
	addrs, _ := status["addresses"].([]any)
	for _, a := range addrs {
		if m, ok := a.(map[string]any); ok {
			if v, _ := m["value"].(string); v != "" {
				return v
			}
		}
	}
	return ""
}
