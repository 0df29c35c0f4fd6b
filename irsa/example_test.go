package irsa_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/irsa"
)

const providerARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

func ExampleNewIRSARole() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		role, err := irsa.NewIRSARole(ctx, "web", &irsa.IRSARoleArgs{
			OIDCProviderARN: pulumi.String(providerARN),
			ServiceAccounts: []irsa.ServiceAccount{{Namespace: "apps", Name: "web"}},
			PolicyARNs:      []pulumi.StringInput{pulumi.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")},
			RoleOnly:        true, // the app's Helm chart creates the ServiceAccount
		})
		if err != nil {
			return err
		}
		ctx.Export("roleArn", role.RoleArn)
		return nil
	})
}
