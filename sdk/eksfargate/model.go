package eksfargate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"strings"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// The pure models of the resources a cluster is made of, shared by the SDK's
// Apply, Plan and Delete and by the Pulumi component: tags, roles, add-ons,
// the KMS key. No context, no I/O.

// Ownership tags: every resource Apply or the component creates carries
// TagCluster=<cluster name> and TagPart=<part>, so that Delete finds what
// belongs to a cluster by its tags and tells its parts apart.
const (
	// TagCluster is the owner tag; its value is the cluster's name.
	TagCluster = "fargatekit.io/cluster"
	// TagPart names which part of the cluster a resource is (PartVPC, ...).
	TagPart = "fargatekit.io/part"
	// TagDeletionProtection=on marks, on a cluster the Pulumi component
	// registers, that its deletion protection is on: pulumi-aws v6 has no
	// argument for it, so the component's resource hooks set it
	// ([SetDeletionProtection]) when the tag appears or goes.
	TagDeletionProtection = "fargatekit.io/deletion-protection"
)

// Parts of a cluster, the values of [TagPart]. Per-zone parts are made by
// [PublicSubnetPart], [PrivateSubnetPart] and [NATPart]; profiles and add-ons
// by [ProfilePart] and [AddonPart].
const (
	PartVPC              = "vpc"
	PartInternetGateway  = "igw"
	PartPublicRoutes     = "public"
	PartClusterRole      = "cluster-role"
	PartPodExecutionRole = "pod-execution-role"
	PartSecretsKey       = "secrets"
	PartCluster          = "cluster"
	PartOIDCProvider     = "oidc"
	PartControlPlaneLogs = "control-plane-logs"
)

// PublicSubnetPart is the part of the public subnet in zone.
func PublicSubnetPart(zone string) string { return string(Public) + "-" + zone }

// PrivateSubnetPart is the part of the private subnet in zone, and of its route table.
func PrivateSubnetPart(zone string) string { return string(Private) + "-" + zone }

// NATPart is the part of the NAT gateway in zone and of its elastic IP.
func NATPart(zone string) string { return "nat-" + zone }

// ProfilePart is the part of the Fargate profile with the given Name.
func ProfilePart(name string) string { return "profile-" + name }

// AddonPart is the part of an EKS add-on.
func AddonPart(addon string) string { return "addon-" + addon }

// ResourceTags returns the tags of one resource of the cluster: tags (the
// spec's), then TagCluster=clusterName and TagPart=part, which win.
func ResourceTags(clusterName string, tags map[string]string, part string) map[string]string {
	out := maps.Clone(tags)
	if out == nil {
		out = map[string]string{}
	}
	out[TagCluster] = clusterName
	out[TagPart] = part
	return out
}

// NetworkTags are [ResourceTags] plus Name=<cluster>-<part>, for the EC2
// resources (VPC, subnets, gateways, route tables, elastic IPs), which the
// console lists by Name.
func NetworkTags(clusterName string, tags map[string]string, part string) map[string]string {
	out := ResourceTags(clusterName, tags, part)
	out["Name"] = clusterName + "-" + part
	return out
}

// ProfileTags are the tags of a Fargate profile: the spec's, the profile's
// own (which win) and the ownership tags.
func ProfileTags(clusterName string, tags map[string]string, p FargateProfile) map[string]string {
	merged := maps.Clone(tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, p.Tags)
	return ResourceTags(clusterName, merged, ProfilePart(p.Name))
}

// Managed policies of the two created roles.
const (
	// ClusterPolicy is attached to the cluster role.
	ClusterPolicy = "AmazonEKSClusterPolicy"
	// PodExecutionRolePolicy is attached to the pod-execution role.
	PodExecutionRolePolicy = "AmazonEKSFargatePodExecutionRolePolicy"
)

// RoleModel is an IAM role of the cluster.
type RoleModel struct {
	// Part is PartClusterRole or PartPodExecutionRole.
	Part string
	// Name is the role name the SDK gives it ([RoleName]); the Pulumi
	// component lets Pulumi name it.
	Name string
	// Description, Path and PermissionsBoundary are the role's settings
	// (empty Path means "/").
	Description, Path, PermissionsBoundary string
	// Trust is the trust policy.
	Trust iampolicy.Document
	// PolicyARNs are the managed policies attached, in order.
	PolicyARNs []string
	// Tags are the role's tags.
	Tags map[string]string
}

// maxRoleName is IAM's limit on role names.
const maxRoleName = 64

// RoleName returns the SDK's name of a role of the cluster:
// <cluster>-<part>, or, when that exceeds IAM's 64 characters, the cluster
// name cut short, '-', 8 hex digits of its SHA-256 and -<part>.
func RoleName(clusterName, part string) string {
	name := clusterName + "-" + part
	if len(name) <= maxRoleName {
		return name
	}
	h := sha256.Sum256([]byte(clusterName))
	keep := maxRoleName - len(part) - 2 - profileHashLength
	return clusterName[:keep] + "-" + hex.EncodeToString(h[:])[:profileHashLength] + "-" + part
}

func roleDescription(clusterName, part string) string {
	return "EKS " + part + " of cluster " + clusterName + " (fargatekit)"
}

// ClusterRole returns the model of the cluster role: the EKS service may
// assume it ([ClusterRoleTrust]); it carries [ClusterPolicy].
func (r *Resolved) ClusterRole() RoleModel {
	n := r.Name()
	return RoleModel{
		Part: PartClusterRole, Name: RoleName(n, PartClusterRole), Description: roleDescription(n, PartClusterRole),
		Trust:      ClusterRoleTrust(r.Partition),
		PolicyARNs: []string{r.Partition.ManagedPolicyARN(ClusterPolicy)},
		Tags:       ResourceTags(n, r.Spec.Tags, PartClusterRole),
	}
}

// PodExecutionRole returns the model of the created pod-execution role
// ([PodExecutionRoleTrust], [PodExecutionRolePolicy], the spec's Path and
// PermissionsBoundary), and false when the spec brings its own role
// (PodExecutionRole.ARN): nothing is created then.
func (r *Resolved) PodExecutionRole() (RoleModel, bool, error) {
	if r.Spec.PodExecutionRole.ARN != "" {
		return RoleModel{}, false, nil
	}
	n := r.Name()
	trust, err := PodExecutionRoleTrust(r.Partition, r.Region, r.AccountID, n)
	if err != nil {
		return RoleModel{}, false, err
	}
	return RoleModel{
		Part: PartPodExecutionRole, Name: RoleName(n, PartPodExecutionRole), Description: roleDescription(n, PartPodExecutionRole),
		Path: r.Spec.PodExecutionRole.Path, PermissionsBoundary: r.Spec.PodExecutionRole.PermissionsBoundary,
		Trust:      trust,
		PolicyARNs: []string{r.Partition.ManagedPolicyARN(PodExecutionRolePolicy)},
		Tags:       ResourceTags(n, r.Spec.Tags, PartPodExecutionRole),
	}, true, nil
}

// PodExecutionRoleName is the name of the pod-execution role: the created
// one's ([RoleName]) or, when the spec brings its own, the name in its ARN
// (the part after the path), which is what IAM's role calls take.
func (r *Resolved) PodExecutionRoleName() (string, error) {
	arn := r.Spec.PodExecutionRole.ARN
	if arn == "" {
		return RoleName(r.Name(), PartPodExecutionRole), nil
	}
	a, err := partition.ParseARN(arn, "iam", "role/")
	if err != nil {
		return "", fmt.Errorf("eksfargate: PodExecutionRole.ARN: %w", err)
	}
	return a.Resource[strings.LastIndexByte(a.Resource, '/')+1:], nil
}

// SecretsKeyDescription is the description of the KMS key created for
// secrets encryption.
func SecretsKeyDescription(clusterName string) string {
	return "Envelope encryption of Kubernetes secrets of EKS cluster " + clusterName + " (fargatekit)"
}

// EKS add-on names.
const (
	AddonCoreDNS   = "coredns"
	AddonKubeProxy = "kube-proxy"
	AddonVpcCNI    = "vpc-cni"
)

// ResolveConflictsOverwrite is the add-ons' resolveConflicts: the add-on's
// settings win over fields changed in the cluster.
const ResolveConflictsOverwrite = "OVERWRITE"

// AddonModel is one EKS add-on of the cluster.
type AddonModel struct {
	// Name is the add-on name (AddonCoreDNS, ...).
	Name string
	// Version pins the add-on version; empty lets EKS choose its default.
	Version string
	// ConfigurationValues is the add-on's configuration (JSON), or empty.
	ConfigurationValues string
	// ResolveConflicts is ResolveConflictsOverwrite, on create and update.
	ResolveConflicts string
	// AfterProfile is the index of the Fargate profile the add-on must wait
	// for (CoreDNS: the profile selecting its pods), or -1.
	AfterProfile int
	// Tags are the add-on's tags.
	Tags map[string]string
}

// Addons returns the add-ons of the cluster, in creation order: CoreDNS
// (computeType Fargate, [CoreDNSConfigurationValues], after the profile
// that selects its pods), then kube-proxy and vpc-cni when the spec asks
// for them ([Addons.Installs]). Version is the spec's pin, or empty: Apply
// resolves it for the cluster's Kubernetes version ([ResolveAddonVersion]),
// the component with the provider's getAddonVersion.
func (r *Resolved) Addons() ([]AddonModel, error) {
	values, err := CoreDNSConfigurationValues(r.Spec.Addons.CoreDNS)
	if err != nil {
		return nil, err
	}
	k, ok := CoreDNSProfile(r.Spec.FargateProfiles)
	if !ok {
		k = -1
	}
	n, a := r.Name(), r.Spec.Addons
	model := func(name, version, values string, after int) AddonModel {
		return AddonModel{Name: name, Version: version, ConfigurationValues: values, ResolveConflicts: ResolveConflictsOverwrite,
			AfterProfile: after, Tags: ResourceTags(n, r.Spec.Tags, AddonPart(name))}
	}
	out := []AddonModel{model(AddonCoreDNS, a.CoreDNSVersion, values, k)}
	if a.Installs(AddonKubeProxy) {
		out = append(out, model(AddonKubeProxy, a.KubeProxyVersion, "", -1))
	}
	if a.Installs(AddonVpcCNI) {
		out = append(out, model(AddonVpcCNI, a.VpcCNIVersion, "", -1))
	}
	return out, nil
}

// Installs reports whether the spec installs the add-on: CoreDNS always,
// kube-proxy and vpc-cni when turned on or their version is pinned.
func (a Addons) Installs(name string) bool {
	switch name {
	case AddonCoreDNS:
		return true
	case AddonKubeProxy:
		return a.KubeProxy || a.KubeProxyVersion != ""
	case AddonVpcCNI:
		return a.VpcCNI || a.VpcCNIVersion != ""
	}
	return false
}

// DefaultControlPlaneLogRetentionDays is the retention of the control
// plane's log group when ClusterSpec.ControlPlaneLogRetentionDays is 0.
const DefaultControlPlaneLogRetentionDays = 90

// ControlPlaneLogGroup is the CloudWatch log group EKS sends a cluster's
// control-plane logs to: /aws/eks/<cluster>/cluster (EKS user guide,
// "Send control plane logs to CloudWatch Logs"). EKS creates it without
// retention when it is missing; fargatekit creates it first.
func ControlPlaneLogGroup(clusterName string) string { return "/aws/eks/" + clusterName + "/cluster" }

// LogGroupModel is a CloudWatch log group of the cluster.
type LogGroupModel struct {
	// Name is the group's name.
	Name string
	// RetentionDays is its retention.
	RetentionDays int
	// Tags are its tags.
	Tags map[string]string
}

// ControlPlaneLogs returns the model of the control plane's log group, and
// false when the spec enables no log type (EKS then writes no logs).
func (r *Resolved) ControlPlaneLogs() (LogGroupModel, bool) {
	if len(r.Spec.LogTypes) == 0 {
		return LogGroupModel{}, false
	}
	days := r.Spec.ControlPlaneLogRetentionDays
	if days == 0 {
		days = DefaultControlPlaneLogRetentionDays
	}
	return LogGroupModel{Name: ControlPlaneLogGroup(r.Name()), RetentionDays: days,
		Tags: ResourceTags(r.Name(), r.Spec.Tags, PartControlPlaneLogs)}, true
}

// PublicAccessCIDRs returns the public endpoint's allowed blocks: the
// spec's, plus natIPs as /32s when pods reach a restricted public-only
// endpoint through the NAT gateways ([ClusterSpec.NeedsNATAddressesInPublicCIDRs]).
// Empty means EKS's default (0.0.0.0/0).
func PublicAccessCIDRs(spec ClusterSpec, natIPs []string) []string {
	out := append([]string{}, spec.PublicAccessCIDRs...)
	if spec.NeedsNATAddressesInPublicCIDRs() {
		for _, ip := range natIPs {
			out = append(out, ip+"/32")
		}
	}
	return out
}

// ClusterSubnets returns the subnets given to the cluster: the private
// ones, then the public ones (so that internet-facing load balancers can
// use them).
func ClusterSubnets(private, public []string) []string {
	return append(append([]string{}, private...), public...)
}
