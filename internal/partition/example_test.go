package partition_test

import (
	"fmt"

	"github.com/fargatekit/fargatekit/internal/partition"
)

func ExampleForRegion() {
	p, _ := partition.ForRegion("cn-north-1")
	fmt.Println(p.ID, p.ManagedPolicyARN("AmazonEKSFargatePodExecutionRolePolicy"))
	fmt.Println(p.OIDCIssuer("cn-north-1", "ABCDEF"))
	// Output:
	// aws-cn arn:aws-cn:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy
	// https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF
}
