package irsa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/fargatekit/fargatekit/internal/awsfake"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

const (
	policyRO       = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	policyLBC      = "arn:aws:iam::123456789012:policy/lbc"
	policyBoundary = "arn:aws:iam::123456789012:policy/boundary"
	policyOther    = "arn:aws:iam::123456789012:policy/other"
	inlineS3       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`
)

// noWait is an injected backoff that records the attempts and does not sleep.
type noWait struct{ attempts []int }

func (n *noWait) backoff(attempt int) time.Duration {
	n.attempts = append(n.attempts, attempt)
	return 0
}

func testRoleSpec() RoleSpec {
	return RoleSpec{
		Name:                "lbc",
		Trust:               one(testProviderARN, sa("kube-system", "aws-load-balancer-controller")),
		RoleSettings:        RoleSettings{Path: "/irsa/", Description: "LBC", MaxSessionDuration: 7200, Tags: map[string]string{"team": "platform", "env": "test"}},
		PermissionsBoundary: policyBoundary,
		PolicyARNs:          []string{policyRO, policyLBC},
		InlinePolicies:      map[string]string{"s3": inlineS3},
		Authoritative:       true,
	}
}

// newFakeIAM returns the shared IAM fake for the test account.
func newFakeIAM() *awsfake.IAM { return awsfake.NewIAM("123456789012") }

// seededFake is newFakeIAM with the managed policies the tests attach.
func seededFake() *awsfake.IAM {
	f := newFakeIAM()
	f.AddPolicies(policyRO, policyLBC, policyBoundary, policyOther)
	return f
}

var (
	_ RoleAPI         = (*awsfake.IAM)(nil)
	_ OIDCProviderAPI = (*awsfake.IAM)(nil)
)

func TestEnsureRoleCreatesThenMakesNoWrites(t *testing.T) {
	ctx := context.Background()
	f := seededFake()
	f.RoleLag = 2                        // the new role is invisible to its next two calls
	f.LagPrincipals[testProviderARN] = 2 // the OIDC provider was created moments ago
	f.PageSize = 1                       // every list is paginated
	var logs bytes.Buffer
	w := &noWait{}
	opts := Options{Logger: slog.New(slog.NewTextHandler(&logs, nil)), Backoff: w.backoff}
	spec := testRoleSpec()

	res, err := EnsureRole(ctx, f, spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.ARN != "arn:aws:iam::123456789012:role/irsa/lbc" {
		t.Fatalf("result %+v", res)
	}
	// Two refusals of the principal, then two NoSuchEntity on the new role.
	if !slices.Equal(w.attempts, []int{1, 2, 1, 2}) {
		t.Errorf("backoff attempts %v", w.attempts)
	}
	r := f.Roles["lbc"]
	trust, _ := spec.Trust.Render()
	if r.Trust != trust || r.Path != "/irsa/" || r.Description != "LBC" || r.MaxSessionDuration != 7200 || r.Boundary != policyBoundary ||
		r.Tags["team"] != "platform" || !slices.Equal(r.Attached, []string{policyRO, policyLBC}) || r.Inline["s3"] != inlineS3 {
		t.Fatalf("role state %+v", r)
	}
	if !strings.Contains(logs.String(), "eventual consistency") || !strings.Contains(logs.String(), "CreateRole") {
		t.Errorf("progress not logged:\n%s", logs.String())
	}

	before := f.WriteCount()
	res, err = EnsureRole(ctx, f, spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.WriteCount() - before; n != 0 || len(res.Changes) != 0 || res.Created {
		t.Fatalf("second EnsureRole made %d writes: %v (%v)", n, res.Changes, f.Writes[before:])
	}
	if res.ARN != "arn:aws:iam::123456789012:role/irsa/lbc" {
		t.Errorf("ARN %q", res.ARN)
	}
}

func TestEnsureRoleConverges(t *testing.T) {
	other := one(testProviderARN2, sa("apps", "web"))
	otherTrust, _ := other.Render()
	// The same inline policy written differently (whitespace, list vs string): no write.
	inlineS3Loose := `{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Action": ["s3:ListAllMyBuckets"], "Resource": ["*"] } }`
	tests := []struct {
		name   string
		seed   func(r *awsfake.Role)
		writes []string
	}{
		{"already converged", func(*awsfake.Role) {}, nil},
		{"equivalent documents", func(r *awsfake.Role) {
			d, _ := iampolicy.Parse([]byte(r.Trust))
			d.Statement[0].Condition[opStringEquals][testIssuer+":sub"] = iampolicy.Values{"system:serviceaccount:kube-system:aws-load-balancer-controller", "system:serviceaccount:kube-system:aws-load-balancer-controller"}
			b, _ := d.Indent()
			r.Trust = string(b)
			r.Inline["s3"] = inlineS3Loose
		}, nil},
		{"trust drift", func(r *awsfake.Role) { r.Trust = otherTrust }, []string{"UpdateAssumeRolePolicy"}},
		{"description drift keeps max session", func(r *awsfake.Role) { r.Description = "old" }, []string{"UpdateRole"}},
		{"max session drift", func(r *awsfake.Role) { r.MaxSessionDuration = 3600 }, []string{"UpdateRole"}},
		{"boundary removed", func(r *awsfake.Role) { r.Boundary = "" }, []string{"PutRolePermissionsBoundary"}},
		{"boundary changed", func(r *awsfake.Role) { r.Boundary = policyOther }, []string{"PutRolePermissionsBoundary"}},
		{"tags drift", func(r *awsfake.Role) { r.Tags["team"] = "old"; r.Tags["stray"] = "x"; delete(r.Tags, "env") }, []string{"TagRole", "UntagRole"}},
		{"attachment missing", func(r *awsfake.Role) { r.Attached = []string{policyRO} }, []string{"AttachRolePolicy"}},
		{"extra attachment", func(r *awsfake.Role) { r.Attached = append(r.Attached, policyOther) }, []string{"DetachRolePolicy"}},
		{"inline changed", func(r *awsfake.Role) { r.Inline["s3"] = strings.Replace(inlineS3, "ListAllMyBuckets", "GetObject", 1) }, []string{"PutRolePolicy"}},
		{"inline missing and extra", func(r *awsfake.Role) { delete(r.Inline, "s3"); r.Inline["stray"] = inlineS3 }, []string{"PutRolePolicy", "DeleteRolePolicy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := seededFake()
			spec := testRoleSpec()
			if _, err := EnsureRole(ctx, f, spec, Options{}); err != nil {
				t.Fatal(err)
			}
			tt.seed(f.Roles["lbc"])
			before := f.WriteCount()
			res, err := EnsureRole(ctx, f, spec, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Writes[before:]; !slices.Equal(got, tt.writes) {
				t.Fatalf("writes %v, want %v (changes %v)", got, tt.writes, res.Changes)
			}
			if len(res.Changes) != len(tt.writes) {
				t.Errorf("changes %v", res.Changes)
			}
			r := f.Roles["lbc"]
			trust, _ := spec.Trust.Render()
			if d, _ := decodePolicy(r.Trust); !iampolicy.Equivalent(d, mustParse(t, trust)) || r.MaxSessionDuration != 7200 || r.Description != "LBC" ||
				r.Boundary != policyBoundary || len(r.Tags) != 2 || r.Tags["team"] != "platform" || r.Tags["env"] != "test" ||
				!sameSet(r.Attached, spec.PolicyARNs) || len(r.Inline) != 1 {
				t.Fatalf("not converged: %+v", r)
			}
			before = f.WriteCount()
			if _, err := EnsureRole(ctx, f, spec, Options{}); err != nil || f.WriteCount() != before {
				t.Fatalf("third run: %v, writes %v", err, f.Writes[before:])
			}
		})
	}
}

func mustParse(t *testing.T, s string) iampolicy.Document {
	t.Helper()
	d, err := iampolicy.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func TestEnsureRoleBoundaryDropped(t *testing.T) {
	ctx := context.Background()
	f := seededFake()
	spec := testRoleSpec()
	if _, err := EnsureRole(ctx, f, spec, Options{}); err != nil {
		t.Fatal(err)
	}
	spec.PermissionsBoundary = ""
	spec.Description = ""
	spec.MaxSessionDuration = 0
	spec.PolicyARNs = nil
	spec.InlinePolicies = nil
	spec.Tags = nil
	res, err := EnsureRole(ctx, f, spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := f.Roles["lbc"]
	if r.Boundary != "" || r.Description != "" || r.MaxSessionDuration != 3600 || len(r.Attached) != 0 || len(r.Inline) != 0 || len(r.Tags) != 0 {
		t.Fatalf("not converged to the bare role: %+v (changes %v)", r, res.Changes)
	}
	before := f.WriteCount()
	if _, err := EnsureRole(ctx, f, spec, Options{}); err != nil || f.WriteCount() != before {
		t.Fatalf("second run: %v, writes %v", err, f.Writes[before:])
	}
}

func TestEnsureRoleQuota(t *testing.T) {
	// A policy between 2048 and 4096 characters: the spec claims a raised
	// quota, the account has the default one, and IAM says LimitExceeded.
	var accounts []ServiceAccount
	for i := range 45 {
		accounts = append(accounts, sa("apps", fmt.Sprintf("service-account-%02d", i)))
	}
	spec := RoleSpec{Name: "big", Trust: TrustSpec{MaxSize: 4096, Providers: one(testProviderARN, accounts...).Providers}}
	doc, err := spec.Trust.Document()
	if err != nil {
		t.Fatal(err)
	}
	size, _ := doc.Size()
	if size <= 2048 || size > 4096 {
		t.Fatalf("test policy is %d characters", size)
	}
	for _, existing := range []bool{false, true} {
		f := seededFake()
		if existing {
			small := RoleSpec{Name: "big", Trust: one(testProviderARN, sa("apps", "x"))}
			if _, err := EnsureRole(context.Background(), f, small, Options{}); err != nil {
				t.Fatal(err)
			}
		}
		before := f.WriteCount()
		_, err := EnsureRole(context.Background(), f, spec, Options{Backoff: (&noWait{}).backoff})
		var tooLarge *PolicyTooLargeError
		if !errors.Is(err, ErrPolicyTooLarge) || !errors.As(err, &tooLarge) || tooLarge.Limit != 2048 || tooLarge.Size != size {
			t.Fatalf("existing=%v: err = %v", existing, err)
		}
		var lim *types.LimitExceededException
		if !errors.As(err, &lim) {
			t.Errorf("IAM's error not kept: %v", err)
		}
		if f.WriteCount() != before {
			t.Errorf("existing=%v: writes %v", existing, f.Writes[before:])
		}
	}
	// With the account's quota raised, the same spec goes through.
	f := seededFake()
	f.Quota = 4096
	if _, err := EnsureRole(context.Background(), f, spec, Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestEnsureRoleRetriesRunOut(t *testing.T) {
	f := seededFake()
	f.LagPrincipals[testProviderARN] = 100
	w := &noWait{}
	_, err := EnsureRole(context.Background(), f, RoleSpec{Name: "r", Trust: one(testProviderARN, sa("a", "b"))}, Options{Attempts: 3, Backoff: w.backoff})
	var mal *types.MalformedPolicyDocumentException
	if !errors.As(err, &mal) || !slices.Equal(w.attempts, []int{1, 2}) || f.WriteCount() != 0 {
		t.Fatalf("err %v, attempts %v, writes %v", err, w.attempts, f.Writes)
	}
	// A cancelled context ends the wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = EnsureRole(ctx, f, RoleSpec{Name: "r", Trust: one(testProviderARN, sa("a", "b"))},
		Options{Backoff: func(int) time.Duration { return time.Hour }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestEnsureRoleMissingPolicyNotRetried(t *testing.T) {
	f := seededFake()
	w := &noWait{}
	spec := RoleSpec{Name: "r", Trust: one(testProviderARN, sa("a", "b")), PolicyARNs: []string{"arn:aws:iam::123456789012:policy/missing"}}
	_, err := EnsureRole(context.Background(), f, spec, Options{Backoff: w.backoff})
	var nse *types.NoSuchEntityException
	if !errors.As(err, &nse) || len(w.attempts) != 0 || !strings.Contains(err.Error(), "AttachRolePolicy") {
		t.Fatalf("err %v, attempts %v", err, w.attempts)
	}
}

func TestEnsureRoleCreatedConcurrently(t *testing.T) {
	f := seededFake()
	spec := testRoleSpec()
	if _, err := EnsureRole(context.Background(), f, spec, Options{}); err != nil {
		t.Fatal(err)
	}
	// Another creator: GetRole does not see it yet, CreateRole says it exists.
	f.Lag["lbc"] = 1
	f.Roles["lbc"].Description = "theirs"
	res, err := EnsureRole(context.Background(), f, spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || f.Roles["lbc"].Description != "LBC" || !slices.Contains(f.Calls, "CreateRole") {
		t.Fatalf("result %+v, role %+v, calls %v", res, f.Roles["lbc"], f.Calls)
	}
}

func TestEnsureRoleRefusals(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*RoleSpec)
		want   error
	}{
		{"bad name", func(s *RoleSpec) { s.Name = "has space" }, ErrInvalidRole},
		{"bad trust", func(s *RoleSpec) { s.Trust = one("", sa("a", "b")) }, ErrInvalidProviderARN},
		{"bad assume role policy", func(s *RoleSpec) { s.AssumeRolePolicy = `{"Statement":[]}` }, ErrInvalidRole},
		{"bad inline", func(s *RoleSpec) { s.InlinePolicies = map[string]string{"x": "{"} }, ErrInvalidRole},
		{"bad inline name", func(s *RoleSpec) { s.InlinePolicies = map[string]string{"a b": inlineS3} }, ErrInvalidRole},
		{"duplicate policy", func(s *RoleSpec) { s.PolicyARNs = []string{policyRO, policyRO} }, ErrDuplicate},
		{"bad policy ARN", func(s *RoleSpec) { s.PolicyARNs = []string{"arn:aws:iam::123456789012:role/x"} }, ErrInvalidRole},
		{"policy ARN without partition", func(s *RoleSpec) { s.PolicyARNs = []string{"arn::iam::aws:policy/x"} }, ErrInvalidRole},
		{"bad boundary", func(s *RoleSpec) { s.PermissionsBoundary = "boundary" }, ErrInvalidRole},
		{"bad session", func(s *RoleSpec) { s.MaxSessionDuration = 100 }, ErrInvalidRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := seededFake()
			spec := testRoleSpec()
			tt.mutate(&spec)
			_, err := EnsureRole(context.Background(), f, spec, Options{})
			if !errors.Is(err, tt.want) || len(f.Calls) != 0 {
				t.Fatalf("err %v, calls %v", err, f.Calls)
			}
			if !errors.Is(spec.Validate(), tt.want) {
				t.Errorf("Validate does not report it")
			}
		})
	}
	// A path IAM cannot change in place.
	f := seededFake()
	spec := testRoleSpec()
	if _, err := EnsureRole(context.Background(), f, spec, Options{}); err != nil {
		t.Fatal(err)
	}
	spec.Path = "/other/"
	if _, err := EnsureRole(context.Background(), f, spec, Options{}); !errors.Is(err, ErrRoleConflict) {
		t.Fatalf("err = %v", err)
	}
}

func TestEnsureRolePodIdentityTrust(t *testing.T) {
	f := seededFake()
	trust, _ := PodIdentityTrustPolicy()
	spec := RoleSpec{Name: "pi", AssumeRolePolicy: trust}
	if _, err := EnsureRole(context.Background(), f, spec, Options{}); err != nil {
		t.Fatal(err)
	}
	if f.Roles["pi"].Trust != trust {
		t.Fatalf("trust %s", f.Roles["pi"].Trust)
	}
	before := f.WriteCount()
	if _, err := EnsureRole(context.Background(), f, spec, Options{}); err != nil || f.WriteCount() != before {
		t.Fatalf("%v %v", err, f.Writes[before:])
	}
}

func TestDeleteRole(t *testing.T) {
	ctx := context.Background()
	f := seededFake()
	f.PageSize = 1
	if _, err := EnsureRole(ctx, f, testRoleSpec(), Options{}); err != nil {
		t.Fatal(err)
	}
	f.Roles["lbc"].Inline["second"] = inlineS3
	if err := DeleteRole(ctx, f, "lbc", Options{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Roles["lbc"]; ok {
		t.Fatal("role still there")
	}
	// Gone already: success, no writes.
	before := f.WriteCount()
	if err := DeleteRole(ctx, f, "lbc", Options{}); err != nil || f.WriteCount() != before {
		t.Fatalf("%v %v", err, f.Writes[before:])
	}
	// Other errors are reported.
	f.FailOn["ListAttachedRolePolicies"] = &types.ServiceFailureException{Message: aws.String("boom")}
	if err := DeleteRole(ctx, f, "x", Options{}); err == nil || !strings.Contains(err.Error(), "irsa: DeleteRole x") {
		t.Fatalf("err = %v", err)
	}
}

const testIssuerURL = "https://" + testIssuer

func TestEnsureOIDCProvider(t *testing.T) {
	ctx := context.Background()
	f := newFakeIAM()
	res, err := EnsureOIDCProvider(ctx, f, OIDCProviderSpec{IssuerURL: testIssuerURL, Tags: map[string]string{"cluster": "demo"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.ARN != testProviderARN {
		t.Fatalf("%+v", res)
	}
	p := f.Providers[testProviderARN]
	if !slices.Equal(p.ClientIDs, []string{Audience}) || p.Tags["cluster"] != "demo" {
		t.Fatalf("%+v", p)
	}
	// IAM filled in a thumbprint itself; a spec without thumbprints leaves it.
	before := f.WriteCount()
	res, err = EnsureOIDCProvider(ctx, f, OIDCProviderSpec{IssuerURL: testIssuerURL, Tags: map[string]string{"cluster": "demo"}}, Options{})
	if err != nil || res.Created || len(res.Changes) != 0 || f.WriteCount() != before || res.ARN != testProviderARN {
		t.Fatalf("second run: %+v %v %v", res, err, f.Writes[before:])
	}
	// Converge client IDs, thumbprints, tags.
	spec := OIDCProviderSpec{IssuerURL: testIssuerURL, ClientIDs: []string{"other"}, Thumbprints: []string{"0000000000000000000000000000000000000000"},
		Tags: map[string]string{"new": "1"}, Authoritative: true}
	res, err = EnsureOIDCProvider(ctx, f, spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p = f.Providers[testProviderARN]
	if !slices.Equal(p.ClientIDs, []string{"other"}) || !slices.Equal(p.Thumbprints, spec.Thumbprints) || len(p.Tags) != 1 || p.Tags["new"] != "1" {
		t.Fatalf("not converged: %+v (changes %v)", p, res.Changes)
	}
	if len(res.Changes) != 5 {
		t.Errorf("changes %v", res.Changes)
	}
	before = f.WriteCount()
	spec.Thumbprints = []string{"0000000000000000000000000000000000000000"}
	if res, err := EnsureOIDCProvider(ctx, f, spec, Options{}); err != nil || f.WriteCount() != before {
		t.Fatalf("third run: %v %v %v", res, err, f.Writes[before:])
	}
	// Delete, twice.
	if err := DeleteOIDCProvider(ctx, f, testProviderARN, Options{}); err != nil || len(f.Providers) != 0 {
		t.Fatal(err)
	}
	if err := DeleteOIDCProvider(ctx, f, testProviderARN, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := DeleteOIDCProvider(ctx, f, "nope", Options{}); !errors.Is(err, ErrInvalidProviderARN) {
		t.Fatal(err)
	}
	if _, err := EnsureOIDCProvider(ctx, f, OIDCProviderSpec{IssuerURL: "http://x"}, Options{}); !errors.Is(err, ErrInvalidIssuer) {
		t.Fatal(err)
	}
}

// hidingIAM lists no provider on its first List call, as when another
// process creates the provider between our List and Create.
type hidingIAM struct {
	*awsfake.IAM
	listed bool
}

func (h *hidingIAM) ListOpenIDConnectProviders(ctx context.Context, in *iam.ListOpenIDConnectProvidersInput, o ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	if !h.listed {
		h.listed = true
		return &iam.ListOpenIDConnectProvidersOutput{}, nil
	}
	return h.IAM.ListOpenIDConnectProviders(ctx, in, o...)
}

func TestEnsureOIDCProviderCreatedConcurrently(t *testing.T) {
	f := newFakeIAM()
	if _, err := EnsureOIDCProvider(context.Background(), f, OIDCProviderSpec{IssuerURL: testIssuerURL}, Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := EnsureOIDCProvider(context.Background(), &hidingIAM{IAM: f}, OIDCProviderSpec{IssuerURL: testIssuerURL}, Options{})
	if err != nil || res.Created || res.ARN != testProviderARN {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestGetTrustPolicy(t *testing.T) {
	ctx := context.Background()
	f := seededFake()
	spec := testRoleSpec()
	if _, err := EnsureRole(ctx, f, spec, Options{}); err != nil {
		t.Fatal(err)
	}
	want, _ := spec.Trust.Render()
	for _, role := range []string{"lbc", "arn:aws:iam::123456789012:role/irsa/lbc"} {
		got, err := GetTrustPolicy(ctx, f, role)
		if err != nil || got != want {
			t.Errorf("GetTrustPolicy(%s) = %s, %v", role, got, err)
		}
	}
	if _, err := GetTrustPolicy(ctx, f, "missing"); !isNotFound(err) {
		t.Errorf("missing: %v", err)
	}
	if _, err := GetTrustPolicy(ctx, f, "arn:aws:iam::123456789012:policy/x"); !errors.Is(err, ErrInvalidRole) {
		t.Errorf("policy ARN: %v", err)
	}
}
