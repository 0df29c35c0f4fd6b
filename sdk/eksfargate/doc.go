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
// a [*ProfileMismatchError] when a profile of the same name differs.
package eksfargate
