package kubeauth

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

// testCA returns the base64 PEM of testdata/ca.crt, as EKS returns CA data.
func testCA(t testing.TB) (b64 string, pem []byte) {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join("testdata", "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(pem), pem
}

func baseSpec(t testing.TB) KubeconfigSpec {
	ca, _ := testCA(t)
	return KubeconfigSpec{
		ClusterName: "demo",
		Endpoint:    "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
		CAData:      ca,
		Region:      "eu-west-1",
	}
}

func TestRenderKubeconfigGolden(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*KubeconfigSpec)
	}{
		{"fargatekit_default", func(*KubeconfigSpec) {}},
		{"fargatekit_role_profile_arn", func(s *KubeconfigSpec) {
			s.Exec = ExecFargatekit
			s.RoleARN = "arn:aws:iam::123456789012:role/eks-admin"
			s.Profile = "dev"
			s.ClusterARN = "arn:aws:eks:eu-west-1:123456789012:cluster/demo"
		}},
		{"aws_role_profile", func(s *KubeconfigSpec) {
			s.Exec = ExecAWS
			s.RoleARN = "arn:aws:iam::123456789012:role/eks-admin"
			s.Profile = "dev"
		}},
		{"aws_cn_alias", func(s *KubeconfigSpec) {
			s.Exec = ExecAWS
			s.Region = "cn-north-1"
			s.Endpoint = "https://ABC.yl4.cn-north-1.eks.amazonaws.com.cn"
			s.ClusterARN = "arn:aws-cn:eks:cn-north-1:123456789012:cluster/demo"
			s.Alias = "china"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := baseSpec(t)
			tt.modify(&spec)
			got, err := RenderKubeconfig(spec)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "testdata/render_"+tt.name+".yaml", []byte(got))
		})
	}
}

// TestRenderKubeconfigLoads reads the rendered YAML back with client-go and
// checks what kubectl will see.
func TestRenderKubeconfigLoads(t *testing.T) {
	_, pem := testCA(t)
	for _, mode := range []ExecMode{"", ExecFargatekit, ExecAWS} {
		spec := baseSpec(t)
		spec.Exec = mode
		spec.RoleARN = "arn:aws-us-gov:iam::123456789012:role/admin"
		spec.Profile = "ops"
		out, err := RenderKubeconfig(spec)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := clientcmd.Load([]byte(out))
		if err != nil {
			t.Fatalf("%q: client-go cannot load it: %v", mode, err)
		}
		name := "fargatekit_eu-west-1_demo"
		if cfg.CurrentContext != name || len(cfg.Contexts) != 1 || len(cfg.Clusters) != 1 || len(cfg.AuthInfos) != 1 {
			t.Fatalf("%q: entries: current %q, %d contexts, %d clusters, %d users", mode, cfg.CurrentContext,
				len(cfg.Contexts), len(cfg.Clusters), len(cfg.AuthInfos))
		}
		if c := cfg.Contexts[name]; c == nil || c.Cluster != name || c.AuthInfo != name {
			t.Fatalf("%q: context %+v", mode, c)
		}
		cl := cfg.Clusters[name]
		if cl.Server != spec.Endpoint || !bytes.Equal(cl.CertificateAuthorityData, pem) {
			t.Errorf("%q: cluster server %q, CA %d bytes", mode, cl.Server, len(cl.CertificateAuthorityData))
		}
		ex := cfg.AuthInfos[name].Exec
		if ex == nil {
			t.Fatalf("%q: no exec plugin", mode)
		}
		wantCmd, wantArgs := "fargatekit", []string{"token", "--cluster-name", "demo", "--region", "eu-west-1",
			"--role-arn", spec.RoleARN, "--profile", "ops"}
		if mode == ExecAWS {
			wantCmd, wantArgs = "aws", []string{"--region", "eu-west-1", "eks", "get-token", "--cluster-name", "demo",
				"--output", "json", "--role-arn", spec.RoleARN, "--profile", "ops"}
		}
		if ex.Command != wantCmd || !reflect.DeepEqual(ex.Args, wantArgs) {
			t.Errorf("%q: exec %s %q, want %s %q", mode, ex.Command, ex.Args, wantCmd, wantArgs)
		}
		if ex.APIVersion != "client.authentication.k8s.io/v1beta1" || ex.InteractiveMode != clientcmdapi.NeverExecInteractiveMode ||
			ex.ProvideClusterInfo {
			t.Errorf("%q: exec apiVersion %q interactiveMode %q provideClusterInfo %v", mode, ex.APIVersion,
				ex.InteractiveMode, ex.ProvideClusterInfo)
		}
		if !reflect.DeepEqual(ex.Env, []clientcmdapi.ExecEnvVar{{Name: "AWS_PROFILE", Value: "ops"}}) {
			t.Errorf("%q: env %v", mode, ex.Env)
		}
		if !strings.Contains(out, "provideClusterInfo: false") || !strings.Contains(out, "interactiveMode: Never") {
			t.Errorf("%q: YAML lacks explicit provideClusterInfo/interactiveMode:\n%s", mode, out)
		}
	}
}

func TestKubeconfigSpecValidate(t *testing.T) {
	ok := baseSpec(t)
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid spec refused: %v", err)
	}
	tests := []struct {
		name   string
		modify func(*KubeconfigSpec)
		want   []string
		is     error
	}{
		{"no region", func(s *KubeconfigSpec) { s.Region = "" }, []string{"no AWS region"}, ErrNoRegion},
		{"iso region", func(s *KubeconfigSpec) { s.Region = "us-iso-east-1" }, []string{"ISO"}, partition.ErrUnknown},
		{"bad name", func(s *KubeconfigSpec) { s.ClusterName = "-x" }, []string{"cluster name"}, nil},
		{"long name", func(s *KubeconfigSpec) { s.ClusterName = strings.Repeat("a", 101) }, []string{"cluster name"}, nil},
		{"http endpoint", func(s *KubeconfigSpec) { s.Endpoint = "http://x" }, []string{"endpoint"}, nil},
		{"CA not base64", func(s *KubeconfigSpec) { s.CAData = "!!" }, []string{"not base64"}, nil},
		{"CA not PEM", func(s *KubeconfigSpec) { s.CAData = base64.StdEncoding.EncodeToString([]byte("hello")) },
			[]string{"not a PEM"}, nil},
		{"CA empty", func(s *KubeconfigSpec) { s.CAData = "" }, []string{"CA data: empty"}, nil},
		{"user ARN", func(s *KubeconfigSpec) { s.RoleARN = "arn:aws:iam::123456789012:user/bob" }, []string{"role ARN"},
			partition.ErrInvalidARN},
		{"exec", func(s *KubeconfigSpec) { s.Exec = "kubectl" }, []string{"exec mode"}, nil},
		{"profile", func(s *KubeconfigSpec) { s.Profile = "a b" }, []string{"profile"}, nil},
		{"cluster ARN", func(s *KubeconfigSpec) { s.ClusterARN = "arn:aws:iam::123456789012:role/x" }, []string{"cluster ARN"}, nil},
		{"all at once", func(s *KubeconfigSpec) { *s = KubeconfigSpec{} },
			[]string{"cluster name", "endpoint", "CA data", "no AWS region"}, ErrNoRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := baseSpec(t)
			tt.modify(&spec)
			err := spec.Validate()
			if !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("got %v, want ErrInvalidSpec", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("got %v, want it to wrap %v", err, tt.is)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, rerr := RenderKubeconfig(spec); !errors.Is(rerr, ErrInvalidSpec) {
				t.Errorf("RenderKubeconfig accepted the spec: %v", rerr)
			}
		})
	}
}

// TestMergeKubeconfigGolden merges into a kubeconfig with unrelated entries
// and a stale entry for the same cluster.
func TestMergeKubeconfigGolden(t *testing.T) {
	existing, err := os.ReadFile(filepath.Join("testdata", "merge_existing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	spec := baseSpec(t)
	spec.ClusterARN = "arn:aws:eks:eu-west-1:123456789012:cluster/demo"
	merged, existed, err := mergeKubeconfig(existing, spec)
	if err != nil {
		t.Fatal(err)
	}
	if !existed {
		t.Error("existed = false; the stale demo entry was there")
	}
	golden.Assert(t, "testdata/merge_result.yaml", merged)

	before, _ := clientcmd.Load(existing)
	after, err := clientcmd.Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kind-kind", "minikube"} {
		if !reflect.DeepEqual(before.Clusters[name], after.Clusters[name]) ||
			!reflect.DeepEqual(before.AuthInfos[name], after.AuthInfos[name]) ||
			!reflect.DeepEqual(before.Contexts[name], after.Contexts[name]) {
			t.Errorf("unrelated entry %s changed", name)
		}
	}
	if after.CurrentContext != spec.ClusterARN {
		t.Errorf("current-context %q", after.CurrentContext)
	}
	if got := after.Clusters[spec.ClusterARN].Server; got != spec.Endpoint {
		t.Errorf("stale server kept: %q", got)
	}
	if got := after.AuthInfos[spec.ClusterARN].Exec.Command; got != "fargatekit" {
		t.Errorf("stale user kept: command %q", got)
	}

	// Merging into nothing gives the rendered kubeconfig.
	fresh, _ := MergeKubeconfig(nil, spec)
	rendered, _ := RenderKubeconfig(spec)
	if string(fresh) != rendered {
		t.Errorf("merge into empty differs from RenderKubeconfig:\n%s\n%s", fresh, rendered)
	}
	if _, err := MergeKubeconfig([]byte("clusters: {"), spec); err == nil {
		t.Error("corrupt existing kubeconfig accepted")
	}
}

func TestUpdateKubeconfigFile(t *testing.T) {
	dir := t.TempDir()
	spec := baseSpec(t)

	// New file in a new directory: 0700 dir, 0600 file.
	path := filepath.Join(dir, "kube", "config")
	ctx, existed, err := UpdateKubeconfigFile(path, spec)
	if err != nil || existed || ctx != "fargatekit_eu-west-1_demo" {
		t.Fatalf("new file: ctx %q existed %v err %v", ctx, existed, err)
	}
	assertMode(t, filepath.Dir(path), 0o700)
	assertMode(t, path, 0o600)

	// Second run: existed, same content.
	first, _ := os.ReadFile(path)
	if _, existed, err = UpdateKubeconfigFile(path, spec); err != nil || !existed {
		t.Fatalf("second run: existed %v err %v", existed, err)
	}
	if second, _ := os.ReadFile(path); !bytes.Equal(first, second) {
		t.Error("second run changed the file")
	}

	// An existing file keeps its mode and its other entries; a symlink is followed.
	other := filepath.Join(dir, "other")
	existing, _ := os.ReadFile(filepath.Join("testdata", "merge_existing.yaml"))
	if err := os.WriteFile(other, existing, 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(other, link); err != nil {
		t.Fatal(err)
	}
	spec.Alias = "demo"
	if ctx, _, err = UpdateKubeconfigFile(link, spec); err != nil || ctx != "demo" {
		t.Fatalf("via symlink: ctx %q err %v", ctx, err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("symlink replaced by a file")
	}
	assertMode(t, other, 0o640)
	cfg, err := clientcmd.LoadFromFile(other)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Contexts["kind-kind"] == nil || cfg.Contexts["demo"] == nil || cfg.CurrentContext != "demo" {
		t.Errorf("merged file: contexts %v current %q", keys(cfg.Contexts), cfg.CurrentContext)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	if _, _, err := UpdateKubeconfigFile("", spec); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("empty path: %v", err)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", path, got, want)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestValidClusterName(t *testing.T) {
	for s, want := range map[string]bool{
		"demo": true, "a": true, "0-x_Y": true, strings.Repeat("a", 100): true,
		"": false, "-a": false, "_a": false, "a.b": false, "a b": false, strings.Repeat("a", 101): false, "é": false,
	} {
		if got := ekstoken.ValidClusterName(s); got != want {
			t.Errorf("ValidClusterName(%q) = %v", s, got)
		}
	}
}
