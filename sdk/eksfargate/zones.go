package eksfargate

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// ErrUnsupportedZone is wrapped when a zone is one EKS does not place
// control planes in (see [UnsupportedZoneIDs]), is not available in the
// region, or the region has too few usable zones.
var ErrUnsupportedZone = errors.New("eksfargate: availability zone not usable by EKS")

// unsupportedZoneIDs are the zone IDs where EKS refuses cluster subnets
// (UnsupportedAvailabilityZoneException). Zone names map to different zones
// in every account; zone IDs do not, so the check is by ID. Sources: the EKS
// user guide's subnet requirements (network-reqs) and eksctl, which skips
// the same IDs when it picks zones.
var unsupportedZoneIDs = []string{"use1-az3", "usw1-az2", "cac1-az3"}

// UnsupportedZoneIDs returns the zone IDs EKS does not support for cluster subnets.
func UnsupportedZoneIDs() []string { return slices.Clone(unsupportedZoneIDs) }

// ZoneSupported reports whether EKS accepts cluster subnets in the zone ID.
func ZoneSupported(zoneID string) bool { return !slices.Contains(unsupportedZoneIDs, zoneID) }

// Zone is an availability zone: its account-specific name and its ID.
type Zone struct {
	// Name is the account's name for the zone, e.g. "us-east-1a".
	Name string
	// ID is the zone's ID, the same in every account, e.g. "use1-az1".
	ID string
}

// ZonesFromEC2 returns the zones of a DescribeAvailabilityZones answer that a
// VPC may use: state available, availability-zone type (no Local or
// Wavelength zones) and opted in by default, in the answer's order.
func ZonesFromEC2(out *ec2.DescribeAvailabilityZonesOutput) []Zone {
	var zs []Zone
	if out == nil {
		return nil
	}
	for _, z := range out.AvailabilityZones {
		if z.State != "available" || (z.ZoneType != nil && *z.ZoneType != "availability-zone") ||
			(z.OptInStatus != "" && z.OptInStatus != "opt-in-not-required") {
			continue
		}
		zs = append(zs, Zone{Name: aws.ToString(z.ZoneName), ID: aws.ToString(z.ZoneId)})
	}
	return zs
}

// ZonesFromNames pairs the names and zone IDs lists of the Pulumi AWS
// provider's getAvailabilityZones (same order, same length).
func ZonesFromNames(names, ids []string) []Zone {
	zs := make([]Zone, 0, len(names))
	for i, n := range names {
		z := Zone{Name: n}
		if i < len(ids) {
			z.ID = ids[i]
		}
		zs = append(zs, z)
	}
	return zs
}

// SelectZones picks the zones of a created VPC from the region's usable
// zones: the named ones when names is not empty (each must be available and
// supported by EKS), else the first count whose IDs EKS supports. Every
// problem is reported, each a [*FieldError] wrapping [ErrUnsupportedZone].
func SelectZones(available []Zone, names []string, count int) ([]Zone, error) {
	var errs []error
	if len(names) > 0 {
		var out []Zone
		for i, n := range names {
			j := slices.IndexFunc(available, func(z Zone) bool { return z.Name == n })
			f := fmt.Sprintf("VPC.AvailabilityZones[%d]", i)
			switch {
			case j < 0:
				errs = append(errs, kindErr(ErrUnsupportedZone, f, "%q is not an available zone of the region", n))
			case !ZoneSupported(available[j].ID):
				errs = append(errs, kindErr(ErrUnsupportedZone, f, "%q is zone %s, where EKS does not place clusters", n, available[j].ID))
			default:
				out = append(out, available[j])
			}
		}
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		return out, nil
	}
	var out, skipped []Zone
	for _, z := range available {
		if !ZoneSupported(z.ID) {
			skipped = append(skipped, z)
			continue
		}
		if len(out) < count {
			out = append(out, z)
		}
	}
	if len(out) < count {
		msg := fmt.Sprintf("the region has %d available zones, AZCount is %d", len(out), count)
		if len(skipped) > 0 {
			msg = fmt.Sprintf("the region has %d available zones EKS supports (%d skipped: %v), AZCount is %d", len(out), len(skipped), skipped, count)
		}
		return nil, kindErr(ErrUnsupportedZone, "VPC.AZCount", "%s", msg)
	}
	return out, nil
}
