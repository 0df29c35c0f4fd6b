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
	// Digest is the sha256 (hex) of the chart's archive as eks-charts
	// publishes it (its index's digest), pinned: the tests fetch the
	// archives by it where the reference copies are absent.
	Digest string
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
	{Version: "v2.13.0", Chart: "1.13.0", KeepTLSSecret: true, policy: policyV213, Digest: "fb73e7ef946419f571ae4bc8b2d15b775e29c9546e638190b2f82ef380404ae6"},
	{Version: "v2.13.1", Chart: "1.13.1", KeepTLSSecret: true, policy: policyV213, Digest: "785efdb5ecda5e7a37698206ce7adbf4464d25c583c939ffb5562ed13cdeaacc"},
	{Version: "v2.13.2", Chart: "1.13.2", KeepTLSSecret: true, policy: policyV213, Digest: "6d3fc4497154fd52bdd5f17d838588419cf108e7cc0006eca7739996a59d400d"},
	{Version: "v2.13.3", Chart: "1.13.3", KeepTLSSecret: true, policy: policyV213, Digest: "8c305d75042a2ab23ba23e9e6604cb2064f53e96c8141a8951999b1432a76894"},
	{Version: "v2.13.4", Chart: "1.13.4", KeepTLSSecret: true, policy: policyV213, Digest: "5c9ffaafc047f10b54a7e9b451f691513adb01b593d86b241f9fde5bfec6925a"},
	{Version: "v2.14.0", Chart: "1.14.0", KeepTLSSecret: true, policy: policyV213, Digest: "f0c07f52c9b7cbd6ec6e806c73f37438837924cf8f6349e01dea373d47b6b8dc"},
	{Version: "v2.14.1", Chart: "1.14.1", KeepTLSSecret: true, policy: policyV213, Digest: "5b9f5bf3d7295d0c61eda2a7aea8c7f3369d51eca406c3dc032b84eacc3893d3"},
	{Version: "v2.15.0", Chart: "1.15.0", KeepTLSSecret: true, policy: policyV213, Digest: "7c0b0dc90a7a75689f7787100ed164a6aa0776bc06ff5ae600d25d29fbdd218a"},
	{Version: "v2.16.0", Chart: "1.16.0", KeepTLSSecret: true, policy: policyV213, Digest: "5d98ceea11d5c582c59f0fce088e52c3c40a184538b660da22413f51cb440301"},
	{Version: "v2.17.0", Chart: "1.17.0", KeepTLSSecret: true, policy: policyV213, Digest: "10306157bdb76a1b778a57832ef75ebf42008a2bcaea09dc99c4d17384cad3fd"},
	{Version: "v2.17.1", Chart: "1.17.1", KeepTLSSecret: true, policy: policyV213, Digest: "51ed62aa261a1f5db8e51161641354cbcc5bbdc5a56f628bf0983f5588dec7c0"},
	{Version: "v3.0.0", Chart: "3.0.0", KeepTLSSecret: false, policy: policyV213, Digest: "fd93dd7b3d45861616b3b240c9ee8b907087a9ec1d28e76864c7e8d4e02cc8d7"},
	{Version: "v3.1.0", Chart: "3.1.0", KeepTLSSecret: true, policy: policyV213, Digest: "dd5cd277674cbe5464b441e8419e6cacabb463c88bbe602fc4562973d258297d"},
	{Version: "v3.2.0", Chart: "3.2.0", KeepTLSSecret: true, policy: policyV213, Digest: "9e4d1d2f9c1bace5daea15188ab756e695d34cda61408a308a7dfa84434a5c34"},
	{Version: "v3.2.1", Chart: "3.2.1", KeepTLSSecret: true, policy: policyV213, Digest: "473247c3fc2920e5146b640927c3e212d72c9fe3585ad2d96bffa9b03ac61333"},
	{Version: "v3.2.2", Chart: "3.2.2", KeepTLSSecret: true, policy: policyV213, Digest: "173d70dc6ed1caa8d20b1ffc4b393d8cb15147dcbff9853c9c2dbca0f9a07193"},
	{Version: "v3.3.0", Chart: "3.3.0", KeepTLSSecret: true, policy: policyV213, Digest: "2935448c0395eb9de249cfcdecb62d6bd1c893d31908aaa284eb8747c6aa38de"},
	{Version: "v3.4.0", Chart: "3.4.0", KeepTLSSecret: true, policy: policyV213, Digest: "15886e226fdbb5d6ae9d935b8d83b9bfb2e44e1eb687ea98254f326fd4ca24e3"},
	{Version: "v3.4.1", Chart: "3.4.1", KeepTLSSecret: true, policy: policyV213, Digest: "70804f583b2b6d235f04b0df170d324abce84f702dee33be9331ca986e65bfcd"},
	{Version: "v3.4.2", Chart: "3.4.2", KeepTLSSecret: true, policy: policyV213, Digest: "2636e0bdeabd5a55ac1c23171ba24a7e0804d249acc3b4a028558e3131ae16ca"},
	{Version: "v3.4.3", Chart: "3.4.3", KeepTLSSecret: true, policy: policyV213, Digest: "6d4454a8b3f60ccd4367c4327f842e2de90a4f7691a3fdbeed55ceb3d2b9e646"},
	{Version: "v3.5.0", Chart: "3.5.0", KeepTLSSecret: true, policy: policyV213, Digest: "45051f634b33e10baccb3354d0681b7de787c60445e599fa276e0c9aedd4ccd5"},
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
