package lbcref

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDirFromEnv(t *testing.T) {
	d := t.TempDir()
	t.Setenv(EnvDir, d)
	got, err := Dir()
	if err != nil || got != d {
		t.Fatalf("Dir() = %q, %v; want %q", got, err, d)
	}
	t.Setenv(EnvDir, filepath.Join(d, "missing"))
	if _, err := Dir(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing dir: %v, want ErrNotFound", err)
	}
}

func TestDirWalksUp(t *testing.T) {
	t.Setenv(EnvDir, "")
	d, err := Dir()
	if errors.Is(err, ErrNotFound) {
		t.Skipf("skipped: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(d) != "lbc" || filepath.Base(filepath.Dir(d)) != "reference" {
		t.Errorf("Dir() = %s, want .../shared/reference/lbc", d)
	}
	if _, err := os.Stat(filepath.Join(d, "charts")); err != nil {
		t.Error(err)
	}
}
