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
// Validate reports every rule below at once (errors.Join), each a
// [*FieldError] wrapping [ErrInvalidSpec] and the named error, so that a
// spec EKS would refuse 15 minutes into an apply is refused before the first
// resource. The Pulumi component registers nothing for a refused spec.
//
//	rule                                                   error                            source
//	≤ 10 Fargate profiles per cluster                       ErrTooManyProfiles               EKS service quotas (docs.aws.amazon.com/eks/latest/userguide/service-quotas.html)
//	1-5 selectors per profile                               ErrTooManySelectors              same; CreateFargateProfile API reference
//	≤ 5 labels per selector                                 ErrTooManyLabels                 same (service quotas, Fargate profile selector labels)
//	profile name not starting with eks-                     ErrReservedProfileName           EKS user guide, Fargate profile (fargate-profile.html)
//	no selector in two profiles (a pod would land on either) ErrDuplicateSelector             EKS user guide, Fargate profile ("EKS picks one of the matches at random")
//	Kubernetes version one EKS offers                       ErrUnsupportedKubernetesVersion  EKS Kubernetes release calendar (kubernetes-versions.html), see KubernetesReleases
//	explicit Region/AccountID equal to the provider's       ErrLocationMismatch              (ARNs and the pod-execution trust are built from them)
//	restricted public-only endpoint allows the NAT addresses ErrPublicEndpointExcludesNAT     EKS user guide, cluster endpoint (cluster-endpoint.html) and Fargate considerations
//	public access CIDRs are public blocks                   ErrPrivatePublicCIDR             EKS API UpdateClusterConfig / VpcConfigRequest.publicAccessCidrs
//	zones EKS supports (not use1-az3, usw1-az2, cac1-az3)   ErrUnsupportedZone               EKS user guide, subnet requirements (network-reqs.html); eksctl skips the same IDs
//	existing subnets distinct                               ErrDuplicateSubnet               CreateCluster/CreateFargateProfile refuse duplicates
//	existing private subnets in ≥ 2 zones                   ErrSubnetZones                   EKS user guide, subnet requirements (network-reqs.html)
//	Fargate profile subnets private (no IGW route)          ErrPublicSubnetForPods           EKS user guide, Fargate profile ("only private subnets are supported")
//	existing subnets in the VPC                             ErrSubnetNotInVPC                CreateCluster (subnets of one VPC)
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
// interfaces [NetworkAPI], [IAMAPI], [ClusterAPI], [STSAPI], [KMSAPI]): the
// VPC or a checked existing network, the two roles, the optional KMS key,
// the cluster (waited for until ACTIVE), the OIDC provider, the Fargate
// profiles one at a time, the add-ons (CoreDNS on Fargate after its
// profile) and the kubeconfig, returning [Outputs]. It resolves the spec
// once ([Locate], [NewResolved]: region, account, partition, zones) and
// renders every resource with the models the component uses
// ([ResourceTags], [NetworkTags], [Resolved.ClusterRole],
// [Resolved.PodExecutionRole], [Resolved.Addons], [SecretsKeyDescription],
// [PublicAccessCIDRs]). Each resource carries [TagCluster] and [TagPart]:
// Apply finds what exists by them (a second run writes nothing) and
// [Delete] removes what they mark, in reverse order, reporting what it
// could not remove in a [*DeleteIncompleteError]. [Plan] is Apply with
// [DryRun]: the same code, reads only. EKS refusing a role IAM has not
// propagated yet is retried, bounded, then [ErrIAMNotReady]. Progress of
// every step and wait goes to [LogTo] and [OnProgress].
package eksfargate
