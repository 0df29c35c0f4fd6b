package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awseks "github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/fargatekit/fargatekit/internal/eksaddonfake"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/internal/mototest"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

func profilesWith(apps Selector) []FargateProfile {
	return []FargateProfile{
		{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}},
		{Name: "apps", Selectors: []Selector{apps}},
	}
}

// The order of operations when a changed profile is replaced: Pulumi
// creates the new version (a new physical name), runs the old one's
// before-delete hook, which pins and rolls CoreDNS and the declared
// deployments onto the new version, and only then deletes the old one. The
// engine's steps are played here from the two programs' graphs; the hook is
// the component's own, the roll the SDK's (recorded).
func TestReplacementRollsBeforeDelete(t *testing.T) {
	before, _ := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{FargateProfiles: profilesWith(Selector{Namespace: "apps"})}})
	args := &FargateClusterArgs{ClusterSpec: ClusterSpec{FargateProfiles: profilesWith(Selector{Namespace: "apps", Labels: map[string]string{"tier": "web"}})},
		RollOntoReplacement: []Workload{{Namespace: "apps", Name: "web"}}}
	after, fc := run(t, args)
	old, cur := one(t, before, tProfile, "demo-profile-apps"), one(t, after, tProfile, "demo-profile-apps")
	if cur.DeleteBeforeReplace || !slices.Equal(cur.BeforeDelete, []string{"demo-roll-onto-replacement"}) {
		t.Fatalf("profile options: deleteBeforeReplace %v, before-delete hooks %v", cur.DeleteBeforeReplace, cur.BeforeDelete)
	}
	var steps []string
	fc.hooks.kube.Connect = func(string) (kubernetes.Interface, error) { return fake.NewClientset(), nil }
	fc.hooks.roll = func(_ context.Context, _ kubernetes.Interface, p sdk.FargateProfile, w []sdk.Workload, _ ...sdk.RollOption) ([]sdk.Workload, error) {
		var names []string
		for _, x := range w {
			names = append(names, x.String())
		}
		steps = append(steps, fmt.Sprintf("roll %s onto %s", strings.Join(names, ","), p.Name))
		return w, nil
	}
	// The engine's replacement: create the new version, then the old one's
	// before-delete hooks, then its deletion.
	oldName, newName := old.InputString("fargateProfileName"), cur.InputString("fargateProfileName")
	steps = append(steps, "create "+newName)
	if err := fc.hooks.rollOntoReplacement(&pulumi.ResourceHookArgs{Name: old.Name, OldInputs: old.Inputs, OldOutputs: old.Outputs}); err != nil {
		t.Fatal(err)
	}
	steps = append(steps, "delete "+oldName)
	want := []string{"create " + newName, "roll kube-system/coredns,apps/web onto " + newName, "delete " + oldName}
	if !slices.Equal(steps, want) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
	}

	// Destroy deletes the profile under its current name: no roll.
	steps = nil
	if err := fc.hooks.rollOntoReplacement(&pulumi.ResourceHookArgs{Name: cur.Name, OldInputs: cur.Inputs}); err != nil || len(steps) != 0 {
		t.Errorf("destroy: %v, %v", err, steps)
	}
	// A profile the program no longer declares: nothing to roll onto.
	gone := resource.NewPropertyMapFromMap(map[string]any{"fargateProfileName": "batch-0a1b2c3d"})
	if err := fc.hooks.rollOntoReplacement(&pulumi.ResourceHookArgs{OldInputs: gone}); err != nil || len(steps) != 0 {
		t.Errorf("removed profile: %v, %v", err, steps)
	}
	// A profile named before content hashes (the bare name) is replaced too.
	bare := resource.NewPropertyMapFromMap(map[string]any{"fargateProfileName": "apps"})
	if err := fc.hooks.rollOntoReplacement(&pulumi.ResourceHookArgs{OldInputs: bare}); err != nil || len(steps) != 1 {
		t.Errorf("bare name: %v, %v", err, steps)
	}
	// A failed roll fails the deletion (the old profile stays), named.
	fc.hooks.roll = func(context.Context, kubernetes.Interface, sdk.FargateProfile, []sdk.Workload, ...sdk.RollOption) ([]sdk.Workload, error) {
		return nil, errors.New("PodDisruptionBudget allows no disruption")
	}
	if err := fc.hooks.rollOntoReplacement(&pulumi.ResourceHookArgs{Name: old.Name, OldInputs: old.Inputs}); err == nil || !strings.Contains(err.Error(), "rolling onto "+newName+" before "+oldName) {
		t.Errorf("failed roll: %v", err)
	}
	// Without the kubeconfig (destroy without --run-program): named error.
	fc.hooks.kube.Set("")
	if err := fc.hooks.rollOntoReplacement(&pulumi.ResourceHookArgs{Name: old.Name, OldInputs: old.Inputs}); !errors.Is(err, ErrNoKubeconfig) {
		t.Errorf("no kubeconfig: %v", err)
	}
}

// The kubeconfig the hooks use is the component's.
func TestHooksKubeconfigIsTheComponents(t *testing.T) {
	g, fc := run(t, nil)
	kc := fc.hooks.kube.Kubeconfig()
	if kc == "" || kc != one(t, g, tK8s, "demo-k8s").InputString("kubeconfig") {
		t.Errorf("hooks' kubeconfig %q", kc)
	}
}

// Deletion protection: the cluster carries the trigger tag and the hooks;
// the hooks call the SDK with the cluster's name and the wanted state, only
// when there is something to do, and name the fix when it fails.
func TestDeletionProtectionHooks(t *testing.T) {
	g, fc := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{DeletionProtection: true}})
	cl := one(t, g, tCluster, "demo-cluster")
	if cl.InputString(`tags["`+sdk.TagDeletionProtection+`"]`) != "on" ||
		!slices.Equal(cl.AfterCreate, []string{"demo-deletion-protection-created"}) || !slices.Equal(cl.BeforeUpdate, []string{"demo-deletion-protection-updated"}) {
		t.Fatalf("cluster: tags %v, after-create %v, before-update %v", cl.Inputs["tags"], cl.AfterCreate, cl.BeforeUpdate)
	}
	var calls []string
	fc.hooks.awsConfig = func(context.Context, string) (aws.Config, error) { return aws.Config{Region: "us-west-2"}, nil }
	fc.hooks.protect = func(_ context.Context, _ sdk.ClusterConfigAPI, cluster string, on bool, _ ...sdk.RunOption) (bool, error) {
		calls = append(calls, fmt.Sprintf("%s %v", cluster, on))
		return true, nil
	}
	on := cl.Inputs
	off, _ := run(t, nil)
	offInputs := one(t, off, tCluster, "demo-cluster").Inputs
	for _, tt := range []struct {
		name string
		hook func(*pulumi.ResourceHookArgs) error
		args *pulumi.ResourceHookArgs
		want []string
	}{
		{"created protected", fc.hooks.protectCreated, &pulumi.ResourceHookArgs{NewInputs: on}, []string{"demo true"}},
		{"created unprotected", fc.hooks.protectCreated, &pulumi.ResourceHookArgs{NewInputs: offInputs}, nil},
		{"turned on", fc.hooks.protectUpdated, &pulumi.ResourceHookArgs{OldInputs: offInputs, NewInputs: on, OldOutputs: cl.Outputs}, []string{"demo true"}},
		{"turned off", fc.hooks.protectUpdated, &pulumi.ResourceHookArgs{OldInputs: on, NewInputs: offInputs, OldOutputs: cl.Outputs}, []string{"demo false"}},
		{"stays on (converged)", fc.hooks.protectUpdated, &pulumi.ResourceHookArgs{OldInputs: on, NewInputs: on, OldOutputs: cl.Outputs}, []string{"demo true"}},
		{"stays off", fc.hooks.protectUpdated, &pulumi.ResourceHookArgs{OldInputs: offInputs, NewInputs: offInputs}, nil},
	} {
		calls = nil
		if err := tt.hook(tt.args); err != nil || !slices.Equal(calls, tt.want) {
			t.Errorf("%s: %v, calls %v, want %v", tt.name, err, calls, tt.want)
		}
	}
	fc.hooks.protect = func(context.Context, sdk.ClusterConfigAPI, string, bool, ...sdk.RunOption) (bool, error) {
		return false, errors.New("AccessDeniedException: not authorized to perform eks:UpdateClusterConfig")
	}
	err := fc.hooks.protectCreated(&pulumi.ResourceHookArgs{Name: "demo-cluster", NewInputs: on})
	if err == nil || !strings.Contains(err.Error(), "aws eks update-cluster-config --name demo --deletion-protection") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("failure: %v", err)
	}
	fc.hooks.awsConfig = func(context.Context, string) (aws.Config, error) { return aws.Config{}, errors.New("no credentials") }
	if err := fc.hooks.protectCreated(&pulumi.ResourceHookArgs{NewInputs: on}); err == nil || !strings.Contains(err.Error(), "HookAWSConfig") {
		t.Errorf("no credentials: %v", err)
	}
}

// The sweep of a deleted cluster's load balancer leftovers: before the VPC
// and each subnet go, and after the cluster goes; never while the cluster
// lives; none with NoDeleteHooks or delete hooks on a network given as inputs.
func TestSweepHooks(t *testing.T) {
	g, fc := run(t, nil)
	for _, r := range g.Resources {
		want := r.Type == tVpc || r.Type == tSubnet
		if got := slices.Equal(r.BeforeDelete, []string{"demo-sweep-network"}); got != want && r.Type != tProfile {
			t.Errorf("%s %s before-delete %v", r.Type, r.Name, r.BeforeDelete)
		}
	}
	if cl := one(t, g, tCluster, "demo-cluster"); !slices.Equal(cl.AfterDelete, []string{"demo-sweep-after-cluster"}) {
		t.Errorf("cluster after-delete %v", cl.AfterDelete)
	}
	var swept []string
	fc.hooks.awsConfig = func(context.Context, string) (aws.Config, error) { return aws.Config{Region: "us-west-2"}, nil }
	live := false
	fc.hooks.sweep = func(_ context.Context, _ *sdk.Clients, cluster, vpc string, _ ...sdk.RunOption) ([]sdk.Change, error) {
		if live {
			return nil, fmt.Errorf("sweep: %w", sdk.ErrClusterExists)
		}
		swept = append(swept, cluster+" "+vpc)
		return nil, nil
	}
	network, afterCluster := fc.hooks.sweepHooks("demo")
	vpc, subnet, cluster := one(t, g, tVpc, "demo-vpc"), one(t, g, tSubnet, "demo-private-0"), one(t, g, tCluster, "demo-cluster")
	if err := network(&pulumi.ResourceHookArgs{Type: tVpc, ID: pulumi.ID(vpc.ID), OldOutputs: vpc.Outputs}); err != nil {
		t.Fatal(err)
	}
	if err := network(&pulumi.ResourceHookArgs{Type: tSubnet, ID: pulumi.ID(subnet.ID), OldOutputs: subnet.Outputs}); err != nil {
		t.Fatal(err)
	}
	if err := afterCluster(&pulumi.ResourceHookArgs{Type: tCluster, OldOutputs: cluster.Outputs}); err != nil {
		t.Fatal(err)
	}
	clusterVPC, _ := cluster.Output("vpcConfig.vpcId")
	if want := []string{"demo " + vpc.ID, "demo " + vpc.ID, fmt.Sprintf("demo %v", clusterVPC)}; !slices.Equal(swept, want) {
		t.Errorf("swept %v, want %v", swept, want)
	}
	// A subnet replaced under a live cluster: nothing swept, no error.
	live, swept = true, nil
	if err := network(&pulumi.ResourceHookArgs{Type: tSubnet, OldOutputs: subnet.Outputs}); err != nil || len(swept) != 0 {
		t.Errorf("live cluster: %v %v", err, swept)
	}
	// What the sweep cannot remove fails the deletion, named.
	live = false
	fc.hooks.sweep = func(context.Context, *sdk.Clients, string, string, ...sdk.RunOption) ([]sdk.Change, error) {
		return nil, &sdk.DeleteIncompleteError{Cluster: "demo", Leftovers: []sdk.Leftover{{Resource: "security group k8s-web", ID: "sg-1", Reason: "DependencyViolation"}}}
	}
	if err := network(&pulumi.ResourceHookArgs{Name: "demo-vpc", Type: tVpc, ID: "vpc-1"}); !errors.Is(err, sdk.ErrDeleteIncomplete) || !strings.Contains(err.Error(), "k8s-web") {
		t.Errorf("leftovers: %v", err)
	}

	for name, args := range map[string]*FargateClusterArgs{
		"NoDeleteHooks": {NoDeleteHooks: true},
		"existing":      {ClusterSpec: ClusterSpec{Existing: &ExistingNetwork{VpcID: "vpc-1", PrivateSubnetIDs: []string{"subnet-1", "subnet-2"}}}},
	} {
		g, _ := run(t, args, existing("vpc-1", "subnet-1", "subnet-2"))
		for _, r := range g.Resources {
			rollOnly := name == "existing" && r.Type == tProfile && slices.Equal(r.BeforeDelete, []string{"demo-roll-onto-replacement"})
			if (len(r.BeforeDelete) > 0 && !rollOnly) || (len(r.AfterDelete) > 0) != (name == "existing" && r.Type == tCluster) {
				t.Errorf("%s: %s %s before-delete %v after-delete %v", name, r.Type, r.Name, r.BeforeDelete, r.AfterDelete)
			}
		}
	}
}

// A pinned add-on version newer than any EKS offers for the cluster's
// Kubernetes version is refused before any child registers; an unpinned one
// follows the Kubernetes version.
func TestAddonVersionsFollowKubernetes(t *testing.T) {
	g, _ := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{KubernetesVersion: "1.35", Addons: Addons{KubeProxy: true}}})
	for _, n := range []string{"demo-coredns", "demo-kube-proxy"} {
		if v := one(t, g, tAddon, n).InputString("addonVersion"); v != "v1.35.0-eksbuild.1" {
			t.Errorf("%s on 1.35: %q", n, v)
		}
	}
	g, _ = run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{KubernetesVersion: "1.36", Addons: Addons{KubeProxy: true}}})
	if v := one(t, g, tAddon, "demo-coredns").InputString("addonVersion"); v != "v1.36.0-eksbuild.1" {
		t.Errorf("upgraded: %q", v)
	}
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{KubernetesVersion: "1.35",
			Addons: Addons{CoreDNSVersion: "v1.36.0-eksbuild.1", VpcCNIVersion: "v1.35.0-eksbuild.2"}}})
		return err
	})
	var ave *sdk.AddonVersionError
	if !errors.Is(err, sdk.ErrAddonVersionIncompatible) || !errors.Is(err, ErrInvalidSpec) || !errors.As(err, &ave) || ave.Addon != "coredns" {
		t.Errorf("pin newer than 1.35's newest: %v", err)
	}
	if g.Len() != 1 || g.Resources[0].Type != TypeToken {
		t.Errorf("registered:\n%s", g.Tree())
	}
}

// Outputs: the cluster security group and the control plane's log group,
// made before the cluster.
func TestClusterSecurityGroupAndLogGroup(t *testing.T) {
	var fc *FargateCluster
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		var err error
		fc, err = NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{LogTypes: []string{LogAPI, LogAudit}, ControlPlaneLogRetentionDays: 14}})
		if err != nil {
			return err
		}
		_, err = iam.NewRole(ctx, "probe", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Tags: pulumi.StringMap{"sg": fc.ClusterSecurityGroupID}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cluster := one(t, g, tCluster, "demo-cluster")
	sg, _ := cluster.Output("vpcConfig.clusterSecurityGroupId")
	if got := one(t, g, tProbe, "probe").InputString(`tags["sg"]`); got == "" || got != sg {
		t.Errorf("ClusterSecurityGroupID = %q, the cluster's is %v", got, sg)
	}
	lg := one(t, g, "aws:cloudwatch/logGroup:LogGroup", "demo-control-plane-logs")
	if lg.InputString("name") != "/aws/eks/demo/cluster" || lg.InputString(`tags["`+sdk.TagPart+`"]`) != sdk.PartControlPlaneLogs || fc.ControlPlaneLogs == nil {
		t.Errorf("log group inputs %v", lg.Inputs)
	}
	if d, _ := lg.Input("retentionInDays"); d != 14.0 {
		t.Errorf("retention %v", d)
	}
	if !g.DependsOn(cluster, lg) {
		t.Error("the cluster does not wait for its log group (EKS would create one without retention)")
	}
	g, fc = run(t, nil)
	if len(g.ByType("aws:cloudwatch/logGroup:LogGroup")) != 0 || fc.ControlPlaneLogs != nil {
		t.Error("a log group without log types")
	}
}

// The deletion-protection hooks end to end: the SDK's SetDeletionProtection
// against moto's cluster (with the fake of the EKS calls moto lacks), with
// the credentials HookAWSConfig gives.
func TestDeletionProtectionHooksOnMoto(t *testing.T) {
	srv := mototest.New(t)
	cfg := srv.Config("us-west-2")
	ctx := context.Background()
	w := eksaddonfake.Wrap(awseks.NewFromConfig(cfg))
	w.Fake.Polls = 0
	if _, err := w.CreateCluster(ctx, &awseks.CreateClusterInput{Name: aws.String("demo"), RoleArn: aws.String("arn:aws:iam::123456789012:role/r"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}}); err != nil {
		t.Fatal(err)
	}
	g, fc := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{DeletionProtection: true},
		HookAWSConfig: func(_ context.Context, region string) (aws.Config, error) { return srv.Config(region), nil }})
	fc.hooks.clients = func(cfg aws.Config) *sdk.Clients {
		c := sdk.NewClients(cfg)
		c.EKS = w
		return c
	}
	on := one(t, g, tCluster, "demo-cluster").Inputs
	protected := func() bool {
		t.Helper()
		d, err := w.DescribeCluster(ctx, &awseks.DescribeClusterInput{Name: aws.String("demo")})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToBool(d.Cluster.DeletionProtection)
	}
	if err := fc.hooks.protectCreated(&pulumi.ResourceHookArgs{Name: "demo-cluster", NewInputs: on}); err != nil || !protected() {
		t.Fatalf("after create: %v, protected %v", err, protected())
	}
	var ir *ekstypes.InvalidRequestException
	if _, err := w.DeleteCluster(ctx, &awseks.DeleteClusterInput{Name: aws.String("demo")}); !errors.As(err, &ir) {
		t.Errorf("a protected cluster was deletable: %v", err)
	}
	off, _ := run(t, nil)
	if err := fc.hooks.protectUpdated(&pulumi.ResourceHookArgs{Name: "demo-cluster", OldInputs: on, NewInputs: one(t, off, tCluster, "demo-cluster").Inputs}); err != nil || protected() {
		t.Fatalf("turned off: %v, protected %v", err, protected())
	}
}
