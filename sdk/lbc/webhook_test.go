package lbc

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/lbcref"
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
	lbcref.Require(t)
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	const name = "lbc-tls"
	deleteControllerCRDs(t, ctx, cfg) // the oldest chart's CRDs cannot replace a newer one's stored versions
	cleanupRelease(t, cfg, name, ns)
	upgrade := func(r Release, chartTLS bool) error {
		vals := rowValues(t, r)
		vals["nameOverride"], vals["ingressClass"] = name, name
		_, err := Upgrade(ctx, cfg, HelmOptions{ReleaseName: name, Namespace: ns, ChartWebhookTLS: chartTLS,
			Chart: ChartSource{Path: lbcref.Chart(t, r.Chart), Version: r.Chart}, Values: vals})
		return err
	}
	rows := rowsOf(t, representativeRows)
	v300, _ := LookupRelease("v3.0.0")
	rows = append(rows[:4], append([]Release{v300}, rows[4:]...)...)
	var first WebhookCertificate
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

func TestWebhookCertificate(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	c, err := NewWebhookCertificate("lbc", "", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	leaf, _ := parseCertPEM(c.Cert)
	for _, n := range []string{"aws-load-balancer-webhook-service.lbc", "aws-load-balancer-webhook-service.lbc.svc", "aws-load-balancer-webhook-service.lbc.svc.cluster.local"} {
		if err := leaf.VerifyHostname(n); err != nil {
			t.Error(err)
		}
	}
	if !leaf.NotAfter.Equal(now.Add(WebhookCertValidity)) {
		t.Errorf("valid until %v", leaf.NotAfter)
	}
	other, _ := NewWebhookCertificate("lbc", "x", now)
	for name, bad := range map[string]WebhookCertificate{
		"foreign key": {CACert: c.CACert, Cert: c.Cert, Key: other.Key},
		"foreign CA":  {CACert: other.CACert, Cert: c.Cert, Key: c.Key},
		"no PEM":      {CACert: "x", Cert: c.Cert, Key: c.Key},
		"empty":       {},
	} {
		if err := bad.Validate(); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := NewWebhookCertificate("Bad_NS", "", now); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("bad namespace: %v", err)
	}
	if got := WebhookNamePrefix(map[string]any{"nameOverride": "abc-"}); got != "abc" {
		t.Errorf("prefix %q", got)
	}
	if got := WebhookSecretName(""); got != "aws-load-balancer-tls" {
		t.Errorf("secret %q", got)
	}
}
