package lbc

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// AdditionalPolicy is an optional IAM policy of the controller, needed only
// by one of its features.
type AdditionalPolicy string

// The controller's optional IAM policies.
const (
	// PolicyGlobalAccelerator lets the controller manage AWS Global
	// Accelerator (feature gate GlobalAcceleratorController, the
	// GlobalAccelerator custom resource): the official
	// docs/install/aga_controller_iam_policy.json.
	PolicyGlobalAccelerator AdditionalPolicy = "global-accelerator"
	// PolicyCertificateManagement lets the controller request ACM (or ACM PCA)
	// certificates and validate them in Route 53 (feature gate
	// EnableCertificateManagement): the official
	// docs/install/iam_policy_acm_certs.json.
	PolicyCertificateManagement AdditionalPolicy = "certificate-management"
)

// ErrUnavailableInPartition is wrapped when an optional policy's service does
// not exist in the cluster's partition.
var ErrUnavailableInPartition = errors.New("lbc: service unavailable in the partition")

// additionalPolicy is one optional policy: its embedded document, the first
// controller version that has the feature, the feature gate that needs it
// and the partitions whose services it uses.
type additionalPolicy struct {
	file       string
	since      Version
	gate       FeatureGate
	partitions []string
	why        string
}

// additionalPolicies are pinned like the base policy: the v3.5.0 documents,
// the only official copies fargatekit checks against (the tests compare them
// with the reference policies/), used for every table row from the version
// that introduced the feature. Global Accelerator exists in the aws partition
// only (its Region list, https://docs.aws.amazon.com/global-accelerator/latest/dg/preserve-client-ip-address.regions.html,
// has no China or GovCloud Region); the certificate policy names no ARN, so
// it is the same document in every partition.
var additionalPolicies = map[AdditionalPolicy]additionalPolicy{
	PolicyGlobalAccelerator: {file: "policy/aga_controller_iam_policy_v3.5.0.json", since: Version{2, 17, 0},
		gate: FeatureGlobalAcceleratorController, partitions: []string{partition.AWS.ID},
		why: "AWS Global Accelerator has no Region in aws-cn or aws-us-gov"},
	PolicyCertificateManagement: {file: "policy/iam_policy_acm_certs_v3.5.0.json", since: Version{3, 3, 0},
		gate: FeatureEnableCertificateManagement, partitions: []string{partition.AWS.ID, partition.AWSCN.ID, partition.AWSUSGov.ID}},
}

// AdditionalPolicies lists the optional policies, sorted.
func AdditionalPolicies() []AdditionalPolicy {
	return []AdditionalPolicy{PolicyCertificateManagement, PolicyGlobalAccelerator}
}

// validateAdditional checks one optional policy for a controller version.
func validateAdditional(p AdditionalPolicy, version string) error {
	ap, ok := additionalPolicies[p]
	if !ok {
		return fmt.Errorf("%w: additional policy %q (known: %s, %s)", ErrInvalidSpec, p, PolicyCertificateManagement, PolicyGlobalAccelerator)
	}
	if version == "" {
		version = DefaultVersion
	}
	v, err := ParseVersion(version)
	if err != nil {
		return err
	}
	if v.Compare(ap.since) < 0 {
		return fmt.Errorf("%w: additional policy %s: controller %s has no such feature (from %s)", ErrInvalidSpec, p, v, ap.since)
	}
	return nil
}

// AdditionalPolicyDocument returns an optional policy's JSON for a controller
// version ("" means DefaultVersion) in a partition ("" or aws, aws-cn,
// aws-us-gov), canonical like IAMPolicy's ("arn:aws:" rewritten to the
// partition). A policy whose service the partition lacks is an error
// wrapping ErrUnavailableInPartition.
func AdditionalPolicyDocument(p AdditionalPolicy, version, partitionID string) (string, error) {
	if err := validateAdditional(p, version); err != nil {
		return "", err
	}
	part, err := partition.ByID(partitionID)
	if err != nil {
		return "", fmt.Errorf("%w: policy partition: %v", ErrInvalidSpec, err)
	}
	ap := additionalPolicies[p]
	if !slices.Contains(ap.partitions, part.ID) {
		return "", fmt.Errorf("%w: additional policy %s in %s: %s", ErrUnavailableInPartition, p, part.ID, ap.why)
	}
	raw, err := policyFS.ReadFile(ap.file)
	if err != nil {
		return "", fmt.Errorf("lbc: policy: %w", err)
	}
	d, err := iampolicy.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("lbc: embedded policy %s: %w", ap.file, err)
	}
	b, err := rewritePartition(d, part.ID).Marshal()
	if err != nil {
		return "", fmt.Errorf("lbc: policy: %w", err)
	}
	return string(b), nil
}

// ResolveAdditionalPolicies returns the optional policies a controller's
// settings need, sorted and once each: those asked for, plus those whose
// feature gate the settings turn on (GlobalAcceleratorController needs
// PolicyGlobalAccelerator, EnableCertificateManagement
// PolicyCertificateManagement). It reports every unknown policy, and every
// policy of a feature the controller version lacks, at once.
func ResolveAdditionalPolicies(asked []AdditionalPolicy, settings Settings) ([]AdditionalPolicy, error) {
	set := map[AdditionalPolicy]bool{}
	for _, p := range asked {
		set[p] = true
	}
	for p, ap := range additionalPolicies {
		if settings.FeatureGates[ap.gate] {
			set[p] = true
		}
	}
	var out []AdditionalPolicy
	var errs []error
	for p := range set {
		if err := validateAdditional(p, settings.Version); err != nil {
			errs = append(errs, err)
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b AdditionalPolicy) int { return strings.Compare(string(a), string(b)) })
	return out, errors.Join(errs...)
}
