// Package localkube starts, or finds running, the local Kubernetes API server
// that integration/kube/up.sh builds and runs (kube-apiserver and etcd on
// 127.0.0.1), for the tests (internal/kubetest) and the CLI's demo.
package localkube

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ModulePath is the module whose checkout holds integration/kube/up.sh.
const ModulePath = "github.com/fargatekit/fargatekit"

// ErrNoCheckout is returned by [RepoRoot] when no directory above the working
// directory holds the module's go.mod: the server scripts are not there.
var ErrNoCheckout = errors.New("localkube: no checkout of " + ModulePath + " above the working directory")

// RepoRoot walks up from the working directory to the directory whose go.mod
// declares [ModulePath].
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("localkube: %w", err)
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && declares(string(data)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoCheckout
		}
		dir = parent
	}
}

// declares reports whether a go.mod's text declares ModulePath.
func declares(gomod string) bool {
	for _, line := range strings.Split(gomod, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" && strings.Trim(f[1], `"`) == ModulePath {
			return true
		}
	}
	return false
}

// StateDir is where up.sh keeps the running server's certificates, data,
// PIDs and kubeconfig under the checkout at root (its default).
func StateDir(root string) string {
	return filepath.Join(root, "integration", "kube", ".cache", "run")
}

// Up runs integration/kube/up.sh of the checkout at root: it builds the
// binaries on the first run (minutes), starts the server or reuses the one
// running in StateDir(root), and returns the kubeconfig path it prints.
// progress, if not nil, receives each line up.sh logs, as it comes. The
// context bounds the run.
func Up(ctx context.Context, root string, progress func(line string)) (string, error) {
	return UpIn(ctx, root, StateDir(root), progress)
}

// UpIn is [Up] with the servers' state in stateDir: a directory of the
// caller's own gives a server no other process reuses, which [Down] stops.
func UpIn(ctx context.Context, root, stateDir string, progress func(line string)) (string, error) {
	script := filepath.Join(root, "integration", "kube", "up.sh")
	cmd := exec.CommandContext(ctx, "bash", script, stateDir)
	cmd.Dir = root
	var stdout strings.Builder
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return "", fmt.Errorf("localkube: up: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("localkube: up: running %s: %w", script, err)
	}
	var tail []string // the last lines, for the error
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if progress != nil {
			progress(sc.Text())
		}
		tail = append(tail[max(0, len(tail)-19):], sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("localkube: up: %s failed: %w\n%s", script, err, strings.Join(tail, "\n"))
	}
	return kubeconfigPath(script, stdout.String())
}

// kubeconfigPath is the last line up.sh printed on stdout, which must name a
// file.
func kubeconfigPath(script, stdout string) (string, error) {
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	path := strings.TrimSpace(lines[len(lines)-1])
	if _, err := os.Stat(path); path == "" || err != nil {
		return "", fmt.Errorf("localkube: up: %s printed no kubeconfig path (%q)", script, path)
	}
	return path, nil
}

// Down runs integration/kube/down.sh of the checkout at root for stateDir:
// it stops the kube-apiserver and etcd that [UpIn] started there (TERM, then
// KILL) and is a no-op when none runs. The context bounds the run.
func Down(ctx context.Context, root, stateDir string) error {
	script := filepath.Join(root, "integration", "kube", "down.sh")
	out, err := exec.CommandContext(ctx, "bash", script, stateDir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("localkube: down: %s failed: %w\n%s", script, err, out)
	}
	return nil
}
