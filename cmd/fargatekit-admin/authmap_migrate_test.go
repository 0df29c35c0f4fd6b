package main

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/accessfake"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// accessCLI is the CLI against moto (IAM, the EKS cluster "demo"), the
// access-entry fake in front of moto's EKS (injected as env.eks), and the
// real API server.
type accessCLI struct {
	t       *testing.T
	ctx     context.Context
	environ map[string]string
	fake    *accessfake.EKS
	iam     *iam.Client
	kube    kubernetes.Interface
	kc      string
	// eks, when set, wraps the fake (the --cluster connection test points
	// DescribeCluster at its proxy).
	eks func(authmap.MigrateAPI) authmap.MigrateAPI
}

func newAccessCLI(t *testing.T, mode string) *accessCLI {
	t.Helper()
	moto := mototest.New(t)
	cfg := moto.Config("eu-west-1")
	c := &accessCLI{t: t, ctx: context.Background(), environ: isolatedAWSEnv(t, envCreds), iam: iam.NewFromConfig(cfg)}
	for k, v := range envCreds {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ENDPOINT_URL", moto.URL) // IAM (and EKS, under the fake) are moto's
	ec := eks.NewFromConfig(cfg)
	if _, err := ec.CreateCluster(c.ctx, &eks.CreateClusterInput{Name: aws.String("demo"), RoleArn: aws.String(c.role("/", "demo-cluster")),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}}}); err != nil {
		t.Fatal(err)
	}
	c.fake = accessfake.New(ec, c.iam)
	c.fake.UpdatePolls = 2 // two "waiting" polls per update
	if err := c.fake.SetMode(c.ctx, "demo", mode); err != nil {
		t.Fatal(err)
	}
	rc := kubetest.Config(t)
	c.kube = kubernetes.NewForConfigOrDie(rc)
	c.kc = kubetest.KubeconfigFile(t, rc)
	return c
}

func (c *accessCLI) role(path, name string) string {
	c.t.Helper()
	out, err := c.iam.CreateRole(c.ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)})
	if err != nil {
		c.t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

// run runs fargatekit with the fake as the EKS client and checks the exit code.
func (c *accessCLI) run(code int, args ...string) (string, string) {
	c.t.Helper()
	got, out, errs := runCLIWith(c.t, c.environ, func(e *env) {
		e.eks = func(aws.Config) authmap.MigrateAPI {
			if c.eks != nil {
				return c.eks(c.fake)
			}
			return c.fake
		}
	}, args...)
	if got != code {
		c.t.Fatalf("fargatekit %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), got, code, out, errs)
	}
	return out, errs
}

func (c *accessCLI) awsAuth(ns string, data map[string]string) {
	c.t.Helper()
	if _, err := c.kube.CoreV1().ConfigMaps(ns).Create(c.ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"}, Data: data}, metav1.CreateOptions{}); err != nil {
		c.t.Fatal(err)
	}
}

func (c *accessCLI) data(ns string) map[string]string {
	c.t.Helper()
	cm, err := c.kube.CoreV1().ConfigMaps(ns).Get(c.ctx, "aws-auth", metav1.GetOptions{})
	if err != nil {
		c.t.Fatal(err)
	}
	return cm.Data
}

func (c *accessCLI) mode() string {
	c.t.Helper()
	out, err := c.fake.DescribeCluster(c.ctx, &eks.DescribeClusterInput{Name: aws.String("demo")})
	if err != nil {
		c.t.Fatal(err)
	}
	return string(out.Cluster.AccessConfig.AuthenticationMode)
}

// TestAuthmapMigrateCommandRealServer: "authmap migrate" on the real API
// server, moto and the access-entry fake. A refusal names the mapping and
// writes nothing (exit 1); conflicting or malformed flags exit 2; the
// default is a dry run (steps, the --apply hint, no write); --apply creates
// the entries (full ARNs, another account's role given by --principal),
// retires aws-auth, ends in API, and prints progress on stderr while it
// waits for the cluster updates; a second run has nothing to do.
func TestAuthmapMigrateCommandRealServer(t *testing.T) {
	c := newAccessCLI(t, accessfake.ModeConfigMap)
	rc := kubetest.Config(t)
	ns, refused := kubetest.Namespace(t, rc), kubetest.Namespace(t, rc)
	pods, nodes, dev := c.role("/", "demo-pods"), c.role("/", "demo-nodes"), c.role("/teams/", "Developer")
	const partner, partnerFull = "arn:aws:iam::999988887777:role/Partner", "arn:aws:iam::999988887777:role/ext/Partner"
	mapRoles := `- rolearn: ` + pods + `
  username: system:node:{{SessionName}}
  groups: [system:bootstrappers, system:nodes, system:node-proxier]
- rolearn: ` + nodes + `
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: arn:aws:iam::123456789012:role/Developer
  username: dev:{{SessionName}}
  groups: [developers]
- rolearn: ` + partner + `
  username: partner
  groups: [partners]
`
	c.awsAuth(ns, map[string]string{"mapRoles": mapRoles, "other": "kept"})
	c.awsAuth(refused, map[string]string{"mapRoles": mapRoles + `- rolearn: arn:aws:iam::123456789012:role/monitor
  username: monitor
  groups: [system:monitoring]
`})
	common := []string{"--cluster", "demo", "--region", "eu-west-1", "--kubeconfig", c.kc, "--poll", "1ms"}
	migrate := func(ns string, extra ...string) []string {
		return append(append([]string{"authmap", "migrate", "--namespace", ns}, common...), extra...)
	}

	out, errs := c.run(1, migrate(refused, "--apply")...)
	if !strings.Contains(out+errs, "system:monitoring") || !strings.Contains(errs, "nothing was changed") {
		t.Errorf("refusal:\n%s%s", out, errs)
	}
	for _, args := range [][]string{migrate(ns, "--apply", "--dry-run"), migrate(ns, "--principal", partner), migrate(ns, "--target-mode", "CONFIG_MAP")} {
		out, errs := c.run(2, args...)
		if strings.Contains(errs, "usage:") || !strings.Contains(errs, "fargatekit authmap: --") {
			t.Errorf("%v: the error names no flag, or is labelled usage:\n%s%s", args[4:], out, errs)
		}
	}
	if _, errs := c.run(2, migrate(ns, "--apply", "--dry-run")...); !strings.Contains(errs, "--apply: conflicts with --dry-run") {
		t.Errorf("--apply --dry-run: %s", errs)
	}
	if c.fake.Writes("demo") != 0 || c.mode() != "CONFIG_MAP" {
		t.Fatalf("a refused run wrote: %d writes, mode %s", c.fake.Writes("demo"), c.mode())
	}
	before := c.data(ns)

	out, _ = c.run(0, migrate(ns)...)
	for _, want := range []string{"authentication mode: CONFIG_MAP -> CONFIG_MAP", "1. (would) switch authentication mode CONFIG_MAP -> API_AND_CONFIG_MAP",
		"(would) create access entry FARGATE_LINUX " + pods, "(would) create access entry EC2_LINUX " + nodes,
		"(would) create access entry STANDARD " + dev + " username=dev:{{SessionName}} groups=developers",
		"note: principal " + partner + ": path not recoverable", "run again with --apply"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if c.fake.Writes("demo") != 0 || c.mode() != "CONFIG_MAP" || !maps.Equal(c.data(ns), before) {
		t.Fatalf("the dry run wrote: %d writes, mode %s", c.fake.Writes("demo"), c.mode())
	}

	out, errs = c.run(0, migrate(ns, "--apply", "--principal", partner+"="+partnerFull)...)
	for _, want := range []string{"(did) create access entry STANDARD " + partnerFull, "note: principal " + partner + ": using " + partnerFull + " (given)",
		"authentication mode: CONFIG_MAP -> API"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "run again with --apply") {
		t.Errorf("apply prints the dry-run hint:\n%s", out)
	}
	// Progress while waiting for each UpdateClusterConfig (two polls each).
	if n := strings.Count(errs, "waiting for cluster update"); n < 4 || !strings.Contains(errs, "status=InProgress") || strings.Count(errs, "cluster update done") != 2 {
		t.Errorf("progress on stderr (%d waits):\n%s", n, errs)
	}
	if c.mode() != "API" {
		t.Errorf("mode %s", c.mode())
	}
	if got := c.fake.Principals("demo"); !slices.Equal(got, []string{nodes, pods, dev, partnerFull}) {
		t.Errorf("entries %v", got)
	}
	after := c.data(ns)
	if m, err := authmap.Parse(after); err != nil || m.Len() != 0 || after["other"] != "kept" {
		t.Errorf("aws-auth after: %q %v", after, err)
	}
	writes := c.fake.Writes("demo")
	if out, _ := c.run(0, migrate(ns, "--apply")...); !strings.Contains(out, "nothing to do") || c.fake.Writes("demo") != writes {
		t.Errorf("second run:\n%s", out)
	}
}
