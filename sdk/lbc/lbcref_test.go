package lbc

import (
	"context"

	"github.com/fargatekit/fargatekit/internal/lbcref"
)

// reference is the reference of the version table, as eksref.Ref(""): that
// package imports this one, so this package's tests cannot import it.
func reference() lbcref.Ref {
	digests := map[string]string{}
	for _, r := range Releases() {
		digests[r.Chart] = r.Digest
	}
	return lbcref.New(digests, func(ctx context.Context, version, cacheDir string) ([]byte, error) {
		return ChartArchive(ctx, ChartSource{RepoURL: ChartRepo, Name: ChartName, Version: version}, cacheDir, nil)
	})
}
