// Package eksfargate holds the Pulumi component of a Fargate-only EKS
// cluster: [NewFargateCluster] (fargatekit:eksfargate:FargateCluster), from
// an empty account to a cluster whose CoreDNS runs on Fargate.
//
// [FargateClusterArgs] embed the plain [ClusterSpec] of the Pulumi-free layer,
// github.com/fargatekit/fargatekit/sdk/eksfargate (validation, the pure
// renderers this component calls, and the AWS SDK functions), and add the
// values that come from other resources as inputs: a bring-your-own network
// ([NetworkArgs], what awsx and stack references give) and a KMS key ARN.
// The types and constants a ClusterSpec needs are aliased here, so a Pulumi
// program imports one package.
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
//	                                                  (existing network with TagSubnets only; the shared elb and
//	                                                  internal-elb tags are RetainOnDelete: destroy leaves them)
//	aws:iam/role:Role                                 <name>-cluster-role, <name>-pod-execution-role
//	                                                  (not with PodExecutionRole.ARN)
//	aws:iam/rolePolicyAttachment:RolePolicyAttachment <name>-cluster-role-AmazonEKSClusterPolicy,
//	                                                  <name>-pod-execution-role-AmazonEKSFargatePodExecutionRolePolicy
//	aws:kms/key:Key                                   <name>-secrets (SecretsEncryption.CreateKey only)
//	aws:eks/cluster:Cluster                           <name>-cluster
//	fargatekit:irsa:OIDCProvider                      <name>-oidc (its IAM OIDC provider is <name>-oidc too)
//	aws:eks/fargateProfile:FargateProfile             <name>-profile-<profile name>
//	                                                  (physical name <profile name>-<content hash>)
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
// Changing a profile (selectors, its subnets) changes its physical name
// (sdk.ProfileName), so Pulumi creates the new profile, in the chain after
// the previous one, before deleting the old: the pods it selects always have
// a profile. A fixed name would force delete-first, and pods evicted
// meanwhile would stay Pending (for kube-system: no DNS).
//
// AWS's rules are checked before any child registers (the table in the SDK
// layer's documentation): the spec's, then the provider's region and account
// against explicit ones (sdk.ErrLocationMismatch; the component itself is
// registered by then, with no children), then the zones by ID (the zone IDs
// EKS refuses are skipped; naming one is sdk.ErrUnsupportedZone). A
// restricted public-only endpoint on a created network gets the NAT
// gateways' Elastic IPs as /32s in publicAccessCidrs; a private-only
// endpoint is logged as a warning (the Kubernetes provider below must reach
// it). UpgradePolicy and ZonalShift are passed to the cluster; the pinned
// pulumi-aws (v6.83) has no deletion-protection argument for eks.Cluster.
//
// Outputs are fields: the cluster name and ARN, endpoint, certificate
// authority, OIDC issuer and provider ARN, pod-execution role ARN, VPC and
// subnet IDs, and a kubeconfig (secret) rendered by kubeauth.RenderKubeconfig
// whose exec plugin is "fargatekit token" or, with KubeconfigOptions.Exec
// "aws", "aws eks get-token". The Kubernetes provider <name>-k8s is built from
// it; whoever runs the deployment needs that command on PATH.
// *FargateCluster is a [clusterref.ClusterRef] (Ref; Ready returns the CoreDNS
// add-on), so irsa, lbc and authmap components take it directly.
package eksfargate
