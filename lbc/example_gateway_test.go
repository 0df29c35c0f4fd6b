package lbc_test

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/lbc"
	lbcsdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// The controller with the Gateway API, and a Gateway of its ALB class,
// registered from the SDK's typed helper: created after the controller and
// the class, deleted before them.
func ExampleNewObject() {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
		if err != nil {
			return err
		}
		cluster := clusterref.Cluster{
			Name: pulumi.String("demo"), Region: pulumi.String("us-west-2"), VpcID: pulumi.String("vpc-0123456789abcdef0"),
			OIDCProviderARN:    pulumi.String("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE"),
			KubernetesProvider: k8s, FargateOnly: true,
		}
		ctl, err := lbc.NewLBCRelease(ctx, "lbc", &lbc.LBCReleaseArgs{Cluster: cluster,
			GatewayAPI: &lbc.GatewayAPISpec{Classes: []lbc.GatewayClassSpec{{Name: "alb", Controller: lbc.ALBGateway}}}})
		if err != nil {
			return err
		}
		gw, err := lbcsdk.Gateway(lbcsdk.GatewaySpec{Name: "web", Namespace: "default", Class: "alb"})
		if err != nil {
			return err
		}
		obj, err := lbcsdk.ToUnstructured(gw)
		if err != nil {
			return err
		}
		_, err = lbc.NewObject(ctx, "web", obj, pulumi.Provider(k8s),
			pulumi.DependsOn(append(ctl.Ready(), ctl.GatewayAPI.Classes["alb"])))
		return err
	})
	if err != nil {
		panic(err)
	}
	crds := 0
	for _, r := range g.ByType("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition") {
		if strings.HasPrefix(r.Name, "lbc-gatewayapi-") { // not the chart's own CRDs
			crds++
		}
	}
	fmt.Println("Gateway API CRDs:", crds)
	class, _ := g.One("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "lbc-gatewayclass-alb")
	web, _ := g.One("kubernetes:gateway.networking.k8s.io/v1:Gateway", "web")
	release, _ := g.One("kubernetes:helm.sh/v3:Release", "lbc")
	fmt.Println(class.InputString("spec.controllerName"), web.InputString("spec.gatewayClassName"))
	fmt.Println("class after the release:", g.DependsOn(class, release), "; web after the class:", g.DependsOn(web, class))
	// Output:
	// Gateway API CRDs: 10
	// gateway.k8s.aws/alb alb
	// class after the release: true ; web after the class: true
}
