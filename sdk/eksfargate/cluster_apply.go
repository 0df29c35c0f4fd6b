package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/irsa"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// ErrNotOwned is wrapped when a resource Apply would adopt, or Delete would
// remove, exists without the cluster's ownership tag ([TagCluster]): it was
// made by someone else and is left alone.
var ErrNotOwned = errors.New("eksfargate: resource exists but is not this cluster's")

// ErrDrift is wrapped when an existing resource differs from the spec in a
// way Apply does not change in place (a subnet's CIDR or zone, the
// cluster's role or subnets): delete it, or the cluster, first.
var ErrDrift = errors.New("eksfargate: existing resource differs from the spec")

// Action is what Apply, Plan or Delete does, or would do, to one resource.
type Action string

// Actions.
const (
	// ActionCreate: the resource is missing and is (or would be) created.
	ActionCreate Action = "create"
	// ActionUpdate: the resource exists and is (or would be) changed in place.
	ActionUpdate Action = "update"
	// ActionExists: the resource exists as the spec says; nothing to do.
	ActionExists Action = "exists"
	// ActionWait: waiting for the resource to settle (progress of a long wait).
	ActionWait Action = "wait"
	// ActionRetry: a call is retried (IAM eventual consistency, EKS busy).
	ActionRetry Action = "retry"
	// ActionDelete: the resource is (or would be) deleted.
	ActionDelete Action = "delete"
	// ActionGone: the resource was already gone.
	ActionGone Action = "gone"
)

// Change is one step of Apply, Plan or Delete on one resource.
type Change struct {
	// Action is what happens.
	Action Action
	// Resource names the resource: its kind and part, e.g. "subnet
	// private-eu-west-1a", "cluster prod", "addon coredns".
	Resource string
	// ID is the resource's ID or ARN, when known.
	ID string
	// Detail says more, e.g. what differs or what is awaited.
	Detail string
}

// String is "create subnet private-eu-west-1a (subnet-0abc): detail".
func (c Change) String() string {
	s := string(c.Action) + " " + c.Resource
	if c.ID != "" {
		s += " (" + c.ID + ")"
	}
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

// Outputs are what Apply made: IDs, ARNs and the cluster's connection data.
type Outputs struct {
	// ClusterName, ClusterARN, Endpoint and CertificateAuthority (base64
	// PEM) describe the cluster; Version is its Kubernetes version.
	ClusterName, ClusterARN, Endpoint, CertificateAuthority, Version string
	// ClusterSecurityGroupID is the security group EKS created for the
	// cluster (control plane and Fargate pods), for rules that let other
	// resources reach the pods.
	ClusterSecurityGroupID string
	// ControlPlaneLogGroup is the control plane's log group, when LogTypes are set.
	ControlPlaneLogGroup string
	// FargateLogGroup is the pods' log group (Logging.CloudWatch) and
	// LoggingPolicyARN the logs policy on the pod-execution role, when
	// Logging is set.
	FargateLogGroup, LoggingPolicyARN string
	// OIDCIssuerURL and OIDCProviderARN are the cluster's OIDC issuer and IAM OIDC provider.
	OIDCIssuerURL, OIDCProviderARN string
	// ClusterRoleARN and PodExecutionRoleARN are the two roles.
	ClusterRoleARN, PodExecutionRoleARN string
	// SecretsKeyARN is the KMS key of secrets encryption, if any.
	SecretsKeyARN string
	// VpcID, PrivateSubnetIDs and PublicSubnetIDs are the network (created or existing).
	VpcID                             string
	PrivateSubnetIDs, PublicSubnetIDs []string
	// InternetGatewayID and NATGatewayIDs are the created network's gateways.
	InternetGatewayID string
	NATGatewayIDs     []string
	// NATPublicIPs are the NAT gateways' addresses.
	NATPublicIPs []string
	// Profiles are the Fargate profiles' physical names ([ProfileName]), in order.
	Profiles []string
	// Addons are the add-ons' names with their versions, "coredns@v1.11.4-eksbuild.2".
	Addons []string
	// Kubeconfig is the rendered kubeconfig (kubeauth.RenderKubeconfig).
	Kubeconfig string
	// Location is the cluster's region, account and partition.
	Location Location
	// Changes lists every step taken, in order; Writes counts the write steps.
	Changes []Change
}

// Writes counts the changes that wrote (create, update, delete).
func Writes(changes []Change) int {
	n := 0
	for _, c := range changes {
		switch c.Action {
		case ActionCreate, ActionUpdate, ActionDelete:
			n++
		}
	}
	return n
}

// RunOption configures Apply, Plan and Delete.
type RunOption func(*runConfig)

type runConfig struct {
	log              *slog.Logger
	progress         func(Change)
	pollMin, pollMax time.Duration
	timeout          time.Duration
	iamAttempts      int
	iamBackoff       time.Duration
	dry              bool
	sweepLeft        bool
	// loggingNamespace replaces aws-observability (tests only: a deleted
	// namespace stays Terminating on an API server without controllers).
	loggingNamespace string
}

// DryRun makes Apply and Delete only read, and report in their changes what
// they would write. [Plan] is Apply with DryRun.
func DryRun() RunOption { return func(c *runConfig) { c.dry = true } }

// LogTo logs every step at Info level (a progress line per wait poll).
func LogTo(l *slog.Logger) RunOption { return func(c *runConfig) { c.log = l } }

// OnProgress calls f at every step, waits included.
func OnProgress(f func(Change)) RunOption { return func(c *runConfig) { c.progress = f } }

// PollEvery sets how often long waits poll: from min growing to max.
// Default 10s to 30s (EKS clusters take about 10 minutes).
func PollEvery(min, max time.Duration) RunOption {
	return func(c *runConfig) { c.pollMin, c.pollMax = min, max }
}

// WaitAtMost bounds each wait (cluster ACTIVE, add-on ACTIVE, deletions).
// Default 30 minutes.
func WaitAtMost(d time.Duration) RunOption { return func(c *runConfig) { c.timeout = d } }

// RetryIAM sets the bound of the IAM eventual-consistency retries: attempts
// in all, the first wait first, doubling (capped at 30s). Default 8 attempts from 2s.
func RetryIAM(attempts int, first time.Duration) RunOption {
	return func(c *runConfig) { c.iamAttempts, c.iamBackoff = attempts, first }
}

func newRunConfig(opts []RunOption) runConfig {
	c := runConfig{pollMin: 10 * time.Second, pollMax: 30 * time.Second, timeout: 30 * time.Minute, iamAttempts: 8, iamBackoff: 2 * time.Second}
	for _, o := range opts {
		o(&c)
	}
	if c.log == nil {
		c.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c.pollMin, c.pollMax = max(c.pollMin, time.Millisecond), max(c.pollMax, c.pollMin, time.Millisecond)
	return c
}

// runner is one Apply, Plan (dry) or Delete.
type runner struct {
	runConfig
	c   *Clients
	r   *Resolved
	out Outputs
	// versions are the resolved add-on versions, by add-on name.
	versions map[string]string
	// logging is what the Fargate logging stages share; kube is the
	// cluster's Kubernetes client, once connected.
	logging loggingRun
	kube    kubernetes.Interface
}

// step records and reports one change.
func (x *runner) step(ch Change) {
	x.out.Changes = append(x.out.Changes, ch)
	if x.progress != nil {
		x.progress(ch)
	}
	attrs := []any{"action", string(ch.Action), "resource", ch.Resource}
	if ch.ID != "" {
		attrs = append(attrs, "id", ch.ID)
	}
	if ch.Detail != "" {
		attrs = append(attrs, "detail", ch.Detail)
	}
	x.log.Info("eksfargate", attrs...)
}

// write runs call unless this is a dry run, and records the change (with
// the ID call returns).
func (x *runner) write(action Action, resource, detail string, call func() (string, error)) (string, error) {
	if x.dry {
		x.step(Change{Action: action, Resource: resource, Detail: detail})
		return "", nil
	}
	id, err := call()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", action, resource, err)
	}
	x.step(Change{Action: action, Resource: resource, ID: id, Detail: detail})
	return id, nil
}

// resolve locates the cluster (STS for the account and partition, the
// clients' region) and, for a created VPC, reads the region's zones.
func resolve(ctx context.Context, c *Clients, spec ClusterSpec) (*Resolved, error) {
	if c == nil || c.EC2 == nil || c.IAM == nil || c.EKS == nil || c.STS == nil || c.KMS == nil || c.Logs == nil || c.ELB == nil {
		return nil, errors.New("clients: every API client is required (NewClients)")
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if spec.Logging != nil && c.Kubernetes == nil {
		return nil, errNoKubernetes
	}
	if spec.ClusterName == "" {
		return nil, &FieldError{Field: "ClusterName", Problem: "required"}
	}
	if spec.Logging != nil && !*spec.WithDefaults().BootstrapClusterCreatorAdminPermissions {
		cl, err := describeCluster(ctx, c.EKS, spec.ClusterName)
		if err != nil {
			return nil, err
		}
		if cl == nil {
			return nil, fmt.Errorf("%w: Logging applies the aws-logging ConfigMap through the Kubernetes API, and with "+
				"BootstrapClusterCreatorAdminPermissions false a new cluster grants no identity access to it: leave it on, "+
				"or create the cluster without Logging, grant access (an access entry), then add Logging", ErrNoClusterAccess)
		}
	}
	id, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("GetCallerIdentity: %w", err)
	}
	pid := ""
	if a, err := partition.ParseARN(aws.ToString(id.Arn), "", ""); err == nil {
		pid = a.Partition
	}
	loc, err := Locate(spec, c.Region, aws.ToString(id.Account), pid)
	if err != nil {
		return nil, err
	}
	var zones []Zone
	if spec.WithDefaults().VPC != nil {
		out, err := c.EC2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
		if err != nil {
			return nil, fmt.Errorf("DescribeAvailabilityZones: %w", err)
		}
		zones = ZonesFromEC2(out)
	}
	return NewResolved(spec, loc, zones)
}

// Apply converges everything NewFargateCluster builds, with the AWS SDK:
// the VPC (subnets per zone after [SubnetLayout], internet gateway, NAT
// gateways, route tables and routes, tagged [NetworkTags] and [SubnetTags])
// or an existing network checked with [CheckExistingNetwork] (and tagged
// when TagSubnets says so), the cluster and pod-execution roles, the
// optional KMS key, the EKS cluster (waited for until ACTIVE), its IAM OIDC
// provider, the Fargate profiles one at a time ([EnsureFargateProfiles]),
// the add-ons (CoreDNS with computeType Fargate, after the profile that
// selects its pods) and a kubeconfig. With ClusterSpec.Logging it also
// converges Fargate logging ([Resolved.Logging]): the pods' log group and
// the logs policy on the pod-execution role (after the roles), and the
// aws-observability namespace and aws-logging ConfigMap ([ApplyLogging],
// through Clients.Kubernetes, required then) once the profiles exist and
// before the add-ons; with Logging removed, it deletes what an earlier
// Apply made for it. It uses the renderers the Pulumi component uses.
//
// Every resource is found before it is made: by its ownership tags
// ([ResourceTags]) on EC2, by name on IAM ([RoleName]), EKS and the KMS
// alias. A second Apply on an unchanged spec makes no write call. EKS
// refusing a role IAM has not yet propagated is retried ([ErrIAMNotReady]
// when it lasts). Progress goes to [LogTo] and [OnProgress] at every step
// and every poll of a wait. On error, the Outputs hold what was done.
func Apply(ctx context.Context, c *Clients, spec ClusterSpec, opts ...RunOption) (*Outputs, error) {
	x := &runner{runConfig: newRunConfig(opts), c: c}
	if err := x.run(ctx, spec); err != nil {
		return &x.out, fmt.Errorf("eksfargate: Apply %s: %w", spec.ClusterName, err)
	}
	return &x.out, nil
}

func (x *runner) run(ctx context.Context, spec ClusterSpec) error {
	r, err := resolve(ctx, x.c, spec)
	if err != nil {
		return err
	}
	x.r, x.out.Location, x.out.ClusterName = r, r.Location, r.Name()
	for _, stage := range []func(context.Context) error{x.addonVersions, x.network, x.roles, x.loggingAWS, x.secretsKey, x.controlPlaneLogs,
		x.cluster, x.oidc, x.profiles, x.loggingKube, x.addons, x.kubeconfig} {
		if err := stage(ctx); err != nil {
			return err
		}
	}
	return nil
}

// ---- network ----

// tagList converts a tag map to a service's tag type, sorted by key.
func tagList[T any](m map[string]string, tag func(k, v *string) T) []T {
	out := make([]T, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, tag(aws.String(k), aws.String(m[k])))
	}
	return out
}

// ec2Tags converts a tag map, sorted by key.
func ec2Tags(m map[string]string) []ec2types.Tag {
	return tagList(m, func(k, v *string) ec2types.Tag { return ec2types.Tag{Key: k, Value: v} })
}

func tagSpec(kind ec2types.ResourceType, m map[string]string) []ec2types.TagSpecification {
	return []ec2types.TagSpecification{{ResourceType: kind, Tags: ec2Tags(m)}}
}

func tagMap(tags []ec2types.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// missingTags returns the tags of want that have lacks or has with another value.
func missingTags(has, want map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range want {
		if hv, ok := has[k]; !ok || hv != v {
			out[k] = v
		}
	}
	return out
}

// owned reports whether tags mark the part of cluster.
func owned(tags map[string]string, cluster, part string) bool {
	return tags[TagCluster] == cluster && (part == "" || tags[TagPart] == part)
}

// ownerFilters select a cluster's EC2 resources of one part (or all parts
// with part ""). moto ignores tag filters on some calls, so every answer is
// also checked with owned.
func ownerFilters(cluster, part string) []ec2types.Filter {
	f := []ec2types.Filter{{Name: aws.String("tag:" + TagCluster), Values: []string{cluster}}}
	if part != "" {
		f = append(f, ec2types.Filter{Name: aws.String("tag:" + TagPart), Values: []string{part}})
	}
	return f
}

// ensureTags adds the tags a found resource lacks (it never removes tags).
func (x *runner) ensureTags(ctx context.Context, resource, id string, has, want map[string]string) error {
	miss := missingTags(has, want)
	if len(miss) == 0 {
		return nil
	}
	_, err := x.write(ActionUpdate, resource, "tags "+strings.Join(slices.Sorted(maps.Keys(miss)), ", "), func() (string, error) {
		_, err := x.c.EC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: ec2Tags(miss)})
		return id, err
	})
	return err
}

func (x *runner) netTags(part string) map[string]string {
	return NetworkTags(x.r.Name(), x.r.Spec.Tags, part)
}

func (x *runner) network(ctx context.Context) error {
	if ex := x.r.Spec.Existing; ex != nil {
		return x.existingNetwork(ctx, *ex)
	}
	vpcID, err := x.vpc(ctx)
	if err != nil {
		return err
	}
	x.out.VpcID = vpcID
	igw, err := x.internetGateway(ctx, vpcID)
	if err != nil {
		return err
	}
	x.out.InternetGatewayID = igw
	for i, z := range x.r.Zones {
		id, err := x.subnet(ctx, vpcID, PublicSubnetPart(z.Name), z.Name, x.r.Layout.Public[i], Public)
		if err != nil {
			return err
		}
		x.out.PublicSubnetIDs = append(x.out.PublicSubnetIDs, id)
	}
	for i, z := range x.r.Zones {
		id, err := x.subnet(ctx, vpcID, PrivateSubnetPart(z.Name), z.Name, x.r.Layout.Private[i], Private)
		if err != nil {
			return err
		}
		x.out.PrivateSubnetIDs = append(x.out.PrivateSubnetIDs, id)
	}
	if err := x.routeTable(ctx, vpcID, PartPublicRoutes, route{gateway: igw}, x.out.PublicSubnetIDs); err != nil {
		return err
	}
	for i, z := range x.r.Zones {
		if i > 0 && x.r.Spec.VPC.SingleNATGateway {
			break
		}
		nat, ip, err := x.natGateway(ctx, vpcID, z.Name, x.out.PublicSubnetIDs[i])
		if err != nil {
			return err
		}
		x.out.NATGatewayIDs, x.out.NATPublicIPs = append(x.out.NATGatewayIDs, nat), append(x.out.NATPublicIPs, ip)
	}
	for i, z := range x.r.Zones {
		nat := x.out.NATGatewayIDs[min(i, len(x.out.NATGatewayIDs)-1)]
		if err := x.routeTable(ctx, vpcID, PrivateSubnetPart(z.Name), route{nat: nat}, x.out.PrivateSubnetIDs[i:i+1]); err != nil {
			return err
		}
	}
	return nil
}

// existingNetwork checks a bring-your-own network and adds the cluster's
// subnet tags the subnets lack when TagSubnets is set.
func (x *runner) existingNetwork(ctx context.Context, ex ExistingNetwork) error {
	if err := CheckExistingNetwork(ctx, x.c.EC2, ex); err != nil {
		return err
	}
	x.out.VpcID, x.out.PrivateSubnetIDs, x.out.PublicSubnetIDs = ex.VpcID, slices.Clone(ex.PrivateSubnetIDs), slices.Clone(ex.PublicSubnetIDs)
	x.step(Change{Action: ActionExists, Resource: "vpc (existing)", ID: ex.VpcID})
	if !ex.TagSubnets {
		return nil
	}
	ids := append(slices.Clone(ex.PrivateSubnetIDs), ex.PublicSubnetIDs...)
	out, err := x.c.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: ids})
	if err != nil {
		return fmt.Errorf("DescribeSubnets: %w", err)
	}
	for _, s := range out.Subnets {
		id := aws.ToString(s.SubnetId)
		tier := Private
		if slices.Contains(ex.PublicSubnetIDs, id) {
			tier = Public
		}
		// Only the tags the subnet lacks (or that an earlier run added):
		// a tag others set is never taken over.
		has := tagMap(s.Tags)
		want, record := OwnedSubnetTags(x.r.Name(), tier, has)
		if record != "" {
			want[AddedSubnetTagsKey(x.r.Name())] = record
		}
		if err := x.ensureTags(ctx, "subnet "+id+" (existing)", id, has, want); err != nil {
			return err
		}
	}
	return nil
}

func (x *runner) vpc(ctx context.Context) (string, error) {
	want := x.netTags(PartVPC)
	out, err := x.c.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: ownerFilters(x.r.Name(), PartVPC)})
	if err != nil {
		return "", fmt.Errorf("DescribeVpcs: %w", err)
	}
	for _, v := range out.Vpcs {
		if !owned(tagMap(v.Tags), x.r.Name(), PartVPC) {
			continue
		}
		id := aws.ToString(v.VpcId)
		if aws.ToString(v.CidrBlock) != x.r.Layout.VPC {
			return "", fmt.Errorf("%w: vpc %s has CIDR %s, the spec says %s", ErrDrift, id, aws.ToString(v.CidrBlock), x.r.Layout.VPC)
		}
		x.step(Change{Action: ActionExists, Resource: "vpc", ID: id})
		if err := x.ensureTags(ctx, "vpc", id, tagMap(v.Tags), want); err != nil {
			return "", err
		}
		return id, x.vpcDNS(ctx, id)
	}
	id, err := x.write(ActionCreate, "vpc", x.r.Layout.VPC, func() (string, error) {
		out, err := x.c.EC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(x.r.Layout.VPC), TagSpecifications: tagSpec(ec2types.ResourceTypeVpc, want)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Vpc.VpcId), nil
	})
	if err != nil {
		return "", err
	}
	if id == "" { // dry run: a new VPC has DNS support on and DNS hostnames off
		x.step(Change{Action: ActionUpdate, Resource: "vpc", Detail: string(ec2types.VpcAttributeNameEnableDnsHostnames) + " on"})
		return "", nil
	}
	return id, x.vpcDNS(ctx, id)
}

// vpcDNS turns on DNS support and DNS hostnames (EKS's private endpoint needs both).
func (x *runner) vpcDNS(ctx context.Context, id string) error {
	for _, attr := range []ec2types.VpcAttributeName{ec2types.VpcAttributeNameEnableDnsSupport, ec2types.VpcAttributeNameEnableDnsHostnames} {
		out, err := x.c.EC2.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(id), Attribute: attr})
		if err != nil {
			return fmt.Errorf("DescribeVpcAttribute %s: %w", attr, err)
		}
		on := (attr == ec2types.VpcAttributeNameEnableDnsSupport && out.EnableDnsSupport != nil && aws.ToBool(out.EnableDnsSupport.Value)) ||
			(attr == ec2types.VpcAttributeNameEnableDnsHostnames && out.EnableDnsHostnames != nil && aws.ToBool(out.EnableDnsHostnames.Value))
		if on {
			continue
		}
		if _, err := x.write(ActionUpdate, "vpc", string(attr)+" on", func() (string, error) {
			in := &ec2.ModifyVpcAttributeInput{VpcId: aws.String(id)}
			if attr == ec2types.VpcAttributeNameEnableDnsSupport {
				in.EnableDnsSupport = &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}
			} else {
				in.EnableDnsHostnames = &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}
			}
			_, err := x.c.EC2.ModifyVpcAttribute(ctx, in)
			return id, err
		}); err != nil {
			return err
		}
	}
	return nil
}

func (x *runner) internetGateway(ctx context.Context, vpcID string) (string, error) {
	want := x.netTags(PartInternetGateway)
	out, err := x.c.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: ownerFilters(x.r.Name(), PartInternetGateway)})
	if err != nil {
		return "", fmt.Errorf("DescribeInternetGateways: %w", err)
	}
	id := ""
	attached := false
	for _, g := range out.InternetGateways {
		if !owned(tagMap(g.Tags), x.r.Name(), PartInternetGateway) {
			continue
		}
		id = aws.ToString(g.InternetGatewayId)
		for _, a := range g.Attachments {
			attached = attached || aws.ToString(a.VpcId) == vpcID
		}
		x.step(Change{Action: ActionExists, Resource: "internet gateway", ID: id})
		if err := x.ensureTags(ctx, "internet gateway", id, tagMap(g.Tags), want); err != nil {
			return "", err
		}
		break
	}
	if id == "" {
		if id, err = x.write(ActionCreate, "internet gateway", "", func() (string, error) {
			out, err := x.c.EC2.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{TagSpecifications: tagSpec(ec2types.ResourceTypeInternetGateway, want)})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.InternetGateway.InternetGatewayId), nil
		}); err != nil {
			return "", err
		}
	}
	if !attached {
		if _, err := x.write(ActionUpdate, "internet gateway", "attach to the VPC", func() (string, error) {
			_, err := x.c.EC2.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(id), VpcId: aws.String(vpcID)})
			if apiCode(err) == "Resource.AlreadyAssociated" {
				// The SDK retries a write whose answer a reset connection
				// lost; the retry then finds the first try's work done.
				// Only an attachment to this VPC counts as done.
				if out, derr := x.c.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{id}}); derr == nil &&
					len(out.InternetGateways) == 1 && slices.ContainsFunc(out.InternetGateways[0].Attachments,
					func(a ec2types.InternetGatewayAttachment) bool { return aws.ToString(a.VpcId) == vpcID }) {
					err = nil
				}
			}
			return id, err
		}); err != nil {
			return "", err
		}
	}
	return id, nil
}

func (x *runner) subnet(ctx context.Context, vpcID, part, zone, cidr string, tier Tier) (string, error) {
	want := SubnetTags(x.r.Name(), tier, x.netTags(part))
	res := "subnet " + part
	if vpcID != "" {
		out, err := x.c.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: append(ownerFilters(x.r.Name(), part),
			ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpcID}})})
		if err != nil {
			return "", fmt.Errorf("DescribeSubnets: %w", err)
		}
		for _, s := range out.Subnets {
			if !owned(tagMap(s.Tags), x.r.Name(), part) {
				continue
			}
			id := aws.ToString(s.SubnetId)
			if aws.ToString(s.CidrBlock) != cidr || aws.ToString(s.AvailabilityZone) != zone {
				return "", fmt.Errorf("%w: %s %s is %s in %s, the spec says %s in %s", ErrDrift, res, id,
					aws.ToString(s.CidrBlock), aws.ToString(s.AvailabilityZone), cidr, zone)
			}
			x.step(Change{Action: ActionExists, Resource: res, ID: id})
			return id, x.ensureTags(ctx, res, id, tagMap(s.Tags), want)
		}
	}
	return x.write(ActionCreate, res, cidr+" in "+zone, func() (string, error) {
		out, err := x.c.EC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String(cidr),
			AvailabilityZone: aws.String(zone), TagSpecifications: tagSpec(ec2types.ResourceTypeSubnet, want)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Subnet.SubnetId), nil
	})
}

// natGateway finds or creates the elastic IP and NAT gateway of a zone, and
// waits until the gateway is available.
func (x *runner) natGateway(ctx context.Context, vpcID, zone, publicSubnet string) (id, ip string, err error) {
	part := NATPart(zone)
	want := x.netTags(part)
	addrs, err := x.c.EC2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: ownerFilters(x.r.Name(), part)})
	if err != nil {
		return "", "", fmt.Errorf("DescribeAddresses: %w", err)
	}
	alloc := ""
	for _, a := range addrs.Addresses {
		if owned(tagMap(a.Tags), x.r.Name(), part) {
			alloc, ip = aws.ToString(a.AllocationId), aws.ToString(a.PublicIp)
			x.step(Change{Action: ActionExists, Resource: "elastic IP " + part, ID: alloc})
			break
		}
	}
	if alloc == "" {
		if alloc, err = x.write(ActionCreate, "elastic IP "+part, "", func() (string, error) {
			out, err := x.c.EC2.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc, TagSpecifications: tagSpec(ec2types.ResourceTypeElasticIp, want)})
			if err != nil {
				return "", err
			}
			ip = aws.ToString(out.PublicIp)
			return aws.ToString(out.AllocationId), nil
		}); err != nil {
			return "", "", err
		}
	}
	if vpcID != "" {
		nats, err := x.c.EC2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: append(ownerFilters(x.r.Name(), part),
			ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpcID}})})
		if err != nil {
			return "", "", fmt.Errorf("DescribeNatGateways: %w", err)
		}
		for _, n := range nats.NatGateways {
			if !owned(tagMap(n.Tags), x.r.Name(), part) || n.State == ec2types.NatGatewayStateDeleted || n.State == ec2types.NatGatewayStateDeleting || n.State == ec2types.NatGatewayStateFailed {
				continue
			}
			id = aws.ToString(n.NatGatewayId)
			x.step(Change{Action: ActionExists, Resource: "NAT gateway " + part, ID: id})
			if n.State == ec2types.NatGatewayStateAvailable {
				return id, ip, nil
			}
			return id, ip, x.waitNAT(ctx, part, id)
		}
	}
	id, err = x.write(ActionCreate, "NAT gateway "+part, "in "+publicSubnet, func() (string, error) {
		out, err := x.c.EC2.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(publicSubnet), AllocationId: aws.String(alloc),
			TagSpecifications: tagSpec(ec2types.ResourceTypeNatgateway, want)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.NatGateway.NatGatewayId), nil
	})
	if err != nil || id == "" {
		return id, ip, err
	}
	return id, ip, x.waitNAT(ctx, part, id)
}

func (x *runner) waitNAT(ctx context.Context, part, id string) error {
	w := ec2.NewNatGatewayAvailableWaiter(x.c.EC2, func(o *ec2.NatGatewayAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = x.pollMin, x.pollMax
		next := o.Retryable
		o.Retryable = func(ctx context.Context, in *ec2.DescribeNatGatewaysInput, out *ec2.DescribeNatGatewaysOutput, err error) (bool, error) {
			if err == nil && out != nil && len(out.NatGateways) == 1 {
				x.step(Change{Action: ActionWait, Resource: "NAT gateway " + part, ID: id, Detail: string(out.NatGateways[0].State)})
			}
			return next(ctx, in, out, err)
		}
	})
	if err := w.Wait(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}}, x.timeout); err != nil {
		return fmt.Errorf("wait for NAT gateway %s: %w", id, err)
	}
	return nil
}

// route is the default route of a route table: to the internet gateway or a NAT gateway.
type route struct{ gateway, nat string }

func (r route) target() string { return r.gateway + r.nat }

// routeTable finds or creates a route table of the cluster, its 0.0.0.0/0
// route and its subnet associations.
func (x *runner) routeTable(ctx context.Context, vpcID, part string, def route, subnets []string) error {
	res := "route table " + part
	want := x.netTags(part)
	var table *ec2types.RouteTable
	if vpcID != "" {
		out, err := x.c.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: append(ownerFilters(x.r.Name(), part),
			ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpcID}})})
		if err != nil {
			return fmt.Errorf("DescribeRouteTables: %w", err)
		}
		for i := range out.RouteTables {
			if owned(tagMap(out.RouteTables[i].Tags), x.r.Name(), part) {
				table = &out.RouteTables[i]
				break
			}
		}
	}
	id := ""
	if table != nil {
		id = aws.ToString(table.RouteTableId)
		x.step(Change{Action: ActionExists, Resource: res, ID: id})
		if err := x.ensureTags(ctx, res, id, tagMap(table.Tags), want); err != nil {
			return err
		}
	} else {
		var err error
		if id, err = x.write(ActionCreate, res, "", func() (string, error) {
			out, err := x.c.EC2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID), TagSpecifications: tagSpec(ec2types.ResourceTypeRouteTable, want)})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.RouteTable.RouteTableId), nil
		}); err != nil {
			return err
		}
		table = &ec2types.RouteTable{}
	}
	hasRoute := false
	for _, r := range table.Routes {
		if aws.ToString(r.DestinationCidrBlock) != "0.0.0.0/0" {
			continue
		}
		if got := aws.ToString(r.GatewayId) + aws.ToString(r.NatGatewayId); got != def.target() {
			return fmt.Errorf("%w: %s routes 0.0.0.0/0 to %s, the cluster's is %s", ErrDrift, res, got, def.target())
		}
		hasRoute = true
	}
	if !hasRoute {
		if _, err := x.write(ActionCreate, res+" default route", "0.0.0.0/0 to "+def.target(), func() (string, error) {
			in := &ec2.CreateRouteInput{RouteTableId: aws.String(id), DestinationCidrBlock: aws.String("0.0.0.0/0")}
			if def.gateway != "" {
				in.GatewayId = aws.String(def.gateway)
			} else {
				in.NatGatewayId = aws.String(def.nat)
			}
			_, err := x.c.EC2.CreateRoute(ctx, in)
			return id, err
		}); err != nil {
			return err
		}
	}
	for _, s := range subnets {
		if slices.ContainsFunc(table.Associations, func(a ec2types.RouteTableAssociation) bool { return aws.ToString(a.SubnetId) == s && s != "" }) {
			continue
		}
		if _, err := x.write(ActionCreate, res+" association", "subnet "+s, func() (string, error) {
			out, err := x.c.EC2.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(id), SubnetId: aws.String(s)})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.AssociationId), nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// ---- IAM ----

func (x *runner) iamOptions() irsa.Options {
	first := x.iamBackoff
	return irsa.Options{Logger: x.log, Attempts: x.iamAttempts, Backoff: func(attempt int) time.Duration {
		return min(first<<(attempt-1), 30*time.Second)
	}}
}

func (x *runner) roles(ctx context.Context) error {
	arn, err := x.role(ctx, x.r.ClusterRole())
	if err != nil {
		return err
	}
	x.out.ClusterRoleARN = arn
	m, created, err := x.r.PodExecutionRole()
	switch {
	case err != nil:
		return err
	case !created:
		x.out.PodExecutionRoleARN = x.r.Spec.PodExecutionRole.ARN
		x.step(Change{Action: ActionExists, Resource: "role " + PartPodExecutionRole + " (given)", ID: x.out.PodExecutionRoleARN})
		return nil
	}
	x.out.PodExecutionRoleARN, err = x.role(ctx, m)
	return err
}

// roleSpec is the irsa.RoleSpec of a role model.
func roleSpec(m RoleModel) irsa.RoleSpec {
	return irsa.RoleSpec{Name: m.Name, AssumeRolePolicy: m.Trust.String(), PermissionsBoundary: m.PermissionsBoundary,
		PolicyARNs: m.PolicyARNs, RoleSettings: irsa.RoleSettings{Path: m.Path, Description: m.Description, Tags: m.Tags}}
}

// role converges one role with irsa.EnsureRole (which reads before it
// writes); a role of the name without the ownership tag is not adopted.
func (x *runner) role(ctx context.Context, m RoleModel) (string, error) {
	res := "role " + m.Part
	arn := x.r.Partition.ARN("iam", "", x.r.AccountID, "role"+cmpPath(m.Path)+m.Name)
	got, err := x.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(m.Name)})
	switch {
	case err == nil:
		tags := map[string]string{}
		for _, t := range got.Role.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		if !owned(tags, x.r.Name(), "") {
			return "", fmt.Errorf("%w: %s %s has no %s=%s tag", ErrNotOwned, res, m.Name, TagCluster, x.r.Name())
		}
		if x.dry {
			x.step(Change{Action: ActionExists, Resource: res, ID: aws.ToString(got.Role.Arn), Detail: "settings checked on apply"})
			return aws.ToString(got.Role.Arn), nil
		}
	case !isNoSuchEntity(err):
		return "", fmt.Errorf("GetRole %s: %w", m.Name, err)
	case x.dry:
		x.step(Change{Action: ActionCreate, Resource: res, ID: arn, Detail: m.Name})
		return arn, nil
	}
	out, err := irsa.EnsureRole(ctx, x.c.IAM, roleSpec(m), x.iamOptions())
	if err != nil {
		return "", err
	}
	switch {
	case out.Created:
		x.step(Change{Action: ActionCreate, Resource: res, ID: out.ARN, Detail: strings.Join(out.Changes, ", ")})
	case len(out.Changes) > 0:
		x.step(Change{Action: ActionUpdate, Resource: res, ID: out.ARN, Detail: strings.Join(out.Changes, ", ")})
	default:
		x.step(Change{Action: ActionExists, Resource: res, ID: out.ARN})
	}
	return out.ARN, nil
}

func cmpPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// ---- KMS ----

// SecretsKeyAlias is the alias of the KMS key Apply creates for secrets
// encryption: how Apply and Delete find it.
func SecretsKeyAlias(clusterName string) string {
	return "alias/fargatekit/" + clusterName + "/secrets"
}

// findKeyByAlias returns the key ARN behind alias, or "".
func findKeyByAlias(ctx context.Context, api KMSAPI, alias string) (string, error) {
	pages := kms.NewListAliasesPaginator(api, &kms.ListAliasesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("ListAliases: %w", err)
		}
		for _, a := range page.Aliases {
			if aws.ToString(a.AliasName) == alias && a.TargetKeyId != nil {
				out, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: a.TargetKeyId})
				if err != nil {
					return "", fmt.Errorf("DescribeKey %s: %w", aws.ToString(a.TargetKeyId), err)
				}
				if out.KeyMetadata.KeyState == kmstypes.KeyStatePendingDeletion {
					return "", fmt.Errorf("%w: KMS key %s behind %s is pending deletion (cancel it, or delete the alias)", ErrDrift, aws.ToString(out.KeyMetadata.Arn), alias)
				}
				return aws.ToString(out.KeyMetadata.Arn), nil
			}
		}
	}
	return "", nil
}

func (x *runner) secretsKey(ctx context.Context) error {
	e := x.r.Spec.SecretsEncryption
	switch {
	case e == nil:
		return nil
	case e.KeyARN != "":
		x.out.SecretsKeyARN = e.KeyARN
		return nil
	}
	alias := SecretsKeyAlias(x.r.Name())
	arn, err := findKeyByAlias(ctx, x.c.KMS, alias)
	if err != nil {
		return err
	}
	if arn != "" {
		x.out.SecretsKeyARN = arn
		x.step(Change{Action: ActionExists, Resource: "KMS key " + PartSecretsKey, ID: arn})
		return nil
	}
	tags := tagList(ResourceTags(x.r.Name(), x.r.Spec.Tags, PartSecretsKey), func(k, v *string) kmstypes.Tag { return kmstypes.Tag{TagKey: k, TagValue: v} })
	x.out.SecretsKeyARN, err = x.write(ActionCreate, "KMS key "+PartSecretsKey, alias, func() (string, error) {
		out, err := x.c.KMS.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String(SecretsKeyDescription(x.r.Name())), Tags: tags})
		if err != nil {
			return "", err
		}
		id := aws.ToString(out.KeyMetadata.KeyId)
		if _, err := x.c.KMS.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(id)}); err != nil {
			return "", fmt.Errorf("EnableKeyRotation: %w", err)
		}
		if _, err := x.c.KMS.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(id)}); err != nil {
			return "", fmt.Errorf("CreateAlias: %w", err)
		}
		return aws.ToString(out.KeyMetadata.Arn), nil
	})
	return err
}

// ---- cluster ----

// describeCluster returns the cluster, or nil when it does not exist.
func describeCluster(ctx context.Context, api interface {
	DescribeCluster(context.Context, *eks.DescribeClusterInput, ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
}, name string) (*types.Cluster, error) {
	out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	var nf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("DescribeCluster %s: %w", name, err)
	}
	return out.Cluster, nil
}

// createClusterInput renders CreateCluster from the spec and what Apply made.
func (x *runner) createClusterInput() *eks.CreateClusterInput {
	s := x.r.Spec
	vpc := &types.VpcConfigRequest{
		SubnetIds:             ClusterSubnets(x.out.PrivateSubnetIDs, x.out.PublicSubnetIDs),
		EndpointPublicAccess:  aws.Bool(s.EndpointAccess != EndpointPrivate),
		EndpointPrivateAccess: aws.Bool(s.EndpointAccess != EndpointPublic),
	}
	if cidrs := PublicAccessCIDRs(s, x.out.NATPublicIPs); len(cidrs) > 0 {
		vpc.PublicAccessCidrs = cidrs
	}
	in := &eks.CreateClusterInput{
		Name:               aws.String(s.ClusterName),
		Version:            aws.String(s.KubernetesVersion),
		RoleArn:            aws.String(x.out.ClusterRoleARN),
		ResourcesVpcConfig: vpc,
		AccessConfig: &types.CreateAccessConfigRequest{
			AuthenticationMode:                      types.AuthenticationMode(s.AuthenticationMode),
			BootstrapClusterCreatorAdminPermissions: s.BootstrapClusterCreatorAdminPermissions,
		},
		// The add-ons are managed by Apply; nothing self-managed (and no
		// CoreDNS annotated for EC2) is ever installed.
		BootstrapSelfManagedAddons: aws.Bool(false),
		Tags:                       ResourceTags(s.ClusterName, s.Tags, PartCluster),
	}
	if x.out.SecretsKeyARN != "" {
		in.EncryptionConfig = []types.EncryptionConfig{{Provider: &types.Provider{KeyArn: aws.String(x.out.SecretsKeyARN)}, Resources: []string{"secrets"}}}
	}
	if s.UpgradePolicy != "" {
		in.UpgradePolicy = &types.UpgradePolicyRequest{SupportType: types.SupportType(s.UpgradePolicy)}
	}
	if s.ZonalShift {
		in.ZonalShiftConfig = &types.ZonalShiftConfigRequest{Enabled: aws.Bool(true)}
	}
	if s.DeletionProtection {
		in.DeletionProtection = aws.Bool(true)
	}
	if len(s.LogTypes) > 0 {
		var lt []types.LogType
		for _, t := range s.LogTypes {
			lt = append(lt, types.LogType(t))
		}
		in.Logging = &types.Logging{ClusterLogging: []types.LogSetup{{Enabled: aws.Bool(true), Types: lt}}}
	}
	return in
}

func (x *runner) cluster(ctx context.Context) error {
	name := x.r.Name()
	res := "cluster " + name
	cl, err := describeCluster(ctx, x.c.EKS, name)
	if err != nil {
		return err
	}
	if cl == nil {
		in := x.createClusterInput()
		if _, err := x.write(ActionCreate, res, "Kubernetes "+x.r.Spec.KubernetesVersion, func() (string, error) {
			var out *eks.CreateClusterOutput
			err := x.retryIAM(ctx, res, func() error {
				var err error
				out, err = x.c.EKS.CreateCluster(ctx, in)
				return err
			})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Cluster.Arn), nil
		}); err != nil {
			return err
		}
		if x.dry {
			return nil
		}
	} else {
		if !owned(cl.Tags, name, "") {
			return fmt.Errorf("%w: %s (%s) has no %s=%s tag", ErrNotOwned, res, aws.ToString(cl.Arn), TagCluster, name)
		}
		if err := x.checkCluster(cl); err != nil {
			return err
		}
		x.step(Change{Action: ActionExists, Resource: res, ID: aws.ToString(cl.Arn), Detail: string(cl.Status)})
		if x.dry {
			x.setClusterOutputs(cl)
			if aws.ToBool(cl.DeletionProtection) != x.r.Spec.DeletionProtection {
				x.step(Change{Action: ActionUpdate, Resource: res, ID: aws.ToString(cl.Arn), Detail: "deletion protection " + onOff(x.r.Spec.DeletionProtection)})
			}
			return nil
		}
	}
	cl, err = x.waitCluster(ctx, name)
	if err != nil {
		return err
	}
	x.setClusterOutputs(cl)
	// Deletion protection is converged on an existing cluster (set with
	// CreateCluster on a new one).
	if aws.ToBool(cl.DeletionProtection) != x.r.Spec.DeletionProtection {
		if _, err := x.setDeletionProtection(ctx, x.c.EKS, name, x.r.Spec.DeletionProtection); err != nil {
			return err
		}
	}
	return nil
}

// checkCluster compares what Apply does not change in place.
func (x *runner) checkCluster(cl *types.Cluster) error {
	var diffs []string
	if got := aws.ToString(cl.RoleArn); got != x.out.ClusterRoleARN && x.out.ClusterRoleARN != "" {
		diffs = append(diffs, fmt.Sprintf("role %s, want %s", got, x.out.ClusterRoleARN))
	}
	if v := cl.ResourcesVpcConfig; v != nil && x.out.VpcID != "" && aws.ToString(v.VpcId) != "" && aws.ToString(v.VpcId) != x.out.VpcID {
		diffs = append(diffs, fmt.Sprintf("VPC %s, want %s", aws.ToString(v.VpcId), x.out.VpcID))
	}
	if got := aws.ToString(cl.Version); got != "" && got != x.r.Spec.KubernetesVersion {
		diffs = append(diffs, fmt.Sprintf("Kubernetes %s, spec %s (upgrade with UpdateClusterVersion, one minor version at a time)", got, x.r.Spec.KubernetesVersion))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: cluster %s: %s", ErrDrift, x.r.Name(), strings.Join(diffs, "; "))
	}
	return nil
}

func (x *runner) setClusterOutputs(cl *types.Cluster) {
	x.out.ClusterARN, x.out.Endpoint, x.out.Version = aws.ToString(cl.Arn), aws.ToString(cl.Endpoint), aws.ToString(cl.Version)
	if cl.CertificateAuthority != nil {
		x.out.CertificateAuthority = aws.ToString(cl.CertificateAuthority.Data)
	}
	if cl.Identity != nil && cl.Identity.Oidc != nil {
		x.out.OIDCIssuerURL = aws.ToString(cl.Identity.Oidc.Issuer)
	}
	if v := cl.ResourcesVpcConfig; v != nil {
		x.out.ClusterSecurityGroupID = aws.ToString(v.ClusterSecurityGroupId)
	}
}

// waitCluster waits until the cluster is ACTIVE, reporting every poll.
func (x *runner) waitCluster(ctx context.Context, name string) (*types.Cluster, error) {
	var last *types.Cluster
	start := time.Now()
	w := eks.NewClusterActiveWaiter(x.c.EKS, func(o *eks.ClusterActiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = x.pollMin, x.pollMax
		next := o.Retryable
		o.Retryable = func(ctx context.Context, in *eks.DescribeClusterInput, out *eks.DescribeClusterOutput, err error) (bool, error) {
			if err == nil && out != nil && out.Cluster != nil {
				last = out.Cluster
				if last.Status != types.ClusterStatusActive {
					x.step(Change{Action: ActionWait, Resource: "cluster " + name, ID: aws.ToString(last.Arn),
						Detail: fmt.Sprintf("%s for %s", last.Status, time.Since(start).Round(time.Second))})
				}
			}
			return next(ctx, in, out, err)
		}
	})
	out, err := w.WaitForOutput(ctx, &eks.DescribeClusterInput{Name: aws.String(name)}, x.timeout)
	if err != nil {
		status := ""
		if last != nil {
			status = string(last.Status)
		}
		return nil, fmt.Errorf("wait for cluster %s to be ACTIVE (last status %q): %w", name, status, err)
	}
	return out.Cluster, nil
}

// ---- OIDC provider ----

func (x *runner) oidc(ctx context.Context) error {
	tags := ResourceTags(x.r.Name(), x.r.Spec.Tags, PartOIDCProvider)
	if x.out.OIDCIssuerURL == "" {
		if x.dry {
			x.step(Change{Action: ActionCreate, Resource: "OIDC provider", Detail: "for the cluster's issuer (known once it exists)"})
			return nil
		}
		return fmt.Errorf("cluster %s reports no OIDC issuer", x.r.Name())
	}
	spec := irsa.OIDCProviderSpec{IssuerURL: x.out.OIDCIssuerURL, Thumbprints: x.r.Spec.OIDCThumbprints, Tags: tags}
	arn := x.r.Partition.OIDCProviderARN(x.r.AccountID, x.out.OIDCIssuerURL)
	if x.dry {
		found, err := findOIDCProvider(ctx, x.c.IAM, arn)
		if err != nil {
			return err
		}
		a := ActionCreate
		if found {
			a = ActionExists
		}
		x.step(Change{Action: a, Resource: "OIDC provider", ID: arn})
		x.out.OIDCProviderARN = arn
		return nil
	}
	out, err := irsa.EnsureOIDCProvider(ctx, x.c.IAM, spec, x.iamOptions())
	if err != nil {
		return err
	}
	x.out.OIDCProviderARN = out.ARN
	switch {
	case out.Created:
		x.step(Change{Action: ActionCreate, Resource: "OIDC provider", ID: out.ARN})
	case len(out.Changes) > 0:
		x.step(Change{Action: ActionUpdate, Resource: "OIDC provider", ID: out.ARN, Detail: strings.Join(out.Changes, ", ")})
	default:
		x.step(Change{Action: ActionExists, Resource: "OIDC provider", ID: out.ARN})
	}
	return nil
}

// findOIDCProvider reports whether the account has the provider arn.
func findOIDCProvider(ctx context.Context, api IAMAPI, arn string) (bool, error) {
	out, err := api.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return false, fmt.Errorf("ListOpenIDConnectProviders: %w", err)
	}
	for _, p := range out.OpenIDConnectProviderList {
		if aws.ToString(p.Arn) == arn {
			return true, nil
		}
	}
	return false, nil
}

// ---- Fargate profiles ----

// profileList returns the spec's profiles with their tags rendered.
func (x *runner) profileList() []FargateProfile {
	var out []FargateProfile
	for _, p := range x.r.Spec.FargateProfiles {
		p.Tags = ProfileTags(x.r.Name(), x.r.Spec.Tags, p)
		out = append(out, p)
	}
	return out
}

func (x *runner) profiles(ctx context.Context) error {
	profiles := x.profileList()
	for _, p := range profiles {
		x.out.Profiles = append(x.out.Profiles, ProfileName(p))
	}
	if x.dry {
		return x.planProfiles(ctx, profiles)
	}
	opts := []EnsureOption{
		WithPodExecutionRole(x.out.PodExecutionRoleARN), WithSubnets(x.out.PrivateSubnetIDs...),
		WithPollInterval(x.pollMin, x.pollMax), WithBackoff(x.pollMin, x.pollMax), WithTimeout(x.timeout),
		WithProgress(func(p Progress) {
			a := ActionWait
			switch p.Event {
			case EventExists:
				a = ActionExists
			case EventCreating:
				a = ActionCreate
			case EventDeleting:
				a = ActionDelete
			case EventBusy:
				a = ActionRetry
			}
			if p.Event == EventActive || p.Event == EventDeleted {
				return // the end of a wait; the create or delete was reported
			}
			x.step(Change{Action: a, Resource: "Fargate profile " + p.Profile, Detail: strings.TrimSpace(p.Status + " " + p.Message)})
		}),
	}
	return x.retryIAM(ctx, "Fargate profiles", func() error {
		_, err := EnsureFargateProfiles(ctx, x.c.EKS, x.r.Name(), profiles, opts...)
		return err
	})
}

// ---- add-ons ----

func (x *runner) addons(ctx context.Context) error {
	models, err := x.r.Addons()
	if err != nil {
		return err
	}
	for _, m := range models {
		m.Version = x.versions[m.Name]
		if err := x.addon(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// addonVersions resolves every add-on's version for the cluster's
// Kubernetes version (ResolveAddonVersion), before anything is written: an
// incompatible pin fails here, with every other one.
func (x *runner) addonVersions(ctx context.Context) error {
	models, err := x.r.Addons()
	if err != nil {
		return err
	}
	x.versions = map[string]string{}
	var errs []error
	for _, m := range models {
		v, err := ResolveAddonVersion(ctx, x.c.EKS, m.Name, x.r.Spec.KubernetesVersion, m.Version)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		x.versions[m.Name] = v
	}
	return errors.Join(errs...)
}

// ---- control-plane log group ----

// findLogGroup returns the log group of that exact name, or nil.
func findLogGroup(ctx context.Context, api LogsAPI, name string) (*logstypes.LogGroup, error) {
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(api, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeLogGroups %s: %w", name, err)
		}
		for i := range page.LogGroups {
			if aws.ToString(page.LogGroups[i].LogGroupName) == name {
				return &page.LogGroups[i], nil
			}
		}
	}
	return nil, nil
}

// logGroupARN is the group's ARN without the ":*" DescribeLogGroups' arn ends with.
func logGroupARN(g *logstypes.LogGroup) string {
	if a := aws.ToString(g.LogGroupArn); a != "" {
		return a
	}
	return strings.TrimSuffix(aws.ToString(g.Arn), ":*")
}

// controlPlaneLogs creates the control plane's log group before the
// cluster, so that EKS writes into a group with retention (it creates one
// that never expires otherwise). A group of the name EKS made earlier is
// adopted: its name makes it the cluster's. Its retention and tags converge.
func (x *runner) controlPlaneLogs(ctx context.Context) error {
	m, ok := x.r.ControlPlaneLogs()
	if !ok {
		return nil
	}
	x.out.ControlPlaneLogGroup = m.Name
	return x.ensureLogGroup(ctx, "log group "+PartControlPlaneLogs, m, true)
}

// describeAddon returns the add-on, or nil when it does not exist.
func describeAddon(ctx context.Context, api ClusterAPI, cluster, name string) (*types.Addon, error) {
	out, err := api.DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String(name)})
	var nf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("DescribeAddon %s: %w", name, err)
	}
	return out.Addon, nil
}

func (x *runner) addon(ctx context.Context, m AddonModel) error {
	res := "addon " + m.Name
	var a *types.Addon
	if x.out.ClusterARN != "" {
		var err error
		if a, err = describeAddon(ctx, x.c.EKS, x.r.Name(), m.Name); err != nil {
			return err
		}
	}
	if a == nil {
		detail := m.Version
		if m.AfterProfile >= 0 {
			detail = strings.TrimSpace(detail + " after Fargate profile " + x.out.Profiles[m.AfterProfile])
		}
		if _, err := x.write(ActionCreate, res, detail, func() (string, error) {
			in := &eks.CreateAddonInput{ClusterName: aws.String(x.r.Name()), AddonName: aws.String(m.Name),
				ResolveConflicts: types.ResolveConflicts(m.ResolveConflicts), Tags: m.Tags}
			if m.Version != "" {
				in.AddonVersion = aws.String(m.Version)
			}
			if m.ConfigurationValues != "" {
				in.ConfigurationValues = aws.String(m.ConfigurationValues)
			}
			out, err := x.c.EKS.CreateAddon(ctx, in)
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Addon.AddonArn), nil
		}); err != nil {
			return err
		}
		if x.dry {
			x.out.Addons = append(x.out.Addons, m.Name+"@"+m.Version)
			return nil
		}
		return x.waitAddon(ctx, m)
	}
	var diffs []string
	in := &eks.UpdateAddonInput{ClusterName: aws.String(x.r.Name()), AddonName: aws.String(m.Name), ResolveConflicts: types.ResolveConflicts(m.ResolveConflicts)}
	if m.Version != "" && aws.ToString(a.AddonVersion) != m.Version {
		diffs, in.AddonVersion = append(diffs, "version "+aws.ToString(a.AddonVersion)+" to "+m.Version), aws.String(m.Version)
	}
	if aws.ToString(a.ConfigurationValues) != m.ConfigurationValues {
		diffs, in.ConfigurationValues = append(diffs, "configuration "+m.ConfigurationValues), aws.String(m.ConfigurationValues)
	}
	if len(diffs) == 0 {
		x.step(Change{Action: ActionExists, Resource: res, ID: aws.ToString(a.AddonArn), Detail: string(a.Status)})
		x.out.Addons = append(x.out.Addons, m.Name+"@"+aws.ToString(a.AddonVersion))
		if a.Status == types.AddonStatusActive || x.dry {
			return nil
		}
		return x.waitAddon(ctx, m)
	}
	if _, err := x.write(ActionUpdate, res, strings.Join(diffs, "; "), func() (string, error) {
		_, err := x.c.EKS.UpdateAddon(ctx, in)
		return aws.ToString(a.AddonArn), err
	}); err != nil {
		return err
	}
	if x.dry {
		x.out.Addons = append(x.out.Addons, m.Name+"@"+m.Version)
		return nil
	}
	return x.waitAddon(ctx, m)
}

// waitAddon waits until the add-on is ACTIVE, reporting every poll.
func (x *runner) waitAddon(ctx context.Context, m AddonModel) error {
	res := "addon " + m.Name
	start := time.Now()
	w := eks.NewAddonActiveWaiter(x.c.EKS, func(o *eks.AddonActiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = x.pollMin, x.pollMax
		next := o.Retryable
		o.Retryable = func(ctx context.Context, in *eks.DescribeAddonInput, out *eks.DescribeAddonOutput, err error) (bool, error) {
			if err == nil && out != nil && out.Addon != nil && out.Addon.Status != types.AddonStatusActive {
				x.step(Change{Action: ActionWait, Resource: res, Detail: fmt.Sprintf("%s for %s", out.Addon.Status, time.Since(start).Round(time.Second))})
			}
			return next(ctx, in, out, err)
		}
	})
	out, err := w.WaitForOutput(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(x.r.Name()), AddonName: aws.String(m.Name)}, x.timeout)
	if err != nil {
		return fmt.Errorf("wait for add-on %s to be ACTIVE: %w", m.Name, err)
	}
	x.out.Addons = append(x.out.Addons, m.Name+"@"+aws.ToString(out.Addon.AddonVersion))
	return nil
}

// ---- kubeconfig ----

// KubeconfigSpec is the kubeauth spec of a cluster's kubeconfig, from the
// spec's Kubeconfig options and the cluster's connection data.
func KubeconfigSpec(spec ClusterSpec, region, clusterARN, endpoint, caData string) kubeauth.KubeconfigSpec {
	k := spec.Kubeconfig
	return kubeauth.KubeconfigSpec{ClusterName: spec.ClusterName, Endpoint: endpoint, CAData: caData, ClusterARN: clusterARN,
		Region: region, RoleARN: k.RoleARN, Profile: k.Profile, Exec: k.Exec}
}

func (x *runner) kubeconfig(context.Context) error {
	if x.dry {
		return nil
	}
	kc, err := kubeauth.RenderKubeconfig(KubeconfigSpec(x.r.Spec, x.r.Region, x.out.ClusterARN, x.out.Endpoint, x.out.CertificateAuthority))
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	x.out.Kubeconfig = kc
	return nil
}
