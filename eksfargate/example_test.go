package eksfargate_test

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate"
)

func ExampleFargateClusterArgs_Validate() {
	args := eksfargate.FargateClusterArgs{
		ClusterSpec: eksfargate.ClusterSpec{
			ClusterName: "demo",
			FargateProfiles: []eksfargate.FargateProfile{
				{Name: "apps", Selectors: []eksfargate.Selector{{Namespace: "apps"}}},
			},
			LogTypes: []string{"api", "kubelet"},
		},
	}
	err := args.Validate()
	fmt.Println(errors.Is(err, eksfargate.ErrInvalidSpec), errors.Is(err, eksfargate.ErrNoCoreDNSProfile))
	fmt.Println(err)
	// Output:
	// true true
	// eksfargate: LogTypes[1]: "kubelet" is not one of api, audit, authenticator, controllerManager, scheduler
	// eksfargate: FargateProfiles: no profile selects the CoreDNS pods (namespace kube-system, labels k8s-app=kube-dns, eks.amazonaws.com/component=coredns)
}

// A Fargate-only cluster with two profiles and a pinned CoreDNS, in a Pulumi
// program; irsa, lbc and authmap components take the result as their Cluster.
func ExampleNewFargateCluster() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cluster, err := eksfargate.NewFargateCluster(ctx, "demo", &eksfargate.FargateClusterArgs{
			ClusterSpec: eksfargate.ClusterSpec{
				KubernetesVersion: "1.35",
				VPC:               &eksfargate.VPCSpec{AZCount: 3, SingleNATGateway: true},
				FargateProfiles: []eksfargate.FargateProfile{
					eksfargate.DefaultProfile(),
					{Name: "apps", Selectors: []eksfargate.Selector{{Namespace: "apps"}}},
				},
				Addons:   eksfargate.Addons{CoreDNSVersion: "v1.11.4-eksbuild.2"},
				LogTypes: []string{eksfargate.LogAPI, eksfargate.LogAudit},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", cluster.Kubeconfig)
		ctx.Export("oidcProviderArn", cluster.Ref().OIDCProviderARN)
		return nil
	})
}
