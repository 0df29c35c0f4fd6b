package eksfargate

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/internal/doccheck"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// Every AWS rule refuses the spec before anything registers, each with its
// named error.
func TestAWSRulesRefuseBeforeRegistering(t *testing.T) {
	sel := func(ns string) []Selector { return []Selector{{Namespace: ns}} }
	system := FargateProfile{Name: "system", Selectors: sel("kube-system")}
	many := []FargateProfile{system}
	for i := range 10 {
		many = append(many, FargateProfile{Name: "p" + string(rune('a'+i)), Selectors: sel("ns" + string(rune('a'+i)))})
	}
	labels := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}
	byo := &ExistingNetwork{VpcID: "vpc-1", PrivateSubnetIDs: []string{"subnet-a", "subnet-b"}}
	for _, tt := range []struct {
		name string
		spec ClusterSpec
		kind error
	}{
		{"eks- prefix", ClusterSpec{FargateProfiles: []FargateProfile{system, {Name: "eks-apps", Selectors: sel("apps")}}}, sdk.ErrReservedProfileName},
		{"11 profiles", ClusterSpec{FargateProfiles: many}, sdk.ErrTooManyProfiles},
		{"6 selectors", ClusterSpec{FargateProfiles: []FargateProfile{system, {Name: "apps", Selectors: []Selector{{Namespace: "a"}, {Namespace: "b"}, {Namespace: "c"}, {Namespace: "d"}, {Namespace: "e"}, {Namespace: "f"}}}}}, sdk.ErrTooManySelectors},
		{"6 labels", ClusterSpec{FargateProfiles: []FargateProfile{system, {Name: "apps", Selectors: []Selector{{Namespace: "apps", Labels: labels}}}}}, sdk.ErrTooManyLabels},
		{"same selector twice", ClusterSpec{FargateProfiles: []FargateProfile{system, {Name: "again", Selectors: sel("kube-system")}}}, sdk.ErrDuplicateSelector},
		{"version 1.99", ClusterSpec{KubernetesVersion: "1.99"}, sdk.ErrUnsupportedKubernetesVersion},
		{"version past extended support", ClusterSpec{KubernetesVersion: "1.30"}, sdk.ErrUnsupportedKubernetesVersion},
		{"byo restricted public-only endpoint", ClusterSpec{Existing: byo, EndpointAccess: EndpointPublic, PublicAccessCIDRs: []string{"203.0.113.0/24"}}, sdk.ErrPublicEndpointExcludesNAT},
		{"private CIDR for the public endpoint", ClusterSpec{PublicAccessCIDRs: []string{"10.1.0.0/16"}}, sdk.ErrPrivatePublicCIDR},
		{"byo subnet twice", ClusterSpec{Existing: &ExistingNetwork{VpcID: "vpc-1", PrivateSubnetIDs: []string{"subnet-a", "subnet-a"}}}, sdk.ErrDuplicateSubnet},
		{"control-plane log retention", ClusterSpec{LogTypes: []string{LogAudit}, ControlPlaneLogRetentionDays: 31}, sdk.ErrInvalidLogRetention},
		{"Fargate log retention", ClusterSpec{Logging: &LoggingSpec{CloudWatch: &CloudWatchLogs{RetentionDays: 2}}}, sdk.ErrInvalidLogRetention},
		{"no CoreDNS profile", ClusterSpec{FargateProfiles: []FargateProfile{{Name: "apps", Selectors: sel("apps")}}}, ErrNoCoreDNSProfile},
		// The rules without a sentinel of their own (ErrInvalidSpec; doc.go's table).
		{"profile name too long", ClusterSpec{FargateProfiles: []FargateProfile{{Name: strings.Repeat("p", 55), Selectors: sel("kube-system")}}}, ErrInvalidSpec},
		{"selector namespace", ClusterSpec{FargateProfiles: []FargateProfile{system, {Name: "apps", Selectors: sel("Apps_1")}}}, ErrInvalidSpec},
		{"upgrade policy", ClusterSpec{UpgradePolicy: "FOREVER"}, ErrInvalidSpec},
		{"log type", ClusterSpec{LogTypes: []string{"kubelet"}}, ErrInvalidSpec},
		{"CIDRs on a private endpoint", ClusterSpec{EndpointAccess: EndpointPrivate, PublicAccessCIDRs: []string{"203.0.113.0/24"}}, ErrInvalidSpec},
		{"secrets key elsewhere", ClusterSpec{Region: "us-west-2", SecretsEncryption: &SecretsEncryption{KeyARN: "arn:aws:kms:eu-west-1:123456789012:key/k"}}, ErrInvalidSpec},
		{"CONFIG_MAP without the creator", ClusterSpec{AuthenticationMode: AuthConfigMap, BootstrapClusterCreatorAdminPermissions: new(false)}, ErrInvalidSpec},
		{"add-on version form", ClusterSpec{Addons: Addons{CoreDNSVersion: "latest"}}, ErrInvalidSpec},
		{"51 tags", ClusterSpec{Tags: manyTags(51)}, ErrInvalidSpec},
		{"46 tags and the 5 a created subnet gets", ClusterSpec{Tags: manyTags(46)}, ErrInvalidSpec},
		{"aws: tag", ClusterSpec{Tags: map[string]string{"aws:owner": "x"}}, ErrInvalidSpec},
		{"VPC /8", ClusterSpec{VPC: &VPCSpec{CIDR: "10.0.0.0/8"}}, ErrInvalidSpec},
		{"one zone", ClusterSpec{VPC: &VPCSpec{AZCount: 1}}, ErrInvalidSpec},
		{"IAM path", ClusterSpec{PodExecutionRole: sdk.PodExecutionRoleSpec{Path: "eks"}}, ErrInvalidSpec},
		{"thumbprint", ClusterSpec{OIDCThumbprints: []string{"abc"}}, ErrInvalidSpec},
		{"cluster name", ClusterSpec{ClusterName: "-x"}, ErrInvalidSpec},
		{"account", ClusterSpec{AccountID: "12"}, ErrInvalidSpec},
	} {
		g, err := mockstack.Run(func(ctx *pulumi.Context) error {
			_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: tt.spec})
			return err
		})
		if !errors.Is(err, tt.kind) || !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.kind)
		}
		if g.Len() != 0 {
			t.Errorf("%s: registered %d resources", tt.name, g.Len())
		}
	}
}

// An existing network is checked with the provider's invokes as the SDK's
// Apply checks it with EC2, before any child: subnets outside the VPC,
// private subnets in one zone or in a zone EKS refuses, and subnets for
// pods that route to an internet gateway (through their own route table or
// the VPC's main one). TagSubnets then adds only what a subnet lacks.
func TestExistingNetworkCheckedBeforeChildren(t *testing.T) {
	sub := func(id, zone, zoneID string, public, main bool) mockstack.Subnet {
		return mockstack.Subnet{ID: id, VpcID: "vpc-0abc", Zone: zone, ZoneID: zoneID, Public: public, MainRouteTable: main}
	}
	a, b := sub("subnet-a", "us-west-2a", "usw2-az1", false, false), sub("subnet-b", "us-west-2b", "usw2-az2", false, false)
	other := mockstack.Subnet{ID: "subnet-o", VpcID: "vpc-other", Zone: "us-west-2c", ZoneID: "usw2-az3"}
	for _, tt := range []struct {
		name    string
		subnets []mockstack.Subnet
		private []string
		kind    error
		field   string
	}{
		{"one zone", []mockstack.Subnet{a, sub("subnet-b", "us-west-2a", "usw2-az1", false, false)}, []string{"subnet-a", "subnet-b"}, sdk.ErrSubnetZones, "Existing.PrivateSubnetIDs"},
		{"public route table", []mockstack.Subnet{a, sub("subnet-b", "us-west-2b", "usw2-az2", true, false)}, []string{"subnet-a", "subnet-b"}, sdk.ErrPublicSubnetForPods, "Existing.PrivateSubnetIDs[1]"},
		{"public main route table", []mockstack.Subnet{a, sub("subnet-b", "us-west-2b", "usw2-az2", true, true)}, []string{"subnet-a", "subnet-b"}, sdk.ErrPublicSubnetForPods, "Existing.PrivateSubnetIDs[1]"},
		{"zone EKS refuses", []mockstack.Subnet{a, sub("subnet-b", "us-west-1b", "usw1-az2", false, false)}, []string{"subnet-a", "subnet-b"}, sdk.ErrUnsupportedZone, "Existing.PrivateSubnetIDs[1]"},
		{"other VPC", []mockstack.Subnet{a, b, other}, []string{"subnet-a", "subnet-b", "subnet-o"}, sdk.ErrSubnetNotInVPC, "Existing.PrivateSubnetIDs[2]"},
		{"unknown subnet", []mockstack.Subnet{a, b}, []string{"subnet-a", "subnet-b", "subnet-x"}, sdk.ErrSubnetNotInVPC, "Existing.PrivateSubnetIDs[2]"},
	} {
		g, err := mockstack.Run(func(ctx *pulumi.Context) error {
			_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{
				Existing: &ExistingNetwork{VpcID: "vpc-0abc", PrivateSubnetIDs: tt.private, TagSubnets: true}}})
			return err
		}, mockstack.WithSubnets(tt.subnets...))
		if !errors.Is(err, tt.kind) || !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "eksfargate: "+tt.field+":") {
			t.Errorf("%s: err = %v, want %v at %s", tt.name, err, tt.kind, tt.field)
		}
		if g.Len() != 1 {
			t.Errorf("%s: registered children:\n%s", tt.name, g.Tree())
		}
	}

	// A private subnet on the VPC's main table (routes to a NAT gateway) is
	// fine, and a tag a subnet has is never declared.
	b.MainRouteTable = true
	b.Tags = map[string]string{"kubernetes.io/role/internal-elb": "1"}
	g, _ := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{
		Existing: &ExistingNetwork{VpcID: "vpc-0abc", PrivateSubnetIDs: []string{"subnet-a", "subnet-b"}, TagSubnets: true}}},
		mockstack.WithSubnets(a, b))
	if len(g.Find(tTag, "demo-private-1-internal-elb-tag")) != 0 || len(g.Find(tTag, "demo-private-0-internal-elb-tag")) != 1 {
		t.Errorf("tags:\n%s", g.Tree())
	}
	if v := one(t, g, tTag, "demo-private-1-record-tag").InputString("value"); v != "kubernetes.io/cluster/demo" {
		t.Errorf("record of subnet-b = %q, want only the cluster tag", v)
	}
}

// A restricted public-only endpoint on a created network gets the NAT
// gateways' addresses as /32s; with the private endpoint on, it does not
// need them.
func TestPublicEndpointGetsNATAddresses(t *testing.T) {
	g, _ := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{
		EndpointAccess: EndpointPublic, PublicAccessCIDRs: []string{"203.0.113.0/24"},
	}}, mockstack.WithOutputs(tEip, func(r *mockstack.Resource) resource.PropertyMap {
		ip := map[string]string{"demo-nat-0": "198.51.100.10", "demo-nat-1": "198.51.100.11"}[r.Name]
		return resource.PropertyMap{"publicIp": resource.NewProperty(ip)}
	}))
	cidrs, _ := one(t, g, tCluster, "demo-cluster").Input("vpcConfig.publicAccessCidrs")
	if want := []any{"203.0.113.0/24", "198.51.100.10/32", "198.51.100.11/32"}; !slices.Equal(cidrs.([]any), want) {
		t.Errorf("publicAccessCidrs = %v, want %v", cidrs, want)
	}
	g, _ = run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{PublicAccessCIDRs: []string{"203.0.113.0/24"}}})
	cidrs, _ = one(t, g, tCluster, "demo-cluster").Input("vpcConfig.publicAccessCidrs")
	if want := []any{"203.0.113.0/24"}; !slices.Equal(cidrs.([]any), want) {
		t.Errorf("public and private: publicAccessCidrs = %v, want %v", cidrs, want)
	}
}

// Zones are chosen by ID: the IDs EKS refuses are skipped, and naming one is refused.
func TestZonesByID(t *testing.T) {
	zones := mockstack.WithCall("aws:index/getAvailabilityZones:getAvailabilityZones", func(pulumi.MockCallArgs) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"names":   []any{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"},
			"zoneIds": []any{"use1-az4", "use1-az3", "use1-az1", "use1-az2"},
			"id":      "us-east-1",
		}), nil
	})
	g, _ := run(t, nil, mockstack.WithRegion("us-east-1"), zones)
	for i, want := range []string{"us-east-1a", "us-east-1c"} {
		if z := one(t, g, tSubnet, "demo-private-"+string(rune('0'+i))).InputString("availabilityZone"); z != want {
			t.Errorf("zone %d = %s, want %s (us-east-1b is use1-az3)", i, z, want)
		}
	}
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{
			VPC: &VPCSpec{AvailabilityZones: []string{"us-east-1a", "us-east-1b"}}}})
		return err
	}, mockstack.WithRegion("us-east-1"), zones)
	if !errors.Is(err, sdk.ErrUnsupportedZone) || !strings.Contains(err.Error(), `"us-east-1b" is zone use1-az3`) {
		t.Errorf("named unsupported zone: %v", err)
	}
	if g.Len() != 1 {
		t.Errorf("registered children:\n%s", g.Tree())
	}
}

// A profile's physical name changes with its content: a change is a new
// profile created (after the previous one in the chain) before the old one
// is deleted, never delete-first; the logical name stays.
func TestProfileReplacementCreatesFirst(t *testing.T) {
	profiles := func(apps Selector) []FargateProfile {
		return []FargateProfile{
			{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}},
			{Name: "apps", Selectors: []Selector{apps}},
		}
	}
	before, _ := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{FargateProfiles: profiles(Selector{Namespace: "apps"})}})
	after, _ := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{FargateProfiles: profiles(Selector{Namespace: "apps", Labels: map[string]string{"fargate": "yes"}})}})
	b, a := one(t, before, tProfile, "demo-profile-apps"), one(t, after, tProfile, "demo-profile-apps")
	if b.URN != a.URN {
		t.Errorf("logical identity changed: %s -> %s", b.URN, a.URN)
	}
	bn, an := b.InputString("fargateProfileName"), a.InputString("fargateProfileName")
	if bn == an || !strings.HasPrefix(an, "apps-") || !strings.HasPrefix(bn, "apps-") {
		t.Errorf("physical names %q -> %q: a changed profile needs a new name to be created first", bn, an)
	}
	if a.DeleteBeforeReplace {
		t.Error("profile is replaced delete-first")
	}
	// The unchanged profile keeps its name: nothing happens to it.
	if x, y := one(t, before, tProfile, "demo-profile-system").InputString("fargateProfileName"), one(t, after, tProfile, "demo-profile-system").InputString("fargateProfileName"); x != y {
		t.Errorf("unchanged profile renamed %s -> %s", x, y)
	}
	// The replacement is still created after the previous profile (one at a time).
	if !slices.Contains(a.DependsOn, one(t, after, tProfile, "demo-profile-system").URN) {
		t.Error("the new profile does not wait for the previous one")
	}
}

func TestExistingNetworkTagsAndRoleOptions(t *testing.T) {
	g, _ := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{
		Existing: &ExistingNetwork{VpcID: "vpc-0abc", PrivateSubnetIDs: []string{"subnet-p1", "subnet-p2", "subnet-p3"}, TagSubnets: true},
		FargateProfiles: []FargateProfile{
			{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}, SubnetIDs: []string{"subnet-p1", "subnet-p2"}},
		},
		PodExecutionRole: sdk.PodExecutionRoleSpec{Path: "/eks/", PermissionsBoundary: "arn:aws:iam::123456789012:policy/boundary"},
		UpgradePolicy:    sdk.UpgradeStandard,
		ZonalShift:       true,
	}}, existing("vpc-0abc", "subnet-p1", "subnet-p2", "subnet-p3"))
	for _, tag := range g.ByType(tTag) {
		ours := strings.HasSuffix(tag.Name, "-cluster-tag") || strings.HasSuffix(tag.Name, "-record-tag")
		if tag.RetainOnDelete == ours {
			t.Errorf("%s: RetainOnDelete %v (shared role tags stay at destroy, the cluster's own tag and the record go)", tag.Name, tag.RetainOnDelete)
		}
	}
	fp := one(t, g, tProfile, "demo-profile-system")
	if ids, _ := fp.Input("subnetIds"); !slices.Equal(ids.([]any), []any{"subnet-p1", "subnet-p2"}) {
		t.Errorf("profile subnets = %v", ids)
	}
	role := one(t, g, tRole, "demo-pod-execution-role")
	if role.InputString("path") != "/eks/" || role.InputString("permissionsBoundary") != "arn:aws:iam::123456789012:policy/boundary" {
		t.Errorf("role inputs = %v", role.Inputs)
	}
	cluster := one(t, g, tCluster, "demo-cluster")
	if cluster.InputString("upgradePolicy.supportType") != "STANDARD" || cluster.InputString("version") != sdk.DefaultKubernetesVersion {
		t.Errorf("cluster inputs = %v", cluster.Inputs)
	}
	if v, _ := cluster.Input("zonalShiftConfig.enabled"); v != true {
		t.Errorf("zonal shift = %v", v)
	}

	// A role made elsewhere: no pod-execution role or attachment is created.
	g, _ = run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{PodExecutionRole: sdk.PodExecutionRoleSpec{ARN: "arn:aws:iam::123456789012:role/fargate"}}})
	if n := len(g.Find(tRole, "demo-pod-execution-role")) + len(g.ByType(tAttach)); n != 1 {
		t.Errorf("%d pod-execution role resources (want only the cluster role's attachment)", n)
	}
	if arn := one(t, g, tProfile, "demo-profile-fp-default").InputString("podExecutionRoleArn"); arn != "arn:aws:iam::123456789012:role/fargate" {
		t.Errorf("profile role = %s", arn)
	}

	// A profile subnet that is not one of the cluster's.
	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{
			Existing:        &ExistingNetwork{VpcID: "vpc-0abc", PrivateSubnetIDs: []string{"subnet-p1", "subnet-p2"}},
			FargateProfiles: []FargateProfile{{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}, SubnetIDs: []string{"subnet-x"}}},
		}})
		return err
	})
	if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "subnet-x is not one of Existing.PrivateSubnetIDs") {
		t.Errorf("foreign profile subnet: %v", err)
	}
}

func manyTags(n int) map[string]string {
	out := map[string]string{}
	for i := range n {
		out["k"+strings.Repeat("x", i)] = "v"
	}
	return out
}

// doc.go's tables name every sentinel of the package, and only those.
func TestDocTablesNameEverySentinel(t *testing.T) {
	doccheck.Check(t, ".")
}
