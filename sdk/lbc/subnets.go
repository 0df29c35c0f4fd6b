package lbc

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Subnet tags the controller's subnet discovery reads.
const (
	// PublicSubnetTag marks subnets for internet-facing load balancers.
	PublicSubnetTag = "kubernetes.io/role/elb"
	// PrivateSubnetTag marks subnets for internal load balancers.
	PrivateSubnetTag = "kubernetes.io/role/internal-elb"
	// ClusterTagPrefix + cluster name ("owned" or "shared") ties a subnet to a
	// cluster; a subnet tagged for other clusters but not this one is skipped.
	ClusterTagPrefix = "kubernetes.io/cluster/"
)

// EC2API is the part of the EC2 API that CheckSubnets uses.
type EC2API interface {
	// DescribeSubnets lists subnets (filtered by vpc-id, paginated).
	DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	// DescribeRouteTables lists route tables (filtered by vpc-id, paginated).
	DescribeRouteTables(ctx context.Context, in *ec2.DescribeRouteTablesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error)
}

// SubnetOption refines CheckSubnets.
type SubnetOption func(*subnetCheck)

type subnetCheck struct{ cluster string }

// ForCluster also checks the kubernetes.io/cluster/<name> tag of each subnet.
func ForCluster(name string) SubnetOption { return func(c *subnetCheck) { c.cluster = name } }

// SubnetReport is what CheckSubnets found in a VPC.
type SubnetReport struct {
	// VpcID is the VPC checked; ClusterName the ForCluster name, if any.
	VpcID, ClusterName string
	// Subnets are sorted by Availability Zone, then ID.
	Subnets []SubnetStatus
}

// SubnetStatus is one subnet, classified and checked.
type SubnetStatus struct {
	// ID, AvailabilityZone and CIDR identify the subnet.
	ID, AvailabilityZone, CIDR string
	// Public is true when the subnet's route table routes to an internet gateway.
	Public bool
	// RouteTableID is the subnet's route table; MainRouteTable is true when
	// that is the VPC's main table (no explicit association).
	RouteTableID   string
	MainRouteTable bool
	// Tags are the subnet's tags.
	Tags map[string]string
	// Missing are the tags the controller's discovery needs and the subnet
	// lacks (or has with an unusable value): the role tag matching Public,
	// and, with ForCluster, the cluster tag.
	Missing []string
	// OtherClusters are the clusters the subnet is tagged for besides ClusterName.
	OtherClusters []string
}

// OK reports whether the controller will discover the subnet for its role.
func (s SubnetStatus) OK() bool { return len(s.Missing) == 0 }

// RoleTag is the role tag the subnet needs: PublicSubnetTag or PrivateSubnetTag.
func (s SubnetStatus) RoleTag() string {
	if s.Public {
		return PublicSubnetTag
	}
	return PrivateSubnetTag
}

// Public returns the public subnets and Private the private ones.
func (r SubnetReport) Public() []SubnetStatus {
	return slices.DeleteFunc(slices.Clone(r.Subnets), func(s SubnetStatus) bool { return !s.Public })
}

// Private returns the private subnets.
func (r SubnetReport) Private() []SubnetStatus {
	return slices.DeleteFunc(slices.Clone(r.Subnets), func(s SubnetStatus) bool { return s.Public })
}

// Problems describes, one line each, every subnet the controller would not
// discover for its role, and a scheme that has discoverable subnets in fewer
// than two Availability Zones (an ALB needs two).
func (r SubnetReport) Problems() []string {
	var out []string
	zones := map[bool]map[string]bool{true: {}, false: {}}
	for _, s := range r.Subnets {
		if !s.OK() {
			kind := "private"
			if s.Public {
				kind = "public"
			}
			line := fmt.Sprintf("%s subnet %s (%s) lacks %s", kind, s.ID, s.AvailabilityZone, strings.Join(s.Missing, ", "))
			if len(s.OtherClusters) > 0 {
				line += fmt.Sprintf(" (tagged for %s, so the controller skips it)", strings.Join(s.OtherClusters, ", "))
			}
			out = append(out, line)
			continue
		}
		zones[s.Public][s.AvailabilityZone] = true
	}
	for _, public := range []bool{true, false} {
		kind, scheme := "private", "internal"
		if public {
			kind, scheme = "public", "internet-facing"
		}
		if n := len(zones[public]); n < 2 {
			out = append(out, fmt.Sprintf("%s load balancers: tagged %s subnets in %d Availability Zone(s), an ALB needs 2", scheme, kind, n))
		}
	}
	return out
}

// CheckSubnets lists the subnets of a VPC, classifies each as public (its
// route table, explicit or the VPC's main one, routes to an internet gateway)
// or private, and reports the load-balancer discovery tags each lacks:
// kubernetes.io/role/elb on public subnets, kubernetes.io/role/internal-elb on
// private ones (value "1" or empty), and, with ForCluster,
// kubernetes.io/cluster/<name> (owned or shared).
func CheckSubnets(ctx context.Context, api EC2API, vpcID string, opts ...SubnetOption) (*SubnetReport, error) {
	var c subnetCheck
	for _, o := range opts {
		o(&c)
	}
	if !ValidVpcID(vpcID) {
		return nil, fmt.Errorf("lbc: check subnets: %w: VPC ID %q", ErrInvalidSpec, vpcID)
	}
	if c.cluster != "" && !validClusterName(c.cluster) {
		return nil, fmt.Errorf("lbc: check subnets: %w: cluster name %q", ErrInvalidSpec, c.cluster)
	}
	filter := []types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}

	var subnets []types.Subnet
	sp := ec2.NewDescribeSubnetsPaginator(api, &ec2.DescribeSubnetsInput{Filters: filter})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("lbc: check subnets: DescribeSubnets %s: %w", vpcID, err)
		}
		subnets = append(subnets, page.Subnets...)
	}
	explicit := map[string]types.RouteTable{}
	var main *types.RouteTable
	rp := ec2.NewDescribeRouteTablesPaginator(api, &ec2.DescribeRouteTablesInput{Filters: filter})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("lbc: check subnets: DescribeRouteTables %s: %w", vpcID, err)
		}
		for _, rt := range page.RouteTables {
			for _, a := range rt.Associations {
				if aws.ToBool(a.Main) {
					main = &rt
				} else if a.SubnetId != nil {
					explicit[*a.SubnetId] = rt
				}
			}
		}
	}

	report := &SubnetReport{VpcID: vpcID, ClusterName: c.cluster}
	for _, sn := range subnets {
		s := SubnetStatus{ID: aws.ToString(sn.SubnetId), AvailabilityZone: aws.ToString(sn.AvailabilityZone),
			CIDR: aws.ToString(sn.CidrBlock), Tags: map[string]string{}}
		for _, t := range sn.Tags {
			s.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		rt, ok := explicit[s.ID]
		if !ok && main != nil {
			rt, ok, s.MainRouteTable = *main, true, true
		}
		if ok {
			s.RouteTableID = aws.ToString(rt.RouteTableId)
			s.Public = routesToInternetGateway(rt)
		}
		if v, ok := s.Tags[s.RoleTag()]; !ok || (v != "" && v != "1") {
			s.Missing = append(s.Missing, s.RoleTag())
		}
		for k := range s.Tags {
			if name, ok := strings.CutPrefix(k, ClusterTagPrefix); ok && name != c.cluster {
				s.OtherClusters = append(s.OtherClusters, name)
			}
		}
		slices.Sort(s.OtherClusters)
		if c.cluster != "" {
			if v := s.Tags[ClusterTagPrefix+c.cluster]; v != "owned" && v != "shared" {
				s.Missing = append(s.Missing, ClusterTagPrefix+c.cluster)
			}
		}
		report.Subnets = append(report.Subnets, s)
	}
	slices.SortFunc(report.Subnets, func(a, b SubnetStatus) int {
		return cmp.Or(cmp.Compare(a.AvailabilityZone, b.AvailabilityZone), cmp.Compare(a.ID, b.ID))
	})
	return report, nil
}

// routesToInternetGateway reports whether a route table has an active route
// through an internet gateway.
func routesToInternetGateway(rt types.RouteTable) bool {
	for _, r := range rt.Routes {
		if strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") && r.State != types.RouteStateBlackhole {
			return true
		}
	}
	return false
}
