package provider

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/internal/mototest"
)

// notCrossLanguage are the Go Args fields no cross-language input reaches,
// and why. Every other field must be reached (TestEveryGoInputIsReachable).
var notCrossLanguage = map[string]string{
	// NewLBCRelease refuses it: the component makes the controller's role.
	"LBCReleaseArgs.ReleaseSpec.Settings.ServiceAccountRoleARN": "refused by lbc.NewLBCRelease",
	// Dependencies on resources of another component cannot cross a
	// language boundary; a FargateCluster's clusterRef resolves only once
	// the cluster's Construct (CoreDNS included) has finished.
	"IRSARoleArgs.Cluster.Ready":       "ordering through clusterRef's resolution",
	"LBCReleaseArgs.Cluster.Ready":     "ordering through clusterRef's resolution",
	"AwsAuthMappingArgs.Cluster.Ready": "ordering through clusterRef's resolution",
}

var (
	stringInput      = reflect.TypeFor[pulumi.StringInput]()
	stringArrayInput = reflect.TypeFor[pulumi.StringArrayInput]()
	clusterRefInput  = reflect.TypeFor[ClusterRefInput]()
)

// fill sets every field of a cross-language args value, recursively, each
// to a value of its own (see tracer), one element per list and map.
func fill(t *testing.T, v reflect.Value) {
	t.Helper()
	(&tracer{paths: map[int]string{}}).fill(t, "", v)
}

// unset lists the exported fields of a Go Args value left zero (nil, "",
// 0, false, empty), by path, descending into structs, pointers, the first
// element of lists and maps, and a clusterref.Cluster.
func unset(path string, v reflect.Value) []string {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return []string{path}
		}
		if c, ok := v.Interface().(clusterref.Cluster); ok {
			return unset(path, reflect.ValueOf(c))
		}
		return nil
	case reflect.Pointer:
		if v.IsNil() {
			return []string{path}
		}
		if v.Elem().Kind() == reflect.Struct && strings.HasPrefix(v.Elem().Type().PkgPath(), "github.com/fargatekit/") {
			return unset(path, v.Elem())
		}
		return nil
	case reflect.Struct:
		var out []string
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			out = append(out, unset(path+"."+f.Name, v.Field(i))...)
		}
		return out
	case reflect.Slice, reflect.Map:
		if v.Len() == 0 {
			return []string{path}
		}
		if v.Kind() == reflect.Slice {
			return unset(path+"[0]", v.Index(0))
		}
		it := v.MapRange()
		it.Next()
		return unset(path+"[k]", it.Value())
	}
	if v.IsZero() {
		return []string{path}
	}
	return nil
}

// TestEveryGoInputIsReachable converts fully set cross-language args and
// checks that every field of the Go Args they become is set: a field added
// to a Go Args (or to the SDK spec it embeds) without a cross-language
// counterpart fails here, naming it.
func TestEveryGoInputIsReachable(t *testing.T) {
	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		facts := property.New(property.NewMap(map[string]property.Value{
			"fargateOnly": property.New(true), "hasFargateProfiles": property.New(true),
			"authenticationMode": property.New("x"), "kubeconfig": property.New("x"),
			"fargateProfiles": property.New(property.NewArray([]property.Value{property.New(property.NewMap(map[string]property.Value{
				"name": property.New("x"), "selectors": property.New(property.NewArray([]property.Value{property.New(property.NewMap(
					map[string]property.Value{"namespace": property.New("x"), "labels": property.New(property.NewMap(
						map[string]property.Value{"k": property.New("x")}))}))})),
			}))})),
		}))
		ctx = ctx.WithValue(rawInputsKey{}, property.NewMap(map[string]property.Value{"cluster": facts}))
		// The component's dependsOn is what reaches IRSA's ServiceAccountDependsOn.
		dep, err := kubernetes.NewProvider(ctx, "namespace-stand-in", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		opt := pulumi.Composite(pulumi.DependsOn([]pulumi.Resource{dep}))

		var fc FargateClusterArgs
		fill(t, reflect.ValueOf(&fc).Elem())
		check(t, "FargateClusterArgs", goClusterArgs(fc))

		// With providerKubeconfig the Go KubernetesProvider is set and the
		// cluster's is not made (the override wins, as in Go); without it,
		// the cluster's is.
		for _, override := range []bool{true, false} {
			var ir IRSARoleArgs
			fill(t, reflect.ValueOf(&ir).Elem())
			var lb LBCReleaseArgs
			fill(t, reflect.ValueOf(&lb).Elem())
			var am AwsAuthMappingArgs
			fill(t, reflect.ValueOf(&am).Elem())
			skip := func(name string) string {
				if override {
					return name + ".Cluster.KubernetesProvider"
				}
				ir.ProviderKubeconfig, lb.ProviderKubeconfig, am.ProviderKubeconfig = nil, nil, nil
				return name + ".KubernetesProvider"
			}
			skipIR, skipLB, skipAM := skip("IRSARoleArgs"), skip("LBCReleaseArgs"), skip("AwsAuthMappingArgs")
			goIR, err := goIRSAArgs(ctx, "x", ir, placeholderProvider, opt)
			if err != nil {
				return err
			}
			check(t, "IRSARoleArgs", goIR, skipIR)
			goLB, err := goLBCArgs(ctx, "x", lb, placeholderProvider, opt)
			if err != nil {
				return err
			}
			check(t, "LBCReleaseArgs", goLB, skipLB)
			goAM, err := goAuthArgs(ctx, "x", am, placeholderProvider, opt)
			if err != nil {
				return err
			}
			check(t, "AwsAuthMappingArgs", goAM, skipAM)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, name string, goArgs any, expected ...string) {
	t.Helper()
	for _, path := range unset(name, reflect.ValueOf(goArgs)) {
		if _, ok := notCrossLanguage[path]; !ok && !slices.Contains(expected, path) {
			t.Errorf("%s: no cross-language input reaches it (add one, or list it in notCrossLanguage with the reason)", path)
		}
	}
}

// TestHookAWSConfig loads hookAws's configuration against moto_server (the
// endpoint given as AWS_ENDPOINT_URL): the profile's credentials in the
// cluster's region, and with roleArn the hooks calling AWS as the assumed
// role.
func TestHookAWSConfig(t *testing.T) {
	moto := mototest.New(t)
	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfgFile, []byte("[profile ops]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credFile, []byte("[ops]\naws_access_key_id = AKIAOPSPROFILE000000\naws_secret_access_key = secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"AWS_CONFIG_FILE": cfgFile, "AWS_SHARED_CREDENTIALS_FILE": credFile,
		"AWS_ENDPOINT_URL": moto.URL, "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00000", "AWS_SECRET_ACCESS_KEY": "env",
		"AWS_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	role := "arn:aws:iam::" + mototest.AccountID + ":role/hooks"
	for _, tc := range []struct {
		name      string
		hook      HookAWS
		wantKey   string // the access key used, "" for an assumed role's
		wantAsArn string
	}{
		{name: "profile", hook: HookAWS{Profile: "ops"}, wantKey: "AKIAOPSPROFILE000000"},
		{name: "profile and role", hook: HookAWS{Profile: "ops", RoleARN: role}, wantAsArn: ":assumed-role/hooks/"},
		{name: "default chain and role", hook: HookAWS{RoleARN: role}, wantAsArn: ":assumed-role/hooks/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := goClusterArgs(FargateClusterArgs{HookAWS: &tc.hook})
			cfg, err := fc.HookAWSConfig(t.Context(), "us-west-2")
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Region != "us-west-2" {
				t.Errorf("region %q, want the cluster's, us-west-2 (not the profile's)", cfg.Region)
			}
			creds, err := cfg.Credentials.Retrieve(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantKey != "" && creds.AccessKeyID != tc.wantKey {
				t.Errorf("access key %q, want %q", creds.AccessKeyID, tc.wantKey)
			}
			if tc.wantAsArn != "" {
				id, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(aws.ToString(id.Arn), tc.wantAsArn) {
					t.Errorf("caller %s, want the assumed role (%s)", aws.ToString(id.Arn), tc.wantAsArn)
				}
			}
		})
	}
	// Without hookAws, Go's default (the component's own) applies.
	if fc := goClusterArgs(FargateClusterArgs{}); fc.HookAWSConfig != nil {
		t.Error("HookAWSConfig set without hookAws")
	}
}
