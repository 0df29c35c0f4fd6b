package pulumieks_test

import (
	"fmt"

	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/pulumieks"
)

// A pulumi-eks cluster adapted for fargatekit's irsa, lbc and authmap
// components, which take the adapter as their Cluster.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		mode := eks.AuthenticationModeApi
		args := &eks.ClusterArgs{Fargate: pulumi.Bool(true), CreateOidcProvider: pulumi.Bool(true), AuthenticationMode: &mode}
		cluster, err := eks.NewCluster(ctx, "demo", args)
		if err != nil {
			return err
		}
		ref, err := pulumieks.New(ctx, "demo", cluster, pulumieks.OptionsFromArgs(args))
		if err != nil {
			return err
		}
		ctx.Export("oidcProviderArn", ref.Ref().OIDCProviderARN)
		return nil
	})
}

func ExampleOptionsFromArgs() {
	mode := eks.AuthenticationModeApi
	o := pulumieks.OptionsFromArgs(&eks.ClusterArgs{Fargate: pulumi.Bool(true), AuthenticationMode: &mode})
	fmt.Println(o.Fargate, o.FargateOnly, o.AuthenticationMode)
	// Output: true true API
}
