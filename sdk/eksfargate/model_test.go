package eksfargate

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/partition"
)

func resolvedFor(t *testing.T, spec ClusterSpec) *Resolved {
	t.Helper()
	loc, err := Locate(spec, "eu-west-1", "111122223333", "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewResolved(spec, loc, []Zone{{"eu-west-1a", "euw1-az1"}, {"eu-west-1b", "euw1-az2"}, {"eu-west-1c", "euw1-az3"}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLocate(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		spec                    ClusterSpec
		region, account, part   string
		want                    error
		wantRegion, wantPartion string
	}{
		{name: "from config", region: "us-east-1", account: "111122223333", wantRegion: "us-east-1", wantPartion: "aws"},
		{name: "china", region: "cn-north-1", account: "111122223333", wantRegion: "cn-north-1", wantPartion: "aws-cn"},
		{name: "spec region only", spec: ClusterSpec{Region: "eu-west-1"}, account: "111122223333", wantRegion: "eu-west-1", wantPartion: "aws"},
		{name: "mismatch", spec: ClusterSpec{Region: "eu-west-1"}, region: "us-east-1", account: "111122223333", want: ErrLocationMismatch},
		{name: "no region", account: "111122223333", want: ErrInvalidSpec},
		{name: "partition of another region", region: "us-east-1", account: "111122223333", part: "aws-cn", want: ErrInvalidSpec},
		{name: "bad account", region: "us-east-1", account: "12", want: ErrInvalidSpec},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := Locate(tc.spec, tc.region, tc.account, tc.part)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil || loc.Region != tc.wantRegion || loc.Partition.ID != tc.wantPartion {
				t.Fatalf("Locate = %+v, %v", loc, err)
			}
		})
	}
}

func TestNewResolved(t *testing.T) {
	r := resolvedFor(t, ClusterSpec{ClusterName: "prod"})
	if len(r.Zones) != 2 || r.Zones[1].Name != "eu-west-1b" || len(r.Layout.Private) != 2 || r.Spec.KubernetesVersion != DefaultKubernetesVersion {
		t.Errorf("resolved = %+v", r)
	}
	if _, err := NewResolved(ClusterSpec{}, r.Location, nil); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("no name: %v", err)
	}
	if _, err := NewResolved(ClusterSpec{ClusterName: "x"}, r.Location, []Zone{{"eu-west-1a", "euw1-az1"}}); !errors.Is(err, ErrUnsupportedZone) {
		t.Errorf("one zone: %v", err)
	}
	ex := resolvedFor(t, ClusterSpec{ClusterName: "x", Existing: &ExistingNetwork{VpcID: "vpc-1", PrivateSubnetIDs: []string{"subnet-1", "subnet-2"}}})
	if ex.Zones != nil || ex.Spec.VPC != nil {
		t.Errorf("existing network: %+v", ex)
	}
}

func TestResourceTags(t *testing.T) {
	user := map[string]string{"team": "platform", TagCluster: "spoofed"}
	got := NetworkTags("prod", user, PublicSubnetPart("eu-west-1a"))
	want := map[string]string{"team": "platform", TagCluster: "prod", TagPart: "public-eu-west-1a", "Name": "prod-public-eu-west-1a"}
	if !maps.Equal(got, want) {
		t.Errorf("NetworkTags = %v, want %v", got, want)
	}
	if user[TagCluster] != "spoofed" {
		t.Error("ResourceTags changed its argument")
	}
	p := ProfileTags("prod", map[string]string{"team": "platform", "cost": "x"}, FargateProfile{Name: "jobs", Tags: map[string]string{"cost": "batch"}})
	if p["cost"] != "batch" || p["team"] != "platform" || p[TagPart] != "profile-jobs" || p["Name"] != "" {
		t.Errorf("ProfileTags = %v", p)
	}
}

func TestRoleName(t *testing.T) {
	if got := RoleName("prod", PartClusterRole); got != "prod-cluster-role" {
		t.Errorf("RoleName = %q", got)
	}
	long := strings.Repeat("c", 100)
	a, b := RoleName(long, PartPodExecutionRole), RoleName(long[:99]+"d", PartPodExecutionRole)
	if len(a) != 64 || a == b || !strings.HasSuffix(a, "-"+PartPodExecutionRole) {
		t.Errorf("long names: %q, %q", a, b)
	}
}

func TestRoleModels(t *testing.T) {
	r := resolvedFor(t, ClusterSpec{ClusterName: "prod", Tags: map[string]string{"team": "a"},
		PodExecutionRole: PodExecutionRoleSpec{Path: "/eks/", PermissionsBoundary: "arn:aws:iam::111122223333:policy/boundary"}})
	c := r.ClusterRole()
	if c.Name != "prod-cluster-role" || c.PolicyARNs[0] != "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" ||
		c.Trust.String() != ClusterRoleTrust(partition.AWS).String() || c.Tags[TagPart] != PartClusterRole || c.Tags["team"] != "a" {
		t.Errorf("cluster role = %+v", c)
	}
	p, created, err := r.PodExecutionRole()
	want, _ := PodExecutionRoleTrust(partition.AWS, "eu-west-1", "111122223333", "prod")
	if err != nil || !created || p.Path != "/eks/" || p.PermissionsBoundary == "" || p.Trust.String() != want.String() ||
		p.Description != "EKS pod-execution-role of cluster prod (fargatekit)" {
		t.Errorf("pod-execution role = %+v, %v, %v", p, created, err)
	}
	byo := resolvedFor(t, ClusterSpec{ClusterName: "prod", PodExecutionRole: PodExecutionRoleSpec{ARN: "arn:aws:iam::111122223333:role/mine"}})
	if _, created, err := byo.PodExecutionRole(); created || err != nil {
		t.Errorf("BYO role: created %v, %v", created, err)
	}
}

func TestAddonModels(t *testing.T) {
	r := resolvedFor(t, ClusterSpec{ClusterName: "prod", FargateProfiles: []FargateProfile{
		{Name: "apps", Selectors: []Selector{{Namespace: "apps"}}},
		{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}},
	}, Addons: Addons{CoreDNSVersion: "v1.11.4-eksbuild.2", CoreDNS: CoreDNSConfig{Replicas: 3}, KubeProxy: true, VpcCNI: true}})
	got, err := r.Addons()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Name != AddonCoreDNS || got[0].AfterProfile != 1 || got[0].Version != "v1.11.4-eksbuild.2" ||
		got[0].ConfigurationValues != `{"computeType":"Fargate","replicaCount":3}` || got[1].AfterProfile != -1 ||
		got[2].Name != AddonVpcCNI || got[2].Tags[TagPart] != "addon-vpc-cni" || got[0].ResolveConflicts != "OVERWRITE" {
		t.Errorf("Addons = %+v", got)
	}
}

func TestPublicAccessCIDRs(t *testing.T) {
	pub := ClusterSpec{EndpointAccess: EndpointPublic, PublicAccessCIDRs: []string{"203.0.113.0/24"}}
	if got := PublicAccessCIDRs(pub, []string{"198.51.100.7"}); strings.Join(got, ",") != "203.0.113.0/24,198.51.100.7/32" {
		t.Errorf("public only: %v", got)
	}
	both := ClusterSpec{PublicAccessCIDRs: []string{"203.0.113.0/24"}}
	if got := PublicAccessCIDRs(both, []string{"198.51.100.7"}); strings.Join(got, ",") != "203.0.113.0/24" {
		t.Errorf("public and private: %v", got)
	}
}

func TestOwnedSubnetTags(t *testing.T) {
	rec := AddedSubnetTagsKey("demo")
	for _, tt := range []struct {
		name    string
		tier    Tier
		current map[string]string
		owned   []string
		record  string
	}{
		{"bare subnet", Private, nil, []string{"kubernetes.io/cluster/demo", TagInternalELB}, "kubernetes.io/cluster/demo,kubernetes.io/role/internal-elb"},
		{"role tag from others", Private, map[string]string{TagInternalELB: "true"}, []string{"kubernetes.io/cluster/demo"}, "kubernetes.io/cluster/demo"},
		{"ours from an earlier run", Private, map[string]string{TagInternalELB: "1", "kubernetes.io/cluster/demo": "shared", rec: "kubernetes.io/cluster/demo,kubernetes.io/role/internal-elb"},
			[]string{"kubernetes.io/cluster/demo", TagInternalELB}, "kubernetes.io/cluster/demo,kubernetes.io/role/internal-elb"},
		{"everything from others", Public, map[string]string{TagELB: "1", "kubernetes.io/cluster/demo": "owned"}, nil, ""},
		{"tagged before the record", Private, map[string]string{TagInternalELB: "1", "kubernetes.io/cluster/demo": "shared"}, []string{"kubernetes.io/cluster/demo"}, "kubernetes.io/cluster/demo"},
		{"others' cluster tag, with a record", Private, map[string]string{TagInternalELB: "1", "kubernetes.io/cluster/demo": "shared", rec: TagInternalELB}, []string{TagInternalELB}, TagInternalELB},
		{"public", Public, map[string]string{"kubernetes.io/cluster/other": "shared"}, []string{"kubernetes.io/cluster/demo", TagELB}, "kubernetes.io/cluster/demo,kubernetes.io/role/elb"},
	} {
		owned, record := OwnedSubnetTags("demo", tt.tier, tt.current)
		if got := slices.Sorted(maps.Keys(owned)); !slices.Equal(got, tt.owned) || record != tt.record {
			t.Errorf("%s: owned %v record %q, want %v %q", tt.name, got, record, tt.owned, tt.record)
		}
	}
}

func TestAddonsInstalledAndLogGroup(t *testing.T) {
	names := func(spec ClusterSpec) []string {
		t.Helper()
		spec.ClusterName = "demo"
		models, err := resolvedFor(t, spec).Addons()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range models {
			out = append(out, m.Name+"@"+m.Version)
		}
		return out
	}
	if got := names(ClusterSpec{}); !slices.Equal(got, []string{"coredns@"}) {
		t.Errorf("default add-ons: %v (kube-proxy and vpc-cni have no nodes on Fargate)", got)
	}
	if got := names(ClusterSpec{Addons: Addons{KubeProxy: true, VpcCNIVersion: "v1.20.1-eksbuild.3"}}); !slices.Equal(got, []string{"coredns@", "kube-proxy@", "vpc-cni@v1.20.1-eksbuild.3"}) {
		t.Errorf("turned on: %v", got)
	}
	r := resolvedFor(t, ClusterSpec{ClusterName: "demo", LogTypes: []string{LogAudit}, Tags: map[string]string{"team": "x"}})
	if g, ok := r.ControlPlaneLogs(); !ok || g.Name != "/aws/eks/demo/cluster" || g.RetentionDays != DefaultControlPlaneLogRetentionDays || g.Tags["team"] != "x" || g.Tags[TagPart] != PartControlPlaneLogs {
		t.Errorf("log group %+v", g)
	}
	if _, ok := resolvedFor(t, ClusterSpec{ClusterName: "demo"}).ControlPlaneLogs(); ok {
		t.Error("a log group without log types")
	}
	for _, spec := range []ClusterSpec{{ControlPlaneLogRetentionDays: 30}, {LogTypes: []string{LogAPI}, ControlPlaneLogRetentionDays: 2}} {
		if err := spec.Validate(); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%+v: %v", spec, err)
		}
	}
	if err := (ClusterSpec{LogTypes: []string{LogAPI}, ControlPlaneLogRetentionDays: 2}).Validate(); !errors.Is(err, ErrInvalidLogRetention) {
		t.Errorf("2 days: %v", err)
	}
}
