package eksfargate_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go/middleware"

	"github.com/fargatekit/fargatekit/internal/eksaddonfake"
	"github.com/fargatekit/fargatekit/internal/mototest"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// callLog records every AWS SDK call, through a middleware on the real clients.
type callLog struct {
	mu    sync.Mutex
	calls []string
}

func (l *callLog) add(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("fargatekit-test-calls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			l.mu.Lock()
			l.calls = append(l.calls, awsmiddleware.GetServiceID(ctx)+" "+awsmiddleware.GetOperationName(ctx))
			l.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// writes returns the calls that are not reads, and resets the log.
func (l *callLog) writes() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, c := range l.calls {
		op := c[strings.LastIndexByte(c, ' ')+1:] // service IDs have spaces ("CloudWatch Logs")
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") {
			out = append(out, c)
		}
	}
	l.calls = nil
	return out
}

func addonWrites(f *eksaddonfake.EKS, from int) []string {
	var out []string
	for _, c := range f.Calls()[from:] {
		out = append(out, "EKS "+c+" (add-on fake)")
	}
	return out
}

// env is a moto_server with IAM's managed policies, the real clients with a
// call log, and the add-on fake in front of EKS.
type env struct {
	cfg     aws.Config
	clients *sdk.Clients
	log     *callLog
	addons  *eksaddonfake.EKS
}

func newEnv(t *testing.T) *env {
	t.Helper()
	// AttachRolePolicy needs the AWS managed policies, which moto loads on request.
	t.Setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
	srv := mototest.New(t)
	e := &env{log: &callLog{}}
	e.cfg = srv.Config("eu-west-1")
	e.cfg.APIOptions = append(e.cfg.APIOptions, e.log.add)
	e.clients = sdk.NewClients(e.cfg)
	w := eksaddonfake.Wrap(eks.NewFromConfig(e.cfg))
	ca, err := eksaddonfake.SelfSignedCA()
	if err != nil {
		t.Fatal(err)
	}
	w.Fake.CertificateAuthority = ca
	w.Fake.Offer(eksaddonfake.AssumedAddonVersions()...) // CoreDNS on 1.36
	w.Fake.EC2 = ec2.NewFromConfig(e.cfg)                // the cluster security group
	e.clients.EKS, e.addons = w, w.Fake
	return e
}

var fast = []sdk.RunOption{sdk.PollEvery(time.Millisecond, 5*time.Millisecond), sdk.RetryIAM(3, time.Millisecond), sdk.WaitAtMost(time.Minute)}

func testSpec() sdk.ClusterSpec {
	return sdk.ClusterSpec{
		ClusterName:       "prod",
		Tags:              map[string]string{"team": "platform"},
		SecretsEncryption: &sdk.SecretsEncryption{CreateKey: true},
		FargateProfiles: []sdk.FargateProfile{
			{Name: "apps", Selectors: []sdk.Selector{{Namespace: "apps"}}},
			{Name: "system", Selectors: []sdk.Selector{{Namespace: "kube-system"}}, Tags: map[string]string{"cost": "system"}},
		},
		Addons: sdk.Addons{CoreDNS: sdk.CoreDNSConfig{Replicas: 3}},
	}
}

func indexOf(changes []sdk.Change, action sdk.Action, resourcePrefix string) int {
	return slices.IndexFunc(changes, func(c sdk.Change) bool {
		return c.Action == action && strings.HasPrefix(c.Resource, resourcePrefix)
	})
}

func TestApplyOnMoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	spec := testSpec()
	var waits int
	out, err := sdk.Apply(ctx, e.clients, spec, append(fast, sdk.OnProgress(func(c sdk.Change) {
		if c.Action == sdk.ActionWait {
			waits++
		}
	}))...)
	if err != nil {
		t.Fatal(err)
	}
	first := append(e.log.writes(), addonWrites(e.addons, 0)...)
	t.Logf("first Apply: %d write calls: %s", len(first), strings.Join(first, ", "))
	// 1 VPC + 2 attributes, IGW + attach, 4 subnets, 2 EIPs, 2 NATs, 3 route
	// tables + 3 routes + 4 associations, 2 roles + 2 attachments, KMS key
	// + rotation + alias, cluster, OIDC provider, 2 profiles, 1 add-on.
	if len(first) < 27 {
		t.Errorf("first Apply made %d write calls, want at least 27", len(first))
	}
	if waits == 0 {
		t.Error("no progress reported while waiting")
	}
	if len(out.PrivateSubnetIDs) != 2 || len(out.PublicSubnetIDs) != 2 || len(out.NATGatewayIDs) != 2 || out.VpcID == "" ||
		out.ClusterARN == "" || out.OIDCProviderARN == "" || out.SecretsKeyARN == "" || len(out.Profiles) != 2 ||
		!slices.Equal(out.Addons, []string{"coredns@v1.13.2-eksbuild.4"}) || !strings.HasPrefix(out.ClusterSecurityGroupID, "sg-") {
		t.Errorf("outputs: %+v", out)
	}
	if !strings.Contains(out.Kubeconfig, out.Endpoint) || !strings.Contains(out.Kubeconfig, "fargatekit") {
		t.Errorf("kubeconfig:\n%s", out.Kubeconfig)
	}
	// CoreDNS comes after the profile that selects its pods, which comes after "apps".
	ch := out.Changes
	apps, system, coredns := indexOf(ch, sdk.ActionCreate, "Fargate profile apps-"), indexOf(ch, sdk.ActionCreate, "Fargate profile system-"), indexOf(ch, sdk.ActionCreate, "addon coredns")
	if !(apps >= 0 && apps < system && system < coredns) {
		t.Errorf("order: apps profile %d, system profile %d, coredns %d", apps, system, coredns)
	}

	// What moto now holds is what the renderers say.
	ec2c, iamc := ec2.NewFromConfig(e.cfg), iam.NewFromConfig(e.cfg)
	subnets, err := ec2c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: out.PublicSubnetIDs})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subnets.Subnets {
		tags := map[string]string{}
		for _, tg := range s.Tags {
			tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		if tags[sdk.TagELB] != "1" || tags["kubernetes.io/cluster/prod"] != "shared" || tags[sdk.TagCluster] != "prod" || tags["team"] != "platform" {
			t.Errorf("public subnet %s tags %v", aws.ToString(s.SubnetId), tags)
		}
	}
	role, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(sdk.RoleName("prod", sdk.PartPodExecutionRole))})
	if err != nil || aws.ToString(role.Role.Arn) != out.PodExecutionRoleARN {
		t.Fatalf("pod-execution role: %v", err)
	}
	addon, err := e.clients.EKS.DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String("prod"), AddonName: aws.String("coredns")})
	if err != nil || aws.ToString(addon.Addon.ConfigurationValues) != `{"computeType":"Fargate","replicaCount":3}` {
		t.Errorf("coredns add-on: %v %v", err, addon)
	}
	cl, err := e.clients.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("prod")})
	if err != nil || len(cl.Cluster.ResourcesVpcConfig.SubnetIds) != 4 || aws.ToString(cl.Cluster.RoleArn) != out.ClusterRoleARN ||
		len(cl.Cluster.EncryptionConfig) != 1 || cl.Cluster.Tags[sdk.TagCluster] != "prod" {
		t.Errorf("cluster: %v %+v", err, cl)
	}
	fp, err := e.clients.EKS.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String("prod"), FargateProfileName: aws.String(out.Profiles[1])})
	if err != nil || fp.FargateProfile.Tags["cost"] != "system" || fp.FargateProfile.Tags[sdk.TagPart] != "profile-system" ||
		aws.ToString(fp.FargateProfile.PodExecutionRoleArn) != out.PodExecutionRoleARN {
		t.Errorf("profile: %v %+v", err, fp)
	}

	// Second run: nothing to write.
	calls := len(e.addons.Calls())
	again, err := sdk.Apply(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	if w := append(e.log.writes(), addonWrites(e.addons, calls)...); len(w) != 0 || sdk.Writes(again.Changes) != 0 {
		t.Errorf("second Apply wrote %d calls (%v), changes %d", len(w), w, sdk.Writes(again.Changes))
	}
	if again.ClusterARN != out.ClusterARN || !slices.Equal(again.PrivateSubnetIDs, out.PrivateSubnetIDs) || again.Kubeconfig != out.Kubeconfig {
		t.Errorf("second Apply outputs differ: %+v", again)
	}

	// kube-proxy turned on: one add-on created, at its default for 1.36.
	spec.Addons.KubeProxy = true
	calls = len(e.addons.Calls())
	out, err = sdk.Apply(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	if w := append(e.log.writes(), addonWrites(e.addons, calls)...); len(w) != 1 || !strings.Contains(w[0], "CreateAddon kube-proxy") ||
		!slices.Contains(out.Addons, "kube-proxy@v1.36.0-eksbuild.14") {
		t.Errorf("kube-proxy on wrote %v (%v)", w, out.Addons)
	}
	// A pinned add-on version EKS offers for the cluster's version is an
	// in-place update, and the only write.
	e.addons.Offer(eksaddonfake.AddonVersion{Addon: "coredns", Version: "v1.13.1-eksbuild.2", Kubernetes: []string{"1.36"}}) // a second version for this test
	spec.Addons.CoreDNSVersion = "v1.13.1-eksbuild.2"
	calls = len(e.addons.Calls())
	if _, err := sdk.Apply(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	if w := append(e.log.writes(), addonWrites(e.addons, calls)...); len(w) != 1 || !strings.Contains(w[0], "UpdateAddon coredns") {
		t.Errorf("version pin wrote %v", w)
	}
	// One it does not offer is refused before any write, with the versions it does.
	spec.Addons.CoreDNSVersion = "v1.11.4-eksbuild.33"
	spec.Tags["new"] = "tag" // would be a write, if anything were written
	_, err = sdk.Apply(ctx, e.clients, spec, fast...)
	var ave *sdk.AddonVersionError
	if !errors.Is(err, sdk.ErrAddonVersionIncompatible) || !errors.As(err, &ave) || ave.Addon != "coredns" || !slices.Contains(ave.Compatible, "v1.13.2-eksbuild.4") {
		t.Errorf("incompatible pin: %v", err)
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Errorf("an incompatible pin wrote %v", w)
	}
}

func TestApplyExistingNetworkOnMoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ec2c := ec2.NewFromConfig(e.cfg)
	vpc, err := ec2c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	var private []string
	for i, z := range []string{"eu-west-1a", "eu-west-1b"} {
		s, err := ec2c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String([]string{"10.1.0.0/20", "10.1.16.0/20"}[i]), AvailabilityZone: aws.String(z)})
		if err != nil {
			t.Fatal(err)
		}
		private = append(private, aws.ToString(s.Subnet.SubnetId))
	}
	spec := sdk.ClusterSpec{ClusterName: "byo", Existing: &sdk.ExistingNetwork{VpcID: aws.ToString(vpc.Vpc.VpcId), PrivateSubnetIDs: private, TagSubnets: true}}
	out, err := sdk.Apply(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	if out.VpcID != spec.Existing.VpcID || out.InternetGatewayID != "" || len(out.NATGatewayIDs) != 0 {
		t.Errorf("outputs on an existing network: %+v", out)
	}
	got, err := ec2c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: private})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range got.Subnets {
		if !slices.ContainsFunc(s.Tags, func(tg ec2types.Tag) bool { return aws.ToString(tg.Key) == sdk.TagInternalELB }) {
			t.Errorf("subnet %s not tagged: %v", aws.ToString(s.SubnetId), s.Tags)
		}
	}
	e.log.writes()
	if _, err := sdk.Apply(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Errorf("second Apply on an existing network wrote %v", w)
	}
	// Delete leaves the network it did not create.
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	if _, err := ec2c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{spec.Existing.VpcID}}); err != nil {
		t.Errorf("the existing VPC is gone: %v", err)
	}
}

func TestApplyRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Invalid spec: nothing is called at all.
	if _, err := sdk.Apply(ctx, e.clients, sdk.ClusterSpec{ClusterName: "x", KubernetesVersion: "1.99"}, fast...); !errors.Is(err, sdk.ErrUnsupportedKubernetesVersion) {
		t.Errorf("bad version: %v", err)
	}
	if _, err := sdk.Apply(ctx, e.clients, sdk.ClusterSpec{}, fast...); !errors.Is(err, sdk.ErrInvalidSpec) {
		t.Errorf("no name: %v", err)
	}
	if _, err := sdk.Apply(ctx, e.clients, sdk.ClusterSpec{ClusterName: "x", Region: "us-east-1"}, fast...); !errors.Is(err, sdk.ErrLocationMismatch) {
		t.Errorf("other region: %v", err)
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Errorf("refused specs wrote %v", w)
	}
	// A cluster of the name made by someone else is not adopted.
	eksc := eks.NewFromConfig(e.cfg)
	if _, err := eksc.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("theirs"), RoleArn: aws.String("arn:aws:iam::123456789012:role/x"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}}); err != nil {
		t.Fatal(err)
	}
	_, err := sdk.Apply(ctx, e.clients, sdk.ClusterSpec{ClusterName: "theirs"}, fast...)
	if !errors.Is(err, sdk.ErrNotOwned) {
		t.Errorf("someone else's cluster: %v", err)
	}
	if _, err := sdk.Delete(ctx, e.clients, sdk.ClusterSpec{ClusterName: "theirs"}, fast...); !errors.Is(err, sdk.ErrNotOwned) {
		t.Errorf("Delete of someone else's cluster: %v", err)
	}
	if _, err := eksc.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("theirs")}); err != nil {
		t.Errorf("their cluster is gone: %v", err)
	}
}

// iamLag makes EKS refuse the roles the first n times, as it does while IAM propagates.
type iamLag struct {
	sdk.ClusterAPI
	clusterRefusals, profileRefusals int
}

func (l *iamLag) CreateCluster(ctx context.Context, in *eks.CreateClusterInput, optFns ...func(*eks.Options)) (*eks.CreateClusterOutput, error) {
	if l.clusterRefusals > 0 {
		l.clusterRefusals--
		return nil, &ekstypes.InvalidParameterException{Message: aws.String("Role with arn: " + aws.ToString(in.RoleArn) + ", could not be assumed because it does not exist or the trusted entity is not correct")}
	}
	return l.ClusterAPI.CreateCluster(ctx, in, optFns...)
}

func (l *iamLag) CreateFargateProfile(ctx context.Context, in *eks.CreateFargateProfileInput, optFns ...func(*eks.Options)) (*eks.CreateFargateProfileOutput, error) {
	if l.profileRefusals > 0 {
		l.profileRefusals--
		return nil, &ekstypes.InvalidParameterException{Message: aws.String("Misconfigured PodExecutionRole Trust Policy; Please add the eks-fargate-pods.amazonaws.com Service Principal")}
	}
	return l.ClusterAPI.CreateFargateProfile(ctx, in, optFns...)
}

func TestApplyRetriesIAMEventualConsistency(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	lag := &iamLag{ClusterAPI: e.clients.EKS, clusterRefusals: 2, profileRefusals: 2}
	e.clients.EKS = lag
	out, err := sdk.Apply(ctx, e.clients, sdk.ClusterSpec{ClusterName: "lag"}, fast...)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(slices.DeleteFunc(slices.Clone(out.Changes), func(c sdk.Change) bool { return c.Action != sdk.ActionRetry })); n != 4 {
		t.Errorf("%d retries reported, want 4", n)
	}
	// Refused for good: a bounded number of attempts, then ErrIAMNotReady.
	lag.clusterRefusals = 100
	_, err = sdk.Apply(ctx, e.clients, sdk.ClusterSpec{ClusterName: "never"}, fast...)
	var nr *sdk.IAMNotReadyError
	if !errors.Is(err, sdk.ErrIAMNotReady) || !errors.As(err, &nr) || nr.Attempts != 3 || lag.clusterRefusals != 97 {
		t.Errorf("err = %v (refusals left %d)", err, lag.clusterRefusals)
	}
}

// retriedAttach answers AttachInternetGateway as the SDK's retry does when
// a reset connection lost the first try's answer: the first try attached,
// the retry is refused with Resource.AlreadyAssociated.
type retriedAttach struct{ sdk.NetworkAPI }

func (r retriedAttach) AttachInternetGateway(ctx context.Context, in *ec2.AttachInternetGatewayInput, opts ...func(*ec2.Options)) (*ec2.AttachInternetGatewayOutput, error) {
	if _, err := r.NetworkAPI.AttachInternetGateway(ctx, in, opts...); err != nil {
		return nil, err
	}
	return r.NetworkAPI.AttachInternetGateway(ctx, in, opts...)
}

func TestApplyRetriedAttach(t *testing.T) {
	e := newEnv(t)
	e.clients.EC2 = retriedAttach{e.clients.EC2}
	out, err := sdk.Apply(context.Background(), e.clients, testSpec(), fast...)
	if err != nil {
		t.Fatalf("Apply after a retried attach: %v", err)
	}
	igws, err := ec2.NewFromConfig(e.cfg).DescribeInternetGateways(context.Background(), &ec2.DescribeInternetGatewaysInput{})
	if err != nil {
		t.Fatal(err)
	}
	attached := 0
	for _, g := range igws.InternetGateways {
		for _, a := range g.Attachments {
			if aws.ToString(a.VpcId) == out.VpcID {
				attached++
			}
		}
	}
	if attached != 1 {
		t.Errorf("%d internet gateways attached to %s, want 1", attached, out.VpcID)
	}
}
