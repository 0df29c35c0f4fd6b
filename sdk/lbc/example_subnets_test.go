package lbc_test

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// A VPC on moto_server (the real EC2 client; use ec2.NewFromConfig(cfg) of
// your account for real) with one public subnet tagged for internet-facing
// load balancers and two untagged private ones: internet-facing discovery
// goes by the tag and finds one zone (an ALB needs two), internal discovery
// falls back to the private subnets' route tables and finds both.
func ExampleCheckSubnets() {
	ctx := context.Background()
	moto, err := mototest.Start(ctx, os.TempDir())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer moto.Stop()
	api := ec2.NewFromConfig(moto.Config("eu-west-1"))
	vpc, _ := api.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	igw, _ := api.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	_, _ = api.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: vpc.Vpc.VpcId})
	rt, _ := api.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpc.Vpc.VpcId})
	_, _ = api.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"),
		GatewayId: igw.InternetGateway.InternetGatewayId})
	subnet := func(cidr, zone string, tags ...types.Tag) *string {
		in := &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(zone)}
		if len(tags) > 0 {
			in.TagSpecifications = []types.TagSpecification{{ResourceType: types.ResourceTypeSubnet, Tags: tags}}
		}
		out, err := api.CreateSubnet(ctx, in)
		if err != nil {
			panic(err)
		}
		return out.Subnet.SubnetId
	}
	public := subnet("10.0.1.0/24", "eu-west-1a", types.Tag{Key: aws.String(lbc.PublicSubnetTag), Value: aws.String("1")})
	_, _ = api.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: public})
	subnet("10.0.11.0/24", "eu-west-1a")
	subnet("10.0.12.0/24", "eu-west-1b")

	report, err := lbc.CheckSubnets(ctx, api, aws.ToString(vpc.Vpc.VpcId), lbc.ForCluster("demo"))
	if err != nil {
		panic(err)
	}
	for _, d := range []lbc.Discovery{report.InternetFacing, report.Internal} {
		fmt.Println(d.Scheme, "by reachability:", d.ByReachability, "zones:", d.Zones)
	}
	fmt.Println(len(report.Problems()), "problem")
	// Output:
	// internet-facing by reachability: false zones: [eu-west-1a]
	// internal by reachability: true zones: [eu-west-1a eu-west-1b]
	// 1 problem
}
