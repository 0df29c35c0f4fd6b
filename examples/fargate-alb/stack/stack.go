// Package stack is the fargate-alb example: a Fargate-only EKS cluster, the
// AWS Load Balancer Controller, and the 2048 game behind an internet-facing
// Application Load Balancer with IP targets. main.go runs [Program] with
// pulumi.Run; tests run it under internal/mockstack and the integration suite
// through the Automation API.
//
// Order on create: cluster → Fargate profiles (one at a time) → CoreDNS on
// Fargate → controller (Helm release, awaited) → Deployment and Ingress. On
// destroy Pulumi reverses it: the Ingress goes first, while the controller
// still runs to delete the ALB and clear the Ingress's finalizer; then the
// controller; then the cluster.
package stack

import (
	"fmt"
	"time"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	"github.com/fargatekit/fargatekit/lbc"
	lbcsdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// Project is the Pulumi project name (Pulumi.yaml) and the config namespace.
const Project = "fargate-alb"

// DefaultImage is the 2048 game image the AWS Load Balancer Controller's own
// walkthrough uses.
const DefaultImage = "public.ecr.aws/l6m2t8p7/docker-2048:latest"

// AppProfile is the name of the Fargate profile that selects the game's namespace.
const AppProfile = "app"

// Config is the stack configuration (keys under the fargate-alb: namespace).
type Config struct {
	// Region is aws:region (required; never defaulted).
	Region string
	// Cluster holds clusterName, kubernetesVersion and singleNatGateway.
	Cluster stackconf.Cluster
	// CertificateARN (config certificateArn), when set, adds an HTTPS listener
	// on 443 next to HTTP on 80.
	CertificateARN string
	// SSLRedirect (config sslRedirect) redirects HTTP to HTTPS; needs a certificate.
	SSLRedirect bool
	// LBCVersion is the controller version (config lbcVersion, default lbc.DefaultVersion).
	LBCVersion string
	// Namespace is the game's namespace (config namespace, default "game-2048").
	Namespace string
	// Replicas of the game (config replicas, default 2).
	Replicas int
	// Image of the game (config image, default [DefaultImage]).
	Image string
	// DeregistrationDelay (config deregistrationDelaySeconds, default 30).
	DeregistrationDelay time.Duration
	// Tags mark every AWS resource, including the ALB the controller creates.
	Tags map[string]string
}

// LoadConfig reads the stack configuration.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	c := Config{
		CertificateARN: cfg.Get("certificateArn"),
		LBCVersion:     cfg.Get("lbcVersion"),
		Namespace:      stackconf.String(cfg, "namespace", "game-2048"),
		Image:          stackconf.String(cfg, "image", DefaultImage),
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
	delay, err := stackconf.Int(ctx, cfg, "deregistrationDelaySeconds", int(lbcsdk.DefaultDeregistrationDelay/time.Second))
	if err != nil {
		return c, err
	}
	c.DeregistrationDelay = time.Duration(delay) * time.Second
	if c.SSLRedirect, err = stackconf.Bool(ctx, cfg, "sslRedirect", false); err != nil {
		return c, err
	}
	if c.Replicas < 1 {
		return c, fmt.Errorf("%s: config replicas: %d, want at least 1", Project, c.Replicas)
	}
	if c.SSLRedirect && c.CertificateARN == "" {
		return c, fmt.Errorf("%s: config sslRedirect needs certificateArn", Project)
	}
	return c, nil
}

// IngressAnnotations returns the typed annotations of the game's Ingress:
// internet-facing, IP targets (Fargate), HTTP 80 plus HTTPS 443 when a
// certificate is configured, the deregistration delay, and the stack's tags.
func (c Config) IngressAnnotations() lbcsdk.IngressAnnotations {
	a := lbcsdk.IngressAnnotations{
		LoadBalancer: lbcsdk.LoadBalancer{
			Fargate:             true,
			Scheme:              lbcsdk.SchemeInternetFacing,
			TargetType:          lbc.TargetIP,
			DeregistrationDelay: &c.DeregistrationDelay,
			Tags:                c.Tags,
		},
		ListenPorts: []lbcsdk.ListenPort{{Protocol: "HTTP", Port: 80}},
	}
	if c.CertificateARN != "" {
		a.ListenPorts = append(a.ListenPorts, lbcsdk.ListenPort{Protocol: "HTTPS", Port: 443})
		a.CertificateARNs = []string{c.CertificateARN}
		if c.SSLRedirect {
			a.SSLRedirect = 443
		}
	}
	return a
}

// Program is the Pulumi program.
func Program(ctx *pulumi.Context) error {
	c, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	annotations, err := c.IngressAnnotations().Build()
	if err != nil {
		return fmt.Errorf("%s: ingress annotations: %w", Project, err)
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
	})
	if err != nil {
		return err
	}
	k8s := pulumi.Provider(cluster.Provider)

	// The namespace carries the label that makes the controller inject pod
	// readiness gates: a rollout waits until new pods are healthy targets.
	ns, err := corev1.NewNamespace(ctx, c.Namespace, &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(c.Namespace), Labels: pulumi.ToStringMap(lbcsdk.NamespaceLabels())},
	}, k8s)
	if err != nil {
		return err
	}
	labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String("game-2048")}
	meta := func(name string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: ns.Metadata.Name(), Labels: labels}
	}

	// Pods are created after the controller (its webhook injects the
	// readiness gates) and after every Fargate profile (a pod created before
	// the profile that selects it is never scheduled on Fargate).
	podDeps := append([]pulumi.Resource{ns}, controller.Ready()...)
	for _, p := range cluster.Profiles {
		podDeps = append(podDeps, p)
	}
	grace := int(termination.TerminationGracePeriodSeconds)
	if _, err := appsv1.NewDeployment(ctx, "game-2048", &appsv1.DeploymentArgs{
		Metadata: meta("game-2048"),
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(c.Replicas),
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: &corev1.PodSpecArgs{
					TerminationGracePeriodSeconds: pulumi.Int(grace),
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:      pulumi.String("game-2048"),
						Image:     pulumi.String(c.Image),
						Ports:     corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(80)}},
						Lifecycle: preStop(termination),
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("250m"), "memory": pulumi.String("512Mi")},
						},
					}},
				},
			},
		},
	}, k8s, pulumi.DependsOn(podDeps)); err != nil {
		return err
	}
	// The Service after the controller serves: its service-mutator webhook
	// (failurePolicy Fail) refuses every new Service until then.
	service, err := corev1.NewService(ctx, "game-2048", &corev1.ServiceArgs{
		Metadata: meta("game-2048"),
		Spec: &corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: labels,
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String("http"), Port: pulumi.Int(80), TargetPort: pulumi.String("http"), Protocol: pulumi.String("TCP"),
			}},
		},
	}, k8s, pulumi.DependsOn(append([]pulumi.Resource{ns}, controller.Ready()...)))
	if err != nil {
		return err
	}
	// The Ingress depends on the controller: created once its webhooks
	// answer, destroyed while it still runs to delete the ALB. It does not
	// wait for the Deployment, nor the Deployment for it: pods behind a
	// readiness gate become ready only once the ALB's target group (made for
	// the Ingress) reports them healthy, so either order would deadlock.
	ingressMeta := meta("game-2048")
	ingressMeta.Annotations = pulumi.ToStringMap(annotations)
	ingress, err := networkingv1.NewIngress(ctx, "game-2048", &networkingv1.IngressArgs{
		Metadata: ingressMeta,
		Spec: &networkingv1.IngressSpecArgs{
			IngressClassName: pulumi.String("alb"),
			Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{
				Http: &networkingv1.HTTPIngressRuleValueArgs{Paths: networkingv1.HTTPIngressPathArray{networkingv1.HTTPIngressPathArgs{
					Path: pulumi.String("/"), PathType: pulumi.String("Prefix"),
					Backend: networkingv1.IngressBackendArgs{Service: &networkingv1.IngressServiceBackendArgs{
						Name: service.Metadata.Name().Elem(),
						Port: &networkingv1.ServiceBackendPortArgs{Name: pulumi.String("http")},
					}},
				}}},
			}},
		},
	}, k8s, pulumi.DependsOn(append([]pulumi.Resource{service}, controller.Ready()...)))
	if err != nil {
		return err
	}

	hostname := ingress.Status.ApplyT(ALBHostname).(pulumi.StringOutput)
	ctx.Export("albHostname", hostname)
	ctx.Export("url", pulumi.Sprintf("http://%s/", hostname))
	ctx.Export("clusterName", cluster.Ref().Name)
	ctx.Export("region", pulumi.String(c.Region))
	ctx.Export("vpcId", cluster.Ref().VpcID)
	ctx.Export("podExecutionRoleArn", cluster.Ref().PodExecutionRoleARN)
	ctx.Export("lbcRoleArn", controller.RoleArn)
	ctx.Export("lbcVersion", pulumi.String(controller.Version))
	ctx.Export("namespace", ns.Metadata.Name().Elem())
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	return nil
}

// ALBHostname is the load balancer's DNS name from an Ingress status, "" until
// the controller has written it.
func ALBHostname(s *networkingv1.IngressStatus) string {
	if s == nil || s.LoadBalancer == nil {
		return ""
	}
	for _, in := range s.LoadBalancer.Ingress {
		if in.Hostname != nil && *in.Hostname != "" {
			return *in.Hostname
		}
	}
	return ""
}

// preStop turns lbc's pod-termination hook into Pulumi arguments.
func preStop(t lbcsdk.PodTermination) *corev1.LifecycleArgs {
	if t.Lifecycle == nil || t.Lifecycle.PreStop == nil {
		return nil
	}
	h := t.Lifecycle.PreStop
	switch {
	case h.Sleep != nil:
		return &corev1.LifecycleArgs{PreStop: &corev1.LifecycleHandlerArgs{
			Sleep: &corev1.SleepActionArgs{Seconds: pulumi.Int(int(h.Sleep.Seconds))}}}
	case h.Exec != nil:
		return &corev1.LifecycleArgs{PreStop: &corev1.LifecycleHandlerArgs{
			Exec: &corev1.ExecActionArgs{Command: pulumi.ToStringArray(h.Exec.Command)}}}
	}
	return nil
}
