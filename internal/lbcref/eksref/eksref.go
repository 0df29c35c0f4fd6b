// Package eksref is the [lbcref.Ref] of the controller's version table: the
// chart archive of every row, pinned by its Release.Digest, fetched from the
// eks-charts repository by sdk/lbc.ChartArchive where the reference
// directory is absent. Tests outside sdk/lbc take it; sdk/lbc's own tests
// build the same Ref from package-internal names (lbcref, which they
// import, cannot import sdk/lbc).
package eksref

import (
	"context"

	"github.com/fargatekit/fargatekit/internal/lbcref"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// Ref returns the Ref of every row of the version table, fetching from
// repoURL ("" means lbc.ChartRepo, eks-charts).
func Ref(repoURL string) lbcref.Ref {
	if repoURL == "" {
		repoURL = lbc.ChartRepo
	}
	return lbcref.New(Digests(), func(ctx context.Context, version, cacheDir string) ([]byte, error) {
		return lbc.ChartArchive(ctx, lbc.ChartSource{RepoURL: repoURL, Name: lbc.ChartName, Version: version}, cacheDir, nil)
	})
}

// Digests maps the chart version of every row of the version table to its
// pinned digest.
func Digests() map[string]string {
	out := map[string]string{}
	for _, r := range lbc.Releases() {
		out[r.Chart] = r.Digest
	}
	return out
}
