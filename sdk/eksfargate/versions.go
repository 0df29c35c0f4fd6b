package eksfargate

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// DefaultKubernetesVersion is the version a ClusterSpec without one gets: the
// newest EKS offers in standard support on [KubernetesReleasesAsOf]. A stack
// created before fargatekit set a default (EKS then chose) should pin the
// version it runs, or its next update asks EKS for this one; EKS upgrades one
// minor version at a time.
const DefaultKubernetesVersion = "1.36"

// KubernetesReleasesAsOf is the day the release table was last checked
// against the EKS Kubernetes release calendar.
const KubernetesReleasesAsOf = "2026-12-02"

// KubernetesRelease is one row of the EKS Kubernetes release calendar
// (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
// Dates are YYYY-MM-DD; an empty date is one the calendar copy this table
// was made from did not give.
type KubernetesRelease struct {
	// Version is "1.<minor>".
	Version string
	// Released is the day EKS made the version available.
	Released string
	// EndOfStandardSupport is the last day of standard support; extended
	// support (at six times the cluster-hour price) follows for 12 months.
	EndOfStandardSupport string
	// EndOfExtendedSupport is the day EKS stops offering the version and
	// upgrades the clusters still on it.
	EndOfExtendedSupport string
}

// kubernetesReleases is the calendar, newest first. 1.36 is the newest
// version EKS offers; the calendar copy at hand did not give its dates.
var kubernetesReleases = []KubernetesRelease{
	{Version: "1.36"},
	{Version: "1.35", Released: "2026-01-28", EndOfStandardSupport: "2027-03-27", EndOfExtendedSupport: "2028-03-27"},
	{Version: "1.34", Released: "2025-10-06", EndOfStandardSupport: "2026-12-02", EndOfExtendedSupport: "2027-12-02"},
	{Version: "1.33", Released: "2025-05-28", EndOfStandardSupport: "2026-07-29", EndOfExtendedSupport: "2027-07-29"},
	{Version: "1.32", Released: "2025-01-25", EndOfStandardSupport: "2026-03-23", EndOfExtendedSupport: "2027-03-23"},
	{Version: "1.31", Released: "2024-09-26", EndOfStandardSupport: "2025-11-26", EndOfExtendedSupport: "2026-11-26"},
	{Version: "1.30", Released: "2024-05-23", EndOfStandardSupport: "2025-07-23", EndOfExtendedSupport: "2026-07-23"},
}

// KubernetesReleases returns the release table, newest first.
func KubernetesReleases() []KubernetesRelease { return slices.Clone(kubernetesReleases) }

// Support is a Kubernetes version's support status on EKS on a given day.
type Support string

// Support statuses.
const (
	// SupportStandard: in standard support.
	SupportStandard Support = "standard"
	// SupportExtended: past standard support, still offered at extended-support prices.
	SupportExtended Support = "extended"
	// SupportEnded: no longer offered; EKS refuses new clusters on it.
	SupportEnded Support = "ended"
)

// VersionSupport returns the support status of version on day, from the
// release table. A version the table does not hold is an error wrapping
// [ErrUnsupportedKubernetesVersion]; a release whose dates the table lacks
// (the newest) is in standard support.
func VersionSupport(version string, day time.Time) (Support, error) {
	i := slices.IndexFunc(kubernetesReleases, func(r KubernetesRelease) bool { return r.Version == version })
	if i < 0 {
		return "", fmt.Errorf("%w: %q (EKS offers %s)", ErrUnsupportedKubernetesVersion, version, strings.Join(OfferedKubernetesVersions(), ", "))
	}
	r := kubernetesReleases[i]
	d := day.UTC().Format(time.DateOnly)
	switch {
	case r.EndOfExtendedSupport != "" && d > r.EndOfExtendedSupport:
		return SupportEnded, nil
	case r.EndOfStandardSupport != "" && d > r.EndOfStandardSupport:
		return SupportExtended, nil
	}
	return SupportStandard, nil
}

// OfferedKubernetesVersions lists, newest first, the versions EKS offers for
// new clusters on [KubernetesReleasesAsOf] (standard or extended support).
// Validate accepts exactly these: the check does not depend on the clock.
func OfferedKubernetesVersions() []string {
	asOf, _ := time.Parse(time.DateOnly, KubernetesReleasesAsOf)
	var out []string
	for _, r := range kubernetesReleases {
		if s, _ := VersionSupport(r.Version, asOf); s != SupportEnded {
			out = append(out, r.Version)
		}
	}
	return out
}

func validateKubernetesVersion(v string) error {
	switch {
	case v == "":
		return nil
	case !k8sVersionRE().MatchString(v):
		return kindErr(ErrUnsupportedKubernetesVersion, "KubernetesVersion", "%q is not of the form 1.<minor>", v)
	case !slices.Contains(OfferedKubernetesVersions(), v):
		return kindErr(ErrUnsupportedKubernetesVersion, "KubernetesVersion", "%q is not offered by EKS (it offers %s on %s; see the EKS Kubernetes release calendar)",
			v, strings.Join(OfferedKubernetesVersions(), ", "), KubernetesReleasesAsOf)
	}
	return nil
}
