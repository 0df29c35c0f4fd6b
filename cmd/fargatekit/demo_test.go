package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/examples/catalog"
)

// wantAll fails the test for every fragment out lacks.
func wantAll(t *testing.T, out string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(out, f) {
			t.Errorf("output lacks %q", f)
		}
	}
}

func TestPlanExamples(t *testing.T) {
	for _, name := range catalog.Names() {
		t.Run(name, func(t *testing.T) {
			code, out, errs := runCLI(t, nil, "plan", "--example", name)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			wantAll(t, out, "Plan of examples/"+name, "Resource tree:", "fargatekit:", "Deploy-time ESTIMATE", "Critical path", "aws:eks/cluster:Cluster")
		})
	}
}

func TestPlanUsage(t *testing.T) {
	for _, args := range [][]string{{"plan", "--example", "nope"}, {"plan", "extra"}, {"plan", "--bogus"}} {
		if code, _, errs := runCLI(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errs)
		}
	}
}

// TestDemoOffline is the part of `make demo` that needs nothing: the plan of
// fargate-alb with its documents and estimate, and the native EKS token.
func TestDemoOffline(t *testing.T) {
	code, out, errs := runCLI(t, nil, "demo", "--offline")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	wantAll(t, out,
		"Part 1 — offline plan of examples/fargate-alb",
		"fargatekit:lbc:LBCRelease lbc",
		"kubernetes:networking.k8s.io/v1:Ingress game-2048",
		"Trust policy of IAM role lbc-irsa",
		"system:serviceaccount:kube-system:aws-load-balancer-controller",
		"Permission policy lbc-policy", "statements,",
		"Helm values of release lbc", "defaultTargetType: ip", "keepTLSSecret: true",
		`alb.ingress.kubernetes.io/listen-ports: '[{"HTTP":80},{"HTTPS":443}]'`,
		"aws-auth", "system:node:{{SessionName}}",
		"Deploy-time ESTIMATE", "kubernetes:helm.sh/v3:Release",
		"EKS token minted natively", "X-Amz-SignedHeaders=host;x-k8s-aws-id", "ExecCredential",
		"Demo finished",
	)
	if strings.Contains(out, "lost=") {
		t.Error("--offline ran the aws-auth step")
	}
}

// TestDemoNoServer: when the API server cannot be had, the demo says why and
// still succeeds after the offline part.
func TestDemoNoServer(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-kubeconfig")
	code, out, errs := runCLI(t, nil, "demo", "--kubeconfig", missing)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	wantAll(t, out, "Deploy-time ESTIMATE", "X-Amz-SignedHeaders", "steps are skipped", missing, "Demo finished")
}

// TestDemoLocalServer runs the whole demo against the local API server
// (integration/kube/up.sh), as `make demo` does.
func TestDemoLocalServer(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the local API server is not used")
	}
	environ := map[string]string{}
	if k := os.Getenv(envTestKubeconfig); k != "" {
		environ[envTestKubeconfig] = k
	}
	code, out, errs := runCLI(t, environ, "demo", "--writers", "6", "--mappings", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	wantAll(t, out,
		"writers=6  mappings=30  present=30  lost=0",
		"Fargate pod-execution role mapping kept byte for byte: true",
		"signature verified against /openid/v1/jwks: true",
		"admitted=true",
		"admitted=false, failing claims [sub]",
	)
	if strings.Contains(out, "steps are skipped") {
		t.Errorf("the server steps were skipped:\n%s", out)
	}
}
