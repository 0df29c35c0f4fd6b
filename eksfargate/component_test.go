package eksfargate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/internal/partition"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// Type tokens the tests look for.
const (
	tVpc      = "aws:ec2/vpc:Vpc"
	tSubnet   = "aws:ec2/subnet:Subnet"
	tIGW      = "aws:ec2/internetGateway:InternetGateway"
	tRT       = "aws:ec2/routeTable:RouteTable"
	tRoute    = "aws:ec2/route:Route"
	tRTA      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tEip      = "aws:ec2/eip:Eip"
	tNat      = "aws:ec2/natGateway:NatGateway"
	tTag      = "aws:ec2/tag:Tag"
	tRole     = "aws:iam/role:Role"
	tAttach   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tKey      = "aws:kms/key:Key"
	tCluster  = "aws:eks/cluster:Cluster"
	tProfile  = "aws:eks/fargateProfile:FargateProfile"
	tAddon    = "aws:eks/addon:Addon"
	tOIDC     = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	tOIDCComp = "fargatekit:irsa:OIDCProvider"
	tK8s      = "pulumi:providers:kubernetes"
	tProbe    = "aws:iam/role:Role"
)

// run builds one FargateCluster named demo and a probe role whose tags hold
// the ClusterRef values, so that the test can read them resolved.
func run(t *testing.T, args *FargateClusterArgs, opts ...mockstack.Option) (*mockstack.Graph, *FargateCluster) {
	t.Helper()
	var fc *FargateCluster
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		var err error
		fc, err = NewFargateCluster(ctx, "demo", args)
		if err != nil {
			return err
		}
		_, err = iam.NewRole(ctx, "probe", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Tags: pulumi.StringMap{
			"name": fc.Ref().Name, "region": fc.Ref().Region, "vpc": fc.Ref().VpcID, "oidcArn": fc.Ref().OIDCProviderARN,
			"issuer": fc.Ref().OIDCIssuerURL, "podRole": fc.Ref().PodExecutionRoleARN,
			"private": fc.PrivateSubnetIDs.ApplyT(func(v []string) string { return strings.Join(v, ",") }).(pulumi.StringOutput),
		}})
		return err
	}, opts...)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return g, fc
}

// existing makes subnets exist in vpc, private (a route to a NAT gateway)
// and each in the next zone of us-west-2 (the mocks' region).
func existing(vpc string, ids ...string) mockstack.Option {
	var subnets []mockstack.Subnet
	for i, id := range ids {
		subnets = append(subnets, mockstack.Subnet{ID: id, VpcID: vpc,
			Zone: "us-west-2" + string(rune('a'+i%3)), ZoneID: fmt.Sprintf("usw2-az%d", i%3+1)})
	}
	return mockstack.WithSubnets(subnets...)
}

func one(t *testing.T, g *mockstack.Graph, typ, name string) *mockstack.Resource {
	t.Helper()
	r, err := g.One(typ, name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGraphDefault(t *testing.T) {
	g, fc := run(t, nil)
	golden.Assert(t, "testdata/graph-default.txt", []byte(g.Tree("cidrBlock", "availabilityZone", "fargateProfileName", "addonName", "policyArn")))

	want := map[string]int{
		TypeToken: 1, tVpc: 1, tIGW: 1, tSubnet: 4, tRT: 3, tRoute: 3, tRTA: 4, tEip: 2, tNat: 2,
		tRole: 3 /* with the probe */, tAttach: 2, tCluster: 1, tOIDCComp: 1, tOIDC: 1, tProfile: 1, tAddon: 1 /* CoreDNS only */, tK8s: 1,
	}
	if got := g.CountByType(); !mapsEqual(got, want) {
		t.Errorf("counts = %v\nwant     %v", got, want)
	}
	comp := one(t, g, TypeToken, "demo")
	for _, r := range g.Resources {
		if r != comp && r.Name != "probe" && !g.IsDescendant(r, comp) {
			t.Errorf("%s %s is not under the component", r.Type, r.Name)
		}
	}
	cluster := one(t, g, tCluster, "demo-cluster")
	if cluster.InputString("name") != "demo" || cluster.InputString("accessConfig.authenticationMode") != "API_AND_CONFIG_MAP" {
		t.Errorf("cluster inputs: %v", cluster.Inputs)
	}
	if b, _ := cluster.Input("accessConfig.bootstrapClusterCreatorAdminPermissions"); b != true {
		t.Errorf("bootstrap admin = %v", b)
	}
	if b, _ := cluster.Input("bootstrapSelfManagedAddons"); b != false {
		t.Errorf("bootstrapSelfManagedAddons = %v", b)
	}
	for k, w := range map[string]any{"vpcConfig.endpointPublicAccess": true, "vpcConfig.endpointPrivateAccess": true} {
		if v, _ := cluster.Input(k); v != w {
			t.Errorf("%s = %v", k, v)
		}
	}
	if ids, _ := cluster.Input("vpcConfig.subnetIds"); len(ids.([]any)) != 4 {
		t.Errorf("cluster subnets = %v", ids)
	}
	if !g.DependsOn(cluster, one(t, g, tAttach, "demo-cluster-role-AmazonEKSClusterPolicy")) {
		t.Error("cluster does not wait for its role's policy")
	}

	// Subnets: tags, zones, CIDRs from SubnetLayout.
	for i, zone := range []string{"us-west-2a", "us-west-2b"} {
		n := string(rune('0' + i))
		pub, priv := one(t, g, tSubnet, "demo-public-"+n), one(t, g, tSubnet, "demo-private-"+n)
		if pub.InputString("availabilityZone") != zone || priv.InputString("availabilityZone") != zone {
			t.Errorf("zone %d: %s / %s", i, pub.InputString("availabilityZone"), priv.InputString("availabilityZone"))
		}
		checkTag := func(r *mockstack.Resource, key, want string) {
			t.Helper()
			if got := r.InputString(`tags["` + key + `"]`); got != want {
				t.Errorf("%s tag %s = %q, want %q", r.Name, key, got, want)
			}
		}
		checkTag(pub, "kubernetes.io/role/elb", "1")
		checkTag(pub, "kubernetes.io/cluster/demo", "shared")
		checkTag(priv, "kubernetes.io/role/internal-elb", "1")
		checkTag(priv, "kubernetes.io/cluster/demo", "shared")
		checkTag(priv, "Name", "demo-private-"+zone)
		if _, has := pub.Input(`tags["kubernetes.io/role/internal-elb"]`); has {
			t.Errorf("public subnet %d has the internal-elb tag", i)
		}
		// Each private zone routes through its own NAT gateway.
		route := one(t, g, tRoute, "demo-private-"+n+"-nat")
		if !g.DependsOn(route, one(t, g, tNat, "demo-nat-"+n)) {
			t.Errorf("private route %d does not use NAT %d", i, i)
		}
	}

	// Pod-execution role trust: the aws:SourceArn condition.
	role := one(t, g, tRole, "demo-pod-execution-role")
	doc, err := iampolicy.Parse([]byte(role.InputString("assumeRolePolicy")))
	if err != nil {
		t.Fatal(err)
	}
	want2, _ := sdk.PodExecutionRoleTrust(partitionOf(t, "us-west-2"), "us-west-2", "123456789012", "demo")
	if !iampolicy.Equivalent(doc, want2) {
		t.Errorf("pod-execution trust = %s", doc)
	}
	if got := doc.Statement[0].Condition["ArnLike"]["aws:SourceArn"]; !slices.Equal(got, iampolicy.Values{"arn:aws:eks:us-west-2:123456789012:fargateprofile/demo/*"}) {
		t.Errorf("aws:SourceArn = %v", got)
	}

	// Profile: private subnets only, the pod-execution role, after the network.
	fp := one(t, g, tProfile, "demo-profile-fp-default")
	ids, _ := fp.Input("subnetIds")
	if want := []any{one(t, g, tSubnet, "demo-private-0").ID, one(t, g, tSubnet, "demo-private-1").ID}; !slices.Equal(ids.([]any), want) {
		t.Errorf("profile subnets = %v, want the private ones %v", ids, want)
	}
	for _, r := range []*mockstack.Resource{one(t, g, tRoute, "demo-private-1-nat"), one(t, g, tAttach, "demo-pod-execution-role-AmazonEKSFargatePodExecutionRolePolicy")} {
		if !g.DependsOn(fp, r) {
			t.Errorf("profile does not wait for %s", r.Name)
		}
	}
	if fp.InputString("podExecutionRoleArn") != "arn:aws:iam::123456789012:role/demo-pod-execution-role" {
		t.Errorf("podExecutionRoleArn = %s", fp.InputString("podExecutionRoleArn"))
	}

	// CoreDNS: on Fargate, after the profile; all add-ons overwrite conflicts.
	coredns := one(t, g, tAddon, "demo-coredns")
	if coredns.InputString("configurationValues") != `{"computeType":"Fargate"}` || !g.DependsOn(coredns, fp) {
		t.Errorf("coredns = %v (after profile: %v)", coredns.Inputs, g.DependsOn(coredns, fp))
	}
	for _, a := range g.ByType(tAddon) {
		if a.InputString("resolveConflictsOnCreate") != "OVERWRITE" || a.InputString("resolveConflictsOnUpdate") != "OVERWRITE" {
			t.Errorf("%s does not overwrite conflicts", a.Name)
		}
		// Unpinned: EKS's default for the cluster's version (getAddonVersion; the mock's answer).
		if v := a.InputString("addonVersion"); v != "v1.36.0-eksbuild.1" {
			t.Errorf("%s version %q, want the default for 1.36", a.Name, v)
		}
	}
	if fc.KubeProxy != nil || fc.VpcCNI != nil {
		t.Error("kube-proxy or vpc-cni installed on a Fargate-only cluster by default")
	}
	if !slices.Equal(fc.Ready(), []pulumi.Resource{fc.CoreDNS, fc.Profiles[len(fc.Profiles)-1]}) {
		t.Error("Ready() is not the CoreDNS add-on and the last profile")
	}

	// Kubeconfig: a secret, rendered by kubeauth, fed to the provider.
	k8s := one(t, g, tK8s, "demo-k8s")
	if !k8s.IsSecretInput("kubeconfig") {
		t.Error("kubeconfig is not secret")
	}
	var kc struct {
		Clusters []struct {
			Cluster struct {
				Server string `json:"server"`
			} `json:"cluster"`
		} `json:"clusters"`
		Users []struct {
			User struct {
				Exec struct {
					Command string   `json:"command"`
					Args    []string `json:"args"`
				} `json:"exec"`
			} `json:"user"`
		} `json:"users"`
	}
	if err := yaml.Unmarshal([]byte(k8s.InputString("kubeconfig")), &kc); err != nil {
		t.Fatal(err)
	}
	endpoint, _ := cluster.Output("endpoint")
	if len(kc.Clusters) != 1 || kc.Clusters[0].Cluster.Server != endpoint || len(kc.Users) != 1 ||
		kc.Users[0].User.Exec.Command != "fargatekit" ||
		!slices.Equal(kc.Users[0].User.Exec.Args, []string{"token", "--cluster-name", "demo", "--region", "us-west-2"}) {
		t.Errorf("kubeconfig = %+v", kc)
	}

	// The ClusterRef values resolve.
	probe := one(t, g, tProbe, "probe")
	oidc := one(t, g, tOIDC, "demo-oidc")
	issuer, _ := oidc.Input("url")
	for k, w := range map[string]string{
		"name": "demo", "region": "us-west-2", "vpc": one(t, g, tVpc, "demo-vpc").ID,
		"oidcArn": oidc.ID, "issuer": issuer.(string),
		"podRole": "arn:aws:iam::123456789012:role/demo-pod-execution-role",
		"private": one(t, g, tSubnet, "demo-private-0").ID + "," + one(t, g, tSubnet, "demo-private-1").ID,
	} {
		if got := probe.InputString(`tags["` + k + `"]`); got != w || w == "" {
			t.Errorf("ClusterRef %s = %q, want %q", k, got, w)
		}
	}
	if !strings.HasPrefix(issuer.(string), "https://oidc.eks.us-west-2.amazonaws.com/id/") {
		t.Errorf("issuer = %s", issuer)
	}
	if !fc.Ref().FargateOnly || !fc.Ref().HasFargateProfiles || fc.Ref().Mode() != "API_AND_CONFIG_MAP" || fc.Ref().KubernetesProvider != fc.Provider {
		t.Error("plain ClusterRef values")
	}
}

func partitionOf(t *testing.T, region string) partition.Partition {
	t.Helper()
	p, err := partition.ForRegion(region)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestProfileChainAndCoreDNSOrder(t *testing.T) {
	args := &FargateClusterArgs{
		ClusterSpec: ClusterSpec{
			FargateProfiles: []FargateProfile{
				{Name: "apps", Selectors: []Selector{{Namespace: "apps"}}},
				{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}},
				{Name: "jobs", Selectors: []Selector{{Namespace: "jobs", Labels: map[string]string{"fargate": "yes"}}}, Tags: map[string]string{"cost": "batch"}},
				{Name: "monitoring", Selectors: []Selector{{Namespace: "monitoring"}}},
			},
			Addons: Addons{CoreDNSVersion: "v1.11.4-eksbuild.2", VpcCNIVersion: "v1.19.2-eksbuild.1",
				CoreDNS: CoreDNSConfig{Replicas: 3}},
			Tags: map[string]string{"team": "platform"},
		},
	}
	g, _ := run(t, args)
	profiles := g.ByType(tProfile)
	if len(profiles) != 4 {
		t.Fatalf("%d profiles", len(profiles))
	}
	for i, p := range profiles {
		if p.Name != "demo-profile-"+args.FargateProfiles[i].Name || p.InputString("fargateProfileName") != sdk.ProfileName(args.FargateProfiles[i]) {
			t.Errorf("profile %d is %s", i, p.Name)
		}
		if i == 0 {
			continue
		}
		prev := profiles[i-1]
		if !slices.Contains(p.DependsOn, prev.URN) {
			t.Errorf("profile %s does not depend directly on %s", p.Name, prev.Name)
		}
		if g.DependsOn(prev, p) {
			t.Errorf("profile %s waits for the later %s", prev.Name, p.Name)
		}
	}
	jobs := one(t, g, tProfile, "demo-profile-jobs")
	if jobs.InputString(`selectors[0].labels["fargate"]`) != "yes" || jobs.InputString(`tags["cost"]`) != "batch" || jobs.InputString(`tags["team"]`) != "platform" {
		t.Errorf("jobs profile inputs = %v", jobs.Inputs)
	}
	coredns := one(t, g, tAddon, "demo-coredns")
	system := one(t, g, tProfile, "demo-profile-system")
	if !slices.Contains(coredns.DependsOn, system.URN) {
		t.Error("CoreDNS does not depend on the kube-system profile")
	}
	if g.DependsOn(coredns, one(t, g, tProfile, "demo-profile-jobs")) {
		t.Error("CoreDNS waits for a later profile")
	}
	if coredns.InputString("addonVersion") != "v1.11.4-eksbuild.2" || coredns.InputString("configurationValues") != `{"computeType":"Fargate","replicaCount":3}` {
		t.Errorf("coredns inputs = %v", coredns.Inputs)
	}
	if v := one(t, g, tAddon, "demo-vpc-cni").InputString("addonVersion"); v != "v1.19.2-eksbuild.1" {
		t.Errorf("vpc-cni version = %q", v)
	}
}

func TestPartitionAwareness(t *testing.T) {
	for _, tt := range []struct{ region, part, suffix string }{
		{"cn-north-1", "aws-cn", "amazonaws.com.cn"}, {"us-gov-west-1", "aws-us-gov", "amazonaws.com"},
	} {
		g, fc := run(t, nil, mockstack.WithRegion(tt.region), mockstack.WithAccount("210987654321"))
		for _, a := range g.ByType(tAttach) {
			if !strings.HasPrefix(a.InputString("policyArn"), "arn:"+tt.part+":iam::aws:policy/AmazonEKS") {
				t.Errorf("%s: policy ARN %s", tt.region, a.InputString("policyArn"))
			}
		}
		doc, err := iampolicy.Parse([]byte(one(t, g, tRole, "demo-pod-execution-role").InputString("assumeRolePolicy")))
		if err != nil {
			t.Fatal(err)
		}
		if got := doc.Statement[0].Condition["ArnLike"]["aws:SourceArn"][0]; got != "arn:"+tt.part+":eks:"+tt.region+":210987654321:fargateprofile/demo/*" {
			t.Errorf("%s: aws:SourceArn = %s", tt.region, got)
		}
		oidc := one(t, g, tOIDC, "demo-oidc")
		if url := oidc.InputString("url"); !strings.HasPrefix(url, "https://oidc.eks."+tt.region+"."+tt.suffix+"/id/") {
			t.Errorf("%s: issuer %s", tt.region, url)
		}
		if !strings.HasPrefix(oidc.ID, "arn:"+tt.part+":iam::210987654321:oidc-provider/oidc.eks."+tt.region+"."+tt.suffix+"/id/") {
			t.Errorf("%s: OIDC provider ARN %s", tt.region, oidc.ID)
		}
		if fc.PartitionID != tt.part || fc.AccountID != "210987654321" {
			t.Errorf("%s: located in %s/%s", tt.region, fc.PartitionID, fc.AccountID)
		}
		if one(t, g, tSubnet, "demo-private-0").InputString("availabilityZone") != tt.region+"a" {
			t.Errorf("%s: zones not from getAvailabilityZones", tt.region)
		}
	}
}

func TestExplicitLocationChecked(t *testing.T) {
	spec := ClusterSpec{
		Region:    "eu-central-1",
		AccountID: "111122223333",
		VPC:       &VPCSpec{AvailabilityZones: []string{"eu-central-1b", "eu-central-1c"}},
	}
	g, fc := run(t, &FargateClusterArgs{ClusterSpec: spec},
		mockstack.WithRegion("eu-central-1"), mockstack.WithAccount("111122223333"))
	if fc.PartitionID != "aws" {
		t.Errorf("partition %s", fc.PartitionID)
	}
	if z := one(t, g, tSubnet, "demo-public-1").InputString("availabilityZone"); z != "eu-central-1c" {
		t.Errorf("zone = %s", z)
	}
	if got := one(t, g, tProbe, "probe").InputString(`tags["region"]`); got != "eu-central-1" {
		t.Errorf("region = %s", got)
	}

	// The provider elsewhere: refused before any child registers.
	for _, opts := range [][]mockstack.Option{
		{mockstack.WithRegion("eu-west-1"), mockstack.WithAccount("111122223333")},
		{mockstack.WithRegion("eu-central-1"), mockstack.WithAccount("999999999999")},
	} {
		g, err := mockstack.Run(func(ctx *pulumi.Context) error {
			_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: spec})
			return err
		}, opts...)
		if !errors.Is(err, sdk.ErrLocationMismatch) || !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("mismatch: err = %v", err)
		}
		if g.Len() != 1 || g.Resources[0].Type != TypeToken {
			t.Errorf("mismatch registered:\n%s", g.Tree())
		}
	}
}

func TestInvokeFailureAndZoneShortage(t *testing.T) {
	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{VPC: &VPCSpec{AZCount: 4}}})
		return err
	})
	if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "has 3 available zones, AZCount is 4") {
		t.Errorf("err = %v", err)
	}
	_, err = mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{Partition: "aws-cn"}})
		return err
	})
	if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), `region "us-west-2" is in partition "aws"`) {
		t.Errorf("partition mismatch err = %v", err)
	}
}

func TestSingleNATAndOptions(t *testing.T) {
	args := &FargateClusterArgs{
		ClusterSpec: ClusterSpec{
			ClusterName:                             "prod-eks",
			KubernetesVersion:                       "1.33",
			VPC:                                     &VPCSpec{CIDR: "10.20.0.0/16", AZCount: 3, SingleNATGateway: true},
			EndpointAccess:                          EndpointPublic,
			PublicAccessCIDRs:                       []string{"203.0.113.0/24"},
			LogTypes:                                []string{"api", "audit"},
			SecretsEncryption:                       &SecretsEncryption{CreateKey: true},
			AuthenticationMode:                      "API",
			BootstrapClusterCreatorAdminPermissions: new(false),
			Kubeconfig:                              KubeconfigOptions{Exec: "aws", RoleARN: "arn:aws:iam::123456789012:role/admin", Profile: "prod"},
		},
	}
	g, _ := run(t, args)
	counts := g.CountByType()
	if counts[tNat] != 1 || counts[tEip] != 1 || counts[tSubnet] != 6 || counts[tKey] != 1 {
		t.Errorf("counts = %v", counts)
	}
	nat := one(t, g, tNat, "demo-nat-0")
	for i := range 3 {
		if !g.DependsOn(one(t, g, tRoute, "demo-private-"+string(rune('0'+i))+"-nat"), nat) {
			t.Errorf("private zone %d does not route through the single NAT", i)
		}
	}
	cluster := one(t, g, tCluster, "demo-cluster")
	key := one(t, g, tKey, "demo-secrets")
	checks := map[string]any{
		"name": "prod-eks", "version": "1.33",
		"vpcConfig.endpointPublicAccess": true, "vpcConfig.endpointPrivateAccess": false,
		"vpcConfig.publicAccessCidrs[0]":  "203.0.113.0/24",
		"enabledClusterLogTypes[1]":       "audit",
		"accessConfig.authenticationMode": "API", "accessConfig.bootstrapClusterCreatorAdminPermissions": false,
		"encryptionConfig.resources[0]": "secrets",
	}
	for k, w := range checks {
		if v, _ := cluster.Input(k); v != w {
			t.Errorf("cluster %s = %v, want %v", k, v, w)
		}
	}
	if arn, _ := key.Output("arn"); cluster.InputString("encryptionConfig.provider.keyArn") != arn {
		t.Errorf("encryption key = %s, want %v", cluster.InputString("encryptionConfig.provider.keyArn"), arn)
	}
	if r, _ := key.Input("enableKeyRotation"); r != true {
		t.Error("key rotation off")
	}
	kc := one(t, g, tK8s, "demo-k8s").InputString("kubeconfig")
	for _, w := range []string{"command: aws", "- get-token", "- prod-eks", "- --role-arn", "value: prod", "AWS_PROFILE"} {
		if !strings.Contains(kc, w) {
			t.Errorf("kubeconfig lacks %q:\n%s", w, kc)
		}
	}
	for _, s := range g.ByType(tSubnet) {
		if _, ok := s.Input(`tags["kubernetes.io/cluster/prod-eks"]`); !ok {
			t.Errorf("subnet %s lacks the cluster tag", s.Name)
		}
	}
}

func TestExistingNetwork(t *testing.T) {
	args := &FargateClusterArgs{
		ClusterSpec: ClusterSpec{
			Existing: &ExistingNetwork{
				VpcID:            "vpc-0abc",
				PrivateSubnetIDs: []string{"subnet-p1", "subnet-p2"},
				PublicSubnetIDs:  []string{"subnet-u1"},
			},
		},
	}
	net := existing("vpc-0abc", "subnet-p1", "subnet-p2", "subnet-u1")
	g, _ := run(t, args, net)
	for _, typ := range []string{tVpc, tSubnet, tIGW, tNat, tEip, tRT, tRoute, tRTA, tTag} {
		if n := len(g.ByType(typ)); n != 0 {
			t.Errorf("%d %s created on an existing network", n, typ)
		}
	}
	cluster := one(t, g, tCluster, "demo-cluster")
	ids, _ := cluster.Input("vpcConfig.subnetIds")
	if !slices.Equal(ids.([]any), []any{"subnet-p1", "subnet-p2", "subnet-u1"}) {
		t.Errorf("cluster subnets = %v", ids)
	}
	fpIDs, _ := one(t, g, tProfile, "demo-profile-fp-default").Input("subnetIds")
	if !slices.Equal(fpIDs.([]any), []any{"subnet-p1", "subnet-p2"}) {
		t.Errorf("profile subnets = %v", fpIDs)
	}
	probe := one(t, g, tProbe, "probe")
	if probe.InputString(`tags["vpc"]`) != "vpc-0abc" || probe.InputString(`tags["private"]`) != "subnet-p1,subnet-p2" {
		t.Errorf("ClusterRef over an existing network: %v", probe.Inputs["tags"])
	}

	// Private subnets only: the cluster gets no public subnets.
	args.Existing.PublicSubnetIDs = nil
	args.Existing.TagSubnets = true
	g, _ = run(t, args, net)
	ids, _ = one(t, g, tCluster, "demo-cluster").Input("vpcConfig.subnetIds")
	if !slices.Equal(ids.([]any), []any{"subnet-p1", "subnet-p2"}) {
		t.Errorf("cluster subnets = %v", ids)
	}
	tags := g.ByType(tTag)
	if len(tags) != 6 {
		t.Fatalf("%d tags, want 6 (2 subnets x cluster, internal-elb, record)", len(tags))
	}
	if v := one(t, g, tTag, "demo-private-0-record-tag").InputString("value"); v != "kubernetes.io/cluster/demo,kubernetes.io/role/internal-elb" {
		t.Errorf("record = %q", v)
	}
	tag := one(t, g, tTag, "demo-private-1-internal-elb-tag")
	if tag.InputString("resourceId") != "subnet-p2" || tag.InputString("key") != "kubernetes.io/role/internal-elb" || tag.InputString("value") != "1" {
		t.Errorf("tag inputs = %v", tag.Inputs)
	}
	if one(t, g, tTag, "demo-private-0-cluster-tag").InputString("key") != "kubernetes.io/cluster/demo" {
		t.Error("cluster tag key")
	}
}

// A network given as inputs (what awsx and stack references give): the same
// cluster as by plain IDs, and the lists checked once known.
func TestNetworkInputs(t *testing.T) {
	out := func(ids ...string) pulumi.StringArrayOutput { return pulumi.ToStringArray(ids).ToStringArrayOutput() }
	g, _ := run(t, &FargateClusterArgs{Network: &NetworkArgs{
		VpcID: pulumi.String("vpc-0abc").ToStringOutput(), PrivateSubnetIDs: out("subnet-p1", "subnet-p2"), PublicSubnetIDs: out("subnet-u1"),
	}})
	if n := len(g.ByType(tVpc)) + len(g.ByType(tSubnet)) + len(g.ByType(tTag)); n != 0 {
		t.Errorf("%d network resources created for a given network", n)
	}
	ids, _ := one(t, g, tCluster, "demo-cluster").Input("vpcConfig.subnetIds")
	if !slices.Equal(ids.([]any), []any{"subnet-p1", "subnet-p2", "subnet-u1"}) {
		t.Errorf("cluster subnets = %v", ids)
	}
	fpIDs, _ := one(t, g, tProfile, "demo-profile-fp-default").Input("subnetIds")
	if !slices.Equal(fpIDs.([]any), []any{"subnet-p1", "subnet-p2"}) {
		t.Errorf("profile subnets = %v", fpIDs)
	}
	if probe := one(t, g, tProbe, "probe"); probe.InputString(`tags["vpc"]`) != "vpc-0abc" {
		t.Errorf("ClusterRef VPC = %q", probe.InputString(`tags["vpc"]`))
	}

	// One private subnet, known only at apply: refused with the spec's rule.
	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{Network: &NetworkArgs{
			VpcID: pulumi.String("vpc-0abc"), PrivateSubnetIDs: out("subnet-p1"),
		}})
		return err
	})
	if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "Existing.PrivateSubnetIDs: 1 given") {
		t.Errorf("one subnet: err = %v", err)
	}
}

func TestRefusedSpecRegistersNothing(t *testing.T) {
	for name, args := range map[string]*FargateClusterArgs{
		"bad profile":     {ClusterSpec: ClusterSpec{FargateProfiles: []FargateProfile{{Name: "apps", Selectors: []Selector{{Namespace: "apps"}}}}}},
		"bad cidr":        {ClusterSpec: ClusterSpec{VPC: &VPCSpec{CIDR: "10.0.0.0/8"}}},
		"bad name":        {ClusterSpec: ClusterSpec{ClusterName: "no spaces"}},
		"component name":  nil, // the component's name is not a valid cluster name
		"byo without ids": {ClusterSpec: ClusterSpec{Existing: &ExistingNetwork{}}},
		"network and vpc": {ClusterSpec: ClusterSpec{VPC: &VPCSpec{}}, Network: &NetworkArgs{VpcID: pulumi.String("vpc-1"), PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-1", "subnet-2"})}},
		"key twice":       {ClusterSpec: ClusterSpec{SecretsEncryption: &SecretsEncryption{CreateKey: true}}, SecretsKeyARN: pulumi.String("arn:aws:kms:us-west-2:123456789012:key/k")},
	} {
		compName := "demo"
		if name == "component name" {
			compName = "demo.cluster"
		}
		g, err := mockstack.Run(func(ctx *pulumi.Context) error {
			_, err := NewFargateCluster(ctx, compName, args)
			return err
		})
		if !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%s: err = %v", name, err)
		}
		if g.Len() != 0 {
			t.Errorf("%s: registered %d resources:\n%s", name, g.Len(), g.Tree())
		}
	}
}

func TestProviderPassedThrough(t *testing.T) {
	var mu sync.Mutex
	invokedWith := map[string]string{}
	record := func(token string, out map[string]any) mockstack.Option {
		return mockstack.WithCall(token, func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
			mu.Lock()
			defer mu.Unlock()
			invokedWith[token] = args.Provider
			return resource.NewPropertyMapFromMap(out), nil
		})
	}
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "west", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
		if err != nil {
			return err
		}
		_, err = NewFargateCluster(ctx, "demo", nil, pulumi.Provider(p))
		return err
	},
		record("aws:index/getRegion:getRegion", map[string]any{"name": "us-west-2", "id": "us-west-2"}),
		record("aws:index/getPartition:getPartition", map[string]any{"partition": "aws", "id": "aws", "dnsSuffix": "amazonaws.com"}),
		record("aws:index/getCallerIdentity:getCallerIdentity", map[string]any{"accountId": "123456789012", "id": "123456789012"}),
		record("aws:index/getAvailabilityZones:getAvailabilityZones", map[string]any{"names": []any{"us-west-2a", "us-west-2b"}, "id": "us-west-2"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(invokedWith) != 4 {
		t.Errorf("invokes = %v", invokedWith)
	}
	for tok, p := range invokedWith {
		if !strings.Contains(p, "::pulumi:providers:aws::west::") {
			t.Errorf("%s invoked with provider %q, not the component's", tok, p)
		}
	}
	for _, r := range g.Resources {
		if !r.Custom || !strings.HasPrefix(r.Type, "aws:") || r.Type == "pulumi:providers:aws" {
			continue
		}
		if !strings.Contains(r.Provider, "::pulumi:providers:aws::west::") {
			t.Errorf("%s %s uses provider %q", r.Type, r.Name, r.Provider)
		}
	}
}
