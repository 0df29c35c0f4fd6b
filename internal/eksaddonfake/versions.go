package eksaddonfake

import (
	"context"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// AddonVersion is one row of the fake's DescribeAddonVersions table: a
// version of an add-on, the cluster (Kubernetes) versions it is compatible
// with, and those it is the default version for.
type AddonVersion struct {
	// Addon and Version name the add-on version.
	Addon, Version string
	// Kubernetes lists the cluster versions it is compatible with.
	Kubernetes []string
	// DefaultFor lists the cluster versions it is the default for (a subset
	// of Kubernetes).
	DefaultFor []string
}

// DocumentedAddonVersions is the table the fake serves unless told
// otherwise: the "latest version of the Amazon EKS add-on type for each
// Kubernetes version" tables of the EKS user guide, each row a version EKS
// offers for those Kubernetes versions (and, the newest copy's, the default):
//   - coredns, "Manage CoreDNS for DNS in Amazon EKS clusters"
//     (https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html):
//     the newest copy at hand lists v1.13.2-eksbuild.4 for 1.33-1.35 and
//     v1.11.4-eksbuild.33 for 1.30-1.32; an earlier copy v1.12.4-eksbuild.1
//     for 1.33-1.34 and v1.11.4-eksbuild.24 for 1.29-1.32. No copy at hand
//     lists 1.36: tests on 1.36 add their own row ([EKS.Offer]).
//   - kube-proxy, "Manage kube-proxy in Amazon EKS clusters"
//     (https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html):
//     v1.36.0-eksbuild.14, v1.35.3-eksbuild.13, v1.34.6-eksbuild.13,
//     v1.33.10-eksbuild.13, v1.32.13-eksbuild.16, v1.31.14-eksbuild.20, each
//     for its own minor version (kube-proxy follows the control plane's).
//   - vpc-cni, "Assign IPs to Pods with the Amazon VPC CNI"
//     (https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html):
//     v1.20.1-eksbuild.3 for 1.27-1.33.
//
// DescribeAddonVersions' rules
// (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html):
// filtered by addonName and kubernetesVersion, each version with its
// compatibilities (clusterVersion, defaultVersion), paged by maxResults
// (1-100) and nextToken.
func DocumentedAddonVersions() []AddonVersion {
	return []AddonVersion{
		{Addon: "coredns", Version: "v1.13.2-eksbuild.4", Kubernetes: []string{"1.33", "1.34", "1.35"}, DefaultFor: []string{"1.33", "1.34", "1.35"}},
		{Addon: "coredns", Version: "v1.12.4-eksbuild.1", Kubernetes: []string{"1.33", "1.34"}},
		{Addon: "coredns", Version: "v1.11.4-eksbuild.33", Kubernetes: []string{"1.30", "1.31", "1.32"}, DefaultFor: []string{"1.30", "1.31", "1.32"}},
		{Addon: "coredns", Version: "v1.11.4-eksbuild.24", Kubernetes: []string{"1.29", "1.30", "1.31", "1.32"}},
		{Addon: "kube-proxy", Version: "v1.36.0-eksbuild.14", Kubernetes: []string{"1.36"}, DefaultFor: []string{"1.36"}},
		{Addon: "kube-proxy", Version: "v1.35.3-eksbuild.13", Kubernetes: []string{"1.35"}, DefaultFor: []string{"1.35"}},
		{Addon: "kube-proxy", Version: "v1.34.6-eksbuild.13", Kubernetes: []string{"1.34"}, DefaultFor: []string{"1.34"}},
		{Addon: "kube-proxy", Version: "v1.33.10-eksbuild.13", Kubernetes: []string{"1.33"}, DefaultFor: []string{"1.33"}},
		{Addon: "kube-proxy", Version: "v1.32.13-eksbuild.16", Kubernetes: []string{"1.32"}, DefaultFor: []string{"1.32"}},
		{Addon: "kube-proxy", Version: "v1.31.14-eksbuild.20", Kubernetes: []string{"1.31"}, DefaultFor: []string{"1.31"}},
		{Addon: "vpc-cni", Version: "v1.20.1-eksbuild.3", Kubernetes: []string{"1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"},
			DefaultFor: []string{"1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"}},
	}
}

// Offer adds rows to the fake's add-on version table.
func (f *EKS) Offer(rows ...AddonVersion) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.versions = append(f.versions, rows...)
}

// compatible reports whether version of addon is offered for kubernetes.
func (f *EKS) compatible(addon, version, kubernetes string) bool {
	return slices.ContainsFunc(f.versions, func(r AddonVersion) bool {
		return r.Addon == addon && r.Version == version && slices.Contains(r.Kubernetes, kubernetes)
	})
}

// defaultVersion returns the default version of addon for kubernetes, or "".
func (f *EKS) defaultVersion(addon, kubernetes string) string {
	for _, r := range f.versions {
		if r.Addon == addon && slices.Contains(r.DefaultFor, kubernetes) {
			return r.Version
		}
	}
	return ""
}

// DescribeAddonVersions lists the table's versions, filtered by add-on name
// and Kubernetes version, one AddonInfo per add-on (sorted), paged by
// add-on.
func (f *EKS) DescribeAddonVersions(_ context.Context, in *eks.DescribeAddonVersionsInput, _ ...func(*eks.Options)) (*eks.DescribeAddonVersionsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name, k8s := aws.ToString(in.AddonName), aws.ToString(in.KubernetesVersion)
	if name != "" && !slices.Contains(knownAddons, name) {
		return nil, notFound("Addon %s specified is not supported", name)
	}
	byAddon := map[string]*types.AddonInfo{}
	for _, r := range f.versions {
		if (name != "" && r.Addon != name) || (k8s != "" && !slices.Contains(r.Kubernetes, k8s)) {
			continue
		}
		info := byAddon[r.Addon]
		if info == nil {
			info = &types.AddonInfo{AddonName: aws.String(r.Addon), Type: aws.String("networking"), Owner: aws.String("aws"), Publisher: aws.String("eks")}
			byAddon[r.Addon] = info
		}
		v := types.AddonVersionInfo{AddonVersion: aws.String(r.Version), Architecture: []string{"amd64", "arm64"}}
		for _, kv := range r.Kubernetes {
			if k8s != "" && kv != k8s {
				continue
			}
			v.Compatibilities = append(v.Compatibilities, types.Compatibility{ClusterVersion: aws.String(kv),
				DefaultVersion: slices.Contains(r.DefaultFor, kv), PlatformVersions: []string{"*"}})
		}
		info.AddonVersions = append(info.AddonVersions, v)
	}
	names := slices.Sorted(maps.Keys(byAddon))
	start, end, next, err := page(len(names), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &eks.DescribeAddonVersionsOutput{NextToken: next}
	for _, n := range names[start:end] {
		out.Addons = append(out.Addons, *byAddon[n])
	}
	return out, nil
}

// AssumedAddonVersions are rows no documentation copy at hand holds, for
// tests of the default Kubernetes version: CoreDNS on 1.36, assumed to be
// the newest documented CoreDNS version (v1.13.2-eksbuild.4, which the
// copies list for 1.33-1.35), as the default. Tests that use them say so
// by calling [EKS.Offer] with them; the fake never serves them alone.
func AssumedAddonVersions() []AddonVersion {
	return []AddonVersion{{Addon: "coredns", Version: "v1.13.2-eksbuild.4", Kubernetes: []string{"1.36"}, DefaultFor: []string{"1.36"}}}
}
