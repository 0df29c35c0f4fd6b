package lbc

import (
	"errors"
	"testing"
	"time"
)

func TestWebhookCertificate(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	c, err := NewWebhookCertificate("lbc", "", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	leaf, _ := c.Leaf()
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
