// Package eksfargate describes and builds a Fargate-only EKS cluster, from an
// empty account to a cluster whose CoreDNS runs on Fargate, in plain Go: it
// imports no Pulumi package. The Pulumi component, FargateCluster, is in
// github.com/fargatekit/fargatekit/eksfargate; its FargateClusterArgs embed
// this package's [ClusterSpec] and it calls the renderers here.
//
// # The spec
//
// [ClusterSpec] is plain data for everything that decides which resources
// exist: create a VPC ([VPCSpec]) or use an existing one ([ExistingNetwork]),
// the Fargate profiles and their selectors, the endpoint access, the log types,
// secrets encryption, the authentication mode, add-on versions and tags. It
// decodes from a YAML or JSON spec file. [ClusterSpec.Validate] reports every
// problem at once, each a [*FieldError] wrapping [ErrInvalidSpec]; the
// component refuses an invalid spec before registering anything.
//
// Defaults: a 10.0.0.0/16 VPC over 2 availability zones with one NAT gateway per
// zone, endpoint access public and private, authentication mode
// API_AND_CONFIG_MAP, the cluster creator bootstrapped as admin, and one Fargate
// profile, fp-default, selecting the kube-system and default namespaces. One
// profile must select the CoreDNS pods ([ErrNoCoreDNSProfile] otherwise).
// Region, account and partition come from the AWS provider (Pulumi) or the
// SDK's configuration and STS unless given; a region is never guessed.
//
// # AWS rules checked before anything is created
//
// Where AWS enforces a rule at deploy time, fargatekit checks it first, so
// that a spec EKS would refuse 15 minutes into an apply (after the VPC and
// the NAT gateways exist) is refused before the first resource. The three
// tables below list every rule checked, each with its error (errors.Is
// works on every one) and its source; ErrInvalidSpec alone marks the rules
// without a sentinel of their own. A test keeps the tables and the
// package's Err* sentinels in step.
//
// [ClusterSpec.Validate] checks the plain data, with no AWS call. It reports
// every rule broken at once (errors.Join), each a [*FieldError] naming the
// field and wrapping [ErrInvalidSpec] and the named error. Apply and Plan
// (so the CLI's create and plan) and the Pulumi component run it first;
// the component registers nothing for a refused spec.
//
//	rule                                                      error                            source
//	cluster name: 1-100, a letter or digit, then - _          ErrInvalidSpec                   CreateCluster API reference (name pattern)
//	Kubernetes version 1.<minor>, one EKS offers              ErrUnsupportedKubernetesVersion  EKS Kubernetes release calendar (kubernetes-versions.html), see KubernetesReleases
//	upgradePolicy STANDARD or EXTENDED                        ErrInvalidSpec                   CreateCluster API reference (UpgradePolicyRequest.supportType)
//	region in a partition; partition holds the region         ErrInvalidSpec                   AWS partitions and ARN format (general reference, ARNs)
//	account ID of 12 digits                                   ErrInvalidSpec                   AWS account identifiers (general reference)
//	VPC (create) and Existing (bring your own) exclusive      ErrInvalidSpec                   (one network per cluster: CreateCluster resourcesVpcConfig)
//	VPC block IPv4, no host bits, /16 to /28                  ErrInvalidSpec                   Amazon VPC user guide, VPC CIDR blocks (vpc-cidr-blocks.html)
//	≥ 2 availability zones; named zones distinct, AZCount     ErrInvalidSpec                   EKS user guide, subnet requirements (network-reqs.html: subnets in at least two zones)
//	named zones in the spec's region                          ErrInvalidSpec                   Amazon EC2, Regions and Zones (a zone belongs to one region)
//	the VPC fits a public and a private subnet per zone       ErrInvalidSpec                   Amazon VPC user guide, subnet sizing (a subnet is at most /28); SubnetLayout alone: ErrLayout
//	explicit subnet CIDRs: per zone, inside, ≤ /28, disjoint  ErrInvalidSpec                   Amazon VPC user guide, subnet CIDR blocks (subnet-sizing.html)
//	existing network: VpcID; ≥ 2 private subnets, none empty  ErrInvalidSpec                   EKS user guide, subnet requirements (network-reqs.html)
//	existing subnets distinct (private and public together)   ErrDuplicateSubnet               CreateCluster / CreateFargateProfile (subnetIds: a list of distinct subnets)
//	endpoint access public, private or both                   ErrInvalidSpec                   CreateCluster API reference (VpcConfigRequest endpointPublicAccess, endpointPrivateAccess)
//	public access CIDRs: IPv4 network blocks                  ErrInvalidSpec                   VpcConfigRequest.publicAccessCidrs
//	public access CIDRs are public blocks                     ErrPrivatePublicCIDR             EKS user guide, cluster endpoint (cluster-endpoint.html); VpcConfigRequest.publicAccessCidrs
//	no public access CIDRs on a private-only endpoint         ErrInvalidSpec                   VpcConfigRequest (publicAccessCidrs apply to the public endpoint)
//	restricted public-only endpoint on an existing network    ErrPublicEndpointExcludesNAT     EKS user guide, cluster endpoint (cluster-endpoint.html) and Fargate considerations: pods reach it through NAT
//	control-plane log types api, audit, ..., none repeated    ErrInvalidSpec                   CreateCluster API reference (LogSetup.types)
//	control-plane log retention only with LogTypes            ErrInvalidSpec                   EKS user guide, control plane logs (control-plane-logs.html: no types, no log group)
//	log group retention a CloudWatch Logs period              ErrInvalidLogRetention           CloudWatch Logs API, PutRetentionPolicy (retentionInDays), see LogRetentionDays; control plane and Fargate groups
//	secrets encryption: CreateKey or KeyARN, one of them      ErrInvalidSpec                   CreateCluster API reference (EncryptionConfig.provider.keyArn)
//	secrets key a KMS key ARN in the cluster's region         ErrInvalidSpec                   EKS user guide, secrets encryption (enable-kms.html: a symmetric key in the cluster's Region)
//	authentication mode CONFIG_MAP, API_AND_CONFIG_MAP, API   ErrInvalidSpec                   CreateCluster API reference (CreateAccessConfigRequest.authenticationMode)
//	CONFIG_MAP needs bootstrapClusterCreatorAdminPermissions  ErrInvalidSpec                   EKS user guide, access entries (setting-up-access-entries.html)
//	≥ 1 Fargate profile; names unique in the cluster          ErrInvalidSpec                   CreateFargateProfile API reference (fargateProfileName unique per cluster)
//	≤ 10 Fargate profiles per cluster                         ErrTooManyProfiles               EKS service quotas (service-quotas.html: Fargate profiles per cluster)
//	profile name: letters, digits, - _, ≤ 54 (+ hash ≤ 63)    ErrInvalidSpec                   CreateFargateProfile (name pattern); the eks.amazonaws.com/fargate-profile pod label (Kubernetes label values ≤ 63)
//	profile name not starting with eks-                       ErrReservedProfileName           EKS user guide, Fargate profile (fargate-profile.html)
//	1 to 5 selectors per profile                              ErrTooManySelectors              CreateFargateProfile API reference ("up to five selectors"); EKS service quotas
//	≤ 5 labels per selector                                   ErrTooManyLabels                 EKS service quotas (service-quotas.html: label pairs per Fargate profile selector)
//	selector namespace (required) and labels valid names      ErrInvalidSpec                   CreateFargateProfile (a namespace is required); Kubernetes names and labels (wildcards * ? allowed)
//	no selector in two profiles (a pod would land on either)  ErrDuplicateSelector             EKS user guide, Fargate profile (fargate-profile.html: a pod matching several profiles gets one at random)
//	a profile selects the CoreDNS pods                        ErrNoCoreDNSProfile              EKS user guide, Fargate getting started (fargate-getting-started.html: CoreDNS on Fargate)
//	profile subnets: an existing network's private subnets    ErrInvalidSpec                   CreateFargateProfile ("subnets ... of the cluster's VPC"; only private subnets)
//	profile subnets not repeated                              ErrDuplicateSubnet               CreateFargateProfile (subnets)
//	add-on version of the form v1.2.3-eksbuild.4              ErrInvalidSpec                   CreateAddon API reference (addonVersion, as DescribeAddonVersions lists it)
//	CoreDNS replicas ≥ 0; resources Kubernetes quantities     ErrInvalidSpec                   the coredns add-on's configuration schema (DescribeAddonConfiguration)
//	pod-execution role: a role ARN, or Path and Boundary      ErrInvalidSpec                   IAM API reference, CreateRole (Path: / ... /, ≤ 512; PermissionsBoundary a policy ARN)
//	OIDC thumbprints: 40 hex characters, distinct, ≤ 5        ErrInvalidSpec                   IAM API reference, CreateOpenIDConnectProvider (ThumbprintList)
//	Fargate logging: at least one output                      ErrInvalidLoggingConfig          EKS user guide, Fargate logging (fargate-logging.html: output.conf is required)
//	log group name; log stream prefix without : * or spaces   ErrInvalidSpec                   CloudWatch Logs API, CreateLogGroup / CreateLogStream (name patterns)
//	Firehose delivery stream, Kinesis stream names            ErrInvalidSpec                   Firehose CreateDeliveryStream, Kinesis CreateStream (name patterns)
//	OpenSearch domain ARN with region, host name, index name  ErrInvalidSpec                   OpenSearch Service ARNs; OpenSearch index naming rules
//	the aws-logging ConfigMap (keys, sections, ≤ 5300 ch.)    ErrInvalidLoggingConfig          EKS user guide, Fargate logging (fargate-logging.html), see ValidateLoggingConfig
//	tags: ≤ 50, keys 1-128 without aws:, values ≤ 256         ErrInvalidSpec                   AWS tagging (tagging best practices, tag restrictions); spec and profile tags
//	≤ 50 tags on each resource with the ones fargatekit adds  ErrInvalidSpec                   the same limit (MaxTagsPerResource) counted with TagCluster, TagPart, Name, the subnet role tags, TagDeletionProtection
//	kubeconfig: exec fargatekit or aws; role ARN; profile     ErrInvalidSpec                   aws eks get-token / fargatekit token (--role-arn, --profile: a shared-config profile name)
//
// Apply, Plan and Delete check these against AWS: all but the last three
// before their first write (Plan is Apply reading only, so it reports them
// too), the last three at each existing resource, before writing to it (a
// run stops there; its Outputs hold what it did). The Pulumi component
// checks the location, the zones, an existing network and the add-on
// versions with the AWS provider's invokes before its first child (see its
// documentation).
//
//	rule                                                       error                        checked by, source
//	explicit Region/AccountID equal to the configuration's     ErrLocationMismatch          Locate, CheckLocation (STS GetCallerIdentity); ARNs and the pod-execution trust are built from them
//	a region is configured (never guessed)                     ErrInvalidSpec               Locate
//	ClusterName given (the component defaults it)              ErrInvalidSpec               NewResolved
//	named zones available in the region, IDs EKS supports      ErrUnsupportedZone           SelectZones on DescribeAvailabilityZones; EKS user guide, subnet requirements (network-reqs.html); eksctl skips the same IDs
//	AZCount zones with IDs EKS supports (some are skipped)     ErrUnsupportedZone           SelectZones, see UnsupportedZoneIDs (use1-az3, usw1-az2, cac1-az3); CreateCluster UnsupportedAvailabilityZoneException
//	existing subnets in the VPC                                ErrSubnetNotInVPC            CheckExistingNetwork (DescribeSubnets); CreateCluster (subnets of one VPC)
//	existing private subnets in ≥ 2 zones                      ErrSubnetZones               CheckExistingNetwork; EKS user guide, subnet requirements (network-reqs.html)
//	existing private subnets in zones EKS supports             ErrUnsupportedZone           CheckExistingNetwork (zone IDs); network-reqs.html
//	Fargate pods' subnets private (no internet gateway route)  ErrPublicSubnetForPods       CheckExistingNetwork (route tables, the main one included); EKS user guide, Fargate profile ("only private subnets")
//	add-on version compatible with the Kubernetes version      ErrAddonVersionIncompatible  ResolveAddonVersion on DescribeAddonVersions (AddonVersionError names what EKS offers); EKS add-on version tables (managing-coredns.html, ...)
//	no deletion protection on the cluster Delete removes       ErrDeletionProtected         Delete (DescribeCluster), before it deletes anything; EKS user guide (deletion-protection.html: DeleteCluster is refused)
//	the cluster gone before its load balancers are swept       ErrClusterExists             Sweep (DescribeCluster): the controller may still own them
//	a resource found by name carries the cluster's tag         ErrNotOwned                  Apply and Delete never adopt or delete what another owner made
//	an existing resource matches what cannot change in place   ErrDrift                     Apply: a VPC's or subnet's CIDR and zone (EC2: immutable), the cluster's role and subnets, a KMS key pending deletion
//	a profile of the same name has the same content            ErrProfileMismatch           EnsureFargateProfiles (ProfileMismatchError); CreateFargateProfile: profiles are immutable
//	Logging on a new cluster: some identity can reach its API  ErrNoClusterAccess           Apply, Plan (DescribeCluster): BootstrapClusterCreatorAdminPermissions false grants no one access (EKS user guide, access entries)
//
// Rules AWS applies while the deployment runs, handled rather than refused:
//
//	AWS behaviour                                            handling                                                                                      source
//	one Fargate profile CREATING or DELETING per cluster     EnsureFargateProfiles retries ResourceInUseException; the component's error hook (BusyRetry)  CreateFargateProfile / DeleteFargateProfile API reference
//	one cluster update at a time                             SetDeletionProtection retries; BusyRetry                                                      UpdateClusterConfig API reference (ResourceInUseException)
//	an add-on being updated refuses another update           BusyRetry (the component)                                                                     UpdateAddon API reference
//	a new IAM role is not assumable for seconds              retried, then ErrIAMNotReady (IAMNotReadyError)                                               IAM eventual consistency (troubleshoot_general.html)
//	a changed profile must be replaced (profiles immutable)  create first (ProfileName), roll CoreDNS onto it, delete last                                 CreateFargateProfile ("create a new updated profile ... then delete the original")
//	a profile or cluster update can fail                     ErrProfileFailed (CREATE_FAILED, DELETE_FAILED), ErrUpdateFailed (Failed, Cancelled)          DescribeFargateProfile, DescribeUpdate API reference
//	load balancers the controller left block the network     Sweep / SweepLeftovers; reported in DeleteIncompleteError (ErrDeleteIncomplete)               EKS user guide, deleting a cluster (delete-cluster.html: delete Services of type LoadBalancer first)
//	EKS makes /aws/eks/<cluster>/cluster without retention   created first with ControlPlaneLogRetentionDays                                               EKS user guide, control plane logs (control-plane-logs.html)
//	a rollout is refused by a PodDisruptionBudget            RollDeployments waits, then ErrBudgetBlocked; a failed rollout is ErrRolloutFailed            Kubernetes, disruptions and the eviction API; kubectl rollout status
//
// The zone, VPC and route rules need EC2: [CheckExistingNetwork] applies
// them ([DescribeExistingNetwork] + the pure [CheckSubnets], which Validate
// runs on IDs alone). Zones are chosen by ID ([SelectZones], from
// [ZonesFromEC2] or the Pulumi provider's getAvailabilityZones), skipping
// [UnsupportedZoneIDs]. A private-only endpoint is allowed but warned about
// ([ClusterSpec.Warnings]): the deployment's own Kubernetes client needs a
// network path into the VPC.
//
// # Change without outage
//
// Profiles are immutable. [ProfileName] gives each a physical name with a
// content hash (selectors and its own subnets), so a change is a new profile,
// created before the old one is deleted, one at a time, as the
// CreateFargateProfile reference prescribes ("create a new updated profile to
// replace an existing profile and then delete the original"). Renaming
// profiles this way replaces every profile of an existing cluster once
// (create first, so without an outage).
//
// # Add-ons
//
// CoreDNS is always installed (computeType Fargate, after the profile that
// selects its pods). kube-proxy and vpc-cni are off by default: both are
// DaemonSets, and a DaemonSet's pods only run on EC2 nodes; a Fargate node
// brings its own kube-proxy and CNI, which EKS manages ("kube-proxy ... isn't
// deployed to Fargate nodes", managing-kube-proxy.html; the VPC CNI "is
// deployed with each Fargate node ... you don't update it on Fargate nodes",
// managing-vpc-cni.html). On a Fargate-only cluster the two add-ons are
// DaemonSets with no pods, updated for nothing at every upgrade.
// [Addons].KubeProxy and VpcCNI (or a pinned version) install them, for a
// cluster that also gets EC2 nodes. A stack made by an earlier fargatekit,
// which always installed them, sees the component delete the
// <name>-kube-proxy and <name>-vpc-cni add-ons on its next update (EKS then
// removes their empty DaemonSets; Fargate pods are not affected); set the
// fields to keep them. The SDK's Apply leaves add-ons it does not manage in
// place.
//
// Versions: a pinned version must be one EKS offers for the cluster's
// Kubernetes version, and an empty one is EKS's default for it, resolved
// before anything is written ([ResolveAddonVersion], DescribeAddonVersions;
// the component uses the provider's getAddonVersion). Changing
// KubernetesVersion therefore moves unpinned add-ons to the new version's
// default, and an incompatible pin is a [*AddonVersionError]
// ([ErrAddonVersionIncompatible]) naming what EKS offers, before apply.
//
// # Deletion protection, logs, security group
//
// DeletionProtection sets EKS's deletion protection (CreateCluster) and
// converges it on an existing cluster ([SetDeletionProtection]:
// UpdateClusterConfig, the update followed until Successful); [Delete]
// refuses a protected cluster with [ErrDeletionProtected] before deleting
// anything. With LogTypes, the control plane's log group
// ([ControlPlaneLogGroup], /aws/eks/<cluster>/cluster) is created before the
// cluster with ControlPlaneLogRetentionDays ([DefaultControlPlaneLogRetentionDays]),
// a group of that name EKS made earlier is adopted (tagged, retention set),
// and Delete removes it after the cluster. [Outputs].ClusterSecurityGroupID
// is the security group EKS creates for the cluster.
//
// # Existing subnets' tags
//
// With ExistingNetwork.TagSubnets, Apply adds only the tags a subnet lacks
// ([OwnedSubnetTags]) and records the keys it added under
// [AddedSubnetTagsKey]: a tag someone else set (another cluster's, or a
// role tag with another value) is never changed, and Delete removes only
// the cluster tag it added (and the record); the shared load balancer role
// tags stay.
//
// # Destroy leaves nothing
//
// Delete removes the cluster in reverse order (profiles one at a time,
// add-ons, cluster, log group, OIDC provider, key, roles, network). What
// the cluster's load balancer controller left when it was removed before
// its Ingresses and Services (load balancers, target groups, their network
// interfaces, security groups, all tagged elbv2.k8s.aws/cluster=<cluster>)
// blocks the subnets and the VPC: Delete reports each in a
// [*DeleteIncompleteError], by name, and with [SweepLeftovers] (or [Sweep]
// alone, which refuses to run while the cluster exists) removes them first.
// The Pulumi component runs Sweep from resource hooks.
//
// # Kubernetes versions
//
// An empty KubernetesVersion means [DefaultKubernetesVersion] (1.36, in
// standard support on [KubernetesReleasesAsOf]); [VersionSupport] tells
// standard from extended support (six times the price) for any day, and
// UpgradePolicy (STANDARD or EXTENDED) chooses what EKS does at the end of
// standard support.
//
// # Fargate logging
//
// Fargate's built-in log router (Fluent Bit) is configured by the aws-logging
// ConfigMap in the aws-observability namespace, labelled
// aws-observability=enabled (EKS user guide, "Start AWS Fargate logging for
// your cluster", https://docs.aws.amazon.com/eks/latest/userguide/fargate-logging.html).
// [LoggingSpec] (ClusterSpec.Logging) is typed: CloudWatch Logs, Firehose,
// Kinesis and OpenSearch outputs, the kubernetes filter, extra filters and
// parsers, flb_log_cw. [RenderLoggingConfig] renders the ConfigMap's data and
// [ValidateLoggingConfig] checks it with the page's rules (only output.conf,
// filters.conf, parsers.conf and flb_log_cw; each section under its key;
// Name/Match and Name/Format required; the supported filters and outputs; no
// ${ENV}; one indentation per value; the kubernetes filter's service-owned
// keys; at most 5300 characters), each a [*LoggingConfigError] wrapping
// [ErrInvalidLoggingConfig]. [LoggingPolicy] is the pod-execution role's
// policy for exactly the configured destinations; [ApplyLogging] applies
// the namespace and the ConfigMap by server-side apply. Fargate reads the
// ConfigMap when a pod starts.
//
// [Resolved.Logging] is what logging makes for a cluster, for the component
// and for [Apply] alike: the pods' log group (with a CloudWatch output:
// [LoggingSpec.LogGroupName], [LoggingSpec.RetentionDays], part
// [PartFargateLogs]), the logs policy (part [PartFargateLogging]; the SDK
// names it [LoggingPolicyName], Pulumi names the component's) and the
// ConfigMap's data. Apply creates the group (one of the name without the
// cluster's tags is [ErrNotOwned]: the router writes with
// auto_create_group false, and Delete must not remove someone else's),
// creates or updates the policy (a new default version, the oldest of
// IAM's five removed first) and attaches it to the pod-execution role (the
// created one, or the spec's own, as the component does), then, once the
// cluster is ACTIVE and its profiles exist and before the add-ons, applies
// the namespace and the ConfigMap through Clients.Kubernetes
// ([KubernetesFromAWS] by default: EKS tokens from the AWS credentials).
// It reads them first and writes only what differs, so a second run makes no
// write on AWS or Kubernetes. A changed log group name is created first; the
// old group (found in the policy's replaced document) is deleted once the
// ConfigMap names the new one. Logging removed from the spec: the next
// Apply deletes what an earlier one made, found by the SDK's policy: the
// ConfigMap (when [FieldManager] applied it), the namespace (when no other
// field manager owns any of it), the log groups the policy names (with the
// cluster's tags only), then the policy, detached first. [Delete] removes
// the group and the policy after the cluster and before the roles, the
// policy detached from every role first (a role with a policy attached
// cannot be deleted: eksctl#3705).
//
// # Rolling Fargate pods
//
// EKS upgrades the control plane, not the Fargate pods: each pod keeps the
// node and kubelet it started with. [RollDeployments] restarts deployments
// one at a time (the restartedAt annotation of "kubectl rollout restart"),
// waits for each rollout as "kubectl rollout status" does, and starts the
// next only when the PodDisruptionBudgets of its pods allow a disruption.
// The CLI is "fargatekit roll pods". [WithRollOntoReplacement] makes
// [EnsureFargateProfiles] move CoreDNS (and named deployments) onto a
// changed profile's replacement, pinned with [LabelFargateProfile], before
// the old profile is deleted; [RollOntoProfile] does it alone. A pinned pod
// template names its profile: a later replacement must re-pin it (this
// option does), or its new pods match no profile.
//
// # Pure renderers
//
// [SubnetLayout] (the CIDR plan: big private subnets for pods, small public
// ones), [SubnetTags] (kubernetes.io/role/elb, kubernetes.io/role/internal-elb,
// kubernetes.io/cluster/<name>=shared), [ClusterRoleTrust],
// [PodExecutionRoleTrust] (eks-fargate-pods with an ArnLike aws:SourceArn
// condition on the cluster's Fargate profiles) and [CoreDNSConfigurationValues]
// ({"computeType":"Fargate"}) are pure functions; the component calls the same
// functions. IAM documents are [iampolicy.Document]s and every ARN and service
// principal comes from internal/partition, so aws-cn and aws-us-gov work.
//
// # Applying with the AWS SDK
//
// [EnsureFargateProfiles] creates profiles with aws-sdk-go-v2 one at a time,
// waiting for each to become ACTIVE, retrying with backoff when EKS answers
// ResourceInUseException, skipping profiles that already match, and returning
// a [*ProfileMismatchError] when a profile of the same name differs. Profiles
// get their [ProfileName]; after a changed profile is ACTIVE, its earlier
// versions (the same Name with another hash, or the bare Name an older
// fargatekit used) are deleted, one at a time, each waited out.
// [CheckExistingNetwork] checks a bring-your-own network against EC2.
//
// # The whole cluster: Apply, Plan and Delete
//
// [Apply] converges everything the Pulumi component builds, with the
// aws-sdk-go-v2 clients ([NewClients], or any [Clients] of the narrow
// interfaces [NetworkAPI], [IAMAPI], [ClusterAPI], [STSAPI], [KMSAPI],
// [LogsAPI], [LoadBalancerAPI], and a [KubernetesFunc]): the
// VPC or a checked existing network, the two roles, Fargate logging's log
// group and policy, the optional KMS key, the cluster (waited for until
// ACTIVE), the OIDC provider, the Fargate profiles one at a time, Fargate
// logging's namespace and ConfigMap, the add-ons (CoreDNS on Fargate after
// its profile) and the kubeconfig, returning [Outputs]. It resolves the spec
// once ([Locate], [NewResolved]: region, account, partition, zones) and
// renders every resource with the models the component uses
// ([ResourceTags], [NetworkTags], [Resolved.ClusterRole],
// [Resolved.PodExecutionRole], [Resolved.Addons], [Resolved.Logging], [SecretsKeyDescription],
// [PublicAccessCIDRs]). Each resource carries [TagCluster] and [TagPart]:
// Apply finds what exists by them (a second run writes nothing) and
// [Delete] removes what they mark, in reverse order, reporting what it
// could not remove in a [*DeleteIncompleteError]. [Plan] is Apply with
// [DryRun]: the same code, reads only. EKS refusing a role IAM has not
// propagated yet is retried, bounded, then [ErrIAMNotReady]. Progress of
// every step and wait goes to [LogTo] and [OnProgress].
package eksfargate
