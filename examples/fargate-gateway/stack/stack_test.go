package stack_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/examples/catalog"
	"github.com/fargatekit/fargatekit/examples/fargate-gateway/stack"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	"github.com/fargatekit/fargatekit/examples/internal/stacktest"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

const (
	typRelease  = "kubernetes:helm.sh/v3:Release"
	typCRD      = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"
	typClass    = "kubernetes:gateway.networking.k8s.io/v1:GatewayClass"
	typGateway  = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
	typRoute    = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
	typLBConfig = "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration"
	typTGConfig = "kubernetes:gateway.k8s.aws/v1:TargetGroupConfiguration"
)

func TestGraph(t *testing.T) {
	g := stacktest.Plan(t, stack.Project)
	crds, err := lbc.GatewayAPICRDs()
	if err != nil {
		t.Fatal(err)
	}
	// The controller's own CRDs (its chart's, gateway.k8s.aws ones included)
	// are children too, applied before the release.
	src, err := lbc.DefaultChartSource(lbc.DefaultVersion)
	if err != nil {
		t.Fatal(err)
	}
	chartCRDs, err := lbc.SourceCRDs(context.Background(), src, "")
	if err != nil {
		t.Fatal(err)
	}
	stacktest.Counts(t, g, stacktest.WithCluster(map[string]int{
		"aws:iam/role:Role": 3,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment": 3,
		"aws:iam/policy:Policy":                             1,
		"aws:eks/fargateProfile:FargateProfile":             2,
		"fargatekit:lbc:LBCRelease":                         1,
		"fargatekit:irsa:IRSARole":                          1,
		"kubernetes:core/v1:ServiceAccount":                 1,
		typRelease:                                          1,
		typCRD:                                              len(crds) + len(chartCRDs),
		typClass:                                            1,
		"kubernetes:core/v1:Namespace":                      1,
		"kubernetes:apps/v1:Deployment":                     1,
		"kubernetes:core/v1:Service":                        1,
		typLBConfig:                                         1,
		typTGConfig:                                         1,
		typGateway:                                          1,
		typRoute:                                            1,
	}))
	stacktest.Cluster(t, g, stack.Project, "fp-default", stack.AppProfile)
	comp := stacktest.One(t, g, "fargatekit:lbc:LBCRelease", "lbc")
	release := stacktest.One(t, g, typRelease, "lbc")
	coredns := stacktest.One(t, g, "aws:eks/addon:Addon", stack.Project+"-coredns")
	class := stacktest.One(t, g, typClass, "lbc-gatewayclass-alb")
	httproutes := stacktest.One(t, g, typCRD, "lbc-gatewayapi-httproutes.gateway.networking.k8s.io")
	ns := stacktest.One(t, g, "kubernetes:core/v1:Namespace", "game-2048")
	service := stacktest.One(t, g, "kubernetes:core/v1:Service", stack.App)
	deployment := stacktest.One(t, g, "kubernetes:apps/v1:Deployment", stack.App)
	lbConfig := stacktest.One(t, g, typLBConfig, stack.App+"-LoadBalancerConfiguration")
	tgConfig := stacktest.One(t, g, typTGConfig, stack.App+"-TargetGroupConfiguration")
	gateway := stacktest.One(t, g, typGateway, stack.App+"-Gateway")
	route := stacktest.One(t, g, typRoute, stack.App+"-HTTPRoute")

	// Parents: the Gateway API children under the controller, the app at the top.
	for _, r := range []*mockstack.Resource{release, class, httproutes} {
		stacktest.Parent(t, g, r, comp)
	}
	for _, r := range []*mockstack.Resource{ns, service, deployment, lbConfig, tgConfig, gateway, route} {
		stacktest.Parent(t, g, r, nil)
	}

	// pulumi destroy --run-program tears down what the controller manages
	// before the release goes; Ready includes the webhook serving.
	if !slices.Equal(release.BeforeDelete, []string{"lbc-teardown"}) {
		t.Errorf("release BeforeDelete hooks %v, want [lbc-teardown]", release.BeforeDelete)
	}
	if !slices.Equal(release.AfterCreate, []string{"lbc-webhook-ready"}) || !slices.Equal(release.AfterUpdate, []string{"lbc-webhook-ready"}) {
		t.Errorf("release after hooks %v %v, want [lbc-webhook-ready]", release.AfterCreate, release.AfterUpdate)
	}

	// The order that makes create and destroy work.
	stacktest.DependsOn(t, g, release, coredns)
	stacktest.DependsOn(t, g, release, httproutes) // the Gateway API CRDs before the controller
	stacktest.DependsOn(t, g, class, release)      // the class after it
	for _, r := range []*mockstack.Resource{lbConfig, tgConfig, gateway, route} {
		stacktest.DependsOn(t, g, r, release) // created after the controller, destroyed before it
		stacktest.DependsOn(t, g, r, class)
		stacktest.DependsOn(t, g, r, ns)
	}
	stacktest.DependsOn(t, g, gateway, lbConfig)
	stacktest.DependsOn(t, g, route, gateway)
	stacktest.DependsOn(t, g, route, tgConfig)
	stacktest.DependsOn(t, g, route, service)
	stacktest.DependsOn(t, g, service, release) // the Service after the controller's webhook serves
	stacktest.Independent(t, g, gateway, deployment)
	stacktest.Independent(t, g, deployment, gateway)

	// The objects: an internet-facing ALB from the ALB class, IP targets.
	for r, want := range map[*mockstack.Resource]map[string]string{
		class:    {"spec.controllerName": lbc.GatewayControllerALB},
		lbConfig: {"spec.scheme": "internet-facing", "metadata.namespace": "game-2048"},
		tgConfig: {"spec.targetReference.name": stack.App, "spec.defaultConfiguration.targetType": "ip",
			"spec.defaultConfiguration.targetGroupAttributes[0].key":   "deregistration_delay.timeout_seconds",
			"spec.defaultConfiguration.targetGroupAttributes[0].value": "30"},
		gateway: {"spec.gatewayClassName": "alb", "spec.infrastructure.parametersRef.kind": "LoadBalancerConfiguration",
			"spec.infrastructure.parametersRef.name": stack.App, "spec.listeners[0].protocol": "HTTP"},
		route: {"spec.parentRefs[0].name": stack.App, "spec.rules[0].backendRefs[0].name": stack.App,
			"spec.rules[0].matches[0].path.value": "/"},
	} {
		for path, v := range want {
			if got := r.InputString(path); got != v {
				t.Errorf("%s %s = %q, want %q", r.Name, path, got, v)
			}
		}
	}
	if !strings.Contains(lbConfig.InputString(`spec.tags["`+stackconf.TagStack+`"]`), "fargate-gateway/plan") {
		t.Errorf("LoadBalancerConfiguration tags lack the stack tag: %v", lbConfig.Inputs)
	}
	if got, _ := gateway.Input("spec.listeners[0].port"); got != 80.0 {
		t.Errorf("listener port %v", got)
	}
	if got, _ := release.Input("values.region"); got != catalog.PlanRegion {
		t.Errorf("helm value region %v", got)
	}

	checkTermination(t, g, lbc.DefaultDeregistrationDelay)
}

// TestOtherVersionRefused: a controller whose Gateway API fargatekit does
// not embed is refused before anything is registered.
func TestOtherVersionRefused(t *testing.T) {
	e, err := catalog.Lookup(stack.Project)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Plan(mockstack.WithConfig(stack.Project+":lbcVersion", "v3.4.3"))
	if err == nil || !strings.Contains(err.Error(), "no documented Gateway API version for controller v3.4.3") {
		t.Fatalf("plan error %v", err)
	}
	if g != nil && len(g.ByType("fargatekit:lbc:LBCRelease")) != 0 {
		t.Error("refused controller registered")
	}
}

func TestGatewayAddress(t *testing.T) {
	for _, tt := range []struct {
		fields map[string]any
		want   string
	}{
		{nil, ""},
		{map[string]any{"status": map[string]any{"addresses": []any{map[string]any{"type": "Hostname", "value": "k8s-game.elb.amazonaws.com"}}}}, "k8s-game.elb.amazonaws.com"},
	} {
		if got := stack.GatewayAddress(tt.fields); got != tt.want {
			t.Errorf("GatewayAddress(%v) = %q", tt.fields, got)
		}
	}
}

// One setting, deregistrationDelaySeconds, drives the TargetGroupConfiguration's
// deregistration delay and the pods' preStop sleep and grace period.
func TestDeregistrationDelayDrivesPods(t *testing.T) {
	checkTermination(t, stacktest.Plan(t, stack.Project, mockstack.WithConfig(stack.Project+":deregistrationDelaySeconds", "90")), 90*time.Second)
}

// checkTermination checks the deregistration delay attribute and the pods'
// preStop sleep and grace period against lbc.Termination of delay.
func checkTermination(t *testing.T, g *mockstack.Graph, delay time.Duration) {
	t.Helper()
	term, err := lbc.Termination(lbc.TerminationSpec{DeregistrationDelay: &delay})
	if err != nil {
		t.Fatal(err)
	}
	tgConfig := stacktest.One(t, g, typTGConfig, stack.App+"-TargetGroupConfiguration")
	if got := tgConfig.InputString("spec.defaultConfiguration.targetGroupAttributes[0].value"); got != strconv.Itoa(int(delay.Seconds())) {
		t.Errorf("deregistration delay attribute %q, want %v", got, delay)
	}
	deployment := stacktest.One(t, g, "kubernetes:apps/v1:Deployment", stack.App)
	pod := "spec.template.spec."
	if got, _ := deployment.Input(pod + "terminationGracePeriodSeconds"); got != float64(term.TerminationGracePeriodSeconds) {
		t.Errorf("terminationGracePeriodSeconds %v, want %d", got, term.TerminationGracePeriodSeconds)
	}
	if got, _ := deployment.Input(pod + "containers[0].lifecycle.preStop.sleep.seconds"); got != term.PreStopSleep.Seconds() {
		t.Errorf("preStop sleep %v, want %v", got, term.PreStopSleep)
	}
	if term.PreStopSleep < delay {
		t.Errorf("preStop sleep %v shorter than the deregistration delay", term.PreStopSleep)
	}
}
