package eksfargate

import (
	"errors"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestValidateAcceptsDefaults(t *testing.T) {
	for name, a := range map[string]ClusterSpec{
		"zero":     {},
		"explicit": {ClusterName: "demo_1", KubernetesVersion: "1.33", Region: "cn-north-1", Partition: "aws-cn", AccountID: "123456789012"},
		"byo":      {Existing: &ExistingNetwork{VpcID: "vpc-1", PrivateSubnetIDs: []string{"subnet-a", "subnet-b"}}},
		"full": {
			VPC:            &VPCSpec{CIDR: "172.16.0.0/20", AvailabilityZones: []string{"us-east-1a", "us-east-1b", "us-east-1c"}, SingleNATGateway: true},
			EndpointAccess: EndpointPublic, PublicAccessCIDRs: []string{"203.0.113.0/24"},
			LogTypes:           LogTypes(),
			SecretsEncryption:  &SecretsEncryption{KeyARN: "arn:aws:kms:us-east-1:123456789012:key/abcd"},
			AuthenticationMode: "API", BootstrapClusterCreatorAdminPermissions: ptr(false),
			FargateProfiles: []FargateProfile{
				{Name: "system", Selectors: []Selector{{Namespace: "kube-*", Labels: map[string]string{"k8s-app": "kube-dns"}}}},
				{Name: "apps", Selectors: []Selector{{Namespace: "team-?"}, {Namespace: "default", Labels: map[string]string{"example.com/fargate": "*"}}}},
			},
			Addons: Addons{CoreDNSVersion: "v1.11.4-eksbuild.2", CoreDNS: CoreDNSConfig{Replicas: 2,
				Resources: &Resources{Requests: &ResourceList{CPU: "0.25", Memory: "256Mi"}}}},
			Tags: map[string]string{"team": "platform"},
		},
	} {
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	a := ClusterSpec{
		ClusterName:       "-bad name",
		KubernetesVersion: "v1.33",
		Region:            "us-west-2", Partition: "aws-cn", AccountID: "42",
		VPC:            &VPCSpec{CIDR: "10.0.0.0/8", AZCount: 1},
		EndpointAccess: EndpointPrivate, PublicAccessCIDRs: []string{"1.2.3.4/8"},
		LogTypes:           []string{"api", "api", "kubelet"},
		SecretsEncryption:  &SecretsEncryption{},
		AuthenticationMode: "CONFIG_MAP", BootstrapClusterCreatorAdminPermissions: ptr(false),
		FargateProfiles: []FargateProfile{
			{Name: "a", Selectors: []Selector{{Namespace: "default"}}},
			{Name: "a", Selectors: []Selector{}},
			{Name: "too-long-" + strings.Repeat("x", 60), Selectors: make([]Selector, 6)},
			{Name: "x_", Selectors: []Selector{{Namespace: "Kube_System", Labels: map[string]string{"bad key!": "ok", "k": "-bad-"}}}},
		},
		Addons: Addons{KubeProxyVersion: "1.33", CoreDNS: CoreDNSConfig{Replicas: -2}},
		Tags:   map[string]string{"aws:owner": "me"},
	}
	err := a.Validate()
	if !errors.Is(err, ErrInvalidSpec) || !errors.Is(err, ErrNoCoreDNSProfile) {
		t.Fatalf("err = %v", err)
	}
	wantFields := []string{
		"ClusterName:", "KubernetesVersion:", "Partition:", "AccountID:",
		"VPC.AZCount:", "VPC.CIDR:", "PublicAccessCIDRs:", "PublicAccessCIDRs[0]:",
		"LogTypes[1]:", "LogTypes[2]:", "SecretsEncryption:", "BootstrapClusterCreatorAdminPermissions:",
		"FargateProfiles[1].Name:", "FargateProfiles[1].Selectors:", "FargateProfiles[2].Name:", "FargateProfiles[2].Selectors:",
		"FargateProfiles[2].Selectors[5].Namespace:", "FargateProfiles[3].Name:", "FargateProfiles[3].Selectors[0].Namespace:",
		`FargateProfiles[3].Selectors[0].Labels: key "bad key!"`, `FargateProfiles[3].Selectors[0].Labels: value "-bad-"`,
		"FargateProfiles: no profile selects the CoreDNS pods",
		"Addons.KubeProxyVersion:", "Addons.CoreDNS.Replicas:", "Tags: key \"aws:owner\"",
	}
	for _, f := range wantFields {
		if !strings.Contains(err.Error(), "eksfargate: "+f) {
			t.Errorf("missing problem %q", f)
		}
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "ClusterName" {
		t.Errorf("first FieldError = %+v", fe)
	}
	if t.Failed() {
		t.Logf("all problems:\n%v", err)
	}
}

func TestValidateNetwork(t *testing.T) {
	tests := []struct {
		name string
		a    ClusterSpec
		want []string // substrings; nil means valid
	}{
		{"both modes", ClusterSpec{VPC: &VPCSpec{}, Existing: &ExistingNetwork{}}, []string{"VPC: VPC (create) and Existing (bring your own) are exclusive"}},
		{"byo empty", ClusterSpec{Existing: &ExistingNetwork{PublicSubnetIDs: []string{""}}},
			[]string{"Existing.VpcID: required", "Existing.PrivateSubnetIDs: 0 given", "Existing.PublicSubnetIDs[0]: empty"}},
		{"byo one subnet", ClusterSpec{Existing: &ExistingNetwork{VpcID: "vpc-1", PrivateSubnetIDs: []string{"a"}}},
			[]string{"1 given"}},
		{"az names vs count", ClusterSpec{VPC: &VPCSpec{AZCount: 3, AvailabilityZones: []string{"a", "a"}}},
			[]string{"2 zones given but AZCount is 3", `AvailabilityZones[1]: "a" is empty or repeated`}},
		{"host bits", ClusterSpec{VPC: &VPCSpec{CIDR: "10.0.1.0/16"}}, []string{"host bits set (the network is 10.0.0.0/16)"}},
		{"ipv6", ClusterSpec{VPC: &VPCSpec{CIDR: "fd00::/48"}}, []string{"not an IPv4 CIDR"}},
		{"too small", ClusterSpec{VPC: &VPCSpec{CIDR: "10.0.0.0/27"}}, []string{"too small for 2 zones"}},
		{"explicit ok", ClusterSpec{VPC: &VPCSpec{CIDR: "10.0.0.0/16",
			PublicSubnetCIDRs: []string{"10.0.0.0/24", "10.0.1.0/24"}, PrivateSubnetCIDRs: []string{"10.0.128.0/18", "10.0.192.0/18"}}}, nil},
		{"explicit bad", ClusterSpec{VPC: &VPCSpec{CIDR: "10.0.0.0/16",
			PublicSubnetCIDRs: []string{"10.0.0.0/24", "10.1.0.0/24", "10.0.0.0/30"}, PrivateSubnetCIDRs: []string{"10.0.0.0/17", "x"}}},
			[]string{"VPC.PublicSubnetCIDRs: 3 CIDRs for 2 availability zones", `PublicSubnetCIDRs[1]: "10.1.0.0/24" is not inside`,
				`PublicSubnetCIDRs[2]: "10.0.0.0/30": a subnet is at most /28`, `PrivateSubnetCIDRs[1]: "x"`,
				"VPC.PrivateSubnetCIDRs[0]: 10.0.0.0/17 overlaps VPC.PublicSubnetCIDRs[0] (10.0.0.0/24)"}},
	}
	for _, tt := range tests {
		err := tt.a.Validate()
		if tt.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error\n%v\ndoes not contain %q", tt.name, err, w)
			}
		}
	}
}

func TestValidateEncryptionAndAuth(t *testing.T) {
	tests := []struct {
		a    ClusterSpec
		want string
	}{
		{ClusterSpec{SecretsEncryption: &SecretsEncryption{CreateKey: true, KeyARN: "x"}}, "CreateKey and KeyARN are exclusive"},
		{ClusterSpec{SecretsEncryption: &SecretsEncryption{KeyARN: "arn:aws:s3:::bucket"}}, "SecretsEncryption.KeyARN"},
		{ClusterSpec{AuthenticationMode: "IAM"}, `"IAM" is not CONFIG_MAP`},
		{ClusterSpec{EndpointAccess: "internal"}, `"internal" is not public, private or both`},
		{ClusterSpec{Region: "mars-1"}, "Region:"},
		{ClusterSpec{Partition: "aws-iso"}, "Partition:"},
	}
	for _, tt := range tests {
		err := tt.a.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.a, err, tt.want)
		}
	}
}

func TestCoreDNSProfile(t *testing.T) {
	tests := []struct {
		profiles []FargateProfile
		want     int
		ok       bool
	}{
		{[]FargateProfile{DefaultProfile()}, 0, true},
		{[]FargateProfile{{Selectors: []Selector{{Namespace: "apps"}}}, {Selectors: []Selector{{Namespace: "kube-system"}}}}, 1, true},
		{[]FargateProfile{{Selectors: []Selector{{Namespace: "kube-system", Labels: map[string]string{"app": "lbc"}}}}}, 0, false},
		{[]FargateProfile{{Selectors: []Selector{{Namespace: "kube-*", Labels: map[string]string{"k8s-app": "kube-*"}}}}}, 0, true},
		{[]FargateProfile{{Selectors: []Selector{{Namespace: "*", Labels: map[string]string{"eks.amazonaws.com/*": "coredns"}}}}}, 0, true},
		{[]FargateProfile{{Selectors: []Selector{{Namespace: "default"}}}}, 0, false},
	}
	for i, tt := range tests {
		got, ok := CoreDNSProfile(tt.profiles)
		if got != tt.want || ok != tt.ok {
			t.Errorf("case %d: CoreDNSProfile = %d, %v; want %d, %v", i, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSelectorMatches(t *testing.T) {
	pod := map[string]string{"app": "web", "tier": "frontend"}
	tests := []struct {
		sel  Selector
		ns   string
		want bool
	}{
		{Selector{Namespace: "apps"}, "apps", true},
		{Selector{Namespace: "apps"}, "apps-2", false},
		{Selector{Namespace: "team-?"}, "team-a", true},
		{Selector{Namespace: "team-?"}, "team-ab", false},
		{Selector{Namespace: "*", Labels: map[string]string{"app": "web"}}, "x", true},
		{Selector{Namespace: "*", Labels: map[string]string{"app": "w*", "t?er": "front*"}}, "x", true},
		{Selector{Namespace: "*", Labels: map[string]string{"app": "api"}}, "x", false},
		{Selector{Namespace: "*", Labels: map[string]string{"app": "web", "env": "*"}}, "x", false}, // every selector label must match
	}
	for i, tt := range tests {
		if got := tt.sel.Matches(tt.ns, pod); got != tt.want {
			t.Errorf("case %d: %+v.Matches(%q) = %v", i, tt.sel, tt.ns, got)
		}
	}
}

func TestWithDefaults(t *testing.T) {
	d := ClusterSpec{ClusterName: "demo", VPC: &VPCSpec{AvailabilityZones: []string{"a", "b", "c"}}}.WithDefaults()
	if d.ClusterName != "demo" || d.VPC.CIDR != DefaultVPCCIDR || d.VPC.AZCount != 3 || d.EndpointAccess != EndpointPublicAndPrivate ||
		d.AuthenticationMode != "API_AND_CONFIG_MAP" || !*d.BootstrapClusterCreatorAdminPermissions ||
		len(d.FargateProfiles) != 1 || d.FargateProfiles[0].Name != DefaultProfileName {
		t.Errorf("defaults = %+v", d)
	}
	orig := &VPCSpec{}
	_ = ClusterSpec{VPC: orig}.WithDefaults()
	if orig.CIDR != "" {
		t.Error("WithDefaults modified the caller's VPCSpec")
	}
}

func TestValidateKubeconfigOptions(t *testing.T) {
	a := ClusterSpec{Kubeconfig: KubeconfigOptions{Exec: "kubectl", RoleARN: "arn:aws:iam::123456789012:user/x", Profile: "my profile"}}
	err := a.Validate()
	for _, w := range []string{"Kubeconfig.Exec:", "Kubeconfig.RoleARN:", "Kubeconfig.Profile:"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %s", err, w)
		}
	}
	ok := ClusterSpec{Kubeconfig: KubeconfigOptions{Exec: "aws", RoleARN: "arn:aws-cn:iam::123456789012:role/admin", Profile: "prod"}}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
}

func TestValidateThumbprints(t *testing.T) {
	bad := ClusterSpec{OIDCThumbprints: []string{"not-hex"}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "OIDCThumbprints:") {
		t.Errorf("bad thumbprint: %v", err)
	}
	good := ClusterSpec{OIDCThumbprints: []string{strings.Repeat("9e", 20)}}
	if err := good.Validate(); err != nil {
		t.Error(err)
	}
}

func TestValidateAgainstExplicitRegion(t *testing.T) {
	a := ClusterSpec{Region: "eu-west-1",
		VPC:               &VPCSpec{AvailabilityZones: []string{"eu-west-1a", "us-east-1b"}},
		SecretsEncryption: &SecretsEncryption{KeyARN: "arn:aws:kms:us-east-1:123456789012:key/k"}}
	err := a.Validate()
	for _, w := range []string{`VPC.AvailabilityZones[1]: "us-east-1b" is not a zone of region "eu-west-1"`, `SecretsEncryption.KeyARN: key is in "us-east-1"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "AvailabilityZones[0]") {
		t.Errorf("a zone of the region refused: %v", err)
	}
}
