package eksfargate

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
)

// AWS's limits on Fargate profiles (EKS service quotas, which are not
// adjustable, and the Fargate profile documentation; see doc.go).
const (
	// MaxProfilesPerCluster is the number of Fargate profiles a cluster may have.
	MaxProfilesPerCluster = 10
	// MaxSelectorsPerProfile is the number of selectors of one profile.
	MaxSelectorsPerProfile = 5
	// MaxLabelsPerSelector is the number of labels of one selector.
	MaxLabelsPerSelector = 5
	// ReservedProfilePrefix is the prefix EKS keeps for its own profile names.
	ReservedProfilePrefix = "eks-"
	// MaxProfileNameLength is the longest FargateProfile.Name: the physical
	// name ([ProfileName]: Name, '-' and an 8-character content hash) must
	// fit the 63 characters of the eks.amazonaws.com/fargate-profile pod label.
	MaxProfileNameLength = 63 - 1 - profileHashLength
)

// Errors of the AWS rules Validate enforces, each wrapped (through a
// [*FieldError]) with [ErrInvalidSpec]. doc.go lists each with its source.
var (
	// ErrReservedProfileName: a profile name starts with "eks-".
	ErrReservedProfileName = errors.New("eksfargate: Fargate profile names starting with eks- are reserved")
	// ErrTooManyProfiles: more than MaxProfilesPerCluster profiles.
	ErrTooManyProfiles = errors.New("eksfargate: too many Fargate profiles for one cluster")
	// ErrTooManySelectors: a profile without selectors or with more than MaxSelectorsPerProfile.
	ErrTooManySelectors = errors.New("eksfargate: a Fargate profile has 1 to 5 selectors")
	// ErrTooManyLabels: a selector with more than MaxLabelsPerSelector labels.
	ErrTooManyLabels = errors.New("eksfargate: a Fargate profile selector has at most 5 labels")
	// ErrDuplicateSelector: the same selector (namespace and labels) in two
	// profiles, or twice in one. EKS would pick one of the matching profiles
	// at random for each pod.
	ErrDuplicateSelector = errors.New("eksfargate: identical Fargate profile selectors")
	// ErrUnsupportedKubernetesVersion: a version EKS does not offer (see [KubernetesReleases]).
	ErrUnsupportedKubernetesVersion = errors.New("eksfargate: Kubernetes version not offered by EKS")
	// ErrLocationMismatch: an explicit Region or AccountID differs from the
	// AWS provider's (or the SDK configuration's): every ARN would be wrong.
	ErrLocationMismatch = errors.New("eksfargate: explicit region or account differs from the AWS provider's")
	// ErrPublicEndpointExcludesNAT: a public-only endpoint restricted to
	// PublicAccessCIDRs on a network whose NAT addresses fargatekit cannot
	// know. Fargate pods (CoreDNS first) reach a public-only endpoint through
	// the NAT gateways; if their addresses are not allowed, no pod ever
	// registers and the CoreDNS add-on times out.
	ErrPublicEndpointExcludesNAT = errors.New("eksfargate: a restricted public-only endpoint must allow the NAT gateways' addresses")
	// ErrPrivatePublicCIDR: a PublicAccessCIDRs block that is private
	// (RFC 1918 and other non-public ranges), which EKS refuses.
	ErrPrivatePublicCIDR = errors.New("eksfargate: public access CIDRs must be public address blocks")
	// ErrInvalidLogRetention: a log group retention CloudWatch Logs does not
	// accept (PutRetentionPolicy's retentionInDays, [LogRetentionDays]).
	ErrInvalidLogRetention = errors.New("eksfargate: not a CloudWatch Logs retention period")
	// ErrAddonVersionIncompatible (through [*AddonVersionError]): a pinned
	// add-on version EKS does not offer for the cluster's Kubernetes
	// version, or no version at all for it (DescribeAddonVersions).
	ErrAddonVersionIncompatible = errors.New("eksfargate: add-on version not compatible with the cluster's Kubernetes version")
	// ErrDeletionProtected: Delete met a cluster with deletion protection on
	// (EKS refuses DeleteCluster with InvalidRequestException).
	ErrDeletionProtected = errors.New("eksfargate: the cluster has deletion protection on")
)

// kindErr is a FieldError with a sentinel.
func kindErr(kind error, field, format string, a ...any) error {
	return &FieldError{Field: field, Kind: kind, Problem: fmt.Sprintf(format, a...)}
}

// RestrictedPublicEndpoint reports whether the spec's public endpoint is
// limited to PublicAccessCIDRs that do not include 0.0.0.0/0.
func (a ClusterSpec) RestrictedPublicEndpoint() bool {
	if a.EndpointAccess == EndpointPrivate || len(a.PublicAccessCIDRs) == 0 {
		return false
	}
	for _, c := range a.PublicAccessCIDRs {
		if c == "0.0.0.0/0" {
			return false
		}
	}
	return true
}

// NeedsNATAddressesInPublicCIDRs reports whether pods reach the API server
// only through the NAT gateways and the public endpoint is restricted: then
// the NAT gateways' addresses must be in PublicAccessCIDRs. With the private
// endpoint on, pods resolve the endpoint to its in-VPC addresses and the
// restriction does not concern them.
func (a ClusterSpec) NeedsNATAddressesInPublicCIDRs() bool {
	d := a.WithDefaults()
	return d.EndpointAccess == EndpointPublic && d.RestrictedPublicEndpoint()
}

// Warnings returns what is allowed but deserves a word before apply: a
// private-only endpoint, which whoever runs the deployment (the Pulumi
// component's own Kubernetes provider, the SDK's CoreDNS and rollout steps)
// must reach from inside the VPC or over a VPN/Direct Connect.
func (a ClusterSpec) Warnings() []string {
	d := a.WithDefaults()
	var out []string
	if d.EndpointAccess == EndpointPrivate {
		out = append(out, "eksfargate: the API endpoint is private only: the deployment's own Kubernetes client "+
			"(the component's Kubernetes provider, kubeconfig and CLI) needs network access to the VPC (a bastion, VPN, "+
			"Direct Connect or a runner inside the VPC), or every Kubernetes step will time out")
	}
	return out
}

// validateEndpointRules adds the AWS endpoint rules to validateEndpoint's
// syntax checks.
func (a ClusterSpec) validateEndpointRules() error {
	var errs []error
	for i, c := range a.PublicAccessCIDRs {
		p, err := netip.ParsePrefix(c)
		if err != nil || !p.Addr().Is4() {
			continue // reported by validateEndpoint
		}
		if !publicBlock(p) {
			errs = append(errs, kindErr(ErrPrivatePublicCIDR, fmt.Sprintf("PublicAccessCIDRs[%d]", i),
				"%q is not a public address block; EKS accepts only public CIDRs for the public endpoint", c))
		}
	}
	if a.NeedsNATAddressesInPublicCIDRs() && a.Existing != nil {
		errs = append(errs, kindErr(ErrPublicEndpointExcludesNAT, "PublicAccessCIDRs",
			"the endpoint is public only and restricted to %s on an existing network: Fargate pods reach it through "+
				"your NAT gateways, whose addresses fargatekit cannot add; use EndpointAccess %q (pods then use the private endpoint), "+
				"or let fargatekit create the network (it adds the NAT addresses as /32s)",
			strings.Join(a.PublicAccessCIDRs, ", "), EndpointPublicAndPrivate))
	}
	return errors.Join(errs...)
}

// nonPublic are the IPv4 ranges that are not public unicast addresses.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("224.0.0.0/4"), netip.MustParsePrefix("240.0.0.0/4"),
}

// publicBlock reports whether p lies outside every non-public range
// (0.0.0.0/0 counts as public: it is EKS's default).
func publicBlock(p netip.Prefix) bool {
	if p.Bits() == 0 {
		return true
	}
	for _, n := range nonPublic {
		if n.Overlaps(p) && p.Bits() >= n.Bits() {
			return false
		}
	}
	return true
}

// CheckLocation compares an explicit Region and AccountID with the ones the
// AWS provider (or the SDK's configuration and STS) reports, and returns a
// [*FieldError] wrapping [ErrLocationMismatch] for each that differs. Empty
// values on either side are not compared.
func (a ClusterSpec) CheckLocation(providerRegion, providerAccount string) error {
	var errs []error
	if a.Region != "" && providerRegion != "" && a.Region != providerRegion {
		errs = append(errs, kindErr(ErrLocationMismatch, "Region", "%q, but the AWS provider is configured for %q", a.Region, providerRegion))
	}
	if a.AccountID != "" && providerAccount != "" && a.AccountID != providerAccount {
		errs = append(errs, kindErr(ErrLocationMismatch, "AccountID", "%q, but the AWS credentials are of account %q", a.AccountID, providerAccount))
	}
	return errors.Join(errs...)
}

// checkProfileRules applies the AWS limits on one cluster's profiles that
// checkProfiles does not: the number of profiles, the reserved prefix, labels
// per selector and identical selectors.
func checkProfileRules(profiles []FargateProfile) error {
	var errs []error
	if n := len(profiles); n > MaxProfilesPerCluster {
		errs = append(errs, kindErr(ErrTooManyProfiles, "FargateProfiles", "%d profiles; EKS allows %d per cluster", n, MaxProfilesPerCluster))
	}
	seen := map[string]string{}
	for i, p := range profiles {
		f := fmt.Sprintf("FargateProfiles[%d]", i)
		if strings.HasPrefix(strings.ToLower(p.Name), ReservedProfilePrefix) {
			errs = append(errs, kindErr(ErrReservedProfileName, f+".Name", "%q: names starting with %q are reserved by EKS", p.Name, ReservedProfilePrefix))
		}
		for j, s := range p.Selectors {
			sf := fmt.Sprintf("%s.Selectors[%d]", f, j)
			if n := len(s.Labels); n > MaxLabelsPerSelector {
				errs = append(errs, kindErr(ErrTooManyLabels, sf+".Labels", "%d labels; EKS allows %d per selector", n, MaxLabelsPerSelector))
			}
			k := s.key()
			if prev, dup := seen[k]; dup {
				errs = append(errs, kindErr(ErrDuplicateSelector, sf, "%s repeats %s: EKS would place each matching pod on one of the profiles at random", k, prev))
			} else {
				seen[k] = sf
			}
		}
	}
	return errors.Join(errs...)
}

// MaxTagsPerResource is AWS's limit of tags on one resource (EC2, EKS, IAM,
// KMS and CloudWatch Logs alike).
const MaxTagsPerResource = 50

// checkTagBudget applies the limit of MaxTagsPerResource to the tags
// resources actually get: the spec's Tags with the ones fargatekit adds
// (Name, TagCluster and TagPart on network resources, and the load
// balancer tags on a created VPC's subnets; TagCluster, TagPart and the
// component's TagDeletionProtection on the cluster), and a profile's Tags
// on top of those with the ownership tags. validateTags checks each map
// alone.
func (a ClusterSpec) checkTagBudget() error {
	var errs []error
	count := func(sets ...[]string) int {
		keys := map[string]bool{}
		for _, set := range sets {
			for _, k := range set {
				keys[k] = true
			}
		}
		return len(keys)
	}
	spec := slices.Collect(maps.Keys(a.Tags))
	ownership := []string{TagCluster, TagPart}
	added := map[string][]string{"every resource": ownership}
	if a.DeletionProtection {
		added["the cluster"] = append(slices.Clone(ownership), TagDeletionProtection)
	}
	if a.VPC != nil {
		subnet := append(slices.Clone(ownership), "Name", TagClusterPrefix+a.ClusterName)
		added["the created private subnets"] = append(slices.Clone(subnet), TagInternalELB)
		added["the created public subnets"] = append(slices.Clone(subnet), TagELB)
	}
	if len(a.Tags) <= MaxTagsPerResource { // validateTags reports a map too big on its own
		for _, where := range slices.Sorted(maps.Keys(added)) {
			if n := count(spec, added[where]); n > MaxTagsPerResource {
				errs = append(errs, fieldErr("Tags", "%d tags with the ones fargatekit adds to %s (%s); AWS allows %d per resource",
					n, where, strings.Join(added[where], ", "), MaxTagsPerResource))
				break
			}
		}
	}
	for i, p := range a.FargateProfiles {
		if len(p.Tags) == 0 || len(p.Tags) > MaxTagsPerResource {
			continue // validateTags reports a map too big on its own
		}
		if n := count(spec, slices.Collect(maps.Keys(p.Tags)), ownership); n > MaxTagsPerResource {
			errs = append(errs, fieldErr(fmt.Sprintf("FargateProfiles[%d].Tags", i), "%d tags with the spec's Tags and %s; AWS allows %d per resource",
				n, strings.Join(ownership, ", "), MaxTagsPerResource))
		}
	}
	return errors.Join(errs...)
}
