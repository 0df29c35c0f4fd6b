package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

// front runs the front in-process; handed records what was handed over.
type front struct {
	environ map[string]string
	handed  [][]string
	admin   error // what handOver fails with (nil: it "runs" and exits 0)
}

func (f *front) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return f.environ[k] },
		handOver: func(a []string) (int, error) {
			f.handed = append(f.handed, a)
			return 0, f.admin
		}}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// newFront isolates the environment: files in a temporary HOME, a cache there.
func newFront(t *testing.T, extra map[string]string) *front {
	dir := t.TempDir()
	environ := map[string]string{
		"HOME":                        dir,
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"FARGATEKIT_CACHE_DIR":        filepath.Join(dir, "cache"),
	}
	for k, v := range extra {
		environ[k] = v
	}
	return &front{environ: environ}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// tokenOf parses the printed ExecCredential and returns the access key ID
// the token was signed with.
func tokenOf(t *testing.T, out string) string {
	t.Helper()
	var ec ekstoken.ExecCredential
	if err := json.Unmarshal([]byte(out), &ec); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	u, err := ekstoken.ParseToken(ec.Status.Token)
	if err != nil {
		t.Fatal(err)
	}
	id, _, _ := strings.Cut(u.Query().Get("X-Amz-Credential"), "/")
	return id
}

var tokenArgs = []string{"token", "--cluster-name", "demo", "--region", "eu-west-1"}

func TestTokenSignedHere(t *testing.T) {
	tests := []struct {
		name, config, credentials string
		env                       map[string]string
		args                      []string
		key                       string
	}{
		{"environment keys", "", "", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"}, nil, "AKIDENV"},
		{"default profile's keys, its region", "[default]\nregion = eu-west-1\n", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n",
			nil, []string{"token", "--cluster-name", "demo"}, "AKIDFILE"},
		{"--profile beats environment keys", "", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n",
			map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"}, append(tokenArgs, "--profile", "dev"), "AKIDDEV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFront(t, tt.env)
			writeFile(t, f.environ["AWS_CONFIG_FILE"], tt.config)
			writeFile(t, f.environ["AWS_SHARED_CREDENTIALS_FILE"], tt.credentials)
			args := tt.args
			if args == nil {
				args = tokenArgs
			}
			code, out, errs := f.run(t, args...)
			if code != 0 || len(f.handed) != 0 {
				t.Fatalf("exit %d, handed over %v: %s", code, f.handed, errs)
			}
			if got := tokenOf(t, out); got != tt.key {
				t.Errorf("signed by %s, want %s", got, tt.key)
			}
			if files, _ := filepath.Glob(filepath.Join(f.environ["FARGATEKIT_CACHE_DIR"], "*.json")); len(files) != 1 {
				t.Errorf("cache files %v, want one", files)
			}
		})
	}
}

func TestTokenHandedOver(t *testing.T) {
	tests := []struct {
		name   string
		config string
		env    map[string]string
		args   []string
	}{
		{"SSO profile", "[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n", nil, append(tokenArgs, "--profile", "sso")},
		{"role to assume", "", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"},
			append(tokenArgs, "--role-arn", "arn:aws:iam::123456789012:role/admin")},
		{"web identity", "", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"}, tokenArgs},
		{"nothing local: instance role", "", nil, tokenArgs},
		{"a file the reader is unsure of", "[default]\ns3 =\n  addressing_style = path\n", nil, tokenArgs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFront(t, tt.env)
			writeFile(t, f.environ["AWS_CONFIG_FILE"], tt.config)
			code, out, errs := f.run(t, tt.args...)
			if code != 0 || out != "" || !reflect.DeepEqual(f.handed, [][]string{tt.args}) {
				t.Fatalf("exit %d, out %q, handed %v, want %v: %s", code, out, f.handed, tt.args, errs)
			}
		})
	}
}

// A token the SDK path cached for an SSO profile is served by the front.
func TestTokenCachedForSSOProfile(t *testing.T) {
	f := newFront(t, nil)
	writeFile(t, f.environ["AWS_CONFIG_FILE"], "[profile sso]\nsso_session = corp\nregion = eu-west-1\n")
	tok, err := ekstoken.Presign(ekstoken.Credentials{AccessKeyID: "ASIASSO", SecretAccessKey: "s"}, "eu-west-1", "demo", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := &ekstoken.TokenCache{Dir: f.environ["FARGATEKIT_CACHE_DIR"]}
	if err := c.Put(ekstoken.CacheKey{ClusterName: "demo", Region: "eu-west-1", Identity: "profile:sso"}, tok); err != nil {
		t.Fatal(err)
	}
	code, out, errs := f.run(t, "token", "--cluster-name", "demo", "--profile", "sso")
	if code != 0 || len(f.handed) != 0 {
		t.Fatalf("exit %d, handed %v: %s", code, f.handed, errs)
	}
	if got := tokenOf(t, out); got != "ASIASSO" {
		t.Errorf("token signed by %s, want the cached one (ASIASSO)", got)
	}
}

func TestDispatch(t *testing.T) {
	noAdmin := errors.New("not here")
	tests := []struct {
		name     string
		args     []string
		admin    error
		code     int
		handed   bool
		contains string
	}{
		{"version", []string{"version"}, nil, 0, false, "fargatekit dev"},
		{"other verbs go to the admin binary", []string{"create", "cluster", "-f", "c.yaml"}, nil, 0, true, ""},
		{"help goes to the admin binary", []string{"help"}, nil, 0, true, ""},
		{"help without the admin binary", []string{"help"}, noAdmin, 0, true, "install it with: go install"},
		{"no command without the admin binary", nil, noAdmin, 2, true, "commands of this binary"},
		{"a verb without the admin binary", []string{"authmap", "list"}, noAdmin, 1, true, "fargatekit authmap: needs fargatekit-admin"},
		{"token usage error", []string{"token"}, nil, 2, false, "--cluster-name is required"},
		{"token bad region", []string{"token", "--cluster-name", "demo", "--region", "mars-1"}, nil, 1, false, "invalid token request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFront(t, map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"})
			f.admin = tt.admin
			code, out, errs := f.run(t, tt.args...)
			if code != tt.code || (len(f.handed) > 0) != tt.handed || !strings.Contains(out+errs, tt.contains) {
				t.Errorf("exit %d, handed %v, out %q, err %q", code, f.handed, out, errs)
			}
		})
	}
}

// TestHandOverForReal builds both binaries side by side, as go install puts
// them, and runs the front as kubectl would: a profile whose credentials come
// from a credential_process goes through fargatekit-admin and the AWS SDK;
// the cached token is then served by the front alone, with the admin binary
// gone.
func TestHandOverForReal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds both binaries")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the credential_process script is a shell script")
	}
	bin := t.TempDir()
	for _, pkg := range []string{".", "../fargatekit-admin"} {
		cmd := exec.Command("go", "build", "-o", bin, pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	f := newFront(t, nil)
	script := filepath.Join(f.environ["HOME"], "creds.sh")
	writeFile(t, script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\"}'\n")
	if err := os.Chmod(script, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, f.environ["AWS_CONFIG_FILE"], "[profile proc]\ncredential_process = "+script+"\nregion = eu-west-1\n")
	environ := []string{"PATH=/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED=true"}
	for k, v := range f.environ {
		environ = append(environ, k+"="+v)
	}
	runFront := func(args ...string) (string, error) {
		cmd := exec.Command(filepath.Join(bin, "fargatekit"), args...)
		cmd.Env = environ
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", errors.New(err.Error() + ": " + stderr.String())
		}
		return string(out), nil
	}
	out, err := runFront("token", "--cluster-name", "demo", "--profile", "proc")
	if err != nil {
		t.Fatal(err)
	}
	if got := tokenOf(t, out); got != "ASIAPROCESS" {
		t.Fatalf("signed by %s, want the credential_process's ASIAPROCESS", got)
	}
	if out, err := runFront("help"); err != nil || !strings.Contains(out, "create") {
		t.Errorf("help through the admin binary: %v\n%s", err, out)
	}
	if err := os.Remove(filepath.Join(bin, "fargatekit-admin")); err != nil {
		t.Fatal(err)
	}
	out, err = runFront("token", "--cluster-name", "demo", "--profile", "proc")
	if err != nil {
		t.Fatalf("the cached token needs no admin binary: %v", err)
	}
	if got := tokenOf(t, out); got != "ASIAPROCESS" {
		t.Errorf("cached token signed by %s", got)
	}
	if _, err := runFront("authmap", "list"); err == nil || !strings.Contains(err.Error(), "install it with") {
		t.Errorf("a verb without the admin binary: %v", err)
	}
}
