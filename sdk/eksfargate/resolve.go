package eksfargate

import (
	"fmt"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// Location is where a cluster lives: its region, account and partition,
// resolved once and passed down to every renderer that builds an ARN.
type Location struct {
	// Region is the cluster's region, e.g. "eu-west-1".
	Region string
	// AccountID is the 12-digit account.
	AccountID string
	// Partition is aws, aws-cn or aws-us-gov.
	Partition partition.Partition
}

// Locate resolves the location of a cluster from what the configuration
// reports (the Pulumi AWS provider, or the SDK's aws.Config and STS) and the
// spec's explicit Region, AccountID and Partition: explicit values must equal
// the reported ones ([ErrLocationMismatch]). partitionID may be empty: the
// spec's, else the region's partition is used. A region is never guessed:
// an empty region is an error.
func Locate(spec ClusterSpec, region, account, partitionID string) (Location, error) {
	if err := spec.CheckLocation(region, account); err != nil {
		return Location{}, err
	}
	if region == "" {
		region = spec.Region
	}
	if account == "" {
		account = spec.AccountID
	}
	if region == "" {
		return Location{}, fmt.Errorf("%w: no region: set one in the AWS configuration (AWS_REGION, a profile or --region) or in the spec", ErrInvalidSpec)
	}
	rp, err := partition.ForRegion(region)
	if err != nil {
		return Location{}, fmt.Errorf("%w: %w", ErrInvalidSpec, err)
	}
	pid := spec.Partition
	if pid == "" {
		pid = partitionID
	}
	if pid == "" {
		pid = rp.ID
	}
	p, err := partition.ByID(pid)
	if err != nil {
		return Location{}, fmt.Errorf("%w: %w", ErrInvalidSpec, err)
	}
	if rp.ID != p.ID {
		return Location{}, fmt.Errorf("%w: region %q is in partition %q, the configuration reports %q", ErrInvalidSpec, region, rp.ID, p.ID)
	}
	if !partition.ValidAccount(account) {
		return Location{}, fmt.Errorf("%w: account %q is not 12 digits", ErrInvalidSpec, account)
	}
	return Location{Region: region, AccountID: account, Partition: p}, nil
}

// Resolved is a spec resolved once: defaulted, named, located, and (for a
// created VPC) with its zones and subnet layout chosen. Apply, Plan and
// Delete compute it first and pass it down; the renderers of model.go take
// it, and so does the Pulumi component.
type Resolved struct {
	Location
	// Spec is the defaulted spec ([ClusterSpec.WithDefaults]) with ClusterName set.
	Spec ClusterSpec
	// Zones are the zones of a created VPC, in subnet order; nil on an existing network.
	Zones []Zone
	// Layout is the subnet plan of a created VPC.
	Layout Layout
}

// NewResolved validates and defaults spec, and picks the zones of a created
// VPC among available ([SelectZones]). available is ignored on an existing
// network. The spec must name its cluster.
func NewResolved(spec ClusterSpec, loc Location, available []Zone) (*Resolved, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if spec.ClusterName == "" {
		return nil, &FieldError{Field: "ClusterName", Problem: "required"}
	}
	r := &Resolved{Location: loc, Spec: spec.WithDefaults()}
	if v := r.Spec.VPC; v != nil {
		l, err := v.Layout()
		if err != nil {
			return nil, err
		}
		zones, err := SelectZones(available, v.AvailabilityZones, v.AZCount)
		if err != nil {
			return nil, fmt.Errorf("region %s: %w", loc.Region, err)
		}
		r.Layout, r.Zones = l, zones
	}
	return r, nil
}

// Name is the cluster's name.
func (r *Resolved) Name() string { return r.Spec.ClusterName }
