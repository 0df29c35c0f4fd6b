package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// isolatedAWSEnv keeps the SDK away from the machine's AWS configuration,
// credentials and instance metadata, in the process environment (read by the
// SDK's default chain) and in the returned map (read through env.getenv).
func isolatedAWSEnv(t *testing.T, extra map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	environ := map[string]string{
		"HOME":                        dir,
		"AWS_CONFIG_FILE":             filepath.Join(dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"FARGATEKIT_CACHE_DIR":        filepath.Join(dir, "cache"),
	}
	for k, v := range extra {
		environ[k] = v
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "KUBECONFIG",
		"HOME", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"} {
		t.Setenv(k, environ[k])
	}
	return environ
}

var envCreds = map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}

func parseExecCredential(t *testing.T, out string) ekstoken.ExecCredential {
	t.Helper()
	var ec ekstoken.ExecCredential
	if err := json.Unmarshal([]byte(out), &ec); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	return ec
}

func staticProvider(key, secret string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, nil
	})
}

// seedCache stores a token signed at signedAt under the key the command uses.
func seedCache(t *testing.T, environ map[string]string, key ekstoken.CacheKey, signedAt time.Time) ekstoken.Token {
	t.Helper()
	tok, err := kubeauth.GetToken(context.Background(), kubeauth.TokenOptions{ClusterName: key.ClusterName, Region: key.Region,
		Credentials: staticProvider("AKIDSEEDED", "secret"), Now: func() time.Time { return signedAt }})
	if err != nil {
		t.Fatal(err)
	}
	c := &ekstoken.TokenCache{Dir: environ["FARGATEKIT_CACHE_DIR"]}
	if err := c.Put(key, tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokenCommand(t *testing.T) {
	environ := isolatedAWSEnv(t, envCreds)
	code, out, errs := runCLI(t, environ, "token", "--cluster-name", "demo", "--region", "eu-west-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	ec := parseExecCredential(t, out)
	if ec.Kind != "ExecCredential" || ec.APIVersion != ekstoken.ExecCredentialV1Beta1 {
		t.Errorf("kind %q apiVersion %q", ec.Kind, ec.APIVersion)
	}
	u, err := ekstoken.ParseToken(ec.Status.Token)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "sts.eu-west-1.amazonaws.com" || !strings.HasPrefix(u.Query().Get("X-Amz-Credential"), "AKIDEXAMPLE/") {
		t.Errorf("token URL %s", u)
	}
	exp, err := time.Parse(time.RFC3339, ec.Status.ExpirationTimestamp)
	if err != nil || time.Until(exp) > 14*time.Minute || time.Until(exp) < 13*time.Minute {
		t.Errorf("expirationTimestamp %q", ec.Status.ExpirationTimestamp)
	}
	files, _ := filepath.Glob(filepath.Join(environ["FARGATEKIT_CACHE_DIR"], "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %o", fi.Mode().Perm())
	}
}

// TestTokenCommandCache proves hits by seeding the cache with a token the
// command could not have made (other credentials, signed earlier).
func TestTokenCommandCache(t *testing.T) {
	environ := isolatedAWSEnv(t, envCreds)
	environ["AWS_REGION"] = "eu-west-1"
	key := ekstoken.CacheKey{ClusterName: "demo", Region: "eu-west-1", Identity: "AKIDEXAMPLE"}
	seeded := seedCache(t, environ, key, time.Now().Add(-5*time.Minute))

	_, out, errs := runCLI(t, environ, "token", "--cluster-name", "demo")
	if got := parseExecCredential(t, out).Status.Token; got != seeded.Value {
		t.Fatalf("cached token not used (stderr %s)", errs)
	}
	_, out, _ = runCLI(t, environ, "token", "--cluster-name", "demo", "--no-cache")
	if got := parseExecCredential(t, out).Status.Token; got == seeded.Value {
		t.Fatal("--no-cache used the cache")
	}
	// --no-cache neither read nor wrote: the seeded token is still served.
	_, out, _ = runCLI(t, environ, "token", "--cluster-name", "demo")
	if got := parseExecCredential(t, out).Status.Token; got != seeded.Value {
		t.Fatal("--no-cache overwrote the cache")
	}

	// Other credentials, cluster or role miss.
	for _, args := range [][]string{
		{"token", "--cluster-name", "other"},
		{"token", "--cluster-name", "demo", "--region", "eu-west-2"},
	} {
		_, out, _ := runCLI(t, environ, args...)
		if parseExecCredential(t, out).Status.Token == seeded.Value {
			t.Errorf("%v: hit on another key", args)
		}
	}
	other := map[string]string{}
	for k, v := range environ {
		other[k] = v
	}
	other["AWS_ACCESS_KEY_ID"] = "AKIDOTHER"
	if _, out, _ := runCLI(t, other, "token", "--cluster-name", "demo"); parseExecCredential(t, out).Status.Token == seeded.Value {
		t.Error("hit for other credentials")
	}

	// Within a minute of expiry the token is replaced, and the cache rewritten.
	seedCache(t, environ, key, time.Now().Add(-13*time.Minute-time.Second))
	_, out, _ = runCLI(t, environ, "token", "--cluster-name", "demo")
	fresh := parseExecCredential(t, out).Status.Token
	u, _ := ekstoken.ParseToken(fresh)
	if u == nil || !strings.HasPrefix(u.Query().Get("X-Amz-Credential"), "AKIDEXAMPLE/") {
		t.Fatal("near-expiry cached token served")
	}
	if _, out, _ = runCLI(t, environ, "token", "--cluster-name", "demo"); parseExecCredential(t, out).Status.Token != fresh {
		t.Error("fresh token not cached")
	}

	// A corrupt cache file is ignored and rewritten.
	c := &ekstoken.TokenCache{Dir: environ["FARGATEKIT_CACHE_DIR"]}
	os.WriteFile(c.Path(key), []byte("garbage"), 0o600)
	code, out, errs := runCLI(t, environ, "token", "--cluster-name", "demo")
	if code != 0 {
		t.Fatalf("corrupt cache: exit %d %s", code, errs)
	}
	if tok, ok := c.Get(key); !ok || tok.Value != parseExecCredential(t, out).Status.Token {
		t.Error("corrupt cache file not rewritten")
	}
}

// TestTokenCommandRoleCached: with --role-arn, a cached token is served
// without calling STS (this test has no network); the role is in the key.
func TestTokenCommandRoleCached(t *testing.T) {
	environ := isolatedAWSEnv(t, envCreds)
	role := "arn:aws:iam::123456789012:role/eks-admin"
	seeded := seedCache(t, environ, ekstoken.CacheKey{ClusterName: "demo", Region: "eu-west-1", RoleARN: role,
		Identity: "AKIDEXAMPLE"}, time.Now())
	code, out, errs := runCLI(t, environ, "token", "--cluster-name", "demo", "--region", "eu-west-1", "--role-arn", role)
	if code != 0 || parseExecCredential(t, out).Status.Token != seeded.Value {
		t.Fatalf("exit %d, cached role token not served: %s", code, errs)
	}
}

// TestTokenCommandProfile goes through the SDK's default chain: a profile
// with static keys in the shared credentials file, its region in config.
func TestTokenCommandProfile(t *testing.T) {
	environ := isolatedAWSEnv(t, map[string]string{"AWS_PROFILE": "dev"})
	t.Setenv("AWS_PROFILE", "dev")
	os.WriteFile(environ["AWS_CONFIG_FILE"], []byte("[profile dev]\nregion = ca-central-1\n"), 0o600)
	os.WriteFile(environ["AWS_SHARED_CREDENTIALS_FILE"], []byte("[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n"), 0o600)
	code, out, errs := runCLI(t, environ, "token", "--cluster-name", "demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	u, err := ekstoken.ParseToken(parseExecCredential(t, out).Status.Token)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "sts.ca-central-1.amazonaws.com" || !strings.HasPrefix(u.Query().Get("X-Amz-Credential"), "AKIDPROFILE/20") {
		t.Errorf("token URL %s", u)
	}
	c := &ekstoken.TokenCache{Dir: environ["FARGATEKIT_CACHE_DIR"]}
	if _, ok := c.Get(ekstoken.CacheKey{ClusterName: "demo", Region: "ca-central-1", Identity: "AKIDPROFILE"}); !ok {
		t.Error("not cached under the profile's access key")
	}
}

// TestTokenCommandProfileFlag: --profile, as the kubeconfigs pass it, wins
// over static keys in the environment (AWS_PROFILE alone would not), on the
// uncached path and in the cache key.
func TestTokenCommandProfileFlag(t *testing.T) {
	environ := isolatedAWSEnv(t, envCreds) // ambient static keys: AKIDEXAMPLE
	os.WriteFile(environ["AWS_CONFIG_FILE"], []byte("[profile dev]\nregion = ca-central-1\n"), 0o600)
	os.WriteFile(environ["AWS_SHARED_CREDENTIALS_FILE"], []byte("[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n"), 0o600)
	for _, run := range []string{"uncached", "cached"} {
		code, out, errs := runCLI(t, environ, "token", "--cluster-name", "demo", "--profile", "dev")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", run, code, errs)
		}
		u, err := ekstoken.ParseToken(parseExecCredential(t, out).Status.Token)
		if err != nil {
			t.Fatal(err)
		}
		if u.Host != "sts.ca-central-1.amazonaws.com" || !strings.HasPrefix(u.Query().Get("X-Amz-Credential"), "AKIDPROFILE/20") {
			t.Errorf("%s: token URL %s: not signed by the --profile's key in its region", run, u)
		}
	}
	code, out, _ := runCLI(t, environ, "token", "--cluster-name", "demo", "--region", "ca-central-1")
	if u, _ := ekstoken.ParseToken(parseExecCredential(t, out).Status.Token); code != 0 || u == nil ||
		!strings.HasPrefix(u.Query().Get("X-Amz-Credential"), "AKIDEXAMPLE/20") {
		t.Errorf("without --profile the environment's keys sign (exit %d, %v)", code, u)
	}
}

func TestTokenCommandErrors(t *testing.T) {
	environ := isolatedAWSEnv(t, envCreds)
	tests := []struct {
		args     []string
		env      map[string]string
		code     int
		contains string
	}{
		{[]string{"token"}, environ, 2, "--cluster-name is required"},
		{[]string{"token", "--cluster-name", "demo", "extra"}, environ, 2, "unexpected arguments"},
		{[]string{"token", "--cluster-name", "demo"}, environ, 1, "no AWS region"},
		{[]string{"token", "--cluster-name", "demo", "--region", "moon-1"}, environ, 1, "region"},
		{[]string{"token", "--cluster-name", "demo", "--region", "eu-west-1", "--role-arn", "nope"}, environ, 1, "role ARN"},
	}
	for _, tt := range tests {
		code, out, errs := runCLI(t, tt.env, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.contains) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d and %q", tt.args, code, out, errs, tt.code, tt.contains)
		}
	}
	// Without any credentials the SDK chain's error surfaces.
	bare := isolatedAWSEnv(t, nil)
	if code, _, errs := runCLI(t, bare, "token", "--cluster-name", "demo", "--region", "eu-west-1"); code != 1 ||
		!strings.Contains(strings.ToLower(errs), "credentials") {
		t.Errorf("no credentials: exit %d %q", code, errs)
	}
}

func TestTokenCommandExecInfo(t *testing.T) {
	environ := isolatedAWSEnv(t, envCreds)
	environ["KUBERNETES_EXEC_INFO"] = `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`
	_, out, errs := runCLI(t, environ, "token", "--cluster-name", "demo", "--region", "eu-west-1")
	if ec := parseExecCredential(t, out); ec.APIVersion != ekstoken.ExecCredentialV1 {
		t.Errorf("apiVersion %q (stderr %s)", ec.APIVersion, errs)
	}
}
