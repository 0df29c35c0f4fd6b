package lbc_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// The CRDs the default version installs, from the chart embedded in
// fargatekit (no download).
func ExampleSourceCRDs() {
	src, _ := lbc.DefaultChartSource("")
	crds, err := lbc.SourceCRDs(context.Background(), src, "")
	if err != nil {
		panic(err)
	}
	for _, c := range crds {
		fmt.Println(c.Name)
	}
	// Output:
	// albtargetcontrolconfigs.elbv2.k8s.aws
	// globalaccelerators.aga.k8s.aws
	// ingressclassparams.elbv2.k8s.aws
	// listenerruleconfigurations.gateway.k8s.aws
	// loadbalancerconfigurations.gateway.k8s.aws
	// targetgroupbindings.elbv2.k8s.aws
	// targetgroupconfigurations.gateway.k8s.aws
}

// The labels of the controller's pods, which a Fargate profile must select.
func ExampleControllerPodLabels() {
	fmt.Println(lbc.ControllerPodLabels(nil, ""))
	fmt.Println(lbc.ControllerPodLabels(map[string]any{"podLabels": map[string]any{"team": "platform"}}, "edge"))
	// Output:
	// map[app.kubernetes.io/instance:aws-load-balancer-controller app.kubernetes.io/name:aws-load-balancer-controller]
	// map[app.kubernetes.io/instance:edge app.kubernetes.io/name:aws-load-balancer-controller team:platform]
}

// A cluster whose only kube-system profile selects CoreDNS: the
// controller's pods would stay Pending.
func ExampleCheckFargateProfiles() {
	profiles := []lbc.FargateProfile{
		{Name: "coredns", Selectors: []lbc.FargateSelector{{Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}}}},
		{Name: "apps", Selectors: []lbc.FargateSelector{{Namespace: "apps"}}},
	}
	_, err := lbc.CheckFargateProfiles(profiles, "kube-system", lbc.ControllerPodLabels(nil, ""))
	fmt.Println(err)
	profiles = append(profiles, lbc.FargateProfile{Name: "system", Selectors: []lbc.FargateSelector{{Namespace: "kube-*"}}})
	p, _ := lbc.CheckFargateProfiles(profiles, "kube-system", lbc.ControllerPodLabels(nil, ""))
	fmt.Println(p.Name)
	// Output:
	// lbc: no Fargate profile selects the controller's pods: namespace kube-system, labels {app.kubernetes.io/instance=aws-load-balancer-controller,app.kubernetes.io/name=aws-load-balancer-controller}: coredns selects kube-system{k8s-app=kube-dns}; apps selects apps (add a selector for namespace kube-system, or these labels, to a profile)
	// system
}

// CheckFargate reads the profiles from EKS (here moto_server; use
// eks.NewFromConfig(cfg) of your account for real).
func ExampleCheckFargate() {
	ctx := context.Background()
	moto, err := mototest.Start(ctx, os.TempDir())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer moto.Stop()
	api := eks.NewFromConfig(moto.Config("eu-west-1"))
	_, _ = api.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("demo"), RoleArn: aws.String("arn:aws:iam::123456789012:role/eks"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-0a", "subnet-0b"}}})
	_, _ = api.CreateFargateProfile(ctx, &eks.CreateFargateProfileInput{ClusterName: aws.String("demo"), FargateProfileName: aws.String("system"),
		PodExecutionRoleArn: aws.String("arn:aws:iam::123456789012:role/pods"), Subnets: []string{"subnet-0a"},
		Selectors: []ekstypes.FargateProfileSelector{{Namespace: aws.String("kube-system")}}})
	p, err := lbc.CheckFargate(ctx, api, "demo", "", nil)
	fmt.Println(p.Name, p.Status, err)
	// Output:
	// system ACTIVE <nil>
}

// What a controller removed before its Ingress leaves behind (created here
// on moto_server), found by the cluster tag and deleted.
func ExampleSweep() {
	ctx := context.Background()
	moto, err := mototest.Start(ctx, os.TempDir())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer moto.Stop()
	cfg := moto.Config("eu-west-1")
	vpc, _ := ec2.NewFromConfig(cfg).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	api := elbv2.NewFromConfig(cfg)
	_, err = api.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("k8s-shop-web-abcdef0123"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: vpc.Vpc.VpcId, TargetType: elbtypes.TargetTypeEnumIp,
		Tags: []elbtypes.Tag{{Key: aws.String(lbc.ClusterTagKey), Value: aws.String("demo")}, {Key: aws.String("ingress.k8s.aws/stack"), Value: aws.String("shop/web")}}})
	if err != nil {
		panic(err)
	}

	report, err := lbc.Sweep(ctx, api, "demo", lbc.SweepOptions{})
	fmt.Println(report.Resources, err)
	report, err = lbc.Sweep(ctx, api, "demo", lbc.SweepOptions{Delete: true})
	fmt.Println(len(report.Remaining()), "remaining", err)
	// Output:
	// [TargetGroup k8s-shop-web-abcdef0123 (shop/web)] <nil>
	// 0 remaining <nil>
}

// The region's load balancers and target groups with their VPC, tags and
// owner, here only those of one VPC: what a sweep starts from.
func ExampleListELB() {
	ctx := context.Background()
	moto, err := mototest.Start(ctx, os.TempDir())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer moto.Stop()
	cfg := moto.Config("eu-west-1")
	vpc, _ := ec2.NewFromConfig(cfg).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	other, _ := ec2.NewFromConfig(cfg).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	api := elbv2.NewFromConfig(cfg)
	for _, tg := range []struct{ name, vpc, owner string }{
		{"k8s-shop-web-abcdef0123", *vpc.Vpc.VpcId, "shop/web"},
		{"k8s-other-web-abcdef0123", *other.Vpc.VpcId, "other/web"},
	} {
		_, err = api.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(tg.name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(80), VpcId: aws.String(tg.vpc), TargetType: elbtypes.TargetTypeEnumIp,
			Tags: []elbtypes.Tag{{Key: aws.String(lbc.ClusterTagKey), Value: aws.String("demo")}, {Key: aws.String("ingress.k8s.aws/stack"), Value: aws.String(tg.owner)}}})
		if err != nil {
			panic(err)
		}
	}

	found, err := lbc.ListELB(ctx, api, func(id string) bool { return id == *vpc.Vpc.VpcId })
	fmt.Println(found, err)
	// Output:
	// [TargetGroup k8s-shop-web-abcdef0123 (shop/web)] <nil>
}

// Before creating Services right after an install that did not wait, wait
// for the webhook (the client is a fake here, with the EndpointSlice the
// cluster would have; pass your clientset).
func ExampleWaitForWebhook() {
	ready := true
	cs := fake.NewClientset(&discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Name: "webhook-1", Namespace: "kube-system",
			Labels: map[string]string{discoveryv1.LabelServiceName: lbc.WebhookServiceName("")}},
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.0.1.17"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	policy, err := lbc.WaitForWebhook(ctx, cs, lbc.WebhookWaitOptions{})
	fmt.Printf("serving, service mutator policy %q, %v\n", policy, err)
	// Output:
	// serving, service mutator policy "", <nil>
}

// The files of a chart archive, read without Helm: here the CRD files of the
// embedded eks-charts archive.
func ExampleReadChartArchive() {
	files, err := lbc.ReadChartArchive(lbc.EmbeddedChart())
	if err != nil {
		panic(err)
	}
	for _, f := range lbc.CRDFiles(files) {
		fmt.Println(f.Name)
	}
	// Output:
	// crds/crds.yaml
	// crds/gateway-crds.yaml
}

// The objects of a release manifest in the order Uninstall deletes them:
// admission webhooks first, so that nothing is refused by a webhook whose
// Service is gone.
func ExampleManifestObjects() {
	objs, err := lbc.ManifestObjects(`apiVersion: apps/v1
kind: Deployment
metadata: {name: aws-load-balancer-controller}
---
apiVersion: v1
kind: Service
metadata: {name: aws-load-balancer-webhook-service}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: aws-load-balancer-webhook}
`)
	if err != nil {
		panic(err)
	}
	for _, o := range objs {
		fmt.Println(o.GetKind(), o.GetName())
	}
	// Output:
	// MutatingWebhookConfiguration aws-load-balancer-webhook
	// Service aws-load-balancer-webhook-service
	// Deployment aws-load-balancer-controller
}

// Remove the controller's release without Helm, after Teardown has removed
// what it manages (Teardown does both; this is the second half alone).
//
// Compiled, not run: Uninstall takes a *rest.Config (its dynamic client
// needs a real API server, which client-go's fakes are not); the helm
// package's tests run it on the real API server.
func ExampleUninstall() {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = lbc.Uninstall(context.Background(), cfg, lbc.UninstallOptions{Wait: true, Timeout: 5 * time.Minute,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		fmt.Println(err)
	}
}

// The webhook certificate to pass to a chart that cannot keep its own
// (3.0.0): a new one on the first install, then the installed one, read
// from the chart's Secret, on every later run.
func ExampleEnsureWebhookCertificate() {
	ctx := context.Background()
	cs := fake.NewClientset()
	first, err := lbc.EnsureWebhookCertificate(ctx, cs, "kube-system", "")
	if err != nil {
		panic(err)
	}
	leaf, _ := first.Leaf()
	fmt.Println(first.Validate() == nil, leaf.DNSNames[1])
	// The chart stores what it was given in its Secret.
	_, err = cs.CoreV1().Secrets("kube-system").Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: lbc.WebhookSecretName("")},
		Data:       map[string][]byte{"ca.crt": []byte(first.CACert), "tls.crt": []byte(first.Cert), "tls.key": []byte(first.Key)},
	}, metav1.CreateOptions{})
	if err != nil {
		panic(err)
	}
	again, err := lbc.EnsureWebhookCertificate(ctx, cs, "kube-system", "")
	fmt.Println(again == first, err)
	// Output:
	// true aws-load-balancer-webhook-service.kube-system.svc
	// true <nil>
}

// List what the controller manages in a namespace, then tear it down there:
// a namespace-scoped Teardown deletes those objects, waits for the
// controller to remove their load balancers and finalizers, and keeps the
// controller (only a cluster-wide run uninstalls it).
//
// Compiled, not run: Managed and Teardown take a *rest.Config (the dynamic
// client needs a real API server); their tests run on one.
func ExampleTeardown() {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	objs, err := lbc.Managed(ctx, cfg, "shop")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range objs {
		fmt.Println(o)
	}
	err = lbc.Teardown(ctx, cfg, lbc.TeardownOptions{Namespaces: []string{"shop"},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		fmt.Println(err)
	}
}

// Server-side apply the CRDs of the default version's chart (embedded, no
// download) before upgrading the controller: Helm never upgrades CRDs.
//
// Compiled, not run: ApplyCRDs takes a *rest.Config (server-side apply
// needs a real API server); its tests run on one.
func ExampleApplyCRDs() {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	src, _ := lbc.DefaultChartSource("")
	crds, err := lbc.SourceCRDs(ctx, src, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := lbc.ApplyCRDs(ctx, cfg, crds, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		fmt.Println(err)
	}
}
