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
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fargatekit/fargatekit/internal/httpget"

	"sigs.k8s.io/yaml"
)

// ErrChart is wrapped by the errors of reading, fetching and downloading
// charts (ChartArchive, ReadChartFiles, SourceCRDs, LoadChartCRDs).
var ErrChart = errors.New("lbc: chart")

// maxChartBytes bounds a chart archive and each of its files when read: the
// controller's charts are under 200 KiB, their largest file under 2 MiB.
const maxChartBytes = 64 << 20

// ChartFile is one file of a chart, named relative to the chart's root
// directory (for example crds/crds.yaml), in the order Helm's loader reads
// them (archive order, or lexical order in a directory).
type ChartFile struct {
	Name string
	Data []byte
}

// ReadChartFiles reads the files of a chart directory or .tgz archive
// without Helm: what the CRDs need. It does not apply .helmignore (Helm
// never ignores crds/).
func ReadChartFiles(p string) ([]ChartFile, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrChart, err)
	}
	if !st.IsDir() {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrChart, err)
		}
		files, err := ReadChartArchive(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return files, nil
	}
	var files []ChartFile
	err = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(p, name)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		files = append(files, ChartFile{Name: filepath.ToSlash(rel), Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrChart, p, err)
	}
	return files, nil
}

// ReadChartArchive reads the files of a chart archive (gzipped tar, one
// top-level directory, as helm package writes and chart repositories serve).
func ReadChartArchive(archive []byte) ([]ChartFile, error) {
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		return nil, fmt.Errorf("%w: not a gzipped archive: %w", ErrChart, err)
	}
	tr := tar.NewReader(zr)
	var files []ChartFile
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: reading archive: %w", ErrChart, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(strings.ReplaceAll(h.Name, `\`, "/"))
		dir, rel, ok := strings.Cut(name, "/") // the chart's directory
		if !ok || dir == ".." || dir == "." || rel == "" || strings.HasPrefix(rel, "../") || path.IsAbs(name) {
			return nil, fmt.Errorf("%w: archive entry %q is not inside the chart's directory", ErrChart, h.Name)
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxChartBytes+1))
		if err != nil {
			return nil, fmt.Errorf("%w: reading %s: %w", ErrChart, h.Name, err)
		}
		if len(data) > maxChartBytes {
			return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrChart, h.Name, maxChartBytes)
		}
		files = append(files, ChartFile{Name: rel, Data: data})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: empty archive", ErrChart)
	}
	return files, nil
}

// CRDFiles returns the chart's CRD files: those of crds/ with a manifest
// extension (.yaml, .yml, .json), in the chart's order, as Helm's
// Chart.CRDObjects does for a chart without dependencies (the controller's
// charts have none).
func CRDFiles(files []ChartFile) []ChartFile {
	var out []ChartFile
	for _, f := range files {
		ext := strings.ToLower(path.Ext(f.Name))
		if strings.HasPrefix(f.Name, "crds/") && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
			out = append(out, f)
		}
	}
	return out
}

// CRDsOfFiles returns the CustomResourceDefinitions of a chart's files
// (those CRDFiles selects), sorted by name. A name defined twice (chart
// 1.17.0 ships globalaccelerators.aga.k8s.aws in two files) keeps the last
// definition, in the order Helm reads the files. Helm installs these files on
// the first install only and never upgrades them; [ApplyCRDs] does.
func CRDsOfFiles(files []ChartFile) ([]CRD, error) {
	byName := map[string]CRD{}
	for _, f := range CRDFiles(files) {
		crds, err := ParseCRDs(f.Name, f.Data)
		if err != nil {
			return nil, err
		}
		for _, c := range crds {
			byName[c.Name] = c
		}
	}
	out := make([]CRD, 0, len(byName))
	for _, c := range byName {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b CRD) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// LoadChartCRDs reads a chart directory or archive and returns its CRDs (see
// CRDsOfFiles).
func LoadChartCRDs(p string) ([]CRD, error) {
	files, err := ReadChartFiles(p)
	if err != nil {
		return nil, err
	}
	return CRDsOfFiles(files)
}

// SourceCRDs returns the CRDs of the chart a source names: what Install and
// Upgrade apply before the chart, and what the Pulumi component registers as
// its CRD children. A repository chart is fetched with ChartArchive (the
// embedded archive needs no network).
func SourceCRDs(ctx context.Context, src ChartSource, cacheDir string) ([]CRD, error) {
	if src.Path != "" {
		crds, err := LoadChartCRDs(src.Path)
		if err != nil {
			return nil, fmt.Errorf("lbc: chart CRDs: %w", err)
		}
		return crds, nil
	}
	archive, err := ChartArchive(ctx, src, cacheDir, nil)
	if err != nil {
		return nil, fmt.Errorf("lbc: chart CRDs: %w", err)
	}
	files, err := ReadChartArchive(archive)
	if err != nil {
		return nil, fmt.Errorf("lbc: chart CRDs: %s %s: %w", src.Name, src.Version, err)
	}
	return CRDsOfFiles(files)
}

// ChartArchive returns the .tgz archive of a repository chart source: the
// embedded one for the controller's chart at EmbeddedChartVersion, a copy
// in cacheDir ("" means <user cache dir>/fargatekit/helm) fetched before,
// or downloaded: the repository's index.yaml names the archive's URL and
// its SHA-256 digest, which is checked before the archive is cached. Helm is
// not needed. A source with Path is refused: read it with ReadChartFiles.
func ChartArchive(ctx context.Context, src ChartSource, cacheDir string, log *slog.Logger) ([]byte, error) {
	if err := src.Validate(); err != nil {
		return nil, err
	}
	if src.Path != "" {
		return nil, fmt.Errorf("%w: chart %s is a local path, not a repository chart", ErrInvalidSpec, src.Path)
	}
	if src.Embedded() {
		return EmbeddedChart(), nil
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("%w: chart cache: %w (set the cache directory)", ErrChart, err)
		}
		cacheDir = filepath.Join(base, "fargatekit", "helm")
	}
	cached := filepath.Join(cacheDir, src.Name+"-"+src.Version+".tgz")
	if data, err := os.ReadFile(cached); err == nil {
		if _, err := ReadChartArchive(data); err == nil {
			return data, nil
		}
		log.Info("lbc: cached chart unreadable: downloading again", "path", cached)
	}
	archiveURL, digest, err := findChart(ctx, src)
	if err != nil {
		return nil, err
	}
	log.Info("lbc: downloading chart", "url", archiveURL)
	data, err := httpGet(ctx, archiveURL)
	if err != nil {
		return nil, err
	}
	if digest != "" {
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, digest) {
			return nil, fmt.Errorf("%w: %s: digest %s, the index says %s", ErrChart, archiveURL, got, digest)
		}
	}
	if _, err := ReadChartArchive(data); err != nil {
		return nil, fmt.Errorf("%s: %w", archiveURL, err)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: chart cache: %w", ErrChart, err)
	}
	tmp, err := os.CreateTemp(cacheDir, ".chart-*")
	if err != nil {
		return nil, fmt.Errorf("%w: chart cache: %w", ErrChart, err)
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), cached)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return nil, fmt.Errorf("%w: chart cache: %w", ErrChart, werr)
	}
	return data, nil
}

// repoIndex is the part of a chart repository's index.yaml that names a
// chart version's archive.
type repoIndex struct {
	Entries map[string][]struct {
		Version string   `json:"version"`
		URLs    []string `json:"urls"`
		Digest  string   `json:"digest"`
	} `json:"entries"`
}

// findChart reads the repository's index.yaml and returns the absolute URL
// and digest of the source's archive.
func findChart(ctx context.Context, src ChartSource) (string, string, error) {
	base, err := url.Parse(strings.TrimSuffix(src.RepoURL, "/") + "/")
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") {
		return "", "", fmt.Errorf("%w: repository URL %q", ErrInvalidSpec, src.RepoURL)
	}
	indexURL := base.JoinPath("index.yaml").String()
	data, err := httpGet(ctx, indexURL)
	if err != nil {
		return "", "", err
	}
	var idx repoIndex
	if err := yaml.Unmarshal(data, &idx); err != nil {
		return "", "", fmt.Errorf("%w: %s: %w", ErrChart, indexURL, err)
	}
	for _, e := range idx.Entries[src.Name] {
		if e.Version != src.Version || len(e.URLs) == 0 {
			continue
		}
		u, err := base.Parse(e.URLs[0])
		if err != nil {
			return "", "", fmt.Errorf("%w: %s: chart URL %q: %w", ErrChart, indexURL, e.URLs[0], err)
		}
		return u.String(), e.Digest, nil
	}
	return "", "", fmt.Errorf("%w: chart %s version %s not found in %s", ErrChart, src.Name, src.Version, indexURL)
}

// httpGet fetches a URL, bounded by maxChartBytes.
func httpGet(ctx context.Context, u string) ([]byte, error) {
	data, err := httpget.Get(ctx, u, maxChartBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrChart, err)
	}
	return data, nil
}
