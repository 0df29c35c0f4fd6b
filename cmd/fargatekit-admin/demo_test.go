package main

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/internal/localkube"
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

// TestDemoOffline is the part of `fargatekit demo` that needs nothing: the
// native EKS token (part 1, the plan, is cmd/fargatekit-plan's TestPlanDemo).
func TestDemoOffline(t *testing.T) {
	code, out, errs := runCLI(t, nil, "demo", "--offline")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	wantAll(t, out,
		"Part 2 — the SDK, live", "go run ./cmd/fargatekit-plan --demo",
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
	wantAll(t, out, "X-Amz-SignedHeaders", "steps are skipped", missing, "Demo finished")
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

// TestDemoStopsItsServer runs the demo with no server named: it starts an API
// server of its own and, when it ends, leaves none running and no state
// directory behind.
func TestDemoStopsItsServer(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the local API server is not used")
	}
	root, err := localkube.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, map[string]string{}, "demo", "--writers", "2", "--mappings", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	wantAll(t, out, "stopped the demo's API server", "Demo finished")
	m := regexp.MustCompile(`API server (https://127\.0\.0\.1:\d+) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no API server address in the output:\n%s", out)
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(m[1], "https://"), time.Second); err == nil {
		conn.Close()
		t.Errorf("%s still answers after the demo", m[1])
	}
	left, _ := filepath.Glob(filepath.Join(root, "integration", "kube", ".cache", "demo.*"))
	for _, dir := range left {
		if pid, err := os.ReadFile(filepath.Join(dir, "kube-apiserver.pid")); err == nil {
			t.Errorf("state directory %s left behind (kube-apiserver pid %s)", dir, pid)
		}
	}
}
