package lbc

import (
	"cmp"
	"context"
	"fmt"
	"maps"
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
	// ClusterTagPrefix + cluster name ("owned" or "shared") ties a subnet to
	// a cluster. The controller does not require it (since v2.1.1): a subnet
	// tagged for other clusters and not for this one is skipped, and in a
	// zone with several candidates one tagged for this cluster is preferred.
	ClusterTagPrefix = "kubernetes.io/cluster/"
	// MinSubnetFreeIPs is the number of free IP addresses below which the
	// controller skips a subnet (an ELB needs 8).
	MinSubnetFreeIPs = 8
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

// ForCluster names the cluster the controller serves: subnets tagged for
// other clusters only are then skipped, and subnets tagged for it preferred,
// as the controller does. Without it no cluster tag is evaluated.
func ForCluster(name string) SubnetOption { return func(c *subnetCheck) { c.cluster = name } }

// SubnetReport is what CheckSubnets found in a VPC.
type SubnetReport struct {
	// VpcID is the VPC checked; ClusterName the ForCluster name, if any.
	VpcID, ClusterName string
	// Subnets are sorted by Availability Zone, then ID.
	Subnets []SubnetStatus
	// InternetFacing and Internal are the subnets the controller discovers
	// for each scheme.
	InternetFacing, Internal Discovery
}

// SubnetStatus is one subnet, classified and checked.
type SubnetStatus struct {
	// ID, AvailabilityZone and CIDR identify the subnet.
	ID, AvailabilityZone, CIDR string
	// FreeIPs is the subnet's AvailableIpAddressCount.
	FreeIPs int
	// Public is true when the subnet's route table (explicit, else the VPC's
	// main one) has a route through an internet gateway: the controller's
	// reachability rule.
	Public bool
	// RouteTableID is the subnet's route table; MainRouteTable is true when
	// that is the VPC's main table (no explicit association).
	RouteTableID   string
	MainRouteTable bool
	// Tags are the subnet's tags.
	Tags map[string]string
	// Missing are the role tags the subnet lacks while the controller
	// discovers its scheme's subnets by tag (another subnet has the tag): the
	// role tag matching Public. Empty when discovery goes by reachability.
	Missing []string
	// OtherClusters are the clusters the subnet is tagged for besides
	// ClusterName; with ForCluster and no tag for it, the controller skips it.
	OtherClusters []string
	// ThisCluster is true when the subnet is tagged for ClusterName.
	ThisCluster bool

	checkCluster bool // ForCluster was given
}

// OK reports whether the controller discovers the subnet for its scheme
// (internet-facing for a public subnet, internal for a private one): no role
// tag missing, not skipped for another cluster's tag or too few free IPs.
func (s SubnetStatus) OK() bool {
	return s.Reason() == ""
}

// Reason says why the controller does not discover the subnet for its
// scheme: the role tag it lacks, another cluster's tag, too few free
// addresses; "" when OK.
func (s SubnetStatus) Reason() string {
	if len(s.Missing) > 0 {
		return "lacks " + strings.Join(s.Missing, ", ")
	}
	return s.skipReason()
}

// RoleTag is the role tag of the subnet's kind: PublicSubnetTag or PrivateSubnetTag.
func (s SubnetStatus) RoleTag() string {
	if s.Public {
		return PublicSubnetTag
	}
	return PrivateSubnetTag
}

// hasRole reports whether the subnet carries a role tag with a value the
// controller accepts ("" or "1").
func (s SubnetStatus) hasRole(tag string) bool {
	v, ok := s.Tags[tag]
	return ok && (v == "" || v == "1")
}

// skipReason is why the controller's filtering drops a candidate ("" when
// it keeps it).
func (s SubnetStatus) skipReason() string {
	switch {
	case s.checkCluster && !s.ThisCluster && len(s.OtherClusters) > 0:
		return "tagged for " + strings.Join(s.OtherClusters, ", ") + ", not this cluster"
	case s.FreeIPs < MinSubnetFreeIPs:
		return fmt.Sprintf("%d free IP addresses, fewer than %d", s.FreeIPs, MinSubnetFreeIPs)
	}
	return ""
}

// Public returns the public subnets.
func (r SubnetReport) Public() []SubnetStatus {
	return slices.DeleteFunc(slices.Clone(r.Subnets), func(s SubnetStatus) bool { return !s.Public })
}

// Private returns the private subnets.
func (r SubnetReport) Private() []SubnetStatus {
	return slices.DeleteFunc(slices.Clone(r.Subnets), func(s SubnetStatus) bool { return s.Public })
}

// Discovery is what the controller's subnet discovery picks for one scheme.
type Discovery struct {
	// Scheme is internet-facing or internal; RoleTag its role tag.
	Scheme  Scheme
	RoleTag string
	// ByReachability is true when no subnet of the VPC has RoleTag: the
	// candidates are then the subnets whose reachability (Public) matches
	// the scheme.
	ByReachability bool
	// Candidates are the candidate subnet IDs, sorted.
	Candidates []string
	// Chosen are the subnets the controller uses, one per Availability
	// Zone, sorted by ID.
	Chosen []string
	// Skipped maps the candidates not chosen to the reason.
	Skipped map[string]string
	// Zones are the Availability Zones of Chosen, sorted.
	Zones []string
}

// discover runs the controller's discovery for one scheme over the report's
// subnets (see the package documentation, "Subnet discovery").
func (r SubnetReport) discover(scheme Scheme) Discovery {
	d := Discovery{Scheme: scheme, RoleTag: PrivateSubnetTag, Skipped: map[string]string{}}
	public := scheme == SchemeInternetFacing
	if public {
		d.RoleTag = PublicSubnetTag
	}
	var candidates []SubnetStatus
	for _, s := range r.Subnets {
		if s.hasRole(d.RoleTag) {
			candidates = append(candidates, s)
		}
	}
	if len(candidates) == 0 {
		d.ByReachability = true
		for _, s := range r.Subnets {
			if s.Public == public {
				candidates = append(candidates, s)
			}
		}
	}
	byZone := map[string][]SubnetStatus{}
	for _, s := range candidates {
		d.Candidates = append(d.Candidates, s.ID)
		if why := s.skipReason(); why != "" {
			d.Skipped[s.ID] = why
			continue
		}
		byZone[s.AvailabilityZone] = append(byZone[s.AvailabilityZone], s)
	}
	slices.Sort(d.Candidates)
	for _, zone := range slices.Sorted(maps.Keys(byZone)) {
		subnets := byZone[zone]
		slices.SortFunc(subnets, func(a, b SubnetStatus) int {
			if a.ThisCluster != b.ThisCluster {
				if a.ThisCluster {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.ID, b.ID)
		})
		d.Chosen = append(d.Chosen, subnets[0].ID)
		d.Zones = append(d.Zones, zone)
		for _, s := range subnets[1:] {
			d.Skipped[s.ID] = subnets[0].ID + " is chosen in " + zone
		}
	}
	slices.Sort(d.Chosen)
	return d
}

// Problems describes, one line each, a scheme whose discovered subnets
// cover fewer than two Availability Zones (an ALB needs two; the line names
// the candidates skipped and the subnets that would qualify with the role
// tag), and every subnet whose role tag contradicts its reachability (an
// internet-facing load balancer in a subnet without an internet gateway
// route is unreachable from the internet; an internal one in a public
// subnet is only reachable from the VPC anyway, but is not what the tag's
// author meant).
func (r SubnetReport) Problems() []string {
	var out []string
	for _, d := range []Discovery{r.InternetFacing, r.Internal} {
		if len(d.Zones) >= 2 {
			continue
		}
		how := "subnets tagged " + d.RoleTag
		if d.ByReachability {
			how = "untagged " + map[bool]string{true: "public", false: "private"}[d.Scheme == SchemeInternetFacing] + " subnets (no subnet has " + d.RoleTag + ")"
		}
		line := fmt.Sprintf("%s load balancers: the controller discovers %s in %d Availability Zone(s), an ALB needs 2", d.Scheme, how, len(d.Zones))
		var notes []string
		for _, id := range slices.Sorted(maps.Keys(d.Skipped)) {
			notes = append(notes, id+": "+d.Skipped[id])
		}
		for _, s := range r.Subnets {
			if len(s.Missing) > 0 && (s.Public == (d.Scheme == SchemeInternetFacing)) && s.skipReason() == "" {
				notes = append(notes, s.ID+" ("+s.AvailabilityZone+") would qualify with "+strings.Join(s.Missing, ", "))
			}
		}
		if len(notes) > 0 {
			line += " (" + strings.Join(notes, "; ") + ")"
		}
		out = append(out, line)
	}
	for _, s := range r.Subnets {
		if !s.Public && s.hasRole(PublicSubnetTag) {
			out = append(out, fmt.Sprintf("private subnet %s (%s) is tagged %s: internet-facing load balancers there are unreachable from the internet (no internet gateway route)", s.ID, s.AvailabilityZone, PublicSubnetTag))
		}
		if s.Public && s.hasRole(PrivateSubnetTag) {
			out = append(out, fmt.Sprintf("public subnet %s (%s) is tagged %s: internal load balancers would be placed in a public subnet", s.ID, s.AvailabilityZone, PrivateSubnetTag))
		}
	}
	return out
}

// CheckSubnets lists the subnets of a VPC, classifies each as public (its
// route table, explicit or the VPC's main one, has a route through an
// internet gateway) or private, and runs the controller's subnet discovery
// (v2.12.1 and later, the rules of pkg/networking/subnet_resolver.go listed
// in the package documentation) for internet-facing and internal load
// balancers: candidates by role tag, else by reachability; subnets tagged
// for other clusters only (with ForCluster) or with fewer than
// MinSubnetFreeIPs free addresses skipped; one per Availability Zone,
// preferring the cluster's tag, then the lowest ID.
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
			CIDR: aws.ToString(sn.CidrBlock), FreeIPs: int(aws.ToInt32(sn.AvailableIpAddressCount)), Tags: map[string]string{},
			checkCluster: c.cluster != ""}
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
		for k := range s.Tags {
			if name, ok := strings.CutPrefix(k, ClusterTagPrefix); ok {
				if name == c.cluster {
					s.ThisCluster = true
				} else {
					s.OtherClusters = append(s.OtherClusters, name)
				}
			}
		}
		slices.Sort(s.OtherClusters)
		report.Subnets = append(report.Subnets, s)
	}
	// A subnet lacks its role tag when discovery for its kind goes by tag.
	tagged := map[string]bool{}
	for _, s := range report.Subnets {
		for _, tag := range []string{PublicSubnetTag, PrivateSubnetTag} {
			tagged[tag] = tagged[tag] || s.hasRole(tag)
		}
	}
	for i := range report.Subnets {
		s := &report.Subnets[i]
		if tagged[s.RoleTag()] && !s.hasRole(s.RoleTag()) {
			s.Missing = append(s.Missing, s.RoleTag())
		}
	}
	slices.SortFunc(report.Subnets, func(a, b SubnetStatus) int {
		return cmp.Or(cmp.Compare(a.AvailabilityZone, b.AvailabilityZone), cmp.Compare(a.ID, b.ID))
	})
	report.InternetFacing = report.discover(SchemeInternetFacing)
	report.Internal = report.discover(SchemeInternal)
	return report, nil
}

// routesToInternetGateway reports whether a route table has a route through
// an internet gateway (its gateway ID starts with "igw"), the controller's
// test (isSubnetContainsRouteToIGW; a blackhole route counts too).
func routesToInternetGateway(rt types.RouteTable) bool {
	for _, r := range rt.Routes {
		if strings.HasPrefix(aws.ToString(r.GatewayId), "igw") {
			return true
		}
	}
	return false
}
