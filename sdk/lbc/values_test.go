package lbc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/golden"
)

func fargateSpec() ValuesSpec {
	return ValuesSpec{ClusterName: "demo", Region: "eu-west-1", VpcID: "vpc-0123456789abcdef0", Settings: Settings{
		Fargate: true, ServiceAccountName: DefaultServiceAccount, DefaultTags: map[string]string{"team": "web"},
	}}
}

// chartValues loads the chart's own values for v3.5.0 (testdata copy, or the
// shared reference when present, which must then be identical).
func chartValues(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "reference", "chart_values_3.5.0.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if shared, err := os.ReadFile(filepath.Join("..", "..", "shared", "reference", "lbc", "chart_values_3.5.0.yaml")); err == nil && string(shared) != string(raw) {
		t.Fatal("testdata/reference/chart_values_3.5.0.yaml differs from the shared reference: copy it again")
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// keyPaths lists the dotted paths of every leaf of v.
func keyPaths(prefix string, v any) []string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return []string{prefix}
	}
	var out []string
	for k, x := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		out = append(out, keyPaths(p, x)...)
	}
	slices.Sort(out)
	return out
}

// inChart reports whether a dotted path exists in the chart values, or lies
// under a key whose chart default is an empty map (a free-form map such as
// podDisruptionBudget, defaultTags or serviceAccount.annotations).
func inChart(chart map[string]any, path string) bool {
	var cur any = chart
	for i, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if len(m) == 0 && i > 0 {
			return true
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

// valuesVariants are specs that, together, make Values write every key it
// can, for a controller version.
func valuesVariants(t *testing.T, version string) map[string]ValuesSpec {
	t.Helper()
	specs := map[string]ValuesSpec{}
	s := fargateSpec()
	s.Version = version
	specs["fargate"] = s
	s.ServiceAccountName, s.ServiceAccountRoleARN = "", "arn:aws:iam::123456789012:role/lbc"
	s.Image, s.Replicas, s.PDBMaxUnavailable, s.DisableServiceMutatorWebhook = ImageRegional, 3, 2, true
	cert, err := NewWebhookCertificate("kube-system", "", time.Unix(1e9, 0))
	if err != nil {
		t.Fatal(err)
	}
	s.WebhookTLS = &cert
	specs["chart-sa-regional-tls"] = s
	s = fargateSpec()
	s.Version = version
	s.Fargate, s.DefaultTargetType, s.Replicas = false, TargetInstance, 1
	specs["ec2-single"] = s
	return specs
}

// TestValuesKeysExistInChart checks that every value the renderer writes is
// a key of the chart's values.yaml: for v3.5.0 from the testdata copy, and
// for every row of the table from its real archive when the reference
// directory is there (TestRealChartsValuesKeys).
func TestValuesKeysExistInChart(t *testing.T) {
	seen := checkValuesKeys(t, DefaultVersion, chartValues(t))
	// The test covers every key the renderer can write.
	for _, p := range []string{"clusterName", "region", "vpcId", "keepTLSSecret", "replicaCount", "enableServiceMutatorWebhook",
		"image.repository", "image.tag", "serviceAccount.create", "serviceAccount.name", "serviceAccount.annotations.eks.amazonaws.com/role-arn",
		"defaultTargetType", "podDisruptionBudget.maxUnavailable", "defaultTags.team", "webhookTLS.caCert", "webhookTLS.cert", "webhookTLS.key"} {
		if !seen[p] {
			t.Errorf("no spec renders %s", p)
		}
	}
	if inChart(chartValues(t), "noSuchKey") || inChart(chartValues(t), "image.nope") {
		t.Error("inChart accepts keys the chart does not have")
	}
}

// checkValuesKeys renders the variants for a version and reports every key
// path missing from the chart values; it returns the paths rendered.
func checkValuesKeys(t *testing.T, version string, chart map[string]any) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	for name, spec := range valuesVariants(t, version) {
		vals, err := Values(spec)
		if err != nil {
			t.Fatalf("%s %s: %v", version, name, err)
		}
		for _, p := range keyPaths("", vals) {
			seen[p] = true
			if !inChart(chart, p) {
				t.Errorf("%s %s: value %s is not a key of the chart's values.yaml", version, name, p)
			}
		}
	}
	return seen
}

func TestValuesFargate(t *testing.T) {
	vals, err := Values(fargateSpec())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"clusterName": "demo", "region": "eu-west-1", "vpcId": "vpc-0123456789abcdef0",
		"keepTLSSecret": true, "replicaCount": 2, "enableServiceMutatorWebhook": true,
		"image":               map[string]any{"repository": PublicImageRepository, "tag": "v3.5.0"},
		"serviceAccount":      map[string]any{"create": false, "name": "aws-load-balancer-controller"},
		"defaultTargetType":   "ip",
		"podDisruptionBudget": map[string]any{"maxUnavailable": 1},
		"defaultTags":         map[string]any{"team": "web"},
	}
	if !reflect.DeepEqual(vals, want) {
		t.Errorf("values\n%v\nwant\n%v", vals, want)
	}
	b, _ := yaml.Marshal(vals)
	golden.Assert(t, "testdata/golden/values_fargate.yaml", []byte(strings.TrimRight(string(b), "\n")+"\n"))
}

func TestValuesVariants(t *testing.T) {
	s := fargateSpec()
	s.ServiceAccountName, s.ServiceAccountRoleARN = "", "arn:aws-cn:iam::123456789012:role/lbc"
	s.Region, s.Image, s.Version, s.Replicas = "cn-north-1", ImageRegional, "v2.13.4", 1
	vals, err := Values(s)
	if err != nil {
		t.Fatal(err)
	}
	img := vals["image"].(map[string]any)
	if img["repository"] != "918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn/amazon/aws-load-balancer-controller" || img["tag"] != "v2.13.4" {
		t.Errorf("image %v", img)
	}
	sa := vals["serviceAccount"].(map[string]any)
	if sa["create"] != true || sa["annotations"].(map[string]any)[IRSARoleAnnotation] != s.ServiceAccountRoleARN {
		t.Errorf("serviceAccount %v", sa)
	}
	if _, ok := vals["podDisruptionBudget"]; ok {
		t.Error("PDB with one replica")
	}
	s = fargateSpec()
	s.ImageRepository, s.ImageTag = "registry.example.com/mirror/lbc", "v3.5.0-patched"
	s.ExtraValues = map[string]any{"image": map[string]any{"pullPolicy": "Always"}, "podLabels": map[string]any{"a": "b"}, "replicaCount": 4}
	vals, err = Values(s)
	if err != nil {
		t.Fatal(err)
	}
	if img := vals["image"].(map[string]any); img["repository"] != "registry.example.com/mirror/lbc" || img["tag"] != "v3.5.0-patched" || img["pullPolicy"] != "Always" {
		t.Errorf("extra values not deep-merged: %v", img)
	}
	if vals["replicaCount"] != 4 || vals["clusterName"] != "demo" {
		t.Errorf("extra values not merged last: %v", vals)
	}
	// The caller's extra values are not aliased.
	vals["image"].(map[string]any)["pullPolicy"] = "Never"
	if s.ExtraValues["image"].(map[string]any)["pullPolicy"] != "Always" {
		t.Error("rendered values alias ExtraValues")
	}
}

func TestValuesRefused(t *testing.T) {
	s := ValuesSpec{ClusterName: "-bad", Region: "mars-1", VpcID: "vpc-xyz", Settings: Settings{
		Fargate: true, DefaultTargetType: TargetInstance, Replicas: -1, PDBMaxUnavailable: 5, Image: "docker",
		ServiceAccountName: "Bad_Name", ServiceAccountRoleARN: "arn:aws:iam::1:user/x", Version: "3.x",
	}}
	_, err := Values(s)
	if !errors.Is(err, ErrInvalidSpec) || !errors.Is(err, ErrInstanceOnFargate) || !errors.Is(err, ErrInvalidVersion) {
		t.Fatalf("error %v", err)
	}
	for _, w := range []string{`"-bad"`, "mars-1", "vpc-xyz", "instance is impossible on Fargate", "replicas -1", "maxUnavailable 5",
		`"docker"`, `"Bad_Name"`, "role ARN", `"3.x"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not mention %s:\n%v", w, err)
		}
	}
	s = fargateSpec()
	s.Region, s.Image = "ap-southeast-9", ImageRegional
	if _, err := Values(s); err == nil || !strings.Contains(err.Error(), "no Amazon EKS image registry") {
		t.Errorf("unknown registry region: %v", err)
	}
}

func TestMergeValues(t *testing.T) {
	base := map[string]any{"a": map[string]any{"b": 1, "c": []any{1, 2}}, "d": "x"}
	over := map[string]any{"a": map[string]any{"c": []any{3}, "e": map[string]any{"f": true}}, "d": map[string]any{"g": 1}}
	got := MergeValues(base, over)
	want := map[string]any{"a": map[string]any{"b": 1, "c": []any{3}, "e": map[string]any{"f": true}}, "d": map[string]any{"g": 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	if fmt.Sprint(base) != "map[a:map[b:1 c:[1 2]] d:x]" {
		t.Errorf("base modified: %v", base)
	}
	if got := MergeValues(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("MergeValues(nil, nil) = %v", got)
	}
}

func TestRegionalImageRepository(t *testing.T) {
	for region, want := range map[string]string{
		"us-west-2":     "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller",
		"us-gov-west-1": "013241004608.dkr.ecr.us-gov-west-1.amazonaws.com/amazon/aws-load-balancer-controller",
		"af-south-1":    "877085696533.dkr.ecr.af-south-1.amazonaws.com/amazon/aws-load-balancer-controller",
	} {
		if got, err := RegionalImageRepository(region); err != nil || got != want {
			t.Errorf("%s: %s, %v", region, got, err)
		}
	}
	if _, err := RegionalImageRepository("nowhere"); err == nil {
		t.Error("invalid region accepted")
	}
	if n := len(RegistryRegions()); n < 30 {
		t.Errorf("only %d regions", n)
	}
}

// The empty image source is the partition's default: ECR Public in aws, the
// region's Amazon EKS registry in aws-cn and aws-us-gov; ECR Public is
// refused in the China regions.
func TestImageRepositoryByPartition(t *testing.T) {
	tests := []struct {
		source ImageSource
		region string
		want   string
		err    error
	}{
		{"", "eu-west-1", PublicImageRepository, nil},
		{"", "cn-north-1", "918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn/amazon/aws-load-balancer-controller", nil},
		{"", "cn-northwest-1", "961992271922.dkr.ecr.cn-northwest-1.amazonaws.com.cn/amazon/aws-load-balancer-controller", nil},
		{"", "us-gov-west-1", "013241004608.dkr.ecr.us-gov-west-1.amazonaws.com/amazon/aws-load-balancer-controller", nil},
		{"", "us-gov-east-1", "151742754352.dkr.ecr.us-gov-east-1.amazonaws.com/amazon/aws-load-balancer-controller", nil},
		{ImagePublic, "us-gov-west-1", PublicImageRepository, nil},
		{ImageRegional, "eu-west-1", "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon/aws-load-balancer-controller", nil},
		{ImagePublic, "cn-north-1", "", ErrImageUnreachable},
		{"docker", "eu-west-1", "", ErrInvalidSpec},
	}
	for _, tt := range tests {
		got, err := ImageRepository(tt.source, tt.region)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("ImageRepository(%q, %s) = %q, %v; want %q, %v", tt.source, tt.region, got, err, tt.want, tt.err)
		}
	}
	// Values and their validation follow it.
	s := fargateSpec()
	s.Region = "cn-northwest-1"
	vals, err := Values(s)
	if err != nil {
		t.Fatal(err)
	}
	if repo := vals["image"].(map[string]any)["repository"]; repo != "961992271922.dkr.ecr.cn-northwest-1.amazonaws.com.cn/amazon/aws-load-balancer-controller" {
		t.Errorf("aws-cn default image %v", repo)
	}
	s.Image = ImagePublic
	if _, err := Values(s); !errors.Is(err, ErrImageUnreachable) {
		t.Errorf("public image in aws-cn: %v", err)
	}
	s.ImageRepository = "registry.example.cn/mirror/aws-load-balancer-controller"
	s.Image = ""
	if vals, err := Values(s); err != nil || vals["image"].(map[string]any)["repository"] != s.ImageRepository {
		t.Errorf("own repository: %v %v", vals["image"], err)
	}
}
