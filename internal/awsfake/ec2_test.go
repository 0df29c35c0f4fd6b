package awsfake

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

func testRegion() *EC2 {
	var subnets []types.Subnet
	for _, id := range []string{"subnet-1", "subnet-2", "subnet-3", "subnet-4", "subnet-5", "subnet-6", "subnet-7"} {
		subnets = append(subnets, Subnet(id, "vpc-a", "eu-west-1a", "Name", id))
	}
	subnets = append(subnets, Subnet("subnet-b", "vpc-b", "eu-west-1b"))
	return NewEC2(subnets, []types.RouteTable{
		RouteTable("rtb-main", "vpc-a", true, nil, NATGatewayRoute("nat-1")),
		RouteTable("rtb-public", "vpc-a", false, []string{"subnet-1"}, InternetGatewayRoute("igw-1")),
		RouteTable("rtb-b", "vpc-b", true, nil),
	})
}

func vpcFilter(vpc string) []types.Filter {
	return []types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}
}

func allSubnets(t *testing.T, f *EC2, in *ec2.DescribeSubnetsInput) []string {
	t.Helper()
	var ids []string
	p := ec2.NewDescribeSubnetsPaginator(f, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Subnets {
			ids = append(ids, aws.ToString(s.SubnetId))
		}
	}
	return ids
}

func TestEC2Paging(t *testing.T) {
	want := []string{"subnet-1", "subnet-2", "subnet-3", "subnet-4", "subnet-5", "subnet-6", "subnet-7"}
	tests := []struct {
		name     string
		pageSize int
		max      int32
		calls    int
	}{
		{"all at once", 0, 0, 1},
		{"page size", 3, 0, 3},
		{"MaxResults", 0, 5, 2},
		{"MaxResults over page size", 2, 5, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := testRegion()
			f.PageSize = tt.pageSize
			in := &ec2.DescribeSubnetsInput{Filters: vpcFilter("vpc-a")}
			if tt.max > 0 {
				in.MaxResults = aws.Int32(tt.max)
			}
			if got := allSubnets(t, f, in); !slices.Equal(got, want) {
				t.Errorf("subnets %v", got)
			}
			if n := f.CallCount("DescribeSubnets"); n != tt.calls {
				t.Errorf("%d calls", n)
			}
		})
	}
	if got := allSubnets(t, testRegion(), &ec2.DescribeSubnetsInput{}); len(got) != 8 {
		t.Errorf("unfiltered: %v", got)
	}
	rt, err := testRegion().DescribeRouteTables(context.Background(), &ec2.DescribeRouteTablesInput{Filters: vpcFilter("vpc-b")})
	if err != nil || len(rt.RouteTables) != 1 || !aws.ToBool(rt.RouteTables[0].Associations[0].Main) || rt.RouteTables[0].Associations[0].SubnetId != nil {
		t.Errorf("route tables %+v %v", rt, err)
	}
}

func TestEC2Errors(t *testing.T) {
	ctx := context.Background()
	code := func(err error) string {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		return ""
	}
	f := testRegion()
	_, err := f.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("tag:Name"), Values: []string{"x"}}}})
	if code(err) != "InvalidParameterValue" {
		t.Errorf("unknown filter: %v", err)
	}
	_, err = f.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(4)})
	if code(err) != "InvalidParameterValue" {
		t.Errorf("MaxResults 4: %v", err)
	}
	page, err := f.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(5)})
	if err != nil || page.NextToken != nil {
		t.Fatalf("%+v %v", page, err)
	}
	sp, err := f.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(5)})
	if err != nil || sp.NextToken == nil {
		t.Fatalf("%+v %v", sp, err)
	}
	// A token is only good for the operation that returned it.
	_, err = f.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{NextToken: sp.NextToken})
	if code(err) != "InvalidNextToken" {
		t.Errorf("foreign token: %v", err)
	}
	f.FailOn["DescribeRouteTables"] = &smithy.GenericAPIError{Code: "UnauthorizedOperation"}
	if _, err := f.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{}); code(err) != "UnauthorizedOperation" {
		t.Errorf("FailOn: %v", err)
	}
	if f.CallCount("DescribeRouteTables") != 3 || f.CallCount("DescribeSubnets") != 3 {
		t.Errorf("calls %v", f.Calls)
	}
}
