package eksfargate

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// AddonVersionsAPI is the EKS call that lists add-on versions; *eks.Client
// satisfies it.
type AddonVersionsAPI interface {
	DescribeAddonVersions(ctx context.Context, in *eks.DescribeAddonVersionsInput, optFns ...func(*eks.Options)) (*eks.DescribeAddonVersionsOutput, error)
}

// AddonVersionError says that an add-on has no version for the cluster's
// Kubernetes version: the pinned Version is not among the compatible ones,
// or (Version empty) EKS offers none. It wraps [ErrAddonVersionIncompatible]
// and, as every problem of the spec, [ErrInvalidSpec].
type AddonVersionError struct {
	// Addon is the add-on's name.
	Addon string
	// Version is the pinned version, or "" when a default was looked for.
	Version string
	// KubernetesVersion is the cluster's version.
	KubernetesVersion string
	// Compatible lists the versions EKS offers for KubernetesVersion,
	// newest first (when known).
	Compatible []string
}

// Error implements error.
func (e *AddonVersionError) Error() string {
	offered := "none"
	if len(e.Compatible) > 0 {
		offered = strings.Join(e.Compatible, ", ")
	}
	if e.Version == "" {
		return fmt.Sprintf("eksfargate: add-on %s has no version for Kubernetes %s", e.Addon, e.KubernetesVersion)
	}
	return fmt.Sprintf("eksfargate: add-on %s %s is not compatible with Kubernetes %s (EKS offers: %s); pin a compatible version or leave it empty for EKS's default",
		e.Addon, e.Version, e.KubernetesVersion, offered)
}

// Unwrap returns ErrAddonVersionIncompatible and ErrInvalidSpec.
func (e *AddonVersionError) Unwrap() []error {
	return []error{ErrAddonVersionIncompatible, ErrInvalidSpec}
}

// ResolveAddonVersion returns the add-on version to install on a cluster of
// kubernetesVersion, from EKS's DescribeAddonVersions for that Kubernetes
// version (all pages): pinned when EKS lists it as compatible, else a
// [*AddonVersionError]; with pinned empty, the version EKS marks as the
// default for that Kubernetes version (the newest compatible one if none
// is marked). Apply and Plan call it for every add-on before anything is
// created, so that an incompatible pin fails first and a Kubernetes
// upgrade moves unpinned add-ons to the new version's default.
func ResolveAddonVersion(ctx context.Context, api AddonVersionsAPI, addon, kubernetesVersion, pinned string) (string, error) {
	var compatible []string
	def := ""
	pages := eks.NewDescribeAddonVersionsPaginator(api, &eks.DescribeAddonVersionsInput{AddonName: aws.String(addon), KubernetesVersion: aws.String(kubernetesVersion)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("DescribeAddonVersions %s for Kubernetes %s: %w", addon, kubernetesVersion, err)
		}
		for _, info := range page.Addons {
			if aws.ToString(info.AddonName) != addon {
				continue
			}
			for _, v := range info.AddonVersions {
				for _, c := range v.Compatibilities {
					if aws.ToString(c.ClusterVersion) != kubernetesVersion {
						continue
					}
					compatible = append(compatible, aws.ToString(v.AddonVersion))
					if c.DefaultVersion {
						def = aws.ToString(v.AddonVersion)
					}
				}
			}
		}
	}
	slices.SortFunc(compatible, func(a, b string) int { return CompareAddonVersions(b, a) })
	compatible = slices.Compact(compatible)
	switch {
	case pinned != "" && slices.Contains(compatible, pinned):
		return pinned, nil
	case pinned != "" || len(compatible) == 0:
		return "", &AddonVersionError{Addon: addon, Version: pinned, KubernetesVersion: kubernetesVersion, Compatible: compatible}
	case def != "":
		return def, nil
	}
	return compatible[0], nil
}

var addonVersionParts = regexp.MustCompile(`^v?([0-9]+)\.([0-9]+)\.([0-9]+)(?:-eksbuild\.([0-9]+))?$`)

// CompareAddonVersions orders EKS add-on versions (v<major>.<minor>.<patch>-eksbuild.<n>)
// numerically: -1, 0 or 1. Versions that do not have that form sort before
// those that do, and among themselves as strings.
func CompareAddonVersions(a, b string) int {
	pa, pb := addonVersionParts.FindStringSubmatch(a), addonVersionParts.FindStringSubmatch(b)
	switch {
	case pa == nil && pb == nil:
		return strings.Compare(a, b)
	case pa == nil:
		return -1
	case pb == nil:
		return 1
	}
	for i := 1; i <= 4; i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
