package eksfargate

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// profileHashLength is the length of the content hash in a physical profile name.
const profileHashLength = 8

// ProfileName returns the physical name of a Fargate profile: its Name, '-'
// and the first 8 hex digits of a SHA-256 over its selectors and its own
// subnets ([FargateProfile.SubnetIDs]), e.g. "fp-default-1a2b3c4d".
//
// EKS profiles are immutable; a change replaces them. With a fixed physical
// name the replacement must delete the old profile first, and pods evicted
// meanwhile match no profile and stay Pending (for kube-system: no DNS in
// the cluster). A name that changes with the content lets the new profile be
// created first and the old one deleted after, as the EKS documentation
// prescribes. The hash ignores order, so reordering selectors changes nothing.
// Inputs that are only known at apply (the pod-execution role, subnets of a
// created VPC) are not in the hash: they change only with the cluster.
func ProfileName(p FargateProfile) string {
	parts := selectorKeys(p.Selectors)
	subnets := slices.Sorted(slices.Values(p.SubnetIDs))
	h := sha256.Sum256([]byte(strings.Join(parts, "\n") + "\n--\n" + strings.Join(subnets, "\n")))
	return p.Name + "-" + hex.EncodeToString(h[:])[:profileHashLength]
}

// LogicalProfileName returns the Name a physical profile name was made from
// by [ProfileName], and whether name has that form.
func LogicalProfileName(name string) (string, bool) {
	i := strings.LastIndexByte(name, '-')
	if i <= 0 || len(name)-i-1 != profileHashLength {
		return "", false
	}
	if _, err := hex.DecodeString(name[i+1:]); err != nil {
		return "", false
	}
	return name[:i], true
}

// validateProfileSubnets checks per-profile subnets: none empty or repeated
// and, on an existing network, each one of the cluster's private subnets.
func (a ClusterSpec) validateProfileSubnets() error {
	var errs []error
	for i, p := range a.FargateProfiles {
		seen := map[string]bool{}
		for j, id := range p.SubnetIDs {
			f := fmt.Sprintf("FargateProfiles[%d].SubnetIDs[%d]", i, j)
			switch {
			case id == "":
				errs = append(errs, fieldErr(f, "empty"))
			case seen[id]:
				errs = append(errs, kindErr(ErrDuplicateSubnet, f, "%s repeated", id))
			case a.Existing != nil && !slices.Contains(a.Existing.PrivateSubnetIDs, id):
				errs = append(errs, fieldErr(f, "%s is not one of Existing.PrivateSubnetIDs (a profile uses the cluster's private subnets)", id))
			}
			seen[id] = true
		}
		if len(p.SubnetIDs) > 0 && a.VPC != nil {
			errs = append(errs, fieldErr(fmt.Sprintf("FargateProfiles[%d].SubnetIDs", i), "per-profile subnets need an existing network (a created VPC's subnet IDs are not known in advance)"))
		}
	}
	return errors.Join(errs...)
}
