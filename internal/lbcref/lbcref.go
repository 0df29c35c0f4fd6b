// Package lbcref locates the real AWS Load Balancer Controller artefacts the
// tests of sdk/lbc and lbc check against: every eks-charts archive of the
// version table (charts/), the controller's official IAM policies
// (policies/) and its CRDs of v3.5.0 with the gateway ones (crds-v3.5.0/).
//
// The directory is the one named by the environment variable
// FARGATEKIT_LBC_REFERENCE ([EnvDir]) or, without it, the first
// ../shared/reference/lbc found walking up from the checkout (for a checkout
// at /work/main or /work/wt/lbc: /work/shared/reference/lbc).
//
// Without it (a clean clone in CI), a [Ref] fetches the same artefacts from
// where they are published into a cache laid out the same way
// ($FARGATEKIT_LBC_CACHE, [EnvCache], or fargatekit/lbc-reference under the
// user cache directory): each chart archive from the eks-charts repository
// (through its index, as sdk/lbc.ChartArchive does), each other file from
// the controller's repository at its release tag ([DefaultFiles]). Every
// file, the reference's own included, is checked against a pinned sha256:
// the version table's Release.Digest for the charts, [DefaultFiles] for the
// others; a mismatch fails the test. Only when neither the reference nor the
// network has a file is the test skipped, with one line saying why.
//
// lbcref cannot import sdk/lbc (whose own tests use it), so a Ref is built
// from the table's digests and a download function: sdk/lbc's tests build
// theirs from package-internal names, every other package takes
// [github.com/fargatekit/fargatekit/internal/lbcref/eksref.Ref].
package lbcref

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/internal/atomicfile"
	"github.com/fargatekit/fargatekit/internal/httpget"

	"github.com/fargatekit/fargatekit/internal/localkube"
)

// EnvDir names the environment variable that, when set, is the reference
// directory (it must then exist).
const EnvDir = "FARGATEKIT_LBC_REFERENCE"

// EnvCache names the environment variable that, when set, is the directory
// the artefacts are fetched into when there is no reference directory.
const EnvCache = "FARGATEKIT_LBC_CACHE"

// ChartPrefix starts the file name of every chart archive
// (ChartPrefix + "3.5.0.tgz").
const ChartPrefix = "aws-load-balancer-controller-"

// ErrNotFound is wrapped by [Dir] when no reference directory is found.
var ErrNotFound = errors.New("lbcref: no LBC reference directory")

// ErrDigest is wrapped when a file's sha256 is not the pinned one.
var ErrDigest = errors.New("lbcref: digest mismatch")

// ErrFetch is wrapped when a file could not be fetched (no network, not
// published there): the test is skipped.
var ErrFetch = errors.New("lbcref: fetch")

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

// CacheDir returns $FARGATEKIT_LBC_CACHE, or fargatekit/lbc-reference under
// the user's cache directory.
func CacheDir() (string, error) {
	if d := os.Getenv(EnvCache); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("%w: cache directory: %w (set %s)", ErrFetch, err, EnvCache)
	}
	return filepath.Join(base, "fargatekit", "lbc-reference"), nil
}

// File is a reference file other than a chart: its path under the reference
// directory, where it is published, and its pinned sha256.
type File struct {
	// Path is relative to the reference directory, with slashes.
	Path string
	// URL is where it is published.
	URL string
	// SHA256 is the hex sha256 of its content.
	SHA256 string
}

// sourceV350 is the controller's repository at tag v3.5.0.
const sourceV350 = "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/"

// DefaultFiles returns the reference files the tests read besides the
// charts, as published by the controller's repository at v3.5.0, with the
// sha256 of the reference copies.
func DefaultFiles() []File {
	return []File{
		{"policies/iam_policy.json", sourceV350 + "docs/install/iam_policy.json", "16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a"},
		{"policies/iam_policy_cn.json", sourceV350 + "docs/install/iam_policy_cn.json", "b1ac7c188d27a2cdb3095c7efd8376cd21705fe75d6ce91715558a85987b25bc"},
		{"policies/iam_policy_us-gov.json", sourceV350 + "docs/install/iam_policy_us-gov.json", "eff0caf0b8f205e63e09ee1ea37a90fba6a87a417ac40fc83da50b204a55f372"},
		{"policies/aga_controller_iam_policy.json", sourceV350 + "docs/install/aga_controller_iam_policy.json", "6e31a0693707f5e6974120edec6aa7059f968cb88d3a50e8b5a39b07c0dc0dfa"},
		{"policies/iam_policy_acm_certs.json", sourceV350 + "docs/install/iam_policy_acm_certs.json", "2a442c3d109dc623dd0ec089a06af9d57d1aaf585fbdae94e21371cb9038232e"},
		{"crds-v3.5.0/aga-crds.yaml", sourceV350 + "config/crd/aga/aga-crds.yaml", "305d35cf4c8d28d230aee9e1366804f9b1ec9f7753d78ec8659a3edbf94b120b"},
		{"crds-v3.5.0/elbv2.k8s.aws_albtargetcontrolconfigs.yaml", sourceV350 + "config/crd/bases/elbv2.k8s.aws_albtargetcontrolconfigs.yaml", "9f78853c37088c1533f4a90c01fd878c0b65ec6d6905434f727cad903fef390f"},
		{"crds-v3.5.0/elbv2.k8s.aws_ingressclassparams.yaml", sourceV350 + "config/crd/bases/elbv2.k8s.aws_ingressclassparams.yaml", "ecc9a6272f05b23da799e8c62f2ace623ca7b061e9808fdee50d1ab15dfbd825"},
		{"crds-v3.5.0/elbv2.k8s.aws_targetgroupbindings.yaml", sourceV350 + "config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml", "0efbdd3d88d29abbdd6feb2c1329dceb5e1b7788644f2d9b0be9158589a98432"},
		{"crds-v3.5.0/gateway-crds.yaml", sourceV350 + "config/crd/gateway/gateway-crds.yaml", "fce68bbfc74b4ed7dbea675f46981cbef1fffc8981cf19c0c1e7a2e9d6464862"},
	}
}

// FetchChart downloads the archive of a chart version, checked against the
// repository's index (sdk/lbc.ChartArchive); it may cache it in cacheDir
// under its archive name.
type FetchChart func(ctx context.Context, chartVersion, cacheDir string) ([]byte, error)

// Ref finds the reference artefacts, or fetches them, checking each against
// its pinned digest. Build it with [New].
type Ref struct {
	charts map[string]string
	fetch  FetchChart
	files  []File
	dir    func() (string, error)
	cache  func() (string, error)
}

// New returns a Ref over the chart archives of charts (chart version to the
// sha256 of its archive) and the files of [DefaultFiles], fetching with
// fetch when there is no reference directory.
func New(charts map[string]string, fetch FetchChart) Ref {
	return Ref{charts: charts, fetch: fetch, files: DefaultFiles(), dir: Dir, cache: CacheDir}
}

// WithSources returns r reading only from the cache directory cache (never
// the reference directory) with files as the non-chart files: how the
// fallback is tested against a local server.
func (r Ref) WithSources(cache string, files []File) Ref {
	r.files = files
	r.dir = func() (string, error) { return "", fmt.Errorf("%w: testing the fetch", ErrNotFound) }
	r.cache = func() (string, error) { return cache, nil }
	return r
}

// Charts returns the chart versions of the Ref, sorted.
func (r Ref) Charts() []string {
	out := make([]string, 0, len(r.charts))
	for v := range r.charts {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// fetchTimeout bounds the fetch of every missing file.
const fetchTimeout = 2 * time.Minute

// ChartsDir returns the directory holding charts/ with every chart archive of
// the Ref, each checked against its pinned digest: the reference directory,
// or the cache after fetching what it lacks.
func (r Ref) ChartsDir(ctx context.Context) (string, error) {
	if d, err := r.dir(); err == nil {
		return d, r.checkCharts(d)
	} else if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	cache, err := r.cache()
	if err != nil {
		return "", err
	}
	// A fetch that failed a moment ago (no network) is not tried again by
	// every test of the binary: each would wait for its own timeout.
	marker := filepath.Join(cache, ".unreachable")
	if st, err := os.Stat(marker); err == nil && time.Since(st.ModTime()) < retryAfter {
		why, _ := os.ReadFile(marker)
		return "", fmt.Errorf("%w: %s (at %s; tried again after %v)", ErrFetch, why, st.ModTime().Format(time.TimeOnly), retryAfter)
	}
	if err := r.fetchCharts(ctx, cache); err != nil {
		if errors.Is(err, ErrFetch) {
			_ = writeFile(marker, []byte(err.Error()))
		}
		return "", err
	}
	_ = os.Remove(marker)
	return cache, nil
}

// retryAfter is how long a failed fetch is remembered.
const retryAfter = 2 * time.Minute

// fetchCharts fetches into cache every chart archive of the Ref it lacks.
func (r Ref) fetchCharts(ctx context.Context, cache string) error {
	for _, v := range r.Charts() {
		path := filepath.Join(cache, "charts", ChartPrefix+v+".tgz")
		if data, err := os.ReadFile(path); err == nil && digest(data) == r.charts[v] {
			continue
		}
		data, err := r.fetch(ctx, v, filepath.Dir(path))
		if err != nil {
			return fmt.Errorf("%w: chart %s: %w", ErrFetch, v, err)
		}
		if err := check(ChartPrefix+v+".tgz", data, r.charts[v]); err != nil {
			_ = os.Remove(path)
			return err
		}
		if err := writeFile(path, data); err != nil {
			return err
		}
	}
	return nil
}

// checkCharts checks every chart archive of the Ref in dir.
func (r Ref) checkCharts(dir string) error {
	var errs []error
	for _, v := range r.Charts() {
		name := ChartPrefix + v + ".tgz"
		data, err := os.ReadFile(filepath.Join(dir, "charts", name))
		if err != nil {
			errs = append(errs, fmt.Errorf("lbcref: %w", err))
			continue
		}
		errs = append(errs, check(name, data, r.charts[v]))
	}
	return errors.Join(errs...)
}

// FilePath returns the path of a reference file (one of the Ref's files, for
// example "policies/iam_policy_cn.json"), checked against its pinned digest:
// in the reference directory, or in the cache after fetching it.
func (r Ref) FilePath(ctx context.Context, rel string) (string, error) {
	i := slices.IndexFunc(r.files, func(f File) bool { return f.Path == rel })
	if i < 0 {
		return "", fmt.Errorf("lbcref: %s is not a pinned reference file", rel)
	}
	f := r.files[i]
	dir, err := r.dir()
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	if err == nil {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		data, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("lbcref: %w", err)
		}
		return p, check(rel, data, f.SHA256)
	}
	cache, err := r.cache()
	if err != nil {
		return "", err
	}
	p := filepath.Join(cache, filepath.FromSlash(rel))
	if data, err := os.ReadFile(p); err == nil && digest(data) == f.SHA256 {
		return p, nil
	}
	data, err := get(ctx, f.URL)
	if err != nil {
		return "", err
	}
	if err := check(f.URL, data, f.SHA256); err != nil {
		return "", err
	}
	return p, writeFile(p, data)
}

// Require returns the directory holding charts/ (see [Ref.ChartsDir]). It
// skips the test with one line when there is neither a reference directory
// nor a way to fetch, and fails it on a digest mismatch.
func (r Ref) Require(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
	defer cancel()
	d, err := r.ChartsDir(ctx)
	r.handle(t, err)
	return d
}

// Chart returns the path of the eks-charts archive of a chart version
// ("3.5.0"), as Require.
func (r Ref) Chart(t testing.TB, chartVersion string) string {
	t.Helper()
	if _, ok := r.charts[chartVersion]; !ok {
		t.Fatalf("lbcref: chart %s is not in the version table", chartVersion)
	}
	return filepath.Join(r.Require(t), "charts", ChartPrefix+chartVersion+".tgz")
}

// File returns the path of a reference file (see [Ref.FilePath]), skipping
// or failing the test as Require.
func (r Ref) File(t testing.TB, rel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
	defer cancel()
	p, err := r.FilePath(ctx, rel)
	r.handle(t, err)
	return p
}

// handle skips the test when nothing could be fetched, and fails it on any
// other error (a digest mismatch, an unreadable reference file).
func (r Ref) handle(t testing.TB, err error) {
	t.Helper()
	switch {
	case err == nil:
	case errors.Is(err, ErrFetch):
		_, derr := r.dir()
		t.Skipf("skipped: %v; and %v", derr, err)
	default:
		t.Fatal(err)
	}
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// check returns an error wrapping ErrDigest unless data has the pinned digest.
func check(name string, data []byte, want string) error {
	if got := digest(data); got != want {
		return fmt.Errorf("%w: %s: sha256 %s, pinned %s", ErrDigest, name, got, want)
	}
	return nil
}

// maxFile bounds a fetched reference file.
const maxFile = 8 << 20

// get downloads u; every failure wraps ErrFetch.
func get(ctx context.Context, u string) ([]byte, error) {
	data, err := httpget.Get(ctx, u, maxFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	return data, nil
}

// writeFile writes data to path through a temporary file renamed into place,
// so that concurrent test binaries never read half a file.
func writeFile(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0o644, false); err != nil {
		return fmt.Errorf("%w: cache: %w", ErrFetch, err)
	}
	return nil
}
