package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/irsa"
)

// ErrDeleteIncomplete is wrapped (through [*DeleteIncompleteError]) when
// Delete could not remove everything.
var ErrDeleteIncomplete = errors.New("eksfargate: delete incomplete")

// Leftover is one resource Delete could not remove.
type Leftover struct {
	// Resource names it ("subnet private-eu-west-1a", "network interface").
	Resource string
	// ID is its ID or ARN.
	ID string
	// Reason says why, often AWS's error (DependencyViolation) or what
	// holds it (an ENI a load balancer left).
	Reason string
}

// DeleteIncompleteError lists what Delete left behind. Delete removes
// everything else it can; run it again once the leftovers' causes are gone.
type DeleteIncompleteError struct {
	// Cluster is the cluster's name.
	Cluster string
	// Leftovers are in the order met.
	Leftovers []Leftover
}

// Error implements error.
func (e *DeleteIncompleteError) Error() string {
	var parts []string
	for _, l := range e.Leftovers {
		parts = append(parts, fmt.Sprintf("%s %s: %s", l.Resource, l.ID, l.Reason))
	}
	return fmt.Sprintf("eksfargate: delete %s incomplete, %d left: %s", e.Cluster, len(e.Leftovers), strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrDeleteIncomplete) true.
func (e *DeleteIncompleteError) Is(target error) bool { return target == ErrDeleteIncomplete }

// deleter is one Delete.
type deleter struct {
	*runner
	name string
	left []Leftover
	// natENIs are the network interfaces of the cluster's NAT gateways.
	natENIs []string
	// clusterVPC is the deleted cluster's VPC (for SweepLeftovers).
	clusterVPC string
}

func (d *deleter) leftover(resource, id string, err error) {
	d.left = append(d.left, Leftover{Resource: resource, ID: id, Reason: err.Error()})
	d.step(Change{Action: ActionWait, Resource: resource, ID: id, Detail: "left: " + err.Error()})
}

// apiCode returns the AWS error code of err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// gone reports the errors that mean "already deleted".
func gone(err error) bool {
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return true
	}
	switch c := apiCode(err); {
	case c == "NoSuchEntity", c == "NotFoundException", strings.HasSuffix(c, ".NotFound"), c == "InvalidAllocationID.NotFound", c == "KMSInvalidStateException",
		c == "ResourceNotFoundException": // CloudWatch Logs
		return true
	}
	return false
}

// Delete removes what Apply created for the spec's cluster, found by its
// ownership tags ([TagCluster]) and names, in reverse order: the Fargate
// profiles one at a time, the add-ons, the cluster (waited until gone), the
// control plane's log group, Fargate logging's log group and policy
// (detached from every role first; the Kubernetes objects went with the
// cluster), the OIDC provider, the KMS key (scheduled for deletion after
// 7 days, KMS's minimum, and its alias removed), the roles, then the network: NAT
// gateways (waited), elastic IPs, route tables, internet gateway, subnets
// and the VPC. What is already gone is skipped. Resources without the
// ownership tag are never touched (an existing network is left as it is).
// What cannot be deleted, for example a subnet still holding network
// interfaces a load balancer left, is reported in a [*DeleteIncompleteError]
// after everything else is removed; EKS's own interfaces can outlive the
// cluster by minutes, so run Delete again then. Only the spec's ClusterName
// (and Region, AccountID if set) matter, and Logging.CloudWatch.LogGroupName
// if set (the log group is also found by its default name and through the
// SDK's policy, which names it). With [DryRun] it only reports what
// it would delete.
func Delete(ctx context.Context, c *Clients, spec ClusterSpec, opts ...RunOption) ([]Change, error) {
	d := &deleter{runner: &runner{runConfig: newRunConfig(opts), c: c}, name: spec.ClusterName}
	fail := func(err error) ([]Change, error) {
		return d.out.Changes, fmt.Errorf("eksfargate: Delete %s: %w", spec.ClusterName, err)
	}
	if c == nil || c.EC2 == nil || c.IAM == nil || c.EKS == nil || c.STS == nil || c.KMS == nil || c.Logs == nil || c.ELB == nil {
		return fail(errors.New("clients: every API client is required (NewClients)"))
	}
	if !ValidClusterName(spec.ClusterName) {
		return fail(&FieldError{Field: "ClusterName", Problem: fmt.Sprintf("%q is not a valid EKS cluster name", spec.ClusterName)})
	}
	id, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fail(fmt.Errorf("GetCallerIdentity: %w", err))
	}
	pid := ""
	if a, err := partition.ParseARN(aws.ToString(id.Arn), "", ""); err == nil {
		pid = a.Partition
	}
	loc, err := Locate(spec, c.Region, aws.ToString(id.Account), pid)
	if err != nil {
		return fail(err)
	}
	d.r = &Resolved{Location: loc, Spec: spec.WithDefaults()}
	for _, stage := range []func(context.Context) error{d.cluster, d.logs, d.fargateLogging, d.oidc, d.key, d.roles, d.existingSubnetTags, d.network} {
		if err := stage(ctx); err != nil {
			return fail(err)
		}
	}
	if len(d.left) > 0 {
		return d.out.Changes, &DeleteIncompleteError{Cluster: d.name, Leftovers: d.left}
	}
	return d.out.Changes, nil
}

func (d *deleter) cluster(ctx context.Context) error {
	res := "cluster " + d.name
	cl, err := describeCluster(ctx, d.c.EKS, d.name)
	if err != nil {
		return err
	}
	if cl == nil {
		d.step(Change{Action: ActionGone, Resource: res})
		return nil
	}
	if !owned(cl.Tags, d.name, "") {
		return fmt.Errorf("%w: %s (%s) has no %s=%s tag; delete it yourself", ErrNotOwned, res, aws.ToString(cl.Arn), TagCluster, d.name)
	}
	if aws.ToBool(cl.DeletionProtection) && cl.Status == types.ClusterStatusActive {
		// EKS would refuse DeleteCluster (InvalidRequestException); nothing
		// is deleted, profiles and add-ons included.
		return fmt.Errorf("%w: %s: set DeletionProtection false and Apply (or aws eks update-cluster-config --no-deletion-protection), then Delete", ErrDeletionProtected, res)
	}
	if v := cl.ResourcesVpcConfig; v != nil {
		d.clusterVPC = aws.ToString(v.VpcId)
	}
	issuer := ""
	if cl.Identity != nil && cl.Identity.Oidc != nil {
		issuer = aws.ToString(cl.Identity.Oidc.Issuer)
	}
	d.out.OIDCIssuerURL = issuer
	// Profiles, one at a time: EKS refuses a deletion while another is in progress.
	names, err := listProfiles(ctx, d.c.EKS, d.name)
	if err != nil {
		return err
	}
	e := &ensurer{ensureSettings: ensureSettings{pollMin: d.pollMin, pollMax: d.pollMax, backoffMin: d.pollMin, backoffMax: d.pollMax, timeout: d.timeout,
		progress: func(p Progress) {
			if p.Event == EventWaiting || p.Event == EventBusy {
				d.step(Change{Action: ActionWait, Resource: "Fargate profile " + p.Profile, Detail: strings.TrimSpace(p.Status + " " + p.Message)})
			}
		}}, api: d.c.EKS, cluster: d.name}
	for _, n := range slices.Sorted(maps.Keys(names)) {
		if _, err := d.write(ActionDelete, "Fargate profile "+n, "", func() (string, error) { return n, e.remove(ctx, n) }); err != nil {
			return err
		}
	}
	// Add-ons.
	pages := eks.NewListAddonsPaginator(d.c.EKS, &eks.ListAddonsInput{ClusterName: aws.String(d.name)})
	var addons []string
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListAddons: %w", err)
		}
		addons = append(addons, page.Addons...)
	}
	for _, a := range addons {
		if _, err := d.write(ActionDelete, "addon "+a, "", func() (string, error) {
			if _, err := d.c.EKS.DeleteAddon(ctx, &eks.DeleteAddonInput{ClusterName: aws.String(d.name), AddonName: aws.String(a)}); err != nil && !gone(err) {
				return "", err
			}
			return a, d.waitAddonGone(ctx, a)
		}); err != nil {
			return err
		}
	}
	_, err = d.write(ActionDelete, res, "", func() (string, error) {
		if _, err := d.c.EKS.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: aws.String(d.name)}); err != nil && !gone(err) {
			return "", err
		}
		return aws.ToString(cl.Arn), d.waitClusterGone(ctx)
	})
	return err
}

func (d *deleter) waitAddonGone(ctx context.Context, name string) error {
	w := eks.NewAddonDeletedWaiter(d.c.EKS, func(o *eks.AddonDeletedWaiterOptions) {
		o.MinDelay, o.MaxDelay = d.pollMin, d.pollMax
		next := o.Retryable
		o.Retryable = func(ctx context.Context, in *eks.DescribeAddonInput, out *eks.DescribeAddonOutput, err error) (bool, error) {
			if err == nil && out != nil && out.Addon != nil {
				d.step(Change{Action: ActionWait, Resource: "addon " + name, Detail: string(out.Addon.Status)})
			}
			return next(ctx, in, out, err)
		}
	})
	if err := w.Wait(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(d.name), AddonName: aws.String(name)}, d.timeout); err != nil {
		return fmt.Errorf("wait for add-on %s to be deleted: %w", name, err)
	}
	return nil
}

func (d *deleter) waitClusterGone(ctx context.Context) error {
	start := time.Now()
	w := eks.NewClusterDeletedWaiter(d.c.EKS, func(o *eks.ClusterDeletedWaiterOptions) {
		o.MinDelay, o.MaxDelay = d.pollMin, d.pollMax
		next := o.Retryable
		o.Retryable = func(ctx context.Context, in *eks.DescribeClusterInput, out *eks.DescribeClusterOutput, err error) (bool, error) {
			if err == nil && out != nil && out.Cluster != nil {
				d.step(Change{Action: ActionWait, Resource: "cluster " + d.name, Detail: fmt.Sprintf("%s for %s", out.Cluster.Status, time.Since(start).Round(time.Second))})
			}
			return next(ctx, in, out, err)
		}
	})
	if err := w.Wait(ctx, &eks.DescribeClusterInput{Name: aws.String(d.name)}, d.timeout); err != nil {
		return fmt.Errorf("wait for cluster %s to be deleted: %w", d.name, err)
	}
	return nil
}

// logs deletes the control plane's log group when it carries the
// cluster's tag (Apply created or adopted it); one EKS made alone is left.
// A failure is a leftover.
func (d *deleter) logs(ctx context.Context) error {
	name := ControlPlaneLogGroup(d.name)
	if err := d.deleteOwnedLogGroup(ctx, name, PartControlPlaneLogs); err != nil {
		d.leftover("log group "+PartControlPlaneLogs, name, err)
	}
	return nil
}

// fargateLogging deletes the pods' log group and the logs policy (detached
// from the pod-execution role first, created or the spec's own: a role
// with a policy attached cannot be deleted, eksctl#3705). The group is found
// by its default name, the spec's Logging.CloudWatch.LogGroupName and the
// names in the policy, and deleted only with the cluster's tags. The
// Kubernetes objects went with the cluster.
func (d *deleter) fargateLogging(ctx context.Context) error {
	var extra []string
	if l := d.r.Spec.Logging; l != nil && l.CloudWatch != nil {
		extra = append(extra, l.LogGroupName(d.name))
	}
	return d.removeLogging(ctx, extra)
}

// existingSubnetTags removes, from the subnets of an existing network, the
// cluster tag Apply added (recorded under AddedSubnetTagsKey) and the
// record. The load balancer role tags stay: other clusters may rely on them.
func (d *deleter) existingSubnetTags(ctx context.Context) error {
	ex := d.r.Spec.Existing
	if ex == nil || !ex.TagSubnets {
		return nil
	}
	ids := append(slices.Clone(ex.PrivateSubnetIDs), ex.PublicSubnetIDs...)
	out, err := d.c.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: ids})
	if err != nil {
		if gone(err) {
			return nil
		}
		return fmt.Errorf("DescribeSubnets: %w", err)
	}
	record := AddedSubnetTagsKey(d.name)
	for _, s := range out.Subnets {
		tags := tagMap(s.Tags)
		v, ok := tags[record]
		if !ok {
			continue
		}
		del := []ec2types.Tag{{Key: aws.String(record)}}
		if slices.Contains(strings.Split(v, ","), TagClusterPrefix+d.name) {
			del = append(del, ec2types.Tag{Key: aws.String(TagClusterPrefix + d.name)})
		}
		id := aws.ToString(s.SubnetId)
		d.tryDelete("tags of subnet "+id+" (existing)", id, func() error {
			_, err := d.c.EC2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: del})
			return err
		})
	}
	return nil
}

// oidc deletes the IAM OIDC providers tagged for the cluster.
func (d *deleter) oidc(ctx context.Context) error {
	out, err := d.c.IAM.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return fmt.Errorf("ListOpenIDConnectProviders: %w", err)
	}
	found := false
	for _, p := range out.OpenIDConnectProviderList {
		arn := aws.ToString(p.Arn)
		tags, err := d.c.IAM.ListOpenIDConnectProviderTags(ctx, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: p.Arn})
		if gone(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("ListOpenIDConnectProviderTags %s: %w", arn, err)
		}
		m := map[string]string{}
		for _, t := range tags.Tags {
			m[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		if !owned(m, d.name, PartOIDCProvider) {
			continue
		}
		found = true
		if _, err := d.write(ActionDelete, "OIDC provider", "", func() (string, error) {
			return arn, irsa.DeleteOIDCProvider(ctx, d.c.IAM, arn, d.iamOptions())
		}); err != nil {
			return err
		}
	}
	if !found {
		d.step(Change{Action: ActionGone, Resource: "OIDC provider"})
	}
	return nil
}

// key schedules the deletion of the created secrets key and removes its alias.
func (d *deleter) key(ctx context.Context) error {
	alias := SecretsKeyAlias(d.name)
	arn, err := findKeyByAlias(ctx, d.c.KMS, alias)
	if errors.Is(err, ErrDrift) && !d.dry { // pending deletion already: only the alias is left
		arn, err = "", nil
		if _, err := d.c.KMS.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(alias)}); err != nil && !gone(err) {
			return fmt.Errorf("DeleteAlias %s: %w", alias, err)
		}
	}
	if err != nil {
		return err
	}
	if arn == "" {
		return nil
	}
	_, err = d.write(ActionDelete, "KMS key "+PartSecretsKey, "scheduled in 7 days", func() (string, error) {
		keyID := arn[strings.LastIndexByte(arn, '/')+1:] // the ID: KMS takes the ARN too, moto only the ID
		if _, err := d.c.KMS.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyID), PendingWindowInDays: aws.Int32(7)}); err != nil && !gone(err) {
			return "", err
		}
		if _, err := d.c.KMS.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(alias)}); err != nil && !gone(err) {
			return "", fmt.Errorf("DeleteAlias: %w", err)
		}
		return arn, nil
	})
	return err
}

// roles deletes the two roles of the cluster, when they carry its tag.
func (d *deleter) roles(ctx context.Context) error {
	for _, part := range []string{PartPodExecutionRole, PartClusterRole} {
		name := RoleName(d.name, part)
		res := "role " + part
		got, err := d.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		if isNoSuchEntity(err) {
			d.step(Change{Action: ActionGone, Resource: res, ID: name})
			continue
		}
		if err != nil {
			return fmt.Errorf("GetRole %s: %w", name, err)
		}
		tags := map[string]string{}
		for _, t := range got.Role.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		if !owned(tags, d.name, part) {
			d.leftover(res, aws.ToString(got.Role.Arn), fmt.Errorf("%w: no %s=%s tag", ErrNotOwned, TagCluster, d.name))
			continue
		}
		if _, err := d.write(ActionDelete, res, "", func() (string, error) {
			return aws.ToString(got.Role.Arn), irsa.DeleteRole(ctx, d.c.IAM, name, d.iamOptions())
		}); err != nil {
			return err
		}
	}
	return nil
}

// network deletes the tagged network, last the VPC. A failure is a leftover.
func (d *deleter) network(ctx context.Context) error {
	owner := ownerFilters(d.name, "")
	vpcs, err := d.c.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: owner})
	if err != nil {
		return fmt.Errorf("DescribeVpcs: %w", err)
	}
	var vpcIDs []string
	for _, v := range vpcs.Vpcs {
		if owned(tagMap(v.Tags), d.name, PartVPC) {
			vpcIDs = append(vpcIDs, aws.ToString(v.VpcId))
		}
	}
	if d.sweepLeft {
		sweepVPCs := slices.Clone(vpcIDs)
		if d.clusterVPC != "" && !slices.Contains(sweepVPCs, d.clusterVPC) {
			sweepVPCs = append(sweepVPCs, d.clusterVPC) // an existing network
		}
		for _, v := range sweepVPCs {
			if err := d.sweep(ctx, v); err != nil {
				return err
			}
		}
	}
	// NAT gateways first (they hold the elastic IPs and ENIs in the public subnets).
	nats, err := d.c.EC2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: owner})
	if err != nil {
		return fmt.Errorf("DescribeNatGateways: %w", err)
	}
	var waitNATs []string
	for _, n := range nats.NatGateways {
		t := tagMap(n.Tags)
		if !owned(t, d.name, "") || n.State == ec2types.NatGatewayStateDeleted {
			continue
		}
		id := aws.ToString(n.NatGatewayId)
		for _, a := range n.NatGatewayAddresses {
			if a.NetworkInterfaceId != nil {
				d.natENIs = append(d.natENIs, aws.ToString(a.NetworkInterfaceId))
			}
		}
		if n.State != ec2types.NatGatewayStateDeleting {
			if _, err := d.write(ActionDelete, "NAT gateway "+t[TagPart], "", func() (string, error) {
				_, err := d.c.EC2.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(id)})
				return id, err
			}); err != nil && !gone(err) {
				d.leftover("NAT gateway "+t[TagPart], id, err)
				continue
			}
		}
		waitNATs = append(waitNATs, id)
	}
	if len(waitNATs) > 0 && !d.dry {
		w := ec2.NewNatGatewayDeletedWaiter(d.c.EC2, func(o *ec2.NatGatewayDeletedWaiterOptions) { o.MinDelay, o.MaxDelay = d.pollMin, d.pollMax })
		d.step(Change{Action: ActionWait, Resource: "NAT gateways", Detail: strings.Join(waitNATs, ", ") + " deleting"})
		if err := w.Wait(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: waitNATs}, d.timeout); err != nil {
			d.leftover("NAT gateways", strings.Join(waitNATs, ","), err)
		}
		// AWS deletes a NAT gateway's network interface with it; moto keeps
		// it. One still there once the gateway is deleted is deleted too.
		for _, eni := range d.natENIs {
			out, err := d.c.EC2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni}})
			if err != nil || len(out.NetworkInterfaces) == 0 {
				continue // gone
			}
			d.tryDelete("network interface of NAT gateway", eni, func() error {
				_, err := d.c.EC2.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(eni)})
				return err
			})
		}
	}
	addrs, err := d.c.EC2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: owner})
	if err != nil {
		return fmt.Errorf("DescribeAddresses: %w", err)
	}
	for _, a := range addrs.Addresses {
		t := tagMap(a.Tags)
		if !owned(t, d.name, "") {
			continue
		}
		id := aws.ToString(a.AllocationId)
		d.tryDelete("elastic IP "+t[TagPart], id, func() error {
			_, err := d.c.EC2.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: aws.String(id)})
			return err
		})
	}
	for _, vpc := range vpcIDs {
		d.vpc(ctx, vpc)
	}
	if len(vpcIDs) == 0 {
		d.step(Change{Action: ActionGone, Resource: "vpc"})
	}
	return nil
}

// tryDelete runs a deletion; an error other than "gone" is a leftover.
func (d *deleter) tryDelete(resource, id string, call func() error) {
	if _, err := d.write(ActionDelete, resource, "", func() (string, error) { return id, call() }); err != nil && !gone(err) {
		d.leftover(resource, id, err)
	}
}

// vpc deletes the cluster's route tables, internet gateway, subnets and the VPC.
func (d *deleter) vpc(ctx context.Context, vpcID string) {
	inVPC := append(ownerFilters(d.name, ""), ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpcID}})
	if rts, err := d.c.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: inVPC}); err != nil {
		d.leftover("route tables", vpcID, err)
	} else {
		for _, rt := range rts.RouteTables {
			t := tagMap(rt.Tags)
			if !owned(t, d.name, "") {
				continue
			}
			id := aws.ToString(rt.RouteTableId)
			d.tryDelete("route table "+t[TagPart], id, func() error {
				for _, a := range rt.Associations {
					if aws.ToBool(a.Main) || a.RouteTableAssociationId == nil {
						continue
					}
					if _, err := d.c.EC2.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: a.RouteTableAssociationId}); err != nil && !gone(err) {
						return err
					}
				}
				_, err := d.c.EC2.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(id)})
				return err
			})
		}
	}
	if igws, err := d.c.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: ownerFilters(d.name, "")}); err != nil {
		d.leftover("internet gateway", vpcID, err)
	} else {
		for _, g := range igws.InternetGateways {
			if !owned(tagMap(g.Tags), d.name, PartInternetGateway) {
				continue
			}
			id := aws.ToString(g.InternetGatewayId)
			d.tryDelete("internet gateway", id, func() error {
				for _, a := range g.Attachments {
					if _, err := d.c.EC2.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(id), VpcId: a.VpcId}); err != nil && !gone(err) {
						return err
					}
				}
				_, err := d.c.EC2.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(id)})
				return err
			})
		}
	}
	subnetsLeft := false
	if subnets, err := d.c.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: inVPC}); err != nil {
		d.leftover("subnets", vpcID, err)
		subnetsLeft = true
	} else {
		for _, s := range subnets.Subnets {
			t := tagMap(s.Tags)
			if !owned(t, d.name, "") {
				continue
			}
			id, res := aws.ToString(s.SubnetId), "subnet "+t[TagPart]
			// Network interfaces left by others (load balancers, the
			// cluster's own once it is gone take minutes) block the subnet.
			enis, err := d.c.EC2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{{Name: aws.String("subnet-id"), Values: []string{id}}}})
			if err == nil {
				// A dry run has not deleted the NAT gateways, whose interfaces these are.
				enis.NetworkInterfaces = slices.DeleteFunc(enis.NetworkInterfaces, func(n ec2types.NetworkInterface) bool {
					return d.dry && (n.InterfaceType == ec2types.NetworkInterfaceTypeNatGateway || slices.Contains(d.natENIs, aws.ToString(n.NetworkInterfaceId)))
				})
			}
			if err == nil && len(enis.NetworkInterfaces) > 0 {
				for _, eni := range enis.NetworkInterfaces {
					d.leftover("network interface", aws.ToString(eni.NetworkInterfaceId), fmt.Errorf("in %s (%s): %s, %s", res, id,
						aws.ToString(eni.Description), eni.InterfaceType))
				}
				d.leftover(res, id, errors.New("still has network interfaces"))
				subnetsLeft = true
				continue
			}
			if _, err := d.write(ActionDelete, res, "", func() (string, error) {
				_, err := d.c.EC2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(id)})
				return id, err
			}); err != nil && !gone(err) {
				d.leftover(res, id, err)
				subnetsLeft = true
			}
		}
	}
	if subnetsLeft {
		d.leftover("vpc", vpcID, errors.New("not deleted: subnets are left"))
		return
	}
	// Security groups others made in the VPC (a load balancer controller's)
	// block it: reported by name and tags (Sweep, or SweepLeftovers, removes
	// the cluster's).
	// (A dry run deletes nothing: what would be left is not known.)
	if sgs, err := d.c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}}); err == nil && !d.dry {
		blocked := false
		for _, g := range sgs.SecurityGroups {
			if aws.ToString(g.GroupName) == "default" {
				continue
			}
			blocked = true
			why := "in the VPC"
			if sweptBy(tagMap(g.Tags), d.name) {
				why = "left by the cluster's load balancer controller (Sweep removes it)"
			}
			d.leftover("security group "+aws.ToString(g.GroupName), aws.ToString(g.GroupId), errors.New(why))
		}
		if blocked {
			d.leftover("vpc", vpcID, errors.New("not deleted: security groups are left"))
			return
		}
	}
	d.tryDelete("vpc", vpcID, func() error {
		_, err := d.c.EC2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)})
		return err
	})
}
