package eksaddonfake_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
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
		ResourcesVpcConfig: &types.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}}); err != nil {
		t.Fatal(err)
	}
	var inv *types.InvalidParameterException
	var busy *types.ResourceInUseException
	for _, in := range []*eks.CreateAddonInput{
		{ClusterName: name, AddonName: aws.String("nope")},
		{ClusterName: name, AddonName: aws.String("coredns"), AddonVersion: aws.String("latest")},
		{ClusterName: name, AddonName: aws.String("coredns"), ConfigurationValues: aws.String(`computeType: Fargate`)},
		{ClusterName: name, AddonName: aws.String("coredns"), ResolveConflicts: "ALWAYS"},
	} {
		if _, err := c.CreateAddon(ctx, in); !errors.As(err, &inv) {
			t.Errorf("%+v: %v", in, err)
		}
	}
	out, err := c.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: name, AddonName: aws.String("coredns"), ConfigurationValues: aws.String(`{"computeType":"Fargate"}`)})
	if err != nil || out.Addon.Status != types.AddonStatusCreating || aws.ToString(out.Addon.AddonVersion) != eksaddonfake.DefaultVersion {
		t.Fatalf("create: %v %+v", err, out)
	}
	if _, err := c.CreateAddon(ctx, &eks.CreateAddonInput{ClusterName: name, AddonName: aws.String("coredns")}); !errors.As(err, &busy) {
		t.Errorf("twice: %v", err)
	}
	if _, err := c.UpdateAddon(ctx, &eks.UpdateAddonInput{ClusterName: name, AddonName: aws.String("coredns"), AddonVersion: aws.String("v1.11.4-eksbuild.2")}); !errors.As(err, &busy) {
		t.Errorf("update while CREATING: %v", err)
	}
	// The waiter sees CREATING, then ACTIVE.
	w := eks.NewAddonActiveWaiter(c, func(o *eks.AddonActiveWaiterOptions) { o.MinDelay = 1e6; o.MaxDelay = 1e6 })
	if err := w.Wait(ctx, &eks.DescribeAddonInput{ClusterName: name, AddonName: aws.String("coredns")}, 1e9); err != nil {
		t.Fatal(err)
	}
	up, err := c.UpdateAddon(ctx, &eks.UpdateAddonInput{ClusterName: name, AddonName: aws.String("coredns"), AddonVersion: aws.String("v1.11.4-eksbuild.2")})
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
		ResourcesVpcConfig: &types.VpcConfigRequest{SubnetIds: []string{"subnet-1"}}}); err != nil {
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
