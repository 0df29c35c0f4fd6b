package irsa

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fargatekit/fargatekit/internal/glob"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

// ErrInvalidToken is wrapped when a service-account token cannot be decoded
// or its signature does not verify.
var ErrInvalidToken = errors.New("invalid token")

// Claims are the claims of a projected service-account token that STS
// evaluates a trust policy against.
type Claims struct {
	// Issuer is "iss", the cluster's OIDC issuer URL.
	Issuer string `json:"iss"`
	// Subject is "sub", system:serviceaccount:<namespace>:<name>.
	Subject string `json:"sub"`
	// Audience is "aud" (a string or a list in the token).
	Audience []string `json:"-"`
	// Expiry is "exp".
	Expiry time.Time `json:"-"`
}

// DecodeClaims decodes the claims of a JWT without verifying its signature
// ([Verify] verifies it against the API server's keys).
func DecodeClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, fmt.Errorf("%w: not a JWT (%d parts)", ErrInvalidToken, len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return Claims{}, fmt.Errorf("%w: payload: %v", ErrInvalidToken, err)
	}
	var raw struct {
		Claims
		Aud json.RawMessage `json:"aud"`
		Exp int64           `json:"exp"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return Claims{}, fmt.Errorf("%w: payload: %v", ErrInvalidToken, err)
	}
	c := raw.Claims
	if len(raw.Aud) > 0 {
		var v iampolicy.Values // a string or a list of strings, like IAM values
		if err := json.Unmarshal(raw.Aud, &v); err != nil {
			return Claims{}, fmt.Errorf("%w: aud: %v", ErrInvalidToken, err)
		}
		c.Audience = v
	}
	if raw.Exp != 0 {
		c.Expiry = time.Unix(raw.Exp, 0).UTC()
	}
	if c.Issuer == "" || c.Subject == "" {
		return Claims{}, fmt.Errorf("%w: no iss or sub claim", ErrInvalidToken)
	}
	return c, nil
}

// Failure says why one statement of a trust policy does not apply to a token.
type Failure struct {
	// Statement is the statement's index in the policy.
	Statement int
	// Element is what failed: "Effect", "Action", "Principal" or "Condition".
	Element string
	// Operator and Key name the failing condition (Element "Condition"), e.g.
	// StringEquals and oidc.eks.../id/X:aud; Claim is the token claim the key
	// reads ("sub", "aud"), "" for a key that is not one of the issuer's.
	Operator, Key, Claim string
	// Want are the policy's values; Got the token's.
	Want, Got []string
}

// String describes the failure in one line.
func (f Failure) String() string {
	if f.Element == "Condition" {
		return fmt.Sprintf("statement %d: condition %s %s: token has %q, policy wants %q", f.Statement, f.Operator, f.Key, f.Got, f.Want)
	}
	return fmt.Sprintf("statement %d: %s: token has %q, policy wants %q", f.Statement, f.Element, f.Got, f.Want)
}

// VerifyResult is the outcome of evaluating a trust policy against a token.
type VerifyResult struct {
	// Claims are the token's claims.
	Claims Claims
	// ProviderARN is the OIDC provider the token was matched as coming from
	// (the caller's, or the Federated principal whose issuer is the token's).
	ProviderARN string
	// SignatureVerified is true when Verify checked the token's signature
	// against the API server's published keys.
	SignatureVerified bool
	// Admitted is true when an Allow statement applies and no Deny does.
	Admitted bool
	// Statement is the index of the admitting statement, or -1.
	Statement int
	// DeniedBy is the index of an applicable Deny statement, or -1.
	DeniedBy int
	// Failures explain, statement by statement, why the Allow statements that
	// do not admit the token fail.
	Failures []Failure
	// token is the projected token Verify requested (a credential: never
	// printed), for VerifyChain's optional sts:AssumeRoleWithWebIdentity.
	token string
}

// FailedClaims lists the claims ("sub", "aud", ...) whose conditions failed,
// without repeats, in the order found.
func (r *VerifyResult) FailedClaims() []string {
	var out []string
	for _, f := range r.Failures {
		if f.Element == "Condition" && f.Claim != "" && !slices.Contains(out, f.Claim) {
			out = append(out, f.Claim)
		}
	}
	return out
}

// String summarises the result in one or more lines.
func (r *VerifyResult) String() string {
	var b strings.Builder
	switch {
	case r.Admitted:
		fmt.Fprintf(&b, "admitted: statement %d admits sub %q aud %q from %s", r.Statement, r.Claims.Subject, r.Claims.Audience, r.Claims.Issuer)
	case r.DeniedBy >= 0:
		fmt.Fprintf(&b, "denied: statement %d (Deny) applies to sub %q", r.DeniedBy, r.Claims.Subject)
	default:
		fmt.Fprintf(&b, "not admitted: no statement admits sub %q aud %q from %s", r.Claims.Subject, r.Claims.Audience, r.Claims.Issuer)
	}
	for _, f := range r.Failures {
		b.WriteString("\n  " + f.String())
	}
	return b.String()
}

// Evaluate says whether the trust policy lets a web-identity token with these
// claims call sts:AssumeRoleWithWebIdentity, and if not, which element or
// condition fails, following IAM's rules: an applicable Deny wins; an Allow
// applies when its action, principal and every condition match. The
// Federated principal must be the provider of the token's issuer: when
// providerARN is given it must be that ARN (and name the token's issuer);
// otherwise any provider ARN whose issuer is the token's matches. Condition
// keys are "<issuer host/path>:sub" and ":aud" (case-insensitive keys);
// supported operators are the String ones (Equals, NotEquals, EqualsIgnoreCase,
// NotEqualsIgnoreCase, Like, NotLike) and Null, with the ForAnyValue: and
// ForAllValues: prefixes and the IfExists suffix. Any other operator fails closed.
func Evaluate(policy string, claims Claims, providerARN string) (*VerifyResult, error) {
	doc, err := iampolicy.Parse([]byte(policy))
	if err != nil {
		return nil, fmt.Errorf("irsa: evaluate: %w", err)
	}
	if err := doc.Validate(); err != nil {
		return nil, fmt.Errorf("irsa: evaluate: %w", err)
	}
	issuer := strings.TrimPrefix(claims.Issuer, "https://")
	if providerARN != "" {
		p, err := ParseProviderARN(providerARN)
		if err != nil {
			return nil, fmt.Errorf("irsa: evaluate: %w", err)
		}
		if p.Issuer != issuer {
			return nil, fmt.Errorf("irsa: evaluate: %w: provider %s is for issuer %s, the token's is %s",
				ErrInvalidProviderARN, providerARN, p.IssuerURL(), claims.Issuer)
		}
	}
	ctx := map[string][]string{
		strings.ToLower(issuer + ":sub"): {claims.Subject},
		strings.ToLower(issuer + ":aud"): claims.Audience,
	}
	res := &VerifyResult{Claims: claims, ProviderARN: providerARN, Statement: -1, DeniedBy: -1}
	for i, st := range doc.Statement {
		fails := evalStatement(i, st, issuer, providerARN, ctx)
		switch {
		case st.Effect == iampolicy.Deny && len(fails) == 0:
			res.DeniedBy = i
		case st.Effect == iampolicy.Allow && len(fails) == 0:
			if res.Statement < 0 {
				res.Statement = i
			}
			if res.ProviderARN == "" {
				res.ProviderARN = matchingFederated(st.Principal, issuer, "")
			}
		case st.Effect == iampolicy.Allow:
			res.Failures = append(res.Failures, fails...)
		}
	}
	res.Admitted = res.Statement >= 0 && res.DeniedBy < 0
	return res, nil
}

// evalStatement returns why the statement does not apply (nil when it does).
func evalStatement(i int, st iampolicy.Statement, issuer, providerARN string, ctx map[string][]string) []Failure {
	action := ActionAssumeRoleWithWebIdentity
	if (len(st.Action) > 0 && !anyGlob(st.Action, action, true)) || (len(st.NotAction) > 0 && anyGlob(st.NotAction, action, true)) {
		want := st.Action
		if len(want) == 0 {
			want = st.NotAction
		}
		return []Failure{{Statement: i, Element: "Action", Want: want, Got: []string{action}}}
	}
	principalOK := st.Principal != nil && (st.Principal.All || matchingFederated(st.Principal, issuer, providerARN) != "")
	if st.NotPrincipal != nil {
		principalOK = !st.NotPrincipal.All && matchingFederated(st.NotPrincipal, issuer, providerARN) == ""
	}
	if !principalOK {
		got := []string{"provider of " + "https://" + issuer}
		if providerARN != "" {
			got = []string{providerARN}
		}
		var want []string
		if st.Principal != nil {
			want = append(want, st.Principal.Federated...)
			want = append(want, st.Principal.AWS...)
			want = append(want, st.Principal.Service...)
		}
		return []Failure{{Statement: i, Element: "Principal", Want: want, Got: got}}
	}
	var fails []Failure
	for _, op := range sortedKeys(st.Condition) {
		for _, key := range sortedKeys(st.Condition[op]) {
			want := st.Condition[op][key]
			got, present := ctx[strings.ToLower(key)]
			if !present || len(got) == 0 {
				got, present = nil, false
			}
			if !evalCondition(op, want, got, present) {
				claim := ""
				if c, ok := strings.CutPrefix(strings.ToLower(key), strings.ToLower(issuer)+":"); ok {
					claim = c
				}
				fails = append(fails, Failure{Statement: i, Element: "Condition", Operator: op, Key: key, Claim: claim, Want: want, Got: got})
			}
		}
	}
	return fails
}

// matchingFederated returns the Federated principal of p that names the
// token's provider, or "".
func matchingFederated(p *iampolicy.Principal, issuer, providerARN string) string {
	if p == nil {
		return ""
	}
	for _, f := range p.Federated {
		if providerARN != "" {
			if f == providerARN {
				return f
			}
			continue
		}
		if prov, err := ParseProviderARN(f); err == nil && prov.Issuer == issuer {
			return f
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// evalCondition evaluates one operator on one key. got holds the request's
// values for the key; present is false when the request has none.
func evalCondition(op string, want, got []string, present bool) bool {
	base, ifExists := strings.CutSuffix(op, "IfExists")
	set := ""
	if q, rest, ok := strings.Cut(base, ":"); ok {
		set, base = q, rest
	}
	if base == "Null" {
		// Null true: the key is absent; false: it is present.
		return len(want) == 1 && strings.EqualFold(want[0], strconv.FormatBool(!present))
	}
	match, negated, known := stringOperator(base)
	if !known || (set != "" && set != "ForAnyValue" && set != "ForAllValues") {
		return false // unsupported: fail closed
	}
	if !present {
		switch {
		case ifExists, set == "ForAllValues":
			return true
		case negated:
			return true
		}
		return false
	}
	matchesAny := func(v string) bool {
		for _, w := range want {
			if match(w, v) {
				return true
			}
		}
		return false
	}
	test := func(v string) bool { return matchesAny(v) != negated }
	switch set {
	case "ForAllValues":
		for _, v := range got {
			if !test(v) {
				return false
			}
		}
		return true
	case "ForAnyValue":
		return slices.ContainsFunc(got, test)
	}
	// Single-valued use: a positive operator needs some value to match, a
	// negated one needs no value to match.
	if negated {
		return !slices.ContainsFunc(got, matchesAny)
	}
	return slices.ContainsFunc(got, matchesAny)
}

// stringOperator returns the matcher of a String condition operator (want,
// got), whether the operator is negated, and whether it is known.
func stringOperator(op string) (func(want, got string) bool, bool, bool) {
	equal := func(w, g string) bool { return w == g }
	fold := strings.EqualFold
	like := glob.Match
	switch op {
	case "StringEquals":
		return equal, false, true
	case "StringNotEquals":
		return equal, true, true
	case "StringEqualsIgnoreCase":
		return fold, false, true
	case "StringNotEqualsIgnoreCase":
		return fold, true, true
	case "StringLike":
		return like, false, true
	case "StringNotLike":
		return like, true, true
	}
	return nil, false, false
}

// anyGlob reports whether s matches one of the IAM patterns (* and ?),
// ignoring case when fold is set (action names).
func anyGlob(patterns []string, s string, fold bool) bool {
	match := glob.Match
	if fold {
		match = glob.MatchFold
	}
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}
