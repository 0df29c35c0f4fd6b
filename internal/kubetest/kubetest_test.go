package kubetest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/fargatekit/fargatekit/internal/kubetest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// TestConfigMapRoundTrip does what aws-auth edits do: create, read,
// optimistic-concurrency update, and a stale update that must conflict.
func TestConfigMapRoundTrip(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	cms := cs.CoreV1().ConfigMaps(ns)
	ctx := ctx(t)

	created, err := cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"},
		Data:       map[string]string{"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/a\n"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := cms.Get(ctx, "aws-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.Data["mapRoles"] != created.Data["mapRoles"] || got.ResourceVersion != created.ResourceVersion {
		t.Fatalf("get returned %+v, want %+v", got, created)
	}

	stale := got.DeepCopy()
	got.Data["mapUsers"] = "[]\n"
	updated, err := cms.Update(ctx, got, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update with resourceVersion %s: %v", got.ResourceVersion, err)
	}
	if updated.ResourceVersion == stale.ResourceVersion {
		t.Fatalf("update kept resourceVersion %s", stale.ResourceVersion)
	}

	stale.Data["mapRoles"] = "lost update\n"
	if _, err := cms.Update(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Fatalf("stale update (resourceVersion %s): got %v, want a Conflict", stale.ResourceVersion, err)
	}

	if err := cms.Delete(ctx, "aws-auth", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := cms.Get(ctx, "aws-auth", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("get after delete: got %v, want NotFound", err)
	}
}

// TestTokenRequestIRSA asks for a ServiceAccount token with the audience
// IRSA uses and checks that its issuer is the server's OIDC issuer.
func TestTokenRequestIRSA(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx := ctx(t)
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx,
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "app"}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create ServiceAccount: %v", err)
	}
	expiry := int64(3600)
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, "app", &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{Audiences: []string{"sts.amazonaws.com"}, ExpirationSeconds: &expiry},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest: %v", err)
	}
	parts := strings.Split(tr.Status.Token, ".")
	if len(parts) != 3 {
		t.Fatalf("token is not a JWS: %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("decoding JWT payload: %v", err)
	}
	var claims struct {
		Iss string   `json:"iss"`
		Sub string   `json:"sub"`
		Aud []string `json:"aud"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("parsing JWT payload %s: %v", payload, err)
	}
	if want := kubetest.Issuer(t, cfg); claims.Iss != want {
		t.Errorf("iss = %q, want the issuer %q", claims.Iss, want)
	}
	if !slices.Equal(claims.Aud, []string{"sts.amazonaws.com"}) {
		t.Errorf("aud = %q, want [sts.amazonaws.com]", claims.Aud)
	}
	if want := "system:serviceaccount:" + ns + ":app"; claims.Sub != want {
		t.Errorf("sub = %q, want %q", claims.Sub, want)
	}
}

// TestOIDCDiscovery reads the discovery document with admin credentials and
// anonymously, as AWS IAM would, and follows it to the JWKS.
func TestOIDCDiscovery(t *testing.T) {
	cfg := kubetest.Config(t)
	issuer := kubetest.Issuer(t, cfg)
	if !strings.HasPrefix(issuer, "https://") {
		t.Errorf("issuer %q is not an https URL", issuer)
	}
	anon := rest.AnonymousClientConfig(cfg)
	cs, err := kubernetes.NewForConfig(anon)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctx(t)
	raw, err := cs.Discovery().RESTClient().Get().AbsPath("/.well-known/openid-configuration").DoRaw(ctx)
	if err != nil {
		t.Fatalf("anonymous discovery: %v", err)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("discovery document %s: %v", raw, err)
	}
	if doc.Issuer != issuer {
		t.Errorf("anonymous issuer %q, want %q", doc.Issuer, issuer)
	}
	if doc.JWKSURI != issuer+"/openid/v1/jwks" {
		t.Errorf("jwks_uri %q, want %q", doc.JWKSURI, issuer+"/openid/v1/jwks")
	}
	jwks, err := cs.Discovery().RESTClient().Get().AbsPath("/openid/v1/jwks").DoRaw(ctx)
	if err != nil {
		t.Fatalf("anonymous JWKS: %v", err)
	}
	var keys struct {
		Keys []struct {
			Kty string `json:"kty"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(jwks, &keys); err != nil || len(keys.Keys) == 0 || keys.Keys[0].Kty != "RSA" {
		t.Errorf("JWKS %s: want one RSA key (%v)", jwks, err)
	}
}

// Two holders of one lock run one after the other: the second takes it only
// once the first test has ended.
func TestLock(t *testing.T) {
	cfg := kubetest.Config(t)
	name := "lock-test"
	var (
		mu    sync.Mutex
		order []string
	)
	add := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	held := make(chan struct{})
	t.Run("group", func(t *testing.T) {
		t.Run("first", func(t *testing.T) {
			t.Parallel()
			kubetest.Lock(t, cfg, name)
			add("first in")
			close(held)
			time.Sleep(300 * time.Millisecond)
			add("first out")
		})
		t.Run("second", func(t *testing.T) {
			t.Parallel()
			<-held
			kubetest.Lock(t, cfg, name)
			add("second in")
		})
	})
	if want := []string{"first in", "first out", "second in"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}
