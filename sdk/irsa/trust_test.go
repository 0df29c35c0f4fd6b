package irsa

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

const (
	govProviderARN = "arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
	cnProviderARN  = "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF"
	testIssuer     = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
)

func sa(ns, name string) ServiceAccount { return ServiceAccount{Namespace: ns, Name: name} }

// TestTrustPolicyRendering checks each rendering rule on the parsed document
// and pins the whole document in a golden file.
func TestTrustPolicyRendering(t *testing.T) {
	tests := []struct {
		golden string
		spec   TrustSpec
		// subOp is the operator of every statement's sub condition.
		subOp string
		subs  [][]string // per statement
	}{
		{"single", TrustSpec{Providers: []ProviderAccounts{{testProviderARN, []ServiceAccount{sa("kube-system", "aws-load-balancer-controller")}}}},
			opStringEquals, [][]string{{"system:serviceaccount:kube-system:aws-load-balancer-controller"}}},
		{"several", TrustSpec{Providers: []ProviderAccounts{{testProviderARN, []ServiceAccount{sa("apps", "web"), sa("apps", "worker"), sa("batch", "job.runner")}}}},
			opStringEquals, [][]string{{"system:serviceaccount:apps:web", "system:serviceaccount:apps:worker", "system:serviceaccount:batch:job.runner"}}},
		{"wildcard-star", TrustSpec{Providers: []ProviderAccounts{{testProviderARN, []ServiceAccount{sa("ci", "runner-*")}}}},
			opStringLike, [][]string{{"system:serviceaccount:ci:runner-*"}}},
		{"wildcard-question", TrustSpec{Providers: []ProviderAccounts{{testProviderARN, []ServiceAccount{sa("ci", "runner-?")}}}},
			opStringLike, [][]string{{"system:serviceaccount:ci:runner-?"}}},
		// Exact and wildcard subjects of one statement all go to StringLike: split
		// between operators they would have to match together (AND).
		{"mixed", TrustSpec{Providers: []ProviderAccounts{{testProviderARN, []ServiceAccount{sa("apps", "web"), sa("ci", "*")}}}},
			opStringLike, [][]string{{"system:serviceaccount:apps:web", "system:serviceaccount:ci:*"}}},
		{"cross-namespace-allowed", TrustSpec{AllowCrossNamespaceWildcard: true, Providers: []ProviderAccounts{{testProviderARN, []ServiceAccount{sa("team-*", "deployer")}}}},
			opStringLike, [][]string{{"system:serviceaccount:team-*:deployer"}}},
		{"two-clusters", TrustSpec{Providers: []ProviderAccounts{
			{testProviderARN, []ServiceAccount{sa("apps", "web")}},
			{testProviderARN2, []ServiceAccount{sa("apps", "web")}}}},
			opStringEquals, [][]string{{"system:serviceaccount:apps:web"}, {"system:serviceaccount:apps:web"}}},
		{"govcloud", TrustSpec{Providers: []ProviderAccounts{{govProviderARN, []ServiceAccount{sa("apps", "web")}}}},
			opStringEquals, [][]string{{"system:serviceaccount:apps:web"}}},
		{"china", TrustSpec{Providers: []ProviderAccounts{{cnProviderARN, []ServiceAccount{sa("apps", "web")}}}},
			opStringEquals, [][]string{{"system:serviceaccount:apps:web"}}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			out, err := tt.spec.Render()
			if err != nil {
				t.Fatal(err)
			}
			doc, err := iampolicy.Parse([]byte(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(); err != nil {
				t.Fatal(err)
			}
			if len(doc.Statement) != len(tt.spec.Providers) {
				t.Fatalf("%d statements for %d providers", len(doc.Statement), len(tt.spec.Providers))
			}
			for i, st := range doc.Statement {
				p, _ := ParseProviderARN(tt.spec.Providers[i].ProviderARN)
				if st.Effect != iampolicy.Allow || st.Principal == nil || fmt.Sprint(st.Principal.Federated) != "["+p.ARN+"]" ||
					fmt.Sprint(st.Action) != "["+ActionAssumeRoleWithWebIdentity+"]" {
					t.Errorf("statement %d: %+v", i, st)
				}
				// The audience: always StringEquals sts.amazonaws.com, whatever the sub operator.
				if aud := st.Condition[opStringEquals][p.ConditionKey("aud")]; fmt.Sprint(aud) != "[sts.amazonaws.com]" {
					t.Errorf("statement %d: aud StringEquals = %v", i, aud)
				}
				for op, block := range st.Condition {
					if _, ok := block[p.ConditionKey("aud")]; ok && op != opStringEquals {
						t.Errorf("statement %d: aud under %s", i, op)
					}
					if _, ok := block[p.ConditionKey("sub")]; ok && op != tt.subOp {
						t.Errorf("statement %d: sub under %s, want %s", i, op, tt.subOp)
					}
				}
				if got := st.Condition[tt.subOp][p.ConditionKey("sub")]; strings.Join(got, ",") != strings.Join(tt.subs[i], ",") {
					t.Errorf("statement %d: sub = %v, want %v", i, got, tt.subs[i])
				}
				wantOps := 1
				if tt.subOp == opStringLike {
					wantOps = 2
				}
				if len(st.Condition) != wantOps {
					t.Errorf("statement %d: %d operator blocks, want %d", i, len(st.Condition), wantOps)
				}
			}
			// Canonical: what IAM stores and counts.
			if canon := doc.String(); canon != out {
				t.Errorf("not canonical:\n%s\n%s", out, canon)
			}
			indented, err := doc.Indent()
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "testdata/"+tt.golden+".json", append(indented, '\n'))
		})
	}
}

func TestTrustPolicyIsSpecShorthand(t *testing.T) {
	a, err := TrustPolicy(testProviderARN, sa("a", "b"), sa("c", "d"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := TrustSpec{Providers: []ProviderAccounts{{testProviderARN, []ServiceAccount{sa("a", "b"), sa("c", "d")}}}}.Render()
	if err != nil || a != b {
		t.Fatalf("%s\n%s\n%v", a, b, err)
	}
	const want = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + testProviderARN + `"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + testIssuer + `:aud":"sts.amazonaws.com",` +
		`"` + testIssuer + `:sub":["system:serviceaccount:a:b","system:serviceaccount:c:d"]}}}]}`
	if a != want {
		t.Fatalf("got  %s\nwant %s", a, want)
	}
}

func TestTrustPolicyRefusals(t *testing.T) {
	var quotaBuster []ServiceAccount
	for i := range 30 {
		quotaBuster = append(quotaBuster, sa(fmt.Sprintf("namespace-%02d", i), "a-rather-long-service-account-name"))
	}
	tests := []struct {
		name string
		spec TrustSpec
		want []error // every one must be reported
	}{
		{"empty provider ARN", one("", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"not an ARN", one("oidc.eks.us-west-2.amazonaws.com/id/X", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"role ARN", one("arn:aws:iam::123456789012:role/x", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"wrong service", one("arn:aws:sts::123456789012:oidc-provider/x", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"short account", one("arn:aws:iam::1234:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/X", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"aws account", one("arn:aws:iam::aws:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/X", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"region in IAM ARN", one("arn:aws:iam:us-west-2:123456789012:oidc-provider/x", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"unknown partition", one("arn:aws-iso:iam::123456789012:oidc-provider/x", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"empty partition", one("arn::iam::123456789012:oidc-provider/x", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"no issuer", one("arn:aws:iam::123456789012:oidc-provider/", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"issuer with space", one("arn:aws:iam::123456789012:oidc-provider/a b", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"issuer with wildcard", one("arn:aws:iam::123456789012:oidc-provider/oidc.eks.*.amazonaws.com", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"issuer trailing slash", one("arn:aws:iam::123456789012:oidc-provider/example.com/", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"issuer not ASCII", one("arn:aws:iam::123456789012:oidc-provider/exämple.com", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"issuer too long", one("arn:aws:iam::123456789012:oidc-provider/example.com/"+strings.Repeat("p", 240), sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"issuer with query", one("arn:aws:iam::123456789012:oidc-provider/example.com?x=1", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"EKS issuer of another partition", one("arn:aws:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"EKS issuer with wrong suffix", one("arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com/id/ABC", sa("a", "b")), []error{ErrInvalidProviderARN}},
		{"no service accounts", one(testProviderARN), []error{ErrNoServiceAccounts}},
		{"no providers", TrustSpec{}, []error{ErrInvalidProviderARN}},
		{"empty namespace", one(testProviderARN, sa("", "b")), []error{ErrInvalidServiceAccount}},
		{"empty name", one(testProviderARN, sa("a", "")), []error{ErrInvalidServiceAccount}},
		{"upper-case namespace", one(testProviderARN, sa("Apps", "b")), []error{ErrInvalidServiceAccount}},
		{"underscore in name", one(testProviderARN, sa("a", "my_sa")), []error{ErrInvalidServiceAccount}},
		{"dot in namespace", one(testProviderARN, sa("a.b", "c")), []error{ErrInvalidServiceAccount}},
		{"namespace starts with dash", one(testProviderARN, sa("-a", "c")), []error{ErrInvalidServiceAccount}},
		{"name ends with dot", one(testProviderARN, sa("a", "c.")), []error{ErrInvalidServiceAccount}},
		{"name with empty label", one(testProviderARN, sa("a", "c..d")), []error{ErrInvalidServiceAccount}},
		{"name label ends with dash", one(testProviderARN, sa("a", "c-.d")), []error{ErrInvalidServiceAccount}},
		{"colon in name", one(testProviderARN, sa("a", "b:c")), []error{ErrInvalidServiceAccount}},
		{"namespace too long", one(testProviderARN, sa(strings.Repeat("a", 64), "b")), []error{ErrInvalidServiceAccount}},
		{"name too long", one(testProviderARN, sa("a", strings.Repeat("b", 254))), []error{ErrInvalidServiceAccount}},
		{"pattern too long", one(testProviderARN, sa("a", "b"+strings.Repeat("*", 253))), []error{ErrInvalidServiceAccount}},
		{"namespace wildcard", one(testProviderARN, sa("*", "b")), []error{ErrCrossNamespaceWildcard}},
		{"namespace question mark", one(testProviderARN, sa("team-?", "b")), []error{ErrCrossNamespaceWildcard}},
		{"duplicate account", one(testProviderARN, sa("a", "b"), sa("a", "b")), []error{ErrDuplicate}},
		{"duplicate provider", TrustSpec{Providers: []ProviderAccounts{{testProviderARN, []ServiceAccount{sa("a", "b")}}, {testProviderARN, []ServiceAccount{sa("c", "d")}}}}, []error{ErrDuplicate}},
		{"over the default quota", one(testProviderARN, quotaBuster...), []error{ErrPolicyTooLarge}},
		{"quota above the IAM limit", TrustSpec{MaxSize: MaxTrustPolicySizeLimit + 1, Providers: one(testProviderARN, sa("a", "b")).Providers}, []error{ErrInvalidMaxSize}},
		{"negative quota", TrustSpec{MaxSize: -1, Providers: one(testProviderARN, sa("a", "b")).Providers}, []error{ErrInvalidMaxSize}},
		{"lowered quota", TrustSpec{MaxSize: 100, Providers: one(testProviderARN, sa("a", "b")).Providers}, []error{ErrPolicyTooLarge}},
		{"every problem at once", TrustSpec{MaxSize: -5, Providers: []ProviderAccounts{
			{"arn:aws:iam::123456789012:role/x", []ServiceAccount{sa("A", "b"), sa("*", "x"), sa("c", "d"), sa("c", "d")}},
		}}, []error{ErrInvalidMaxSize, ErrInvalidProviderARN, ErrInvalidServiceAccount, ErrCrossNamespaceWildcard, ErrDuplicate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.spec.Render()
			if err == nil {
				t.Fatalf("accepted: %s", out)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v\ndoes not wrap %v", err, w)
				}
			}
			if w := tt.want[0]; w != ErrPolicyTooLarge && !errors.Is(err, ErrInvalidSpec) {
				t.Errorf("not ErrInvalidSpec: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "irsa: trust policy: ") {
				t.Errorf("error not prefixed: %v", err)
			}
		})
	}
}

func one(arn string, accounts ...ServiceAccount) TrustSpec {
	return TrustSpec{Providers: []ProviderAccounts{{ProviderARN: arn, ServiceAccounts: accounts}}}
}

func TestTrustPolicyQuota(t *testing.T) {
	// Grow the account list until the policy passes 2048 characters: the
	// default quota refuses it with the exact size, a raised quota accepts it.
	var accounts []ServiceAccount
	for i := 0; ; i++ {
		accounts = append(accounts, sa("apps", fmt.Sprintf("service-%03d", i)))
		doc, err := TrustSpec{MaxSize: MaxTrustPolicySizeLimit, Providers: one(testProviderARN, accounts...).Providers}.Document()
		if err != nil {
			t.Fatal(err)
		}
		size, _ := doc.Size()
		if size <= DefaultMaxTrustPolicySize {
			if _, err := TrustPolicy(testProviderARN, accounts...); err != nil {
				t.Fatalf("%d characters refused: %v", size, err)
			}
			continue
		}
		_, err = TrustPolicy(testProviderARN, accounts...)
		var tooLarge *PolicyTooLargeError
		if !errors.As(err, &tooLarge) || tooLarge.Size != size || tooLarge.Limit != DefaultMaxTrustPolicySize {
			t.Fatalf("%d characters: err = %v", size, err)
		}
		if !strings.Contains(err.Error(), "ACLSizePerRole") {
			t.Errorf("error does not name the quota: %v", err)
		}
		if _, err := (TrustSpec{MaxSize: size, Providers: one(testProviderARN, accounts...).Providers}).Render(); err != nil {
			t.Fatalf("quota %d refuses a %d-character policy: %v", size, size, err)
		}
		if _, err := (TrustSpec{MaxSize: size - 1, Providers: one(testProviderARN, accounts...).Providers}).Render(); !errors.Is(err, ErrPolicyTooLarge) {
			t.Fatalf("quota %d accepts a %d-character policy", size-1, size)
		}
		return
	}
}

func TestParseServiceAccount(t *testing.T) {
	tests := []struct {
		in   string
		want ServiceAccount
		err  bool
	}{
		{"kube-system/aws-load-balancer-controller", sa("kube-system", "aws-load-balancer-controller"), false},
		{"a/b.c", sa("a", "b.c"), false},
		{"ci/runner-*", sa("ci", "runner-*"), false},
		{"team-*/deployer", sa("team-*", "deployer"), false}, // parses; the policy decides whether it may span namespaces
		{"a", ServiceAccount{}, true},
		{"a/b/c", ServiceAccount{}, true},
		{"/b", ServiceAccount{}, true},
		{"a/", ServiceAccount{}, true},
		{"A/b", ServiceAccount{}, true},
		{"a/B", ServiceAccount{}, true},
		{" a/b", ServiceAccount{}, true},
		{"a/b\n", ServiceAccount{}, true},
	}
	for _, tt := range tests {
		got, err := ParseServiceAccount(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseServiceAccount(%q) = %v, %v", tt.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidServiceAccount) {
			t.Errorf("ParseServiceAccount(%q): %v is not ErrInvalidServiceAccount", tt.in, err)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestParseProviderARN(t *testing.T) {
	tests := []struct {
		arn                               string
		partition, issuer, region, oidcID string
	}{
		{testProviderARN, "aws", testIssuer, "us-west-2", "EXAMPLED539D4633E53DE1B71EXAMPLE"},
		{govProviderARN, "aws-us-gov", "oidc.eks.us-gov-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF", "us-gov-west-1", "0123456789ABCDEF0123456789ABCDEF"},
		{cnProviderARN, "aws-cn", "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF", "cn-north-1", "0123456789ABCDEF0123456789ABCDEF"},
		// Not an EKS issuer: a self-managed cluster (here the test API server).
		{"arn:aws:iam::123456789012:oidc-provider/127.0.0.1:6443", "aws", "127.0.0.1:6443", "", ""},
		{"arn:aws:iam::123456789012:oidc-provider/example.com/cluster/one", "aws", "example.com/cluster/one", "", ""},
	}
	for _, tt := range tests {
		p, err := ParseProviderARN(tt.arn)
		if err != nil {
			t.Errorf("%s: %v", tt.arn, err)
			continue
		}
		if p.Partition != tt.partition || p.Account != "123456789012" || p.Issuer != tt.issuer || p.Region != tt.region || p.ID != tt.oidcID || p.ARN != tt.arn {
			t.Errorf("%s: %+v", tt.arn, p)
		}
		// ARN -> issuer URL -> ARN.
		u, err := IssuerURLFromProviderARN(tt.arn)
		if err != nil || u != "https://"+tt.issuer {
			t.Errorf("IssuerURLFromProviderARN(%s) = %q, %v", tt.arn, u, err)
		}
		back, err := ProviderARNFromIssuer(tt.partition, "123456789012", u)
		if err != nil || back != tt.arn {
			t.Errorf("ProviderARNFromIssuer(%s) = %q, %v", u, back, err)
		}
		if tt.region != "" { // EKS issuers name their partition
			back, err := ProviderARNFromIssuer("", "123456789012", u)
			if err != nil || back != tt.arn {
				t.Errorf("ProviderARNFromIssuer(\"\", %s) = %q, %v", u, back, err)
			}
			eks, err := EKSIssuerURL(tt.region, tt.oidcID)
			if err != nil || eks != u {
				t.Errorf("EKSIssuerURL(%s, %s) = %q, %v", tt.region, tt.oidcID, eks, err)
			}
		}
	}
}

func TestProviderARNFromIssuerRefusals(t *testing.T) {
	tests := []struct {
		partition, account, issuer string
		want                       error
	}{
		{"", "123456789012", "https://example.com", ErrInvalidIssuer}, // not EKS: partition needed
		{"aws", "123456789012", "http://example.com", ErrInvalidIssuer},
		{"aws", "123456789012", "https://", ErrInvalidIssuer},
		{"aws", "123456789012", "https://example.com/", ErrInvalidIssuer},
		{"aws", "123456789012", "https://user@example.com", ErrInvalidIssuer},
		{"aws", "12345", "https://example.com", ErrInvalidSpec},
		{"nope", "123456789012", "https://example.com", ErrInvalidSpec},
		{"aws", "123456789012", "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC", ErrInvalidIssuer}, // partition mismatch
	}
	for _, tt := range tests {
		if got, err := ProviderARNFromIssuer(tt.partition, tt.account, tt.issuer); !errors.Is(err, tt.want) {
			t.Errorf("ProviderARNFromIssuer(%q, %q, %q) = %q, %v", tt.partition, tt.account, tt.issuer, got, err)
		}
	}
	for _, in := range [][2]string{{"", "ABC"}, {"us-west-2", ""}, {"us-west-2", "a/b"}, {"mars-1", "ABC"}} {
		if got, err := EKSIssuerURL(in[0], in[1]); !errors.Is(err, ErrInvalidIssuer) {
			t.Errorf("EKSIssuerURL(%q, %q) = %q, %v", in[0], in[1], got, err)
		}
	}
}

func TestPodIdentityTrustPolicy(t *testing.T) {
	got, err := PodIdentityTrustPolicy()
	const want = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	if err != nil || got != want {
		t.Fatalf("got %s, %v", got, err)
	}
}

func TestRoleSettingsValidate(t *testing.T) {
	long := strings.Repeat("x", 257)
	tests := []struct {
		name string
		r    RoleSettings
		ok   bool
	}{
		{"zero", RoleSettings{}, true},
		{"full", RoleSettings{Path: "/a/b/", Description: "d", MaxSessionDuration: 43200, Tags: map[string]string{"k": "v"}}, true},
		{"path without slashes", RoleSettings{Path: "a"}, false},
		{"path without trailing slash", RoleSettings{Path: "/a"}, false},
		{"session too short", RoleSettings{MaxSessionDuration: 3599}, false},
		{"session too long", RoleSettings{MaxSessionDuration: 43201}, false},
		{"aws: tag", RoleSettings{Tags: map[string]string{"aws:x": "v"}}, false},
		{"long tag value", RoleSettings{Tags: map[string]string{"k": long}}, false},
		{"long description", RoleSettings{Description: strings.Repeat("d", 1001)}, false},
	}
	for _, tt := range tests {
		err := tt.r.Validate()
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalidRole)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func FuzzParseServiceAccount(f *testing.F) {
	for _, s := range []string{"kube-system/aws-load-balancer-controller", "a/b.c", "ci/runner-*", "team-?/x", "a/b/c", "", "/", "A/b", "a/-b", "a/b..c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseServiceAccount(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidServiceAccount) {
				t.Fatalf("%q: error %v is not ErrInvalidServiceAccount", s, err)
			}
			return
		}
		if got.String() != s || got.Validate() != nil {
			t.Fatalf("%q: parsed %+v, String %q", s, got, got.String())
		}
		if strings.ContainsAny(got.Subject(), "\"\\ \n") || strings.Count(got.Subject(), ":") != 3 {
			t.Fatalf("%q: subject %q", s, got.Subject())
		}
		// A parsed account renders, unless it spans namespaces or is so long the
		// policy breaks the quota.
		out, err := TrustSpec{AllowCrossNamespaceWildcard: true, MaxSize: MaxTrustPolicySizeLimit,
			Providers: one(testProviderARN, got).Providers}.Render()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if _, err := iampolicy.Parse([]byte(out)); err != nil {
			t.Fatalf("%q: rendered policy does not parse: %v", s, err)
		}
	})
}

func FuzzParseProviderARN(f *testing.F) {
	for _, s := range []string{testProviderARN, govProviderARN, cnProviderARN, "arn:aws:iam::123456789012:oidc-provider/127.0.0.1:6443",
		"arn:aws:iam::123456789012:role/x", "", "arn:aws:iam::123456789012:oidc-provider/", "arn:aws:iam::123456789012:oidc-provider/a/b?c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProviderARN(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidProviderARN) {
				t.Fatalf("%q: error %v is not ErrInvalidProviderARN", s, err)
			}
			return
		}
		back, err := ProviderARNFromIssuer(p.Partition, p.Account, p.IssuerURL())
		if err != nil || back != s {
			t.Fatalf("%q: round trip through %q gave %q, %v", s, p.IssuerURL(), back, err)
		}
		if len(s) > 1000 {
			return
		}
		out, err := TrustPolicy(s, sa("a", "b"))
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		doc, err := iampolicy.Parse([]byte(out))
		if err != nil || doc.Statement[0].Principal.Federated[0] != s {
			t.Fatalf("%q: rendered %s, %v", s, out, err)
		}
	})
}
