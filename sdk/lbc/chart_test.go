package lbc

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// The embedded archive is the chart of DefaultVersion, byte for byte the
// eks-charts archive of the reference directory.
func TestEmbeddedChart(t *testing.T) {
	rel, err := LookupRelease(DefaultVersion)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Chart != EmbeddedChartVersion {
		t.Fatalf("DefaultVersion %s installs chart %s, the embedded archive is %s: replace sdk/lbc/chart/", DefaultVersion, rel.Chart, EmbeddedChartVersion)
	}
	path := filepath.Join(t.TempDir(), "embedded.tgz")
	if err := os.WriteFile(path, EmbeddedChart(), 0o644); err != nil {
		t.Fatal(err)
	}
	meta, _ := readChart(t, path)
	if meta["name"] != ChartName || meta["version"] != EmbeddedChartVersion || meta["appVersion"] != DefaultVersion {
		t.Errorf("embedded chart %v %v (app %v)", meta["name"], meta["version"], meta["appVersion"])
	}
	if got := sha256Hex(EmbeddedChart()); got != rel.Digest {
		t.Errorf("embedded archive sha256 %s, the row pins %s", got, rel.Digest)
	}
	b := EmbeddedChart()
	b[0] ^= 0xff
	if bytes.Equal(b, EmbeddedChart()) {
		t.Error("EmbeddedChart shares its bytes")
	}
	ref, err := os.ReadFile(reference().Chart(t, EmbeddedChartVersion))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ref, EmbeddedChart()) {
		t.Error("the embedded archive differs from eks-charts' (reference copy)")
	}
}

// The default source loads without the network (a proxy that refuses every
// connection is set, and a download through it fails), and its CRDs are the
// archive's.
func TestSourceCRDsOffline(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("NO_PROXY", "")
	src, err := DefaultChartSource("")
	if err != nil {
		t.Fatal(err)
	}
	if !src.Embedded() {
		t.Fatalf("default source %+v is not the embedded archive", src)
	}
	got, err := SourceCRDs(context.Background(), src, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want, err := LoadChartCRDs(reference().Chart(t, EmbeddedChartVersion))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || !reflect.DeepEqual(crdNames(got), crdNames(want)) {
		t.Errorf("CRDs %v, want %v", crdNames(got), crdNames(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i].Object.Object, want[i].Object.Object) {
			t.Errorf("%s differs from the archive's", got[i].Name)
		}
	}
	// Another version from the repository needs the network: refused here.
	other, _ := DefaultChartSource("v3.4.3")
	if _, err := SourceCRDs(context.Background(), other, t.TempDir()); !errors.Is(err, ErrChart) {
		t.Errorf("download through a dead proxy: %v", err)
	}
	// A local chart is read from its path.
	local := ChartSource{Path: reference().Chart(t, "1.13.0"), Version: "1.13.0"}
	crds, err := SourceCRDs(context.Background(), local, "")
	if err != nil || !reflect.DeepEqual(crdNames(crds), []string{"ingressclassparams.elbv2.k8s.aws", "targetgroupbindings.elbv2.k8s.aws"}) {
		t.Errorf("local 1.13.0: %v %v", crdNames(crds), err)
	}
}

func crdNames(crds []CRD) []string {
	out := make([]string, len(crds))
	for i, c := range crds {
		out[i] = c.Name
	}
	return out
}

// chartRepo serves a chart repository from a temporary directory: an
// index.yaml naming the archives (relative URLs, as eks-charts' are absolute
// ones: both are resolved against the repository) with their digests.
func chartRepo(t *testing.T, digest func(data []byte) string, versions ...string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	dir := t.TempDir()
	var entries []string
	for _, v := range versions {
		data, err := os.ReadFile(reference().Chart(t, v))
		if err != nil {
			t.Fatal(err)
		}
		name := ChartName + "-" + v + ".tgz"
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, fmt.Sprintf("  - version: %s\n    digest: %s\n    urls: [charts/%s]\n", v, digest(data), name))
	}
	index := "apiVersion: v1\nentries:\n  " + ChartName + ":\n" + strings.Join(entries, "")
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		switch {
		case r.URL.Path == "/repo/index.yaml":
			_, _ = io.WriteString(w, index)
		case strings.HasPrefix(r.URL.Path, "/repo/charts/"):
			http.ServeFile(w, r, filepath.Join(dir, filepath.Base(r.URL.Path)))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &gets
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ChartArchive downloads a repository chart through its index (the real
// archive, served by a local repository), checks its digest, caches it, and
// reads it from the cache the second time without the network.
func TestChartArchiveDownload(t *testing.T) {
	srv, gets := chartRepo(t, sha256Hex, "1.13.0", "1.17.1")
	ctx := context.Background()
	cache := t.TempDir()
	src := ChartSource{RepoURL: srv.URL + "/repo", Name: ChartName, Version: "1.17.1"}
	got, err := ChartArchive(ctx, src, cache, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(reference().Chart(t, "1.17.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("downloaded archive differs from the repository's")
	}
	if n := gets.Load(); n != 2 {
		t.Errorf("%d requests, want index + archive", n)
	}
	if _, err := os.Stat(filepath.Join(cache, ChartName+"-1.17.1.tgz")); err != nil {
		t.Errorf("not cached: %v", err)
	}
	again, err := ChartArchive(ctx, src, cache, nil)
	if err != nil || !bytes.Equal(again, want) || gets.Load() != 2 {
		t.Errorf("second read: %v, %d requests (want the cache, no request)", err, gets.Load())
	}
	crds, err := SourceCRDs(ctx, src, cache)
	if err != nil {
		t.Fatal(err)
	}
	wantCRDs, err := LoadChartCRDs(reference().Chart(t, "1.17.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(crdNames(crds), crdNames(wantCRDs)) || len(crds) == 0 {
		t.Errorf("CRDs %v, want %v", crdNames(crds), crdNames(wantCRDs))
	}

	for _, tc := range []struct {
		name string
		src  ChartSource
		want string
	}{
		{"missing version", ChartSource{RepoURL: srv.URL + "/repo", Name: ChartName, Version: "9.9.9"}, "version 9.9.9 not found"},
		{"missing chart", ChartSource{RepoURL: srv.URL + "/repo", Name: "other", Version: "1.13.0"}, "chart other version 1.13.0 not found"},
		{"no repository", ChartSource{RepoURL: srv.URL + "/nothing", Name: ChartName, Version: "1.13.0"}, "404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ChartArchive(ctx, tc.src, t.TempDir(), nil)
			if !errors.Is(err, ErrChart) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want ErrChart with %q", err, tc.want)
			}
		})
	}
	if _, err := ChartArchive(ctx, ChartSource{Path: "x.tgz"}, "", nil); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("a local path: %v", err)
	}
}

// An archive whose digest is not the index's is refused and not cached.
func TestChartArchiveDigestMismatch(t *testing.T) {
	srv, _ := chartRepo(t, func([]byte) string { return strings.Repeat("0", 64) }, "1.13.0")
	cache := t.TempDir()
	_, err := ChartArchive(context.Background(), ChartSource{RepoURL: srv.URL + "/repo", Name: ChartName, Version: "1.13.0"}, cache, nil)
	if !errors.Is(err, ErrChart) || !strings.Contains(err.Error(), "digest") {
		t.Fatalf("err %v, want a digest mismatch", err)
	}
	if left, _ := os.ReadDir(cache); len(left) != 0 {
		t.Errorf("cache holds %d entries after a refused download", len(left))
	}
}

// ReadChartArchive refuses what is not a chart archive, and entries outside
// the chart's directory.
func TestReadChartArchiveRefuses(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	_ = tw.WriteHeader(&tar.Header{Name: "../evil.yaml", Mode: 0o644, Size: 2, Typeflag: tar.TypeReg})
	_, _ = tw.Write([]byte("x\n"))
	_ = tw.Close()
	_ = zw.Close()
	for name, data := range map[string][]byte{"not gzip": []byte("hello"), "escaping entry": buf.Bytes()} {
		if _, err := ReadChartArchive(data); !errors.Is(err, ErrChart) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzReadChartArchive: any input is read or refused with ErrChart, never a
// panic, and every file read is inside the chart.
func FuzzReadChartArchive(f *testing.F) {
	f.Add(EmbeddedChart())
	f.Add([]byte("not an archive"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := ReadChartArchive(data)
		if err != nil {
			if !errors.Is(err, ErrChart) {
				t.Fatalf("error without ErrChart: %v", err)
			}
			return
		}
		for _, file := range files {
			if file.Name == "" || strings.HasPrefix(file.Name, "/") || strings.HasPrefix(file.Name, "../") {
				t.Fatalf("file %q outside the chart", file.Name)
			}
		}
	})
}
