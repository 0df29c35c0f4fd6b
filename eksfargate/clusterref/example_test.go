package clusterref_test

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/irsa"
)

// A cluster created elsewhere (another stack, eksctl, the console), described
// by values the program already has, and an IRSA role for one of its service
// accounts. In a real program the values come from a StackReference or
// configuration, and the Kubernetes provider from the cluster's kubeconfig.
func ExampleCluster() {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "existing", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
		if err != nil {
			return err
		}
		cluster := clusterref.Cluster{
			Name:               pulumi.String("prod"),
			Region:             pulumi.String("eu-west-1"),
			VpcID:              pulumi.String("vpc-0123456789abcdef0"),
			OIDCProviderARN:    pulumi.String("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"),
			KubernetesProvider: k8s,
			FargateOnly:        true,
		}
		_, err = irsa.NewIRSARole(ctx, "reports", &irsa.IRSARoleArgs{
			Cluster:         cluster,
			ServiceAccounts: []irsa.ServiceAccount{{Namespace: "reports", Name: "writer"}},
		})
		return err
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(g.Tree("metadata.namespace", "metadata.name"))
	// Output:
	// fargatekit:irsa:IRSARole reports
	//   aws:iam/role:Role reports
	//   kubernetes:core/v1:ServiceAccount reports-sa-reports/writer  metadata.namespace=reports  metadata.name=writer
	// pulumi:providers:kubernetes existing
}
