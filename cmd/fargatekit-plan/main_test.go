package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/examples/catalog"
)

// runPlan runs the command in-process and returns exit code, stdout and stderr.
func runPlan(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

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
			code, out, errs := runPlan("--example", name)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			wantAll(t, out, "Plan of examples/"+name, "Resource tree:", "fargatekit:", "Deploy-time ESTIMATE", "Critical path", "aws:eks/cluster:Cluster")
		})
	}
}

func TestPlanUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"--example", "nope"}, 2},
		{[]string{"extra"}, 2},
		{[]string{"--bogus"}, 2},
		{[]string{"--help"}, 0},
	}
	for _, tt := range tests {
		if code, _, errs := runPlan(tt.args...); code != tt.code {
			t.Errorf("%v: exit %d (%s), want %d", tt.args, code, errs, tt.code)
		}
	}
}

// TestPlanDemo is part 1 of `make demo`: the plan of fargate-alb with its
// documents and estimate.
func TestPlanDemo(t *testing.T) {
	code, out, errs := runPlan("--demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	wantAll(t, out,
		"Part 1 — offline plan of examples/fargate-alb",
		"resources registered by the real components",
		"fargatekit:lbc:LBCRelease lbc",
		"kubernetes:networking.k8s.io/v1:Ingress game-2048",
		"Trust policy of IAM role lbc-irsa",
		"system:serviceaccount:kube-system:aws-load-balancer-controller",
		"Permission policy lbc-policy", "statements,",
		"Helm values of release lbc", "defaultTargetType: ip", "keepTLSSecret: true",
		`alb.ingress.kubernetes.io/listen-ports: '[{"HTTP":80},{"HTTPS":443}]'`,
		"aws-auth", "system:node:{{SessionName}}",
		"Deploy-time ESTIMATE", "kubernetes:helm.sh/v3:Release",
	)
}
