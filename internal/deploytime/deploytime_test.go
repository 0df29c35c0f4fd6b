package deploytime

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/internal/mockstack"
)

type group struct{ pulumi.ResourceState }

// program: role and NAT in parallel; cluster after the role; two profiles
// chained; CoreDNS after the first profile; a component wrapping the profiles
// that a last role depends on.
func program(ctx *pulumi.Context) error {
	role, err := iam.NewRole(ctx, "role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
	if err != nil {
		return err
	}
	if _, err := ec2.NewNatGateway(ctx, "nat", &ec2.NatGatewayArgs{SubnetId: pulumi.String("subnet-1")}); err != nil {
		return err
	}
	cluster, err := eks.NewCluster(ctx, "c", &eks.ClusterArgs{RoleArn: role.Arn, VpcConfig: eks.ClusterVpcConfigArgs{SubnetIds: pulumi.StringArray{pulumi.String("s")}}})
	if err != nil {
		return err
	}
	g := &group{}
	if err := ctx.RegisterComponentResource("fargatekit:test:Group", "profiles", g); err != nil {
		return err
	}
	p1, err := eks.NewFargateProfile(ctx, "p1", &eks.FargateProfileArgs{ClusterName: cluster.Name, PodExecutionRoleArn: role.Arn,
		Selectors: eks.FargateProfileSelectorArray{eks.FargateProfileSelectorArgs{Namespace: pulumi.String("kube-system")}}}, pulumi.Parent(g))
	if err != nil {
		return err
	}
	p2, err := eks.NewFargateProfile(ctx, "p2", &eks.FargateProfileArgs{ClusterName: cluster.Name, PodExecutionRoleArn: role.Arn,
		Selectors: eks.FargateProfileSelectorArray{eks.FargateProfileSelectorArgs{Namespace: pulumi.String("default")}}}, pulumi.Parent(g), pulumi.DependsOn([]pulumi.Resource{p1}))
	if err != nil {
		return err
	}
	if _, err := eks.NewAddon(ctx, "coredns", &eks.AddonArgs{ClusterName: cluster.Name, AddonName: pulumi.String("coredns")}, pulumi.DependsOn([]pulumi.Resource{p1})); err != nil {
		return err
	}
	// The SDK expands a dependency on a component into the children that have
	// registered so far (their goroutines call addChild): wait for both, as a
	// program must when it depends on a component whose children are still
	// being created. fargatekit components expose concrete Ready() resources.
	done := make(chan struct{})
	pulumi.All(p1.URN(), p2.URN()).ApplyT(func([]any) error { close(done); return nil })
	<-done
	_, err = iam.NewRole(ctx, "last", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")}, pulumi.DependsOn([]pulumi.Resource{g}))
	return err
}

func TestCriticalPath(t *testing.T) {
	g, err := mockstack.Run(program)
	if err != nil {
		t.Fatal(err)
	}
	est, err := Compute(g, DefaultTable())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range est.CriticalPath {
		names = append(names, s.Resource.Name)
	}
	if got, want := strings.Join(names, ">"), "role>c>p1>p2>last"; got != want {
		t.Fatalf("critical path %s, want %s", got, want)
	}
	want := 10*time.Second + 15*time.Minute + 2*150*time.Second + 10*time.Second
	if est.Total != want {
		t.Fatalf("total %v, want %v", est.Total, want)
	}
	serial := want + 2*time.Minute /* nat */ + 2*time.Minute /* coredns */
	if est.Serial != serial {
		t.Fatalf("serial %v, want %v", est.Serial, serial)
	}
	var out bytes.Buffer
	if err := est.Format(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"ESTIMATE", "containers-roadmap#1227", "17m40s →   20m10s  aws:eks/fargateProfile:FargateProfile    p2", "Estimate: 20m20s", "24m20s if created one at a time"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
}

func TestResolve(t *testing.T) {
	tab := DefaultTable()
	tests := []struct {
		r    *mockstack.Resource
		want time.Duration
	}{
		{&mockstack.Resource{Type: "fargatekit:x:Y"}, 0},
		{&mockstack.Resource{Type: "pulumi:providers:kubernetes", Custom: true}, 0},
		{&mockstack.Resource{Type: "aws:ec2/subnet:Subnet", Custom: true}, 5 * time.Second},
		{&mockstack.Resource{Type: "aws:eks/cluster:Cluster", Custom: true}, 15 * time.Minute},
	}
	for _, tt := range tests {
		if got := tab.Resolve(tt.r).Typical; got != tt.want {
			t.Errorf("%s: %v, want %v", tt.r.Type, got, tt.want)
		}
	}
}
