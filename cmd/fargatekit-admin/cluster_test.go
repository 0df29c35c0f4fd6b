package main

import (
	"bytes"
	"context"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/eksaddonfake"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// clusterCLI runs the cluster verbs in-process against moto (through
// AWS_ENDPOINT_URL) with the add-on fake in front of EKS.
type clusterCLI struct {
	t       *testing.T
	environ map[string]string
	ca      string
	eks     *eksaddonfake.Client
	// kube, when set, is how Apply reaches the cluster (the test API server).
	kube eksfargate.KubernetesFunc
}

func newClusterCLI(t *testing.T) *clusterCLI {
	t.Setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
	moto := mototest.New(t)
	environ := isolatedAWSEnv(t, envCreds)
	for k, v := range envCreds {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ENDPOINT_URL", moto.URL)
	ca, err := eksaddonfake.SelfSignedCA()
	if err != nil {
		t.Fatal(err)
	}
	return &clusterCLI{t: t, environ: environ, ca: ca}
}

func (c *clusterCLI) run(wantCode int, args ...string) (string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return c.environ[k] },
		log: slog.New(slog.NewTextHandler(&errb, nil)),
		clients: func(cfg aws.Config) *eksfargate.Clients {
			cl := eksfargate.NewClients(cfg)
			if c.eks == nil { // one fake for every run: the add-ons outlive a command
				c.eks = eksaddonfake.Wrap(eks.NewFromConfig(cfg))
				c.eks.Fake.Polls = 0 // settled at once: the CLI polls every 10s
				c.eks.Fake.CertificateAuthority = c.ca
				c.eks.Fake.Offer(eksaddonfake.AssumedAddonVersions()...) // CoreDNS on 1.36
				c.eks.Fake.EC2 = ec2.NewFromConfig(cfg)                  // the cluster security group
			}
			cl.EKS = c.eks
			if c.kube != nil {
				cl.Kubernetes = c.kube
			}
			return cl
		}}
	code := run(context.Background(), e, args)
	if code != wantCode {
		c.t.Fatalf("fargatekit %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, wantCode, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func TestClusterCommandsOnMoto(t *testing.T) {
	c := newClusterCLI(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "cluster.yaml")
	if err := os.WriteFile(file, []byte(`clusterName: demo
vpc: {azCount: 2, singleNATGateway: true}
fargateProfiles:
  - name: system
    selectors: [{namespace: kube-system}, {namespace: default}]
tags: {team: platform}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	// Errors name the flag, or the file.
	if _, errs := c.run(2, "create", "cluster", "--region", "eu-west-1"); !strings.Contains(errs, "--name (or clusterName in -f) is required") {
		t.Errorf("no name: %s", errs)
	}
	if _, errs := c.run(2, "create", "cluster", "-f", file, "--region", "eu-west-1", "--version", "1.99"); !strings.Contains(errs, "--version: KubernetesVersion:") {
		t.Errorf("bad version: %s", errs)
	}
	if _, errs := c.run(2, "create", "cluster", "--name", "x", "--region", "eu-west-1", "--secrets-key", "yes"); !strings.Contains(errs, "--secrets-key") {
		t.Errorf("bad key: %s", errs)
	}
	if _, errs := c.run(2, "create", "cluster", "--name", "x"); !strings.Contains(errs, "no region") {
		t.Errorf("no region: %s", errs)
	}
	if _, errs := c.run(2, "create", "nodegroup"); !strings.Contains(errs, "only cluster") {
		t.Errorf("nodegroup: %s", errs)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("clusterName: demo\nvpcc: {}\n"), 0o600)
	if _, errs := c.run(2, "plan", "cluster", "-f", bad, "--region", "eu-west-1"); !strings.Contains(errs, "vpcc") {
		t.Errorf("unknown field: %s", errs)
	}
	if out, _ := c.run(0, "create", "--help"); !strings.Contains(out, "examples:") || !strings.Contains(out, "fargatekit plan cluster -f cluster.yaml") {
		t.Errorf("help: %s", out)
	}

	// Plan, dry run, create, create again, delete.
	plan, _ := c.run(0, "plan", "cluster", "-f", file, "--region", "eu-west-1")
	if !strings.Contains(plan, "+ create vpc: 10.0.0.0/16") || !strings.Contains(plan, "+ create cluster demo") || strings.Contains(plan, "unchanged\n    ") {
		t.Errorf("plan:\n%s", plan)
	}
	dry, _ := c.run(0, "create", "cluster", "-f", file, "--region", "eu-west-1", "--dry-run")
	if dry != plan {
		t.Errorf("--dry-run differs from plan:\n%s\n%s", dry, plan)
	}
	kc := filepath.Join(dir, "kubeconfig")
	out, progress := c.run(0, "create", "cluster", "-f", file, "--region", "eu-west-1", "--kubeconfig", kc)
	for _, want := range []string{"cluster demo is ACTIVE", "endpoint:", "fargate profiles:   system-", "add-ons:            coredns@", "kubeconfig: context arn:aws:eks:eu-west-1:123456789012:cluster/demo"} {
		if !strings.Contains(out, want) {
			t.Errorf("create output lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"creating cluster demo in eu-west-1", "] create cluster demo", "] create addon coredns"} {
		if !strings.Contains(progress, want) {
			t.Errorf("progress lacks %q:\n%s", want, progress)
		}
	}
	t.Logf("fargatekit create cluster -f cluster.yaml --region eu-west-1\n%s%s", progress, out)
	if b, err := os.ReadFile(kc); err != nil || !strings.Contains(string(b), "fargatekit") {
		t.Errorf("kubeconfig: %v\n%s", err, b)
	}
	plan, _ = c.run(0, "plan", "cluster", "-f", file, "--region", "eu-west-1")
	if !strings.HasPrefix(plan, "plan: 0 to write") {
		t.Errorf("plan after create:\n%s", plan)
	}
	out, _ = c.run(0, "create", "cluster", "-f", file, "--region", "eu-west-1")
	if !strings.Contains(out, "(0 changes") {
		t.Errorf("second create:\n%s", out)
	}
	del, _ := c.run(0, "delete", "cluster", "--name", "demo", "--region", "eu-west-1", "--dry-run")
	if !strings.Contains(del, "- delete cluster demo") || !strings.Contains(del, "- delete vpc") {
		t.Errorf("delete --dry-run:\n%s", del)
	}
	out, progress = c.run(0, "delete", "cluster", "-f", file, "--region", "eu-west-1", "--sweep")
	if !strings.Contains(out, "cluster demo deleted") || !strings.Contains(progress, "] delete Fargate profile system-") {
		t.Errorf("delete:\n%s\n%s", out, progress)
	}
	t.Logf("fargatekit delete cluster -f cluster.yaml --region eu-west-1\n%s%s", progress, out)
	out, _ = c.run(0, "delete", "cluster", "--name", "demo", "--region", "eu-west-1")
	if !strings.Contains(out, "deleted (0 resources)") {
		t.Errorf("second delete:\n%s", out)
	}
}

// A logging: block in cluster.yaml goes through create to the Apply of the
// SDK: the log group, the logs policy on the pod-execution role, and the
// aws-logging ConfigMap (on the real API server, in aws-observability) that
// sdk/eksfargate renders; create again changes nothing, delete removes the
// group and the policy.
func TestClusterLoggingOnMoto(t *testing.T) {
	c := newClusterCLI(t)
	cs, cfg := kubetest.Clientset(t)
	kubetest.Lock(t, cfg, eksfargate.ObservabilityNamespace) // the namespace is fixed: one test at a time uses it
	ctx := context.Background()
	t.Cleanup(func() {
		_ = cs.CoreV1().ConfigMaps(eksfargate.ObservabilityNamespace).Delete(ctx, eksfargate.LoggingConfigMapName, metav1.DeleteOptions{})
	})
	c.kube = func(_ context.Context, info kubeauth.ClusterInfo) (kubernetes.Interface, error) {
		if info.Name != "logs" || info.Endpoint == "" {
			t.Errorf("Apply connects to %+v", info)
		}
		return cs, nil
	}
	file := filepath.Join(t.TempDir(), "cluster.yaml")
	if err := os.WriteFile(file, []byte(`clusterName: logs
vpc: {azCount: 2, singleNATGateway: true}
logging:
  cloudWatch: {retentionDays: 14}
  kubernetesMetadata: true
`), 0o600); err != nil {
		t.Fatal(err)
	}
	plan, _ := c.run(0, "plan", "cluster", "-f", file, "--region", "eu-west-1")
	for _, want := range []string{"+ create log group fargate-logs: /aws/eks/logs/fargate, 14 days", "+ create policy fargate-logging: logs-fargate-logging",
		"+ create policy fargate-logging attachment: on role logs-pod-execution-role", "+ create ConfigMap aws-observability/aws-logging"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
	out, progress := c.run(0, "create", "cluster", "-f", file, "--region", "eu-west-1")
	if !strings.Contains(out, "cluster logs is ACTIVE") || !strings.Contains(progress, "] create ConfigMap aws-observability/aws-logging") {
		t.Errorf("create:\n%s\n%s", out, progress)
	}
	cm, err := cs.CoreV1().ConfigMaps(eksfargate.ObservabilityNamespace).Get(ctx, eksfargate.LoggingConfigMapName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := eksfargate.RenderLoggingConfig(eksfargate.LoggingSpec{CloudWatch: &eksfargate.CloudWatchLogs{RetentionDays: 14}, KubernetesMetadata: true}, "logs", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(cm.Data, want) {
		t.Errorf("ConfigMap data %v, the renderer's %v", cm.Data, want)
	}
	if out, _ := c.run(0, "create", "cluster", "-f", file, "--region", "eu-west-1"); !strings.Contains(out, "(0 changes") {
		t.Errorf("second create:\n%s", out)
	}
	if plan, _ := c.run(0, "plan", "cluster", "-f", file, "--region", "eu-west-1"); !strings.HasPrefix(plan, "plan: 0 to write") {
		t.Errorf("plan after create:\n%s", plan)
	}
	_, progress = c.run(0, "delete", "cluster", "--name", "logs", "--region", "eu-west-1")
	for _, want := range []string{"] delete log group fargate-logs (/aws/eks/logs/fargate)", "] delete policy fargate-logging attachment", "] delete policy fargate-logging ("} {
		if !strings.Contains(progress, want) {
			t.Errorf("delete progress lacks %q:\n%s", want, progress)
		}
	}
}
