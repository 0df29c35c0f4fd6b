package lbc

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"time"
)

// EmbeddedChartVersion is the chart version whose eks-charts archive ships
// inside fargatekit: the chart of DefaultVersion. Loading it (SourceCRDs,
// the helm package's Install and Upgrade, the Pulumi component's CRDs)
// needs no network; the archive is byte for byte the one eks-charts serves
// (checked by test against the reference copy).
const EmbeddedChartVersion = "3.5.0"

//go:embed chart/aws-load-balancer-controller-3.5.0.tgz
var embeddedChart []byte

// EmbeddedChart returns the embedded eks-charts archive of
// EmbeddedChartVersion (a copy: callers may keep or change it).
func EmbeddedChart() []byte { return bytes.Clone(embeddedChart) }

// ChartSource says where a chart comes from: a chart repository (RepoURL,
// Name and Version) or a local chart directory or .tgz archive (Path).
type ChartSource struct {
	// RepoURL is the repository, e.g. ChartRepo; Name the chart in it and
	// Version its exact version.
	RepoURL, Name, Version string
	// Path is a local chart directory or archive; it excludes RepoURL.
	Path string
}

// DefaultChartSource is the controller's chart in eks-charts at the chart
// version of a controller version ("" means DefaultVersion).
func DefaultChartSource(version string) (ChartSource, error) {
	rel, err := LookupRelease(version)
	if err != nil {
		return ChartSource{}, err
	}
	return ChartSource{RepoURL: ChartRepo, Name: ChartName, Version: rel.Chart}, nil
}

// Validate checks that the source names a chart: Path, or RepoURL, Name and
// Version.
func (c ChartSource) Validate() error {
	switch {
	case c.Path != "" && c.RepoURL != "":
		return fmt.Errorf("%w: chart: Path and RepoURL exclude each other", ErrInvalidSpec)
	case c.Path == "" && (c.RepoURL == "" || c.Name == "" || c.Version == ""):
		return fmt.Errorf("%w: chart: set Path, or RepoURL, Name and Version", ErrInvalidSpec)
	}
	return nil
}

// Embedded reports whether a chart source is the embedded archive: the
// controller's chart in eks-charts at EmbeddedChartVersion.
func (c ChartSource) Embedded() bool {
	return c.Path == "" && c.RepoURL == ChartRepo && c.Name == ChartName && c.Version == EmbeddedChartVersion
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

// DefaultTimeout is how long the Helm release may take to become ready, and
// Uninstall to remove it.
const DefaultTimeout = 10 * time.Minute

// ValidateRelease checks a Helm release's name (a DNS subdomain of at most 53
// characters, Helm's limit), namespace (a DNS label) and timeout (not
// negative), reporting every problem.
func ValidateRelease(name, namespace string, timeout time.Duration) error {
	var errs []error
	if !validSubdomain(name) || len(name) > 53 {
		errs = append(errs, fmt.Errorf("%w: release name %q", ErrInvalidSpec, name))
	}
	if !validLabel(namespace) {
		errs = append(errs, fmt.Errorf("%w: namespace %q", ErrInvalidSpec, namespace))
	}
	if timeout < 0 {
		errs = append(errs, fmt.Errorf("%w: timeout %v", ErrInvalidSpec, timeout))
	}
	return errors.Join(errs...)
}
