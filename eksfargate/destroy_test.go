package eksfargate

import (
	"slices"
	"strings"
	"testing"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/internal/mockstack"
)

// The order pulumi destroy deletes a cluster in, from the dependencies the
// component records: a workload first (it depends on Ready(), as LBCRelease
// and every irsa/authmap component do), then the CoreDNS add-on, the
// profiles one at a time (last first), the cluster (after its OIDC
// provider), the roles, the network; the sweeps run after the cluster and
// before the subnets and the VPC (hooks, see TestSweepHooks).
func TestDestroyOrder(t *testing.T) {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		fc, err := NewFargateCluster(ctx, "demo", &FargateClusterArgs{ClusterSpec: ClusterSpec{
			FargateProfiles: []FargateProfile{
				{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}},
				{Name: "apps", Selectors: []Selector{{Namespace: "apps"}}},
				{Name: "jobs", Selectors: []Selector{{Namespace: "jobs"}}},
			},
		}})
		if err != nil {
			return err
		}
		labels := pulumi.StringMap{"app": pulumi.String("web")}
		_, err = appsv1.NewDeployment(ctx, "web", &appsv1.DeploymentArgs{
			Metadata: &metav1.ObjectMetaArgs{Namespace: pulumi.String("apps")},
			Spec: &appsv1.DeploymentSpecArgs{Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: &corev1.PodTemplateSpecArgs{Metadata: &metav1.ObjectMetaArgs{Labels: labels},
					Spec: &corev1.PodSpecArgs{Containers: corev1.ContainerArray{corev1.ContainerArgs{Name: pulumi.String("web"), Image: pulumi.String("nginx")}}}}},
		}, pulumi.Provider(fc.Provider), pulumi.DependsOn(fc.Ready()))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	order := g.DestroyOrder()
	var lines []string
	pos := map[string]int{}
	for i, r := range order {
		lines = append(lines, r.Type+" "+r.Name)
		pos[r.Type+" "+r.Name] = i
	}
	golden.Assert(t, "testdata/destroy-order.txt", []byte(strings.Join(lines, "\n")+"\n"))
	before := func(a, b string) {
		t.Helper()
		pa, oka := pos[a]
		pb, okb := pos[b]
		if !oka || !okb || pa >= pb {
			t.Errorf("%s (%d, %v) is not deleted before %s (%d, %v)", a, pa, oka, b, pb, okb)
		}
	}
	chain := []string{
		"kubernetes:apps/v1:Deployment web",
		tAddon + " demo-coredns",
		tProfile + " demo-profile-jobs", tProfile + " demo-profile-apps", tProfile + " demo-profile-system",
		tCluster + " demo-cluster",
		tAttach + " demo-cluster-role-AmazonEKSClusterPolicy", tRole + " demo-cluster-role",
	}
	for i := 1; i < len(chain); i++ {
		before(chain[i-1], chain[i])
	}
	before(tOIDC+" demo-oidc", tCluster+" demo-cluster")
	before(tProfile+" demo-profile-system", tAttach+" demo-pod-execution-role-AmazonEKSFargatePodExecutionRolePolicy")
	for _, n := range []string{"demo-private-0", "demo-private-1", "demo-public-0", "demo-public-1"} {
		before(tCluster+" demo-cluster", tSubnet+" "+n)
		before(tSubnet+" "+n, tVpc+" demo-vpc")
	}
	// Profiles one at a time: each waits for the one created before it,
	// so destroy takes them last first, each after the next is gone.
	for _, p := range [][2]string{{"jobs", "apps"}, {"apps", "system"}} {
		if !g.DependsOn(one(t, g, tProfile, "demo-profile-"+p[0]), one(t, g, tProfile, "demo-profile-"+p[1])) {
			t.Errorf("profile %s does not wait for %s", p[0], p[1])
		}
	}
	if i := slices.IndexFunc(order, func(r *mockstack.Resource) bool { return r.Type == TypeToken }); i != len(order)-1 {
		t.Errorf("the component goes at %d of %d", i, len(order))
	}
}
