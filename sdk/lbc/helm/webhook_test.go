package helm

import (
	"context"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/lbcref/eksref"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// TestWebhookTLSStableAcrossUpgrades installs the oldest row and upgrades,
// with the SDK's Upgrade on the real API server, through representativeRows
// in order (3.0.0, which lacks keepTLSSecret, included, and then 3.0.0
// again), reading the webhook Secret before and after each upgrade: it never
// changes, and the webhook configurations keep trusting it. (Every row
// renders the certificate it is given: TestRealChartsTemplate.) Then it shows
// what the chart does on its own: a 3.0.0 upgrade with ChartWebhookTLS
// replaces the certificate.
func TestWebhookTLSStableAcrossUpgrades(t *testing.T) {
	eksref.Ref("").Require(t)
	cs, cfg := kubetest.Clientset(t)
	kubetest.Lock(t, cfg, kubetest.LockLBC)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	const name = "lbc-tls"
	deleteControllerCRDs(t, ctx, cfg) // the oldest chart's CRDs cannot replace a newer one's stored versions
	cleanupRelease(t, cfg, name, ns)
	upgrade := func(r lbc.Release, chartTLS bool) error {
		vals := rowValues(t, r)
		vals["nameOverride"], vals["ingressClass"] = name, name
		_, err := Upgrade(ctx, cfg, Options{ReleaseName: name, Namespace: ns, ChartWebhookTLS: chartTLS,
			Chart: lbc.ChartSource{Path: eksref.Ref("").Chart(t, r.Chart), Version: r.Chart}, Values: vals})
		return err
	}
	rows := rowsOf(t, representativeRows)
	v300, _ := lbc.LookupRelease("v3.0.0")
	rows = append(rows[:4], append([]lbc.Release{v300}, rows[4:]...)...)
	var first lbc.WebhookCertificate
	for i, r := range rows {
		if err := upgrade(r, false); err != nil {
			t.Fatalf("%s: %v", r.Version, err)
		}
		got := checkWebhookTrust(t, ctx, cs, ns, name)
		if i == 0 {
			first = got
			continue
		}
		if got != first {
			t.Errorf("upgrade to %s changed the webhook certificate", r.Version)
		}
	}
	if err := upgrade(v300, true); err != nil {
		t.Fatal(err)
	}
	if got := checkWebhookTrust(t, ctx, cs, ns, name); got == first {
		t.Error("chart 3.0.0 on its own kept the certificate: the test no longer shows why the SDK passes it")
	}
}
