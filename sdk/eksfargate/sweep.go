package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// Tags that mark what controllers inside a cluster create in AWS.
const (
	// TagLBCCluster is the tag the AWS Load Balancer Controller puts on the
	// load balancers, target groups and security groups it creates; its value
	// is the cluster's name (LBC documentation, "Resource tags"): the lbc
	// package's ClusterTagKey.
	TagLBCCluster = lbc.ClusterTagKey
	// TagClusterPrefix + name = "owned" marks what Kubernetes' in-tree AWS
	// cloud provider created for the cluster (load balancers, security groups).
	tagOwnedValue = "owned"
)

// ErrClusterExists is wrapped by [Sweep] when the cluster still exists: its
// controllers may still own the load balancers, so nothing is touched.
var ErrClusterExists = errors.New("eksfargate: the cluster still exists; its load balancers are not swept")

// sweptBy reports whether tags mark a resource the cluster's controllers made.
func sweptBy(tags map[string]string, cluster string) bool {
	return tags[TagLBCCluster] == cluster || tags[TagClusterPrefix+cluster] == tagOwnedValue
}

// Sweep removes what the controllers of a deleted cluster left in its VPC,
// found by the cluster's tags ([TagLBCCluster]=<cluster>, or
// kubernetes.io/cluster/<cluster>=owned): load balancers, then target
// groups, then the network interfaces those load balancers held (AWS deletes
// them with the load balancer, within minutes; Sweep waits, and deletes one
// still detached), the detached interfaces EKS left ("Amazon EKS
// <cluster>"), then security groups (after revoking the rules of other
// groups in the VPC that reference them). These are what block the subnets
// and the VPC when the controller was removed before its Ingresses and
// Services. Resources without those tags are never touched.
//
// Sweep only runs once the cluster is gone (DescribeCluster finds none, or
// it is DELETING): otherwise it returns an error wrapping [ErrClusterExists]
// and touches nothing, so that a hook calling it during a change that keeps
// the cluster does no harm. What it cannot remove within [WaitAtMost] is
// reported in a [*DeleteIncompleteError]. With [DryRun] it only reports.
// It needs Clients.EC2, Clients.ELB and Clients.EKS. Delete calls it with
// [SweepLeftovers]; the Pulumi component calls it from resource hooks.
func Sweep(ctx context.Context, c *Clients, clusterName, vpcID string, opts ...RunOption) ([]Change, error) {
	d := &deleter{runner: &runner{runConfig: newRunConfig(opts), c: c}, name: clusterName}
	fail := func(err error) ([]Change, error) {
		return d.out.Changes, fmt.Errorf("eksfargate: Sweep %s: %w", clusterName, err)
	}
	if c == nil || c.EC2 == nil || c.ELB == nil || c.EKS == nil {
		return fail(errors.New("clients: EC2, ELB and EKS are required"))
	}
	if !ValidClusterName(clusterName) || vpcID == "" {
		return fail(fmt.Errorf("%w: cluster %q, VPC %q", ErrInvalidSpec, clusterName, vpcID))
	}
	cl, err := describeCluster(ctx, c.EKS, clusterName)
	if err != nil {
		return fail(err)
	}
	if cl != nil && cl.Status != "DELETING" {
		return fail(fmt.Errorf("%w (%s is %s)", ErrClusterExists, clusterName, cl.Status))
	}
	if err := d.sweep(ctx, vpcID); err != nil {
		return fail(err)
	}
	if len(d.left) > 0 {
		return d.out.Changes, &DeleteIncompleteError{Cluster: clusterName, Leftovers: d.left}
	}
	return d.out.Changes, nil
}

// SweepLeftovers makes [Delete] run [Sweep] on the cluster's VPC once the
// cluster is deleted, before the network.
func SweepLeftovers() RunOption { return func(c *runConfig) { c.sweepLeft = true } }

func (d *deleter) sweep(ctx context.Context, vpcID string) error {
	elb, err := lbc.ListELB(ctx, d.c.ELB, func(vpc string) bool { return vpc == vpcID })
	if err != nil {
		return err
	}
	lbNames := d.sweepLoadBalancers(ctx, elb)
	d.sweepTargetGroups(ctx, elb)
	if err := d.sweepInterfaces(ctx, vpcID, lbNames); err != nil {
		return err
	}
	return d.sweepSecurityGroups(ctx, vpcID)
}

// sweepLoadBalancers deletes the tagged load balancers among elb (the VPC's)
// and returns their "<type>/<name>/<id>" suffixes, which name their
// interfaces.
func (d *deleter) sweepLoadBalancers(ctx context.Context, elb []lbc.TaggedResource) []string {
	var names []string
	for _, lb := range elb {
		if lb.Kind != "LoadBalancer" || !sweptBy(lb.Tags, d.name) {
			continue
		}
		arn := lb.ARN
		// The ENIs of app/<name>/<id> are described "ELB app/<name>/<id>".
		if i := strings.Index(arn, ":loadbalancer/"); i >= 0 {
			names = append(names, arn[i+len(":loadbalancer/"):])
		}
		d.tryDelete("load balancer "+lb.Name, arn, func() error {
			_, err := d.c.ELB.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(arn)})
			return err
		})
	}
	return names
}

// sweepTargetGroups deletes the tagged target groups among elb.
func (d *deleter) sweepTargetGroups(ctx context.Context, elb []lbc.TaggedResource) {
	for _, tg := range elb {
		if tg.Kind != "TargetGroup" || !sweptBy(tg.Tags, d.name) {
			continue
		}
		arn := tg.ARN
		// A target group is refused (ResourceInUse) until the listeners of
		// its deleted load balancer are gone: retried within the wait bound.
		d.tryDelete("target group "+tg.Name, arn, func() error {
			return d.retryWhile(ctx, "ResourceInUse", func() error {
				_, err := d.c.ELB.DeleteTargetGroup(ctx, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(arn)})
				return err
			})
		})
	}
}

// retryWhile runs call until it succeeds or fails with another code than
// code, waiting between tries, within the run's wait bound.
func (d *deleter) retryWhile(ctx context.Context, code string, call func() error) error {
	if d.dry {
		return call()
	}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	wait := d.pollMin
	for {
		err := call()
		if err == nil || apiCode(err) != code {
			return err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w (still %s after %s)", err, code, d.timeout)
		}
		wait = min(2*wait, d.pollMax)
	}
}

// sweepInterfaces waits for the interfaces of the deleted load balancers to
// go (AWS deletes them), deleting those left detached, and deletes the
// detached interfaces EKS described as "Amazon EKS <cluster>".
func (d *deleter) sweepInterfaces(ctx context.Context, vpcID string, lbNames []string) error {
	ours := func(n ec2types.NetworkInterface) bool {
		desc := aws.ToString(n.Description)
		if desc == "Amazon EKS "+d.name && n.Status == ec2types.NetworkInterfaceStatusAvailable {
			return true
		}
		return slices.ContainsFunc(lbNames, func(lb string) bool { return desc == "ELB "+lb })
	}
	deadline := time.Now().Add(d.timeout)
	wait := d.pollMin
	for {
		out, err := d.c.EC2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
		if err != nil {
			return fmt.Errorf("DescribeNetworkInterfaces: %w", err)
		}
		left := slices.DeleteFunc(out.NetworkInterfaces, func(n ec2types.NetworkInterface) bool { return !ours(n) })
		inUse := 0
		for _, n := range left {
			id := aws.ToString(n.NetworkInterfaceId)
			if n.Status != ec2types.NetworkInterfaceStatusAvailable {
				inUse++ // still attached: AWS removes it with its load balancer
				continue
			}
			d.tryDelete("network interface", id, func() error {
				_, err := d.c.EC2.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(id)})
				return err
			})
		}
		if inUse == 0 || d.dry {
			return nil
		}
		if time.Now().After(deadline) {
			for _, n := range left {
				if n.Status != ec2types.NetworkInterfaceStatusAvailable {
					d.leftover("network interface", aws.ToString(n.NetworkInterfaceId), fmt.Errorf("%s still %s after %s", aws.ToString(n.Description), n.Status, d.timeout))
				}
			}
			return nil
		}
		d.step(Change{Action: ActionWait, Resource: "network interfaces", Detail: fmt.Sprintf("%d of deleted load balancers still attached", inUse)})
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, d.pollMax)
	}
}

// sweepSecurityGroups deletes the tagged security groups of the VPC, first
// revoking the rules of other groups that reference them.
func (d *deleter) sweepSecurityGroups(ctx context.Context, vpcID string) error {
	out, err := d.c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	if err != nil {
		return fmt.Errorf("DescribeSecurityGroups: %w", err)
	}
	var doomed []string
	for _, g := range out.SecurityGroups {
		if sweptBy(tagMap(g.Tags), d.name) {
			doomed = append(doomed, aws.ToString(g.GroupId))
		}
	}
	if len(doomed) == 0 {
		return nil
	}
	refs := func(perms []ec2types.IpPermission) []ec2types.IpPermission {
		var hit []ec2types.IpPermission
		for _, p := range perms {
			if slices.ContainsFunc(p.UserIdGroupPairs, func(u ec2types.UserIdGroupPair) bool { return slices.Contains(doomed, aws.ToString(u.GroupId)) }) {
				hit = append(hit, p)
			}
		}
		return hit
	}
	for _, g := range out.SecurityGroups {
		id := aws.ToString(g.GroupId)
		if in := refs(g.IpPermissions); len(in) > 0 {
			d.tryDelete("rules of security group "+aws.ToString(g.GroupName)+" that reference swept groups", id, func() error {
				_, err := d.c.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: in})
				return err
			})
		}
		if eg := refs(g.IpPermissionsEgress); len(eg) > 0 {
			d.tryDelete("egress rules of security group "+aws.ToString(g.GroupName)+" that reference swept groups", id, func() error {
				_, err := d.c.EC2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(id), IpPermissions: eg})
				return err
			})
		}
	}
	for _, g := range out.SecurityGroups {
		id := aws.ToString(g.GroupId)
		if !slices.Contains(doomed, id) {
			continue
		}
		// Refused (DependencyViolation) while an interface still uses it.
		d.tryDelete("security group "+aws.ToString(g.GroupName), id, func() error {
			return d.retryWhile(ctx, "DependencyViolation", func() error {
				_, err := d.c.EC2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
				return err
			})
		})
	}
	return nil
}
