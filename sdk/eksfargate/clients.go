package eksfargate

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/sdk/irsa"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// NetworkAPI is the part of EC2 that Apply, Plan and Delete use for the
// network; *ec2.Client satisfies it.
type NetworkAPI interface {
	EC2API
	DescribeVpcs(ctx context.Context, in *ec2.DescribeVpcsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	CreateVpc(ctx context.Context, in *ec2.CreateVpcInput, optFns ...func(*ec2.Options)) (*ec2.CreateVpcOutput, error)
	ModifyVpcAttribute(ctx context.Context, in *ec2.ModifyVpcAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyVpcAttributeOutput, error)
	DescribeVpcAttribute(ctx context.Context, in *ec2.DescribeVpcAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcAttributeOutput, error)
	DeleteVpc(ctx context.Context, in *ec2.DeleteVpcInput, optFns ...func(*ec2.Options)) (*ec2.DeleteVpcOutput, error)
	CreateSubnet(ctx context.Context, in *ec2.CreateSubnetInput, optFns ...func(*ec2.Options)) (*ec2.CreateSubnetOutput, error)
	DeleteSubnet(ctx context.Context, in *ec2.DeleteSubnetInput, optFns ...func(*ec2.Options)) (*ec2.DeleteSubnetOutput, error)
	DescribeInternetGateways(ctx context.Context, in *ec2.DescribeInternetGatewaysInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInternetGatewaysOutput, error)
	CreateInternetGateway(ctx context.Context, in *ec2.CreateInternetGatewayInput, optFns ...func(*ec2.Options)) (*ec2.CreateInternetGatewayOutput, error)
	AttachInternetGateway(ctx context.Context, in *ec2.AttachInternetGatewayInput, optFns ...func(*ec2.Options)) (*ec2.AttachInternetGatewayOutput, error)
	DetachInternetGateway(ctx context.Context, in *ec2.DetachInternetGatewayInput, optFns ...func(*ec2.Options)) (*ec2.DetachInternetGatewayOutput, error)
	DeleteInternetGateway(ctx context.Context, in *ec2.DeleteInternetGatewayInput, optFns ...func(*ec2.Options)) (*ec2.DeleteInternetGatewayOutput, error)
	DescribeAddresses(ctx context.Context, in *ec2.DescribeAddressesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeAddressesOutput, error)
	AllocateAddress(ctx context.Context, in *ec2.AllocateAddressInput, optFns ...func(*ec2.Options)) (*ec2.AllocateAddressOutput, error)
	ReleaseAddress(ctx context.Context, in *ec2.ReleaseAddressInput, optFns ...func(*ec2.Options)) (*ec2.ReleaseAddressOutput, error)
	DescribeNatGateways(ctx context.Context, in *ec2.DescribeNatGatewaysInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNatGatewaysOutput, error)
	CreateNatGateway(ctx context.Context, in *ec2.CreateNatGatewayInput, optFns ...func(*ec2.Options)) (*ec2.CreateNatGatewayOutput, error)
	DeleteNatGateway(ctx context.Context, in *ec2.DeleteNatGatewayInput, optFns ...func(*ec2.Options)) (*ec2.DeleteNatGatewayOutput, error)
	CreateRouteTable(ctx context.Context, in *ec2.CreateRouteTableInput, optFns ...func(*ec2.Options)) (*ec2.CreateRouteTableOutput, error)
	DeleteRouteTable(ctx context.Context, in *ec2.DeleteRouteTableInput, optFns ...func(*ec2.Options)) (*ec2.DeleteRouteTableOutput, error)
	CreateRoute(ctx context.Context, in *ec2.CreateRouteInput, optFns ...func(*ec2.Options)) (*ec2.CreateRouteOutput, error)
	AssociateRouteTable(ctx context.Context, in *ec2.AssociateRouteTableInput, optFns ...func(*ec2.Options)) (*ec2.AssociateRouteTableOutput, error)
	DisassociateRouteTable(ctx context.Context, in *ec2.DisassociateRouteTableInput, optFns ...func(*ec2.Options)) (*ec2.DisassociateRouteTableOutput, error)
	CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteNetworkInterface(ctx context.Context, in *ec2.DeleteNetworkInterfaceInput, optFns ...func(*ec2.Options)) (*ec2.DeleteNetworkInterfaceOutput, error)
	DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error)
	DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, optFns ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	DeleteSecurityGroup(ctx context.Context, in *ec2.DeleteSecurityGroupInput, optFns ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error)
	RevokeSecurityGroupIngress(ctx context.Context, in *ec2.RevokeSecurityGroupIngressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
	RevokeSecurityGroupEgress(ctx context.Context, in *ec2.RevokeSecurityGroupEgressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error)
}

// IAMAPI is the part of IAM that Apply, Plan and Delete use: the roles and
// the OIDC provider (through sdk/irsa), and the Fargate logging policy
// ([PolicyAPI]); *iam.Client satisfies it.
type IAMAPI interface {
	irsa.RoleAPI
	irsa.OIDCProviderAPI
	PolicyAPI
	ListOpenIDConnectProviderTags(ctx context.Context, in *iam.ListOpenIDConnectProviderTagsInput, opts ...func(*iam.Options)) (*iam.ListOpenIDConnectProviderTagsOutput, error)
}

// PolicyAPI is the part of IAM that converges and deletes a customer
// managed policy (the Fargate logging policy); *iam.Client satisfies it.
type PolicyAPI interface {
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, opts ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, opts ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	CreatePolicy(ctx context.Context, in *iam.CreatePolicyInput, opts ...func(*iam.Options)) (*iam.CreatePolicyOutput, error)
	CreatePolicyVersion(ctx context.Context, in *iam.CreatePolicyVersionInput, opts ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error)
	ListPolicyVersions(ctx context.Context, in *iam.ListPolicyVersionsInput, opts ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error)
	DeletePolicyVersion(ctx context.Context, in *iam.DeletePolicyVersionInput, opts ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error)
	DeletePolicy(ctx context.Context, in *iam.DeletePolicyInput, opts ...func(*iam.Options)) (*iam.DeletePolicyOutput, error)
	ListEntitiesForPolicy(ctx context.Context, in *iam.ListEntitiesForPolicyInput, opts ...func(*iam.Options)) (*iam.ListEntitiesForPolicyOutput, error)
	ListPolicyTags(ctx context.Context, in *iam.ListPolicyTagsInput, opts ...func(*iam.Options)) (*iam.ListPolicyTagsOutput, error)
	TagPolicy(ctx context.Context, in *iam.TagPolicyInput, opts ...func(*iam.Options)) (*iam.TagPolicyOutput, error)
}

// ClusterAPI is the part of EKS that Apply, Plan and Delete use: clusters,
// Fargate profiles ([EKSAPI]) and add-ons; *eks.Client satisfies it.
type ClusterAPI interface {
	EKSAPI
	DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
	CreateCluster(ctx context.Context, in *eks.CreateClusterInput, optFns ...func(*eks.Options)) (*eks.CreateClusterOutput, error)
	DeleteCluster(ctx context.Context, in *eks.DeleteClusterInput, optFns ...func(*eks.Options)) (*eks.DeleteClusterOutput, error)
	CreateAddon(ctx context.Context, in *eks.CreateAddonInput, optFns ...func(*eks.Options)) (*eks.CreateAddonOutput, error)
	DescribeAddon(ctx context.Context, in *eks.DescribeAddonInput, optFns ...func(*eks.Options)) (*eks.DescribeAddonOutput, error)
	UpdateAddon(ctx context.Context, in *eks.UpdateAddonInput, optFns ...func(*eks.Options)) (*eks.UpdateAddonOutput, error)
	DeleteAddon(ctx context.Context, in *eks.DeleteAddonInput, optFns ...func(*eks.Options)) (*eks.DeleteAddonOutput, error)
	ListAddons(ctx context.Context, in *eks.ListAddonsInput, optFns ...func(*eks.Options)) (*eks.ListAddonsOutput, error)
	AddonVersionsAPI
	ClusterConfigAPI
}

// STSAPI is the STS call that resolves the account; *sts.Client satisfies it.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// KMSAPI is the part of KMS used for a created secrets key; *kms.Client satisfies it.
type KMSAPI interface {
	ListAliases(ctx context.Context, in *kms.ListAliasesInput, optFns ...func(*kms.Options)) (*kms.ListAliasesOutput, error)
	DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	CreateKey(ctx context.Context, in *kms.CreateKeyInput, optFns ...func(*kms.Options)) (*kms.CreateKeyOutput, error)
	CreateAlias(ctx context.Context, in *kms.CreateAliasInput, optFns ...func(*kms.Options)) (*kms.CreateAliasOutput, error)
	DeleteAlias(ctx context.Context, in *kms.DeleteAliasInput, optFns ...func(*kms.Options)) (*kms.DeleteAliasOutput, error)
	EnableKeyRotation(ctx context.Context, in *kms.EnableKeyRotationInput, optFns ...func(*kms.Options)) (*kms.EnableKeyRotationOutput, error)
	ScheduleKeyDeletion(ctx context.Context, in *kms.ScheduleKeyDeletionInput, optFns ...func(*kms.Options)) (*kms.ScheduleKeyDeletionOutput, error)
}

// LogsAPI is the part of CloudWatch Logs used for the control plane's log
// group; *cloudwatchlogs.Client satisfies it.
type LogsAPI interface {
	DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
	CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error)
	PutRetentionPolicy(ctx context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error)
	ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *cloudwatchlogs.TagResourceInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.TagResourceOutput, error)
	DeleteLogGroup(ctx context.Context, in *cloudwatchlogs.DeleteLogGroupInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error)
}

// LoadBalancerAPI is the part of Elastic Load Balancing (v2) that [Sweep]
// uses to find and delete the load balancers and target groups a cluster's
// load balancer controller left; *elasticloadbalancingv2.Client satisfies it.
type LoadBalancerAPI = lbc.ELBv2API

var (
	_ LogsAPI         = (*cloudwatchlogs.Client)(nil)
	_ LoadBalancerAPI = (*elbv2.Client)(nil)
	_ NetworkAPI      = (*ec2.Client)(nil)
	_ IAMAPI          = (*iam.Client)(nil)
	_ ClusterAPI      = (*eks.Client)(nil)
	_ STSAPI          = (*sts.Client)(nil)
	_ KMSAPI          = (*kms.Client)(nil)
)

// Clients are the AWS APIs Apply, Plan and Delete call. Tests and tools may
// set any field to a wrapper of their own.
type Clients struct {
	// Region is the region the clients call (aws.Config.Region); never
	// guessed: empty is refused unless the spec names one.
	Region string
	// EC2, IAM, EKS, STS and KMS are the API clients.
	EC2 NetworkAPI
	IAM IAMAPI
	EKS ClusterAPI
	STS STSAPI
	KMS KMSAPI
	// Logs (CloudWatch Logs) holds the control plane's log group.
	Logs LogsAPI
	// ELB (Elastic Load Balancing v2) is what [Sweep] removes load
	// balancers and target groups with.
	ELB LoadBalancerAPI
	// Kubernetes connects to the cluster's API server, for what Apply
	// and Plan converge there: the Fargate logging namespace and ConfigMap
	// (ClusterSpec.Logging). Needed only with Logging set (or to remove
	// logging an earlier Apply turned on); NewClients sets
	// [KubernetesFromAWS].
	Kubernetes KubernetesFunc
}

// KubernetesFunc returns a client of a cluster's API server, from its
// endpoint and CA (cluster is ACTIVE when Apply calls it).
type KubernetesFunc func(ctx context.Context, cluster kubeauth.ClusterInfo) (kubernetes.Interface, error)

// KubernetesFromAWS connects with EKS tokens signed by cfg's credentials
// ([kubeauth.NewGenerator], reused for their lifetime): the identity that
// creates a cluster is its administrator when
// BootstrapClusterCreatorAdminPermissions is on (the default). It does no
// I/O until the client is used.
func KubernetesFromAWS(cfg aws.Config) KubernetesFunc {
	return func(_ context.Context, cluster kubeauth.ClusterInfo) (kubernetes.Interface, error) {
		gen, err := kubeauth.NewGenerator(kubeauth.TokenOptions{ClusterName: cluster.Name, Region: cluster.Region, Credentials: cfg.Credentials})
		if err != nil {
			return nil, err
		}
		rc, err := kubeauth.RESTConfig(cluster, kubeauth.ReuseTokenSource(gen, nil))
		if err != nil {
			return nil, err
		}
		return kubernetes.NewForConfig(rc)
	}
}

// NewClients returns the real aws-sdk-go-v2 clients for cfg (its region,
// credentials and endpoints).
func NewClients(cfg aws.Config) *Clients {
	return &Clients{
		Region: cfg.Region,
		EC2:    ec2.NewFromConfig(cfg),
		IAM:    iam.NewFromConfig(cfg),
		EKS:    eks.NewFromConfig(cfg),
		STS:    sts.NewFromConfig(cfg),
		KMS:    kms.NewFromConfig(cfg),
		Logs:   cloudwatchlogs.NewFromConfig(cfg),
		ELB:    elbv2.NewFromConfig(cfg),

		Kubernetes: KubernetesFromAWS(cfg),
	}
}
