package lbc

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DefaultVersion is the controller version fargatekit installs when none is chosen.
const DefaultVersion = "v3.5.0"

// The Helm chart that installs the controller.
const (
	// ChartRepo is the eks-charts Helm repository.
	ChartRepo = "https://aws.github.io/eks-charts"
	// ChartName is the controller's chart in ChartRepo.
	ChartName = "aws-load-balancer-controller"
)

// ErrUnknownVersion is wrapped when a controller version is not in the version
// table and the caller supplied no policy of its own.
var ErrUnknownVersion = errors.New("lbc: unknown controller version")

// ErrInvalidVersion is wrapped when a version string is not vMAJOR.MINOR.PATCH.
var ErrInvalidVersion = errors.New("lbc: invalid version")

// Release is one row of the version table: a controller release, the
// eks-charts chart version that installs it, and the IAM policy it needs.
type Release struct {
	// Version is the controller version, e.g. "v3.5.0" (also the image tag).
	Version string
	// Chart is the aws-load-balancer-controller chart version in ChartRepo.
	Chart string
	// KeepTLSSecret reports whether the chart has the keepTLSSecret value
	// (reuse the webhook certificate of the installed release). Every chart
	// of the table has it except 3.0.0, whose webhook certificate is
	// regenerated on every render unless passed in webhookTLS (see WebhookTLS).
	KeepTLSSecret bool
	// policy names the embedded policy document.
	policy string
}

// policyV213 is the official IAM policy of controller v2.13.0, unchanged
// through v3.5.0 (docs/install/iam_policy.json of each release).
const policyV213 = "policy/iam_policy_v2.13.0-v3.5.0.json"

// releases is the version table, oldest first: every published
// aws-load-balancer-controller chart from 1.13.0 to 3.5.0 and the controller
// version it installs (its Chart.yaml appVersion; TestRealCharts checks each
// pair and each row's values against the archive itself).
var releases = []Release{
	{Version: "v2.13.0", Chart: "1.13.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.13.1", Chart: "1.13.1", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.13.2", Chart: "1.13.2", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.13.3", Chart: "1.13.3", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.13.4", Chart: "1.13.4", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.14.0", Chart: "1.14.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.14.1", Chart: "1.14.1", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.15.0", Chart: "1.15.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.16.0", Chart: "1.16.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.17.0", Chart: "1.17.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v2.17.1", Chart: "1.17.1", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.0.0", Chart: "3.0.0", KeepTLSSecret: false, policy: policyV213},
	{Version: "v3.1.0", Chart: "3.1.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.2.0", Chart: "3.2.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.2.1", Chart: "3.2.1", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.2.2", Chart: "3.2.2", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.3.0", Chart: "3.3.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.4.0", Chart: "3.4.0", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.4.1", Chart: "3.4.1", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.4.2", Chart: "3.4.2", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.4.3", Chart: "3.4.3", KeepTLSSecret: true, policy: policyV213},
	{Version: "v3.5.0", Chart: "3.5.0", KeepTLSSecret: true, policy: policyV213},
}

// Releases returns the version table, oldest first.
func Releases() []Release { return slices.Clone(releases) }

// SupportedVersions lists the controller versions of the table, oldest first.
func SupportedVersions() []string {
	out := make([]string, len(releases))
	for i, r := range releases {
		out[i] = r.Version
	}
	return out
}

// Version is a parsed controller version.
type Version struct {
	// Major, Minor and Patch are the three version numbers.
	Major, Minor, Patch int
}

// String returns "vMAJOR.MINOR.PATCH".
func (v Version) String() string { return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v Version) Compare(w Version) int {
	for _, d := range [3]int{v.Major - w.Major, v.Minor - w.Minor, v.Patch - w.Patch} {
		if d != 0 {
			if d < 0 {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ParseVersion reads "vMAJOR.MINOR.PATCH" or "MAJOR.MINOR.PATCH" (decimal,
// no leading zeros, no pre-release or build suffix).
func ParseVersion(s string) (Version, error) {
	bad := func(why string) (Version, error) {
		return Version{}, fmt.Errorf("%w %q: %s", ErrInvalidVersion, s, why)
	}
	parts := strings.Split(strings.TrimPrefix(s, "v"), ".")
	if len(parts) != 3 {
		return bad("want vMAJOR.MINOR.PATCH")
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || len(p) > 6 || (len(p) > 1 && p[0] == '0') || strings.TrimLeft(p, "0123456789") != "" {
			return bad("component " + strconv.Quote(p) + " is not a decimal number")
		}
		n[i], _ = strconv.Atoi(p)
	}
	return Version{n[0], n[1], n[2]}, nil
}

// LookupRelease returns the table row of a controller version ("" means
// DefaultVersion; the "v" prefix is optional). An unknown version is an error
// wrapping ErrUnknownVersion that names the supported versions.
func LookupRelease(version string) (Release, error) {
	if version == "" {
		version = DefaultVersion
	}
	v, err := ParseVersion(version)
	if err != nil {
		return Release{}, err
	}
	for _, r := range releases {
		if r.Version == v.String() {
			return r, nil
		}
	}
	return Release{}, fmt.Errorf("%w %s (supported: %s; or supply your own policy and chart version)",
		ErrUnknownVersion, v, strings.Join(SupportedVersions(), ", "))
}
