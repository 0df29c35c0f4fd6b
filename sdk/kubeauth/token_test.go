package kubeauth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/fargatekit/fargatekit/internal/sigv4check"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

// Fake credentials in the shape AWS documents for examples.
const (
	testAccessKey = "AKIDEXAMPLE"
	testSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var testTime = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func staticCreds(key, secret, session string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: session, Source: "test"}, nil
	})
}

func fixedClock() time.Time { return testTime }

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestTokenURL(t *testing.T) {
	tests := []struct {
		name, region, host, session string
	}{
		{"commercial", "eu-west-1", "sts.eu-west-1.amazonaws.com", ""},
		{"us-east-1 is regional too", "us-east-1", "sts.us-east-1.amazonaws.com", ""},
		{"china", "cn-north-1", "sts.cn-north-1.amazonaws.com.cn", ""},
		{"govcloud", "us-gov-west-1", "sts.us-gov-west-1.amazonaws.com", ""},
		{"session credentials", "ap-southeast-2", "sts.ap-southeast-2.amazonaws.com", "FwoGZXIvYXdzEXAMPLE//+session=="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := GetToken(context.Background(), TokenOptions{
				ClusterName: "demo-cluster",
				Region:      tt.region,
				Credentials: staticCreds(testAccessKey, testSecretKey, tt.session),
				Now:         fixedClock,
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := testTime.Add(14 * time.Minute); !tok.Expiration.Equal(want) {
				t.Errorf("expiration %v, want %v", tok.Expiration, want)
			}
			u := sigv4check.DecodeToken(t, tok.Value)
			if u.Scheme != "https" || u.Host != tt.host || (u.Path != "/" && u.Path != "") {
				t.Errorf("URL %s://%s%s, want https://%s/", u.Scheme, u.Host, u.Path, tt.host)
			}
			q := u.Query()
			want := map[string]string{
				"Action":              "GetCallerIdentity",
				"Version":             "2011-06-15",
				"X-Amz-Algorithm":     "AWS4-HMAC-SHA256",
				"X-Amz-Credential":    testAccessKey + "/20250102/" + tt.region + "/sts/aws4_request",
				"X-Amz-Date":          "20250102T030405Z",
				"X-Amz-Expires":       "60",
				"X-Amz-SignedHeaders": "host;x-k8s-aws-id",
			}
			if tt.session != "" {
				want["X-Amz-Security-Token"] = tt.session
			}
			for k, v := range want {
				if got := q[k]; len(got) != 1 || got[0] != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			sig := q.Get("X-Amz-Signature")
			if !hex64.MatchString(sig) {
				t.Errorf("X-Amz-Signature %q is not 64 lower-case hex digits", sig)
			}
			for k := range q {
				if _, ok := want[k]; !ok && k != "X-Amz-Signature" {
					t.Errorf("unexpected query parameter %s=%q", k, q.Get(k))
				}
			}
			// The signature verifies only with x-k8s-aws-id: demo-cluster
			// signed: the header is part of what STS checks.
			if got := sigv4check.Signature(u, testSecretKey, "demo-cluster"); got != sig {
				t.Errorf("independent SigV4: %s, token has %s", got, sig)
			}
			if sigv4check.Signature(u, testSecretKey, "other-cluster") == sig {
				t.Error("signature does not depend on the x-k8s-aws-id header")
			}
			if _, err := ekstoken.ParseToken(tok.Value); err != nil {
				t.Errorf("ParseToken refuses our token: %v", err)
			}
		})
	}
}

func TestTokenDeterministic(t *testing.T) {
	opts := TokenOptions{ClusterName: "c", Region: "eu-central-1", Credentials: staticCreds(testAccessKey, testSecretKey, ""), Now: fixedClock}
	g, err := NewGenerator(opts)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := g.Token(context.Background())
	b, _ := g.Token(context.Background())
	if a != b {
		t.Errorf("same clock and credentials, different tokens:\n%s\n%s", a.Value, b.Value)
	}
	opts.ClusterName = "d"
	c, _ := GetToken(context.Background(), opts)
	if c.Value == a.Value {
		t.Error("token does not depend on the cluster")
	}
}

// fakeAssumeRole models sts:AssumeRole: it checks the request and returns
// temporary credentials with a session token, valid for an hour.
type fakeAssumeRole struct {
	calls atomic.Int32
	last  *sts.AssumeRoleInput
	err   error
}

func (f *fakeAssumeRole) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.calls.Add(1)
	f.last = in
	if f.err != nil {
		return nil, f.err
	}
	exp := time.Now().Add(time.Hour)
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId:     aws.String("ASIAASSUMEDEXAMPLE"),
		SecretAccessKey: aws.String("assumedSecretEXAMPLE"),
		SessionToken:    aws.String("assumedSessionTokenEXAMPLE"),
		Expiration:      &exp,
	}}, nil
}

func TestTokenAssumeRole(t *testing.T) {
	fake := &fakeAssumeRole{}
	g, err := NewGenerator(TokenOptions{
		ClusterName:      "demo",
		Region:           "eu-west-1",
		Credentials:      staticCreds(testAccessKey, testSecretKey, ""),
		RoleARN:          "arn:aws:iam::123456789012:role/eks-admin",
		AssumeRoleClient: fake,
		Now:              fixedClock,
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		tok, err := g.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		u := sigv4check.DecodeToken(t, tok.Value)
		q := u.Query()
		if !strings.HasPrefix(q.Get("X-Amz-Credential"), "ASIAASSUMEDEXAMPLE/") || q.Get("X-Amz-Security-Token") != "assumedSessionTokenEXAMPLE" {
			t.Fatalf("token not signed by the assumed role: %s", u)
		}
		if sigv4check.Signature(u, "assumedSecretEXAMPLE", "demo") != q.Get("X-Amz-Signature") {
			t.Fatal("signature does not verify with the assumed role's secret")
		}
	}
	if n := fake.calls.Load(); n != 1 {
		t.Errorf("AssumeRole called %d times for 3 tokens, want 1 (credentials cached)", n)
	}
	if aws.ToString(fake.last.RoleArn) != "arn:aws:iam::123456789012:role/eks-admin" ||
		aws.ToString(fake.last.RoleSessionName) != fmt.Sprintf("fargatekit-%d", testTime.Unix()) {
		t.Errorf("AssumeRole input: role %q session %q", aws.ToString(fake.last.RoleArn), aws.ToString(fake.last.RoleSessionName))
	}

	// A named session, and an AssumeRole failure surfacing as the token's error.
	failing := &fakeAssumeRole{err: errors.New("AccessDenied: not allowed")}
	_, err = GetToken(context.Background(), TokenOptions{ClusterName: "demo", Region: "eu-west-1",
		Credentials: staticCreds(testAccessKey, testSecretKey, ""), RoleARN: "arn:aws:iam::123456789012:role/x",
		SessionName: "alice", AssumeRoleClient: failing})
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("AssumeRole failure: %v", err)
	}
	if aws.ToString(failing.last.RoleSessionName) != "alice" {
		t.Errorf("session name %q", aws.ToString(failing.last.RoleSessionName))
	}
}

func TestTokenOptionsRefused(t *testing.T) {
	creds := staticCreds(testAccessKey, testSecretKey, "")
	tests := []struct {
		name string
		opts TokenOptions
		is   error
		want string
	}{
		{"no region", TokenOptions{ClusterName: "c", Credentials: creds}, ErrNoRegion, "no AWS region"},
		{"bad region", TokenOptions{ClusterName: "c", Region: "mars-1", Credentials: creds}, ErrInvalidSpec, "region"},
		{"no credentials", TokenOptions{ClusterName: "c", Region: "eu-west-1"}, ErrNoCredentials, "credentials"},
		{"anonymous", TokenOptions{ClusterName: "c", Region: "eu-west-1", Credentials: aws.AnonymousCredentials{}}, ErrNoCredentials, "credentials"},
		{"bad cluster", TokenOptions{ClusterName: "", Region: "eu-west-1", Credentials: creds}, ErrInvalidSpec, "cluster name"},
		{"bad role", TokenOptions{ClusterName: "c", Region: "eu-west-1", Credentials: creds, RoleARN: "role"}, ErrInvalidSpec, "role ARN"},
	}
	for _, tt := range tests {
		_, err := NewGenerator(tt.opts)
		if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %v containing %q", tt.name, err, tt.is, tt.want)
		}
	}
	failing := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no credentials in the chain")
	})
	if _, err := GetToken(context.Background(), TokenOptions{ClusterName: "c", Region: "eu-west-1", Credentials: failing}); err == nil ||
		!strings.Contains(err.Error(), "no credentials in the chain") {
		t.Errorf("credentials error: %v", err)
	}
}

func BenchmarkGeneratorToken(b *testing.B) {
	g, err := NewGenerator(TokenOptions{ClusterName: "demo", Region: "eu-west-1",
		Credentials: staticCreds(testAccessKey, testSecretKey, "")})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetToken(b *testing.B) {
	opts := TokenOptions{ClusterName: "demo", Region: "eu-west-1", Credentials: staticCreds(testAccessKey, testSecretKey, "")}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GetToken(ctx, opts); err != nil {
			b.Fatal(err)
		}
	}
}
