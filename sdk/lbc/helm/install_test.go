package helm

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/lbcref/eksref"
	"github.com/fargatekit/fargatekit/sdk/lbc"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Install into a namespace that does not exist yet, without
// CreateNamespace: a namespace other than kube-system is created.
func TestInstallCreatesCustomNamespace(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg) + "-lbc" // not created by kubetest
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t.Cleanup(func() { _ = cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	if _, err := Install(ctx, cfg, Options{ReleaseName: "greeter", Namespace: ns, Chart: lbc.ChartSource{Path: writeChart(t, "0.1.0")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err != nil {
		t.Fatalf("namespace %s: %v", ns, err)
	}
	if got := greeting(t, cs, ns, "greeter"); got != "hello@0.1.0" {
		t.Errorf("greeting %s", got)
	}
}

// TestFeatureGatesReachTheDeployment renders chart 3.5.0 with gates set
// through Settings: the controller's --feature-gates flag carries them.
func TestFeatureGatesReachTheDeployment(t *testing.T) {
	eksref.Ref("").Require(t)
	vals, err := lbc.Values(lbc.ValuesSpec{ClusterName: "demo", Region: "us-west-2", VpcID: "vpc-0123456789abcdef0",
		Settings: lbc.Settings{Fargate: true, FeatureGates: lbc.FeatureGateSettings{lbc.FeatureALBGatewayAPI: true, lbc.FeatureNLBGatewayAPI: false}}})
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := Template(context.Background(), Options{Chart: lbc.ChartSource{Path: eksref.Ref("").Chart(t, "3.5.0")}, Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	var flag string
	for _, line := range strings.Split(manifest, "\n") {
		if strings.Contains(line, "--feature-gates=") {
			flag = strings.TrimSpace(line)
		}
	}
	got := strings.Split(strings.TrimPrefix(flag, "- --feature-gates="), ",")
	slices.Sort(got)
	if want := []string{"ALBGatewayAPI=true", "NLBGatewayAPI=false"}; !slices.Equal(got, want) {
		t.Errorf("deployment flag %q, want gates %v", flag, want)
	}
}
