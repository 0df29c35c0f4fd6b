package tokencmd

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

func TestRunThroughSDK(t *testing.T) {
	dir := t.TempDir()
	environ := map[string]string{"HOME": dir, "AWS_CONFIG_FILE": filepath.Join(dir, "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"), "FARGATEKIT_CACHE_DIR": filepath.Join(dir, "cache")}
	var out bytes.Buffer
	e := Env{Stdout: &out, Getenv: func(k string) string { return environ[k] }}
	req := Request{Cluster: "demo", Region: "eu-west-1"}

	if err := Run(context.Background(), e, req, nil); !errors.Is(err, ErrNeedSDK) {
		t.Fatalf("without an SDK: %v, want ErrNeedSDK", err)
	}
	calls := 0
	sdk := func(_ context.Context, r Request, local ekstoken.LocalCredentials) (Signing, error) {
		calls++
		if r.Region != "eu-west-1" || local.Identity != "" {
			t.Errorf("SDK got region %q identity %q", r.Region, local.Identity)
		}
		return Signing{Credentials: ekstoken.Credentials{AccessKeyID: "ASIAROLE", SecretAccessKey: "s"},
			Region: r.Region, Identity: "AKIDINSTANCE"}, nil
	}
	if err := Run(context.Background(), e, req, sdk); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"token":"k8s-aws-v1.`) || calls != 1 {
		t.Fatalf("calls %d, output %q", calls, out.String())
	}
	// Cached under the identity the SDK named.
	c := &ekstoken.TokenCache{Dir: environ["FARGATEKIT_CACHE_DIR"]}
	if _, ok := c.Get(ekstoken.CacheKey{ClusterName: "demo", Region: "eu-west-1", Identity: "AKIDINSTANCE"}); !ok {
		t.Error("the SDK-signed token was not cached under the SDK's identity")
	}
	failing := func(context.Context, Request, ekstoken.LocalCredentials) (Signing, error) {
		return Signing{}, errors.New("boom")
	}
	if err := Run(context.Background(), e, req, failing); err == nil || err.Error() != "boom" {
		t.Errorf("an SDK failure: %v", err)
	}
	noRegion := func(context.Context, Request, ekstoken.LocalCredentials) (Signing, error) {
		return Signing{Credentials: ekstoken.Credentials{AccessKeyID: "A", SecretAccessKey: "s"}}, nil
	}
	if err := Run(context.Background(), e, Request{Cluster: "demo"}, noRegion); !errors.Is(err, ekstoken.ErrNoRegion) {
		t.Errorf("no region anywhere: %v", err)
	}
}

func TestParse(t *testing.T) {
	var stderr bytes.Buffer
	r, err := Parse(&stderr, []string{"--cluster-name", "c", "--region", "r", "--role-arn", "a", "--profile", "p", "--no-cache"})
	if err != nil || r != (Request{Cluster: "c", Region: "r", RoleARN: "a", Profile: "p", NoCache: true}) {
		t.Errorf("Parse = %+v, %v", r, err)
	}
	for _, args := range [][]string{{}, {"--cluster-name", "c", "extra"}, {"--nope"}} {
		if _, err := Parse(&stderr, args); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
