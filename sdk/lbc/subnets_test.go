package lbc

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/fargatekit/fargatekit/internal/awsfake"
)

const vpcA, vpcB = "vpc-0aaaaaaaaaaaaaaaa", "vpc-0bbbbbbbbbbbbbbbb"

var _ EC2API = (*awsfake.EC2)(nil)

// testVPC is the EC2 fake with two VPCs, listed two items a page. vpcA has
// three subnets routed to an internet gateway (one tagged for cluster "other"
// only), two on the main route table (to a NAT gateway), one tagged and one
// not, and one whose internet gateway is gone (a blackhole route); vpcB's
// subnet must never be reported.
func testVPC() *awsfake.EC2 {
	deadIgw := awsfake.InternetGatewayRoute("igw-0dead")
	deadIgw.State = types.RouteStateBlackhole
	f := awsfake.NewEC2(
		[]types.Subnet{
			awsfake.Subnet("subnet-pub-a", vpcA, "eu-west-1a", PublicSubnetTag, "1", ClusterTagPrefix+"demo", "shared"),
			awsfake.Subnet("subnet-pub-b", vpcA, "eu-west-1b", PublicSubnetTag, "", ClusterTagPrefix+"demo", "owned"),
			awsfake.Subnet("subnet-pub-c", vpcA, "eu-west-1c", PrivateSubnetTag, "1", ClusterTagPrefix+"other", "owned"),
			awsfake.Subnet("subnet-priv-a", vpcA, "eu-west-1a", PrivateSubnetTag, "1", ClusterTagPrefix+"demo", "shared"),
			awsfake.Subnet("subnet-priv-b", vpcA, "eu-west-1b", PrivateSubnetTag, "0", "Name", "b"),
			awsfake.Subnet("subnet-dead", vpcA, "eu-west-1c"),
			awsfake.Subnet("subnet-elsewhere", vpcB, "eu-west-1a", PublicSubnetTag, "1"),
		},
		[]types.RouteTable{
			awsfake.RouteTable("rtb-main", vpcA, true, nil, awsfake.NATGatewayRoute("nat-0123")),
			awsfake.RouteTable("rtb-public", vpcA, false, []string{"subnet-pub-a", "subnet-pub-b", "subnet-pub-c"}, awsfake.InternetGatewayRoute("igw-0123")),
			awsfake.RouteTable("rtb-dead", vpcA, false, []string{"subnet-dead"}, deadIgw),
			awsfake.RouteTable("rtb-b", vpcB, true, nil, awsfake.InternetGatewayRoute("igw-0123")),
		})
	f.PageSize = 2
	return f
}

func TestCheckSubnets(t *testing.T) {
	api := testVPC()
	r, err := CheckSubnets(context.Background(), api, vpcA, ForCluster("demo"))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id, rt            string
		public, main      bool
		missing, clusters string
	}
	var got []row
	for _, s := range r.Subnets {
		got = append(got, row{s.ID, s.RouteTableID, s.Public, s.MainRouteTable, strings.Join(s.Missing, " "), strings.Join(s.OtherClusters, " ")})
	}
	want := []row{
		{"subnet-priv-a", "rtb-main", false, true, "", ""},
		{"subnet-pub-a", "rtb-public", true, false, "", ""},
		{"subnet-priv-b", "rtb-main", false, true, PrivateSubnetTag + " " + ClusterTagPrefix + "demo", ""},
		{"subnet-pub-b", "rtb-public", true, false, "", ""},
		{"subnet-dead", "rtb-dead", false, false, PrivateSubnetTag + " " + ClusterTagPrefix + "demo", ""},
		{"subnet-pub-c", "rtb-public", true, false, PublicSubnetTag + " " + ClusterTagPrefix + "demo", "other"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("subnets\n%v\nwant\n%v", got, want)
	}
	// Both calls were paginated (page size 2) and filtered to the VPC.
	if api.CallCount("DescribeSubnets") != 3 || api.CallCount("DescribeRouteTables") != 2 {
		t.Errorf("calls %v", api.Calls)
	}
	if n := len(r.Public()); n != 3 || len(r.Private()) != 3 {
		t.Errorf("public %d private %d", n, len(r.Private()))
	}
	problems := strings.Join(r.Problems(), "\n")
	for _, w := range []string{
		"private subnet subnet-priv-b (eu-west-1b) lacks kubernetes.io/role/internal-elb, kubernetes.io/cluster/demo",
		"public subnet subnet-pub-c (eu-west-1c) lacks kubernetes.io/role/elb, kubernetes.io/cluster/demo (tagged for other, so the controller skips it)",
		"internal load balancers: tagged private subnets in 1 Availability Zone(s)",
	} {
		if !strings.Contains(problems, w) {
			t.Errorf("problems lack %q:\n%s", w, problems)
		}
	}
	if strings.Contains(problems, "internet-facing") {
		t.Errorf("public subnets cover two zones:\n%s", problems)
	}

	// Without a cluster name the cluster tag is not required.
	r, err = CheckSubnets(context.Background(), testVPC(), vpcA)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Subnets {
		for _, m := range s.Missing {
			if strings.HasPrefix(m, ClusterTagPrefix) {
				t.Errorf("%s: cluster tag required without ForCluster", s.ID)
			}
		}
	}
	if !r.Subnets[0].OK() || r.Subnets[2].OK() {
		t.Errorf("OK: %+v", r.Subnets)
	}
}

func TestCheckSubnetsErrors(t *testing.T) {
	if _, err := CheckSubnets(context.Background(), testVPC(), "vpc-nope"); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("bad VPC ID: %v", err)
	}
	if _, err := CheckSubnets(context.Background(), testVPC(), vpcA, ForCluster("-x")); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("bad cluster name: %v", err)
	}
	api := testVPC()
	api.FailOn["DescribeSubnets"] = &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "not allowed"}
	_, err := CheckSubnets(context.Background(), api, vpcA)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnauthorizedOperation" || !strings.Contains(err.Error(), "DescribeSubnets "+vpcA) {
		t.Errorf("API error: %v", err)
	}
	// An empty VPC is a report of no subnets and two coverage problems.
	r, err := CheckSubnets(context.Background(), awsfake.NewEC2(nil, nil), vpcA)
	if err != nil || len(r.Subnets) != 0 || len(r.Problems()) != 2 {
		t.Errorf("empty VPC: %+v %v", r, err)
	}
}
