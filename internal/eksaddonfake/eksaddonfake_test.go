package eksaddonfake_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/fargatekit/fargatekit/internal/eksaddonfake"
	"github.com/fargatekit/fargatekit/internal/mototest"
)

func TestAddonRules(t *testing.T) {
	ctx := context.Background()
	c := eksaddonfake.Wrap(eks.NewFromConfig(mototest.New(t).Config("eu-west-1")))
	name := aws.String("demo")
	var nf *types.ResourceNotFoundException
	if _, err := c.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: name, AddonName: aws.String("coredns")}); !errors.As(err, &nf) {
		t.Fatalf("no cluster: %v", err)
	}
	if _, err := c.Client.CreateCluster(ctx, &eks.CreateClusterInput{Name: name, RoleArn: aws.String("arn:aws:iam::123456789012:role/r"),
		ResourcesVpcConfig: &types.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}, Version: aws.String("1.33")}); err != nil {
		t.Fatal(err)
	}
	var inv *types.InvalidParameterException
	var busy *types.ResourceInUseException
	for _, in := range []*eks.CreateAddonInput{
		{ClusterName: name, AddonName: aws.String("nope")},
		{ClusterName: name, AddonName: aws.String("coredns"), AddonVersion: aws.String("latest")},
		{ClusterName: name, AddonName: aws.String("coredns"), ConfigurationValues: aws.String(`computeType: Fargate`)},
		{ClusterName: name, AddonName: aws.String("coredns"), ResolveConflicts: "ALWAYS"},
		{ClusterName: name, AddonName: aws.String("kube-proxy"), AddonVersion: aws.String("v1.35.3-eksbuild.13")}, // for 1.35, not 1.33
	} {
		if _, err := c.CreateAddon(ctx, in); !errors.As(err, &inv) {
			t.Errorf("%+v: %v", in, err)
		}
	}
	out, err := c.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: name, AddonName: aws.String("coredns"), ConfigurationValues: aws.String(`{"computeType":"Fargate"}`)})
	// Without a version: the default for the cluster's Kubernetes version.
	if err != nil || out.Addon.Status != types.AddonStatusCreating || aws.ToString(out.Addon.AddonVersion) != "v1.13.2-eksbuild.4" {
		t.Fatalf("create: %v %+v", err, out)
	}
	if _, err := c.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: name, AddonName: aws.String("coredns")}); !errors.As(err, &busy) {
		t.Errorf("twice: %v", err)
	}
	if _, err := c.UpdateAddon(ctx, &eks.UpdateAddonInput{ClusterName: name, AddonName: aws.String("coredns"), AddonVersion: aws.String("v1.12.4-eksbuild.1")}); !errors.As(err, &busy) {
		t.Errorf("update while CREATING: %v", err)
	}
	// The waiter sees CREATING, then ACTIVE.
	w := eks.NewAddonActiveWaiter(c, func(o *eks.AddonActiveWaiterOptions) { o.MinDelay = 1e6; o.MaxDelay = 1e6 })
	if err := w.Wait(ctx, &eks.DescribeAddonInput{ClusterName: name, AddonName: aws.String("coredns")}, 1e9); err != nil {
		t.Fatal(err)
	}
	// A version not offered for the cluster's Kubernetes version is refused.
	if _, err := c.UpdateAddon(ctx, &eks.UpdateAddonInput{ClusterName: name, AddonName: aws.String("coredns"), AddonVersion: aws.String("v1.11.4-eksbuild.33")}); !errors.As(err, &inv) {
		t.Errorf("update to a version for 1.30-1.32 on 1.33: %v", err)
	}
	up, err := c.UpdateAddon(ctx, &eks.UpdateAddonInput{ClusterName: name, AddonName: aws.String("coredns"), AddonVersion: aws.String("v1.12.4-eksbuild.1")})
	if err != nil || up.Update.Type != types.UpdateTypeAddonUpdate {
		t.Fatalf("update: %v %+v", err, up)
	}
	for _, a := range []string{"kube-proxy", "vpc-cni"} {
		if _, err := c.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: name, AddonName: aws.String(a)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	pages := eks.NewListAddonsPaginator(c, &eks.ListAddonsInput{ClusterName: name, MaxResults: aws.Int32(2)})
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Addons...)
	}
	if len(names) != 3 || names[0] != "coredns" || names[2] != "vpc-cni" {
		t.Errorf("list: %v", names)
	}
	if _, err := c.DeleteAddon(ctx, &eks.DeleteAddonInput{ClusterName: name, AddonName: aws.String("vpc-cni")}); err != nil {
		t.Fatal(err)
	}
	d := eks.NewAddonDeletedWaiter(c, func(o *eks.AddonDeletedWaiterOptions) { o.MinDelay = 1e6; o.MaxDelay = 1e6 })
	if err := d.Wait(ctx, &eks.DescribeAddonInput{ClusterName: name, AddonName: aws.String("vpc-cni")}, 1e9); err != nil {
		t.Fatal(err)
	}
	// The add-ons go with their cluster: a new cluster of the name has none.
	if _, err := c.Client.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAddons(ctx, &eks.ListAddonsInput{ClusterName: name}); !errors.As(err, &nf) {
		t.Errorf("list on a deleted cluster: %v", err)
	}
	// moto's CA is replaced only when asked.
	if _, err := c.Client.CreateCluster(ctx, &eks.CreateClusterInput{Name: name, RoleArn: aws.String("arn:aws:iam::123456789012:role/r"),
		ResourcesVpcConfig: &types.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}, Version: aws.String("1.33")}); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ListAddons(ctx, &eks.ListAddonsInput{ClusterName: name}); err != nil || len(l.Addons) != 0 {
		t.Errorf("new cluster's add-ons: %v %v", err, l)
	}
	ca, err := eksaddonfake.SelfSignedCA()
	if err != nil {
		t.Fatal(err)
	}
	c.Fake.CertificateAuthority = ca
	dc, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: name})
	if err != nil || aws.ToString(dc.Cluster.CertificateAuthority.Data) != ca {
		t.Errorf("CA: %v", err)
	}
}

func TestDescribeAddonVersions(t *testing.T) {
	ctx := context.Background()
	c := eksaddonfake.Wrap(eks.NewFromConfig(mototest.New(t).Config("eu-west-1")))
	versions := func(addon, k8s string, max int32) (all []string, defaults []string) {
		t.Helper()
		in := &eks.DescribeAddonVersionsInput{AddonName: aws.String(addon), KubernetesVersion: aws.String(k8s)}
		if max > 0 {
			in.MaxResults = aws.Int32(max)
		}
		pages := eks.NewDescribeAddonVersionsPaginator(c, in)
		for pages.HasMorePages() {
			p, err := pages.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range p.Addons {
				for _, v := range a.AddonVersions {
					all = append(all, aws.ToString(a.AddonName)+"@"+aws.ToString(v.AddonVersion))
					for _, cv := range v.Compatibilities {
						if aws.ToString(cv.ClusterVersion) != k8s && k8s != "" {
							t.Errorf("%s: compatibility %s listed for a query on %s", aws.ToString(v.AddonVersion), aws.ToString(cv.ClusterVersion), k8s)
						}
						if cv.DefaultVersion {
							defaults = append(defaults, aws.ToString(v.AddonVersion))
						}
					}
				}
			}
		}
		return all, defaults
	}
	all, defs := versions("coredns", "1.33", 0)
	if !slices.Equal(all, []string{"coredns@v1.13.2-eksbuild.4", "coredns@v1.12.4-eksbuild.1"}) || !slices.Equal(defs, []string{"v1.13.2-eksbuild.4"}) {
		t.Errorf("coredns on 1.33: %v, defaults %v", all, defs)
	}
	if all, _ := versions("coredns", "1.36", 0); len(all) != 0 {
		t.Errorf("coredns on 1.36 (in no documentation copy at hand): %v", all)
	}
	c.Fake.Offer(eksaddonfake.AddonVersion{Addon: "coredns", Version: "v1.13.2-eksbuild.9", Kubernetes: []string{"1.36"}, DefaultFor: []string{"1.36"}})
	if _, defs := versions("coredns", "1.36", 0); !slices.Equal(defs, []string{"v1.13.2-eksbuild.9"}) {
		t.Errorf("an offered row: %v", defs)
	}
	if all, _ := versions("", "1.33", 1); len(all) != 4 { // paged one add-on at a time
		t.Errorf("every add-on on 1.33: %v", all)
	}
	if all, _ := versions("kube-proxy", "1.36", 0); !slices.Equal(all, []string{"kube-proxy@v1.36.0-eksbuild.14"}) {
		t.Errorf("kube-proxy on 1.36: %v", all)
	}
	var nf *types.ResourceNotFoundException
	if _, err := c.DescribeAddonVersions(ctx, &eks.DescribeAddonVersionsInput{AddonName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("unknown add-on: %v", err)
	}
}

// Deletion protection and the cluster security group, over moto's cluster and EC2.
func TestDeletionProtectionAndClusterSecurityGroup(t *testing.T) {
	ctx := context.Background()
	cfg := mototest.New(t).Config("eu-west-1")
	c := eksaddonfake.Wrap(eks.NewFromConfig(cfg))
	ec2c := ec2.NewFromConfig(cfg)
	c.Fake.EC2 = ec2c
	vpc, err := ec2c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.2.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := ec2c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.2.0.0/20"), AvailabilityZone: aws.String("eu-west-1a")})
	if err != nil {
		t.Fatal(err)
	}
	name := aws.String("guarded")
	if _, err := c.CreateCluster(ctx, &eks.CreateClusterInput{Name: name, RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), DeletionProtection: aws.Bool(true),
		ResourcesVpcConfig: &types.VpcConfigRequest{SubnetIds: []string{aws.ToString(sub.Subnet.SubnetId)}}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: name})
	if err != nil || !aws.ToBool(d.Cluster.DeletionProtection) || aws.ToString(d.Cluster.ResourcesVpcConfig.VpcId) != aws.ToString(vpc.Vpc.VpcId) {
		t.Fatalf("describe: %v %+v", err, d)
	}
	sg := aws.ToString(d.Cluster.ResourcesVpcConfig.ClusterSecurityGroupId)
	if g, err := ec2c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}}); err != nil || len(g.SecurityGroups) != 1 ||
		!strings.HasPrefix(aws.ToString(g.SecurityGroups[0].GroupName), "eks-cluster-sg-guarded-") {
		t.Fatalf("cluster security group %s: %v", sg, err)
	}
	var ir *types.InvalidRequestException
	if _, err := c.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: name}); !errors.As(err, &ir) {
		t.Fatalf("delete while protected: %v", err)
	}
	var inv *types.InvalidParameterException
	if _, err := c.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: name, DeletionProtection: aws.Bool(false),
		Logging: &types.Logging{}}); !errors.As(err, &inv) {
		t.Errorf("two kinds of update in one call: %v", err)
	}
	up, err := c.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: name, DeletionProtection: aws.Bool(false)})
	if err != nil || up.Update.Type != types.UpdateTypeDeletionProtectionUpdate || up.Update.Status != types.UpdateStatusInProgress {
		t.Fatalf("update: %v %+v", err, up)
	}
	var busy *types.ResourceInUseException
	if _, err := c.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: name, DeletionProtection: aws.Bool(true)}); !errors.As(err, &busy) {
		t.Errorf("second update while one is in progress: %v", err)
	}
	for i := 0; ; i++ {
		u, err := c.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: name, UpdateId: up.Update.Id})
		if err != nil {
			t.Fatal(err)
		}
		if u.Update.Status == types.UpdateStatusSuccessful {
			break
		}
		if i > 3 {
			t.Fatalf("update never succeeds: %+v", u.Update)
		}
	}
	if _, err := c.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: name}); err != nil {
		t.Fatalf("delete once unprotected: %v", err)
	}
	if _, err := ec2c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}}); err == nil {
		t.Error("the cluster security group outlived the cluster")
	}
}
