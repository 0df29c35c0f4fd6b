package provider

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
)

// FargateClusterArgs are the cross-language inputs of FargateCluster: Go's
// [eksfargate.FargateClusterArgs], its embedded ClusterSpec flattened.
// Everything that decides which resources exist is plain (the SDKs take
// literal values for it); the network and the KMS key may be outputs.
type FargateClusterArgs struct {
	ClusterName                             string             `pulumi:"clusterName,optional"`
	KubernetesVersion                       string             `pulumi:"kubernetesVersion,optional"`
	Region                                  string             `pulumi:"region,optional"`
	AccountID                               string             `pulumi:"accountId,optional"`
	Partition                               string             `pulumi:"partition,optional"`
	VPC                                     *VPCSpec           `pulumi:"vpc,optional"`
	Existing                                *ExistingNetwork   `pulumi:"existing,optional"`
	Network                                 *NetworkArgs       `pulumi:"network,optional"`
	EndpointAccess                          string             `pulumi:"endpointAccess,optional"`
	PublicAccessCIDRs                       []string           `pulumi:"publicAccessCidrs,optional"`
	LogTypes                                []string           `pulumi:"logTypes,optional"`
	ControlPlaneLogRetentionDays            int                `pulumi:"controlPlaneLogRetentionDays,optional"`
	SecretsEncryption                       *SecretsEncryption `pulumi:"secretsEncryption,optional"`
	SecretsKeyArn                           pulumi.StringInput `pulumi:"secretsKeyArn,optional"`
	AuthenticationMode                      string             `pulumi:"authenticationMode,optional"`
	BootstrapClusterCreatorAdminPermissions *bool              `pulumi:"bootstrapClusterCreatorAdminPermissions,optional"`
	FargateProfiles                         []FargateProfile   `pulumi:"fargateProfiles,optional"`
	Addons                                  *Addons            `pulumi:"addons,optional"`
	OIDCThumbprints                         []string           `pulumi:"oidcThumbprints,optional"`
	KubeconfigOptions                       *KubeconfigOptions `pulumi:"kubeconfigOptions,optional"`
	PodExecutionRole                        *PodExecutionRole  `pulumi:"podExecutionRole,optional"`
	UpgradePolicy                           string             `pulumi:"upgradePolicy,optional"`
	ZonalShift                              bool               `pulumi:"zonalShift,optional"`
	DeletionProtection                      bool               `pulumi:"deletionProtection,optional"`
	Logging                                 *LoggingSpec       `pulumi:"logging,optional"`
	Tags                                    map[string]string  `pulumi:"tags,optional"`
	BusyRetry                               *BusyRetry         `pulumi:"busyRetry,optional"`
	RollOntoReplacement                     []Workload         `pulumi:"rollOntoReplacement,optional"`
	HookAWS                                 *HookAWS           `pulumi:"hookAws,optional"`
	HookTimeoutSeconds                      int                `pulumi:"hookTimeoutSeconds,optional"`
	NoDeleteHooks                           bool               `pulumi:"noDeleteHooks,optional"`
}

// Annotate documents FargateClusterArgs.
func (a *FargateClusterArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.ClusterName, "The EKS cluster's name: 1-100 characters, a letter or digit then letters, digits, '-' and '_'. "+
		"Defaults to the component's name.")
	an.Describe(&a.KubernetesVersion, `The Kubernetes version, "1.<minor>", one EKS offers; empty means fargatekit's default.`)
	an.Describe(&a.Region, "The AWS region. Normally read from the AWS provider (a region is never guessed); "+
		"given, it must equal the provider's.")
	an.Describe(&a.AccountID, "The AWS account ID; given, it must equal the AWS provider's.")
	an.Describe(&a.Partition, "The AWS partition (aws, aws-cn, aws-us-gov); defaults to the region's.")
	an.Describe(&a.VPC, "Creates a VPC (the default when none of vpc, existing and network is set).")
	an.Describe(&a.Existing, "Uses a VPC and subnets that already exist, by plain IDs. Exclusive with vpc and network.")
	an.Describe(&a.Network, "Uses an existing VPC and subnets given as outputs of other resources (an awsx VPC, a stack "+
		"reference). Exclusive with vpc and existing. Subnets given this way are not tagged.")
	an.Describe(&a.EndpointAccess, "Where the API endpoint is reachable from: public, private or both (the default).")
	an.Describe(&a.PublicAccessCIDRs, "CIDR blocks allowed to reach the public endpoint; EKS's default is 0.0.0.0/0. "+
		"Not allowed with endpointAccess private.")
	an.Describe(&a.LogTypes, "Control-plane log types sent to CloudWatch: api, audit, authenticator, controllerManager, scheduler. "+
		"With any, the control plane's log group (/aws/eks/<cluster>/cluster) is created before the cluster, with "+
		"controlPlaneLogRetentionDays, and deleted with it.")
	an.Describe(&a.ControlPlaneLogRetentionDays, "The retention of the control plane's log group, a period CloudWatch Logs "+
		"accepts (1, 3, 5, 7, 14, 30, ...); 0 means fargatekit's default (90). Only with logTypes.")
	an.Describe(&a.SecretsEncryption, "KMS envelope encryption of Kubernetes secrets; unset leaves it off.")
	an.Describe(&a.SecretsKeyArn, "An existing KMS key for secrets encryption, as an output of another resource. "+
		"Exclusive with secretsEncryption.")
	an.Describe(&a.AuthenticationMode, "CONFIG_MAP, API_AND_CONFIG_MAP (the default) or API.")
	an.Describe(&a.BootstrapClusterCreatorAdminPermissions, "Grants the identity that creates the cluster cluster-admin "+
		"through an access entry; unset means true (EKS's default). Must be true with CONFIG_MAP. Changing it replaces the cluster.")
	an.Describe(&a.FargateProfiles, "Fargate profiles, created strictly one after another in order. Empty means one "+
		"profile, fp-default, selecting kube-system and default. One profile must select the CoreDNS pods in kube-system.")
	an.Describe(&a.Addons, "Versions of the coredns, kube-proxy and vpc-cni add-ons and CoreDNS's configuration.")
	an.Describe(&a.OIDCThumbprints, "Thumbprints of the IAM OIDC provider; empty lets IAM use its trusted root CAs "+
		"(which it does for EKS issuers).")
	an.Describe(&a.KubeconfigOptions, "How the kubeconfig output authenticates (Go: ClusterSpec.Kubeconfig).")
	an.Describe(&a.PodExecutionRole, "The Fargate pod-execution role: one made elsewhere, or the path and permissions "+
		"boundary of the created one.")
	an.Describe(&a.UpgradePolicy, "Support type at the end of standard support: STANDARD or EXTENDED (EKS's default; "+
		"extended support costs six times the cluster-hour price). Empty leaves EKS's default.")
	an.Describe(&a.ZonalShift, "Turns on ARC zonal shift: traffic moves away from an impaired availability zone.")
	an.Describe(&a.DeletionProtection, "Turns on EKS's deletion protection: DeleteCluster is refused until it is turned off. "+
		"Resource hooks set it after create and on update (the cluster carries the tag fargatekit.io/deletion-protection=on). "+
		"With it on, pulumi destroy fails at the cluster: set it false and pulumi up first.")
	an.Describe(&a.Logging, "Turns on Fargate logging (the aws-observability namespace, the aws-logging ConfigMap, "+
		"the log group and the logs policy on the pod-execution role); unset leaves it off.")
	an.Describe(&a.Tags, "Tags added to every taggable resource.")
	an.Describe(&a.BusyRetry, "Bounds the retries of operations EKS refuses with ResourceInUseException while another "+
		"actor holds the cluster (an error hook on the cluster, the profiles and the add-ons); unset means the defaults "+
		"(8 tries, 15s doubling to 2m).")
	an.Describe(&a.RollOntoReplacement, "Deployments (besides CoreDNS, always) moved onto a changed Fargate profile's "+
		"replacement before the old profile is deleted (the profiles' before-delete hook): each is restarted pinned to the "+
		"new profile and its rollout waited for, one at a time, respecting PodDisruptionBudgets.")
	an.Describe(&a.HookAWS, "The AWS credentials the resource hooks call AWS with (deletion protection, the sweep of a "+
		"deleted cluster's load balancers). Unset means the AWS SDK's default chain (environment, shared config and SSO, "+
		"instance role) in the cluster's region: the program's own credentials, which are not the Pulumi AWS provider's "+
		"when that is configured with other ones (a profile or assumeRole in the stack's config): give them here then.")
	an.Describe(&a.HookTimeoutSeconds, "Bounds each resource hook, in seconds; 0 means fargatekit's default (1800).")
	an.Describe(&a.NoDeleteHooks, "Registers no before- or after-delete hook: a plain pulumi destroy then works without "+
		"--run-program, but a replaced profile's pods are not moved first and a deleted cluster's load balancers are not swept.")
}

// BusyRetry is Go's eksfargate.BusyRetry, its durations in seconds.
type BusyRetry struct {
	Attempts          int `pulumi:"attempts,optional"`
	BackoffSeconds    int `pulumi:"backoffSeconds,optional"`
	MaxBackoffSeconds int `pulumi:"maxBackoffSeconds,optional"`
}

// Annotate documents BusyRetry.
func (b *BusyRetry) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "BusyRetry")
	a.Describe(b, "Retries of an operation EKS refuses with ResourceInUseException (never \"already exists\"): the n-th "+
		"retry waits backoffSeconds doubled n-1 times, at most maxBackoffSeconds.")
	a.Describe(&b.Attempts, "The number of tries of one operation in all; 0 means the default (8); negative turns the "+
		"error hooks off.")
	a.Describe(&b.BackoffSeconds, "The wait before the second try, in seconds; 0 means the default (15).")
	a.Describe(&b.MaxBackoffSeconds, "The cap of the doubling waits, in seconds; 0 means the default (120).")
}

// Workload is Go's eksfargate.Workload: a deployment by namespace and name.
type Workload struct {
	Namespace string `pulumi:"namespace"`
	Name      string `pulumi:"name"`
}

// Annotate documents Workload.
func (w *Workload) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "Workload")
	a.Describe(w, "A Deployment, by namespace and name.")
	a.Describe(&w.Namespace, "The deployment's namespace.")
	a.Describe(&w.Name, "The deployment's name.")
}

// HookAWS are the credentials FargateCluster's resource hooks call AWS
// with, in the cluster's region (Go: FargateClusterArgs.HookAWSConfig,
// which takes any aws.Config; a function cannot cross languages, so the
// provider builds one from a shared-config profile and a role).
type HookAWS struct {
	Profile string `pulumi:"profile,optional"`
	RoleARN string `pulumi:"roleArn,optional"`
}

// Annotate documents HookAWS.
func (h *HookAWS) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "HookAws")
	a.Describe(h, "The AWS credentials of the resource hooks: the AWS SDK's default chain in the cluster's region, from "+
		"a shared-config profile when set, then a role assumed when set. They are resolved where the program runs "+
		"(the provider plugin's environment).")
	a.Describe(&h.Profile, "An AWS shared-config profile (~/.aws/config) to load the credentials from.")
	a.Describe(&h.RoleARN, "An IAM role assumed (sts:AssumeRole) with those credentials; the hooks call AWS as this role.")
}

// VPCSpec is Go's eksfargate.VPCSpec.
type VPCSpec struct {
	CIDR               string   `pulumi:"cidr,optional"`
	AZCount            int      `pulumi:"azCount,optional"`
	AvailabilityZones  []string `pulumi:"availabilityZones,optional"`
	PublicSubnetCIDRs  []string `pulumi:"publicSubnetCidrs,optional"`
	PrivateSubnetCIDRs []string `pulumi:"privateSubnetCidrs,optional"`
	SingleNATGateway   bool     `pulumi:"singleNatGateway,optional"`
}

// Annotate documents VPCSpec.
func (v *VPCSpec) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "VpcSpec")
	a.Describe(v, "The VPC the cluster gets: a public and a private subnet in each availability zone, an internet "+
		"gateway, NAT gateways and route tables.")
	a.Describe(&v.CIDR, "The VPC's IPv4 block, /16 to /28; default 10.0.0.0/16.")
	a.Describe(&v.AZCount, "How many availability zones to span (at least 2); default 2, or the number of availabilityZones.")
	a.Describe(&v.AvailabilityZones, "The zones to use; empty means the first azCount zones the region reports "+
		"available (opt-in zones and zones EKS does not support excluded).")
	a.Describe(&v.PublicSubnetCIDRs, "Overrides the public subnets' CIDRs: one per zone, inside cidr, none overlapping.")
	a.Describe(&v.PrivateSubnetCIDRs, "Overrides the private subnets' CIDRs: one per zone, inside cidr, none overlapping.")
	a.Describe(&v.SingleNATGateway, "One NAT gateway instead of one per zone: cheaper, but pods in the other zones "+
		"lose egress when its zone fails.")
}

// ExistingNetwork is Go's eksfargate.ExistingNetwork.
type ExistingNetwork struct {
	VpcID            string   `pulumi:"vpcId"`
	PrivateSubnetIDs []string `pulumi:"privateSubnetIds"`
	PublicSubnetIDs  []string `pulumi:"publicSubnetIds,optional"`
	TagSubnets       bool     `pulumi:"tagSubnets,optional"`
}

// Annotate documents ExistingNetwork.
func (e *ExistingNetwork) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "ExistingNetwork")
	a.Describe(e, "A VPC and subnets created elsewhere, by ID.")
	a.Describe(&e.VpcID, "The VPC's ID.")
	a.Describe(&e.PrivateSubnetIDs, "Where Fargate pods run and the control plane places its network interfaces: at "+
		"least two, in different zones, with a route to a NAT gateway (or VPC endpoints) so pods can pull images.")
	a.Describe(&e.PublicSubnetIDs, "Optional public subnets, given to the cluster for internet-facing load balancers.")
	a.Describe(&e.TagSubnets, "Adds the kubernetes.io/role/elb, kubernetes.io/role/internal-elb and "+
		"kubernetes.io/cluster/<name> tags to the subnets. Off by default: fargatekit does not touch what it does not own.")
}

// NetworkArgs is Go's eksfargate.NetworkArgs.
type NetworkArgs struct {
	VpcID            pulumi.StringInput      `pulumi:"vpcId"`
	PrivateSubnetIDs pulumi.StringArrayInput `pulumi:"privateSubnetIds"`
	PublicSubnetIDs  pulumi.StringArrayInput `pulumi:"publicSubnetIds,optional"`
}

// Annotate documents NetworkArgs.
func (n *NetworkArgs) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "Network")
	a.Describe(n, "An existing VPC and its subnets as outputs of other resources. The subnet lists are checked "+
		"(at least two private subnets, none empty) once known; they are not tagged.")
	a.Describe(&n.VpcID, "The VPC's ID.")
	a.Describe(&n.PrivateSubnetIDs, "Where Fargate pods run (see existing.privateSubnetIds).")
	a.Describe(&n.PublicSubnetIDs, "Optional public subnets, for internet-facing load balancers.")
}

// SecretsEncryption is Go's eksfargate.SecretsEncryption.
type SecretsEncryption struct {
	CreateKey bool   `pulumi:"createKey,optional"`
	KeyARN    string `pulumi:"keyArn,optional"`
}

// Annotate documents SecretsEncryption.
func (s *SecretsEncryption) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "SecretsEncryption")
	a.Describe(s, "KMS envelope encryption of Kubernetes secrets: exactly one of createKey and keyArn.")
	a.Describe(&s.CreateKey, "Creates a symmetric KMS key with rotation on.")
	a.Describe(&s.KeyARN, "An existing symmetric KMS key in the cluster's region.")
}

// FargateProfile is Go's eksfargate.FargateProfile.
type FargateProfile struct {
	Name      string            `pulumi:"name"`
	Selectors []Selector        `pulumi:"selectors"`
	SubnetIDs []string          `pulumi:"subnetIds,optional"`
	Tags      map[string]string `pulumi:"tags,optional"`
}

// Annotate documents FargateProfile.
func (f *FargateProfile) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "FargateProfile")
	a.Describe(f, "A Fargate profile: 1-5 selectors. EKS profiles are immutable: a changed profile gets a new "+
		"physical name (a content hash) and is created before the old one is deleted.")
	a.Describe(&f.Name, "Unique in the cluster: 1-54 characters, letters, digits, '-' and '_', starting and ending "+
		"with a letter or digit, not starting with eks-. It names the child (API).")
	a.Describe(&f.Selectors, "1 to 5 pod selectors.")
	a.Describe(&f.SubnetIDs, "This profile's private subnets; empty means the cluster's. They must be among the "+
		"cluster's private subnets.")
	a.Describe(&f.Tags, "Tags added to the profile (on top of the cluster's tags).")
}

// Selector is Go's eksfargate.Selector.
type Selector struct {
	Namespace string            `pulumi:"namespace"`
	Labels    map[string]string `pulumi:"labels,optional"`
}

// Annotate documents Selector.
func (s *Selector) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "Selector")
	a.Describe(s, "Selects every pod in namespace whose labels include all of labels. Namespace, label keys and "+
		"values may use the wildcards * and ?.")
	a.Describe(&s.Namespace, "The pods' namespace.")
	a.Describe(&s.Labels, "Labels the pods must carry.")
}

// Addons is Go's eksfargate.Addons.
type Addons struct {
	CoreDNSVersion   string         `pulumi:"coreDnsVersion,optional"`
	KubeProxyVersion string         `pulumi:"kubeProxyVersion,optional"`
	VpcCNIVersion    string         `pulumi:"vpcCniVersion,optional"`
	KubeProxy        bool           `pulumi:"kubeProxy,optional"`
	VpcCNI           bool           `pulumi:"vpcCni,optional"`
	CoreDNS          *CoreDNSConfig `pulumi:"coreDns,optional"`
}

// Annotate documents Addons.
func (x *Addons) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "Addons")
	a.Describe(x, "The EKS add-ons FargateCluster manages: coredns always, kube-proxy and vpc-cni when asked for. An empty "+
		"version means EKS's default for the cluster's Kubernetes version, resolved before anything is created, so that a "+
		"Kubernetes upgrade moves the add-ons with it; a pinned version newer than the newest EKS offers for that version is refused.")
	a.Describe(&x.CoreDNSVersion, `Pins the coredns add-on, e.g. "v1.11.4-eksbuild.2".`)
	a.Describe(&x.KubeProxyVersion, "Pins the kube-proxy add-on (and installs it).")
	a.Describe(&x.VpcCNIVersion, "Pins the vpc-cni add-on (and installs it).")
	a.Describe(&x.KubeProxy, "Installs the kube-proxy add-on. Off by default: Fargate nodes bring their own kube-proxy, "+
		"and the add-on's DaemonSet only runs on EC2 nodes. A stack from an earlier fargatekit sees its kube-proxy add-on "+
		"deleted unless this is set.")
	a.Describe(&x.VpcCNI, "Installs the vpc-cni add-on. Off by default: Fargate nodes bring their own CNI, and the "+
		"add-on's DaemonSet only runs on EC2 nodes. A stack from an earlier fargatekit sees its vpc-cni add-on deleted "+
		"unless this is set.")
	a.Describe(&x.CoreDNS, "CoreDNS's configuration beyond computeType Fargate.")
}

// CoreDNSConfig is Go's eksfargate.CoreDNSConfig.
type CoreDNSConfig struct {
	Replicas  int        `pulumi:"replicas,optional"`
	Resources *Resources `pulumi:"resources,optional"`
}

// Annotate documents CoreDNSConfig.
func (c *CoreDNSConfig) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "CoreDnsConfig")
	a.Describe(c, "The optional part of CoreDNS's add-on configuration.")
	a.Describe(&c.Replicas, "The replica count; 0 leaves the add-on's default (2).")
	a.Describe(&c.Resources, "The container's requests and limits; Fargate sizes the pod from the requests.")
}

// Resources is Go's eksfargate.Resources.
type Resources struct {
	Requests *ResourceList `pulumi:"requests,optional"`
	Limits   *ResourceList `pulumi:"limits,optional"`
}

// Annotate documents Resources.
func (r *Resources) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "Resources")
	a.Describe(r, "A container's requests and limits.")
	a.Describe(&r.Requests, "What the scheduler (and Fargate's sizing) counts.")
	a.Describe(&r.Limits, "Caps of the container.")
}

// ResourceList is Go's eksfargate.ResourceList.
type ResourceList struct {
	CPU    string `pulumi:"cpu,optional"`
	Memory string `pulumi:"memory,optional"`
}

// Annotate documents ResourceList.
func (r *ResourceList) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "ResourceList")
	a.Describe(r, "Kubernetes quantities.")
	a.Describe(&r.CPU, `A CPU quantity, e.g. "250m" or "0.5".`)
	a.Describe(&r.Memory, `A memory quantity, e.g. "256Mi".`)
}

// KubeconfigOptions is Go's eksfargate.KubeconfigOptions.
type KubeconfigOptions struct {
	Exec    string `pulumi:"exec,optional"`
	RoleARN string `pulumi:"roleArn,optional"`
	Profile string `pulumi:"profile,optional"`
}

// Annotate documents KubeconfigOptions.
func (k *KubeconfigOptions) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "KubeconfigOptions")
	a.Describe(k, "How the kubeconfig output authenticates: an exec plugin, never a static token.")
	a.Describe(&k.Exec, `"fargatekit" (runs fargatekit token, the default) or "aws" (runs aws eks get-token). `+
		"The command must be on PATH where the program runs: the component refuses to start without it.")
	a.Describe(&k.RoleARN, "An IAM role the exec plugin assumes before signing tokens.")
	a.Describe(&k.Profile, "An AWS shared-config profile the exec plugin runs with (passed as --profile).")
}

// PodExecutionRole is Go's eksfargate.PodExecutionRoleSpec.
type PodExecutionRole struct {
	ARN                 string `pulumi:"arn,optional"`
	Path                string `pulumi:"path,optional"`
	PermissionsBoundary string `pulumi:"permissionsBoundary,optional"`
}

// Annotate documents PodExecutionRole.
func (r *PodExecutionRole) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "PodExecutionRole")
	a.Describe(r, "The Fargate pod-execution role.")
	a.Describe(&r.ARN, "An existing role to use instead of creating one. It must trust eks-fargate-pods.amazonaws.com "+
		"and carry AmazonEKSFargatePodExecutionRolePolicy.")
	a.Describe(&r.Path, `The created role's IAM path, e.g. "/eks/" ("/" by default).`)
	a.Describe(&r.PermissionsBoundary, "A managed policy ARN set as the created role's permissions boundary.")
}

// LoggingSpec is Go's eksfargate.LoggingSpec.
type LoggingSpec struct {
	CloudWatch           *CloudWatchLogs `pulumi:"cloudWatch,optional"`
	Firehose             *FirehoseLogs   `pulumi:"firehose,optional"`
	Kinesis              *KinesisLogs    `pulumi:"kinesis,optional"`
	OpenSearch           *OpenSearchLogs `pulumi:"openSearch,optional"`
	KubernetesMetadata   bool            `pulumi:"kubernetesMetadata,optional"`
	Filters              string          `pulumi:"filters,optional"`
	Parsers              string          `pulumi:"parsers,optional"`
	FluentBitProcessLogs bool            `pulumi:"fluentBitProcessLogs,optional"`
}

// Annotate documents LoggingSpec.
func (l *LoggingSpec) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "Logging")
	a.Describe(l, "Fargate logging: the aws-logging ConfigMap rendered from the outputs set (at least one), the log "+
		"group (CloudWatch) and an IAM policy on the pod-execution role allowing exactly those destinations. Pods "+
		"read the ConfigMap when they start.")
	a.Describe(&l.CloudWatch, "Sends container logs to a CloudWatch Logs group that fargatekit creates (with retention).")
	a.Describe(&l.Firehose, "Sends them to an Amazon Data Firehose delivery stream.")
	a.Describe(&l.Kinesis, "Sends them to a Kinesis data stream.")
	a.Describe(&l.OpenSearch, "Sends them to an Amazon OpenSearch Service domain.")
	a.Describe(&l.KubernetesMetadata, "Adds the kubernetes filter (pod, namespace, labels in each record), as EKS "+
		"documents it.")
	a.Describe(&l.Filters, "Extra [FILTER] sections (Fluent Bit classic format), checked with Fargate's rules.")
	a.Describe(&l.Parsers, "[PARSER] sections for parsers.conf, checked the same way.")
	a.Describe(&l.FluentBitProcessLogs, "Ships the log router's own logs to CloudWatch (extra ingestion cost), to a "+
		"group Fargate names <cluster>-fluent-bit-logs.")
}

// CloudWatchLogs is Go's eksfargate.CloudWatchLogs.
type CloudWatchLogs struct {
	LogGroupName    string `pulumi:"logGroupName,optional"`
	LogStreamPrefix string `pulumi:"logStreamPrefix,optional"`
	RetentionDays   int    `pulumi:"retentionDays,optional"`
}

// Annotate documents CloudWatchLogs.
func (c *CloudWatchLogs) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "CloudWatchLogs")
	a.Describe(c, "The cloudwatch_logs output.")
	a.Describe(&c.LogGroupName, "Defaults to /aws/eks/<cluster>/fargate.")
	a.Describe(&c.LogStreamPrefix, "The log streams' prefix; the log tag follows it.")
	a.Describe(&c.RetentionDays, "A retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...); 0 means "+
		"fargatekit's default.")
}

// FirehoseLogs is Go's eksfargate.FirehoseLogs.
type FirehoseLogs struct {
	DeliveryStream string `pulumi:"deliveryStream"`
}

// Annotate documents FirehoseLogs.
func (f *FirehoseLogs) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "FirehoseLogs")
	a.Describe(f, "The kinesis_firehose output.")
	a.Describe(&f.DeliveryStream, "The delivery stream's name, in the cluster's region and account.")
}

// KinesisLogs is Go's eksfargate.KinesisLogs.
type KinesisLogs struct {
	Stream string `pulumi:"stream"`
}

// Annotate documents KinesisLogs.
func (k *KinesisLogs) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "KinesisLogs")
	a.Describe(k, "The kinesis output (the data-streams plugin Fargate accepts).")
	a.Describe(&k.Stream, "The data stream's name, in the cluster's region and account.")
}

// OpenSearchLogs is Go's eksfargate.OpenSearchLogs.
type OpenSearchLogs struct {
	DomainARN string `pulumi:"domainArn"`
	Endpoint  string `pulumi:"endpoint"`
	Index     string `pulumi:"index"`
}

// Annotate documents OpenSearchLogs.
func (o *OpenSearchLogs) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "OpenSearchLogs")
	a.Describe(o, "The es output, signed with the pod-execution role. The domain's access control must map that role.")
	a.Describe(&o.DomainARN, "The domain's ARN; the policy allows es:ESHttp* on it and its region is used.")
	a.Describe(&o.Endpoint, "The domain's host name, without scheme or port.")
	a.Describe(&o.Index, "The index written to.")
}

// FargateCluster is the cross-language FargateCluster: the Go component's
// outputs, plus ClusterRef for the other components.
type FargateCluster struct {
	// ComponentResource is the Go component (its URN is this resource's).
	pulumi.ComponentResource

	ClusterName            pulumi.StringOutput      `pulumi:"clusterName"`
	ClusterArn             pulumi.StringOutput      `pulumi:"clusterArn"`
	Endpoint               pulumi.StringOutput      `pulumi:"endpoint"`
	CertificateAuthority   pulumi.StringOutput      `pulumi:"certificateAuthority"`
	Kubeconfig             pulumi.StringOutput      `pulumi:"kubeconfig" provider:"secret"`
	OIDCIssuerURL          pulumi.StringOutput      `pulumi:"oidcIssuerUrl"`
	OIDCProviderArn        pulumi.StringOutput      `pulumi:"oidcProviderArn"`
	PodExecutionRoleArn    pulumi.StringOutput      `pulumi:"podExecutionRoleArn"`
	VpcID                  pulumi.StringOutput      `pulumi:"vpcId"`
	PrivateSubnetIDs       pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	PublicSubnetIDs        pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	ClusterSecurityGroupID pulumi.StringOutput      `pulumi:"clusterSecurityGroupId"`
	Region                 pulumi.StringOutput      `pulumi:"region"`
	AccountID              pulumi.StringOutput      `pulumi:"accountId"`
	Partition              pulumi.StringOutput      `pulumi:"partition"`
	AuthenticationMode     pulumi.StringOutput      `pulumi:"authenticationMode"`
	ClusterRef             ClusterRefOutput         `pulumi:"clusterRef"`
}

// Annotate documents FargateCluster.
func (c *FargateCluster) Annotate(a infer.Annotator) {
	a.SetToken("eksfargate", "FargateCluster")
	a.Describe(c, "A Fargate-only EKS cluster and everything around it: the VPC (or your network, its subnets "+
		"tagged for load balancers), the cluster and pod-execution roles, the cluster, its IAM OIDC provider, Fargate "+
		"profiles created one at a time, CoreDNS on Fargate, the kubeconfig and a Kubernetes provider. The same Go "+
		"component (eksfargate.NewFargateCluster) serves every language: children and their names are those of the "+
		"Go package's documentation. Pass `clusterRef` to IRSARole, LBCRelease and AwsAuthMapping.")
	a.Describe(&c.ClusterName, "The EKS cluster's name.")
	a.Describe(&c.ClusterArn, "The EKS cluster's ARN.")
	a.Describe(&c.Endpoint, "The Kubernetes API server URL.")
	a.Describe(&c.CertificateAuthority, "The API server's certificate authority, base64-encoded PEM.")
	a.Describe(&c.Kubeconfig, "The kubeconfig (secret). It runs an exec plugin for tokens (see kubeconfigOptions).")
	a.Describe(&c.OIDCIssuerURL, "The cluster's OIDC issuer URL.")
	a.Describe(&c.OIDCProviderArn, "The ARN of the cluster's IAM OIDC provider (for IRSA).")
	a.Describe(&c.PodExecutionRoleArn, "The Fargate pod-execution role's ARN.")
	a.Describe(&c.VpcID, "The cluster's VPC.")
	a.Describe(&c.PrivateSubnetIDs, "The private subnets, where the pods run.")
	a.Describe(&c.PublicSubnetIDs, "The public subnets, for internet-facing load balancers.")
	a.Describe(&c.ClusterSecurityGroupID, "The security group EKS created for the cluster (its control plane and Fargate "+
		"pods): the one to open for traffic to the pods from other resources.")
	a.Describe(&c.Region, "The cluster's region (from the spec or the AWS provider).")
	a.Describe(&c.AccountID, "The cluster's AWS account.")
	a.Describe(&c.Partition, "The cluster's AWS partition.")
	a.Describe(&c.AuthenticationMode, "The cluster's authentication mode.")
	a.Describe(&c.ClusterRef, "The cluster as IRSARole, LBCRelease and AwsAuthMapping take it. Its kubeconfig is "+
		"not marked secret: it holds no credential (an exec plugin gets the tokens), and a secret would make every "+
		"value derived from the reference secret.")
}

// goClusterArgs converts the cross-language args into Go's.
func goClusterArgs(a FargateClusterArgs) *eksfargate.FargateClusterArgs {
	s := eksfargate.ClusterSpec{
		ClusterName: a.ClusterName, KubernetesVersion: a.KubernetesVersion,
		Region: a.Region, AccountID: a.AccountID, Partition: a.Partition,
		EndpointAccess: eksfargate.EndpointAccess(a.EndpointAccess), PublicAccessCIDRs: a.PublicAccessCIDRs,
		LogTypes: a.LogTypes, ControlPlaneLogRetentionDays: a.ControlPlaneLogRetentionDays, AuthenticationMode: a.AuthenticationMode,
		BootstrapClusterCreatorAdminPermissions: a.BootstrapClusterCreatorAdminPermissions,
		OIDCThumbprints:                         a.OIDCThumbprints, UpgradePolicy: a.UpgradePolicy, ZonalShift: a.ZonalShift,
		DeletionProtection: a.DeletionProtection,
		Tags:               a.Tags,
	}
	if v := a.VPC; v != nil {
		s.VPC = &eksfargate.VPCSpec{CIDR: v.CIDR, AZCount: v.AZCount, AvailabilityZones: v.AvailabilityZones,
			PublicSubnetCIDRs: v.PublicSubnetCIDRs, PrivateSubnetCIDRs: v.PrivateSubnetCIDRs, SingleNATGateway: v.SingleNATGateway}
	}
	if e := a.Existing; e != nil {
		s.Existing = &eksfargate.ExistingNetwork{VpcID: e.VpcID, PrivateSubnetIDs: e.PrivateSubnetIDs,
			PublicSubnetIDs: e.PublicSubnetIDs, TagSubnets: e.TagSubnets}
	}
	if e := a.SecretsEncryption; e != nil {
		s.SecretsEncryption = &eksfargate.SecretsEncryption{CreateKey: e.CreateKey, KeyARN: e.KeyARN}
	}
	for _, p := range a.FargateProfiles {
		fp := eksfargate.FargateProfile{Name: p.Name, SubnetIDs: p.SubnetIDs, Tags: p.Tags}
		for _, sel := range p.Selectors {
			fp.Selectors = append(fp.Selectors, eksfargate.Selector{Namespace: sel.Namespace, Labels: sel.Labels})
		}
		s.FargateProfiles = append(s.FargateProfiles, fp)
	}
	if x := a.Addons; x != nil {
		s.Addons = eksfargate.Addons{CoreDNSVersion: x.CoreDNSVersion, KubeProxyVersion: x.KubeProxyVersion, VpcCNIVersion: x.VpcCNIVersion,
			KubeProxy: x.KubeProxy, VpcCNI: x.VpcCNI}
		if c := x.CoreDNS; c != nil {
			s.Addons.CoreDNS = eksfargate.CoreDNSConfig{Replicas: c.Replicas}
			if r := c.Resources; r != nil {
				s.Addons.CoreDNS.Resources = &eksfargate.Resources{Requests: goResourceList(r.Requests), Limits: goResourceList(r.Limits)}
			}
		}
	}
	if k := a.KubeconfigOptions; k != nil {
		s.Kubeconfig = eksfargate.KubeconfigOptions{Exec: eksfargate.ExecMode(k.Exec), RoleARN: k.RoleARN, Profile: k.Profile}
	}
	if r := a.PodExecutionRole; r != nil {
		s.PodExecutionRole.ARN, s.PodExecutionRole.Path, s.PodExecutionRole.PermissionsBoundary = r.ARN, r.Path, r.PermissionsBoundary
	}
	if l := a.Logging; l != nil {
		s.Logging = goLogging(*l)
	}
	out := &eksfargate.FargateClusterArgs{ClusterSpec: s, SecretsKeyARN: a.SecretsKeyArn,
		HookTimeout: seconds(a.HookTimeoutSeconds), NoDeleteHooks: a.NoDeleteHooks}
	if b := a.BusyRetry; b != nil {
		out.BusyRetry = eksfargate.BusyRetry{Attempts: b.Attempts, Backoff: seconds(b.BackoffSeconds),
			MaxBackoff: seconds(b.MaxBackoffSeconds)}
	}
	for _, w := range a.RollOntoReplacement {
		out.RollOntoReplacement = append(out.RollOntoReplacement, eksfargate.Workload{Namespace: w.Namespace, Name: w.Name})
	}
	if h := a.HookAWS; h != nil {
		out.HookAWSConfig = h.config
	}
	if n := a.Network; n != nil {
		out.Network = &eksfargate.NetworkArgs{VpcID: n.VpcID, PrivateSubnetIDs: n.PrivateSubnetIDs, PublicSubnetIDs: n.PublicSubnetIDs}
	}
	return out
}

// config loads the hooks' AWS configuration in region: the default chain,
// from Profile when set, then RoleARN assumed when set.
func (h HookAWS) config(ctx context.Context, region string) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(region)}
	if h.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(h.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("provider: hookAws (profile %q): %w", h.Profile, err)
	}
	if h.RoleARN != "" {
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), h.RoleARN))
	}
	return cfg, nil
}

func goResourceList(r *ResourceList) *eksfargate.ResourceList {
	if r == nil {
		return nil
	}
	return &eksfargate.ResourceList{CPU: r.CPU, Memory: r.Memory}
}

func goLogging(l LoggingSpec) *eksfargate.LoggingSpec {
	out := &eksfargate.LoggingSpec{KubernetesMetadata: l.KubernetesMetadata, Filters: l.Filters, Parsers: l.Parsers,
		FluentBitProcessLogs: l.FluentBitProcessLogs}
	if c := l.CloudWatch; c != nil {
		out.CloudWatch = &eksfargate.CloudWatchLogs{LogGroupName: c.LogGroupName, LogStreamPrefix: c.LogStreamPrefix, RetentionDays: c.RetentionDays}
	}
	if f := l.Firehose; f != nil {
		out.Firehose = &eksfargate.FirehoseLogs{DeliveryStream: f.DeliveryStream}
	}
	if k := l.Kinesis; k != nil {
		out.Kinesis = &eksfargate.KinesisLogs{Stream: k.Stream}
	}
	if o := l.OpenSearch; o != nil {
		out.OpenSearch = &eksfargate.OpenSearchLogs{DomainARN: o.DomainARN, Endpoint: o.Endpoint, Index: o.Index}
	}
	return out
}

// newFargateCluster constructs FargateCluster with the Go component.
func newFargateCluster(ctx *pulumi.Context, name string, args FargateClusterArgs, opts ...pulumi.ResourceOption) (*FargateCluster, error) {
	c, err := eksfargate.NewFargateCluster(ctx, name, goClusterArgs(args), opts...)
	if err != nil {
		return nil, err
	}
	ref := c.Ref()
	out := &FargateCluster{
		ComponentResource: c,
		ClusterName:       c.ClusterName, ClusterArn: c.ClusterArn, Endpoint: c.Endpoint,
		CertificateAuthority: c.CertificateAuthority, Kubeconfig: c.Kubeconfig,
		OIDCIssuerURL: c.OIDCIssuerURL, OIDCProviderArn: c.OIDCProviderArn, PodExecutionRoleArn: c.PodExecutionRoleArn,
		VpcID: c.VpcID, PrivateSubnetIDs: c.PrivateSubnetIDs, PublicSubnetIDs: c.PublicSubnetIDs,
		ClusterSecurityGroupID: c.ClusterSecurityGroupID,
		Region:                 pulumi.String(c.Region).ToStringOutput(), AccountID: pulumi.String(c.AccountID).ToStringOutput(),
		Partition: pulumi.String(c.PartitionID).ToStringOutput(), AuthenticationMode: pulumi.String(c.AuthenticationMode).ToStringOutput(),
	}
	out.ClusterRef = ClusterRefArgs{
		Name: c.ClusterName, Region: ref.Region, VpcID: c.VpcID, OIDCProviderArn: c.OIDCProviderArn,
		OIDCIssuerURL: c.OIDCIssuerURL, PodExecutionRoleArn: c.PodExecutionRoleArn,
		Endpoint: c.Endpoint, CertificateAuthority: c.CertificateAuthority,
		Kubeconfig:  pulumi.Unsecret(c.Kubeconfig).(pulumi.StringOutput),
		FargateOnly: pulumi.Bool(ref.FargateOnly), HasFargateProfiles: pulumi.Bool(ref.HasFargateProfiles),
		AuthenticationMode: pulumi.String(ref.AuthenticationMode),
		FargateProfiles:    profileSelectors(ref.FargateProfiles),
	}.ToClusterRefOutputWithContext(ctx.Context())
	return out, nil
}

// profileSelectors converts the Go cluster view's Fargate profiles into
// ClusterRef's.
func profileSelectors(profiles []clusterref.FargateProfile) []ProfileSelectors {
	var out []ProfileSelectors
	for _, p := range profiles {
		ps := ProfileSelectors{Name: p.Name, Selectors: []Selector{}}
		for _, s := range p.Selectors {
			ps.Selectors = append(ps.Selectors, Selector{Namespace: s.Namespace, Labels: s.Labels})
		}
		out = append(out, ps)
	}
	return out
}
