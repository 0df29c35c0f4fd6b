package eksfargate

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// Errors of the bring-your-own subnet rules (see doc.go for their sources).
var (
	// ErrDuplicateSubnet: a subnet ID given twice (or as both private and public).
	ErrDuplicateSubnet = errors.New("eksfargate: subnet given twice")
	// ErrSubnetZones: the private subnets are in fewer than two availability
	// zones (EKS needs two for the control plane's network interfaces).
	ErrSubnetZones = errors.New("eksfargate: private subnets must span at least two availability zones")
	// ErrPublicSubnetForPods: a subnet given for Fargate pods routes to an
	// internet gateway. EKS accepts only private subnets in a Fargate profile.
	ErrPublicSubnetForPods = errors.New("eksfargate: Fargate profiles need private subnets")
	// ErrSubnetNotInVPC: a subnet is missing, or in another VPC.
	ErrSubnetNotInVPC = errors.New("eksfargate: subnet not in the VPC")
)

// SubnetInfo is what the bring-your-own rules need to know of one subnet.
// With Described false only the ID is known (a plan before any API call):
// the zone, VPC and route rules are skipped.
type SubnetInfo struct {
	// ID is the subnet ID.
	ID string
	// Described is true when the fields below come from EC2.
	Described bool
	// VpcID, Zone and ZoneID locate the subnet.
	VpcID, Zone, ZoneID string
	// Public is true when its route table (explicit or the VPC's main one)
	// routes to an internet gateway.
	Public bool
}

// SubnetIDs wraps plain IDs as undescribed SubnetInfos.
func SubnetIDs(ids []string) []SubnetInfo {
	out := make([]SubnetInfo, 0, len(ids))
	for _, id := range ids {
		out = append(out, SubnetInfo{ID: id})
	}
	return out
}

// CheckSubnets applies the bring-your-own network rules to the private
// subnets (pods and the control plane) and the public ones (load balancers):
// none empty or repeated, at least two private subnets in at least two
// zones, none in a zone EKS does not support, every private one without an
// internet-gateway route, all in vpcID. Undescribed subnets get the ID rules
// only. Every problem is reported at once, each a [*FieldError].
func CheckSubnets(vpcID string, private, public []SubnetInfo) error {
	var errs []error
	if len(private) < 2 {
		errs = append(errs, fieldErr("Existing.PrivateSubnetIDs", "%d given; EKS needs at least 2, in different availability zones", len(private)))
	}
	seen := map[string]string{}
	zones := map[string]bool{}
	described := 0
	for _, tier := range []struct {
		field   string
		subnets []SubnetInfo
		private bool
	}{{"Existing.PrivateSubnetIDs", private, true}, {"Existing.PublicSubnetIDs", public, false}} {
		for i, s := range tier.subnets {
			f := fmt.Sprintf("%s[%d]", tier.field, i)
			if s.ID == "" {
				errs = append(errs, fieldErr(f, "empty"))
				continue
			}
			if prev, dup := seen[s.ID]; dup {
				errs = append(errs, kindErr(ErrDuplicateSubnet, f, "%s repeats %s", s.ID, prev))
				continue
			}
			seen[s.ID] = f
			if !s.Described {
				continue
			}
			if vpcID != "" && s.VpcID != vpcID {
				errs = append(errs, kindErr(ErrSubnetNotInVPC, f, "%s is in %s, not in %s", s.ID, s.VpcID, vpcID))
			}
			if !tier.private {
				continue
			}
			described++
			zones[s.Zone] = true
			if s.ZoneID != "" && !ZoneSupported(s.ZoneID) {
				errs = append(errs, kindErr(ErrUnsupportedZone, f, "%s is in zone %s (%s), where EKS does not place clusters", s.ID, s.Zone, s.ZoneID))
			}
			if s.Public {
				errs = append(errs, kindErr(ErrPublicSubnetForPods, f, "%s routes to an internet gateway: Fargate profiles accept only private subnets (route 0.0.0.0/0 to a NAT gateway)", s.ID))
			}
		}
	}
	if described >= 2 && len(zones) < 2 {
		errs = append(errs, kindErr(ErrSubnetZones, "Existing.PrivateSubnetIDs", "all in %d availability zone; EKS needs at least 2", len(zones)))
	}
	return errors.Join(errs...)
}

// EC2API is the part of the EC2 API that DescribeExistingNetwork uses;
// *ec2.Client satisfies it.
type EC2API interface {
	lbc.EC2API
	// DescribeAvailabilityZones maps zone names to zone IDs.
	DescribeAvailabilityZones(ctx context.Context, in *ec2.DescribeAvailabilityZonesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error)
}

// DescribeExistingNetwork reads the subnets of an existing network from EC2:
// zone, zone ID, VPC and whether each routes to an internet gateway (the
// classification of [lbc.CheckSubnets]). A subnet EC2 does not list in the
// VPC is returned undescribed with VpcID "?" so that CheckSubnets reports it.
func DescribeExistingNetwork(ctx context.Context, api EC2API, n ExistingNetwork) (private, public []SubnetInfo, err error) {
	report, err := lbc.CheckSubnets(ctx, api, n.VpcID)
	if err != nil {
		return nil, nil, fmt.Errorf("eksfargate: describe network %s: %w", n.VpcID, err)
	}
	azs, err := api.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		return nil, nil, fmt.Errorf("eksfargate: describe network %s: DescribeAvailabilityZones: %w", n.VpcID, err)
	}
	ids := map[string]string{}
	for _, z := range azs.AvailabilityZones {
		if z.ZoneName != nil && z.ZoneId != nil {
			ids[*z.ZoneName] = *z.ZoneId
		}
	}
	byID := map[string]lbc.SubnetStatus{}
	for _, s := range report.Subnets {
		byID[s.ID] = s
	}
	info := func(list []string) []SubnetInfo {
		var out []SubnetInfo
		for _, id := range list {
			s, ok := byID[id]
			if !ok {
				out = append(out, SubnetInfo{ID: id, Described: true, VpcID: "no VPC (EC2 does not list it in " + n.VpcID + ")"})
				continue
			}
			out = append(out, SubnetInfo{ID: id, Described: true, VpcID: n.VpcID, Zone: s.AvailabilityZone, ZoneID: ids[s.AvailabilityZone], Public: s.Public})
		}
		return out
	}
	return info(n.PrivateSubnetIDs), info(n.PublicSubnetIDs), nil
}

// CheckExistingNetwork describes an existing network ([DescribeExistingNetwork])
// and applies [CheckSubnets]: what EKS would refuse 15 minutes into an apply,
// refused before anything is created. The error wraps [ErrInvalidSpec].
func CheckExistingNetwork(ctx context.Context, api EC2API, n ExistingNetwork) error {
	private, public, err := DescribeExistingNetwork(ctx, api, n)
	if err != nil {
		return err
	}
	if err := CheckSubnets(n.VpcID, private, public); err != nil {
		return fmt.Errorf("eksfargate: check network %s: %w", n.VpcID, err)
	}
	return nil
}
