package lbc_test

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/lbc"
	lbcsdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// The controller on a Fargate cluster, and an Ingress that depends on it: it
// is created once the controller is ready and destroyed before it. The
// chart's CRDs are children applied before the release (read from the
// chart of the default version embedded in fargatekit: nothing is
// downloaded), and with the cluster's kubeconfig the release carries the
// destroy hook that tears down what the controller manages.
func ExampleNewLBCRelease() {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
		if err != nil {
			return err
		}
		cluster := clusterref.Cluster{
			Name: pulumi.String("demo"), Region: pulumi.String("us-west-2"), VpcID: pulumi.String("vpc-0123456789abcdef0"),
			OIDCProviderARN:    pulumi.String("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE"),
			KubernetesProvider: k8s, FargateOnly: true, Kubeconfig: pulumi.String("apiVersion: v1\nkind: Config\n"),
			FargateProfiles: []clusterref.FargateProfile{{Name: "system", Selectors: []clusterref.FargateSelector{{Namespace: "kube-system"}}}},
		}
		ctl, err := lbc.NewLBCRelease(ctx, "lbc", &lbc.LBCReleaseArgs{Cluster: cluster})
		if err != nil {
			return err
		}
		ann, err := lbcsdk.IngressAnnotations{LoadBalancer: lbcsdk.LoadBalancer{Fargate: true, Scheme: lbcsdk.SchemeInternetFacing}}.Build()
		if err != nil {
			return err
		}
		_, err = networkingv1.NewIngress(ctx, "web", &networkingv1.IngressArgs{
			Metadata: metav1.ObjectMetaArgs{Annotations: pulumi.ToStringMap(ann)},
			Spec:     networkingv1.IngressSpecArgs{IngressClassName: pulumi.String(lbcsdk.IngressClassName)},
		}, pulumi.Provider(k8s), ctl.DependsOn())
		return err
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(g.Tree("version", "values.defaultTargetType"))
	web, _ := g.One("kubernetes:networking.k8s.io/v1:Ingress", "web")
	release, _ := g.One("kubernetes:helm.sh/v3:Release", "lbc")
	fmt.Println("web waits for the controller:", g.DependsOn(web, release))
	fmt.Println("before the release is deleted:", release.BeforeDelete)
	// Output:
	// fargatekit:lbc:LBCRelease lbc
	//   aws:iam/policy:Policy lbc-policy
	//   fargatekit:irsa:IRSARole lbc-irsa
	//     aws:iam/role:Role lbc-irsa
	//     aws:iam/rolePolicyAttachment:RolePolicyAttachment lbc-irsa-attach-0
	//     kubernetes:core/v1:ServiceAccount lbc-irsa-sa-kube-system/aws-load-balancer-controller
	//   kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition lbc-albtargetcontrolconfigs.elbv2.k8s.aws
	//   kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition lbc-globalaccelerators.aga.k8s.aws
	//   kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition lbc-ingressclassparams.elbv2.k8s.aws
	//   kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition lbc-listenerruleconfigurations.gateway.k8s.aws
	//   kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition lbc-loadbalancerconfigurations.gateway.k8s.aws
	//   kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition lbc-targetgroupbindings.elbv2.k8s.aws
	//   kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition lbc-targetgroupconfigurations.gateway.k8s.aws
	//   kubernetes:helm.sh/v3:Release lbc  version=3.5.0  values.defaultTargetType=ip
	// kubernetes:networking.k8s.io/v1:Ingress web
	// pulumi:providers:kubernetes k8s
	// web waits for the controller: true
	// before the release is deleted: [lbc-teardown]
}
