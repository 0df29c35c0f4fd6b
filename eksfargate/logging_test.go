package eksfargate

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/internal/partition"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

const (
	tLogGroup  = "aws:cloudwatch/logGroup:LogGroup"
	tPolicy    = "aws:iam/policy:Policy"
	tNamespace = "kubernetes:core/v1:Namespace"
	tConfigMap = "kubernetes:core/v1:ConfigMap"
)

func TestLoggingChildren(t *testing.T) {
	spec := LoggingSpec{CloudWatch: &CloudWatchLogs{RetentionDays: 14}, KubernetesMetadata: true}
	g, fc := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{Logging: &spec}})

	lg := one(t, g, tLogGroup, "demo-fargate-logs")
	if lg.InputString("name") != "/aws/eks/demo/fargate" {
		t.Errorf("log group name %q", lg.InputString("name"))
	}
	if d, _ := lg.Input("retentionInDays"); d != 14.0 {
		t.Errorf("retention %v", d)
	}
	pol := one(t, g, tPolicy, "demo-fargate-logging")
	doc, err := iampolicy.Parse([]byte(pol.InputString("policy")))
	if err != nil {
		t.Fatal(err)
	}
	want, err := sdk.LoggingPolicy(partition.AWS, "us-west-2", "123456789012", "demo", spec)
	if err != nil {
		t.Fatal(err)
	}
	if !iampolicy.Equivalent(doc, want) {
		t.Errorf("policy %s, want sdk.LoggingPolicy %s", doc, want)
	}
	att := one(t, g, tAttach, "demo-pod-execution-role-fargate-logging")
	role := one(t, g, tRole, "demo-pod-execution-role")
	if !g.DependsOn(att, role) || !g.DependsOn(att, pol) {
		t.Error("the attachment does not depend on the role and the policy (destroy would delete the role first)")
	}
	ns := one(t, g, tNamespace, "demo-aws-observability")
	if ns.InputString("metadata.name") != "aws-observability" || ns.InputString(`metadata.labels["aws-observability"]`) != "enabled" {
		t.Errorf("namespace inputs %v", ns.Inputs)
	}
	cm := one(t, g, tConfigMap, "demo-aws-logging")
	data, err := sdk.RenderLoggingConfig(spec, "demo", "us-west-2")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range data {
		if got := cm.InputString(`data["` + k + `"]`); got != v {
			t.Errorf("configmap %s = %q, want the SDK's %q", k, got, v)
		}
	}
	if cm.InputString("metadata.name") != "aws-logging" || cm.InputString("metadata.namespace") != "aws-observability" {
		t.Errorf("configmap metadata %v", cm.Inputs)
	}
	k8s := one(t, g, tK8s, "demo-k8s")
	for _, r := range []*mockstack.Resource{ns, cm} {
		if !strings.Contains(r.Provider, "::demo-k8s::") {
			t.Errorf("%s uses provider %q, not the cluster's", r.Name, r.Provider)
		}
	}
	_ = k8s
	for _, dep := range []*mockstack.Resource{ns, lg, att} {
		if !g.DependsOn(cm, dep) {
			t.Errorf("configmap does not wait for %s", dep.Name)
		}
	}
	// CoreDNS pods start after the ConfigMap and the permissions: their logs are shipped from the first line.
	coredns := one(t, g, tAddon, "demo-coredns")
	if !g.DependsOn(coredns, cm) || !g.DependsOn(coredns, att) {
		t.Error("coredns does not wait for the logging configuration")
	}
	if fc.Logging == nil || fc.Logging.LogGroup == nil || fc.Logging.ConfigMap == nil {
		t.Errorf("Logging fields %+v", fc.Logging)
	}
}

func TestLoggingWithoutCloudWatchAndBYORole(t *testing.T) {
	spec := LoggingSpec{Firehose: &FirehoseLogs{DeliveryStream: "pods"}}
	g, _ := run(t, &FargateClusterArgs{ClusterSpec: ClusterSpec{Logging: &spec,
		PodExecutionRole: sdk.PodExecutionRoleSpec{ARN: "arn:aws:iam::123456789012:role/eks/pods-role"}}})
	if n := len(g.ByType(tLogGroup)); n != 0 {
		t.Errorf("%d log groups without a CloudWatch output", n)
	}
	att := one(t, g, tAttach, "demo-pod-execution-role-fargate-logging")
	if att.InputString("role") != "pods-role" {
		t.Errorf("attached to %q, want the BYO role's name", att.InputString("role"))
	}
}

func TestLoggingOffRegistersNothing(t *testing.T) {
	g, fc := run(t, nil)
	for _, typ := range []string{tLogGroup, tPolicy, tNamespace, tConfigMap} {
		if n := len(g.ByType(typ)); n != 0 {
			t.Errorf("%d %s without Logging", n, typ)
		}
	}
	if fc.Logging != nil {
		t.Errorf("Logging = %+v", fc.Logging)
	}
}

func TestLoggingRefusedRegistersNothing(t *testing.T) {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{
			Logging: &LoggingSpec{CloudWatch: &CloudWatchLogs{}, Filters: "[FILTER]\n    Name lua\n    Match *\n"}}})
		return err
	})
	if !errors.Is(err, ErrInvalidSpec) || !errors.Is(err, sdk.ErrInvalidLoggingConfig) {
		t.Errorf("err = %v", err)
	}
	if g.Len() != 0 {
		t.Errorf("registered %d resources", g.Len())
	}
}
