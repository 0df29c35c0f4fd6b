package irsa

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/kubetest"
)

const testRoleARN = "arn:aws:iam::123456789012:role/irsa/app"

func TestAnnotateServiceAccountRealServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Created when missing.
	got, err := AnnotateServiceAccount(ctx, cs, sa(ns, "fresh"), testRoleARN, AnnotateOptions{RegionalSTSEndpoints: true, Labels: map[string]string{"app": "web"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Annotations[AnnotationRoleARN] != testRoleARN || got.Annotations[AnnotationSTSRegionalEndpoints] != "true" || got.Labels["app"] != "web" {
		t.Fatalf("created: %+v", got.ObjectMeta)
	}
	if !managedBy(got, FieldManager) {
		t.Errorf("managed fields: %+v", got.ManagedFields)
	}

	// Patched when it exists, keeping what others wrote.
	existing := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "existing", Annotations: map[string]string{"team": "payments"},
		Labels: map[string]string{"owner": "helm"}}}
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, existing, metav1.CreateOptions{FieldManager: "helm"}); err != nil {
		t.Fatal(err)
	}
	got, err = AnnotateServiceAccount(ctx, cs, sa(ns, "existing"), testRoleARN, AnnotateOptions{RegionalSTSEndpoints: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Annotations["team"] != "payments" || got.Labels["owner"] != "helm" || got.Annotations[AnnotationRoleARN] != testRoleARN {
		t.Fatalf("patched: %+v", got.ObjectMeta)
	}

	// Another manager set the role annotation: fargatekit takes it over.
	other := "arn:aws:iam::123456789012:role/other"
	cur, _ := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "existing", metav1.GetOptions{})
	cur.Annotations[AnnotationRoleARN] = other
	if _, err := cs.CoreV1().ServiceAccounts(ns).Update(ctx, cur, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
		t.Fatal(err)
	}
	// Re-applied with another role and without the regional annotation: the
	// role is replaced, the annotation fargatekit no longer applies is removed,
	// the others' annotation stays.
	newRole := "arn:aws:iam::123456789012:role/irsa/app2"
	got, err = AnnotateServiceAccount(ctx, cs, sa(ns, "existing"), newRole, AnnotateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Annotations[AnnotationRoleARN] != newRole || got.Annotations["team"] != "payments" {
		t.Fatalf("re-applied: %+v", got.Annotations)
	}
	if _, ok := got.Annotations[AnnotationSTSRegionalEndpoints]; ok {
		t.Errorf("regional annotation kept: %+v", got.Annotations)
	}
	// Applying the same thing again changes nothing.
	again, err := AnnotateServiceAccount(ctx, cs, sa(ns, "existing"), newRole, AnnotateOptions{})
	if err != nil || again.ResourceVersion != got.ResourceVersion {
		t.Fatalf("idempotent apply bumped resourceVersion %s -> %s (%v)", got.ResourceVersion, again.ResourceVersion, err)
	}

	// Refusals: nothing is written.
	for _, tc := range []struct {
		sa   ServiceAccount
		role string
		want error
	}{
		{sa(ns, "web-*"), testRoleARN, ErrInvalidServiceAccount},
		{sa(ns, "Bad"), testRoleARN, ErrInvalidServiceAccount},
		{sa(ns, "refused"), "arn:aws:iam::123456789012:policy/x", ErrInvalidRole},
	} {
		if _, err := AnnotateServiceAccount(ctx, cs, tc.sa, tc.role, AnnotateOptions{}); !errors.Is(err, tc.want) {
			t.Errorf("%s %s: %v", tc.sa, tc.role, err)
		}
	}
	if _, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "refused", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("refused account exists: %v", err)
	}
}

func managedBy(sa *corev1.ServiceAccount, manager string) bool {
	return slices.ContainsFunc(sa.ManagedFields, func(m metav1.ManagedFieldsEntry) bool {
		return m.Manager == manager && m.Operation == metav1.ManagedFieldsOperationApply
	})
}

// TestVerifyRealServer asks the real API server for tokens and evaluates
// trust policies against them: one that admits, one that fails on sub, one
// that fails on aud, one that names another provider.
func TestVerifyRealServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	issuer := kubetest.Issuer(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	providerARN, err := ProviderARNFromIssuer("aws", "123456789012", issuer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AnnotateServiceAccount(ctx, cs, sa(ns, "app"), testRoleARN, AnnotateOptions{}); err != nil {
		t.Fatal(err)
	}
	render := func(accounts ...ServiceAccount) string {
		t.Helper()
		p, err := TrustPolicy(providerARN, accounts...)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	admits := render(sa(ns, "app"))
	p, _ := ParseProviderARN(providerARN)
	wrongAud := mustParse(t, admits)
	wrongAud.Statement[0].Condition[opStringEquals][p.ConditionKey("aud")] = iampolicy.Values{"other-audience"}

	tests := []struct {
		name     string
		policy   string
		opts     VerifyOptions
		admitted bool
		failed   []string
		element  string
	}{
		{"admits", admits, VerifyOptions{ProviderARN: providerARN}, true, nil, ""},
		{"admits, provider from the issuer", admits, VerifyOptions{}, true, nil, ""},
		{"wildcard admits", render(sa(ns, "a*")), VerifyOptions{ProviderARN: providerARN}, true, nil, ""},
		{"fails on sub", render(sa(ns, "other")), VerifyOptions{ProviderARN: providerARN}, false, []string{"sub"}, "Condition"},
		{"fails on sub: other namespace", render(sa("kube-system", "app")), VerifyOptions{ProviderARN: providerARN}, false, []string{"sub"}, "Condition"},
		{"fails on aud: policy", wrongAud.String(), VerifyOptions{ProviderARN: providerARN}, false, []string{"aud"}, "Condition"},
		// A token minted for another audience (the server accepts its issuer as one).
		{"fails on aud: token", admits, VerifyOptions{ProviderARN: providerARN, Audience: issuer}, false, []string{"aud"}, "Condition"},
		{"fails on principal", mustParseRender(t, testProviderARN, sa(ns, "app")), VerifyOptions{ProviderARN: providerARN}, false, nil, "Principal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Verify(ctx, cs, sa(ns, "app"), tt.policy, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Claims.Issuer != issuer || res.Claims.Subject != "system:serviceaccount:"+ns+":app" || !res.SignatureVerified {
				t.Errorf("claims %+v, signature verified %v", res.Claims, res.SignatureVerified)
			}
			wantAud := tt.opts.Audience
			if wantAud == "" {
				wantAud = Audience
			}
			if !slices.Equal(res.Claims.Audience, []string{wantAud}) || res.Claims.Expiry.Before(time.Now()) {
				t.Errorf("aud %v exp %v", res.Claims.Audience, res.Claims.Expiry)
			}
			if res.Admitted != tt.admitted || !slices.Equal(res.FailedClaims(), tt.failed) {
				t.Fatalf("admitted %v, failed %v:\n%s", res.Admitted, res.FailedClaims(), res)
			}
			if tt.admitted && res.ProviderARN != providerARN {
				t.Errorf("provider %q", res.ProviderARN)
			}
			if !tt.admitted && (len(res.Failures) == 0 || res.Failures[0].Element != tt.element) {
				t.Errorf("failures %+v", res.Failures)
			}
		})
	}

	// A service account that does not exist, a wildcard, a provider for another issuer.
	if _, err := Verify(ctx, cs, sa(ns, "missing"), admits, VerifyOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("missing account: %v", err)
	}
	if _, err := Verify(ctx, cs, sa(ns, "a*"), admits, VerifyOptions{}); !errors.Is(err, ErrInvalidServiceAccount) {
		t.Errorf("wildcard: %v", err)
	}
	if _, err := Verify(ctx, cs, sa(ns, "app"), admits, VerifyOptions{ProviderARN: testProviderARN}); !errors.Is(err, ErrInvalidProviderARN) {
		t.Errorf("provider of another issuer: %v", err)
	}
}

func TestVerifySignatureRealToken(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	exp := int64(600)
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, "default", tokenRequest(Audience, exp), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := cs.CoreV1().RESTClient().Get().AbsPath("/openid/v1/jwks").DoRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	token := tr.Status.Token
	if err := VerifySignature(token, jwks); err != nil {
		t.Fatalf("real token: %v", err)
	}
	// Tamper with the payload: the signature no longer verifies.
	parts := strings.Split(token, ".")
	c := []byte(parts[1])
	c[len(c)/2] ^= 1
	if err := VerifySignature(parts[0]+"."+string(c)+"."+parts[2], jwks); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("tampered token: %v", err)
	}
	if err := VerifySignature(token, []byte(`{"keys":[]}`)); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("no keys: %v", err)
	}
}
