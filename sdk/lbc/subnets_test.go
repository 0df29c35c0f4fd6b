package lbc

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/fargatekit/fargatekit/internal/awsfake"
	"github.com/fargatekit/fargatekit/internal/mototest"
)

var _ EC2API = (*ec2.Client)(nil)

// network builds VPCs on moto_server through the real EC2 client.
type network struct {
	t   testing.TB
	api *ec2.Client
	vpc string
	igw string
	pub string // the route table to the internet gateway
	ids map[string]string
}

// newNetwork creates a VPC with an internet gateway, a public route table
// (0.0.0.0/0 to the gateway) and the VPC's main route table (no internet).
func newNetwork(t testing.TB, api *ec2.Client) *network {
	t.Helper()
	ctx := context.Background()
	vpc, err := api.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	n := &network{t: t, api: api, vpc: aws.ToString(vpc.Vpc.VpcId), ids: map[string]string{}}
	igw, err := api.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	if err != nil {
		t.Fatal(err)
	}
	n.igw = aws.ToString(igw.InternetGateway.InternetGatewayId)
	if _, err := api.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: &n.igw, VpcId: &n.vpc}); err != nil {
		t.Fatal(err)
	}
	rt, err := api.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: &n.vpc})
	if err != nil {
		t.Fatal(err)
	}
	n.pub = aws.ToString(rt.RouteTable.RouteTableId)
	if _, err := api.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: &n.pub, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: &n.igw}); err != nil {
		t.Fatal(err)
	}
	return n
}

// subnet creates a subnet named name (a /24 at index i) in zone, public
// (associated with the internet route table) or private (on the main one),
// with tags given as key, value pairs.
func (n *network) subnet(name string, i int, zone string, public bool, tags ...string) string {
	n.t.Helper()
	ctx := context.Background()
	in := &ec2.CreateSubnetInput{VpcId: &n.vpc, CidrBlock: aws.String("10.0." + strconv.Itoa(i) + ".0/24"), AvailabilityZone: &zone}
	tagList := []types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}
	for j := 0; j+1 < len(tags); j += 2 {
		tagList = append(tagList, types.Tag{Key: aws.String(tags[j]), Value: aws.String(tags[j+1])})
	}
	in.TagSpecifications = []types.TagSpecification{{ResourceType: types.ResourceTypeSubnet, Tags: tagList}}
	out, err := n.api.CreateSubnet(ctx, in)
	if err != nil {
		n.t.Fatal(err)
	}
	id := aws.ToString(out.Subnet.SubnetId)
	if public {
		if _, err := n.api.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: &n.pub, SubnetId: &id}); err != nil {
			n.t.Fatal(err)
		}
	}
	n.ids[id] = name
	return id
}

// names maps subnet IDs to the names the test gave them, in order.
func (n *network) names(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = n.ids[id]
	}
	slices.Sort(out)
	return out
}

func (n *network) check(opts ...SubnetOption) *SubnetReport {
	n.t.Helper()
	r, err := CheckSubnets(context.Background(), n.api, n.vpc, opts...)
	if err != nil {
		n.t.Fatal(err)
	}
	return r
}

// A VPC whose subnets carry no tag at all (a common bring-your-own VPC): the
// controller discovers the public subnets for internet-facing load balancers
// and the private ones for internal ones by their route tables, so nothing
// is a problem; the cluster tag is never required.
func TestCheckSubnetsUntaggedVPC(t *testing.T) {
	n := newNetwork(t, ec2.NewFromConfig(mototest.New(t).Config("eu-west-1")))
	n.subnet("pub-a", 1, "eu-west-1a", true)
	n.subnet("pub-b", 2, "eu-west-1b", true)
	n.subnet("priv-a", 11, "eu-west-1a", false)
	n.subnet("priv-b", 12, "eu-west-1b", false)
	r := n.check(ForCluster("demo"))
	if !r.InternetFacing.ByReachability || !r.Internal.ByReachability {
		t.Errorf("discovery by tag in an untagged VPC: %+v %+v", r.InternetFacing, r.Internal)
	}
	if got := n.names(r.InternetFacing.Chosen); !slices.Equal(got, []string{"pub-a", "pub-b"}) {
		t.Errorf("internet-facing %v", got)
	}
	if got := n.names(r.Internal.Chosen); !slices.Equal(got, []string{"priv-a", "priv-b"}) {
		t.Errorf("internal %v", got)
	}
	if p := r.Problems(); len(p) != 0 {
		t.Errorf("problems in a healthy untagged VPC: %q", p)
	}
	for _, s := range r.Subnets {
		if !s.OK() || len(s.Missing) != 0 {
			t.Errorf("%s: %+v", n.ids[s.ID], s)
		}
		if s.MainRouteTable == s.Public {
			t.Errorf("%s: public %v on the main route table %v", n.ids[s.ID], s.Public, s.MainRouteTable)
		}
	}
}

// Role tags decide the candidates as soon as one subnet has them; a
// subnet of the same kind without the tag is then not discovered (and named
// in the coverage problem). Subnets tagged for another cluster only are
// skipped (with ForCluster); in a zone with two candidates the one tagged
// for this cluster wins over a lower ID. A role tag that contradicts the
// route table is a problem.
func TestCheckSubnetsTagged(t *testing.T) {
	n := newNetwork(t, ec2.NewFromConfig(mototest.New(t).Config("eu-west-1")))
	n.subnet("pub-a", 1, "eu-west-1a", true, PublicSubnetTag, "1")
	n.subnet("pub-b", 2, "eu-west-1b", true)
	n.subnet("pub-c", 3, "eu-west-1c", true, PublicSubnetTag, "", ClusterTagPrefix+"other", "owned")
	n.subnet("priv-a1", 11, "eu-west-1a", false, PrivateSubnetTag, "1")
	n.subnet("priv-a2", 12, "eu-west-1a", false, PrivateSubnetTag, "1", ClusterTagPrefix+"demo", "shared")
	n.subnet("priv-b", 13, "eu-west-1b", false, PrivateSubnetTag, "1", ClusterTagPrefix+"demo", "owned", ClusterTagPrefix+"other", "shared")
	n.subnet("priv-c", 14, "eu-west-1c", false, PublicSubnetTag, "1")
	n.subnet("priv-d", 15, "eu-west-1c", false, PrivateSubnetTag, "0")
	// Another VPC's subnet is never reported.
	other := newNetwork(t, n.api)
	other.subnet("elsewhere", 1, "eu-west-1a", true, PublicSubnetTag, "1")

	r := n.check(ForCluster("demo"))
	if len(r.Subnets) != 8 {
		t.Fatalf("%d subnets: %+v", len(r.Subnets), r.Subnets)
	}
	f, i := r.InternetFacing, r.Internal
	if f.ByReachability || i.ByReachability {
		t.Errorf("by reachability despite role tags: %+v %+v", f, i)
	}
	if got := n.names(f.Candidates); !slices.Equal(got, []string{"priv-c", "pub-a", "pub-c"}) {
		t.Errorf("internet-facing candidates %v", got)
	}
	if got := n.names(f.Chosen); !slices.Equal(got, []string{"priv-c", "pub-a"}) {
		t.Errorf("internet-facing chosen %v", got)
	}
	for id, why := range f.Skipped {
		if n.ids[id] != "pub-c" || why != "tagged for other, not this cluster" {
			t.Errorf("skipped %s: %s", n.ids[id], why)
		}
	}
	if got := n.names(i.Chosen); !slices.Equal(got, []string{"priv-a2", "priv-b"}) {
		t.Errorf("internal chosen %v (the cluster's tag wins in eu-west-1a)", got)
	}
	var skipped []string
	for id, why := range i.Skipped {
		skipped = append(skipped, n.ids[id]+": "+why)
	}
	if len(skipped) != 1 || !strings.HasPrefix(skipped[0], "priv-a1: subnet-") || !strings.HasSuffix(skipped[0], " is chosen in eu-west-1a") {
		t.Errorf("internal skipped %v", skipped)
	}
	if !slices.Equal(i.Zones, []string{"eu-west-1a", "eu-west-1b"}) {
		t.Errorf("internal zones %v", i.Zones)
	}
	byName := map[string]SubnetStatus{}
	for _, s := range r.Subnets {
		byName[n.ids[s.ID]] = s
	}
	if s := byName["pub-b"]; !slices.Equal(s.Missing, []string{PublicSubnetTag}) || s.OK() {
		t.Errorf("pub-b %+v", s)
	}
	if s := byName["priv-d"]; !slices.Equal(s.Missing, []string{PrivateSubnetTag}) {
		t.Errorf("priv-d (role tag value 0) %+v", s)
	}
	if s := byName["priv-b"]; !s.ThisCluster || !slices.Equal(s.OtherClusters, []string{"other"}) || !s.OK() {
		t.Errorf("priv-b %+v", s)
	}
	if s := byName["pub-c"]; s.OK() {
		t.Errorf("pub-c, tagged for another cluster only, is OK")
	}
	problems := strings.Join(r.Problems(), "\n")
	for _, want := range []string{
		"private subnet " + idOf(n, "priv-c") + " (eu-west-1c) is tagged kubernetes.io/role/elb: internet-facing load balancers there are unreachable",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems lack %q:\n%s", want, problems)
		}
	}
	if strings.Contains(problems, "load balancers: the controller discovers") {
		t.Errorf("both schemes cover two zones:\n%s", problems)
	}

	// Without ForCluster no cluster tag is evaluated: in zone c, pub-c and
	// the mis-tagged priv-c both carry the elb role tag, and the controller
	// takes the lower subnet ID (moto's IDs are random, so either may win).
	r = n.check()
	zoneC := "pub-c"
	if idOf(n, "priv-c") < idOf(n, "pub-c") {
		zoneC = "priv-c"
	}
	want := []string{"pub-a", zoneC}
	slices.Sort(want)
	if got := n.names(r.InternetFacing.Chosen); !slices.Equal(got, want) {
		t.Errorf("without a cluster: internet-facing %v, want %v", got, want)
	}
}

func idOf(n *network, name string) string {
	for id, nm := range n.ids {
		if nm == name {
			return id
		}
	}
	return ""
}

// One tagged public subnet: internet-facing ALBs lack a second zone, and
// the problem names the public subnet that would qualify with the tag.
func TestCheckSubnetsCoverage(t *testing.T) {
	n := newNetwork(t, ec2.NewFromConfig(mototest.New(t).Config("us-east-1")))
	n.subnet("pub-a", 1, "us-east-1a", true, PublicSubnetTag, "1")
	pubB := n.subnet("pub-b", 2, "us-east-1b", true)
	n.subnet("priv-a", 11, "us-east-1a", false)
	r := n.check()
	p := r.Problems()
	if len(p) != 2 {
		t.Fatalf("problems %q", p)
	}
	want := "internet-facing load balancers: the controller discovers subnets tagged kubernetes.io/role/elb in 1 Availability Zone(s), an ALB needs 2 (" +
		pubB + " (us-east-1b) would qualify with kubernetes.io/role/elb)"
	if p[0] != want {
		t.Errorf("problem\n%s\nwant\n%s", p[0], want)
	}
	if !strings.HasPrefix(p[1], "internal load balancers: the controller discovers untagged private subnets (no subnet has kubernetes.io/role/internal-elb) in 1 Availability Zone(s)") {
		t.Errorf("problem %s", p[1])
	}
}

// The rules the API cannot set up on moto: too few free IP addresses
// (moto does not consume addresses), a VPC without subnets, errors.
func TestCheckSubnetsRules(t *testing.T) {
	full := awsfake.Subnet("subnet-full", vpcA, "eu-west-1a")
	full.AvailableIpAddressCount = aws.Int32(MinSubnetFreeIPs - 1)
	ok := awsfake.Subnet("subnet-ok", vpcA, "eu-west-1b")
	ok.AvailableIpAddressCount = aws.Int32(MinSubnetFreeIPs)
	api := awsfake.NewEC2([]types.Subnet{full, ok}, []types.RouteTable{awsfake.RouteTable("rtb-main", vpcA, true, nil)})
	r, err := CheckSubnets(context.Background(), api, vpcA)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Internal.Chosen, []string{"subnet-ok"}) || r.Internal.Skipped["subnet-full"] != "7 free IP addresses, fewer than 8" {
		t.Errorf("internal %+v", r.Internal)
	}
	if _, err := CheckSubnets(context.Background(), api, "vpc-nope"); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("bad VPC ID: %v", err)
	}
	if _, err := CheckSubnets(context.Background(), api, vpcA, ForCluster("-x")); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("bad cluster name: %v", err)
	}
	api.FailOn["DescribeSubnets"] = &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "not allowed"}
	_, err = CheckSubnets(context.Background(), api, vpcA)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnauthorizedOperation" || !strings.Contains(err.Error(), "DescribeSubnets "+vpcA) {
		t.Errorf("API error: %v", err)
	}
	r, err = CheckSubnets(context.Background(), awsfake.NewEC2(nil, nil), vpcA)
	if err != nil || len(r.Subnets) != 0 || len(r.Problems()) != 2 {
		t.Errorf("empty VPC: %+v %v", r, err)
	}
}

const vpcA = "vpc-0aaaaaaaaaaaaaaaa"
