package awsfake

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// EC2 is an in-memory EC2 region holding subnets and route tables. It models
// DescribeSubnets and DescribeRouteTables as EC2 documents them: filters by
// name (only vpc-id is modelled; any other name is an InvalidParameterValue
// error, as an unknown name is in EC2), MaxResults between 5 and 1000 (else
// InvalidParameterValue), pages of at most MaxResults (or PageSize) items with
// an opaque NextToken that only the same operation accepts (else
// InvalidNextToken), and all results at once when neither limits them.
//
// Build its data with [Subnet] and [RouteTable]; create one with [NewEC2].
type EC2 struct {
	mu sync.Mutex

	// Subnets are the region's subnets, in the order EC2 returns them.
	Subnets []types.Subnet
	// RouteTables are the region's route tables, in the order EC2 returns them.
	RouteTables []types.RouteTable
	// PageSize is the most items a call returns when it gives no MaxResults;
	// 0 means no limit (EC2 returns all results when MaxResults is omitted).
	PageSize int

	// Calls lists every operation called, by name, in order.
	Calls []string
	// FailOn makes the named operation fail with the error (the call is still
	// recorded in Calls).
	FailOn map[string]error
}

// NewEC2 returns a region holding the subnets and route tables.
func NewEC2(subnets []types.Subnet, routeTables []types.RouteTable) *EC2 {
	return &EC2{Subnets: subnets, RouteTables: routeTables, FailOn: map[string]error{}}
}

// CallCount returns how many times the operation was called.
func (f *EC2) CallCount(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.Calls {
		if c == op {
			n++
		}
	}
	return n
}

func invalidParameter(msg string) error {
	return &smithy.GenericAPIError{Code: "InvalidParameterValue", Message: msg, Fault: smithy.FaultClient}
}

// page records the call, checks filters, MaxResults and NextToken, and
// returns the slice [lo, hi) of n matching items and the next token.
func (f *EC2) page(op string, filters []types.Filter, maxResults *int32, token *string, n int) (lo, hi int, next *string, err error) {
	f.Calls = append(f.Calls, op)
	if err := f.FailOn[op]; err != nil {
		return 0, 0, nil, err
	}
	for _, fl := range filters {
		if aws.ToString(fl.Name) != "vpc-id" {
			return 0, 0, nil, invalidParameter("The filter '" + aws.ToString(fl.Name) + "' is invalid")
		}
	}
	size := f.PageSize
	if maxResults != nil {
		if *maxResults < 5 || *maxResults > 1000 {
			return 0, 0, nil, invalidParameter(fmt.Sprintf("Value (%d) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", *maxResults))
		}
		size = int(*maxResults)
	}
	if size <= 0 {
		size = n
	}
	if token != nil {
		rest, ok := strings.CutPrefix(*token, op+"-")
		lo, err = strconv.Atoi(rest)
		if !ok || err != nil || lo < 0 || lo > n {
			return 0, 0, nil, &smithy.GenericAPIError{Code: "InvalidNextToken", Message: "The token '" + *token + "' is invalid", Fault: smithy.FaultClient}
		}
	}
	hi = min(lo+size, n)
	if hi < n {
		next = aws.String(fmt.Sprintf("%s-%d", op, hi))
	}
	return lo, hi, next, nil
}

// matches reports whether an item of the VPC passes every vpc-id filter (a
// filter matches when any of its values does).
func matches(filters []types.Filter, vpc string) bool {
	for _, fl := range filters {
		if !slices.Contains(fl.Values, vpc) {
			return false
		}
	}
	return true
}

// describe records the call and returns the page of the items of the VPCs
// the filters name (vpc returns an item's VPC) that the input asks for.
func describe[T any](f *EC2, op string, items []T, vpc func(T) *string, filters []types.Filter, maxResults *int32, token *string) ([]T, *string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []T
	for _, it := range items {
		if matches(filters, aws.ToString(vpc(it))) {
			all = append(all, it)
		}
	}
	lo, hi, next, err := f.page(op, filters, maxResults, token, len(all))
	if err != nil {
		return nil, nil, err
	}
	return slices.Clone(all[lo:hi]), next, nil
}

// DescribeSubnets returns the subnets that pass the filters, a page at a time.
func (f *EC2) DescribeSubnets(_ context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	page, next, err := describe(f, "DescribeSubnets", f.Subnets, func(s types.Subnet) *string { return s.VpcId }, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSubnetsOutput{Subnets: page, NextToken: next}, nil
}

// DescribeRouteTables returns the route tables that pass the filters, a page
// at a time.
func (f *EC2) DescribeRouteTables(_ context.Context, in *ec2.DescribeRouteTablesInput, _ ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	page, next, err := describe(f, "DescribeRouteTables", f.RouteTables, func(rt types.RouteTable) *string { return rt.VpcId }, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeRouteTablesOutput{RouteTables: page, NextToken: next}, nil
}

// Subnet returns a subnet of the VPC in the Availability Zone, with CIDR block
// 10.0.0.0/24 and the tags given as key, value pairs (a trailing key without a
// value is ignored).
func Subnet(id, vpc, az string, tags ...string) types.Subnet {
	s := types.Subnet{SubnetId: aws.String(id), VpcId: aws.String(vpc), AvailabilityZone: aws.String(az), CidrBlock: aws.String("10.0.0.0/24"),
		AvailableIpAddressCount: aws.Int32(251)} // a /24 less the 5 addresses AWS reserves
	for i := 0; i+1 < len(tags); i += 2 {
		s.Tags = append(s.Tags, types.Tag{Key: aws.String(tags[i]), Value: aws.String(tags[i+1])})
	}
	return s
}

// RouteTable returns a route table of the VPC: with the local route for
// 10.0.0.0/16 followed by routes; when main, the VPC's main table (an
// association with Main=true and no SubnetId, as EC2 reports it); explicitly
// associated with the subnets.
func RouteTable(id, vpc string, main bool, subnets []string, routes ...types.Route) types.RouteTable {
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

// InternetGatewayRoute returns an active default route (0.0.0.0/0) to the
// internet gateway; set its State to types.RouteStateBlackhole for a gateway
// that was deleted.
func InternetGatewayRoute(igw string) types.Route {
	return types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(igw), State: types.RouteStateActive}
}

// NATGatewayRoute returns an active default route (0.0.0.0/0) to the NAT gateway.
func NATGatewayRoute(nat string) types.Route {
	return types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(nat), State: types.RouteStateActive}
}
