package lbc

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/internal/partition"
	sdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// additionalPolicies registers the optional IAM policies of the resolved
// spec (named <name>-policy-<policy>, e.g. lbc-policy-global-accelerator),
// rendered by [sdk.AdditionalPolicyDocument] for the cluster's partition,
// and returns their ARNs for the controller's role.
func additionalPolicies(ctx *pulumi.Context, name string, comp *LBCRelease, r resolved, region, clusterName pulumi.StringOutput) ([]pulumi.StringInput, error) {
	if len(r.AdditionalPolicies) == 0 {
		return nil, nil
	}
	comp.AdditionalPolicies = map[AdditionalPolicy]*iam.Policy{}
	var arns []pulumi.StringInput
	for _, p := range r.AdditionalPolicies {
		doc := region.ApplyT(func(region string) (string, error) {
			part, err := partition.ForRegion(region)
			if err != nil {
				return "", fmt.Errorf("lbc: policy %s: cluster region: %w", p, err)
			}
			return sdk.AdditionalPolicyDocument(p, r.Version, part.ID)
		}).(pulumi.StringOutput)
		pol, err := iam.NewPolicy(ctx, name+"-policy-"+string(p), &iam.PolicyArgs{
			Description: pulumi.Sprintf("AWS Load Balancer Controller %s (%s) for EKS cluster %s", r.Version, p, clusterName),
			Policy:      doc,
		}, pulumi.Parent(comp))
		if err != nil {
			return nil, err
		}
		comp.AdditionalPolicies[p] = pol
		arns = append(arns, pol.Arn)
	}
	return arns, nil
}
