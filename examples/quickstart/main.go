// Command quickstart is the Pulumi program of fargatekit's README, verbatim:
// a Fargate-only EKS cluster in a new VPC, the AWS Load Balancer Controller,
// and an IAM role for the default/reader service account.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/irsa"
	"github.com/fargatekit/fargatekit/lbc"
)

func main() { pulumi.Run(program) }

func program(ctx *pulumi.Context) error {
	// The region comes from the stack's aws:region; nothing defaults one.
	cluster, err := eksfargate.NewFargateCluster(ctx, "demo", &eksfargate.FargateClusterArgs{
		ClusterSpec: eksfargate.ClusterSpec{
			KubernetesVersion: "1.36",
			VPC:               &eksfargate.VPCSpec{AZCount: 2, SingleNATGateway: true},
			Tags:              map[string]string{"team": "platform"},
		},
	})
	if err != nil {
		return err
	}
	controller, err := lbc.NewLBCRelease(ctx, "lbc", &lbc.LBCReleaseArgs{Cluster: cluster})
	if err != nil {
		return err
	}
	reader, err := irsa.NewIRSARole(ctx, "reader", &irsa.IRSARoleArgs{
		Cluster:         cluster,
		ServiceAccounts: []irsa.ServiceAccount{{Namespace: "default", Name: "reader"}},
		PolicyARNs:      []pulumi.StringInput{pulumi.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")},
	})
	if err != nil {
		return err
	}
	ctx.Export("kubeconfig", pulumi.ToSecret(cluster.Kubeconfig))
	ctx.Export("lbcRoleArn", controller.RoleArn)
	ctx.Export("readerRoleArn", reader.RoleArn)
	return nil
}
