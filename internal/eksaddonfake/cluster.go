package eksaddonfake

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// SecurityGroupAPI is the EC2 the fake creates the cluster security group
// with; *ec2.Client satisfies it.
type SecurityGroupAPI interface {
	DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	CreateSecurityGroup(ctx context.Context, in *ec2.CreateSecurityGroupInput, optFns ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error)
	DeleteSecurityGroup(ctx context.Context, in *ec2.DeleteSecurityGroupInput, optFns ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error)
}

// clusterState is what EKS keeps of a cluster and moto does not.
type clusterState struct {
	protected     bool
	securityGroup string
	vpc           string
	// update is the cluster's update in progress, or nil; pending counts the
	// DescribeUpdate calls left before it succeeds.
	update  *types.Update
	pending int
	// apply runs when the update succeeds.
	apply func()
	// updates are every update of the cluster, by ID.
	updates map[string]*types.Update
}

func invalidRequest(format string, a ...any) error {
	return &types.InvalidRequestException{Message: aws.String(fmt.Sprintf(format, a...))}
}

// state returns the cluster's state (created on demand) and moto's cluster.
func (f *EKS) state(ctx context.Context, name *string) (*clusterState, *types.Cluster, error) {
	out, err := f.inner.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: name})
	if err != nil {
		return nil, nil, err
	}
	key := clusterKey(out.Cluster)
	if f.clusters[key] == nil {
		f.clusters[key] = &clusterState{updates: map[string]*types.Update{}}
	}
	return f.clusters[key], out.Cluster, nil
}

// CreateCluster creates the cluster in moto, then keeps its deletion
// protection and, with EC2 set, creates its cluster security group.
func (f *EKS) CreateCluster(ctx context.Context, in *eks.CreateClusterInput, optFns ...func(*eks.Options)) (*eks.CreateClusterOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CreateCluster", aws.ToString(in.Name))
	out, err := f.inner.CreateCluster(ctx, in, optFns...)
	if err != nil {
		return nil, err
	}
	st, _, err := f.state(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	st.protected = aws.ToBool(in.DeletionProtection)
	if f.EC2 != nil && in.ResourcesVpcConfig != nil && len(in.ResourcesVpcConfig.SubnetIds) > 0 {
		subnets, err := f.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: in.ResourcesVpcConfig.SubnetIds[:1]})
		if err != nil {
			return nil, fmt.Errorf("eksaddonfake: cluster security group: %w", err)
		}
		if len(subnets.Subnets) == 1 {
			st.vpc = aws.ToString(subnets.Subnets[0].VpcId)
			name := aws.ToString(in.Name)
			sg, err := f.EC2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
				GroupName:   aws.String("eks-cluster-sg-" + name + "-" + strconv.FormatInt(time.Now().UnixNano()%1e10, 10)),
				Description: aws.String("EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads."),
				VpcId:       aws.String(st.vpc),
				TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: []ec2types.Tag{
					{Key: aws.String("kubernetes.io/cluster/" + name), Value: aws.String("owned")},
					{Key: aws.String("Name"), Value: aws.String("eks-cluster-sg-" + name)},
				}}},
			})
			if err != nil {
				return nil, fmt.Errorf("eksaddonfake: cluster security group: %w", err)
			}
			st.securityGroup = aws.ToString(sg.GroupId)
		}
	}
	f.decorate(st, out.Cluster)
	return out, nil
}

// decorate adds what the fake keeps to moto's description of a cluster.
func (f *EKS) decorate(st *clusterState, c *types.Cluster) {
	if c == nil {
		return
	}
	if f.CertificateAuthority != "" {
		c.CertificateAuthority = &types.Certificate{Data: aws.String(f.CertificateAuthority)}
	}
	c.DeletionProtection = aws.Bool(st != nil && st.protected)
	if st != nil && st.securityGroup != "" {
		if c.ResourcesVpcConfig == nil {
			c.ResourcesVpcConfig = &types.VpcConfigResponse{}
		}
		c.ResourcesVpcConfig.ClusterSecurityGroupId = aws.String(st.securityGroup)
		c.ResourcesVpcConfig.VpcId = aws.String(st.vpc)
	}
}

// DescribeCluster is the inner client's, with the fake's fields: deletion
// protection, the cluster security group, and CertificateAuthority when set.
func (f *EKS) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	out, err := f.inner.DescribeCluster(ctx, in, optFns...)
	if err != nil {
		return out, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.decorate(f.clusters[clusterKey(out.Cluster)], out.Cluster)
	return out, nil
}

// UpdateClusterConfig answers a deletionProtection change itself (moto has
// none) and passes any other change to moto. One kind of change per call.
func (f *EKS) UpdateClusterConfig(ctx context.Context, in *eks.UpdateClusterConfigInput, optFns ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error) {
	if in.DeletionProtection == nil {
		return f.inner.UpdateClusterConfig(ctx, in, optFns...)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UpdateClusterConfig", aws.ToString(in.Name))
	if in.ResourcesVpcConfig != nil || in.Logging != nil || in.AccessConfig != nil || in.UpgradePolicy != nil || in.ZonalShiftConfig != nil || in.KubernetesNetworkConfig != nil {
		return nil, invalid("Only one type of update can be allowed.")
	}
	st, c, err := f.state(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	switch {
	case st.update != nil:
		return nil, inUse("Cluster %s has update %s in progress", aws.ToString(in.Name), aws.ToString(st.update.Id))
	case c.Status != types.ClusterStatusActive:
		return nil, invalidRequest("Cluster %s is %s; deletion protection can only be changed on an ACTIVE cluster", aws.ToString(in.Name), c.Status)
	}
	now := time.Now()
	on := *in.DeletionProtection
	u := &types.Update{Id: aws.String(fmt.Sprintf("dp-%d", now.UnixNano())), Status: types.UpdateStatusInProgress, Type: types.UpdateTypeDeletionProtectionUpdate,
		CreatedAt: &now, Params: []types.UpdateParam{{Type: types.UpdateParamTypeDeletionProtection, Value: aws.String(strconv.FormatBool(on))}}}
	st.updates[aws.ToString(u.Id)] = u
	st.update, st.pending, st.apply = u, f.polls(), func() { st.protected = on }
	if st.pending == 0 {
		f.settle(st)
	}
	cp := *u
	return &eks.UpdateClusterConfigOutput{Update: &cp}, nil
}

// settle ends the cluster's update in progress: Successful, applied.
func (f *EKS) settle(st *clusterState) {
	st.update.Status = types.UpdateStatusSuccessful
	st.apply()
	st.update, st.apply = nil, nil
}

// DescribeUpdate follows the fake's cluster updates; an update stays
// InProgress for Polls calls.
func (f *EKS) DescribeUpdate(ctx context.Context, in *eks.DescribeUpdateInput, _ ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, _, err := f.state(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	u := st.updates[aws.ToString(in.UpdateId)]
	if u == nil {
		return nil, notFound("No update found for ID: %s", aws.ToString(in.UpdateId))
	}
	if st.update == u {
		if st.pending > 0 {
			st.pending--
		} else {
			f.settle(st)
		}
	}
	cp := *u
	return &eks.DescribeUpdateOutput{Update: &cp}, nil
}

// DeleteCluster refuses an ACTIVE protected cluster, else deletes it in
// moto, with its cluster security group (as EKS does).
func (f *EKS) DeleteCluster(ctx context.Context, in *eks.DeleteClusterInput, optFns ...func(*eks.Options)) (*eks.DeleteClusterOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("DeleteCluster", aws.ToString(in.Name))
	st, c, err := f.state(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	if st.protected && c.Status == types.ClusterStatusActive {
		return nil, invalidRequest("Cannot delete cluster %s because deletion protection is enabled. Disable deletion protection first.", aws.ToString(in.Name))
	}
	out, err := f.inner.DeleteCluster(ctx, in, optFns...)
	if err != nil {
		return nil, err
	}
	if st.securityGroup != "" && f.EC2 != nil {
		if _, err := f.EC2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(st.securityGroup)}); err != nil {
			return nil, fmt.Errorf("eksaddonfake: cluster security group: %w", err)
		}
	}
	return out, nil
}
