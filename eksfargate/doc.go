// Package eksfargate builds a Fargate-only EKS cluster, from an empty account
// to a cluster whose CoreDNS runs on Fargate, as a Pulumi component
// ([NewFargateCluster]) and as plain Go (the pure renderers and
// [EnsureFargateProfiles]).
//
// # The spec
//
// [FargateClusterArgs] is plain Go for everything that decides which resources
// exist: create a VPC ([VPCArgs]) or use an existing one ([ExistingNetwork]),
// the Fargate profiles and their selectors, the endpoint access, the log types,
// secrets encryption, the authentication mode, add-on versions and tags.
// Values that come from other resources (existing VPC and subnet IDs, a KMS key
// ARN) are Pulumi inputs. [FargateClusterArgs.Validate] reports every problem at
// once, each a [*FieldError] wrapping [ErrInvalidSpec]; the component refuses an
// invalid spec before registering anything.
//
// Defaults: a 10.0.0.0/16 VPC over 2 availability zones with one NAT gateway per
// zone, endpoint access public and private, authentication mode
// API_AND_CONFIG_MAP, the cluster creator bootstrapped as admin, and one Fargate
// profile, fp-default, selecting the kube-system and default namespaces. One
// profile must select the CoreDNS pods ([ErrNoCoreDNSProfile] otherwise).
// Region, account and partition come from the AWS provider (the getRegion,
// getCallerIdentity and getPartition invokes) unless given; a region is never
// guessed.
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
// # The component and its children
//
// [NewFargateCluster](ctx, name, args) registers a component of type
// fargatekit:eksfargate:FargateCluster. Child names are API (renaming one
// replaces the resource); with the component named <name> and zones numbered
// <i> = 0, 1, ...:
//
//	aws:ec2/vpc:Vpc                                   <name>-vpc                 (created network only)
//	aws:ec2/internetGateway:InternetGateway           <name>-igw
//	aws:ec2/routeTable:RouteTable                     <name>-public, <name>-private-<i>
//	aws:ec2/route:Route                               <name>-public-internet, <name>-private-<i>-nat
//	aws:ec2/subnet:Subnet                             <name>-public-<i>, <name>-private-<i>
//	aws:ec2/routeTableAssociation:RouteTableAssociation <name>-public-<i>, <name>-private-<i>
//	aws:ec2/eip:Eip, aws:ec2/natGateway:NatGateway    <name>-nat-<i> (only <name>-nat-0 with SingleNATGateway)
//	aws:ec2/tag:Tag                                   <name>-<public|private>-<i>-<cluster|elb|internal-elb>-tag
//	                                                  (existing network with TagSubnets only)
//	aws:iam/role:Role                                 <name>-cluster-role, <name>-pod-execution-role
//	aws:iam/rolePolicyAttachment:RolePolicyAttachment <name>-cluster-role-AmazonEKSClusterPolicy,
//	                                                  <name>-pod-execution-role-AmazonEKSFargatePodExecutionRolePolicy
//	aws:kms/key:Key                                   <name>-secrets (SecretsEncryption.CreateKey only)
//	aws:eks/cluster:Cluster                           <name>-cluster
//	fargatekit:irsa:OIDCProvider                      <name>-oidc (its IAM OIDC provider is <name>-oidc too)
//	aws:eks/fargateProfile:FargateProfile             <name>-profile-<profile name>
//	aws:eks/addon:Addon                               <name>-coredns, <name>-kube-proxy, <name>-vpc-cni
//	pulumi:providers:kubernetes                       <name>-k8s
//
// Ordering: the cluster waits for its role's policy attachment. Fargate
// profiles are created strictly one after another (profile i depends on profile
// i-1; EKS refuses a profile while another is CREATING or DELETING), the first
// after the pod-execution policy and the private routes. The same chain makes
// destroy delete them one at a time, last first, as EKS also requires. The CoreDNS add-on,
// configured with computeType Fargate, depends on the first profile that
// selects its pods; the cluster is created with bootstrapSelfManagedAddons
// false, so no EC2-annotated CoreDNS ever exists and nothing needs kubectl, on
// create or on destroy. All add-ons resolve conflicts with OVERWRITE.
//
// Outputs: the cluster name and ARN, endpoint, certificate authority, OIDC
// issuer and provider ARN, pod-execution role ARN, VPC and subnet IDs, and a
// kubeconfig (secret) rendered by [kubeauth.RenderKubeconfig] whose exec plugin
// is "fargatekit token" or, with KubeconfigOptions.Exec "aws", "aws eks
// get-token". The Kubernetes provider <name>-k8s is built from it; whoever runs
// the deployment needs that command on PATH. *FargateCluster implements
// [clusterref.ClusterRef] (Ready returns the CoreDNS add-on), so irsa, lbc and
// authmap components take it directly.
//
// # Without Pulumi
//
// [EnsureFargateProfiles] creates profiles with aws-sdk-go-v2 one at a time,
// waiting for each to become ACTIVE, retrying with backoff when EKS answers
// ResourceInUseException, skipping profiles that already match, and returning
// a [*ProfileMismatchError] when a profile of the same name differs.
package eksfargate
