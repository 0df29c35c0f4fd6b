package eksfargate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"net/netip"
	"slices"
	"strings"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// ErrLayout is wrapped when a VPC block cannot hold the requested subnets.
var ErrLayout = errors.New("eksfargate: subnet layout")

// Layout is the subnet plan of a created VPC: one public and one private
// subnet per availability zone, in zone order.
type Layout struct {
	// VPC is the VPC's CIDR.
	VPC string
	// Public and Private hold one CIDR per availability zone.
	Public, Private []string
}

// SubnetLayout splits a VPC block for azCount availability zones. Fargate gives
// every pod an address in a private subnet, so private subnets get the big
// blocks: the VPC is cut into 2^p equal blocks (2^p > azCount), the first
// azCount are the private subnets, and the last block is cut again into one
// public subnet per zone. A /16 over 2 zones gives private /18s and public /19s;
// over 3 zones, private /18s and public /20s. Blocks between are left free.
func SubnetLayout(vpcCIDR string, azCount int) (Layout, error) {
	vpc, err := netip.ParsePrefix(vpcCIDR)
	if err != nil || !vpc.Addr().Is4() || vpc.Masked() != vpc {
		return Layout{}, fmt.Errorf("%w: %q is not an IPv4 network CIDR", ErrLayout, vpcCIDR)
	}
	if azCount < 1 {
		return Layout{}, fmt.Errorf("%w: %d availability zones", ErrLayout, azCount)
	}
	p := bits.Len(uint(azCount))     // smallest p with 2^p > azCount
	q := bits.Len(uint(azCount - 1)) // smallest q with 2^q >= azCount
	privBits, pubBits := vpc.Bits()+p, vpc.Bits()+p+q
	if pubBits > 28 {
		return Layout{}, fmt.Errorf("%w: %s is too small for %d zones (public subnets would be /%d; AWS allows /28 at most)", ErrLayout, vpc, azCount, pubBits)
	}
	l := Layout{VPC: vpc.String()}
	for i := range azCount {
		l.Private = append(l.Private, block(vpc, privBits, i).String())
	}
	last := block(vpc, privBits, 1<<p-1)
	for i := range azCount {
		l.Public = append(l.Public, block(last, pubBits, i).String())
	}
	return l, nil
}

// block returns the i-th /newBits block inside parent.
func block(parent netip.Prefix, newBits, i int) netip.Prefix {
	a := parent.Addr().As4()
	base := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	base += uint32(i) << (32 - newBits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)}), newBits)
}

// Tier is a subnet's role: public (internet-facing load balancers, NAT
// gateways) or private (Fargate pods, internal load balancers).
type Tier string

// Subnet tiers.
const (
	Public  Tier = "public"
	Private Tier = "private"
)

// Subnet tag keys the AWS Load Balancer Controller and EKS read.
const (
	TagELB         = "kubernetes.io/role/elb"
	TagInternalELB = "kubernetes.io/role/internal-elb"
	// TagClusterPrefix is followed by the cluster name.
	TagClusterPrefix = "kubernetes.io/cluster/"
)

// SubnetTags returns the tags of a subnet of the cluster: extra, then
// kubernetes.io/cluster/<name>=shared and kubernetes.io/role/elb=1 (public) or
// kubernetes.io/role/internal-elb=1 (private), which win over extra.
func SubnetTags(clusterName string, tier Tier, extra map[string]string) map[string]string {
	out := maps.Clone(extra)
	if out == nil {
		out = map[string]string{}
	}
	out[TagClusterPrefix+clusterName] = "shared"
	if tier == Public {
		out[TagELB] = "1"
	} else {
		out[TagInternalELB] = "1"
	}
	return out
}

// ClusterRoleTrust is the trust policy of the EKS cluster role: the EKS
// service may assume it and tag the session.
func ClusterRoleTrust(p partition.Partition) iampolicy.Document {
	return iampolicy.Document{Statement: iampolicy.Statements{{
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: iampolicy.Values{p.ServicePrincipal("eks")}},
		Action:    iampolicy.Values{"sts:AssumeRole", "sts:TagSession"},
	}}}
}

// PodExecutionRoleTrust is the trust policy of the Fargate pod-execution role:
// eks-fargate-pods may assume it, only on behalf of the cluster's Fargate
// profiles (the aws:SourceArn condition against confused deputies).
func PodExecutionRoleTrust(p partition.Partition, region, account, clusterName string) (iampolicy.Document, error) {
	var errs []error
	if !partition.ValidRegion(region) {
		errs = append(errs, fmt.Errorf("region %q", region))
	} else if rp, err := partition.ForRegion(region); err != nil || rp.ID != p.ID {
		errs = append(errs, fmt.Errorf("region %q is not in partition %q", region, p.ID))
	}
	if !partition.ValidAccount(account) {
		errs = append(errs, fmt.Errorf("account %q is not 12 digits", account))
	}
	if !ValidClusterName(clusterName) {
		errs = append(errs, fmt.Errorf("cluster name %q", clusterName))
	}
	if err := errors.Join(errs...); err != nil {
		return iampolicy.Document{}, fmt.Errorf("eksfargate: pod-execution trust: %w: %w", ErrInvalidSpec, err)
	}
	return iampolicy.Document{Statement: iampolicy.Statements{{
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: iampolicy.Values{p.ServicePrincipal("eks-fargate-pods")}},
		Action:    iampolicy.Values{"sts:AssumeRole"},
		Condition: iampolicy.Condition{"ArnLike": {
			"aws:SourceArn": iampolicy.Values{p.ARN("eks", region, account, "fargateprofile/"+clusterName+"/*")},
		}},
	}}}, nil
}

// coreDNSValues is the add-on configuration document; field order is the
// JSON order.
type coreDNSValues struct {
	ComputeType string `json:"computeType"`
	CoreDNSConfig
}

// CoreDNSConfigurationValues renders the CoreDNS add-on's configurationValues:
// {"computeType":"Fargate"} plus the optional replica count and resources.
// With computeType Fargate the add-on itself drops the
// eks.amazonaws.com/compute-type: ec2 annotation, so no kubectl patch is needed
// on create or destroy.
func CoreDNSConfigurationValues(c CoreDNSConfig) (string, error) {
	if err := c.validate(); err != nil {
		return "", fmt.Errorf("eksfargate: coredns configuration: %w", err)
	}
	if r := c.Resources; r != nil && r.Requests == nil && r.Limits == nil {
		c.Resources = nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(coreDNSValues{ComputeType: "Fargate", CoreDNSConfig: c}); err != nil {
		return "", fmt.Errorf("eksfargate: coredns configuration: %w", err)
	}
	return string(bytes.TrimSpace(b.Bytes())), nil
}

// AddedSubnetTagsKey is the key of the tag that records, on a subnet of an
// existing network, which of the cluster's subnet tags fargatekit added
// (ExistingNetwork.TagSubnets): fargatekit.io/added/<cluster>, its value the
// keys, sorted, comma-separated. It tells the tags fargatekit owns from
// the same tags others set, so that it never takes over (or deletes) a tag
// it did not create.
func AddedSubnetTagsKey(clusterName string) string { return "fargatekit.io/added/" + clusterName }

// OwnedSubnetTags returns the cluster's subnet tags ([SubnetTags]) that
// fargatekit adds to, or keeps on, an existing subnet whose tags are
// current: those it lacks, and those an earlier run added (listed under
// [AddedSubnetTagsKey]); a key the subnet has from someone else is left as
// it is, whatever its value. One exception, for subnets tagged by a
// fargatekit from before the record: with no record at all, the cluster's
// own tag (kubernetes.io/cluster/<cluster>=shared, this cluster's name and
// the value fargatekit writes) is taken as fargatekit's, so that such a
// stack's update does not drop and re-add it. record is the value of the
// AddedSubnetTagsKey tag ("" when nothing is added).
func OwnedSubnetTags(clusterName string, tier Tier, current map[string]string) (owned map[string]string, record string) {
	recorded, hasRecord := current[AddedSubnetTagsKey(clusterName)]
	added := strings.Split(recorded, ",")
	owned = map[string]string{}
	for k, v := range SubnetTags(clusterName, tier, nil) {
		have, has := current[k]
		legacy := !hasRecord && k == TagClusterPrefix+clusterName && have == v
		if !has || slices.Contains(added, k) || legacy {
			owned[k] = v
		}
	}
	return owned, strings.Join(slices.Sorted(maps.Keys(owned)), ",")
}
