package helm

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/lbcref/eksref"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// TestEveryRowOnServer installs the real archive of the oldest row of the
// version table with the SDK's Upgrade on the real API server, from a
// cluster without the controller's CRDs, and upgrades the same release
// through every row, oldest to newest (3.0.0, which lacks keepTLSSecret,
// twice: its upgrade to itself is where the chart alone would make a new
// certificate). After each step it checks what the server stored: the
// release's appVersion is the row's; the Deployment's controller args carry
// the cluster name, region, VPC and ip target type and its image is the
// row's; the controller's CRDs are exactly that chart's (names and schemas:
// Upgrade applied them, which Helm alone never does); and the webhook Secret
// is the one the first install made, trusted by every webhook configuration.
// Nothing waits for pods (no nodes run on the test server).
//
// Then it shows what the chart does on its own: a 3.0.0 upgrade with
// ChartWebhookTLS replaces the certificate.
func TestEveryRowOnServer(t *testing.T) {
	ref := eksref.Ref("")
	ref.Require(t)
	cs, cfg := kubetest.Clientset(t)
	kubetest.Lock(t, cfg, kubetest.LockLBC)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	const name = "lbc-rows"
	deleteControllerCRDs(t, ctx, cfg) // the oldest chart's CRDs cannot replace a newer one's stored versions
	cleanupRelease(t, cfg, name, ns)
	upgrade := func(r lbc.Release, chartTLS bool) map[string]any {
		t.Helper()
		vals := rowValues(t, r)
		vals["nameOverride"], vals["ingressClass"] = name, name
		rel, err := Upgrade(ctx, cfg, Options{ReleaseName: name, Namespace: ns, ChartWebhookTLS: chartTLS,
			Chart: lbc.ChartSource{Path: ref.Chart(t, r.Chart), Version: r.Chart}, Values: vals})
		if err != nil {
			t.Fatalf("%s: %v", r.Version, err)
		}
		if rel.Chart.Metadata.AppVersion != r.Version {
			t.Errorf("%s: installed appVersion %s", r.Version, rel.Chart.Metadata.AppVersion)
		}
		return vals
	}
	rows := lbc.Releases()
	v300, _ := lbc.LookupRelease("v3.0.0")
	for i, r := range rows {
		if r.Version == v300.Version {
			rows = append(rows[:i+1], append([]lbc.Release{v300}, rows[i+1:]...)...)
			break
		}
	}
	if len(rows) != 23 {
		t.Fatalf("%d steps, want the 22 rows and 3.0.0 again", len(rows))
	}
	var first lbc.WebhookCertificate
	for i, r := range rows {
		vals := upgrade(r, false)
		deps, err := cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
		if err != nil || len(deps.Items) != 1 {
			t.Fatalf("%s: deployments: %v %v", r.Version, deps, err)
		}
		checkControllerContainer(t, r, vals, deps.Items[0].Spec.Template.Spec.Containers[0])
		want, err := lbc.LoadChartCRDs(ref.Chart(t, r.Chart))
		if err != nil {
			t.Fatal(err)
		}
		assertServerCRDs(t, ctx, cfg, r.Version, want)
		got := checkWebhookTrust(t, ctx, cs, ns, name)
		if i == 0 {
			first = got
		} else if got != first {
			t.Errorf("upgrade to %s changed the webhook certificate", r.Version)
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	upgrade(v300, true)
	if got := checkWebhookTrust(t, ctx, cs, ns, name); got == first {
		t.Error("chart 3.0.0 on its own kept the certificate: the test no longer shows why the SDK passes it")
	}
}
