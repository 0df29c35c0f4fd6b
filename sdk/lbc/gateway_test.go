package lbc

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/golden"
)

// TestGatewayAPICRDsMatchModule: the embedded Gateway API CRDs are the
// sigs.k8s.io/gateway-api module's config/crd/standard files, byte for byte,
// at the version go.mod requires, which is GatewayAPIBundleVersion.
func TestGatewayAPICRDsMatchModule(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("skipped: no go command to locate the module")
	}
	out, err := exec.Command("go", "list", "-m", "-json", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var mod struct{ Version, Dir string }
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatal(err)
	}
	if mod.Version != GatewayAPIBundleVersion {
		t.Fatalf("go.mod requires sigs.k8s.io/gateway-api %s, embedded CRDs are %s", mod.Version, GatewayAPIBundleVersion)
	}
	if mod.Dir == "" {
		t.Skip("skipped: module not downloaded (go mod download sigs.k8s.io/gateway-api)")
	}
	upstream, _ := filepath.Glob(filepath.Join(mod.Dir, "config", "crd", "standard", "gateway.networking.k8s.io_*.yaml"))
	embedded, _ := filepath.Glob(filepath.Join("gatewayapi", GatewayAPIBundleVersion, "*.yaml"))
	var want []string
	for _, f := range upstream {
		if b := filepath.Base(f); !strings.Contains(b, "vap_") { // the admission policy is no CRD
			want = append(want, b)
		}
	}
	var got []string
	for _, f := range embedded {
		got = append(got, filepath.Base(f))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("embedded files %v, module's %v", got, want)
	}
	for _, name := range want {
		a, _ := os.ReadFile(filepath.Join("gatewayapi", GatewayAPIBundleVersion, name))
		b, _ := os.ReadFile(filepath.Join(mod.Dir, "config", "crd", "standard", name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the module's copy (cp it from %s)", name, mod.Dir)
		}
	}
	crds, err := GatewayAPICRDs()
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) != 10 {
		t.Errorf("%d CRDs, want 10", len(crds))
	}
	for _, c := range crds {
		if c.Object.GetAnnotations()["gateway.networking.k8s.io/bundle-version"] != GatewayAPIBundleVersion ||
			c.Object.GetAnnotations()["gateway.networking.k8s.io/channel"] != "standard" {
			t.Errorf("%s: annotations %v", c.Name, c.Object.GetAnnotations())
		}
	}
}

// TestControllerGatewayCRDsShipWithTheCharts: every chart of the table from
// 1.14.0 ships the controller's three gateway.k8s.aws CRDs (1.13.4 the
// LoadBalancer and TargetGroup ones, earlier charts none) (which is why
// GatewayCRDs does not add them), and chart 3.5.0's are the reference
// crds-v3.5.0/gateway-crds.yaml, byte for byte.
func TestControllerGatewayCRDsShipWithTheCharts(t *testing.T) {
	reference().Require(t)
	want := []string{"listenerruleconfigurations.gateway.k8s.aws", "loadbalancerconfigurations.gateway.k8s.aws", "targetgroupconfigurations.gateway.k8s.aws"}
	for _, r := range Releases() {
		v, _ := ParseVersion(r.Version)
		crds, err := LoadChartCRDs(reference().Chart(t, r.Chart))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range crds {
			if strings.HasSuffix(c.Name, "."+ControllerGatewayGroup) {
				got = append(got, c.Name)
			}
		}
		switch {
		case v.Compare(Version{2, 13, 4}) < 0:
			if len(got) != 0 {
				t.Errorf("chart %s: gateway CRDs %v, want none", r.Chart, got)
			}
		case v.Compare(Version{2, 14, 0}) < 0:
			if !slices.Equal(got, want[1:]) {
				t.Errorf("chart %s: gateway CRDs %v, want %v", r.Chart, got, want[1:])
			}
		default:
			if !slices.Equal(got, want) {
				t.Errorf("chart %s: gateway CRDs %v, want %v", r.Chart, got, want)
			}
		}
		err = GatewayAPISpec{SkipCRDs: true}.Validate(Settings{Version: r.Version})
		if refused := errors.Is(err, ErrGatewayAPIVersion); refused != (v.Compare(Version{2, 13, 4}) < 0) {
			t.Errorf("%s: Validate with SkipCRDs = %v", r.Version, err)
		}
	}
	ch, err := loader.Load(reference().Chart(t, "3.5.0"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := os.ReadFile(reference().File(t, "crds-v3.5.0/gateway-crds.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range ch.Files {
		if f.Name == "crds/gateway-crds.yaml" {
			found = true
			if !bytes.Equal(f.Data, ref) {
				t.Error("chart 3.5.0's crds/gateway-crds.yaml differs from the reference")
			}
		}
	}
	if !found {
		t.Error("chart 3.5.0 has no crds/gateway-crds.yaml")
	}
}

func TestGatewayAPIFor(t *testing.T) {
	tests := []struct {
		version, want string
		crds          bool
	}{
		{"", "v1.6", true},
		{"v3.5.0", "v1.6", true},
		{"3.3.0", "v1.5", false},
		{"v2.14.0", "v1.3", false},
		{"v3.4.3", "", false},
	}
	for _, tt := range tests {
		r, err := GatewayAPIFor(tt.version)
		if tt.want == "" {
			if !errors.Is(err, ErrGatewayAPIVersion) || !strings.Contains(err.Error(), "v3.5.0=v1.6") {
				t.Errorf("%q: %v", tt.version, err)
			}
		} else if err != nil || r.GatewayAPI != tt.want || r.Source == "" {
			t.Errorf("%q: %+v, %v", tt.version, r, err)
		}
		crds, err := GatewayCRDs(tt.version)
		if tt.crds != (err == nil && len(crds) == 10) {
			t.Errorf("GatewayCRDs(%q): %d, %v", tt.version, len(crds), err)
		}
		if !tt.crds && !errors.Is(err, ErrGatewayAPIVersion) {
			t.Errorf("GatewayCRDs(%q): %v", tt.version, err)
		}
	}
}

func TestGatewayAPISpecValidate(t *testing.T) {
	tests := []struct {
		name     string
		spec     GatewayAPISpec
		settings Settings
		want     []string
	}{
		{"defaults", GatewayAPISpec{}, Settings{}, nil},
		{"none", GatewayAPISpec{Classes: []GatewayClassSpec{}}, Settings{}, nil},
		{"bad classes", GatewayAPISpec{Classes: []GatewayClassSpec{
			{Name: "Web", Controller: ALBGateway},
			{Name: "web", Controller: "gateway.k8s.aws/clb"},
			{Name: "web", Controller: NLBGateway, LoadBalancerConfiguration: &types.NamespacedName{Name: "x"}},
		}}, Settings{}, []string{`"Web" is not a DNS subdomain`, `"gateway.k8s.aws/clb"`, `"web" defined twice`, `LoadBalancerConfiguration "/x"`}},
		{"gate off", GatewayAPISpec{}, Settings{FeatureGates: FeatureGateSettings{FeatureNLBGatewayAPI: false, FeatureALBGatewayAPI: true}},
			[]string{`GatewayClass "nlb": feature gate NLBGatewayAPI is off`}},
		{"old controller", GatewayAPISpec{}, Settings{Version: "v3.4.3"}, []string{"no documented Gateway API version for controller v3.4.3", "SkipCRDs"}},
		{"older controller", GatewayAPISpec{SkipCRDs: true}, Settings{Version: "v2.13.0"}, []string{"ships no gateway.k8s.aws CRDs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate(tt.settings)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// gatewayFixtures are valid typed objects of every kind, rendered the way
// the example uses them, in creation order: LoadBalancerConfiguration,
// TargetGroupConfiguration, ListenerRuleConfiguration, Gateway, HTTPRoute.
func gatewayFixtures(t *testing.T, ns string) []*unstructured.Unstructured {
	t.Helper()
	dereg := 20 * time.Second
	stick := time.Hour
	var out []*unstructured.Unstructured
	add := func(u *unstructured.Unstructured, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	add(LoadBalancerConfigurationSpec{Name: "web", Namespace: ns, Scheme: SchemeInternetFacing,
		LoadBalancerName: "game-2048", IPAddressType: "ipv4",
		Listeners: []GatewayListener{{Protocol: "HTTPS", Port: 443,
			DefaultCertificate: "arn:aws:acm:us-west-2:123456789012:certificate/0b1f0b7e-0000-4000-8000-000000000000", SSLPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06"}},
		SourceRanges: []string{"203.0.113.0/24"}, Attributes: map[string]string{"idle_timeout.timeout_seconds": "30"},
		Tags: map[string]string{"team": "games"}, MergingMode: "prefer-gateway", DefaultTargetGroupConfiguration: "game"}.Object())
	add(TargetGroupConfigurationSpec{Name: "game", Namespace: ns, Service: "game", Fargate: true,
		Default: TargetGroupProps{Protocol: "HTTP", HealthCheck: HealthCheck{Path: "/", IntervalSeconds: 10, TimeoutSeconds: 5,
			HealthyThreshold: 2, UnhealthyThreshold: 2, SuccessCodes: "200-299"}, DeregistrationDelay: &dereg},
		Routes: []RouteTargetGroup{{Kind: "HTTPRoute", Name: "game", Props: TargetGroupProps{ProtocolVersion: "HTTP1"}}}}.Object())
	add(ListenerRuleConfigurationSpec{Name: "office", Namespace: ns, SourceIPs: []string{"198.51.100.0/24"},
		Stickiness: &stick, Tags: map[string]string{"rule": "office"}}.Object())
	gw, err := Gateway(GatewaySpec{Name: "game", Namespace: ns, Class: DefaultGatewayClassALB, LoadBalancerConfiguration: "web"})
	if err != nil {
		t.Fatal(err)
	}
	add(ToUnstructured(gw))
	rt, err := HTTPRoute(HTTPRouteSpec{Name: "game", Namespace: ns, Gateway: "game",
		Rules: []HTTPRouteRule{{Service: "game", Port: 80, ListenerRuleConfiguration: "office"}}})
	if err != nil {
		t.Fatal(err)
	}
	add(ToUnstructured(rt))
	return out
}

// TestGatewayObjectsGolden pins the rendered objects, GatewayClasses included.
func TestGatewayObjectsGolden(t *testing.T) {
	objs := gatewayFixtures(t, "games")
	classes, err := GatewayObjects(GatewayAPISpec{Classes: append(DefaultGatewayClasses(),
		GatewayClassSpec{Name: "alb-public", Controller: ALBGateway, LoadBalancerConfiguration: &types.NamespacedName{Namespace: "games", Name: "web"}})})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, o := range append(classes, objs...) {
		y, err := yaml.Marshal(o.Object)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	golden.Assert(t, "testdata/golden/gateway_objects.yaml", b.Bytes())
	if tt, _, _ := unstructured.NestedString(objs[1].Object, "spec", "defaultConfiguration", "targetType"); tt != "ip" {
		t.Errorf("Fargate TargetGroupConfiguration target type %q, want ip written", tt)
	}
}
