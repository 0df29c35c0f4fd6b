package stack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/examples/catalog"
	"github.com/fargatekit/fargatekit/examples/internal/stacktest"
	"github.com/fargatekit/fargatekit/examples/pulumi-eks/stack"
	"github.com/fargatekit/fargatekit/internal/mockstack"
)

func TestGraph(t *testing.T) {
	e, err := catalog.Lookup(stack.Project)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Plan()
	if err != nil {
		t.Fatal(err)
	}
	stacktest.Counts(t, g, map[string]int{
		// pulumi-eks and the children the plan stands in for its plugin
		"eks:index:Cluster":                                   1,
		"aws:eks/cluster:Cluster":                             1,
		"aws:eks/fargateProfile:FargateProfile":               1,
		"aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
		"aws:iam/role:Role":                                   5, // 2 stand-ins, admin, reader, controller
		// fargatekit on top, through the adapter
		"pulumi:providers:kubernetes":                                 1,
		"fargatekit:lbc:LBCRelease":                                   1,
		"aws:iam/policy:Policy":                                       1,
		"fargatekit:irsa:IRSARole":                                    2,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment":           2,
		"kubernetes:core/v1:ServiceAccount":                           2,
		"kubernetes:helm.sh/v3:Release":                               1,
		"kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": 7, // the chart's CRDs, applied before the release
		"fargatekit:authmap:AwsAuthMapping":                           1,
		"aws:ssm/parameter:Parameter":                                 1, // the access entries' record; its hooks write them
	})
	cluster := stacktest.One(t, g, "eks:index:Cluster", stack.Project)
	if cluster.InputString("authenticationMode") != "API" || cluster.InputString("vpcId") != "vpc-0a1b2c3d4e5f60718" {
		t.Errorf("pulumi-eks args: mode %q, vpc %q", cluster.InputString("authenticationMode"), cluster.InputString("vpcId"))
	}
	if v, _ := cluster.Input("createOidcProvider"); v != true {
		t.Error("no OIDC provider asked for: IRSA would have no issuer")
	}
	release := stacktest.One(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	k8s := stacktest.One(t, g, "pulumi:providers:kubernetes", stack.Project+"-k8s")
	// The release's hooks reach the cluster with pulumi-eks's kubeconfig:
	// pulumi destroy --run-program tears down what the controller manages
	// first, and Ready includes the webhook serving.
	if !slices.Equal(release.BeforeDelete, []string{"lbc-teardown"}) {
		t.Errorf("release BeforeDelete hooks %v, want [lbc-teardown]", release.BeforeDelete)
	}
	if !slices.Equal(release.AfterCreate, []string{"lbc-webhook-ready"}) || !slices.Equal(release.AfterUpdate, []string{"lbc-webhook-ready"}) {
		t.Errorf("release after hooks %v %v, want [lbc-webhook-ready]", release.AfterCreate, release.AfterUpdate)
	}
	stacktest.DependsOn(t, g, release, cluster) // the controller after the whole pulumi-eks cluster
	stacktest.DependsOn(t, g, k8s, cluster)     // the provider from its kubeconfig
	if got := release.Provider; len(got) < len(k8s.URN) || got[:len(k8s.URN)] != k8s.URN {
		t.Errorf("release provider %q, want the adapter's %s", got, k8s.URN)
	}

	// The IRSA roles trust the OIDC provider pulumi-eks created.
	oidc := stacktest.One(t, g, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", stack.Project+"-oidcProvider")
	arn, _ := oidc.Output("arn")
	for _, name := range []string{"reader", "lbc-irsa"} {
		role := stacktest.One(t, g, "aws:iam/role:Role", name)
		stacktest.DependsOn(t, g, role, oidc)
		if got := role.InputString("assumeRolePolicy"); !strings.Contains(got, arn.(string)) {
			t.Errorf("%s trust policy does not name %v: %s", name, arn, got)
		}
	}
	// The admin gets an access entry (mode API), with the cluster-admin
	// policy: in the record the component's hooks apply.
	record := stacktest.One(t, g, "aws:ssm/parameter:Parameter", "access-access-entries")
	adminARN, _ := stacktest.One(t, g, "aws:iam/role:Role", "platform-admin").Output("arn")
	if got := record.InputString("insecureValue"); !strings.Contains(got, `"PrincipalARN":"`+adminARN.(string)+`"`) || !strings.Contains(got, "AmazonEKSClusterAdminPolicy") {
		t.Errorf("access entries record %s", got)
	}
}

func TestNeedsVPC(t *testing.T) {
	e, _ := catalog.Lookup(stack.Project)
	g, err := e.Plan(mockstack.WithConfig("pulumi-eks:privateSubnetIds", `["subnet-1"]`), mockstack.WithConfig("pulumi-eks:vpcId", ""))
	if err == nil {
		t.Fatal("accepted a stack without a VPC")
	}
	t.Log(err)
	if n := len(g.ByType("eks:index:Cluster")); n != 0 {
		t.Errorf("%d clusters registered", n)
	}
}
