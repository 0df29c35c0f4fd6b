package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/fargatekit/fargatekit/internal/doccheck"
	"github.com/fargatekit/fargatekit/internal/mototest"
)

func TestProfileRules(t *testing.T) {
	sys := FargateProfile{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}}
	six := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}
	tests := []struct {
		name     string
		profiles []FargateProfile
		kind     error
		field    string
	}{
		{"reserved prefix", []FargateProfile{sys, {Name: "EKS-x", Selectors: []Selector{{Namespace: "x"}}}}, ErrReservedProfileName, "FargateProfiles[1].Name"},
		{"6 labels", []FargateProfile{sys, {Name: "x", Selectors: []Selector{{Namespace: "x", Labels: six}}}}, ErrTooManyLabels, "FargateProfiles[1].Selectors[0].Labels"},
		{"0 selectors", []FargateProfile{sys, {Name: "x"}}, ErrTooManySelectors, "FargateProfiles[1].Selectors"},
		{"duplicate across profiles", []FargateProfile{sys, {Name: "x", Selectors: []Selector{{Namespace: "a"}, {Namespace: "kube-system"}}}}, ErrDuplicateSelector, "FargateProfiles[1].Selectors[1]"},
		{"duplicate in one profile, labels in another order", []FargateProfile{sys, {Name: "x", Selectors: []Selector{
			{Namespace: "a", Labels: map[string]string{"p": "1", "q": "2"}}, {Namespace: "a", Labels: map[string]string{"q": "2", "p": "1"}}}}}, ErrDuplicateSelector, "FargateProfiles[1].Selectors[1]"},
		{"name too long for the hash suffix", []FargateProfile{sys, {Name: strings.Repeat("n", MaxProfileNameLength+1), Selectors: []Selector{{Namespace: "x"}}}}, ErrInvalidSpec, "FargateProfiles[1].Name"},
	}
	for _, tt := range tests {
		err := ValidateProfiles(tt.profiles)
		var fe *FieldError
		if !errors.Is(err, tt.kind) || !errors.As(err, &fe) || !strings.Contains(err.Error(), "eksfargate: "+tt.field+":") {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
	ten := []FargateProfile{sys}
	for i := range 10 {
		ten = append(ten, FargateProfile{Name: "p" + string(rune('a'+i)), Selectors: []Selector{{Namespace: "kube-system", Labels: map[string]string{"i": string(rune('a' + i))}}}})
	}
	if err := ValidateProfiles(ten[:10]); err != nil {
		t.Errorf("10 profiles: %v", err)
	}
	if err := ValidateProfiles(ten); !errors.Is(err, ErrTooManyProfiles) {
		t.Errorf("11 profiles: %v", err)
	}
	// All problems at once.
	err := ValidateProfiles([]FargateProfile{sys, {Name: "eks-a", Selectors: []Selector{{Namespace: "kube-system"}, {Namespace: "b", Labels: six}}}})
	for _, k := range []error{ErrReservedProfileName, ErrDuplicateSelector, ErrTooManyLabels} {
		if !errors.Is(err, k) {
			t.Errorf("joined error lacks %v: %v", k, err)
		}
	}
}

func TestKubernetesVersions(t *testing.T) {
	if got := (ClusterSpec{}).WithDefaults().KubernetesVersion; got != DefaultKubernetesVersion {
		t.Errorf("default version %q", got)
	}
	asOf, _ := time.Parse(time.DateOnly, KubernetesReleasesAsOf)
	if s, err := VersionSupport(DefaultKubernetesVersion, asOf); err != nil || s != SupportStandard {
		t.Errorf("the default %s is %s on %s (%v); it must be in standard support", DefaultKubernetesVersion, s, KubernetesReleasesAsOf, err)
	}
	if got, want := OfferedKubernetesVersions(), []string{"1.36", "1.35", "1.34", "1.33", "1.32"}; !slices.Equal(got, want) {
		t.Errorf("offered = %v, want %v", got, want)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tt := range []struct {
		v, day string
		want   Support
	}{
		{"1.33", "2026-07-29", SupportStandard}, {"1.33", "2026-07-30", SupportExtended}, {"1.33", "2027-07-30", SupportEnded},
		{"1.35", "2026-12-02", SupportStandard}, {"1.34", "2026-12-03", SupportExtended}, {"1.36", "2026-12-02", SupportStandard},
	} {
		if got, err := VersionSupport(tt.v, day(tt.day)); err != nil || got != tt.want {
			t.Errorf("VersionSupport(%s, %s) = %s, %v; want %s", tt.v, tt.day, got, err, tt.want)
		}
	}
	if _, err := VersionSupport("1.99", asOf); !errors.Is(err, ErrUnsupportedKubernetesVersion) {
		t.Errorf("1.99: %v", err)
	}
	for v, ok := range map[string]bool{"1.36": true, "1.32": true, "1.31": false, "1.99": false, "v1.35": false, "": true} {
		err := validateKubernetesVersion(v)
		if (err == nil) != ok || (err != nil && !errors.Is(err, ErrUnsupportedKubernetesVersion)) {
			t.Errorf("%q: %v", v, err)
		}
	}
}

func TestEndpointRulesAndWarnings(t *testing.T) {
	byo := &ExistingNetwork{VpcID: "vpc-1", PrivateSubnetIDs: []string{"subnet-a", "subnet-b"}}
	for _, tt := range []struct {
		name string
		spec ClusterSpec
		kind error // nil: valid
	}{
		{"byo public-only restricted", ClusterSpec{Existing: byo, EndpointAccess: EndpointPublic, PublicAccessCIDRs: []string{"203.0.113.0/24"}}, ErrPublicEndpointExcludesNAT},
		{"byo public-only open", ClusterSpec{Existing: byo, EndpointAccess: EndpointPublic, PublicAccessCIDRs: []string{"0.0.0.0/0"}}, nil},
		{"byo both restricted", ClusterSpec{Existing: byo, PublicAccessCIDRs: []string{"203.0.113.0/24"}}, nil},
		{"created public-only restricted", ClusterSpec{EndpointAccess: EndpointPublic, PublicAccessCIDRs: []string{"203.0.113.0/24"}}, nil},
		{"private block", ClusterSpec{PublicAccessCIDRs: []string{"192.168.1.0/24"}}, ErrPrivatePublicCIDR},
		{"cgnat block", ClusterSpec{PublicAccessCIDRs: []string{"100.64.0.0/16"}}, ErrPrivatePublicCIDR},
	} {
		err := tt.spec.Validate()
		if tt.kind == nil && err != nil || tt.kind != nil && !errors.Is(err, tt.kind) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if !(ClusterSpec{EndpointAccess: EndpointPublic, PublicAccessCIDRs: []string{"203.0.113.0/24"}}).NeedsNATAddressesInPublicCIDRs() ||
		(ClusterSpec{PublicAccessCIDRs: []string{"203.0.113.0/24"}}).NeedsNATAddressesInPublicCIDRs() {
		t.Error("NeedsNATAddressesInPublicCIDRs")
	}
	if w := (ClusterSpec{EndpointAccess: EndpointPrivate}).Warnings(); len(w) != 1 || !strings.Contains(w[0], "private only") {
		t.Errorf("private-only warnings = %v", w)
	}
	if w := (ClusterSpec{}).Warnings(); len(w) != 0 {
		t.Errorf("default warnings = %v", w)
	}
}

func TestCheckLocation(t *testing.T) {
	s := ClusterSpec{Region: "eu-west-1", AccountID: "111122223333"}
	if err := s.CheckLocation("eu-west-1", "111122223333"); err != nil {
		t.Error(err)
	}
	err := s.CheckLocation("us-east-1", "999999999999")
	if !errors.Is(err, ErrLocationMismatch) || !strings.Contains(err.Error(), "Region:") || !strings.Contains(err.Error(), "AccountID:") {
		t.Errorf("mismatch: %v", err)
	}
	if err := (ClusterSpec{}).CheckLocation("us-east-1", "999999999999"); err != nil {
		t.Errorf("nothing explicit: %v", err)
	}
}

func TestProfileName(t *testing.T) {
	p := FargateProfile{Name: "apps", Selectors: []Selector{{Namespace: "a"}, {Namespace: "b", Labels: map[string]string{"x": "1"}}}}
	n := ProfileName(p)
	if !strings.HasPrefix(n, "apps-") || len(n) != len("apps-")+8 {
		t.Fatalf("ProfileName = %q", n)
	}
	reordered := FargateProfile{Name: "apps", Selectors: []Selector{p.Selectors[1], p.Selectors[0]}, Tags: map[string]string{"t": "v"}}
	if ProfileName(reordered) != n {
		t.Error("selector order or tags changed the name")
	}
	for _, changed := range []FargateProfile{
		{Name: "apps", Selectors: []Selector{{Namespace: "a"}}},
		{Name: "apps", Selectors: p.Selectors, SubnetIDs: []string{"subnet-1"}},
	} {
		if ProfileName(changed) == n {
			t.Errorf("%+v: same name as %+v", changed, p)
		}
	}
	if l, ok := LogicalProfileName(n); !ok || l != "apps" {
		t.Errorf("LogicalProfileName(%q) = %q, %v", n, l, ok)
	}
	for _, bad := range []string{"apps", "apps-xyz", "apps-zzzzzzzz", "-1234abcd"} {
		if _, ok := LogicalProfileName(bad); ok {
			t.Errorf("LogicalProfileName(%q) ok", bad)
		}
	}
	long := FargateProfile{Name: strings.Repeat("n", MaxProfileNameLength), Selectors: p.Selectors}
	if len(ProfileName(long)) != 63 {
		t.Errorf("longest physical name is %d characters", len(ProfileName(long)))
	}
}

func TestSelectZones(t *testing.T) {
	avail := []Zone{{"us-east-1a", "use1-az4"}, {"us-east-1b", "use1-az3"}, {"us-east-1c", "use1-az1"}, {"us-east-1d", "use1-az2"}}
	got, err := SelectZones(avail, nil, 3)
	if err != nil || !slices.Equal(got, []Zone{avail[0], avail[2], avail[3]}) {
		t.Errorf("SelectZones = %v, %v", got, err)
	}
	if _, err := SelectZones(avail, nil, 4); !errors.Is(err, ErrUnsupportedZone) || !strings.Contains(err.Error(), "has 3 available zones EKS supports (1 skipped") {
		t.Errorf("too few: %v", err)
	}
	_, err = SelectZones(avail, []string{"us-east-1b", "us-east-1z", "us-east-1c"}, 3)
	if !errors.Is(err, ErrUnsupportedZone) || !strings.Contains(err.Error(), "AvailabilityZones[0]") || !strings.Contains(err.Error(), "AvailabilityZones[1]") {
		t.Errorf("named: %v", err)
	}
	if !slices.Equal(UnsupportedZoneIDs(), []string{"use1-az3", "usw1-az2", "cac1-az3"}) || ZoneSupported("use1-az3") || !ZoneSupported("use1-az1") {
		t.Error("unsupported zone table")
	}
}

func TestZonesFromEC2(t *testing.T) {
	str := aws.String
	out := &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: []ec2types.AvailabilityZone{
		{ZoneName: str("us-west-2a"), ZoneId: str("usw2-az2"), State: "available", ZoneType: str("availability-zone"), OptInStatus: "opt-in-not-required"},
		{ZoneName: str("us-west-2-lax-1a"), ZoneId: str("usw2-lax1-az1"), State: "available", ZoneType: str("local-zone"), OptInStatus: "opted-in"},
		{ZoneName: str("us-west-2b"), ZoneId: str("usw2-az1"), State: "impaired", ZoneType: str("availability-zone")},
		{ZoneName: str("us-west-2c"), ZoneId: str("usw2-az3"), State: "available"},
	}}
	if got := ZonesFromEC2(out); !slices.Equal(got, []Zone{{"us-west-2a", "usw2-az2"}, {"us-west-2c", "usw2-az3"}}) {
		t.Errorf("ZonesFromEC2 = %v", got)
	}
}

func TestCheckSubnetsPure(t *testing.T) {
	d := func(id, zone, zoneID string, public bool) SubnetInfo {
		return SubnetInfo{ID: id, Described: true, VpcID: "vpc-1", Zone: zone, ZoneID: zoneID, Public: public}
	}
	ok := []SubnetInfo{d("subnet-a", "us-east-1a", "use1-az1", false), d("subnet-b", "us-east-1b", "use1-az2", false)}
	if err := CheckSubnets("vpc-1", ok, []SubnetInfo{d("subnet-p", "us-east-1a", "use1-az1", true)}); err != nil {
		t.Error(err)
	}
	for _, tt := range []struct {
		name            string
		private, public []SubnetInfo
		kind            error
	}{
		{"one zone", []SubnetInfo{d("subnet-a", "us-east-1a", "use1-az1", false), d("subnet-b", "us-east-1a", "use1-az1", false)}, nil, ErrSubnetZones},
		{"public for pods", []SubnetInfo{ok[0], d("subnet-c", "us-east-1c", "use1-az4", true)}, nil, ErrPublicSubnetForPods},
		{"unsupported zone", []SubnetInfo{ok[0], d("subnet-c", "us-east-1c", "use1-az3", false)}, nil, ErrUnsupportedZone},
		{"twice", []SubnetInfo{ok[0], ok[1], ok[0]}, nil, ErrDuplicateSubnet},
		{"private also public", ok, []SubnetInfo{ok[1]}, ErrDuplicateSubnet},
		{"other vpc", []SubnetInfo{ok[0], {ID: "subnet-z", Described: true, VpcID: "vpc-2", Zone: "us-east-1c", ZoneID: "use1-az4"}}, nil, ErrSubnetNotInVPC},
		{"ids only, twice", SubnetIDs([]string{"subnet-a", "subnet-a"}), nil, ErrDuplicateSubnet},
	} {
		if err := CheckSubnets("vpc-1", tt.private, tt.public); !errors.Is(err, tt.kind) || !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// CheckExistingNetwork against EC2 (moto): zones from the subnets, routes
// from the route tables (explicit association or the VPC's main table).
func TestCheckExistingNetworkMoto(t *testing.T) {
	s := mototest.New(t)
	ctx := context.Background()
	api := ec2.NewFromConfig(s.Config("us-east-1"))
	vpc, err := api.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	subnet := func(cidr, zone string) string {
		t.Helper()
		out, err := api.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &vpcID, CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(zone)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Subnet.SubnetId)
	}
	a, b, a2, pub := subnet("10.0.0.0/20", "us-east-1a"), subnet("10.0.16.0/20", "us-east-1b"), subnet("10.0.32.0/20", "us-east-1a"), subnet("10.0.48.0/20", "us-east-1c")
	igw, err := api.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: &vpcID}); err != nil {
		t.Fatal(err)
	}
	rt, err := api.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: &vpcID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGateway.InternetGatewayId}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: &pub}); err != nil {
		t.Fatal(err)
	}

	good := ExistingNetwork{VpcID: vpcID, PrivateSubnetIDs: []string{a, b}, PublicSubnetIDs: []string{pub}}
	if err := CheckExistingNetwork(ctx, api, good); err != nil {
		t.Errorf("good network: %v", err)
	}
	private, _, err := DescribeExistingNetwork(ctx, api, good)
	if err != nil || len(private) != 2 || private[0].Zone != "us-east-1a" || private[0].ZoneID == "" || private[0].Public {
		t.Errorf("described = %+v, %v", private, err)
	}
	for _, tt := range []struct {
		name string
		n    ExistingNetwork
		kind error
	}{
		{"one zone", ExistingNetwork{VpcID: vpcID, PrivateSubnetIDs: []string{a, a2}}, ErrSubnetZones},
		{"public subnet for pods", ExistingNetwork{VpcID: vpcID, PrivateSubnetIDs: []string{a, pub}}, ErrPublicSubnetForPods},
		{"unknown subnet", ExistingNetwork{VpcID: vpcID, PrivateSubnetIDs: []string{a, "subnet-0000000000000dead"}}, ErrSubnetNotInVPC},
	} {
		if err := CheckExistingNetwork(ctx, api, tt.n); !errors.Is(err, tt.kind) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	// The zones the region offers, by ID, through the same selection as the component.
	azs, err := api.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		t.Fatal(err)
	}
	zones, err := SelectZones(ZonesFromEC2(azs), nil, 2)
	if err != nil || len(zones) != 2 || !ZoneSupported(zones[0].ID) || !ZoneSupported(zones[1].ID) {
		t.Errorf("SelectZones(moto) = %v, %v", zones, err)
	}
}

// doc.go's tables name every sentinel of the package, and only those.
func TestDocTablesNameEverySentinel(t *testing.T) {
	doccheck.Check(t, ".")
}

// AWS's 50 tags per resource count the tags fargatekit adds: a spec whose
// own Tags fit is refused when a resource would carry more.
func TestTagBudget(t *testing.T) {
	n := func(count int, extra ...string) map[string]string {
		out := map[string]string{}
		for i := range count {
			out[fmt.Sprintf("team-%02d", i)] = "x"
		}
		for _, k := range extra {
			out[k] = "y"
		}
		return out
	}
	byo := &ExistingNetwork{VpcID: "vpc-1", PrivateSubnetIDs: []string{"subnet-a", "subnet-b"}}
	sys := FargateProfile{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}}
	for _, tt := range []struct {
		name  string
		spec  ClusterSpec
		field string // "" when accepted
	}{
		{"created VPC: 45 + 5 on the subnets", ClusterSpec{ClusterName: "c", Tags: n(45)}, ""},
		{"created VPC: 46 + 5", ClusterSpec{ClusterName: "c", Tags: n(46)}, "Tags"},
		{"created VPC: a Name of one's own overlaps", ClusterSpec{ClusterName: "c", Tags: n(45, "Name")}, ""},
		{"existing network: 48 + 2", ClusterSpec{Existing: byo, Tags: n(48)}, ""},
		{"existing network: 49 + 2", ClusterSpec{Existing: byo, Tags: n(49)}, "Tags"},
		{"existing network, deletion protection: 48 + 3", ClusterSpec{Existing: byo, DeletionProtection: true, Tags: n(48)}, "Tags"},
		{"profile: 40 + 8 + 2", ClusterSpec{Existing: byo, Tags: n(40), FargateProfiles: []FargateProfile{{Name: "system", Selectors: sys.Selectors, Tags: n(48)}}}, ""},
		{"profile: 40 + 9 + 2", ClusterSpec{Existing: byo, Tags: n(40), FargateProfiles: []FargateProfile{{Name: "system", Selectors: sys.Selectors, Tags: n(49, "own")}}}, "FargateProfiles[0].Tags"},
	} {
		err := tt.spec.Validate()
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.field != "" && (!errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "eksfargate: "+tt.field+":") || !strings.Contains(err.Error(), "AWS allows 50 per resource")):
			t.Errorf("%s: err = %v, want the budget at %s", tt.name, err, tt.field)
		}
	}
}
