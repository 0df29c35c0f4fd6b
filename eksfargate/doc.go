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
//	aws:ec2/tag:Tag                                   <name>-<public|private>-<i>-<cluster|elb|internal-elb|record>-tag
//	                                                  (existing network with TagSubnets only: the tags a subnet
//	                                                  lacks, read with getSubnet, and the record of the keys
//	                                                  added (sdk.AddedSubnetTagsKey); a tag someone else set is
//	                                                  never declared; the shared elb and internal-elb tags are
//	                                                  RetainOnDelete: destroy leaves them)
//	aws:iam/role:Role                                 <name>-cluster-role, <name>-pod-execution-role
//	                                                  (not with PodExecutionRole.ARN)
//	aws:iam/rolePolicyAttachment:RolePolicyAttachment <name>-cluster-role-AmazonEKSClusterPolicy,
//	                                                  <name>-pod-execution-role-AmazonEKSFargatePodExecutionRolePolicy
//	aws:kms/key:Key                                   <name>-secrets (SecretsEncryption.CreateKey only)
//	aws:cloudwatch/logGroup:LogGroup                  <name>-control-plane-logs (/aws/eks/<cluster>/cluster, with
//	                                                  LogTypes only; before the cluster, with retention)
//	aws:eks/cluster:Cluster                           <name>-cluster
//	fargatekit:irsa:OIDCProvider                      <name>-oidc (its IAM OIDC provider is <name>-oidc too)
//	aws:eks/fargateProfile:FargateProfile             <name>-profile-<profile name>
//	                                                  (physical name <profile name>-<content hash>)
//	aws:eks/addon:Addon                               <name>-coredns; <name>-kube-proxy, <name>-vpc-cni only when
//	                                                  Addons.KubeProxy / VpcCNI (or a pinned version) ask for them
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
// # AWS's rules before the first child
//
// The SDK layer's documentation lists every AWS rule with its source. The
// component checks them before any child registers, in this order: the
// first four before the component itself registers (a refused spec
// registers nothing), the invokes' checks after it, with no child yet.
// Every error but kubeauth.ErrExecNotFound wraps ErrInvalidSpec.
//
//	check                                                        error                                          how
//	every rule of ClusterSpec.Validate (the SDK's first table)   ErrInvalidSpec, ErrNoCoreDNSProfile, sdk.Err*  FargateClusterArgs.Validate, placeholders for inputs
//	Network exclusive with VPC and Existing, with its VpcID and  ErrInvalidSpec                                 FargateClusterArgs.Validate
//	  PrivateSubnetIDs; SecretsKeyARN exclusive with
//	  SecretsEncryption
//	the component's name an EKS cluster name (no ClusterName)    ErrInvalidSpec                                 before registering
//	the kubeconfig's exec command on PATH                        kubeauth.ErrExecNotFound                       kubeauth.CheckExec (not under mocks)
//	explicit Region/AccountID equal to the provider's            sdk.ErrLocationMismatch                        getRegion, getCallerIdentity (sdk.Locate)
//	an existing network: subnets in the VPC, private ones in     sdk.ErrSubnetNotInVPC, sdk.ErrSubnetZones,     getSubnets, getSubnet, getRouteTables, getRouteTable
//	  ≥ 2 zones EKS supports, none routing to an internet        sdk.ErrUnsupportedZone,                        (sdk.CheckSubnets, as the SDK's CheckExistingNetwork)
//	  gateway                                                    sdk.ErrPublicSubnetForPods
//	a pinned add-on version not newer than EKS's newest for      sdk.ErrAddonVersionIncompatible                getAddonVersion (mostRecent)
//	  KubernetesVersion
//	zones by ID: named ones available and supported, enough      sdk.ErrUnsupportedZone                         getAvailabilityZones (sdk.SelectZones)
//	  supported ones for AZCount
//	Network inputs: the SDK's subnet ID rules once known         ErrInvalidSpec                                 inside apply; the cluster and profiles wait for them
//
// Errors at run time:
//
//	error            when
//	ErrNoIssuer      the cluster's identity has no OIDC issuer (OIDCIssuer)
//	ErrNoKubeconfig  the roll-onto-replacement hook runs before the program gave it the component's kubeconfig
//	                 (the program did not run: pulumi destroy needs --run-program)
//
// A restricted public-only endpoint on a created network gets the NAT
// gateways' Elastic IPs as /32s in publicAccessCidrs; a private-only
// endpoint is logged as a warning (the Kubernetes provider below must reach
// it). UpgradePolicy and ZonalShift are passed to the cluster; deletion
// protection is set by resource hooks (below).
//
// Outputs are fields: the cluster name and ARN, endpoint, certificate
// authority, OIDC issuer and provider ARN, pod-execution role ARN, VPC and
// subnet IDs, and a kubeconfig (secret) rendered by kubeauth.RenderKubeconfig
// whose exec plugin is "fargatekit token" or, with KubeconfigOptions.Exec
// "aws", "aws eks get-token". The Kubernetes provider <name>-k8s is built from
// it; whoever runs the deployment needs that command on PATH.
// ClusterSecurityGroupID is the security group EKS made for the cluster.
// *FargateCluster is a [clusterref.ClusterRef] (Ref; Ready returns the CoreDNS
// add-on and the last Fargate profile), so irsa, lbc and authmap components
// take it directly.
//
// # Add-ons and Kubernetes upgrades
//
// kube-proxy and vpc-cni are not installed by default (DaemonSets have no
// node to run on in a Fargate-only cluster; the SDK layer's documentation
// gives the reasoning): a stack from an earlier version sees its
// <name>-kube-proxy and <name>-vpc-cni add-ons deleted on its next update,
// unless Addons.KubeProxy / VpcCNI are set. Unpinned add-ons get EKS's
// default version for KubernetesVersion (the provider's getAddonVersion
// invoke), so raising KubernetesVersion updates the cluster, then moves the
// add-ons to the new version's default; a pinned version newer than the
// newest EKS offers for KubernetesVersion is refused before any child
// registers (sdk.ErrAddonVersionIncompatible); an older pin that EKS does
// not offer is refused by EKS at apply (the SDK's Plan, or "fargatekit plan
// cluster", checks it against DescribeAddonVersions). A stack from an
// earlier version, whose add-ons had no version input, sees them pinned to
// the default of its Kubernetes version (an update when EKS installed
// another one).
//
// The control plane's log group (with LogTypes) is created before the
// cluster; a stack whose cluster already logs has one EKS made: the create
// fails with ResourceAlreadyExistsException until it is imported once
// (pulumi import aws:cloudwatch/logGroup:LogGroup <name>-control-plane-logs
// /aws/eks/<cluster>/cluster, with the component as parent); the next
// update then sets its retention and tags.
//
// # Resource hooks
//
// The component binds Pulumi resource hooks (pulumi.ResourceHookBinding),
// registered under <name>-<purpose>:
//
//	hook                                bound to                    does
//	<name>-busy-retry (OnError)         cluster, profiles, add-ons  retries EKS's ResourceInUseException from other actors
//	                                                                (another stack, eksctl, an update in progress), bounded by
//	                                                                BusyRetry (default 8 tries, 15s doubling to 2m); never
//	                                                                "already exists"
//	<name>-deletion-protection-created  cluster, after create       turns deletion protection on (sdk.SetDeletionProtection)
//	<name>-deletion-protection-updated  cluster, before update      sets it when ClusterSpec.DeletionProtection changed (or is on)
//	<name>-roll-onto-replacement        profiles, before delete     moves CoreDNS and RollOntoReplacement onto a changed
//	                                                                profile's replacement before the old one is deleted
//	<name>-sweep-after-cluster          cluster, after delete       sdk.Sweep: the load balancers, target groups, interfaces
//	                                                                and security groups the cluster's controller left
//	<name>-sweep-network                VPC and subnets (created    the same, before they are deleted; nothing while the
//	                                    network), before delete     cluster exists
//
// Deletion protection: pulumi-aws v6.83 has no argument for it, so the
// cluster carries the tag fargatekit.io/deletion-protection=on
// (sdk.TagDeletionProtection) when ClusterSpec.DeletionProtection is set,
// and the hooks call the SDK. The hooks, and the sweeps, call AWS with the
// program's credentials: aws-sdk-go-v2's default chain in the cluster's
// region, or FargateClusterArgs.HookAWSConfig; these are not the Pulumi AWS
// provider's when that is configured otherwise (a profile or assumeRole in
// the stack's configuration): give them through HookAWSConfig then. The
// after-create hook's failure is a warning (Pulumi does not fail a create
// for an after hook): its text names the failure and the command that
// sets the protection; the before-update hook's failure fails the update.
// With protection on, pulumi destroy fails at the cluster (EKS:
// InvalidRequestException): set DeletionProtection false and pulumi up
// first.
//
// A changed profile is replaced create-first; its old version's
// before-delete hook then pins CoreDNS (and the deployments in
// RollOntoReplacement) to the new version with the
// eks.amazonaws.com/fargate-profile label and rolls them one at a time,
// respecting PodDisruptionBudgets (sdk.RollOntoProfile), through the
// component's kubeconfig; only then is the old profile deleted (deleting a
// profile deletes its pods at once). On destroy (the same physical name)
// and for a profile no longer declared, the hook does nothing. The hook is
// recorded with the profile: the replacement that renames every profile of
// a stack from before content-hashed names runs without it (create-first
// still holds).
//
// Delete hooks need the program at destroy: run pulumi destroy
// --run-program (the engine refuses a plain destroy of a stack with delete
// hooks, pointing at the flag). NoDeleteHooks registers none (a plain
// destroy works; no roll, no sweep). Error hooks need a Pulumi CLI that
// supports them; BusyRetry.Attempts -1 registers none.
//
// # Destroy order
//
// The dependencies make pulumi destroy delete, in order: workloads that
// depend on Ready() (and LBCRelease, which does), the CoreDNS add-on, the
// profiles one at a time (last first, each after the one created after it),
// the OIDC provider and the cluster (then the after-delete sweep), the
// roles, the network (each subnet and the VPC after the sweep). A test
// proves the order from the recorded graph (testdata/destroy-order.txt).
package eksfargate
