package lbc

import (
	"bytes"
	_ "embed"
	"fmt"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
)

// EmbeddedChartVersion is the chart version whose eks-charts archive ships
// inside fargatekit: the chart of DefaultVersion. Loading it (LoadChart,
// Install, Upgrade, the Pulumi component's CRDs) needs no network; the
// archive is byte for byte the one eks-charts serves (checked by test
// against the reference copy).
const EmbeddedChartVersion = "3.5.0"

//go:embed chart/aws-load-balancer-controller-3.5.0.tgz
var embeddedChart []byte

// EmbeddedChart returns the embedded eks-charts archive of
// EmbeddedChartVersion (a copy: callers may keep or change it).
func EmbeddedChart() []byte { return bytes.Clone(embeddedChart) }

// embedded reports whether a chart source is the embedded archive: the
// controller's chart in eks-charts at EmbeddedChartVersion.
func (c ChartSource) embedded() bool {
	return c.Path == "" && c.RepoURL == ChartRepo && c.Name == ChartName && c.Version == EmbeddedChartVersion
}

// loadEmbeddedChart loads the embedded archive.
func loadEmbeddedChart() (*chart.Chart, error) {
	ch, err := loader.LoadArchive(bytes.NewReader(embeddedChart))
	if err != nil {
		return nil, fmt.Errorf("%w: the embedded chart %s: %w", ErrHelm, EmbeddedChartVersion, err)
	}
	return ch, nil
}

// ChartSource returns where the resolved spec's chart comes from: ChartPath
// when set, else the controller's chart at ChartVersion in ChartRepo (the
// embedded archive for EmbeddedChartVersion from eks-charts).
func (r Resolved) ChartSource() ChartSource {
	if r.ChartPath != "" {
		return ChartSource{Path: r.ChartPath, Version: r.ChartVersion}
	}
	return ChartSource{RepoURL: r.ChartRepo, Name: ChartName, Version: r.ChartVersion}
}

// SourceCRDs returns the CRDs of the chart a source names (see LoadChart
// and ChartCRDs): what Install and Upgrade apply before the chart, and what
// the Pulumi component registers as its CRD children.
func SourceCRDs(src ChartSource, cacheDir string) ([]CRD, error) {
	ch, err := LoadChart(src, cacheDir, nil)
	if err != nil {
		return nil, err
	}
	return ChartCRDs(ch)
}
