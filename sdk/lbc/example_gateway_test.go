package lbc_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// Which Gateway API a controller version is built for, and whether
// fargatekit carries its CRDs.
func ExampleGatewayCRDs() {
	crds, err := lbc.GatewayCRDs(lbc.DefaultVersion)
	fmt.Println(len(crds), crds[4].Name, err)
	req, _ := lbc.GatewayAPIFor("v3.3.0")
	_, err = lbc.GatewayCRDs("v3.3.0")
	fmt.Println(req.GatewayAPI, errors.Is(err, lbc.ErrGatewayAPIVersion))
	// Output:
	// 10 httproutes.gateway.networking.k8s.io <nil>
	// v1.5 true
}

// The controller's GatewayClasses, rendered on the gateway-api Go types.
func ExampleGatewayClass() {
	for _, c := range lbc.DefaultGatewayClasses() {
		gc, err := lbc.GatewayClass(c)
		if err != nil {
			panic(err)
		}
		fmt.Println(gc.Name, gc.Spec.ControllerName)
	}
	// Output:
	// alb gateway.k8s.aws/alb
	// nlb gateway.k8s.aws/nlb
}

// A TargetGroupConfiguration for Fargate: ip targets, written explicitly;
// instance targets are refused.
func ExampleTargetGroupConfigurationSpec() {
	delay := 30 * time.Second
	spec := lbc.TargetGroupConfigurationSpec{Name: "game", Namespace: "games", Service: "game", Fargate: true,
		Default: lbc.TargetGroupProps{DeregistrationDelay: &delay, HealthCheck: lbc.HealthCheck{Path: "/healthz"}}}
	obj, err := spec.Object()
	if err != nil {
		panic(err)
	}
	fmt.Println(obj.GetAPIVersion(), obj.GetKind())
	fmt.Println(obj.Object["spec"])

	spec.Default.TargetType = lbc.TargetInstance
	_, err = spec.Object()
	fmt.Println(errors.Is(err, lbc.ErrInstanceOnFargate))
	// Output:
	// gateway.k8s.aws/v1 TargetGroupConfiguration
	// map[defaultConfiguration:map[healthCheckConfig:map[healthCheckPath:/healthz] targetGroupAttributes:[map[key:deregistration_delay.timeout_seconds value:30]] targetType:ip] targetReference:map[name:game]]
	// true
}

// An HTTPRoute whose rule carries a ListenerRuleConfiguration.
func ExampleHTTPRoute() {
	rt, err := lbc.HTTPRoute(lbc.HTTPRouteSpec{Name: "game", Namespace: "games", Gateway: "web",
		Rules: []lbc.HTTPRouteRule{{PathPrefix: "/play", Service: "game", Port: 80, ListenerRuleConfiguration: "office-only"}}})
	if err != nil {
		panic(err)
	}
	r := rt.Spec.Rules[0]
	fmt.Println(rt.Spec.ParentRefs[0].Name, *r.Matches[0].Path.Value, r.BackendRefs[0].Name, *r.BackendRefs[0].Port)
	fmt.Println(r.Filters[0].Type, r.Filters[0].ExtensionRef.Kind, r.Filters[0].ExtensionRef.Name)
	// Output:
	// web /play game 80
	// ExtensionRef ListenerRuleConfiguration office-only
}

// Feature gates are typed, checked against the chosen version's chart, and
// rendered as controllerConfig.featureGates.
func ExampleFeatureGateSettings() {
	vals, err := lbc.Values(lbc.ValuesSpec{ClusterName: "demo", Region: "us-west-2", VpcID: "vpc-0123456789abcdef0",
		Settings: lbc.Settings{Fargate: true, FeatureGates: lbc.FeatureGateSettings{lbc.FeatureNLBGatewayAPI: false}}})
	if err != nil {
		panic(err)
	}
	fmt.Println(vals["controllerConfig"])
	err = lbc.FeatureGateSettings{lbc.FeatureEnableCertificateManagement: true}.Validate("v3.2.0")
	fmt.Println(errors.Is(err, lbc.ErrUnknownFeatureGate))
	// Output:
	// map[featureGates:map[NLBGatewayAPI:false]]
	// true
}

// The optional Global Accelerator policy exists in the aws partition only.
func ExampleAdditionalPolicyDocument() {
	doc, err := lbc.AdditionalPolicyDocument(lbc.PolicyGlobalAccelerator, "", "aws")
	if err != nil {
		panic(err)
	}
	d, _ := iampolicy.Parse([]byte(doc))
	fmt.Println(len(d.Statement), "statements")
	_, err = lbc.AdditionalPolicyDocument(lbc.PolicyGlobalAccelerator, "", "aws-cn")
	fmt.Println(errors.Is(err, lbc.ErrUnavailableInPartition))
	// Output:
	// 7 statements
	// true
}

// Install the Gateway API next to the controller: its CRDs, then the ALB
// and NLB GatewayClasses (the controller's chart brings its own gateway
// CRDs; Upgrade applies them).
//
// Compiled, not run: ApplyGatewayAPI takes a *rest.Config (server-side apply
// needs a real API server); TestGatewayAPIOnServer runs it on one.
func ExampleApplyGatewayAPI() {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	settings := lbc.Settings{Fargate: true}
	if err := lbc.ApplyGatewayAPI(ctx, cfg, settings, lbc.GatewayAPISpec{}, log); err != nil {
		panic(err)
	}
}
