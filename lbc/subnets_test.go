package lbc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// fakeEC2 models the two calls as EC2 documents them: filters by name
// (unknown names are an InvalidParameterValue error), pages of at most
// MaxResults (or pageSize) items with an opaque NextToken, and the main route
// table's association carrying Main=true and no SubnetId.
type fakeEC2 struct {
	subnets     []types.Subnet
	routeTables []types.RouteTable
	pageSize    int
	calls       map[string]int
	fail        error
}

func (f *fakeEC2) page(op string, filters []types.Filter, max *int32, token *string, n int) (lo, hi int, next *string, err error) {
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
	if f.fail != nil {
		return 0, 0, nil, f.fail
	}
	for _, fl := range filters {
		if aws.ToString(fl.Name) != "vpc-id" {
			return 0, 0, nil, &smithy.GenericAPIError{Code: "InvalidParameterValue", Message: "The filter '" + aws.ToString(fl.Name) + "' is invalid"}
		}
	}
	size := f.pageSize
	if max != nil {
		if *max < 5 || *max > 1000 {
			return 0, 0, nil, &smithy.GenericAPIError{Code: "InvalidParameterValue", Message: "MaxResults out of range"}
		}
		size = int(*max)
	}
	if token != nil {
		lo, err = strconv.Atoi(strings.TrimPrefix(*token, op+"-"))
		if err != nil || !strings.HasPrefix(*token, op+"-") {
			return 0, 0, nil, &smithy.GenericAPIError{Code: "InvalidNextToken", Message: "bad token"}
		}
	}
	hi = min(lo+size, n)
	if hi < n {
		next = aws.String(fmt.Sprintf("%s-%d", op, hi))
	}
	return lo, hi, next, nil
}

func matches(filters []types.Filter, vpc string) bool {
	for _, fl := range filters {
		if !slices.Contains(fl.Values, vpc) {
			return false
		}
	}
	return true
}

func (f *fakeEC2) DescribeSubnets(_ context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	var all []types.Subnet
	for _, s := range f.subnets {
		if matches(in.Filters, aws.ToString(s.VpcId)) {
			all = append(all, s)
		}
	}
	lo, hi, next, err := f.page("subnets", in.Filters, in.MaxResults, in.NextToken, len(all))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSubnetsOutput{Subnets: all[lo:hi], NextToken: next}, nil
}

func (f *fakeEC2) DescribeRouteTables(_ context.Context, in *ec2.DescribeRouteTablesInput, _ ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	var all []types.RouteTable
	for _, rt := range f.routeTables {
		if matches(in.Filters, aws.ToString(rt.VpcId)) {
			all = append(all, rt)
		}
	}
	lo, hi, next, err := f.page("routetables", in.Filters, in.MaxResults, in.NextToken, len(all))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeRouteTablesOutput{RouteTables: all[lo:hi], NextToken: next}, nil
}

const vpcA, vpcB = "vpc-0aaaaaaaaaaaaaaaa", "vpc-0bbbbbbbbbbbbbbbb"

func subnet(id, vpc, az string, tags ...string) types.Subnet {
	s := types.Subnet{SubnetId: aws.String(id), VpcId: aws.String(vpc), AvailabilityZone: aws.String(az), CidrBlock: aws.String("10.0.0.0/24")}
	for i := 0; i+1 < len(tags); i += 2 {
		s.Tags = append(s.Tags, types.Tag{Key: aws.String(tags[i]), Value: aws.String(tags[i+1])})
	}
	return s
}

func routeTable(id, vpc string, main bool, subnets []string, routes ...types.Route) types.RouteTable {
	rt := types.RouteTable{RouteTableId: aws.String(id), VpcId: aws.String(vpc),
		Routes: append([]types.Route{{DestinationCidrBlock: aws.String("10.0.0.0/16"), GatewayId: aws.String("local"), State: types.RouteStateActive}}, routes...)}
	if main {
		rt.Associations = append(rt.Associations, types.RouteTableAssociation{Main: aws.Bool(true), RouteTableId: aws.String(id)})
	}
	for _, s := range subnets {
		rt.Associations = append(rt.Associations, types.RouteTableAssociation{Main: aws.Bool(false), SubnetId: aws.String(s), RouteTableId: aws.String(id)})
	}
	return rt
}

func testVPC() *fakeEC2 {
	igw := types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-0123"), State: types.RouteStateActive}
	deadIgw := types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-0dead"), State: types.RouteStateBlackhole}
	nat := types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String("nat-0123"), State: types.RouteStateActive}
	return &fakeEC2{pageSize: 2,
		subnets: []types.Subnet{
			subnet("subnet-pub-a", vpcA, "eu-west-1a", PublicSubnetTag, "1", ClusterTagPrefix+"demo", "shared"),
			subnet("subnet-pub-b", vpcA, "eu-west-1b", PublicSubnetTag, "", ClusterTagPrefix+"demo", "owned"),
			subnet("subnet-pub-c", vpcA, "eu-west-1c", PrivateSubnetTag, "1", ClusterTagPrefix+"other", "owned"),
			subnet("subnet-priv-a", vpcA, "eu-west-1a", PrivateSubnetTag, "1", ClusterTagPrefix+"demo", "shared"),
			subnet("subnet-priv-b", vpcA, "eu-west-1b", PrivateSubnetTag, "0", "Name", "b"),
			subnet("subnet-dead", vpcA, "eu-west-1c"),
			subnet("subnet-elsewhere", vpcB, "eu-west-1a", PublicSubnetTag, "1"),
		},
		routeTables: []types.RouteTable{
			routeTable("rtb-main", vpcA, true, nil, nat),
			routeTable("rtb-public", vpcA, false, []string{"subnet-pub-a", "subnet-pub-b", "subnet-pub-c"}, igw),
			routeTable("rtb-dead", vpcA, false, []string{"subnet-dead"}, deadIgw),
			routeTable("rtb-b", vpcB, true, nil, igw),
		},
	}
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
	if api.calls["subnets"] != 3 || api.calls["routetables"] != 2 {
		t.Errorf("calls %v", api.calls)
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
	api.fail = &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "not allowed"}
	_, err := CheckSubnets(context.Background(), api, vpcA)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnauthorizedOperation" || !strings.Contains(err.Error(), "DescribeSubnets "+vpcA) {
		t.Errorf("API error: %v", err)
	}
	// An empty VPC is a report of no subnets and two coverage problems.
	r, err := CheckSubnets(context.Background(), &fakeEC2{pageSize: 5}, vpcA)
	if err != nil || len(r.Subnets) != 0 || len(r.Problems()) != 2 {
		t.Errorf("empty VPC: %+v %v", r, err)
	}
}
