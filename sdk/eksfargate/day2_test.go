package eksfargate_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

func tagsOf(t *testing.T, ec2c *ec2.Client, id string) map[string]string {
	t.Helper()
	out, err := ec2c.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
	if err != nil || len(out.Subnets) != 1 {
		t.Fatalf("subnet %s: %v", id, err)
	}
	m := map[string]string{}
	for _, tg := range out.Subnets[0].Tags {
		m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return m
}

// byoNetwork creates a VPC with two private subnets, the first already
// tagged by someone else.
func byoNetwork(t *testing.T, e *env) (vpc string, subnets []string) {
	t.Helper()
	ctx := context.Background()
	ec2c := ec2.NewFromConfig(e.cfg)
	v, err := ec2c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	for i, z := range []string{"eu-west-1a", "eu-west-1b"} {
		s, err := ec2c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String([]string{"10.1.0.0/20", "10.1.16.0/20"}[i]), AvailabilityZone: aws.String(z)})
		if err != nil {
			t.Fatal(err)
		}
		subnets = append(subnets, aws.ToString(s.Subnet.SubnetId))
	}
	// Another cluster's team marked the first subnet for internal load
	// balancers, with a value of their own.
	if _, err := ec2c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: subnets[:1], Tags: []ec2types.Tag{{Key: aws.String(sdk.TagInternalELB), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(v.Vpc.VpcId), subnets
}

// TagSubnets adds only the tags a subnet lacks, never takes over another's,
// and Delete removes only the cluster tag it added (the role tags, shared,
// stay).
func TestTagSubnetsOnlyAddsMissingOnMoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ec2c := ec2.NewFromConfig(e.cfg)
	vpc, subnets := byoNetwork(t, e)
	spec := sdk.ClusterSpec{ClusterName: "byo", Existing: &sdk.ExistingNetwork{VpcID: vpc, PrivateSubnetIDs: subnets, TagSubnets: true}}
	if _, err := sdk.Apply(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	record := sdk.AddedSubnetTagsKey("byo")
	first, second := tagsOf(t, ec2c, subnets[0]), tagsOf(t, ec2c, subnets[1])
	if first[sdk.TagInternalELB] != "true" || first["kubernetes.io/cluster/byo"] != "shared" || first[record] != "kubernetes.io/cluster/byo" {
		t.Errorf("pre-tagged subnet: %v", first)
	}
	if second[sdk.TagInternalELB] != "1" || second[record] != "kubernetes.io/cluster/byo,kubernetes.io/role/internal-elb" {
		t.Errorf("untagged subnet: %v", second)
	}
	e.log.writes()
	if _, err := sdk.Apply(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Errorf("second Apply wrote %v", w)
	}
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	first, second = tagsOf(t, ec2c, subnets[0]), tagsOf(t, ec2c, subnets[1])
	_, c1 := first["kubernetes.io/cluster/byo"]
	_, c2 := second["kubernetes.io/cluster/byo"]
	_, r1 := first[record]
	if c1 || c2 || r1 || first[sdk.TagInternalELB] != "true" || second[sdk.TagInternalELB] != "1" {
		t.Errorf("after Delete: %v / %v", first, second)
	}
}

// The control plane's log group: made before the cluster with its
// retention, converged, deleted with the cluster.
func TestControlPlaneLogGroupOnMoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	logs := cloudwatchlogs.NewFromConfig(e.cfg)
	spec := sdk.ClusterSpec{ClusterName: "logged", LogTypes: []string{sdk.LogAPI, sdk.LogAudit}, ControlPlaneLogRetentionDays: 30}
	out, err := sdk.Apply(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	if logGroup, cluster := indexOf(out.Changes, sdk.ActionCreate, "log group"), indexOf(out.Changes, sdk.ActionCreate, "cluster logged"); logGroup < 0 || logGroup > cluster {
		t.Errorf("log group created at %d, cluster at %d", logGroup, cluster)
	}
	group := func() (int32, map[string]string) {
		t.Helper()
		g, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/eks/logged/")})
		if err != nil || len(g.LogGroups) != 1 || aws.ToString(g.LogGroups[0].LogGroupName) != "/aws/eks/logged/cluster" {
			t.Fatalf("log groups: %v %+v", err, g)
		}
		tags, err := logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: g.LogGroups[0].LogGroupArn})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToInt32(g.LogGroups[0].RetentionInDays), tags.Tags
	}
	if days, tags := group(); days != 30 || tags[sdk.TagPart] != sdk.PartControlPlaneLogs || out.ControlPlaneLogGroup != "/aws/eks/logged/cluster" {
		t.Errorf("retention %d, tags %v", days, tags)
	}
	spec.ControlPlaneLogRetentionDays = 0 // the default
	e.log.writes()
	if _, err := sdk.Apply(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	if w := e.log.writes(); len(w) != 1 || !strings.Contains(w[0], "PutRetentionPolicy") {
		t.Errorf("retention change wrote %v", w)
	}
	if days, _ := group(); days != sdk.DefaultControlPlaneLogRetentionDays {
		t.Errorf("retention %d", days)
	}
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	if g, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/eks/logged/")}); err != nil || len(g.LogGroups) != 0 {
		t.Errorf("log group left: %v %v", err, g)
	}
	// A bad retention is refused before anything.
	spec.ControlPlaneLogRetentionDays = 31
	if _, err := sdk.Apply(ctx, e.clients, spec, fast...); !errors.Is(err, sdk.ErrInvalidLogRetention) {
		t.Errorf("31 days: %v", err)
	}
}

// Deletion protection: set on create, Delete refused (nothing deleted),
// turned off by Apply, then Delete goes through.
func TestDeletionProtectionOnMoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	spec := sdk.ClusterSpec{ClusterName: "guarded", DeletionProtection: true}
	if _, err := sdk.Apply(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	cl, err := e.clients.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("guarded")})
	if err != nil || !aws.ToBool(cl.Cluster.DeletionProtection) {
		t.Fatalf("protection after create: %v %v", err, cl)
	}
	calls := len(e.addons.Calls())
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); !errors.Is(err, sdk.ErrDeletionProtected) {
		t.Fatalf("Delete of a protected cluster: %v", err)
	}
	if w := append(e.log.writes(), addonWrites(e.addons, calls)...); slices.ContainsFunc(w, func(c string) bool { return strings.Contains(c, "Delete") }) {
		t.Errorf("the refused Delete deleted: %v", w)
	}
	spec.DeletionProtection = false
	plan, err := sdk.Plan(ctx, e.clients, spec, fast...)
	if err != nil || sdk.Writes(plan) != 1 || indexOf(plan, sdk.ActionUpdate, "cluster guarded") < 0 {
		t.Errorf("plan: %v %v", err, plan)
	}
	if _, err := sdk.Apply(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	if changed, err := sdk.SetDeletionProtection(ctx, e.clients.EKS, "guarded", false, fast...); err != nil || changed {
		t.Errorf("already off: changed %v, %v", changed, err)
	}
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	assertNothingTagged(t, e, "guarded")
}

// What the load balancer controller of a deleted cluster left blocks the
// network: Delete reports it; Sweep (or SweepLeftovers) removes it, and
// only what carries the cluster's tags.
func TestSweepOnMoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	spec := testSpec()
	out, err := sdk.Apply(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.Sweep(ctx, e.clients, "prod", out.VpcID, fast...); !errors.Is(err, sdk.ErrClusterExists) {
		t.Fatalf("Sweep of a live cluster: %v", err)
	}
	ec2c, elb := ec2.NewFromConfig(e.cfg), elbv2.NewFromConfig(e.cfg)
	lbcTags := []elbtypes.Tag{{Key: aws.String(sdk.TagLBCCluster), Value: aws.String("prod")}, {Key: aws.String("ingress.k8s.aws/stack"), Value: aws.String("apps/web")}}
	sg, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("k8s-apps-web-1a2b3c"), Description: aws.String("[k8s] Managed SecurityGroup for LoadBalancer"),
		VpcId: aws.String(out.VpcID), TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup,
			Tags: []ec2types.Tag{{Key: aws.String(sdk.TagLBCCluster), Value: aws.String("prod")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("bastion"), Description: aws.String("someone else's"), VpcId: aws.String(out.VpcID)})
	if err != nil {
		t.Fatal(err)
	}
	// Their group lets the load balancer's in: the rule must go first.
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: theirs.GroupId, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: sg.GroupId}}}}}); err != nil {
		t.Fatal(err)
	}
	lb, err := elb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("k8s-apps-web-1a2b3c"), Subnets: out.PublicSubnetIDs,
		SecurityGroups: []string{aws.ToString(sg.GroupId)}, Tags: lbcTags})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := elb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("k8s-apps-web-4d5e6f"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		VpcId: aws.String(out.VpcID), TargetType: elbtypes.TargetTypeEnumIp, Tags: lbcTags})
	if err != nil {
		t.Fatal(err)
	}
	lbArn := aws.ToString(lb.LoadBalancers[0].LoadBalancerArn)
	// The interface AWS gives the load balancer (moto makes none): what AWS
	// removes with it, and what blocks the subnet meanwhile.
	eni, err := ec2c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(out.PublicSubnetIDs[0]),
		Description: aws.String("ELB " + lbArn[strings.Index(lbArn, ":loadbalancer/")+len(":loadbalancer/"):])})
	if err != nil {
		t.Fatal(err)
	}

	_, err = sdk.Delete(ctx, e.clients, spec, fast...)
	var inc *sdk.DeleteIncompleteError
	if !errors.As(err, &inc) {
		t.Fatalf("Delete with the controller's leftovers: %v", err)
	}
	var left []string
	for _, l := range inc.Leftovers {
		left = append(left, l.Resource+" "+l.ID)
	}
	if got := strings.Join(left, "; "); !strings.Contains(got, aws.ToString(eni.NetworkInterface.NetworkInterfaceId)) || !strings.Contains(got, "vpc "+out.VpcID) {
		t.Errorf("leftovers: %s", got)
	}
	// The cluster is gone now: the sweep runs.
	changes, err := sdk.Sweep(ctx, e.clients, "prod", out.VpcID, fast...)
	if err != nil {
		t.Fatalf("Sweep: %v\n%v", err, changes)
	}
	for _, want := range []string{"load balancer k8s-apps-web-1a2b3c", "target group k8s-apps-web-4d5e6f", "network interface", "rules of security group bastion", "security group k8s-apps-web-1a2b3c"} {
		if indexOf(changes, sdk.ActionDelete, want) < 0 {
			t.Errorf("Sweep did not delete %s:\n%v", want, changes)
		}
	}
	if lbs, err := elb.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{}); err != nil || len(lbs.LoadBalancers) != 0 {
		t.Errorf("load balancers left: %v %v", err, lbs)
	}
	if tgs, err := elb.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{}); err != nil || len(tgs.TargetGroups) != 0 {
		t.Errorf("target groups left: %v", err)
	}
	if _, err := elb.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{aws.ToString(tg.TargetGroups[0].TargetGroupArn)}}); err == nil {
		t.Error("the target group is still there")
	}
	// Their group stays; it blocks the VPC, and Delete says so by name.
	_, err = sdk.Delete(ctx, e.clients, spec, fast...)
	if !errors.As(err, &inc) || len(inc.Leftovers) != 2 || inc.Leftovers[0].Resource != "security group bastion" {
		t.Fatalf("Delete with their group: %v", err)
	}
	if _, err := ec2c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: theirs.GroupId}); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	assertNothingTagged(t, e, "prod")
}
