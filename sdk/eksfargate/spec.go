package eksfargate

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/fargatekit/fargatekit/internal/glob"
	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/irsa"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// ErrInvalidSpec is wrapped by every error Validate reports.
var ErrInvalidSpec = errors.New("eksfargate: invalid spec")

// ErrNoCoreDNSProfile is wrapped when no Fargate profile selects the CoreDNS
// pods (namespace kube-system, labels k8s-app=kube-dns and
// eks.amazonaws.com/component=coredns): CoreDNS would stay Pending forever.
var ErrNoCoreDNSProfile = errors.New("eksfargate: no Fargate profile selects the CoreDNS pods in kube-system")

// FieldError is one problem with one field of a spec. Field is a Go-style path
// such as "FargateProfiles[1].Selectors[0].Namespace". It wraps
// [ErrInvalidSpec] and, where set, a more specific sentinel in Kind.
type FieldError struct {
	// Field is the path of the offending field.
	Field string
	// Problem says what is wrong, in words.
	Problem string
	// Kind is an optional sentinel such as [ErrNoCoreDNSProfile].
	Kind error
}

// Error implements error.
func (e *FieldError) Error() string {
	return "eksfargate: " + e.Field + ": " + e.Problem
}

// Unwrap returns ErrInvalidSpec and Kind, for errors.Is.
func (e *FieldError) Unwrap() []error {
	if e.Kind != nil {
		return []error{ErrInvalidSpec, e.Kind}
	}
	return []error{ErrInvalidSpec}
}

func fieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Problem: fmt.Sprintf(format, a...)}
}

// EndpointAccess says where the cluster's Kubernetes API endpoint is reachable from.
type EndpointAccess string

// Endpoint access modes.
const (
	// EndpointPublic: the API endpoint is reachable from the internet only
	// (limited by PublicAccessCIDRs); pods reach it through the NAT gateways.
	EndpointPublic EndpointAccess = "public"
	// EndpointPrivate: reachable from inside the VPC only.
	EndpointPrivate EndpointAccess = "private"
	// EndpointPublicAndPrivate: both; traffic from inside the VPC stays inside. The default.
	EndpointPublicAndPrivate EndpointAccess = "both"
)

// Control-plane log types (the enabledClusterLogTypes values).
const (
	LogAPI               = "api"
	LogAudit             = "audit"
	LogAuthenticator     = "authenticator"
	LogControllerManager = "controllerManager"
	LogScheduler         = "scheduler"
)

// LogTypes lists every control-plane log type EKS accepts.
func LogTypes() []string {
	return []string{LogAPI, LogAudit, LogAuthenticator, LogControllerManager, LogScheduler}
}

// Authentication modes of an EKS cluster (the accessConfig.authenticationMode values).
const (
	// AuthConfigMap: only the aws-auth ConfigMap grants access.
	AuthConfigMap = "CONFIG_MAP"
	// AuthAPIAndConfigMap: access entries and aws-auth (the default).
	AuthAPIAndConfigMap = "API_AND_CONFIG_MAP"
	// AuthAPI: only access entries.
	AuthAPI = "API"
)

// ExecMode is the command a rendered kubeconfig runs for tokens.
type ExecMode = kubeauth.ExecMode

// Exec commands of the rendered kubeconfig.
const (
	// ExecFargatekit runs "fargatekit token" (the default).
	ExecFargatekit = kubeauth.ExecFargatekit
	// ExecAWS runs "aws eks get-token".
	ExecAWS = kubeauth.ExecAWS
)

// DefaultProfileName is the name of the profile created when
// ClusterSpec.FargateProfiles is empty (eksctl uses the same name).
const DefaultProfileName = "fp-default"

// DefaultVPCCIDR is the CIDR of a created VPC when VPCSpec.CIDR is empty.
const DefaultVPCCIDR = "10.0.0.0/16"

// DefaultAZCount is the number of availability zones a created VPC spans by default.
const DefaultAZCount = 2

// ClusterSpec describes a Fargate-only EKS cluster: everything the SDK's
// Apply converges and the Pulumi component (whose ClusterSpec embeds
// it) registers. It is plain data; a YAML or JSON spec file decodes into it
// (the CLI's -f).
type ClusterSpec struct {
	// ClusterName is the EKS cluster's name: 1-100 characters, a letter or
	// digit then letters, digits, '-' and '_'. The component defaults it to
	// its own name.
	ClusterName string `json:"clusterName,omitempty"`
	// KubernetesVersion is "1.<minor>", one EKS offers ([OfferedKubernetesVersions]);
	// empty means [DefaultKubernetesVersion].
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// Region, AccountID and Partition are normally read from the AWS
	// provider or the SDK's configuration; a region is never guessed. Given
	// explicitly, Region and AccountID must equal the provider's
	// ([ErrLocationMismatch]). Partition defaults to the region's.
	Region    string `json:"region,omitempty"`
	AccountID string `json:"accountId,omitempty"`
	Partition string `json:"partition,omitempty"`

	// VPC creates a VPC (the default when both VPC and Existing are nil).
	VPC *VPCSpec `json:"vpc,omitempty"`
	// Existing uses a VPC and subnets that already exist. Exclusive with VPC.
	Existing *ExistingNetwork `json:"existing,omitempty"`

	// EndpointAccess is public, private or both (the default).
	EndpointAccess EndpointAccess `json:"endpointAccess,omitempty"`
	// PublicAccessCIDRs limits the public endpoint; EKS's default is 0.0.0.0/0.
	// Not allowed with EndpointPrivate.
	PublicAccessCIDRs []string `json:"publicAccessCIDRs,omitempty"`
	// LogTypes are the control-plane log types sent to CloudWatch (see [LogTypes]).
	// With any, the control plane's log group ([ControlPlaneLogGroup]) is
	// created before the cluster, with ControlPlaneLogRetentionDays, and
	// deleted with it.
	LogTypes []string `json:"logTypes,omitempty"`
	// ControlPlaneLogRetentionDays is the retention of the control plane's
	// log group, one of [LogRetentionDays]; 0 means
	// [DefaultControlPlaneLogRetentionDays]. Only with LogTypes.
	ControlPlaneLogRetentionDays int `json:"controlPlaneLogRetentionDays,omitempty"`
	// SecretsEncryption turns on KMS envelope encryption of Kubernetes secrets; nil leaves it off.
	SecretsEncryption *SecretsEncryption `json:"secretsEncryption,omitempty"`
	// AuthenticationMode is CONFIG_MAP, API_AND_CONFIG_MAP (the default) or API.
	AuthenticationMode string `json:"authenticationMode,omitempty"`
	// BootstrapClusterCreatorAdminPermissions grants the identity that creates
	// the cluster cluster-admin through an access entry; nil means true (EKS's
	// default). It must be true with CONFIG_MAP. Changing it replaces the cluster.
	BootstrapClusterCreatorAdminPermissions *bool `json:"bootstrapClusterCreatorAdminPermissions,omitempty"`

	// FargateProfiles are created strictly one after another, in order. Empty
	// means one profile, [DefaultProfileName], selecting kube-system and default.
	// One profile must select the CoreDNS pods in kube-system.
	FargateProfiles []FargateProfile `json:"fargateProfiles,omitempty"`
	// Addons pins the versions of the coredns, kube-proxy and vpc-cni add-ons
	// and configures CoreDNS.
	Addons Addons `json:"addons,omitzero"`
	// OIDCThumbprints are the IAM OIDC provider's thumbprints; empty lets IAM
	// use its trusted root CAs (which it does for EKS issuers).
	OIDCThumbprints []string `json:"oidcThumbprints,omitempty"`

	// Kubeconfig chooses how the rendered kubeconfig authenticates.
	Kubeconfig KubeconfigOptions `json:"kubeconfig,omitzero"`

	// PodExecutionRole configures the Fargate pod-execution role: a role
	// made elsewhere, or the path and permissions boundary of the created one.
	PodExecutionRole PodExecutionRoleSpec `json:"podExecutionRole,omitzero"`

	// UpgradePolicy is the cluster's support type at the end of standard
	// support: STANDARD (EKS upgrades the cluster) or EXTENDED (EKS's
	// default; extended support costs six times the cluster-hour price).
	// Empty leaves EKS's default.
	UpgradePolicy string `json:"upgradePolicy,omitempty"`
	// ZonalShift turns on ARC zonal shift for the cluster: traffic moves
	// away from an impaired zone.
	ZonalShift bool `json:"zonalShift,omitempty"`
	// DeletionProtection turns on EKS's deletion protection: DeleteCluster
	// is refused (InvalidRequestException) until it is turned off. The SDK's
	// Apply sets it on create and converges it after; Delete refuses a
	// protected cluster ([ErrDeletionProtected]). Turn it off (and apply)
	// before deleting.
	DeletionProtection bool `json:"deletionProtection,omitempty"`

	// Logging turns on Fargate logging (the aws-observability namespace,
	// the aws-logging ConfigMap, the log group and the logs policy on the
	// pod-execution role); nil leaves it off.
	Logging *LoggingSpec `json:"logging,omitempty"`

	// Tags are added to every taggable resource.
	Tags map[string]string `json:"tags,omitempty"`
}

// Upgrade policies (the upgradePolicy.supportType values).
const (
	// UpgradeStandard: EKS upgrades the cluster at the end of standard support.
	UpgradeStandard = "STANDARD"
	// UpgradeExtended: the cluster enters extended support (EKS's default).
	UpgradeExtended = "EXTENDED"
)

// PodExecutionRoleSpec configures the Fargate pod-execution role.
type PodExecutionRoleSpec struct {
	// ARN is an existing role to use instead of creating one. It must trust
	// eks-fargate-pods.amazonaws.com (see [PodExecutionRoleTrust]) and carry
	// AmazonEKSFargatePodExecutionRolePolicy.
	ARN string `json:"arn,omitempty"`
	// Path is the created role's IAM path, e.g. "/eks/" ("/" by default).
	Path string `json:"path,omitempty"`
	// PermissionsBoundary is a managed policy ARN set as the created role's
	// permissions boundary.
	PermissionsBoundary string `json:"permissionsBoundary,omitempty"`
}

func (r PodExecutionRoleSpec) validate() error {
	var errs []error
	if r.ARN != "" {
		if _, err := partition.ParseARN(r.ARN, "iam", "role/"); err != nil {
			errs = append(errs, fieldErr("PodExecutionRole.ARN", "%v", err))
		}
		if r.Path != "" || r.PermissionsBoundary != "" {
			errs = append(errs, fieldErr("PodExecutionRole", "Path and PermissionsBoundary apply to a created role; not with ARN"))
		}
	}
	if p := r.Path; p != "" && (!strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || len(p) > 512 || strings.ContainsAny(p, " \t\n")) {
		errs = append(errs, fieldErr("PodExecutionRole.Path", "%q: an IAM path starts and ends with / (at most 512 characters)", p))
	}
	if b := r.PermissionsBoundary; b != "" {
		if _, err := partition.ParseARN(b, "iam", "policy/"); err != nil {
			errs = append(errs, fieldErr("PodExecutionRole.PermissionsBoundary", "%v", err))
		}
	}
	return errors.Join(errs...)
}

// VPCSpec describes the VPC the cluster gets: a public and a private subnet
// in each availability zone, an internet gateway, NAT gateways, and route
// tables.
type VPCSpec struct {
	// CIDR is the VPC's IPv4 block, /16 to /28; default [DefaultVPCCIDR].
	CIDR string `json:"cidr,omitempty"`
	// AZCount is how many availability zones to span (at least 2); default
	// [DefaultAZCount], or len(AvailabilityZones) when those are given.
	AZCount int `json:"azCount,omitempty"`
	// AvailabilityZones names the zones to use; empty means the first AZCount
	// zones the region reports available (opt-in zones excluded).
	AvailabilityZones []string `json:"availabilityZones,omitempty"`
	// PublicSubnetCIDRs and PrivateSubnetCIDRs override [SubnetLayout]; when
	// set, each has one CIDR per zone inside CIDR, none overlapping.
	PublicSubnetCIDRs  []string `json:"publicSubnetCIDRs,omitempty"`
	PrivateSubnetCIDRs []string `json:"privateSubnetCIDRs,omitempty"`
	// SingleNATGateway creates one NAT gateway instead of one per zone:
	// cheaper, but pods in the other zones lose egress when its zone fails.
	SingleNATGateway bool `json:"singleNATGateway,omitempty"`
}

// ExistingNetwork is a VPC and subnets created elsewhere.
type ExistingNetwork struct {
	// VpcID is the VPC's ID.
	VpcID string `json:"vpcId"`
	// PrivateSubnetIDs are where Fargate pods run and where the control plane
	// places its network interfaces: at least two, in different zones, with a
	// route to a NAT gateway (or VPC endpoints) so pods can pull images.
	PrivateSubnetIDs []string `json:"privateSubnetIds"`
	// PublicSubnetIDs are optional; they are given to the cluster so that
	// internet-facing load balancers can use them.
	PublicSubnetIDs []string `json:"publicSubnetIds,omitempty"`
	// TagSubnets adds the kubernetes.io/role/elb, kubernetes.io/role/internal-elb
	// and kubernetes.io/cluster/<name> tags to the subnets, for subnets that
	// lack them. Off by default: fargatekit does not touch what it does not
	// own unless told.
	TagSubnets bool `json:"tagSubnets,omitempty"`
}

// SecretsEncryption is KMS envelope encryption of Kubernetes secrets. Exactly
// one of CreateKey and KeyARN is set.
type SecretsEncryption struct {
	// CreateKey creates a symmetric KMS key with rotation on.
	CreateKey bool `json:"createKey,omitempty"`
	// KeyARN is an existing symmetric KMS key in the cluster's region.
	KeyARN string `json:"keyArn,omitempty"`
}

// Selector selects pods for a Fargate profile: every pod in Namespace whose
// labels include all of Labels. Namespace, label keys and label values may use
// the wildcards '*' (any run of characters) and '?' (one character).
type Selector struct {
	// Namespace is required.
	Namespace string `json:"namespace"`
	// Labels are optional.
	Labels map[string]string `json:"labels,omitempty"`
}

// FargateProfile is one Fargate profile: 1-5 selectors. Its pods run in the
// cluster's private subnets with the cluster's pod-execution role.
// Profiles are immutable in EKS: a changed profile gets a new physical name
// ([ProfileName]) and is created before the old one is deleted.
type FargateProfile struct {
	// Name is unique in the cluster: 1-54 characters ([MaxProfileNameLength]),
	// letters, digits, '-' and '_', starting and ending with a letter or
	// digit, not starting with "eks-". The physical name adds a content hash
	// and fits the eks.amazonaws.com/fargate-profile pod label.
	Name string `json:"name"`
	// Selectors are 1 to 5 pod selectors.
	Selectors []Selector `json:"selectors"`
	// SubnetIDs are this profile's private subnets; empty means the
	// cluster's private subnets. They must be among the cluster's subnets
	// (EKS refuses others) and private.
	SubnetIDs []string `json:"subnetIds,omitempty"`
	// Tags are added to the profile (on top of ClusterSpec.Tags).
	Tags map[string]string `json:"tags,omitempty"`
}

// Addons configures the EKS add-ons FargateCluster manages: CoreDNS always,
// kube-proxy and vpc-cni when asked for (see the package documentation: they
// are DaemonSets, which have no node to run on in a Fargate-only cluster).
// An empty version means EKS's default version of the add-on for the
// cluster's Kubernetes version, resolved before anything is created
// ([ResolveAddonVersion]), so that a Kubernetes upgrade moves the add-ons
// to a compatible version; a pinned version must be compatible with it
// ([ErrAddonVersionIncompatible]).
type Addons struct {
	// CoreDNSVersion, KubeProxyVersion and VpcCNIVersion pin add-on versions,
	// e.g. "v1.11.4-eksbuild.2". Pinning kube-proxy's or vpc-cni's version
	// installs that add-on.
	CoreDNSVersion   string `json:"coreDNSVersion,omitempty"`
	KubeProxyVersion string `json:"kubeProxyVersion,omitempty"`
	VpcCNIVersion    string `json:"vpcCNIVersion,omitempty"`
	// KubeProxy and VpcCNI install the kube-proxy and vpc-cni add-ons. Off
	// by default: Fargate nodes bring their own kube-proxy and CNI, and the
	// add-ons' DaemonSets only run on EC2 nodes.
	KubeProxy bool `json:"kubeProxy,omitempty"`
	VpcCNI    bool `json:"vpcCNI,omitempty"`
	// CoreDNS is the CoreDNS configuration beyond computeType Fargate.
	CoreDNS CoreDNSConfig `json:"coreDNS,omitzero"`
}

// CoreDNSConfig is the optional part of CoreDNS's add-on configuration.
type CoreDNSConfig struct {
	// Replicas is the replica count; 0 leaves the add-on's default (2).
	Replicas int `json:"replicaCount,omitempty"`
	// Resources are the container's requests and limits. Fargate sizes the
	// pod from the requests (rounded up to a Fargate configuration).
	Resources *Resources `json:"resources,omitempty"`
}

// Resources are a container's requests and limits.
type Resources struct {
	// Requests are what the scheduler (and Fargate's sizing) counts.
	Requests *ResourceList `json:"requests,omitempty"`
	// Limits cap the container.
	Limits *ResourceList `json:"limits,omitempty"`
}

// ResourceList holds Kubernetes quantities, e.g. CPU "250m", Memory "256Mi".
type ResourceList struct {
	// CPU is a CPU quantity, e.g. "250m" or "0.5".
	CPU string `json:"cpu,omitempty"`
	// Memory is a memory quantity, e.g. "256Mi".
	Memory string `json:"memory,omitempty"`
}

// KubeconfigOptions chooses how the kubeconfig output authenticates.
type KubeconfigOptions struct {
	// Exec is ExecFargatekit ("fargatekit token", the default) or ExecAWS
	// ("aws eks get-token").
	Exec ExecMode `json:"exec,omitempty"`
	// RoleARN is an IAM role the exec plugin assumes before signing tokens.
	RoleARN string `json:"roleArn,omitempty"`
	// Profile is an AWS shared-config profile the exec plugin runs with.
	Profile string `json:"profile,omitempty"`
}

var (
	clusterNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]*$`) })
	profileNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z]([A-Za-z0-9_-]*[0-9A-Za-z])?$`) })
	k8sVersionRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^1\.[0-9]{1,3}$`) })
	addonVerRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-eksbuild\.[0-9]+)?$`) })
)

// ValidClusterName reports whether s is a valid EKS cluster name.
func ValidClusterName(s string) bool {
	return len(s) >= 1 && len(s) <= 100 && clusterNameRE().MatchString(s)
}

// WithDefaults returns a copy with every default filled in (but the cluster
// name, which the component takes from its own name).
func (a ClusterSpec) WithDefaults() ClusterSpec {
	if a.VPC == nil && a.Existing == nil {
		a.VPC = &VPCSpec{}
	}
	if a.VPC != nil {
		v := *a.VPC
		if v.CIDR == "" {
			v.CIDR = DefaultVPCCIDR
		}
		if v.AZCount == 0 {
			v.AZCount = max(len(v.AvailabilityZones), DefaultAZCount)
		}
		a.VPC = &v
	}
	if a.EndpointAccess == "" {
		a.EndpointAccess = EndpointPublicAndPrivate
	}
	if a.KubernetesVersion == "" {
		a.KubernetesVersion = DefaultKubernetesVersion
	}
	if a.AuthenticationMode == "" {
		a.AuthenticationMode = AuthAPIAndConfigMap
	}
	if a.BootstrapClusterCreatorAdminPermissions == nil {
		t := true
		a.BootstrapClusterCreatorAdminPermissions = &t
	}
	if len(a.FargateProfiles) == 0 {
		a.FargateProfiles = []FargateProfile{DefaultProfile()}
	}
	return a
}

// DefaultProfile is the profile used when none are given: kube-system and default.
func DefaultProfile() FargateProfile {
	return FargateProfile{Name: DefaultProfileName, Selectors: []Selector{{Namespace: "kube-system"}, {Namespace: "default"}}}
}

// Validate reports every problem of the spec at once (errors.Join of
// [*FieldError]s, each wrapping [ErrInvalidSpec]). An empty ClusterName is
// allowed here: the component then uses its own name, which it validates;
// the SDK's Apply requires one.
func (a ClusterSpec) Validate() error {
	d := a.WithDefaults()
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if d.ClusterName != "" && !ValidClusterName(d.ClusterName) {
		add(fieldErr("ClusterName", "%q: 1-100 characters, a letter or digit then letters, digits, '-' or '_'", d.ClusterName))
	}
	add(validateKubernetesVersion(d.KubernetesVersion))
	add(validateLocation(d.Region, d.AccountID, d.Partition))
	add(d.validateNetwork())
	add(d.validateEndpoint())
	add(d.validateEndpointRules())
	add(validateLogTypes(d.LogTypes))
	if r := d.ControlPlaneLogRetentionDays; r != 0 {
		switch {
		case len(d.LogTypes) == 0:
			add(fieldErr("ControlPlaneLogRetentionDays", "set without LogTypes (no control-plane logs, no log group)"))
		case !slices.Contains(LogRetentionDays(), r):
			add(kindErr(ErrInvalidLogRetention, "ControlPlaneLogRetentionDays", "%d is not a CloudWatch Logs retention (%v)", r, LogRetentionDays()))
		}
	}
	if e := d.SecretsEncryption; e != nil {
		switch {
		case e.CreateKey && e.KeyARN != "":
			add(fieldErr("SecretsEncryption", "CreateKey and KeyARN are exclusive"))
		case !e.CreateKey && e.KeyARN == "":
			add(fieldErr("SecretsEncryption", "set CreateKey or KeyARN"))
		case e.KeyARN != "":
			add(ValidateKeyARN(e.KeyARN, d.Region))
		}
	}
	switch d.AuthenticationMode {
	case AuthConfigMap:
		if !*d.BootstrapClusterCreatorAdminPermissions {
			add(fieldErr("BootstrapClusterCreatorAdminPermissions", "must be true with authentication mode CONFIG_MAP"))
		}
	case AuthAPIAndConfigMap, AuthAPI:
	default:
		add(fieldErr("AuthenticationMode", "%q is not CONFIG_MAP, API_AND_CONFIG_MAP or API", d.AuthenticationMode))
	}
	add(ValidateProfiles(d.FargateProfiles))
	add(d.Addons.validate())
	switch d.Kubeconfig.Exec {
	case "", ExecFargatekit, ExecAWS:
	default:
		add(fieldErr("Kubeconfig.Exec", "%q is not %q or %q", d.Kubeconfig.Exec, ExecFargatekit, ExecAWS))
	}
	if r := d.Kubeconfig.RoleARN; r != "" {
		if _, err := partition.ParseARN(r, "iam", "role/"); err != nil {
			add(fieldErr("Kubeconfig.RoleARN", "%v", err))
		}
	}
	if strings.ContainsAny(d.Kubeconfig.Profile, " \t\r\n") {
		add(fieldErr("Kubeconfig.Profile", "%q contains whitespace", d.Kubeconfig.Profile))
	}
	if len(d.OIDCThumbprints) > 0 {
		// irsa owns the OIDC provider's rules; only the thumbprints are ours to pass.
		if err := (irsa.OIDCProviderSpec{Thumbprints: d.OIDCThumbprints}).ValidateSettings(); err != nil {
			add(fieldErr("OIDCThumbprints", "%v", err))
		}
	}
	add(d.PodExecutionRole.validate())
	switch d.UpgradePolicy {
	case "", UpgradeStandard, UpgradeExtended:
	default:
		add(fieldErr("UpgradePolicy", "%q is not %s or %s", d.UpgradePolicy, UpgradeStandard, UpgradeExtended))
	}
	add(d.validateProfileSubnets())
	if d.Logging != nil {
		add(d.Logging.Validate())
	}
	add(validateTags("Tags", d.Tags))
	add(d.checkTagBudget())
	return errors.Join(errs...)
}

// ValidateKeyARN checks a KMS key ARN for secrets encryption: a kms ARN,
// in the cluster's region when that is known ("" skips the region check).
func ValidateKeyARN(keyARN, region string) error {
	a, err := partition.ParseARN(keyARN, "kms", "")
	if err != nil {
		return fieldErr("SecretsEncryption.KeyARN", "%v", err)
	}
	if region != "" && a.Region != region {
		return fieldErr("SecretsEncryption.KeyARN", "key is in %q; EKS needs a key in the cluster's region %q", a.Region, region)
	}
	return nil
}

func validateLocation(region, account, part string) error {
	var errs []error
	if region != "" {
		if p, err := partition.ForRegion(region); err != nil {
			errs = append(errs, fieldErr("Region", "%v", err))
		} else if part != "" && part != p.ID {
			errs = append(errs, fieldErr("Partition", "%q does not contain region %q (its partition is %q)", part, region, p.ID))
		}
	}
	if part != "" {
		if _, err := partition.ByID(part); err != nil {
			errs = append(errs, fieldErr("Partition", "%v", err))
		}
	}
	if account != "" && !partition.ValidAccount(account) {
		errs = append(errs, fieldErr("AccountID", "%q is not 12 digits", account))
	}
	return errors.Join(errs...)
}

func (a ClusterSpec) validateNetwork() error {
	if a.VPC != nil && a.Existing != nil {
		return fieldErr("VPC", "VPC (create) and Existing (bring your own) are exclusive")
	}
	if x := a.Existing; x != nil {
		var errs []error
		if x.VpcID == "" {
			errs = append(errs, fieldErr("Existing.VpcID", "required"))
		}
		// The ID rules; zones and routes need EC2 (CheckExistingNetwork).
		errs = append(errs, CheckSubnets(x.VpcID, SubnetIDs(x.PrivateSubnetIDs), SubnetIDs(x.PublicSubnetIDs)))
		return errors.Join(errs...)
	}
	_, err := a.VPC.Layout()
	if a.Region != "" {
		for i, z := range a.VPC.AvailabilityZones {
			if z != "" && !strings.HasPrefix(z, a.Region) {
				err = errors.Join(err, fieldErr(fmt.Sprintf("VPC.AvailabilityZones[%d]", i), "%q is not a zone of region %q", z, a.Region))
			}
		}
	}
	return err
}

// Layout returns the subnet CIDRs of a created VPC, from the explicit lists or
// from SubnetLayout, with every problem found. Call it on a defaulted spec
// ([ClusterSpec.WithDefaults]).
func (v *VPCSpec) Layout() (Layout, error) {
	var errs []error
	if v.AZCount < 2 {
		errs = append(errs, fieldErr("VPC.AZCount", "%d: a cluster needs at least 2 availability zones", v.AZCount))
	}
	if n := len(v.AvailabilityZones); n > 0 && n != v.AZCount {
		errs = append(errs, fieldErr("VPC.AvailabilityZones", "%d zones given but AZCount is %d", n, v.AZCount))
	}
	seen := map[string]bool{}
	for i, z := range v.AvailabilityZones {
		if z == "" || seen[z] {
			errs = append(errs, fieldErr(fmt.Sprintf("VPC.AvailabilityZones[%d]", i), "%q is empty or repeated", z))
		}
		seen[z] = true
	}
	vpc, err := netip.ParsePrefix(v.CIDR)
	switch {
	case err != nil || !vpc.Addr().Is4():
		errs = append(errs, fieldErr("VPC.CIDR", "%q is not an IPv4 CIDR", v.CIDR))
	case vpc.Masked() != vpc:
		errs = append(errs, fieldErr("VPC.CIDR", "%q has host bits set (the network is %s)", v.CIDR, vpc.Masked()))
	case vpc.Bits() < 16 || vpc.Bits() > 28:
		errs = append(errs, fieldErr("VPC.CIDR", "%q: a VPC block is /16 to /28", v.CIDR))
	}
	if len(errs) > 0 {
		return Layout{}, errors.Join(errs...)
	}
	if len(v.PublicSubnetCIDRs) == 0 && len(v.PrivateSubnetCIDRs) == 0 {
		l, err := SubnetLayout(v.CIDR, v.AZCount)
		if err != nil {
			return Layout{}, fieldErr("VPC.CIDR", "%v", err)
		}
		return l, nil
	}
	l := Layout{VPC: v.CIDR, Public: v.PublicSubnetCIDRs, Private: v.PrivateSubnetCIDRs}
	var all []netip.Prefix
	var names []string
	for _, tier := range []struct {
		field string
		list  []string
	}{{"VPC.PublicSubnetCIDRs", l.Public}, {"VPC.PrivateSubnetCIDRs", l.Private}} {
		field, list := tier.field, tier.list
		if len(list) != v.AZCount {
			errs = append(errs, fieldErr(field, "%d CIDRs for %d availability zones", len(list), v.AZCount))
		}
		for i, c := range list {
			f := fmt.Sprintf("%s[%d]", field, i)
			p, err := netip.ParsePrefix(c)
			switch {
			case err != nil || !p.Addr().Is4() || p.Masked() != p:
				errs = append(errs, fieldErr(f, "%q is not an IPv4 network CIDR", c))
			case p.Bits() < vpc.Bits() || !vpc.Contains(p.Addr()):
				errs = append(errs, fieldErr(f, "%q is not inside the VPC's %s", c, vpc))
			case p.Bits() > 28:
				errs = append(errs, fieldErr(f, "%q: a subnet is at most /28", c))
			default:
				all = append(all, p)
				names = append(names, f)
			}
		}
	}
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if all[i].Overlaps(all[j]) {
				errs = append(errs, fieldErr(names[j], "%s overlaps %s (%s)", all[j], names[i], all[i]))
			}
		}
	}
	return l, errors.Join(errs...)
}

func (a ClusterSpec) validateEndpoint() error {
	var errs []error
	switch a.EndpointAccess {
	case EndpointPublic, EndpointPublicAndPrivate:
	case EndpointPrivate:
		if len(a.PublicAccessCIDRs) > 0 {
			errs = append(errs, fieldErr("PublicAccessCIDRs", "not allowed when the endpoint is private only"))
		}
	default:
		errs = append(errs, fieldErr("EndpointAccess", "%q is not public, private or both", a.EndpointAccess))
	}
	for i, c := range a.PublicAccessCIDRs {
		p, err := netip.ParsePrefix(c)
		if err != nil || !p.Addr().Is4() || p.Masked() != p {
			errs = append(errs, fieldErr(fmt.Sprintf("PublicAccessCIDRs[%d]", i), "%q is not an IPv4 network CIDR", c))
		}
	}
	return errors.Join(errs...)
}

func validateLogTypes(types []string) error {
	var errs []error
	seen := map[string]bool{}
	for i, t := range types {
		if !slices.Contains(LogTypes(), t) {
			errs = append(errs, fieldErr(fmt.Sprintf("LogTypes[%d]", i), "%q is not one of %s", t, strings.Join(LogTypes(), ", ")))
		} else if seen[t] {
			errs = append(errs, fieldErr(fmt.Sprintf("LogTypes[%d]", i), "%q repeated", t))
		}
		seen[t] = true
	}
	return errors.Join(errs...)
}

// validateTags applies AWS's tag rules: at most 50 tags, keys 1-128
// characters not starting with "aws:", values up to 256 characters.
func validateTags(field string, tags map[string]string) error {
	var errs []error
	if len(tags) > MaxTagsPerResource {
		errs = append(errs, fieldErr(field, "%d tags; AWS allows %d per resource", len(tags), MaxTagsPerResource))
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		switch {
		case len(k) == 0 || len(k) > 128:
			errs = append(errs, fieldErr(field, "key %q: 1-128 characters", k))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs = append(errs, fieldErr(field, "key %q: the aws: prefix is reserved", k))
		}
		if len(tags[k]) > 256 {
			errs = append(errs, fieldErr(field, "value of %q: at most 256 characters", k))
		}
	}
	return errors.Join(errs...)
}

// ValidateProfiles checks a list of Fargate profiles the way EKS would, and
// more: 1 to 10 profiles with unique valid names not starting with eks-, 1-5
// selectors each with at most 5 labels, valid namespaces and labels
// (wildcards allowed), no selector in two profiles, and one profile that
// selects the CoreDNS pods. It reports every problem at once.
func ValidateProfiles(profiles []FargateProfile) error {
	err := checkProfiles(profiles)
	if _, ok := CoreDNSProfile(profiles); !ok && len(profiles) > 0 {
		err = errors.Join(err, &FieldError{Field: "FargateProfiles", Kind: ErrNoCoreDNSProfile,
			Problem: "no profile selects the CoreDNS pods (namespace kube-system, labels k8s-app=kube-dns, eks.amazonaws.com/component=coredns)"})
	}
	return err
}

// checkProfiles is ValidateProfiles without the CoreDNS rule (profiles added
// to a running cluster need not select CoreDNS).
func checkProfiles(profiles []FargateProfile) error {
	var errs []error
	if len(profiles) == 0 {
		return fieldErr("FargateProfiles", "at least one profile is required")
	}
	names := map[string]int{}
	for i, p := range profiles {
		f := fmt.Sprintf("FargateProfiles[%d]", i)
		if len(p.Name) > MaxProfileNameLength || !profileNameRE().MatchString(p.Name) {
			errs = append(errs, fieldErr(f+".Name", "%q: 1-%d letters, digits, '-' or '_', starting and ending with a letter or digit", p.Name, MaxProfileNameLength))
		}
		if j, dup := names[p.Name]; dup {
			errs = append(errs, fieldErr(f+".Name", "%q repeats FargateProfiles[%d]", p.Name, j))
		} else {
			names[p.Name] = i
		}
		if n := len(p.Selectors); n < 1 || n > MaxSelectorsPerProfile {
			errs = append(errs, kindErr(ErrTooManySelectors, f+".Selectors", "%d selectors; a profile has 1 to %d", n, MaxSelectorsPerProfile))
		}
		for j, s := range p.Selectors {
			errs = append(errs, validateSelector(fmt.Sprintf("%s.Selectors[%d]", f, j), s))
		}
		errs = append(errs, validateTags(f+".Tags", p.Tags))
	}
	errs = append(errs, checkProfileRules(profiles))
	return errors.Join(errs...)
}

// wildcardSample replaces each wildcard with one letter, so that a pattern is
// checked as the shortest names it matches (other than empty runs).
func wildcardSample(s string) string {
	return strings.NewReplacer("*", "x", "?", "x").Replace(s)
}

func validateSelector(f string, s Selector) error {
	var errs []error
	if s.Namespace == "" {
		errs = append(errs, fieldErr(f+".Namespace", "required"))
	} else if msgs := validation.IsDNS1123Label(wildcardSample(s.Namespace)); len(msgs) > 0 {
		errs = append(errs, fieldErr(f+".Namespace", "%q: %s", s.Namespace, strings.Join(msgs, "; ")))
	}
	for _, k := range slices.Sorted(maps.Keys(s.Labels)) {
		if msgs := validation.IsQualifiedName(wildcardSample(k)); len(msgs) > 0 {
			errs = append(errs, fieldErr(f+".Labels", "key %q: %s", k, strings.Join(msgs, "; ")))
		}
		if msgs := validation.IsValidLabelValue(wildcardSample(s.Labels[k])); len(msgs) > 0 {
			errs = append(errs, fieldErr(f+".Labels", "value %q of %q: %s", s.Labels[k], k, strings.Join(msgs, "; ")))
		}
	}
	return errors.Join(errs...)
}

// coreDNSPodLabels are the labels of the pods of the EKS CoreDNS add-on.
var coreDNSPodLabels = map[string]string{"k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns"}

// CoreDNSProfile returns the index of the first profile that selects the
// CoreDNS pods in kube-system: the one the CoreDNS add-on waits for.
func CoreDNSProfile(profiles []FargateProfile) (int, bool) {
	for i, p := range profiles {
		for _, s := range p.Selectors {
			if s.Matches("kube-system", coreDNSPodLabels) {
				return i, true
			}
		}
	}
	return 0, false
}

// Matches reports whether the selector selects a pod in namespace with the
// given labels: the namespace matches and every selector label matches one of
// the pod's labels, with '*' and '?' wildcards in keys and values.
func (s Selector) Matches(namespace string, labels map[string]string) bool {
	return glob.Match(s.Namespace, namespace) && glob.MatchLabels(s.Labels, labels)
}

func (a Addons) validate() error {
	var errs []error
	for field, v := range map[string]string{"Addons.CoreDNSVersion": a.CoreDNSVersion, "Addons.KubeProxyVersion": a.KubeProxyVersion, "Addons.VpcCNIVersion": a.VpcCNIVersion} {
		if v != "" && !addonVerRE().MatchString(v) {
			errs = append(errs, fieldErr(field, "%q is not an add-on version like v1.11.4-eksbuild.2", v))
		}
	}
	slices.SortFunc(errs, func(x, y error) int { return strings.Compare(x.Error(), y.Error()) })
	errs = append(errs, a.CoreDNS.validate())
	return errors.Join(errs...)
}

func (c CoreDNSConfig) validate() error {
	var errs []error
	if c.Replicas < 0 {
		errs = append(errs, fieldErr("Addons.CoreDNS.Replicas", "%d is negative", c.Replicas))
	}
	if r := c.Resources; r != nil {
		for field, l := range map[string]*ResourceList{"Requests": r.Requests, "Limits": r.Limits} {
			if l == nil {
				continue
			}
			for name, q := range map[string]string{"CPU": l.CPU, "Memory": l.Memory} {
				if q == "" {
					continue
				}
				if _, err := resource.ParseQuantity(q); err != nil {
					errs = append(errs, fieldErr("Addons.CoreDNS.Resources."+field+"."+name, "%q is not a Kubernetes quantity", q))
				}
			}
		}
	}
	slices.SortFunc(errs, func(x, y error) int { return strings.Compare(x.Error(), y.Error()) })
	return errors.Join(errs...)
}
