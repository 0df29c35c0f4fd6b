package eksfargate

import (
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/irsa"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// TypeToken is the Pulumi type of the FargateCluster component.
const TypeToken = "fargatekit:eksfargate:FargateCluster"

// Managed policies attached to the two roles.
const (
	ClusterPolicy          = sdk.ClusterPolicy
	PodExecutionRolePolicy = sdk.PodExecutionRolePolicy
)

// FargateCluster is a Fargate-only EKS cluster and everything around it. Its
// outputs are fields; Ref (a [clusterref.ClusterRef], so irsa, lbc and
// authmap components take the cluster directly) and Ready are methods. The
// package documentation lists its children and their names.
type FargateCluster struct {
	pulumi.ResourceState

	// ClusterName and ClusterArn are the EKS cluster's name and ARN.
	ClusterName, ClusterArn pulumi.StringOutput
	// Endpoint is the API server URL; CertificateAuthority its CA (base64 PEM).
	Endpoint, CertificateAuthority pulumi.StringOutput
	// Kubeconfig is the rendered kubeconfig (secret).
	Kubeconfig pulumi.StringOutput
	// OIDCIssuerURL and OIDCProviderArn are the cluster's OIDC issuer and its IAM OIDC provider.
	OIDCIssuerURL, OIDCProviderArn pulumi.StringOutput
	// PodExecutionRoleArn is the Fargate pod-execution role's ARN.
	PodExecutionRoleArn pulumi.StringOutput
	// VpcID is the cluster's VPC.
	VpcID pulumi.StringOutput
	// PrivateSubnetIDs run the pods; PublicSubnetIDs host internet-facing load balancers.
	PrivateSubnetIDs, PublicSubnetIDs pulumi.StringArrayOutput
	// Region, AccountID and PartitionID locate the cluster (resolved once,
	// from the spec or the AWS provider).
	Region, AccountID, PartitionID string
	// AuthenticationMode is the cluster's authentication mode.
	AuthenticationMode string

	// VPC is the created VPC; it, InternetGateway, the subnets and
	// NATGateways are nil on an existing network.
	VPC *ec2.Vpc
	// InternetGateway is the created VPC's internet gateway.
	InternetGateway *ec2.InternetGateway
	// PublicSubnets and PrivateSubnets are the created subnets, in zone order.
	PublicSubnets, PrivateSubnets []*ec2.Subnet
	// NATGateways are one per zone, or one with SingleNATGateway.
	NATGateways []*ec2.NatGateway

	// ClusterRole is assumed by the EKS control plane; PodExecutionRole by the
	// Fargate infrastructure to register pods as nodes and pull images.
	ClusterRole, PodExecutionRole *iam.Role
	// SecretsKey is the created KMS key, or nil.
	SecretsKey *kms.Key
	// Cluster is the EKS cluster.
	Cluster *eks.Cluster
	// ClusterSecurityGroupID is the security group EKS created for the
	// cluster (its control plane and Fargate pods): the one to open for
	// traffic to the pods from other resources.
	ClusterSecurityGroupID pulumi.StringOutput
	// ControlPlaneLogs is the control plane's log group
	// (/aws/eks/<cluster>/cluster, with retention), or nil without LogTypes.
	ControlPlaneLogs *cloudwatch.LogGroup
	// OIDC is the cluster's IAM OIDC provider (for IRSA).
	OIDC *irsa.OIDCProvider
	// Profiles are the Fargate profiles, in creation order.
	Profiles []*eks.FargateProfile
	// CoreDNS, KubeProxy and VpcCNI are the managed add-ons (KubeProxy and
	// VpcCNI nil unless the spec installs them).
	CoreDNS, KubeProxy, VpcCNI *eks.Addon
	// Provider is a Kubernetes provider for the cluster, built from Kubeconfig.
	Provider *kubernetes.Provider
	// Logging are the Fargate logging children (nil without ClusterSpec.Logging).
	Logging *FargateLogging

	spec       ClusterSpec // defaulted
	busy       *pulumi.ErrorHook
	busyPolicy BusyRetry
	args       *FargateClusterArgs
	hooks      *hookEnv
	hookRefs   hookRefs
	versions   map[string]string            // resolved add-on versions
	subnetTags map[string]map[string]string // an existing network's subnets' tags (getSubnet)
	res        *sdk.Resolved
	natIPs     pulumi.StringArray
	netArgs    *NetworkArgs
	keyARN     pulumi.StringInput
	partition  partition.Partition
}

var _ clusterref.ClusterRef = (*FargateCluster)(nil)

// NewFargateCluster creates a Fargate-only EKS cluster. The spec is validated
// first: a refused spec registers nothing.
func NewFargateCluster(ctx *pulumi.Context, name string, args *FargateClusterArgs, opts ...pulumi.ResourceOption) (*FargateCluster, error) {
	if args == nil {
		args = &FargateClusterArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("eksfargate: NewFargateCluster %s: %w", name, err)
	}
	spec := args.ClusterSpec.WithDefaults()
	if args.Network != nil {
		spec.VPC = nil
	}
	if spec.ClusterName == "" {
		spec.ClusterName = name
	}
	if !sdk.ValidClusterName(spec.ClusterName) {
		return nil, fmt.Errorf("eksfargate: NewFargateCluster %s: %w", name, &FieldError{Field: "ClusterName",
			Problem: fmt.Sprintf("%q (the component's name) is not a valid EKS cluster name; set ClusterName", spec.ClusterName)})
	}
	// The component's Kubernetes provider runs the kubeconfig's exec plugin:
	// without it on PATH, the first Kubernetes resource fails ~20 minutes into
	// the deploy. Checked at preview (and up), before anything registers.
	// Under mocks no provider runs the plugin, so the check is skipped there
	// (kubeauth.CheckExec is tested on its own).
	if !ctx.RunningWithMocks() {
		probe := kubeauth.KubeconfigSpec{ClusterName: spec.ClusterName, Exec: spec.Kubeconfig.Exec}
		if err := kubeauth.CheckExec(probe, exec.LookPath); err != nil {
			return nil, fmt.Errorf("eksfargate: NewFargateCluster %s: %w", name, err)
		}
	}
	c := &FargateCluster{spec: spec, netArgs: args.Network, keyARN: args.SecretsKeyARN, AuthenticationMode: spec.AuthenticationMode, busyPolicy: args.BusyRetry, args: args}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("eksfargate: NewFargateCluster %s: %w", name, err)
	}
	for _, w := range spec.Warnings() {
		if err := ctx.Log.Warn(w, &pulumi.LogArgs{Resource: c}); err != nil {
			return nil, fmt.Errorf("eksfargate: NewFargateCluster %s: %w", name, err)
		}
	}
	if err := c.build(ctx, name); err != nil {
		return nil, fmt.Errorf("eksfargate: NewFargateCluster %s: %w", name, err)
	}
	return c, nil
}

func (c *FargateCluster) build(ctx *pulumi.Context, name string) error {
	parent := pulumi.Parent(c)
	if err := c.locate(ctx); err != nil {
		return err
	}
	// An existing network is checked as the SDK's Apply checks it.
	if err := c.checkExisting(ctx); err != nil {
		return err
	}
	// Add-on versions are resolved (and pins checked) before any child.
	if err := c.resolveAddonVersions(ctx); err != nil {
		return err
	}
	busy, err := busyHooks(ctx, name, c.busyPolicy)
	if err != nil {
		return err
	}
	c.busy = busy
	if err := c.registerHooks(ctx, name); err != nil {
		return err
	}
	networkReady, err := c.network(ctx, name)
	if err != nil {
		return err
	}
	clusterPolicy, podPolicy, err := c.roles(ctx, name)
	if err != nil {
		return err
	}
	if err := c.cluster(ctx, name, clusterPolicy); err != nil {
		return err
	}
	c.OIDC, err = irsa.NewOIDCProvider(ctx, name+"-oidc", &irsa.OIDCProviderArgs{
		IssuerURL:   c.Cluster.Identities.ApplyT(OIDCIssuer).(pulumi.StringOutput),
		Thumbprints: c.spec.OIDCThumbprints,
		Tags:        sdk.ResourceTags(c.spec.ClusterName, c.spec.Tags, sdk.PartOIDCProvider),
	}, parent)
	if err != nil {
		return err
	}
	c.OIDCIssuerURL, c.OIDCProviderArn = c.OIDC.IssuerURL, c.OIDC.Arn
	if podPolicy != nil {
		networkReady = append(networkReady, podPolicy)
	}
	if err := c.profiles(ctx, name, networkReady); err != nil {
		return err
	}
	if err := c.kubeconfig(ctx, name); err != nil {
		return err
	}
	if err := c.logging(ctx, name); err != nil {
		return err
	}
	if err := c.addons(ctx, name); err != nil {
		return err
	}
	return ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":            c.ClusterName,
		"clusterArn":             c.ClusterArn,
		"endpoint":               c.Endpoint,
		"certificateAuthority":   c.CertificateAuthority,
		"oidcIssuerUrl":          c.OIDCIssuerURL,
		"oidcProviderArn":        c.OIDCProviderArn,
		"podExecutionRoleArn":    c.PodExecutionRoleArn,
		"vpcId":                  c.VpcID,
		"privateSubnetIds":       c.PrivateSubnetIDs,
		"publicSubnetIds":        c.PublicSubnetIDs,
		"clusterSecurityGroupId": c.ClusterSecurityGroupID,
		"kubeconfig":             c.Kubeconfig,
	})
}

// locate fills in region, account and partition from the spec or the AWS
// provider's invokes; the region is never guessed.
func (c *FargateCluster) locate(ctx *pulumi.Context) error {
	parent := pulumi.Parent(c)
	// The provider's region and account are always read: explicit ones
	// must equal them (every ARN and the pod-execution trust depend on them).
	r, err := aws.GetRegion(ctx, nil, parent)
	if err != nil {
		return fmt.Errorf("getRegion: %w", err)
	}
	id, err := aws.GetCallerIdentity(ctx, nil, parent)
	if err != nil {
		return fmt.Errorf("getCallerIdentity: %w", err)
	}
	pid := c.spec.Partition
	if pid == "" {
		p, err := aws.GetPartition(ctx, nil, parent)
		if err != nil {
			return fmt.Errorf("getPartition: %w", err)
		}
		pid = p.Partition
	}
	loc, err := sdk.Locate(c.spec, r.Name, id.AccountId, pid)
	if err != nil {
		return err
	}
	c.res = &sdk.Resolved{Location: loc, Spec: c.spec}
	c.Region, c.AccountID, c.partition, c.PartitionID = loc.Region, loc.AccountID, loc.Partition, loc.Partition.ID
	return nil
}

// tags are the tags of one part of the cluster (sdk.ResourceTags).
func (c *FargateCluster) tags(part string) pulumi.StringMap {
	return pulumi.ToStringMap(sdk.ResourceTags(c.spec.ClusterName, c.spec.Tags, part))
}

// netTags are the tags of one part of the network (sdk.NetworkTags: with Name).
func (c *FargateCluster) netTags(part string) pulumi.StringMap {
	return pulumi.ToStringMap(sdk.NetworkTags(c.spec.ClusterName, c.spec.Tags, part))
}

// network creates the VPC or adopts the existing one, and returns the
// resources pods need for egress (the private routes).
func (c *FargateCluster) network(ctx *pulumi.Context, name string) ([]pulumi.Resource, error) {
	if x := c.spec.Existing; x != nil {
		c.VpcID = pulumi.String(x.VpcID).ToStringOutput()
		c.PrivateSubnetIDs = pulumi.ToStringArray(x.PrivateSubnetIDs).ToStringArrayOutput()
		c.PublicSubnetIDs = pulumi.ToStringArray(x.PublicSubnetIDs).ToStringArrayOutput()
		if x.TagSubnets {
			return nil, c.tagExisting(ctx, name)
		}
		return nil, nil
	}
	if n := c.netArgs; n != nil {
		c.VpcID = n.VpcID.ToStringOutput()
		public := n.PublicSubnetIDs
		if public == nil {
			public = pulumi.StringArray{}
		}
		// The lists are checked once known, with the spec's own rule.
		checked := pulumi.All(n.PrivateSubnetIDs, public).ApplyT(func(v []any) ([]any, error) {
			return v, checkSubnets(v[0].([]string), v[1].([]string))
		}).(pulumi.ArrayOutput)
		c.PrivateSubnetIDs = checked.Index(pulumi.Int(0)).ApplyT(func(v any) []string { return v.([]string) }).(pulumi.StringArrayOutput)
		c.PublicSubnetIDs = checked.Index(pulumi.Int(1)).ApplyT(func(v any) []string { return v.([]string) }).(pulumi.StringArrayOutput)
		return nil, nil
	}
	parent := pulumi.Parent(c)
	v := c.spec.VPC
	layout, err := v.Layout()
	if err != nil {
		return nil, err
	}
	// Zones by ID: named zones are checked, and the default ones skip the
	// zone IDs EKS does not support (sdk.SelectZones, as the SDK path).
	res, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State:   pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("getAvailabilityZones: %w", err)
	}
	selected, err := sdk.SelectZones(sdk.ZonesFromNames(res.Names, res.ZoneIds), v.AvailabilityZones, v.AZCount)
	if err != nil {
		return nil, fmt.Errorf("region %s: %w", c.Region, err)
	}
	var zones []string
	for _, z := range selected {
		zones = append(zones, z.Name)
	}
	c.VPC, err = ec2.NewVpc(ctx, name+"-vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(layout.VPC),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               c.netTags(sdk.PartVPC),
	}, parent, c.hookRefs.sweepNetwork())
	if err != nil {
		return nil, err
	}
	c.VpcID = c.VPC.ID().ToStringOutput()
	c.InternetGateway, err = ec2.NewInternetGateway(ctx, name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: c.VPC.ID(), Tags: c.netTags(sdk.PartInternetGateway),
	}, parent)
	if err != nil {
		return nil, err
	}
	publicRT, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{
		VpcId: c.VPC.ID(), Tags: c.netTags(sdk.PartPublicRoutes),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-internet", &ec2.RouteArgs{
		RouteTableId: publicRT.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: c.InternetGateway.ID(),
	}, parent); err != nil {
		return nil, err
	}
	var publicIDs, privateIDs pulumi.StringArray
	for i, zone := range zones {
		n := strconv.Itoa(i)
		s, err := c.subnet(ctx, name+"-public-"+n, zone, layout.Public[i], sdk.Public)
		if err != nil {
			return nil, err
		}
		c.PublicSubnets = append(c.PublicSubnets, s)
		publicIDs = append(publicIDs, s.ID())
		if _, err := ec2.NewRouteTableAssociation(ctx, name+"-public-"+n, &ec2.RouteTableAssociationArgs{
			SubnetId: s.ID(), RouteTableId: publicRT.ID(),
		}, parent); err != nil {
			return nil, err
		}
		if i == 0 || !v.SingleNATGateway {
			eip, err := ec2.NewEip(ctx, name+"-nat-"+n, &ec2.EipArgs{
				Domain: pulumi.String("vpc"), Tags: c.netTags(sdk.NATPart(zone)),
			}, parent)
			if err != nil {
				return nil, err
			}
			nat, err := ec2.NewNatGateway(ctx, name+"-nat-"+n, &ec2.NatGatewayArgs{
				AllocationId: eip.ID(), SubnetId: s.ID(), Tags: c.netTags(sdk.NATPart(zone)),
			}, parent, pulumi.DependsOn([]pulumi.Resource{c.InternetGateway}))
			if err != nil {
				return nil, err
			}
			c.NATGateways = append(c.NATGateways, nat)
			c.natIPs = append(c.natIPs, eip.PublicIp)
		}
	}
	var ready []pulumi.Resource
	for i, zone := range zones {
		n := strconv.Itoa(i)
		s, err := c.subnet(ctx, name+"-private-"+n, zone, layout.Private[i], sdk.Private)
		if err != nil {
			return nil, err
		}
		c.PrivateSubnets = append(c.PrivateSubnets, s)
		privateIDs = append(privateIDs, s.ID())
		rt, err := ec2.NewRouteTable(ctx, name+"-private-"+n, &ec2.RouteTableArgs{
			VpcId: c.VPC.ID(), Tags: c.netTags(sdk.PrivateSubnetPart(zone)),
		}, parent)
		if err != nil {
			return nil, err
		}
		nat := c.NATGateways[min(i, len(c.NATGateways)-1)]
		route, err := ec2.NewRoute(ctx, name+"-private-"+n+"-nat", &ec2.RouteArgs{
			RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nat.ID(),
		}, parent)
		if err != nil {
			return nil, err
		}
		assoc, err := ec2.NewRouteTableAssociation(ctx, name+"-private-"+n, &ec2.RouteTableAssociationArgs{
			SubnetId: s.ID(), RouteTableId: rt.ID(),
		}, parent)
		if err != nil {
			return nil, err
		}
		ready = append(ready, route, assoc)
	}
	c.PublicSubnetIDs, c.PrivateSubnetIDs = publicIDs.ToStringArrayOutput(), privateIDs.ToStringArrayOutput()
	return ready, nil
}

func (c *FargateCluster) subnet(ctx *pulumi.Context, name, zone, cidr string, tier sdk.Tier) (*ec2.Subnet, error) {
	tags := sdk.NetworkTags(c.spec.ClusterName, c.spec.Tags, string(tier)+"-"+zone) // sdk.PublicSubnetPart, sdk.PrivateSubnetPart
	return ec2.NewSubnet(ctx, name, &ec2.SubnetArgs{
		VpcId:            c.VPC.ID(),
		AvailabilityZone: pulumi.String(zone),
		CidrBlock:        pulumi.String(cidr),
		Tags:             pulumi.ToStringMap(sdk.SubnetTags(c.spec.ClusterName, tier, tags)),
	}, pulumi.Parent(c), c.hookRefs.sweepNetwork())
}

// tagShort names a subnet tag key in a child's logical name.
var tagShort = map[string]string{sdk.TagELB: "elb", sdk.TagInternalELB: "internal-elb"}

// tagExisting adds the cluster's subnet tags to existing subnets, only those
// a subnet lacks (read with the getSubnet invoke by checkExisting) or that the component
// added before (sdk.OwnedSubnetTags, recorded under
// sdk.AddedSubnetTagsKey): one aws:ec2/tag:Tag per subnet and key,
// <name>-<tier>-<i>-<cluster|elb|internal-elb|record>-tag. A tag the subnet
// has from someone else is never declared, so never changed or deleted.
func (c *FargateCluster) tagExisting(ctx *pulumi.Context, name string) error {
	for _, tier := range []struct {
		tier sdk.Tier
		ids  []string
	}{{sdk.Private, c.spec.Existing.PrivateSubnetIDs}, {sdk.Public, c.spec.Existing.PublicSubnetIDs}} {
		for i, id := range tier.ids {
			owned, record := sdk.OwnedSubnetTags(c.spec.ClusterName, tier.tier, c.subnetTags[id])
			if record != "" {
				owned[sdk.AddedSubnetTagsKey(c.spec.ClusterName)] = record
			}
			for _, k := range slices.Sorted(maps.Keys(owned)) {
				short := tagShort[k]
				opts := []pulumi.ResourceOption{pulumi.Parent(c)}
				switch {
				case k == sdk.AddedSubnetTagsKey(c.spec.ClusterName):
					short = "record"
				case short == "":
					short = "cluster"
				default:
					// The role tags are shared: other clusters' load balancer
					// controllers read them too. Destroy leaves them.
					opts = append(opts, pulumi.RetainOnDelete(true))
				}
				if _, err := ec2.NewTag(ctx, fmt.Sprintf("%s-%s-%d-%s-tag", name, tier.tier, i, short), &ec2.TagArgs{
					ResourceId: pulumi.String(id), Key: pulumi.String(k), Value: pulumi.String(owned[k]),
				}, opts...); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// roles creates the cluster role and the pod-execution role with their
// managed-policy attachments, and returns the attachments.
func (c *FargateCluster) roles(ctx *pulumi.Context, name string) (clusterPolicy, podPolicy pulumi.Resource, err error) {
	parent := pulumi.Parent(c)
	models := []sdk.RoleModel{c.res.ClusterRole()}
	outs := []**iam.Role{&c.ClusterRole}
	podRole, created, err := c.res.PodExecutionRole()
	if err != nil {
		return nil, nil, err
	}
	if created {
		models, outs = append(models, podRole), append(outs, &c.PodExecutionRole)
	}
	var attachments []pulumi.Resource
	for i, m := range models {
		// Pulumi names the roles (m.Name is the SDK's name).
		args := &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(m.Trust.String()),
			Description:      pulumi.String(m.Description),
			Tags:             pulumi.ToStringMap(m.Tags),
		}
		if m.Path != "" {
			args.Path = pulumi.String(m.Path)
		}
		if m.PermissionsBoundary != "" {
			args.PermissionsBoundary = pulumi.String(m.PermissionsBoundary)
		}
		role, err := iam.NewRole(ctx, name+"-"+m.Part, args, parent)
		if err != nil {
			return nil, nil, err
		}
		for _, arn := range m.PolicyARNs {
			att, err := iam.NewRolePolicyAttachment(ctx, name+"-"+m.Part+"-"+arn[strings.LastIndexByte(arn, '/')+1:], &iam.RolePolicyAttachmentArgs{
				Role: role.Name, PolicyArn: pulumi.String(arn),
			}, parent)
			if err != nil {
				return nil, nil, err
			}
			attachments = append(attachments, att)
		}
		*outs[i] = role
	}
	if !created {
		// A role made elsewhere: nothing to create or wait for.
		c.PodExecutionRoleArn = pulumi.String(c.spec.PodExecutionRole.ARN).ToStringOutput()
		return attachments[0], nil, nil
	}
	c.PodExecutionRoleArn = c.PodExecutionRole.Arn
	return attachments[0], attachments[1], nil
}

// cluster creates the optional KMS key and the EKS cluster.
func (c *FargateCluster) cluster(ctx *pulumi.Context, name string, clusterPolicy pulumi.Resource) error {
	parent := pulumi.Parent(c)
	s := c.spec
	var encryption eks.ClusterEncryptionConfigPtrInput
	keyARN := c.keyARN
	if e := s.SecretsEncryption; e != nil {
		if e.KeyARN != "" {
			keyARN = pulumi.String(e.KeyARN)
		}
		if e.CreateKey {
			key, err := kms.NewKey(ctx, name+"-secrets", &kms.KeyArgs{
				Description:       pulumi.String(sdk.SecretsKeyDescription(s.ClusterName)),
				EnableKeyRotation: pulumi.Bool(true),
				Tags:              c.tags(sdk.PartSecretsKey),
			}, parent)
			if err != nil {
				return err
			}
			c.SecretsKey, keyARN = key, key.Arn
		}
	}
	if keyARN != nil {
		encryption = eks.ClusterEncryptionConfigArgs{
			Provider:  eks.ClusterEncryptionConfigProviderArgs{KeyArn: keyARN},
			Resources: pulumi.ToStringArray([]string{"secrets"}),
		}
	}
	subnets := c.PrivateSubnetIDs
	if c.spec.Existing == nil || len(c.spec.Existing.PublicSubnetIDs) > 0 {
		subnets = pulumi.All(c.PrivateSubnetIDs, c.PublicSubnetIDs).ApplyT(func(v []any) []string {
			return sdk.ClusterSubnets(v[0].([]string), v[1].([]string))
		}).(pulumi.StringArrayOutput)
	}
	vpc := eks.ClusterVpcConfigArgs{
		SubnetIds:             subnets,
		EndpointPublicAccess:  pulumi.Bool(s.EndpointAccess != EndpointPrivate),
		EndpointPrivateAccess: pulumi.Bool(s.EndpointAccess != EndpointPublic),
	}
	if len(s.PublicAccessCIDRs) > 0 {
		vpc.PublicAccessCidrs = pulumi.ToStringArray(s.PublicAccessCIDRs)
		if s.NeedsNATAddressesInPublicCIDRs() && len(c.natIPs) > 0 {
			// Pods reach a public-only endpoint through the NAT gateways:
			// their addresses join the allowed blocks (an existing network
			// with this setting is refused by Validate).
			vpc.PublicAccessCidrs = c.natIPs.ToStringArrayOutput().ApplyT(func(ips []string) []string {
				return sdk.PublicAccessCIDRs(s, ips)
			}).(pulumi.StringArrayOutput)
		}
	}
	clusterDeps := []pulumi.Resource{clusterPolicy}
	// The control plane's log group, before the cluster: EKS then writes
	// into it (with retention) instead of creating one that never expires.
	if lg, ok := c.res.ControlPlaneLogs(); ok {
		var err error
		c.ControlPlaneLogs, err = cloudwatch.NewLogGroup(ctx, name+"-control-plane-logs", &cloudwatch.LogGroupArgs{
			Name: pulumi.String(lg.Name), RetentionInDays: pulumi.Int(lg.RetentionDays), Tags: pulumi.ToStringMap(lg.Tags),
		}, parent)
		if err != nil {
			return err
		}
		clusterDeps = append(clusterDeps, c.ControlPlaneLogs)
	}
	tags := sdk.ResourceTags(s.ClusterName, s.Tags, sdk.PartCluster)
	if s.DeletionProtection {
		tags[sdk.TagDeletionProtection] = "on" // the hooks below set it (no pulumi-aws v6 argument)
	}
	cargs := &eks.ClusterArgs{
		Name:      pulumi.String(s.ClusterName),
		RoleArn:   c.ClusterRole.Arn,
		VpcConfig: vpc,
		AccessConfig: eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String(s.AuthenticationMode),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(*s.BootstrapClusterCreatorAdminPermissions),
		},
		// The add-ons are managed below; nothing self-managed (and no CoreDNS
		// annotated for EC2) is ever installed.
		BootstrapSelfManagedAddons: pulumi.Bool(false),
		EncryptionConfig:           encryption,
		Tags:                       pulumi.ToStringMap(tags),
	}
	if s.KubernetesVersion != "" {
		cargs.Version = pulumi.String(s.KubernetesVersion)
	}
	if s.UpgradePolicy != "" {
		cargs.UpgradePolicy = eks.ClusterUpgradePolicyArgs{SupportType: pulumi.String(s.UpgradePolicy)}
	}
	if s.ZonalShift {
		cargs.ZonalShiftConfig = eks.ClusterZonalShiftConfigArgs{Enabled: pulumi.Bool(true)}
	}
	if len(s.LogTypes) > 0 {
		cargs.EnabledClusterLogTypes = pulumi.ToStringArray(s.LogTypes)
	}
	var err error
	c.Cluster, err = eks.NewCluster(ctx, name+"-cluster", cargs, parent, pulumi.DependsOn(clusterDeps), c.retryBusy(), c.hookRefs.clusterHooks())
	if err != nil {
		return err
	}
	c.ClusterName, c.ClusterArn, c.Endpoint = c.Cluster.Name, c.Cluster.Arn, c.Cluster.Endpoint
	c.ClusterSecurityGroupID = c.Cluster.VpcConfig.ClusterSecurityGroupId().Elem()
	c.CertificateAuthority = c.Cluster.CertificateAuthority.Data().Elem()
	return nil
}

// retryBusy binds the error hook that retries EKS's ResourceInUseException
// ([BusyRetry]); none when it is off.
func (c *FargateCluster) retryBusy() pulumi.ResourceOption {
	if c.busy == nil {
		return pulumi.ResourceHooks(nil)
	}
	return pulumi.ResourceHooks(&pulumi.ResourceHookBinding{OnError: []*pulumi.ErrorHook{c.busy}})
}

// ErrNoIssuer is wrapped when the EKS cluster reports no OIDC issuer.
var ErrNoIssuer = errors.New("eksfargate: the cluster reports no OIDC issuer")

// OIDCIssuer returns the OIDC issuer URL from an aws eks.Cluster's identities
// output (for use inside ApplyT), or an error wrapping [ErrNoIssuer].
func OIDCIssuer(ids []eks.ClusterIdentity) (string, error) {
	for _, id := range ids {
		for _, o := range id.Oidcs {
			if o.Issuer != nil && *o.Issuer != "" {
				return *o.Issuer, nil
			}
		}
	}
	return "", ErrNoIssuer
}

// profiles creates the Fargate profiles strictly one after another: EKS
// refuses a profile while another is CREATING or DELETING. The first waits
// for first (the pod-execution policy and the private routes).
func (c *FargateCluster) profiles(ctx *pulumi.Context, name string, first []pulumi.Resource) error {
	prev := first
	for _, p := range c.spec.FargateProfiles {
		var sels eks.FargateProfileSelectorArray
		for _, s := range p.Selectors {
			sel := eks.FargateProfileSelectorArgs{Namespace: pulumi.String(s.Namespace)}
			if len(s.Labels) > 0 {
				sel.Labels = pulumi.ToStringMap(s.Labels)
			}
			sels = append(sels, sel)
		}
		subnets := pulumi.StringArrayInput(c.PrivateSubnetIDs)
		if len(p.SubnetIDs) > 0 {
			subnets = c.profileSubnets(p.SubnetIDs)
		}
		// The physical name carries a content hash (sdk.ProfileName): a
		// changed profile is a new name, so Pulumi creates it before deleting
		// the old one (create-before-delete; a fixed name forces delete-first).
		fp, err := eks.NewFargateProfile(ctx, name+"-profile-"+p.Name, &eks.FargateProfileArgs{
			ClusterName:         c.Cluster.Name,
			FargateProfileName:  pulumi.String(sdk.ProfileName(p)),
			PodExecutionRoleArn: c.PodExecutionRoleArn,
			SubnetIds:           subnets,
			Selectors:           sels,
			Tags:                pulumi.ToStringMap(sdk.ProfileTags(c.spec.ClusterName, c.spec.Tags, p)),
		}, pulumi.Parent(c), pulumi.DependsOn(prev), pulumi.DeleteBeforeReplace(false), c.retryBusy(), c.hookRefs.profileHooks())
		if err != nil {
			return err
		}
		c.Profiles = append(c.Profiles, fp)
		prev = []pulumi.Resource{fp}
	}
	return nil
}

// profileSubnets are a profile's own subnets, checked once the cluster's
// private subnets are known: each must be one of them.
func (c *FargateCluster) profileSubnets(ids []string) pulumi.StringArrayOutput {
	return c.PrivateSubnetIDs.ApplyT(func(private []string) ([]string, error) {
		for _, id := range ids {
			if !slices.Contains(private, id) {
				return nil, fmt.Errorf("eksfargate: %w: profile subnet %s is not one of the cluster's private subnets %v", ErrInvalidSpec, id, private)
			}
		}
		return ids, nil
	}).(pulumi.StringArrayOutput)
}

// resolveAddonVersions gives every add-on the spec installs its version for
// the cluster's Kubernetes version: a pinned one, checked against the newest
// EKS offers for that version (getAddonVersion, mostRecent: a pin newer than
// it is refused, as sdk.ErrAddonVersionIncompatible, before any child
// registers), else EKS's default for that version (getAddonVersion), so
// that an upgrade of KubernetesVersion moves the add-ons with it.
func (c *FargateCluster) resolveAddonVersions(ctx *pulumi.Context) error {
	models, err := c.res.Addons()
	if err != nil {
		return err
	}
	c.versions = map[string]string{}
	var errs []error
	k8s := c.spec.KubernetesVersion
	for _, a := range models {
		got, err := eks.GetAddonVersion(ctx, &eks.GetAddonVersionArgs{AddonName: a.Name, KubernetesVersion: k8s, MostRecent: pulumi.BoolRef(a.Version != "")}, pulumi.Parent(c))
		if err != nil {
			return fmt.Errorf("getAddonVersion %s for Kubernetes %s: %w", a.Name, k8s, err)
		}
		switch {
		case a.Version == "":
			c.versions[a.Name] = got.Version
		case sdk.CompareAddonVersions(a.Version, got.Version) > 0:
			errs = append(errs, &sdk.AddonVersionError{Addon: a.Name, Version: a.Version, KubernetesVersion: k8s, Compatible: []string{got.Version + " (the newest)"}})
		default:
			c.versions[a.Name] = a.Version // older pins are checked by EKS at apply
		}
	}
	return errors.Join(errs...)
}

// addons creates the add-ons of sdk.Resolved.Addons: coredns (computeType
// Fargate, after the profile that selects its pods), and kube-proxy and
// vpc-cni when the spec installs them, each at its resolved version,
// overwriting conflicting fields.
func (c *FargateCluster) addons(ctx *pulumi.Context, name string) error {
	models, err := c.res.Addons()
	if err != nil {
		return err
	}
	outs := map[string]**eks.Addon{sdk.AddonCoreDNS: &c.CoreDNS, sdk.AddonKubeProxy: &c.KubeProxy, sdk.AddonVpcCNI: &c.VpcCNI}
	for _, a := range models {
		args := &eks.AddonArgs{
			ClusterName:              c.Cluster.Name,
			AddonName:                pulumi.String(a.Name),
			ResolveConflictsOnCreate: pulumi.String(a.ResolveConflicts),
			ResolveConflictsOnUpdate: pulumi.String(a.ResolveConflicts),
			Tags:                     pulumi.ToStringMap(a.Tags),
		}
		if v := c.versions[a.Name]; v != "" {
			args.AddonVersion = pulumi.String(v)
		}
		if a.ConfigurationValues != "" {
			args.ConfigurationValues = pulumi.String(a.ConfigurationValues)
		}
		var deps []pulumi.Resource
		if a.AfterProfile >= 0 {
			deps = []pulumi.Resource{c.Profiles[a.AfterProfile]}
		}
		if a.Name == sdk.AddonCoreDNS {
			deps = append(deps, c.Logging.ready()...) // its pods log from their first line
		}
		addon, err := eks.NewAddon(ctx, name+"-"+a.Name, args, pulumi.Parent(c), pulumi.DependsOn(deps), c.retryBusy())
		if err != nil {
			return err
		}
		if out := outs[a.Name]; out != nil {
			*out = addon
		}
	}
	return nil
}

// kubeconfig renders the kubeconfig (secret) with kubeauth and builds the
// Kubernetes provider from it.
func (c *FargateCluster) kubeconfig(ctx *pulumi.Context, name string) error {
	opts, region := c.spec.Kubeconfig, c.Region
	c.Kubeconfig = pulumi.ToSecret(pulumi.All(c.Cluster.Name, c.Endpoint, c.CertificateAuthority, c.Cluster.Arn).ApplyT(
		func(v []any) (string, error) {
			return kubeauth.RenderKubeconfig(kubeauth.KubeconfigSpec{
				ClusterName: v[0].(string), Endpoint: v[1].(string), CAData: v[2].(string), ClusterARN: v[3].(string),
				Region: region, RoleARN: opts.RoleARN, Profile: opts.Profile, Exec: opts.Exec,
			})
		})).(pulumi.StringOutput)
	// The hooks that reach the cluster use the same kubeconfig.
	hooks := c.hooks
	c.Kubeconfig.ApplyT(func(kc string) string { hooks.kube.Set(kc); return kc })
	var err error
	c.Provider, err = kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{Kubeconfig: c.Kubeconfig}, pulumi.Parent(c))
	return err
}

// Ref implements clusterref.ClusterRef: the cluster as irsa, lbc and authmap
// components see it. Its Ready is [FargateCluster.Ready].
func (c *FargateCluster) Ref() clusterref.Cluster {
	return clusterref.Cluster{
		Name: c.ClusterName, Region: pulumi.String(c.Region), VpcID: c.VpcID,
		OIDCProviderARN: c.OIDCProviderArn, OIDCIssuerURL: c.OIDCIssuerURL, PodExecutionRoleARN: c.PodExecutionRoleArn,
		KubernetesProvider: c.Provider, FargateOnly: true, HasFargateProfiles: true,
		AuthenticationMode: c.AuthenticationMode, Ready: c.Ready(),
		Kubeconfig: c.Kubeconfig, FargateProfiles: profileRefs(c.spec.FargateProfiles),
	}
}

// profileRefs describes Fargate profiles for clusterref.
func profileRefs(profiles []FargateProfile) []clusterref.FargateProfile {
	out := make([]clusterref.FargateProfile, 0, len(profiles))
	for _, p := range profiles {
		r := clusterref.FargateProfile{Name: p.Name}
		for _, s := range p.Selectors {
			r.Selectors = append(r.Selectors, clusterref.FargateSelector{Namespace: s.Namespace, Labels: maps.Clone(s.Labels)})
		}
		out = append(out, r)
	}
	return out
}

// Ready returns the resources that must exist before workloads run on the
// cluster: the CoreDNS add-on (ACTIVE once CoreDNS runs on Fargate, after
// its profile and the network) and the last Fargate profile (the profiles
// form a chain, so every profile exists: a pod created before a profile
// selects it is never scheduled on Fargate). Depend on them, not on the
// component: destroy then deletes the workloads (and the load balancer
// controller) before any profile, add-on or the cluster.
func (c *FargateCluster) Ready() []pulumi.Resource {
	return []pulumi.Resource{c.CoreDNS, c.Profiles[len(c.Profiles)-1]}
}
