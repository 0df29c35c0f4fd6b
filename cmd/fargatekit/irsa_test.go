package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/irsa"
)

const irsaProviderARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

func TestIRSATrustPolicyCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"exact", []string{"--provider-arn", irsaProviderARN, "--sa", "kube-system/aws-load-balancer-controller", "--sa", "apps/web"}, 0,
			[]string{`"StringEquals": {`, `"system:serviceaccount:kube-system:aws-load-balancer-controller",`, `"system:serviceaccount:apps:web"`}},
		{"wildcard", []string{"--provider-arn", irsaProviderARN, "--sa", "ci/runner-*"}, 0,
			[]string{`"StringLike": {`, `"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"`}},
		{"cross-namespace refused", []string{"--provider-arn", irsaProviderARN, "--sa", "team-*/deployer"}, 2, []string{"wildcard spans namespaces"}},
		{"cross-namespace allowed", []string{"--provider-arn", irsaProviderARN, "--sa", "team-*/deployer", "--allow-cross-namespace-wildcard"}, 0,
			[]string{`"system:serviceaccount:team-*:deployer"`}},
		{"no provider", []string{"--sa", "a/b"}, 2, []string{"--provider-arn is required"}},
		{"bad provider", []string{"--provider-arn", "arn:aws:iam::123456789012:role/x", "--sa", "a/b"}, 2, []string{"invalid OIDC provider ARN"}},
		{"no sa", []string{"--provider-arn", irsaProviderARN}, 2, []string{"--sa"}},
		{"bad sa", []string{"--provider-arn", irsaProviderARN, "--sa", "a"}, 2, []string{"want namespace/name"}},
		{"over the quota", []string{"--provider-arn", irsaProviderARN, "--sa", "a/b", "--max-size", "100"}, 1, []string{"ACLSizePerRole"}},
		{"quota above IAM's limit", []string{"--provider-arn", irsaProviderARN, "--sa", "a/b", "--max-size", "9999"}, 2, []string{"quota"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, nil, append([]string{"irsa", "trust-policy"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, out, errs)
			}
			for _, c := range tt.contains {
				if !strings.Contains(out+errs, c) {
					t.Errorf("output lacks %s:\n%s%s", c, out, errs)
				}
			}
			if code != 0 {
				return
			}
			// The printed policy is the renderer's, indented.
			doc, err := iampolicy.Parse([]byte(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(); err != nil || !strings.HasPrefix(out, "{\n  \"Version\"") {
				t.Errorf("%v\n%s", err, out)
			}
		})
	}
	if code, _, errs := runCLI(t, nil, "irsa"); code != 2 || !strings.Contains(errs, "subcommand") {
		t.Errorf("bare irsa: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, nil, "irsa", "nope"); code != 2 || !strings.Contains(errs, "unknown irsa subcommand") {
		t.Errorf("unknown subcommand: %d %s", code, errs)
	}
}

func TestIRSAVerifyCommandRealServer(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	issuer := kubetest.Issuer(t, cfg)
	kubeconfig := kubetest.KubeconfigFile(t, cfg)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	app := irsa.ServiceAccount{Namespace: ns, Name: "app"}
	if _, err := irsa.AnnotateServiceAccount(ctx, cs, app, "arn:aws:iam::123456789012:role/app", irsa.AnnotateOptions{}); err != nil {
		t.Fatal(err)
	}
	providerARN, err := irsa.ProviderARNFromIssuer("aws", "123456789012", issuer)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writePolicy := func(name string, accounts ...irsa.ServiceAccount) string {
		p, err := irsa.TrustPolicy(providerARN, accounts...)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	admits := writePolicy("admits.json", app)
	failsSub := writePolicy("fails-sub.json", irsa.ServiceAccount{Namespace: ns, Name: "other"})

	tests := []struct {
		name     string
		environ  map[string]string
		args     []string
		code     int
		contains []string
	}{
		{"admits", nil, []string{"--policy-file", admits, "--sa", app.String(), "--kubeconfig", kubeconfig, "--provider-arn", providerARN}, 0,
			[]string{app.String() + ": admitted: statement 0"}},
		{"kubeconfig from $KUBECONFIG", map[string]string{"KUBECONFIG": kubeconfig}, []string{"--policy-file", admits, "--sa", app.String(), "--skip-signature"}, 0,
			[]string{"admitted"}},
		{"fails on sub", nil, []string{"--policy-file", failsSub, "--sa", app.String(), "--kubeconfig", kubeconfig}, 1,
			[]string{"not admitted", "condition StringEquals " + strings.TrimPrefix(issuer, "https://") + ":sub", "does not admit"}},
		{"missing account", nil, []string{"--policy-file", admits, "--sa", ns + "/missing", "--kubeconfig", kubeconfig}, 1, []string{"not found"}},
		{"both sources", nil, []string{"--policy-file", admits, "--role-arn", "arn:aws:iam::123456789012:role/x", "--sa", "a/b"}, 2, []string{"exactly one"}},
		{"no source", nil, []string{"--sa", "a/b"}, 2, []string{"exactly one"}},
		{"no sa", nil, []string{"--policy-file", admits}, 2, []string{"--sa"}},
		{"missing file", nil, []string{"--policy-file", filepath.Join(dir, "nope.json"), "--sa", "a/b"}, 1, []string{"nope.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.environ, append([]string{"irsa", "verify"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, out, errs)
			}
			for _, c := range tt.contains {
				if !strings.Contains(out+errs, c) {
					t.Errorf("output lacks %q:\n%s%s", c, out, errs)
				}
			}
		})
	}
}

// The role path never guesses a region: with none configured it stops
// before any AWS call.
func TestIRSAVerifyRoleNeedsRegion(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	code, _, errs := runCLI(t, nil, "irsa", "verify", "--role-arn", "arn:aws:iam::123456789012:role/x", "--sa", "a/b")
	if code != 2 || !strings.Contains(errs, "no AWS region") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}
