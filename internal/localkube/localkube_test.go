package localkube

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDeclares(t *testing.T) {
	for _, tc := range []struct {
		gomod string
		want  bool
	}{
		{"module github.com/fargatekit/fargatekit\n\ngo 1.26\n", true},
		{"// comment\nmodule \"github.com/fargatekit/fargatekit\"\n", true},
		{"module github.com/fargatekit/fargatekit/integration/kube/tools\n", false},
		{"module example.com/other\n", false},
		{"", false},
	} {
		if got := declares(tc.gomod); got != tc.want {
			t.Errorf("declares(%q) = %v, want %v", tc.gomod, got, tc.want)
		}
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "integration", "kube", "up.sh")); err != nil {
		t.Errorf("root %s has no up.sh: %v", root, err)
	}

	t.Chdir(t.TempDir())
	if _, err := RepoRoot(); !errors.Is(err, ErrNoCheckout) {
		t.Errorf("outside a checkout: %v", err)
	}
}

func TestKubeconfigPath(t *testing.T) {
	file := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(file, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stdout string
		ok     bool
	}{
		{file + "\n", true},
		{"noise\n" + file + "\n", true},
		{"", false},
		{"\n", false},
		{file + ".missing\n", false},
	} {
		got, err := kubeconfigPath("up.sh", tc.stdout)
		if (err == nil) != tc.ok || (tc.ok && got != file) {
			t.Errorf("kubeconfigPath(%q) = %q, %v", tc.stdout, got, err)
		}
	}
}
