package eksfargate

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

func indent(t *testing.T, d iampolicy.Document) []byte {
	t.Helper()
	if err := d.Validate(); err != nil {
		t.Fatalf("rendered an invalid policy: %v", err)
	}
	b, err := d.Indent()
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestSubnetLayout(t *testing.T) {
	tests := []struct {
		cidr             string
		azs              int
		private, public  []string
		wantErrSubstring string
	}{
		{cidr: "10.0.0.0/16", azs: 2,
			private: []string{"10.0.0.0/18", "10.0.64.0/18"}, public: []string{"10.0.192.0/19", "10.0.224.0/19"}},
		{cidr: "10.0.0.0/16", azs: 3,
			private: []string{"10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"}, public: []string{"10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"}},
		{cidr: "10.0.0.0/16", azs: 4,
			private: []string{"10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"},
			public:  []string{"10.0.224.0/21", "10.0.232.0/21", "10.0.240.0/21", "10.0.248.0/21"}},
		{cidr: "192.168.0.0/24", azs: 2,
			private: []string{"192.168.0.0/26", "192.168.0.64/26"}, public: []string{"192.168.0.192/27", "192.168.0.224/27"}},
		{cidr: "10.1.0.0/26", azs: 2, wantErrSubstring: "too small"},
		{cidr: "10.0.0.1/16", azs: 2, wantErrSubstring: "not an IPv4 network CIDR"},
		{cidr: "fd00::/56", azs: 2, wantErrSubstring: "not an IPv4 network CIDR"},
		{cidr: "10.0.0.0/16", azs: 0, wantErrSubstring: "0 availability zones"},
	}
	for _, tt := range tests {
		l, err := SubnetLayout(tt.cidr, tt.azs)
		if tt.wantErrSubstring != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErrSubstring) || !errors.Is(err, ErrLayout) {
				t.Errorf("SubnetLayout(%s, %d) error = %v, want one containing %q", tt.cidr, tt.azs, err, tt.wantErrSubstring)
			}
			continue
		}
		if err != nil {
			t.Errorf("SubnetLayout(%s, %d): %v", tt.cidr, tt.azs, err)
			continue
		}
		if !reflect.DeepEqual(l.Private, tt.private) || !reflect.DeepEqual(l.Public, tt.public) {
			t.Errorf("SubnetLayout(%s, %d) = private %v public %v, want %v %v", tt.cidr, tt.azs, l.Private, l.Public, tt.private, tt.public)
		}
		// The plan must always be valid as an explicit plan too.
		v := &VPCSpec{CIDR: tt.cidr, AZCount: tt.azs, PublicSubnetCIDRs: l.Public, PrivateSubnetCIDRs: l.Private}
		if _, err := v.Layout(); err != nil {
			t.Errorf("layout of %s/%d does not validate: %v", tt.cidr, tt.azs, err)
		}
	}
}

func TestSubnetTags(t *testing.T) {
	extra := map[string]string{"team": "platform", TagELB: "0"}
	pub := SubnetTags("demo", Public, extra)
	priv := SubnetTags("demo", Private, extra)
	if pub[TagELB] != "1" || pub["kubernetes.io/cluster/demo"] != "shared" || pub["team"] != "platform" || pub[TagInternalELB] != "" {
		t.Errorf("public tags = %v", pub)
	}
	if priv[TagInternalELB] != "1" || priv["kubernetes.io/cluster/demo"] != "shared" || priv[TagELB] != "0" {
		t.Errorf("private tags = %v", priv)
	}
	if extra[TagInternalELB] != "" || len(extra) != 2 {
		t.Errorf("SubnetTags modified its argument: %v", extra)
	}
}

func TestTrustPoliciesGolden(t *testing.T) {
	for _, tt := range []struct{ region, account string }{
		{"us-west-2", "123456789012"}, {"cn-north-1", "210987654321"}, {"us-gov-west-1", "111122223333"},
	} {
		p, err := partition.ForRegion(tt.region)
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "testdata/cluster-role-trust-"+p.ID+".json", indent(t, ClusterRoleTrust(p)))
		d, err := PodExecutionRoleTrust(p, tt.region, tt.account, "demo")
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "testdata/pod-execution-trust-"+p.ID+".json", indent(t, d))
		want := "arn:" + p.ID + ":eks:" + tt.region + ":" + tt.account + ":fargateprofile/demo/*"
		if got := d.Statement[0].Condition["ArnLike"]["aws:SourceArn"]; len(got) != 1 || got[0] != want {
			t.Errorf("%s: aws:SourceArn = %v, want %s", p.ID, got, want)
		}
	}
}

func TestPodExecutionRoleTrustRefuses(t *testing.T) {
	_, err := PodExecutionRoleTrust(partition.AWS, "cn-north-1", "12345", "-bad")
	if !errors.Is(err, ErrInvalidSpec) {
		t.Fatalf("err = %v, want ErrInvalidSpec", err)
	}
	for _, want := range []string{`region "cn-north-1" is not in partition "aws"`, `account "12345"`, `cluster name "-bad"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestCoreDNSConfigurationValues(t *testing.T) {
	tests := []struct {
		name string
		in   CoreDNSConfig
	}{
		{"coredns-default.json", CoreDNSConfig{}},
		{"coredns-sized.json", CoreDNSConfig{Replicas: 3, Resources: &Resources{
			Requests: &ResourceList{CPU: "250m", Memory: "256Mi"}, Limits: &ResourceList{Memory: "512Mi"}}}},
		{"coredns-empty-resources.json", CoreDNSConfig{Resources: &Resources{}}},
	}
	for _, tt := range tests {
		got, err := CoreDNSConfigurationValues(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		golden.Assert(t, "testdata/"+tt.name, []byte(got+"\n"))
	}
	if got, _ := CoreDNSConfigurationValues(CoreDNSConfig{}); got != `{"computeType":"Fargate"}` {
		t.Errorf("default = %s", got)
	}
	_, err := CoreDNSConfigurationValues(CoreDNSConfig{Replicas: -1, Resources: &Resources{Limits: &ResourceList{CPU: "lots"}}})
	if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "Replicas") || !strings.Contains(err.Error(), `"lots"`) {
		t.Errorf("bad config error = %v", err)
	}
}
