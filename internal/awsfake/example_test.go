package awsfake_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/fargatekit/fargatekit/internal/awsfake"
)

// A new role is invisible for a while, as in IAM: code under test must retry
// NoSuchEntity after creating a role.
func ExampleIAM() {
	ctx := context.Background()
	f := awsfake.NewIAM("123456789012")
	f.RoleLag = 1
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	out, err := f.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		panic(err)
	}
	fmt.Println(aws.ToString(out.Role.Arn))
	_, err = f.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
	var nse *iamtypes.NoSuchEntityException
	fmt.Println("first GetRole: NoSuchEntity:", errors.As(err, &nse))
	_, err = f.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
	fmt.Println("second GetRole:", err)
	fmt.Println(f.Calls, f.Writes)
	// Output:
	// arn:aws:iam::123456789012:role/app
	// first GetRole: NoSuchEntity: true
	// second GetRole: <nil>
	// [CreateRole GetRole GetRole] [CreateRole]
}

// A VPC with a public and a private subnet, listed page by page.
func ExampleEC2() {
	f := awsfake.NewEC2(
		[]types.Subnet{
			awsfake.Subnet("subnet-pub", "vpc-1", "eu-west-1a", "kubernetes.io/role/elb", "1"),
			awsfake.Subnet("subnet-priv", "vpc-1", "eu-west-1b", "kubernetes.io/role/internal-elb", "1"),
		},
		[]types.RouteTable{
			awsfake.RouteTable("rtb-main", "vpc-1", true, nil, awsfake.NATGatewayRoute("nat-1")),
			awsfake.RouteTable("rtb-pub", "vpc-1", false, []string{"subnet-pub"}, awsfake.InternetGatewayRoute("igw-1")),
		})
	f.PageSize = 1
	p := ec2.NewDescribeSubnetsPaginator(f, &ec2.DescribeSubnetsInput{
		Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{"vpc-1"}}}})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			panic(err)
		}
		for _, s := range page.Subnets {
			fmt.Println(aws.ToString(s.SubnetId), aws.ToString(s.AvailabilityZone))
		}
	}
	fmt.Println(f.CallCount("DescribeSubnets"), "calls")
	// Output:
	// subnet-pub eu-west-1a
	// subnet-priv eu-west-1b
	// 2 calls
}
