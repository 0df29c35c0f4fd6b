package lbc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// The webhook objects of the chart are named after its namePrefix:
// <prefix>-tls is the Secret holding the webhook's CA and certificate,
// <prefix>-webhook-service the webhook's Service.
const (
	// DefaultWebhookNamePrefix is the chart's namePrefix without nameOverride.
	DefaultWebhookNamePrefix = "aws-load-balancer"
	// WebhookCertValidity is how long a certificate NewWebhookCertificate
	// makes is valid (the chart's own: 3650 days).
	WebhookCertValidity = 3650 * 24 * time.Hour
)

// ErrWebhookTLSRequired is wrapped by the Pulumi component when the chart
// cannot keep its webhook certificate (3.0.0, without keepTLSSecret),
// Settings.WebhookTLS is not set, and the component has no kubeconfig to
// read the installed one with (EnsureWebhookCertificate): its certificate
// would change on every upgrade. With a kubeconfig the component passes the
// installed certificate itself, as the SDK's Install and Upgrade do.
var ErrWebhookTLSRequired = errors.New("lbc: this chart regenerates the webhook certificate on every upgrade: set Settings.WebhookTLS (see NewWebhookCertificate)")

// WebhookCertificate is the webhook's TLS material, PEM-encoded: the chart's
// webhookTLS.caCert, webhookTLS.cert and webhookTLS.key values. When all three
// are given the chart uses them instead of generating a certificate on every
// render (chart 3.0.0, which lacks keepTLSSecret) or reading the Secret back.
type WebhookCertificate struct {
	// CACert signs Cert; it becomes the webhooks' caBundle.
	CACert string
	// Cert and Key are the webhook server's certificate and private key.
	Cert, Key string
}

// IsZero reports whether no part of the certificate is set.
func (c WebhookCertificate) IsZero() bool { return c == WebhookCertificate{} }

// Validate checks that all three parts are PEM of the right type, that Cert
// is signed by CACert and that Key is Cert's key.
func (c WebhookCertificate) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: webhook certificate: "+format, append([]any{ErrInvalidSpec}, a...)...)
	}
	ca, err := parseCertPEM(c.CACert)
	if err != nil {
		return bad("CA: %v", err)
	}
	cert, err := parseCertPEM(c.Cert)
	if err != nil {
		return bad("certificate: %v", err)
	}
	if err := cert.CheckSignatureFrom(ca); err != nil {
		return bad("certificate not signed by the CA: %v", err)
	}
	blk, _ := pem.Decode([]byte(c.Key))
	if blk == nil {
		return bad("key is not PEM")
	}
	key, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		if key, err = x509.ParseECPrivateKey(blk.Bytes); err != nil {
			if key, err = x509.ParsePKCS1PrivateKey(blk.Bytes); err != nil {
				return bad("key: %v", err)
			}
		}
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return bad("key of type %T", key)
	}
	if eq, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(cert.PublicKey) {
		return bad("key does not match the certificate")
	}
	return nil
}

// Leaf parses the serving certificate (Cert).
func (c WebhookCertificate) Leaf() (*x509.Certificate, error) { return parseCertPEM(c.Cert) }

func parseCertPEM(s string) (*x509.Certificate, error) {
	blk, _ := pem.Decode([]byte(s))
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM CERTIFICATE")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// WebhookNamePrefix is the chart's namePrefix for the values: nameOverride
// (at most 42 characters, without a trailing "-") or DefaultWebhookNamePrefix.
func WebhookNamePrefix(values map[string]any) string {
	n, _ := values["nameOverride"].(string)
	if n == "" {
		return DefaultWebhookNamePrefix
	}
	if len(n) > 42 {
		n = n[:42]
	}
	return strings.TrimRight(n, "-")
}

// WebhookSecretName is the Secret of the webhook certificate for a namePrefix.
func WebhookSecretName(prefix string) string { return orDefaultPrefix(prefix) + "-tls" }

// WebhookServiceName is the webhook's Service for a namePrefix.
func WebhookServiceName(prefix string) string { return orDefaultPrefix(prefix) + "-webhook-service" }

func orDefaultPrefix(prefix string) string {
	if prefix == "" {
		return DefaultWebhookNamePrefix
	}
	return prefix
}

// WebhookDNSNames are the names the webhook certificate must cover for the
// chart's webhook Service in a namespace (the chart's own altNames, with the
// default cluster.dnsDomain cluster.local); prefix "" means
// DefaultWebhookNamePrefix.
func WebhookDNSNames(namespace, prefix string) []string {
	svc := WebhookServiceName(prefix)
	return []string{svc + "." + namespace, svc + "." + namespace + ".svc", svc + "." + namespace + ".svc.cluster.local"}
}

// NewWebhookCertificate makes a CA (aws-load-balancer-controller-ca, as the
// chart names its own) and a webhook certificate signed by it for the
// chart's webhook Service in namespace (see WebhookDNSNames), valid from now
// for WebhookCertValidity, with fresh ECDSA P-256 keys.
func NewWebhookCertificate(namespace, prefix string, now time.Time) (WebhookCertificate, error) {
	if !validLabel(namespace) {
		return WebhookCertificate{}, fmt.Errorf("lbc: webhook certificate: %w: namespace %q", ErrInvalidSpec, namespace)
	}
	fail := func(err error) (WebhookCertificate, error) {
		return WebhookCertificate{}, fmt.Errorf("lbc: webhook certificate: %w", err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fail(err)
	}
	serial := func() *big.Int {
		n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
		return n
	}
	caTmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "aws-load-balancer-controller-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(WebhookCertValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true, IsCA: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return fail(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fail(err)
	}
	names := WebhookDNSNames(namespace, prefix)
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: ChartName}, DNSNames: names,
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(WebhookCertValidity),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return fail(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fail(err)
	}
	return WebhookCertificate{
		CACert: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})),
		Cert:   string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Key:    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
	}, nil
}

// ReadWebhookCertificate reads the webhook certificate of an installed
// controller from its Secret (WebhookSecretName(prefix) in namespace: ca.crt,
// tls.crt, tls.key). found is false when there is no such Secret.
func ReadWebhookCertificate(ctx context.Context, cs kubernetes.Interface, namespace, prefix string) (cert WebhookCertificate, found bool, err error) {
	name := WebhookSecretName(prefix)
	s, err := cs.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return WebhookCertificate{}, false, nil
	}
	if err != nil {
		return WebhookCertificate{}, false, fmt.Errorf("lbc: webhook certificate: reading %s/%s: %w", namespace, name, err)
	}
	cert = WebhookCertificate{CACert: string(s.Data["ca.crt"]), Cert: string(s.Data["tls.crt"]), Key: string(s.Data["tls.key"])}
	if err := cert.Validate(); err != nil {
		return WebhookCertificate{}, true, fmt.Errorf("lbc: webhook certificate: %s/%s: %w", namespace, name, err)
	}
	return cert, true, nil
}

// EnsureWebhookCertificate returns the webhook certificate to pass to the
// chart: the installed one when the Secret exists (so an upgrade, on any row,
// 3.0.0 included, keeps the caBundle and the serving certificate), else a new
// one from NewWebhookCertificate.
func EnsureWebhookCertificate(ctx context.Context, cs kubernetes.Interface, namespace, prefix string) (WebhookCertificate, error) {
	cert, found, err := ReadWebhookCertificate(ctx, cs, namespace, prefix)
	if err != nil || found {
		return cert, err
	}
	return NewWebhookCertificate(namespace, prefix, time.Now())
}

// Values returns the chart's webhookTLS values of the certificate.
func (c WebhookCertificate) Values() map[string]any {
	return map[string]any{"caCert": c.CACert, "cert": c.Cert, "key": c.Key}
}

// EnsureNamespace creates the namespace when create is set and it is
// missing; an existing one is left alone.
func EnsureNamespace(ctx context.Context, cs kubernetes.Interface, namespace string, create bool) error {
	if !create {
		return nil
	}
	_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", namespace, err)
	}
	return nil
}
