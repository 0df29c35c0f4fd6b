package irsa

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/mototest"
)

// motoIAM returns the real IAM client on a moto_server of the test's own.
func motoIAM(t *testing.T) *iam.Client {
	t.Helper()
	return iam.NewFromConfig(mototest.New(t).Config("us-east-1"))
}

// Each broken link of the chain is named, on the real API server's tokens
// and moto's IAM through the real IAM client.
func TestVerifyChainRealServerAndMoto(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	issuer := kubetest.Issuer(t, cfg)
	moto := mototest.New(t)
	api := iam.NewFromConfig(moto.Config("us-east-1"))
	stsAPI := sts.NewFromConfig(moto.Config("us-east-1"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	prov, err := api.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(issuer), ClientIDList: []string{Audience}, ThumbprintList: []string{strings.Repeat("a", 40)}})
	if err != nil {
		t.Fatal(err)
	}
	providerARN := aws.ToString(prov.OpenIDConnectProviderArn)
	mkRole := func(name, trust string) string {
		out, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Role.Arn)
	}
	app, other, bare := sa(ns, "app"), sa(ns, "other"), sa(ns, "bare")
	trustApp, err := TrustPolicy(providerARN, app)
	if err != nil {
		t.Fatal(err)
	}
	trustOther, _ := TrustPolicy(providerARN, other)
	appRole := mkRole("app", trustApp)
	otherRole := mkRole("other", trustOther)
	// The audience is not the token's: a policy another tool wrote by hand.
	badAud := strings.ReplaceAll(trustApp, `:aud":"sts.amazonaws.com"`, `:aud":"sts.example.com"`)
	badAudRole := mkRole("bad-aud", badAud)
	missingRole := "arn:aws:iam::123456789012:role/missing"

	for _, a := range []struct {
		sa   ServiceAccount
		role string
	}{{app, appRole}, {other, appRole}} {
		if _, err := AnnotateServiceAccount(ctx, cs, a.sa, a.role, AnnotateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := AnnotateServiceAccount(ctx, cs, sa(ns, "bad-aud"), badAudRole, AnnotateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := AnnotateServiceAccount(ctx, cs, sa(ns, "ghost"), missingRole, AnnotateOptions{}); err != nil {
		t.Fatal(err)
	}
	// bare: a ServiceAccount without the annotation.
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: bare.Name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		sa     ServiceAccount
		opts   ChainOptions
		broken Link
		detail string
	}{
		{"whole chain holds", app, ChainOptions{}, "", ""},
		{"whole chain holds with the expected role", app, ChainOptions{RoleARN: appRole}, "", ""},
		{"no such service account", sa(ns, "missing"), ChainOptions{}, LinkServiceAccount, "does not exist"},
		{"no annotation", bare, ChainOptions{}, LinkAnnotation, "no eks.amazonaws.com/role-arn"},
		{"no annotation, role given", bare, ChainOptions{RoleARN: appRole}, LinkAnnotation, "no eks.amazonaws.com/role-arn"},
		{"another role's annotation", app, ChainOptions{RoleARN: otherRole}, LinkAnnotation, "not " + otherRole},
		{"role missing in IAM", sa(ns, "ghost"), ChainOptions{}, LinkRole, "does not exist"},
		// other is annotated with app's role, whose trust admits only app.
		{"trust does not admit the subject", other, ChainOptions{}, LinkTrust, ":sub"},
		{"trust wants another audience", sa(ns, "bad-aud"), ChainOptions{}, LinkTrust, ":aud"},
		// With STS (moto's, through the real client): the token exchanged.
		{"STS grants the role", app, ChainOptions{STS: stsAPI}, "", ""},
		{"STS not asked after a broken link", other, ChainOptions{STS: stsAPI}, LinkTrust, ":sub"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := VerifyChain(ctx, cs, api, tt.sa, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.opts.STS == nil {
				checkBroken(t, res, tt.broken, tt.detail)
				return
			}
			last := res.Links[len(res.Links)-1]
			res.Links = res.Links[:len(res.Links)-1]
			checkBroken(t, res, tt.broken, tt.detail)
			want := LinkOK
			if tt.broken != "" {
				want = LinkSkipped
			}
			if last.Link != LinkAssume || last.Status != want {
				t.Errorf("last link %s %s (%s), want %s %s", last.Link, last.Status, last.Detail, LinkAssume, want)
			}
			if want == LinkOK && !strings.Contains(last.Detail, "assumed-role/app/"+AssumeSessionName) {
				t.Errorf("assume detail: %s", last.Detail)
			}
		})
	}

	// The provider's links: client ID missing (moto lacks RemoveClientID:
	// the provider is made again without it), then the provider gone.
	if _, err := api.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &providerARN}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(issuer), ClientIDList: []string{"other-client"}, ThumbprintList: []string{strings.Repeat("a", 40)}}); err != nil {
		t.Fatal(err)
	}
	res, err := VerifyChain(ctx, cs, api, app, ChainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkBroken(t, res, LinkClientID, "without sts.amazonaws.com")
	if res.ProviderARN != providerARN {
		t.Errorf("provider %q, want %q", res.ProviderARN, providerARN)
	}
	if _, err := api.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &providerARN}); err != nil {
		t.Fatal(err)
	}
	res, err = VerifyChain(ctx, cs, api, app, ChainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkBroken(t, res, LinkOIDCProvider, "no IAM OIDC provider")
	var ble *BrokenLinkError
	if err := res.Err(); !errors.Is(err, ErrChainBroken) || !errors.As(err, &ble) || ble.Link != LinkOIDCProvider {
		t.Errorf("Err() = %v", err)
	}

	// Offline: a given policy and no IAM client; the IAM links are skipped.
	res, err = VerifyChain(ctx, cs, nil, app, ChainOptions{Policy: trustApp})
	if err != nil {
		t.Fatal(err)
	}
	checkBroken(t, res, "", "")
	for _, l := range res.Links {
		if want := map[Link]bool{LinkRole: true, LinkOIDCProvider: true, LinkClientID: true}[l.Link]; want != (l.Status == LinkSkipped) {
			t.Errorf("offline: %s %s", l.Link, l.Status)
		}
	}
	// Refusals before any call.
	if _, err := VerifyChain(ctx, cs, nil, app, ChainOptions{}); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("no IAM, no policy: %v", err)
	}
	if _, err := VerifyChain(ctx, cs, api, app, ChainOptions{RoleARN: "role/x"}); !errors.Is(err, ErrInvalidRole) {
		t.Errorf("bad role ARN: %v", err)
	}
}

// checkBroken asserts the first broken link (none when want is "") and that
// the links come in chain order, six of them.
func checkBroken(t *testing.T, res *ChainResult, want Link, detail string) {
	t.Helper()
	order := []Link{LinkServiceAccount, LinkAnnotation, LinkRole, LinkTrust, LinkOIDCProvider, LinkClientID}
	if len(res.Links) != len(order) {
		t.Fatalf("%d links:\n%s", len(res.Links), res)
	}
	for i, l := range res.Links {
		if l.Link != order[i] {
			t.Fatalf("link %d is %s:\n%s", i, l.Link, res)
		}
	}
	b := res.Broken()
	switch {
	case want == "" && b != nil:
		t.Fatalf("broken %s:\n%s", b.Link, res)
	case want == "":
		if !res.OK() || res.Err() != nil {
			t.Fatalf("not OK:\n%s", res)
		}
	case b == nil || b.Link != want:
		t.Fatalf("want %s broken:\n%s", want, res)
	case !strings.Contains(b.Detail, detail):
		t.Fatalf("detail %q lacks %q", b.Detail, detail)
	}
}

// stsAnswer is an STSAPI answering one error: STS's refusals are told apart
// from failures to ask (moto grants every exchange, so its refusals cannot be
// had from it).
type stsAnswer struct{ err error }

func (s stsAnswer) AssumeRoleWithWebIdentity(context.Context, *sts.AssumeRoleWithWebIdentityInput, ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return nil, s.err
}

func TestAssumeClassifiesSTSErrors(t *testing.T) {
	for _, tt := range []struct {
		err    error
		status LinkStatus
		fails  bool
	}{
		{&smithy.GenericAPIError{Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithWebIdentity"}, LinkBroken, false},
		{&smithy.GenericAPIError{Code: "InvalidIdentityToken", Message: "No OpenIDConnect provider found in your account for https://x"}, LinkBroken, false},
		{&smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}, "", true},
		{errors.New("dial tcp: connection refused"), "", true},
	} {
		r := &ChainResult{RoleARN: "arn:aws:iam::123456789012:role/app"}
		add := func(l Link, st LinkStatus, format string, a ...any) {
			r.Links = append(r.Links, LinkResult{Link: l, Status: st, Detail: fmt.Sprintf(format, a...)})
		}
		err := assume(context.Background(), r, stsAnswer{tt.err}, "token", add)
		if (err != nil) != tt.fails {
			t.Errorf("%v: err %v", tt.err, err)
		}
		if tt.fails {
			continue
		}
		if len(r.Links) != 1 || r.Links[0].Status != tt.status || !strings.Contains(r.Links[0].Detail, tt.err.(smithy.APIError).ErrorCode()) {
			t.Errorf("%v: links %+v", tt.err, r.Links)
		}
	}
}
