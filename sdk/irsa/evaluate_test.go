package irsa

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

var webClaims = Claims{Issuer: "https://" + testIssuer, Subject: "system:serviceaccount:apps:web", Audience: []string{Audience}}

// withCondition returns the policy with its first statement's conditions replaced.
func withCondition(t *testing.T, policy string, c iampolicy.Condition) string {
	t.Helper()
	d := mustParse(t, policy)
	d.Statement[0].Condition = c
	return d.String()
}

func TestEvaluate(t *testing.T) {
	base, _ := TrustPolicy(testProviderARN, sa("apps", "web"))
	sub, aud := testIssuer+":sub", testIssuer+":aud"
	cond := func(c iampolicy.Condition) string { return withCondition(t, base, c) }
	withStatement := func(f func(st *iampolicy.Statement)) string {
		d := mustParse(t, base)
		f(&d.Statement[0])
		return d.String()
	}
	mustRender := func(accounts ...ServiceAccount) string {
		p, err := TrustPolicy(testProviderARN, accounts...)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name        string
		policy      string
		claims      Claims
		providerARN string
		admitted    bool
		failed      []string // FailedClaims
		element     string   // Element of the first failure, when not admitted
	}{
		{"exact", base, webClaims, "", true, nil, ""},
		{"exact, provider pinned", base, webClaims, testProviderARN, true, nil, ""},
		{"several accounts", mustRender(sa("apps", "api"), sa("apps", "web")), webClaims, "", true, nil, ""},
		{"other name", mustRender(sa("apps", "api")), webClaims, "", false, []string{"sub"}, "Condition"},
		{"other namespace", mustRender(sa("batch", "web")), webClaims, "", false, []string{"sub"}, "Condition"},
		{"star", mustRender(sa("apps", "w*")), webClaims, "", true, nil, ""},
		{"question marks", mustRender(sa("apps", "w??")), webClaims, "", true, nil, ""},
		{"question mark too few", mustRender(sa("apps", "w?")), webClaims, "", false, []string{"sub"}, "Condition"},
		// A '*' in the pattern stays a wildcard where the token holds a literal
		// '*' (the matcher used to let the literal eat it: found in eksfargate by
		// FuzzWildcardMatch, now internal/glob's FuzzMatch).
		{"star before a literal star in the token", mustRender(sa("apps", "*")),
			Claims{Issuer: webClaims.Issuer, Subject: "system:serviceaccount:apps:*web", Audience: []string{Audience}}, "", true, nil, ""},
		{"StringNotLike against a literal star in the token", cond(iampolicy.Condition{"StringNotLike": {sub: {"*:kube-system:*"}}}),
			Claims{Issuer: webClaims.Issuer, Subject: "system:serviceaccount:kube-system:*x", Audience: []string{Audience}}, "", false, []string{"sub"}, "Condition"},
		{"wrong audience in token", base, Claims{Issuer: webClaims.Issuer, Subject: webClaims.Subject, Audience: []string{"other"}}, "", false, []string{"aud"}, "Condition"},
		// The rendered wildcard policy keeps aud exact: a wildcard on sub does not
		// let a token minted for another audience through.
		{"wildcard policy, wrong audience", mustRender(sa("apps", "*")), Claims{Issuer: webClaims.Issuer, Subject: webClaims.Subject, Audience: []string{"sts.amazonaws.com.evil"}}, "", false, []string{"aud"}, "Condition"},
		// What a shared StringLike operator with aud "*" would do: admit anything.
		{"shared StringLike (the anti-pattern)", cond(iampolicy.Condition{"StringLike": {sub: {"system:serviceaccount:apps:*"}, aud: {"*"}}}),
			Claims{Issuer: webClaims.Issuer, Subject: webClaims.Subject, Audience: []string{"anything"}}, "", true, nil, ""},
		{"no aud claim", base, Claims{Issuer: webClaims.Issuer, Subject: webClaims.Subject}, "", false, []string{"aud"}, "Condition"},
		{"policy wants other aud", cond(iampolicy.Condition{"StringEquals": {sub: {webClaims.Subject}, aud: {"other"}}}), webClaims, "", false, []string{"aud"}, "Condition"},
		{"sub and aud both fail", cond(iampolicy.Condition{"StringEquals": {sub: {"x"}, aud: {"other"}}}), webClaims, "", false, []string{"aud", "sub"}, "Condition"},
		{"condition keys are case-insensitive", cond(iampolicy.Condition{"StringEquals": {strings.ToUpper(sub[:10]) + sub[10:]: {webClaims.Subject}}}), webClaims, "", true, nil, ""},
		{"other issuer's provider", mustParseRender(t, testProviderARN2, sa("apps", "web")), webClaims, "", false, nil, "Principal"},
		{"pinned provider of another account", strings.ReplaceAll(base, "123456789012", "210987654321"), webClaims,
			testProviderARN, false, nil, "Principal"},
		{"any provider of the issuer when not pinned", strings.ReplaceAll(base, "123456789012", "210987654321"), webClaims, "", true, nil, ""},
		{"action AssumeRole only", withStatement(func(st *iampolicy.Statement) { st.Action = iampolicy.Values{"sts:AssumeRole"} }), webClaims, "", false, nil, "Action"},
		{"action sts:*", withStatement(func(st *iampolicy.Statement) { st.Action = iampolicy.Values{"STS:*"} }), webClaims, "", true, nil, ""},
		{"NotAction", withStatement(func(st *iampolicy.Statement) {
			st.Action, st.NotAction = nil, iampolicy.Values{"sts:AssumeRoleWithWebIdentity"}
		}), webClaims, "", false, nil, "Action"},
		{"principal *", withStatement(func(st *iampolicy.Statement) { st.Principal = &iampolicy.Principal{All: true} }), webClaims, "", true, nil, ""},
		{"service principal", withStatement(func(st *iampolicy.Statement) {
			st.Principal = &iampolicy.Principal{Service: iampolicy.Values{"pods.eks.amazonaws.com"}}
		}), webClaims, "", false, nil, "Principal"},
		{"StringEqualsIgnoreCase", cond(iampolicy.Condition{"StringEqualsIgnoreCase": {sub: {"SYSTEM:serviceaccount:apps:WEB"}}}), webClaims, "", true, nil, ""},
		{"StringNotEquals", cond(iampolicy.Condition{"StringNotEquals": {sub: {"system:serviceaccount:apps:api"}}}), webClaims, "", true, nil, ""},
		{"StringNotEquals fails", cond(iampolicy.Condition{"StringNotEquals": {sub: {webClaims.Subject}}}), webClaims, "", false, []string{"sub"}, "Condition"},
		{"StringNotLike", cond(iampolicy.Condition{"StringNotLike": {sub: {"*:kube-system:*"}}}), webClaims, "", true, nil, ""},
		{"StringNotEqualsIgnoreCase", cond(iampolicy.Condition{"StringNotEqualsIgnoreCase": {sub: {strings.ToUpper(webClaims.Subject)}}}), webClaims, "", false, []string{"sub"}, "Condition"},
		{"Null false on present key", cond(iampolicy.Condition{"Null": {aud: {"false"}}}), webClaims, "", true, nil, ""},
		{"Null true on present key", cond(iampolicy.Condition{"Null": {aud: {"true"}}}), webClaims, "", false, []string{"aud"}, "Condition"},
		{"unknown key", cond(iampolicy.Condition{"StringEquals": {testIssuer + ":amr": {"x"}}}), webClaims, "", false, []string{"amr"}, "Condition"},
		{"key of another issuer", cond(iampolicy.Condition{"StringEquals": {"example.com:sub": {webClaims.Subject}}}), webClaims, "", false, nil, "Condition"},
		{"unknown key IfExists", cond(iampolicy.Condition{"StringEqualsIfExists": {testIssuer + ":amr": {"x"}}}), webClaims, "", true, nil, ""},
		{"ForAnyValue", cond(iampolicy.Condition{"ForAnyValue:StringLike": {aud: {"sts.*"}}}), Claims{Issuer: webClaims.Issuer, Subject: webClaims.Subject, Audience: []string{"x", Audience}}, "", true, nil, ""},
		{"ForAllValues", cond(iampolicy.Condition{"ForAllValues:StringEquals": {aud: {Audience}}}), Claims{Issuer: webClaims.Issuer, Subject: webClaims.Subject, Audience: []string{"x", Audience}}, "", false, []string{"aud"}, "Condition"},
		{"unsupported operator fails closed", cond(iampolicy.Condition{"NumericEquals": {aud: {"1"}}}), webClaims, "", false, []string{"aud"}, "Condition"},
		{"Deny wins", mustParse(t, base).String()[:len(base)-2] + `,{"Effect":"Deny","Principal":"*","Action":"sts:*"}]}`, webClaims, "", false, nil, ""},
		{"second statement admits", mustParseRender2(t), webClaims, "", true, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Evaluate(tt.policy, tt.claims, tt.providerARN)
			if err != nil {
				t.Fatal(err)
			}
			if res.Admitted != tt.admitted {
				t.Fatalf("admitted = %v\n%s\npolicy %s", res.Admitted, res, tt.policy)
			}
			if got := res.FailedClaims(); !slices.Equal(got, tt.failed) {
				t.Errorf("failed claims %v, want %v\n%s", got, tt.failed, res)
			}
			if tt.admitted {
				if res.Statement < 0 || (len(res.Failures) != 0) != (tt.name == "second statement admits") {
					t.Errorf("admitted result: %+v", res)
				}
				if !strings.HasPrefix(res.String(), "admitted") {
					t.Errorf("String: %s", res)
				}
				return
			}
			if tt.element != "" && (len(res.Failures) == 0 || res.Failures[0].Element != tt.element) {
				t.Errorf("failures %+v, want element %s", res.Failures, tt.element)
			}
			if tt.element == "" && res.DeniedBy != 1 {
				t.Errorf("DeniedBy = %d", res.DeniedBy)
			}
		})
	}
}

func mustParseRender(t *testing.T, arn string, accounts ...ServiceAccount) string {
	t.Helper()
	p, err := TrustPolicy(arn, accounts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mustParseRender2: two clusters, the token's is the second statement.
func mustParseRender2(t *testing.T) string {
	t.Helper()
	p, err := TrustSpec{Providers: []ProviderAccounts{{testProviderARN2, []ServiceAccount{sa("apps", "web")}}, {testProviderARN, []ServiceAccount{sa("apps", "web")}}}}.Render()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvaluateErrors(t *testing.T) {
	base, _ := TrustPolicy(testProviderARN, sa("apps", "web"))
	if _, err := Evaluate("{", webClaims, ""); !errors.Is(err, iampolicy.ErrInvalid) {
		t.Errorf("bad JSON: %v", err)
	}
	if _, err := Evaluate(`{"Statement":[]}`, webClaims, ""); err == nil {
		t.Error("empty policy accepted")
	}
	if _, err := Evaluate(base, webClaims, testProviderARN2); !errors.Is(err, ErrInvalidProviderARN) {
		t.Errorf("provider of another issuer: %v", err)
	}
	if _, err := Evaluate(base, webClaims, "nope"); !errors.Is(err, ErrInvalidProviderARN) {
		t.Errorf("bad provider: %v", err)
	}
}

func jwt(payload any) string {
	b, _ := json.Marshal(payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + enc.EncodeToString(b) + "." + enc.EncodeToString([]byte("sig"))
}

func TestDecodeClaims(t *testing.T) {
	c, err := DecodeClaims(jwt(map[string]any{"iss": "https://i", "sub": "s", "aud": "a", "exp": 1700000000}))
	if err != nil || c.Issuer != "https://i" || c.Subject != "s" || !slices.Equal(c.Audience, []string{"a"}) || c.Expiry.Unix() != 1700000000 {
		t.Fatalf("%+v %v", c, err)
	}
	c, err = DecodeClaims(jwt(map[string]any{"iss": "https://i", "sub": "s", "aud": []string{"a", "b"}}))
	if err != nil || !slices.Equal(c.Audience, []string{"a", "b"}) {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range []string{"", "a.b", "a.!!!.c", jwt(map[string]any{"sub": "s"}), jwt(map[string]any{"iss": "i", "sub": "s", "aud": map[string]any{"x": 1}}), jwt("x")} {
		if _, err := DecodeClaims(bad); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("DecodeClaims(%q) = %v", bad, err)
		}
	}
}

func FuzzDecodeClaims(f *testing.F) {
	f.Add(jwt(map[string]any{"iss": "https://i", "sub": "s", "aud": "a"}))
	f.Add(jwt(map[string]any{"iss": "https://i", "sub": "s", "aud": []any{"a", 1, true}}))
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := DecodeClaims(token)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("%q: %v", token, err)
			}
			return
		}
		if c.Issuer == "" || c.Subject == "" {
			t.Fatalf("%q: accepted without iss/sub: %+v", token, c)
		}
		// Whatever decodes can be evaluated without error or panic.
		policy, _ := TrustPolicy(testProviderARN, sa("apps", "web"))
		if _, err := Evaluate(policy, c, ""); err != nil {
			t.Fatalf("%q: %v", token, err)
		}
	})
}
