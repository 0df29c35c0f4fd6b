package lbc

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

// referencePolicies are the official policy files the embedded one must match:
// the copy in testdata (always there) and the shared reference next to the
// repository, when present.
func referencePolicies(t *testing.T) []string {
	t.Helper()
	paths := []string{filepath.Join("testdata", "reference", "iam_policy_v3.5.0.json")}
	shared := filepath.Join("..", "..", "shared", "reference", "lbc", "iam_policy_v3.5.0.json")
	if _, err := os.Stat(shared); err == nil {
		paths = append(paths, shared)
	} else {
		t.Logf("no shared reference at %s; comparing with the testdata copy only", shared)
	}
	return paths
}

func parseFile(t *testing.T, path string) iampolicy.Document {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := iampolicy.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

func TestPolicyEquivalentToOfficial(t *testing.T) {
	for _, ref := range referencePolicies(t) {
		want := parseFile(t, ref)
		for _, v := range SupportedVersions() {
			got, err := IAMPolicy(v, "aws")
			if err != nil {
				t.Fatalf("%s: %v", v, err)
			}
			d, err := iampolicy.Parse([]byte(got))
			if err != nil {
				t.Fatal(err)
			}
			if !iampolicy.Equivalent(d, want) {
				t.Errorf("%s: policy not equivalent to %s:\n%s", v, ref, got)
			}
			if err := d.Validate(); err != nil {
				t.Errorf("%s: %v", v, err)
			}
		}
	}
}

func TestPolicyDefaultVersionAndSize(t *testing.T) {
	def, err := IAMPolicy("", "")
	if err != nil {
		t.Fatal(err)
	}
	v350, _ := IAMPolicy("3.5.0", "aws")
	if def != v350 {
		t.Error(`IAMPolicy("", "") differs from v3.5.0 in aws`)
	}
	d, _ := iampolicy.Parse([]byte(def))
	n, _ := d.Size()
	// IAM's managed policy quota is 6,144 characters without whitespace.
	if n > 6144 {
		t.Errorf("policy is %d characters, over the 6144 managed-policy quota", n)
	}
}

func TestPolicyPartitions(t *testing.T) {
	for _, p := range []string{"aws-cn", "aws-us-gov"} {
		got, err := IAMPolicy(DefaultVersion, p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got, "arn:aws:") {
			t.Errorf("%s: commercial ARN left: %s", p, got)
		}
		if !strings.Contains(got, `"arn:`+p+`:elasticloadbalancing:*:*:targetgroup/*/*"`) ||
			!strings.Contains(got, `"arn:`+p+`:ec2:*:*:security-group/*"`) {
			t.Errorf("%s: ARNs not rewritten: %s", p, got)
		}
		if !strings.Contains(got, `"iam:AWSServiceName":"elasticloadbalancing.amazonaws.com"`) {
			t.Errorf("%s: service name changed: %s", p, got)
		}
		// Apart from the partition, the same policy.
		back, _ := iampolicy.Parse([]byte(strings.ReplaceAll(got, "arn:"+p+":", "arn:aws:")))
		if !iampolicy.Equivalent(back, parseFile(t, referencePolicies(t)[0])) {
			t.Errorf("%s: differs beyond the partition", p)
		}
		golden.Assert(t, "testdata/golden/policy_"+p+".json", []byte(got+"\n"))
	}
}

func TestPolicyErrors(t *testing.T) {
	tests := []struct {
		name string
		spec PolicySpec
		is   error
		want []string
	}{
		{"unknown version", PolicySpec{Version: "v2.12.0"}, ErrUnknownVersion, []string{"v2.12.0", "v2.13.0", "v3.5.0", "own policy"}},
		{"bad version", PolicySpec{Version: "latest"}, ErrInvalidVersion, []string{`"latest"`}},
		{"bad partition", PolicySpec{Partition: "aws-iso"}, ErrInvalidSpec, []string{"aws-iso"}},
		{"bad custom", PolicySpec{Custom: `{"Statement":[{"Effect":"Maybe","Action":"s3:*"}]}`}, ErrInvalidSpec, []string{"Maybe"}},
		{"scope", PolicySpec{Partition: "aws-cn", Scope: &Scope{Region: "us-west-2", VpcID: "vpc-12", Account: "1"}}, ErrInvalidSpec,
			[]string{"us-west-2 is in partition aws", `VPC ID "vpc-12"`, `account "1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RenderPolicy(tt.spec)
			if !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want %v", err, tt.is)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	if _, err := IAMPolicy("v9.9.9", "aws"); !errors.Is(err, ErrUnknownVersion) {
		t.Errorf("IAMPolicy(v9.9.9): %v", err)
	}
}

func TestPolicyCustom(t *testing.T) {
	custom := "{\n \"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"elasticloadbalancing:*\", \"ec2:Describe*\"], \"Resource\": \"*\"}}"
	got, err := RenderPolicy(PolicySpec{Version: "v4.0.0", Custom: custom})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["elasticloadbalancing:*","ec2:Describe*"],"Resource":"*"}]}`
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestPolicyScoped(t *testing.T) {
	spec := PolicySpec{Scope: &Scope{Region: "eu-west-1", VpcID: "vpc-0123456789abcdef0", Account: "123456789012"}}
	d, err := PolicyDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	official := parseFile(t, referencePolicies(t)[0])
	if len(d.Statement) != len(official.Statement)+1 {
		t.Fatalf("%d statements, want the official %d and a Deny", len(d.Statement), len(official.Statement))
	}
	deny := d.Statement[len(d.Statement)-1]
	if deny.Effect != iampolicy.Deny || deny.Sid != DenyOtherRegionsSid || !slices.Equal(deny.Action, iampolicy.Values{"ec2:*", "elasticloadbalancing:*"}) ||
		!slices.Equal(deny.Condition["StringNotEquals"]["aws:RequestedRegion"], iampolicy.Values{"eu-west-1"}) {
		t.Errorf("deny statement %+v", deny)
	}
	vpc := "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0123456789abcdef0"
	for i, st := range d.Statement[:len(official.Statement)] {
		orig := official.Statement[i]
		all, mutating := regional(orig.Action)
		switch {
		case all && mutating:
			for _, r := range st.Resource {
				if strings.Contains(r, ":*:*:") {
					t.Errorf("statement %d: resource %s still wildcards the region", i, r)
				}
			}
		default:
			if !iampolicy.Equal(iampolicy.Document{Statement: iampolicy.Statements{st}}, iampolicy.Document{Statement: iampolicy.Statements{orig}}) {
				t.Errorf("statement %d %v changed but is not regional and mutating", i, st.Action)
			}
		}
		for _, a := range st.Action {
			switch a {
			case "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup":
				if got := st.Condition["ArnLikeIfExists"]["ec2:Vpc"]; len(got) != 1 || got[0] != vpc {
					t.Errorf("statement %d %s: ec2:Vpc condition %v", i, a, got)
				}
			case "ec2:CreateSecurityGroup":
				want := iampolicy.Values{"arn:aws:ec2:eu-west-1:123456789012:security-group/*", vpc}
				if !iampolicy.Equal(iampolicy.Document{Statement: iampolicy.Statements{{Effect: "Allow", Action: st.Action, Resource: st.Resource}}},
					iampolicy.Document{Statement: iampolicy.Statements{{Effect: "Allow", Action: st.Action, Resource: want}}}) {
					t.Errorf("CreateSecurityGroup resources %v, want %v", st.Resource, want)
				}
			}
		}
		// Narrowing only adds conditions: every original condition is kept.
		for op, block := range orig.Condition {
			for k, v := range block {
				if !slices.Equal(st.Condition[op][k], v) {
					t.Errorf("statement %d: condition %s %s changed to %v", i, op, k, st.Condition[op][k])
				}
			}
		}
	}
	// The official policy's own documents are not modified by narrowing.
	again, _ := IAMPolicy("", "aws")
	if strings.Contains(again, "RequestedRegion") || strings.Contains(again, "ec2:Vpc") {
		t.Error("narrowing leaked into the unscoped policy")
	}
	s, _ := d.Indent()
	golden.Assert(t, "testdata/golden/policy_scoped_eu-west-1.json", append(s, '\n'))

	// Without an account, the ARNs wildcard it; in GovCloud, the partition shows.
	gov, err := RenderPolicy(PolicySpec{Partition: "aws-us-gov", Scope: &Scope{Region: "us-gov-west-1", VpcID: "vpc-01234567"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gov, `"arn:aws-us-gov:ec2:us-gov-west-1:*:vpc/vpc-01234567"`) ||
		!strings.Contains(gov, `"arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:*:targetgroup/*/*"`) {
		t.Errorf("GovCloud scoped policy: %s", gov)
	}
	d2, _ := iampolicy.Parse([]byte(gov))
	if n, _ := d2.Size(); n > 6144 {
		t.Errorf("scoped policy is %d characters, over the managed-policy quota", n)
	}
}
