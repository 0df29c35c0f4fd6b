// Package lbcref locates the real AWS Load Balancer Controller artefacts the
// tests of sdk/lbc and lbc check against: every eks-charts archive of the
// version table (charts/), the controller's official IAM policies
// (policies/) and its CRDs of v3.5.0 with the gateway ones (crds-v3.5.0/).
//
// The directory is the one named by the environment variable
// FARGATEKIT_LBC_REFERENCE ([EnvDir]) or, without it, the first
// ../shared/reference/lbc found walking up from the checkout (for a checkout
// at /work/main or /work/wt/lbc: /work/shared/reference/lbc). Tests that need
// it call [Require], which skips them with one line when it is absent.
package lbcref

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/fargatekit/fargatekit/internal/localkube"
)

// EnvDir names the environment variable that, when set, is the reference
// directory (it must then exist).
const EnvDir = "FARGATEKIT_LBC_REFERENCE"

// ErrNotFound is wrapped by [Dir] when no reference directory is found.
var ErrNotFound = errors.New("lbcref: no LBC reference directory")

// Dir returns the reference directory: $FARGATEKIT_LBC_REFERENCE, or the
// first <dir>/../shared/reference/lbc holding a charts/ directory, for dir
// the checkout and each of its parents.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", fmt.Errorf("%w: %s=%s is not a directory", ErrNotFound, EnvDir, d)
		}
		return filepath.Abs(d)
	}
	root, err := localkube.RepoRoot()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	for dir := root; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(filepath.Dir(dir), "shared", "reference", "lbc")
		if st, err := os.Stat(filepath.Join(cand, "charts")); err == nil && st.IsDir() {
			return cand, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("%w: set %s, or put it at ../shared/reference/lbc of the checkout %s or of a parent", ErrNotFound, EnvDir, root)
		}
	}
}

// Require returns the reference directory, or skips the test with one line
// saying why when there is none.
func Require(t testing.TB) string {
	t.Helper()
	d, err := Dir()
	if err != nil {
		t.Skipf("skipped: %v", err)
	}
	return d
}

// Chart returns the path of the eks-charts archive of a chart version
// ("3.5.0"), failing the test when the reference directory lacks it.
func Chart(t testing.TB, chartVersion string) string {
	t.Helper()
	p := filepath.Join(Require(t), "charts", "aws-load-balancer-controller-"+chartVersion+".tgz")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("lbcref: chart %s: %v", chartVersion, err)
	}
	return p
}

// File returns the path of a file under the reference directory (for
// example "policies/iam_policy_cn.json"), failing the test when it is absent.
func File(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Require(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("lbcref: %v", err)
	}
	return p
}
