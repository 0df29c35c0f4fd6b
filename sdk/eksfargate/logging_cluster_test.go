package eksfargate_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/partition"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// kubeWrites counts the requests to the API server that are not reads.
type kubeWrites struct {
	mu    sync.Mutex
	calls []string
}

func (k *kubeWrites) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method != http.MethodGet {
			k.mu.Lock()
			k.calls = append(k.calls, r.Method+" "+r.URL.Path)
			k.mu.Unlock()
		}
		return rt.RoundTrip(r)
	})
}

// take returns the writes so far and resets the count.
func (k *kubeWrites) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := k.calls
	k.calls = nil
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// withKube connects the env's clients to the real API server (internal/kubetest),
// counting its writes, and checks Apply connects to the cluster moto made.
func withKube(t *testing.T, e *env) (kubernetes.Interface, *kubeWrites) {
	t.Helper()
	cfg := rest.CopyConfig(kubetest.Config(t))
	w := &kubeWrites{}
	cfg.WrapTransport = w.wrap
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.clients.Kubernetes = func(_ context.Context, info kubeauth.ClusterInfo) (kubernetes.Interface, error) {
		if info.Endpoint == "" || info.CAData == "" || info.Region != "eu-west-1" {
			t.Errorf("Apply connects to %+v", info)
		}
		return cs, nil
	}
	return cs, w
}

func TestApplyLoggingOnMoto(t *testing.T) {
	e := newEnv(t)
	cs, kw := withKube(t, e)
	ctx := context.Background()
	logs := cloudwatchlogs.NewFromConfig(e.cfg)
	iamc := iam.NewFromConfig(e.cfg)
	// A namespace of this test's own that Apply creates (turning logging
	// off deletes it, and it stays Terminating on this API server).
	ns := "fk-logging-" + strings.ReplaceAll(time.Now().UTC().Format("150405.000000"), ".", "")
	opts := append(slices.Clone(fast), sdk.LoggingNamespaceForTest(ns))
	spec := testSpec()
	spec.ClusterName = "logs"
	spec.Logging = &sdk.LoggingSpec{CloudWatch: &sdk.CloudWatchLogs{RetentionDays: 14}, KubernetesMetadata: true}
	policyARN := "arn:aws:iam::123456789012:policy/" + sdk.LoggingPolicyName("logs")
	cmRes := "ConfigMap " + ns + "/" + sdk.LoggingConfigMapName

	plan, err := sdk.Plan(ctx, e.clients, spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range []string{"log group fargate-logs", "policy fargate-logging", "policy fargate-logging attachment", cmRes} {
		if i := slices.IndexFunc(plan, func(c sdk.Change) bool { return c.Action == sdk.ActionCreate && c.Resource == res }); i < 0 {
			t.Errorf("plan lacks create %s: %v", res, plan)
		}
	}
	if w := append(e.log.writes(), kw.take()...); len(w) != 0 {
		t.Fatalf("Plan wrote %v", w)
	}

	out, err := sdk.Apply(ctx, e.clients, spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	e.log.writes()
	if out.FargateLogGroup != "/aws/eks/logs/fargate" || out.LoggingPolicyARN != policyARN {
		t.Errorf("outputs %q %q", out.FargateLogGroup, out.LoggingPolicyARN)
	}
	// The ConfigMap is applied after the profiles, before CoreDNS starts.
	ch := out.Changes
	if cm, profile, coredns := indexOf(ch, sdk.ActionCreate, cmRes), indexOf(ch, sdk.ActionCreate, "Fargate profile system-"), indexOf(ch, sdk.ActionCreate, "addon coredns"); !(profile < cm && cm < coredns) {
		t.Errorf("order: profile %d, ConfigMap %d, coredns %d", profile, cm, coredns)
	}
	// The log group, with retention and the cluster's tags.
	groupTags := func(name string) map[string]string {
		t.Helper()
		g, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
		if err != nil || len(g.LogGroups) != 1 {
			t.Fatalf("log group %s: %v %+v", name, err, g)
		}
		if d := aws.ToInt32(g.LogGroups[0].RetentionInDays); d != 14 {
			t.Errorf("retention %d", d)
		}
		tags, err := logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: g.LogGroups[0].LogGroupArn})
		if err != nil {
			t.Fatal(err)
		}
		return tags.Tags
	}
	if tags := groupTags("/aws/eks/logs/fargate"); tags[sdk.TagCluster] != "logs" || tags[sdk.TagPart] != sdk.PartFargateLogs || tags["team"] != "platform" {
		t.Errorf("log group tags %v", tags)
	}
	// The policy is sdk.LoggingPolicy, attached to the pod-execution role.
	wantDoc, err := sdk.LoggingPolicy(partition.AWS, "eu-west-1", "123456789012", "logs", *spec.Logging)
	if err != nil {
		t.Fatal(err)
	}
	assertPolicy(t, iamc, policyARN, wantDoc)
	if !attached(t, iamc, sdk.RoleName("logs", sdk.PartPodExecutionRole), policyARN) {
		t.Error("the logs policy is not on the pod-execution role")
	}
	// The namespace and ConfigMap on the API server are the renderer's.
	n, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil || n.Labels[sdk.ObservabilityLabel] != sdk.ObservabilityLabelValue {
		t.Fatalf("namespace: %v %v", err, n)
	}
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, sdk.LoggingConfigMapName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := sdk.RenderLoggingConfig(*spec.Logging, "logs", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := yaml.Marshal(cm.Data)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/apply-logging-configmap.yaml", b)
	if wb, _ := yaml.Marshal(want); string(wb) != string(b) {
		t.Errorf("ConfigMap data on the server:\n%s\nthe renderer's:\n%s", b, wb)
	}

	// Second run: no write, on AWS or Kubernetes; the plan is empty.
	kw.take()
	again, err := sdk.Apply(ctx, e.clients, spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if w := append(e.log.writes(), kw.take()...); len(w) != 0 || sdk.Writes(again.Changes) != 0 {
		t.Errorf("second Apply wrote %v (changes %d)", w, sdk.Writes(again.Changes))
	}
	if cm2, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, sdk.LoggingConfigMapName, metav1.GetOptions{}); err != nil || cm2.ResourceVersion != cm.ResourceVersion {
		t.Errorf("ConfigMap changed by the second Apply: %v", err)
	}
	if plan, err := sdk.Plan(ctx, e.clients, spec, opts...); err != nil || sdk.Writes(plan) != 0 {
		t.Errorf("plan on a converged cluster: %v %v", err, plan)
	}

	// Another group: created first, the policy and ConfigMap moved to it,
	// then the old group deleted (as Pulumi replaces).
	spec.Logging.CloudWatch.LogGroupName = "/team/pods"
	plan, err = sdk.Plan(ctx, e.clients, spec, opts...)
	if err != nil || sdk.Writes(plan) != 4 {
		t.Errorf("plan of a new group: %v %v", err, plan)
	}
	e.log.writes()
	kw.take()
	out, err = sdk.Apply(ctx, e.clients, spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ch = out.Changes
	created, updated, cmUpdated, deleted := indexOf(ch, sdk.ActionCreate, "log group fargate-logs"), indexOf(ch, sdk.ActionUpdate, "policy fargate-logging"),
		indexOf(ch, sdk.ActionUpdate, cmRes), indexOf(ch, sdk.ActionDelete, "log group fargate-logs")
	if !(created >= 0 && created < updated && updated < cmUpdated && cmUpdated < deleted) || ch[deleted].ID != "/aws/eks/logs/fargate" {
		t.Errorf("new group: create %d, policy %d, ConfigMap %d, delete %d: %v", created, updated, cmUpdated, deleted, ch)
	}
	if w := kw.take(); len(w) != 2 { // namespace and ConfigMap, one apply each
		t.Errorf("Kubernetes writes %v", w)
	}
	if g, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/eks/logs/fargate")}); err != nil || len(g.LogGroups) != 0 {
		t.Errorf("the old group is left: %v %v", err, g)
	}
	groupTags("/team/pods")
	wantDoc, _ = sdk.LoggingPolicy(partition.AWS, "eu-west-1", "123456789012", "logs", *spec.Logging)
	assertPolicy(t, iamc, policyARN, wantDoc)

	// Logging off: what Apply made goes, as Pulumi would delete it.
	spec.Logging = nil
	plan, err = sdk.Plan(ctx, e.clients, spec, opts...)
	if err != nil || sdk.Writes(plan) != 5 {
		t.Errorf("plan of logging off (ConfigMap, namespace, log group, detach, policy): %v %v", err, plan)
	}
	e.log.writes()
	kw.take()
	out, err = sdk.Apply(ctx, e.clients, spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if w := kw.take(); len(w) != 2 {
		t.Errorf("Kubernetes writes of logging off %v", w)
	}
	for _, res := range []string{cmRes, "namespace " + ns, "log group fargate-logs", "policy fargate-logging attachment", "policy fargate-logging"} {
		if indexOf(out.Changes, sdk.ActionDelete, res) < 0 {
			t.Errorf("logging off did not delete %s: %v", res, out.Changes)
		}
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, sdk.LoggingConfigMapName, metav1.GetOptions{}); err == nil {
		t.Error("ConfigMap left")
	}
	if n, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil && n.DeletionTimestamp == nil {
		t.Error("namespace not deleted")
	}
	assertNoLogging(t, e, "logs", "/team/pods")
	if _, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(sdk.RoleName("logs", sdk.PartPodExecutionRole))}); err != nil {
		t.Errorf("the pod-execution role went too: %v", err)
	}
	e.log.writes()
	if again, err := sdk.Apply(ctx, e.clients, spec, opts...); err != nil || sdk.Writes(again.Changes) != 0 || len(e.log.writes()) != 0 {
		t.Errorf("Apply without logging, again: %v %v", err, again.Changes)
	}
}

func TestDeleteLoggingOnMoto(t *testing.T) {
	e := newEnv(t)
	withKube(t, e)
	ctx := context.Background()
	logs := cloudwatchlogs.NewFromConfig(e.cfg)
	ns := kubetest.Namespace(t, kubetest.Config(t))
	opts := append(slices.Clone(fast), sdk.LoggingNamespaceForTest(ns))
	// A group of the default name that is not the cluster's: Apply refuses
	// to take it over, Delete leaves it.
	if _, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/eks/gone/fargate")}); err != nil {
		t.Fatal(err)
	}
	spec := sdk.ClusterSpec{ClusterName: "gone", Logging: &sdk.LoggingSpec{CloudWatch: &sdk.CloudWatchLogs{}}}
	if _, err := sdk.Apply(ctx, e.clients, spec, opts...); !errors.Is(err, sdk.ErrNotOwned) {
		t.Fatalf("Apply over someone else's log group: %v", err)
	}
	spec.Logging.CloudWatch.LogGroupName = "/gone/pods"
	if _, err := sdk.Apply(ctx, e.clients, spec, opts...); err != nil {
		t.Fatal(err)
	}
	// Delete knows only the name: the group is found through the policy.
	changes, err := sdk.Delete(ctx, e.clients, sdk.ClusterSpec{ClusterName: "gone"}, fast...)
	if err != nil {
		t.Fatal(err)
	}
	detach, policy, role := indexOf(changes, sdk.ActionDelete, "policy fargate-logging attachment"), indexOf(changes, sdk.ActionDelete, "policy fargate-logging"),
		indexOf(changes, sdk.ActionDelete, "role "+sdk.PartPodExecutionRole)
	if policy == detach {
		policy = slices.IndexFunc(changes, func(c sdk.Change) bool { return c.Action == sdk.ActionDelete && c.Resource == "policy fargate-logging" })
	}
	if !(detach >= 0 && detach < policy && policy < role) {
		t.Errorf("order: detach %d, policy %d, role %d: %v", detach, policy, role, changes)
	}
	assertNoLogging(t, e, "gone", "/gone/pods")
	assertNothingTagged(t, e, "gone")
	if g, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/eks/gone/fargate")}); err != nil || len(g.LogGroups) != 1 {
		t.Errorf("someone else's log group: %v %v", err, g)
	}
	// Again: nothing to do.
	e.log.writes()
	if changes, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil || sdk.Writes(changes) != 0 || len(e.log.writes()) != 0 {
		t.Errorf("Delete again: %v %v", err, changes)
	}
}

func TestApplyLoggingBringYourOwnRoleOnMoto(t *testing.T) {
	e := newEnv(t)
	withKube(t, e)
	ctx := context.Background()
	iamc := iam.NewFromConfig(e.cfg)
	ns := kubetest.Namespace(t, kubetest.Config(t))
	trust, err := sdk.PodExecutionRoleTrust(partition.AWS, "eu-west-1", "123456789012", "byo")
	if err != nil {
		t.Fatal(err)
	}
	role, err := iamc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("pods"), Path: aws.String("/team/"), AssumeRolePolicyDocument: aws.String(trust.String())})
	if err != nil {
		t.Fatal(err)
	}
	spec := sdk.ClusterSpec{ClusterName: "byo", PodExecutionRole: sdk.PodExecutionRoleSpec{ARN: aws.ToString(role.Role.Arn)},
		Logging: &sdk.LoggingSpec{Firehose: &sdk.FirehoseLogs{DeliveryStream: "pods"}}}
	out, err := sdk.Apply(ctx, e.clients, spec, append(slices.Clone(fast), sdk.LoggingNamespaceForTest(ns))...)
	if err != nil {
		t.Fatal(err)
	}
	if out.FargateLogGroup != "" || indexOf(out.Changes, sdk.ActionCreate, "log group") >= 0 {
		t.Errorf("a log group without a CloudWatch output: %v", out.Changes)
	}
	if !attached(t, iamc, "pods", out.LoggingPolicyARN) {
		t.Error("the policy is not on the given role")
	}
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	if attached(t, iamc, "pods", out.LoggingPolicyARN) {
		t.Error("the policy is still on the given role")
	}
	if _, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("pods")}); err != nil {
		t.Errorf("the given role was deleted: %v", err)
	}
	assertNoLogging(t, e, "byo", "")
}

func TestApplyLoggingNeedsKubernetes(t *testing.T) {
	e := newEnv(t)
	e.clients.Kubernetes = nil
	_, err := sdk.Apply(context.Background(), e.clients, sdk.ClusterSpec{ClusterName: "x", Logging: &sdk.LoggingSpec{CloudWatch: &sdk.CloudWatchLogs{}}}, fast...)
	if err == nil || !strings.Contains(err.Error(), "Kubernetes is required") {
		t.Errorf("err = %v", err)
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Errorf("wrote %v", w)
	}
}

func assertPolicy(t *testing.T, iamc *iam.Client, arn string, want iampolicy.Document) {
	t.Helper()
	ctx := context.Background()
	p, err := iamc.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	v, err := iamc.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: p.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	got, err := iampolicy.ParseFromIAM(aws.ToString(v.PolicyVersion.Document))
	if err != nil || !iampolicy.Equivalent(got, want) {
		t.Errorf("policy %s: %v\n%s\nwant %s", arn, err, got, want)
	}
}

func attached(t *testing.T, iamc *iam.Client, role, arn string) bool {
	t.Helper()
	out, err := iamc.ListAttachedRolePolicies(context.Background(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.AttachedPolicies {
		if aws.ToString(p.PolicyArn) == arn {
			return true
		}
	}
	return false
}

// assertNoLogging checks the cluster's logs policy and group are gone.
func assertNoLogging(t *testing.T, e *env, cluster, group string) {
	t.Helper()
	ctx := context.Background()
	arn := "arn:aws:iam::123456789012:policy/" + sdk.LoggingPolicyName(cluster)
	if _, err := iam.NewFromConfig(e.cfg).GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}); err == nil {
		t.Errorf("policy %s left", arn)
	}
	if group == "" {
		return
	}
	g, err := cloudwatchlogs.NewFromConfig(e.cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
	if err != nil || len(g.LogGroups) != 0 {
		t.Errorf("log group %s left: %v %v", group, err, g)
	}
}

// A policy changed more often than IAM keeps versions (5): the oldest
// non-default one is deleted first, and Delete removes them all.
func TestLoggingPolicyVersionsOnMoto(t *testing.T) {
	e := newEnv(t)
	withKube(t, e)
	ctx := context.Background()
	iamc := iam.NewFromConfig(e.cfg)
	opts := append(slices.Clone(fast), sdk.LoggingNamespaceForTest(kubetest.Namespace(t, kubetest.Config(t))))
	// Someone else's policy of the name the SDK would use for another
	// cluster: Apply without logging leaves it alone.
	theirs, err := iamc.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(sdk.LoggingPolicyName("other")),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.Apply(ctx, e.clients, sdk.ClusterSpec{ClusterName: "other"}, opts...); err != nil {
		t.Fatalf("Apply without logging, beside someone else's policy: %v", err)
	}
	if _, err := iamc.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: theirs.Policy.Arn}); err != nil {
		t.Errorf("their policy: %v", err)
	}

	spec := sdk.ClusterSpec{ClusterName: "versions"}
	arn := "arn:aws:iam::123456789012:policy/" + sdk.LoggingPolicyName("versions")
	for i := range 7 {
		spec.Logging = &sdk.LoggingSpec{Kinesis: &sdk.KinesisLogs{Stream: "pods-" + string(rune('a'+i))}}
		if _, err := sdk.Apply(ctx, e.clients, spec, opts...); err != nil {
			t.Fatalf("Apply %d: %v", i, err)
		}
		want, _ := sdk.LoggingPolicy(partition.AWS, "eu-west-1", "123456789012", "versions", *spec.Logging)
		assertPolicy(t, iamc, arn, want)
	}
	v, err := iamc.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil || len(v.Versions) != 5 {
		t.Errorf("versions: %v %d", err, len(v.Versions))
	}
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	assertNoLogging(t, e, "versions", "")
}

// A new cluster whose creator gets no access cannot have its logging
// ConfigMap applied: refused before anything is written, by Apply and Plan.
func TestApplyLoggingNeedsClusterAccess(t *testing.T) {
	e := newEnv(t)
	off := false
	spec := sdk.ClusterSpec{ClusterName: "x", AuthenticationMode: sdk.AuthAPI, BootstrapClusterCreatorAdminPermissions: &off,
		Logging: &sdk.LoggingSpec{CloudWatch: &sdk.CloudWatchLogs{}}}
	if _, err := sdk.Apply(context.Background(), e.clients, spec, fast...); !errors.Is(err, sdk.ErrNoClusterAccess) {
		t.Errorf("Apply: %v, want ErrNoClusterAccess", err)
	}
	if _, err := sdk.Plan(context.Background(), e.clients, spec, fast...); !errors.Is(err, sdk.ErrNoClusterAccess) {
		t.Errorf("Plan: %v, want ErrNoClusterAccess", err)
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Errorf("wrote %v", w)
	}
}
