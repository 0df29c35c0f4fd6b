package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
)

var fakeCA = base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))

// fakeEKSServer answers DescribeCluster (GET /clusters/{name}, REST-JSON) as
// EKS documents it, for the SDK pointed at it with AWS_ENDPOINT_URL_EKS. It
// records the SigV4 Authorization headers it gets.
func fakeEKSServer(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		name, ok := strings.CutPrefix(r.URL.Path, "/clusters/")
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodGet || !ok || name != "demo" {
			w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"message": "No cluster found for name: " + name + "."})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"cluster": map[string]any{
			"name": "demo", "arn": "arn:aws:eks:eu-west-1:123456789012:cluster/demo", "status": "ACTIVE",
			"endpoint":             "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
			"certificateAuthority": map[string]string{"data": fakeCA},
		}})
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), auths...) }
}

// eksTestEnv isolates the AWS environment, with static credentials in the
// process environment too, and points the SDK's EKS client at the fake.
func eksTestEnv(t *testing.T) (environ map[string]string, requests func() []string) {
	srv, requests := fakeEKSServer(t)
	environ = isolatedAWSEnv(t, envCreds)
	for k, v := range envCreds {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ENDPOINT_URL_EKS", srv.URL)
	environ["AWS_ENDPOINT_URL_EKS"] = srv.URL
	return environ, requests
}

func TestKubeconfigCommand(t *testing.T) {
	environ, auths := eksTestEnv(t)
	path := filepath.Join(environ["HOME"], "kube", "config")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte(`apiVersion: v1
kind: Config
current-context: kind
clusters: [{name: kind, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: kind, user: {token: abc}}]
contexts: [{name: kind, context: {cluster: kind, user: kind}}]
`), 0o600)

	code, out, errs := runCLI(t, environ, "kubeconfig", "--cluster-name", "demo", "--region", "eu-west-1", "--kubeconfig", path)
	arn := "arn:aws:eks:eu-west-1:123456789012:cluster/demo"
	if code != 0 || out != "Added new context "+arn+" to "+path+"\n" {
		t.Fatalf("exit %d out %q err %q", code, out, errs)
	}
	if a := auths(); len(a) != 1 || !strings.Contains(a[0], "Credential=AKIDEXAMPLE/") || !strings.Contains(a[0], "/eu-west-1/eks/aws4_request") {
		t.Errorf("DescribeCluster requests: %q", a)
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != arn || cfg.Contexts["kind"] == nil || cfg.AuthInfos["kind"].Token != "abc" {
		t.Errorf("merged: current %q contexts %d", cfg.CurrentContext, len(cfg.Contexts))
	}
	if c := cfg.Clusters[arn]; c == nil || c.Server != "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com" {
		t.Errorf("cluster entry %+v", c)
	}
	ex := cfg.AuthInfos[arn].Exec
	if ex.Command != "fargatekit" || !reflect.DeepEqual(ex.Args, []string{"token", "--cluster-name", "demo", "--region", "eu-west-1"}) {
		t.Errorf("exec %s %q", ex.Command, ex.Args)
	}

	// Again, via KUBECONFIG, with the aws CLI, a role, a profile and an alias.
	environ["KUBECONFIG"] = path + string(filepath.ListSeparator) + "/elsewhere"
	environ["AWS_REGION"] = "eu-west-1"
	code, out, errs = runCLI(t, environ, "kubeconfig", "--cluster-name", "demo", "--exec", "aws", "--alias", "prod",
		"--role-arn", "arn:aws:iam::123456789012:role/admin")
	if code != 0 || out != "Updated context prod in "+path+"\n" {
		t.Fatalf("exit %d out %q err %q", code, out, errs)
	}
	cfg, _ = clientcmd.LoadFromFile(path)
	ex = cfg.AuthInfos[arn].Exec
	if cfg.CurrentContext != "prod" || ex.Command != "aws" || ex.Args[len(ex.Args)-1] != "arn:aws:iam::123456789012:role/admin" {
		t.Errorf("current %q exec %s %q", cfg.CurrentContext, ex.Command, ex.Args)
	}

	// --dry-run prints and leaves the file alone.
	before, _ := os.ReadFile(path)
	code, out, _ = runCLI(t, environ, "kubeconfig", "--cluster-name", "demo", "--alias", "dry", "--dry-run")
	if after, _ := os.ReadFile(path); code != 0 || !strings.Contains(out, "name: dry") || string(after) != string(before) {
		t.Errorf("dry run: exit %d, file changed %v", code, string(after) != string(before))
	}
}

func TestKubeconfigCommandErrors(t *testing.T) {
	environ, _ := eksTestEnv(t)
	tests := []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"kubeconfig"}, 2, "--cluster-name is required"},
		{[]string{"kubeconfig", "--cluster-name", "demo", "--exec", "kubectl"}, 2, "--exec"},
		{[]string{"kubeconfig", "--cluster-name", "demo"}, 1, "no AWS region"},
		{[]string{"kubeconfig", "--cluster-name", "nope", "--region", "eu-west-1"}, 1, "ResourceNotFoundException"},
	}
	for _, tt := range tests {
		code, _, errs := runCLI(t, environ, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.contains) {
			t.Errorf("%v: exit %d stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.contains)
		}
	}
	if _, err := os.Stat(filepath.Join(environ["HOME"], ".kube", "config")); !os.IsNotExist(err) {
		t.Errorf("failed runs wrote a kubeconfig: %v", err)
	}
}

// TestKubeconfigCommandDefaultPath writes ~/.kube/config (0600 in a new 0700
// directory) when neither --kubeconfig nor KUBECONFIG is given.
func TestKubeconfigCommandDefaultPath(t *testing.T) {
	environ, _ := eksTestEnv(t)
	code, out, errs := runCLI(t, environ, "kubeconfig", "--cluster-name", "demo", "--region", "eu-west-1")
	path := filepath.Join(environ["HOME"], ".kube", "config")
	if code != 0 || !strings.HasSuffix(out, " to "+path+"\n") {
		t.Fatalf("exit %d out %q err %q", code, out, errs)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", p, fi.Mode().Perm(), want)
		}
	}
}

// TestKubeconfigCommandProfile: --profile picks the profile's keys and
// region for DescribeCluster, and the exec plugin gets AWS_PROFILE.
func TestKubeconfigCommandProfile(t *testing.T) {
	environ, requests := eksTestEnv(t)
	os.WriteFile(environ["AWS_CONFIG_FILE"], []byte("[profile dev]\nregion = eu-west-1\n"), 0o600)
	os.WriteFile(environ["AWS_SHARED_CREDENTIALS_FILE"], []byte("[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n"), 0o600)
	path := filepath.Join(environ["HOME"], "config")
	code, _, errs := runCLI(t, environ, "kubeconfig", "--cluster-name", "demo", "--profile", "dev", "--kubeconfig", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if r := requests(); len(r) != 1 || !strings.Contains(r[0], "Credential=AKIDPROFILE/") || !strings.Contains(r[0], "/eu-west-1/eks/") {
		t.Errorf("DescribeCluster requests %q", r)
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ex := cfg.AuthInfos["arn:aws:eks:eu-west-1:123456789012:cluster/demo"].Exec
	if len(ex.Env) != 1 || ex.Env[0].Name != "AWS_PROFILE" || ex.Env[0].Value != "dev" ||
		!reflect.DeepEqual(ex.Args, []string{"token", "--cluster-name", "demo", "--region", "eu-west-1", "--profile", "dev"}) {
		t.Errorf("exec env %v args %q", ex.Env, ex.Args)
	}
}
