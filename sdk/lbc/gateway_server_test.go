package lbc

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/fargatekit/fargatekit/internal/kubetest"
)

// setPath sets a value inside an object; keys are strings (maps) or ints (lists).
func setPath(t *testing.T, obj map[string]any, value any, path ...any) {
	t.Helper()
	var cur any = obj
	for i, k := range path {
		last := i == len(path)-1
		switch k := k.(type) {
		case string:
			m := cur.(map[string]any)
			if last {
				m[k] = value
				return
			}
			cur = m[k]
		case int:
			l := cur.([]any)
			if last {
				l[k] = value
				return
			}
			cur = l[k]
		}
	}
}

// resourceVersions returns the resourceVersion of each named object of a resource.
func resourceVersions(t *testing.T, ctx context.Context, ri dynamic.ResourceInterface, names []string) []string {
	t.Helper()
	var out []string
	for _, n := range names {
		u, err := ri.Get(ctx, n, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u.GetResourceVersion())
	}
	return out
}

// applyControllerGatewayCRDs applies chart 3.5.0's gateway.k8s.aws CRDs (the
// embedded archive), as Install and Upgrade do with the chart's CRDs.
func applyControllerGatewayCRDs(t *testing.T, ctx context.Context, cfg *rest.Config) {
	t.Helper()
	all, err := SourceCRDs(ctx, ChartSource{RepoURL: ChartRepo, Name: ChartName, Version: EmbeddedChartVersion}, "")
	if err != nil {
		t.Fatal(err)
	}
	crds := slices.DeleteFunc(all, func(c CRD) bool { return !strings.HasSuffix(c.Name, "."+ControllerGatewayGroup) })
	if err := ApplyCRDs(ctx, cfg, crds, nil); err != nil {
		t.Fatal(err)
	}
}

// TestGatewayAPIOnServer installs the Gateway API on the real API server:
// the embedded CRDs are established, a second run writes nothing, the
// GatewayClasses name the controller; the typed objects the builders render
// are accepted by the API server's validation against the installed CRDs;
// the same objects with a value the CRD schema refuses are rejected by the
// server and refused by the builders too; values only AWS refuses pass the
// server and are refused by the builders; and Managed and Teardown see the
// controller's Gateways and their v1 routes (L4 ones included).
func TestGatewayAPIOnServer(t *testing.T) {
	_, cfg := kubetest.Clientset(t)
	kubetest.Lock(t, cfg, kubetest.LockLBC)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dyn := dynamic.NewForConfigOrDie(cfg)

	applyControllerGatewayCRDs(t, ctx, cfg)
	if err := ApplyGatewayAPI(ctx, cfg, Settings{}, GatewayAPISpec{}, nil); err != nil {
		t.Fatal(err)
	}
	crds, _ := GatewayAPICRDs()
	var names []string
	for _, c := range crds {
		names = append(names, c.Name)
		u, err := dyn.Resource(CRDResource).Get(ctx, c.Name, metav1.GetOptions{})
		if err != nil || !crdEstablished(u) {
			t.Fatalf("%s not established: %v", c.Name, err)
		}
	}
	classes := []string{DefaultGatewayClassALB, DefaultGatewayClassNLB}
	crdRVs := resourceVersions(t, ctx, dyn.Resource(CRDResource), names)
	classRVs := resourceVersions(t, ctx, dyn.Resource(GatewayClassResource), classes)
	if err := ApplyGatewayAPI(ctx, cfg, Settings{}, GatewayAPISpec{}, nil); err != nil {
		t.Fatal(err)
	}
	if again := resourceVersions(t, ctx, dyn.Resource(CRDResource), names); !slices.Equal(again, crdRVs) {
		t.Errorf("second ApplyGatewayAPI rewrote CRDs: %v -> %v", crdRVs, again)
	}
	if again := resourceVersions(t, ctx, dyn.Resource(GatewayClassResource), classes); !slices.Equal(again, classRVs) {
		t.Errorf("second ApplyGatewayAPI rewrote GatewayClasses: %v -> %v", classRVs, again)
	}
	for name, want := range map[string]string{DefaultGatewayClassALB: GatewayControllerALB, DefaultGatewayClassNLB: GatewayControllerNLB} {
		u, _ := dyn.Resource(GatewayClassResource).Get(ctx, name, metav1.GetOptions{})
		if got, _, _ := unstructured.NestedString(u.Object, "spec", "controllerName"); got != want {
			t.Errorf("GatewayClass %s: controllerName %q, want %q", name, got, want)
		}
	}

	// Accepted: every typed object.
	objs := gatewayFixtures(t, ns)
	if err := ApplyObjects(ctx, cfg, objs, nil); err != nil {
		t.Fatalf("valid objects refused: %v", err)
	}

	// Rejected by the server's validation and by the builders alike.
	long := strings.Repeat("a", 33)
	stick0 := time.Duration(0)
	rejected := []struct {
		name    string
		obj     int
		value   any
		path    []any
		builder error
	}{
		{"load balancer name too long", 0, long, []any{"spec", "loadBalancerName"},
			LoadBalancerConfigurationSpec{Name: "x", Namespace: ns, LoadBalancerName: long}.Validate()},
		{"listener port", 0, "HTTPS:70000", []any{"spec", "listenerConfigurations", 0, "protocolPort"},
			LoadBalancerConfigurationSpec{Name: "x", Namespace: ns, Listeners: []GatewayListener{{Protocol: "HTTPS", Port: 70000}}}.Validate()},
		{"scheme", 0, "public", []any{"spec", "scheme"},
			LoadBalancerConfigurationSpec{Name: "x", Namespace: ns, Scheme: "public"}.Validate()},
		{"target type", 1, "pod", []any{"spec", "defaultConfiguration", "targetType"},
			TargetGroupConfigurationSpec{Name: "x", Namespace: ns, Service: "s", Default: TargetGroupProps{TargetType: "pod"}}.Validate()},
		{"health check protocol", 1, "GRPC", []any{"spec", "defaultConfiguration", "healthCheckConfig", "healthCheckProtocol"},
			TargetGroupConfigurationSpec{Name: "x", Namespace: ns, Service: "s", Default: TargetGroupProps{HealthCheck: HealthCheck{Protocol: "GRPC"}}}.Validate()},
		{"redirect status", 2, []any{map[string]any{"type": "fixed-response", "fixedResponseConfig": map[string]any{"statusCode": int64(302)}}}, []any{"spec", "actions"},
			ListenerRuleConfigurationSpec{Name: "x", Namespace: ns, FixedResponse: &FixedResponse{StatusCode: 302}}.Validate()},
		{"stickiness", 2, int64(0), []any{"spec", "actions", 0, "forwardConfig", "targetGroupStickinessConfig", "durationSeconds"},
			ListenerRuleConfigurationSpec{Name: "x", Namespace: ns, Stickiness: &stick0}.Validate()},
		{"listener port 0", 3, int64(0), []any{"spec", "listeners", 0, "port"},
			func() error {
				_, err := Gateway(GatewaySpec{Name: "x", Namespace: ns, Class: "alb", Listeners: []GatewayPort{{Protocol: "HTTP"}}})
				return err
			}()},
		{"path prefix", 4, "game", []any{"spec", "rules", 0, "matches", 0, "path", "value"},
			func() error {
				_, err := HTTPRoute(HTTPRouteSpec{Name: "x", Namespace: ns, Gateway: "g", Rules: []HTTPRouteRule{{PathPrefix: "game", Service: "s", Port: 80}}})
				return err
			}()},
	}
	for _, tt := range rejected {
		t.Run("rejected/"+tt.name, func(t *testing.T) {
			o := gatewayFixtures(t, ns)[tt.obj]
			setPath(t, o.Object, tt.value, tt.path...)
			o.SetName("bad-" + strings.ToLower(strings.ReplaceAll(tt.name, " ", "-")))
			err := ApplyObjects(ctx, cfg, []*unstructured.Unstructured{o}, nil)
			if !apierrors.IsInvalid(err) {
				t.Errorf("server: %v, want Invalid", err)
			}
			if tt.builder == nil {
				t.Error("builder accepted it")
			}
		})
	}

	// Refused by AWS at deploy time only: the server accepts, the builders refuse.
	awsOnly := []struct {
		name    string
		obj     int
		value   any
		path    []any
		builder error
		is      error
	}{
		{"internal- name", 0, "internal-game", []any{"spec", "loadBalancerName"},
			LoadBalancerConfigurationSpec{Name: "x", Namespace: ns, LoadBalancerName: "internal-game"}.Validate(), ErrInvalidGatewayConfig},
		{"instance on Fargate", 1, "instance", []any{"spec", "defaultConfiguration", "targetType"},
			TargetGroupConfigurationSpec{Name: "x", Namespace: ns, Service: "s", Fargate: true, Default: TargetGroupProps{TargetType: TargetInstance}}.Validate(), ErrInstanceOnFargate},
		{"health check timeout above interval", 1, int64(30), []any{"spec", "defaultConfiguration", "healthCheckConfig", "healthCheckTimeout"},
			TargetGroupConfigurationSpec{Name: "x", Namespace: ns, Service: "s", Default: TargetGroupProps{HealthCheck: HealthCheck{IntervalSeconds: 10, TimeoutSeconds: 30}}}.Validate(), ErrInvalidGatewayConfig},
	}
	for _, tt := range awsOnly {
		t.Run("aws-only/"+tt.name, func(t *testing.T) {
			o := gatewayFixtures(t, ns)[tt.obj]
			setPath(t, o.Object, tt.value, tt.path...)
			o.SetName("aws-" + strings.ToLower(strings.ReplaceAll(tt.name, " ", "-")))
			if err := ApplyObjects(ctx, cfg, []*unstructured.Unstructured{o}, nil); err != nil {
				t.Errorf("server refused what only AWS refuses: %v", err)
			}
			if !errors.Is(tt.builder, tt.is) {
				t.Errorf("builder: %v, want %v", tt.builder, tt.is)
			}
		})
	}

	// Teardown sees the controller's Gateways and routes: the ALB Gateway
	// and its HTTPRoute, an NLB Gateway and its v1 TCPRoute.
	nlb, err := Gateway(GatewaySpec{Name: "tcp", Namespace: ns, Class: DefaultGatewayClassNLB,
		Listeners: []GatewayPort{{Protocol: gatewayv1.TCPProtocolType, Port: 5432}}})
	if err != nil {
		t.Fatal(err)
	}
	nlbU, _ := ToUnstructured(nlb)
	tcp := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "TCPRoute",
		"metadata": map[string]any{"name": "db", "namespace": ns},
		"spec": map[string]any{"parentRefs": []any{map[string]any{"name": "tcp"}},
			"rules": []any{map[string]any{"backendRefs": []any{map[string]any{"name": "db", "port": int64(5432)}}}}}}}
	if err := ApplyObjects(ctx, cfg, []*unstructured.Unstructured{nlbU, tcp}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := Managed(ctx, cfg, ns)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range got {
		kinds = append(kinds, o.Kind+"/"+o.Name)
	}
	slices.Sort(kinds)
	if want := []string{"Gateway/game", "Gateway/tcp", "HTTPRoute/game", "TCPRoute/db"}; !slices.Equal(kinds, want) {
		t.Errorf("Managed: %v, want %v", kinds, want)
	}
	if err := Teardown(ctx, cfg, TeardownOptions{Namespaces: []string{ns}, SkipUninstall: true, PollInterval: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if left, err := Managed(ctx, cfg, ns); err != nil || len(left) != 0 {
		t.Errorf("after Teardown: %v, %v", left, err)
	}
}
