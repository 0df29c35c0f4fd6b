package eksref_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fargatekit/fargatekit/internal/lbcref"
	"github.com/fargatekit/fargatekit/internal/lbcref/eksref"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// repo is a local stand-in for eks-charts and the controller's repository:
// index.yaml naming the archive (with the digest of what it serves), the
// archive, and one raw file.
type repo struct {
	srv     *httptest.Server
	gets    atomic.Int32
	archive []byte
	file    []byte
}

func newRepo(t *testing.T, archive, file []byte) *repo {
	r := &repo{archive: archive, file: file}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.gets.Add(1)
		switch req.URL.Path {
		case "/repo/index.yaml":
			fmt.Fprintf(w, "apiVersion: v1\nentries:\n  %s:\n  - version: %s\n    digest: %s\n    urls: [charts/x.tgz]\n",
				lbc.ChartName, lbc.EmbeddedChartVersion, sha(r.archive))
		case "/repo/charts/x.tgz":
			_, _ = w.Write(r.archive)
		case "/raw/iam_policy.json":
			_, _ = w.Write(r.file)
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// ref is the Ref of chart EmbeddedChartVersion (pinned by its row) and one
// policy file, fetched from r into cache.
func (r *repo) ref(cache string) lbcref.Ref {
	digests := map[string]string{lbc.EmbeddedChartVersion: eksref.Digests()[lbc.EmbeddedChartVersion]}
	files := []lbcref.File{{Path: "policies/iam_policy.json", URL: r.srv.URL + "/raw/iam_policy.json", SHA256: sha([]byte(`{"Version":"2012-10-17"}`))}}
	return lbcref.New(digests, func(ctx context.Context, version, cacheDir string) ([]byte, error) {
		return lbc.ChartArchive(ctx, lbc.ChartSource{RepoURL: r.srv.URL + "/repo", Name: lbc.ChartName, Version: version}, cacheDir, nil)
	}).WithSources(cache, files)
}

// Without a reference directory, a Ref fetches each chart through the
// repository's index and each file from its URL into the cache, checks
// them against the pinned digests, and reads them from the cache the
// second time without the network.
func TestFetchIntoCache(t *testing.T) {
	ctx := context.Background()
	policy := []byte(`{"Version":"2012-10-17"}`)
	r := newRepo(t, lbc.EmbeddedChart(), policy)
	cache := t.TempDir()
	ref := r.ref(cache)

	dir, err := ref.ChartsDir(ctx)
	if err != nil || dir != cache {
		t.Fatalf("ChartsDir = %s, %v; want the cache %s", dir, err, cache)
	}
	got, err := os.ReadFile(filepath.Join(cache, "charts", lbcref.ChartPrefix+lbc.EmbeddedChartVersion+".tgz"))
	if err != nil || !bytes.Equal(got, lbc.EmbeddedChart()) {
		t.Fatalf("cached chart: %v", err)
	}
	p, err := ref.FilePath(ctx, "policies/iam_policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, policy) || !strings.HasPrefix(p, cache) {
		t.Errorf("file %s: %q", p, got)
	}
	n := r.gets.Load()
	if n != 3 {
		t.Errorf("%d requests, want index, archive and file", n)
	}
	if _, err := ref.ChartsDir(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ref.FilePath(ctx, "policies/iam_policy.json"); err != nil {
		t.Fatal(err)
	}
	if r.gets.Load() != n {
		t.Errorf("second read made %d requests, want none", r.gets.Load()-n)
	}
	if _, err := ref.FilePath(ctx, "policies/other.json"); err == nil {
		t.Error("a file that is not pinned was accepted")
	}
	if c := ref.Charts(); len(c) != 1 || c[0] != lbc.EmbeddedChartVersion {
		t.Errorf("Charts() = %v", c)
	}
}

// An archive the repository's index vouches for but whose digest is not
// the pinned one, and a file with another digest, are refused (ErrDigest,
// which fails the test) and not left in the cache.
func TestFetchRefusesOtherDigests(t *testing.T) {
	ctx := context.Background()
	tampered := lbc.EmbeddedChart()
	tampered[4] ^= 1 // the gzip header's mtime: still a valid archive, another digest
	r := newRepo(t, tampered, []byte(`{"Version":"2012-10-18"}`))
	cache := t.TempDir()
	ref := r.ref(cache)
	if _, err := ref.ChartsDir(ctx); !errors.Is(err, lbcref.ErrDigest) {
		t.Fatalf("tampered chart: %v, want ErrDigest", err)
	}
	if _, err := os.Stat(filepath.Join(cache, "charts", lbcref.ChartPrefix+lbc.EmbeddedChartVersion+".tgz")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused archive is cached: %v", err)
	}
	if _, err := ref.FilePath(ctx, "policies/iam_policy.json"); !errors.Is(err, lbcref.ErrDigest) {
		t.Errorf("tampered file: %v, want ErrDigest", err)
	}
}

// With neither a reference directory nor a reachable repository, Require
// and File skip the test with one line.
func TestRequireSkipsWithoutNetwork(t *testing.T) {
	r := newRepo(t, lbc.EmbeddedChart(), nil)
	r.srv.Close()
	ref := r.ref(t.TempDir())
	for name, call := range map[string]func(t *testing.T){
		"Require": func(t *testing.T) { ref.Require(t) },
		"Chart":   func(t *testing.T) { ref.Chart(t, lbc.EmbeddedChartVersion) },
		"File":    func(t *testing.T) { ref.File(t, "policies/iam_policy.json") },
	} {
		var skipped bool
		t.Run(name, func(t *testing.T) {
			t.Cleanup(func() { skipped = t.Skipped() })
			call(t)
		})
		if !skipped {
			t.Errorf("%s: not skipped", name)
		}
	}
}

// Every chart archive of the version table, as the reference directory has
// it or as eks-charts serves it, has its row's pinned digest (Require
// checks every one), and every pinned reference file its digest.
func TestPinnedDigests(t *testing.T) {
	ref := eksref.Ref("")
	dir := ref.Require(t)
	for _, v := range ref.Charts() {
		data, err := os.ReadFile(filepath.Join(dir, "charts", lbcref.ChartPrefix+v+".tgz"))
		if err != nil {
			t.Fatal(err)
		}
		if sha(data) != eksref.Digests()[v] {
			t.Errorf("chart %s: digest %s", v, sha(data))
		}
	}
	if len(ref.Charts()) != len(lbc.Releases()) {
		t.Errorf("%d charts, %d rows", len(ref.Charts()), len(lbc.Releases()))
	}
	for _, f := range lbcref.DefaultFiles() {
		data, err := os.ReadFile(ref.File(t, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if sha(data) != f.SHA256 {
			t.Errorf("%s: digest %s", f.Path, sha(data))
		}
	}
}
