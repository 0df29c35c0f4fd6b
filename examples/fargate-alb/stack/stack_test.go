package stack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/examples/catalog"
	"github.com/fargatekit/fargatekit/examples/fargate-alb/stack"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	"github.com/fargatekit/fargatekit/examples/internal/stacktest"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

func plan(t *testing.T, opts ...mockstack.Option) *mockstack.Graph {
	t.Helper()
	return stacktest.Plan(t, stack.Project, opts...)
}

const (
	typIngress    = "kubernetes:networking.k8s.io/v1:Ingress"
	typDeployment = "kubernetes:apps/v1:Deployment"
	typRelease    = "kubernetes:helm.sh/v3:Release"
)

func TestGraph(t *testing.T) {
	g := plan(t)
	stacktest.Counts(t, g, stacktest.WithCluster(map[string]int{
		"aws:iam/role:Role": 3,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment":           3,
		"aws:iam/policy:Policy":                                       1,
		"aws:eks/fargateProfile:FargateProfile":                       2,
		"fargatekit:lbc:LBCRelease":                                   1,
		"fargatekit:irsa:IRSARole":                                    1,
		"kubernetes:core/v1:ServiceAccount":                           1,
		typRelease:                                                    1,
		"kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": 7, // the chart's CRDs, applied before the release
		"kubernetes:core/v1:Namespace":                                1,
		typDeployment:                                                 1,
		"kubernetes:core/v1:Service":                                  1,
		typIngress:                                                    1,
	}))
	cluster := stacktest.Cluster(t, g, stack.Project, "fp-default", stack.AppProfile)

	appProfile := stacktest.One(t, g, "aws:eks/fargateProfile:FargateProfile", stack.Project+"-profile-"+stack.AppProfile)
	if got := appProfile.InputString("selectors[0].namespace"); got != "game-2048" {
		t.Errorf("app profile selects %q", got)
	}
	coredns := stacktest.One(t, g, "aws:eks/addon:Addon", stack.Project+"-coredns")
	comp := stacktest.One(t, g, "fargatekit:lbc:LBCRelease", "lbc")
	release := stacktest.One(t, g, typRelease, "lbc")
	// pulumi destroy --run-program tears down what the controller manages
	// before the release goes (the cluster gives the hook its kubeconfig).
	if len(release.BeforeDelete) != 1 || release.BeforeDelete[0] != "lbc-teardown" {
		t.Errorf("release BeforeDelete hooks %v, want [lbc-teardown]", release.BeforeDelete)
	}
	// Ready includes the webhook serving: the release's after hooks wait for it.
	if !slices.Equal(release.AfterCreate, []string{"lbc-webhook-ready"}) || !slices.Equal(release.AfterUpdate, []string{"lbc-webhook-ready"}) {
		t.Errorf("release after hooks %v %v, want [lbc-webhook-ready]", release.AfterCreate, release.AfterUpdate)
	}
	ns := stacktest.One(t, g, "kubernetes:core/v1:Namespace", "game-2048")
	deployment := stacktest.One(t, g, typDeployment, "game-2048")
	service := stacktest.One(t, g, "kubernetes:core/v1:Service", "game-2048")
	ingress := stacktest.One(t, g, typIngress, "game-2048")
	eks := stacktest.One(t, g, "aws:eks/cluster:Cluster", stack.Project+"-cluster")

	// Parents: the controller's children under it, the app at the top.
	stacktest.Parent(t, g, comp, nil)
	stacktest.Parent(t, g, release, comp)
	stacktest.Parent(t, g, stacktest.One(t, g, "aws:iam/policy:Policy", "lbc-policy"), comp)
	stacktest.Parent(t, g, stacktest.One(t, g, "fargatekit:irsa:IRSARole", "lbc-irsa"), comp)
	for _, r := range []*mockstack.Resource{ns, deployment, service, ingress} {
		stacktest.Parent(t, g, r, nil)
	}
	if g.IsDescendant(release, cluster) {
		t.Error("the controller sits under the cluster component")
	}

	// The order that makes create and destroy work.
	stacktest.DependsOn(t, g, release, coredns)    // controller after CoreDNS runs on Fargate
	stacktest.DependsOn(t, g, ingress, release)    // Ingress after the controller, destroyed before it
	stacktest.DependsOn(t, g, service, release)    // Service after the controller's webhook serves
	stacktest.DependsOn(t, g, deployment, release) // pods after the readiness-gate webhook
	stacktest.DependsOn(t, g, deployment, appProfile)
	stacktest.DependsOn(t, g, ingress, ns)
	stacktest.DependsOn(t, g, release, eks)
	stacktest.Independent(t, g, ingress, deployment)
	stacktest.Independent(t, g, deployment, ingress)

	// The namespace asks for readiness gates.
	for k, v := range lbc.NamespaceLabels() {
		if got := ns.InputString(`metadata.labels["` + k + `"]`); got != v {
			t.Errorf("namespace label %s = %q, want %q", k, got, v)
		}
	}

	// Ingress: internet-facing ALB, IP targets, HTTP and HTTPS with the certificate.
	ann := func(k string) string {
		return ingress.InputString(`metadata.annotations["alb.ingress.kubernetes.io/` + k + `"]`)
	}
	for k, want := range map[string]string{
		"scheme":                  "internet-facing",
		"target-type":             "ip",
		"listen-ports":            `[{"HTTP":80},{"HTTPS":443}]`,
		"certificate-arn":         catalog.PlanCertificateARN,
		"target-group-attributes": "deregistration_delay.timeout_seconds=30",
	} {
		if got := ann(k); got != want {
			t.Errorf("annotation %s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(ann("tags"), stackconf.TagStack+"=fargate-alb/plan") {
		t.Errorf("annotation tags %q lacks the stack tag", ann("tags"))
	}
	if got := ingress.InputString("spec.ingressClassName"); got != "alb" {
		t.Errorf("ingressClassName %q", got)
	}
	if got := ingress.InputString("spec.rules[0].http.paths[0].backend.service.name"); got != "game-2048" {
		t.Errorf("backend %q", got)
	}

	// Pods: two replicas, terminating after the deregistration delay.
	if got, _ := deployment.Input("spec.replicas"); got != 2.0 {
		t.Errorf("replicas %v", got)
	}
	delay := lbc.DefaultDeregistrationDelay
	term, err := lbc.Termination(lbc.TerminationSpec{DeregistrationDelay: &delay})
	if err != nil {
		t.Fatal(err)
	}
	pod := "spec.template.spec."
	if got, _ := deployment.Input(pod + "terminationGracePeriodSeconds"); got != float64(term.TerminationGracePeriodSeconds) {
		t.Errorf("terminationGracePeriodSeconds %v, want %d", got, term.TerminationGracePeriodSeconds)
	}
	if got, _ := deployment.Input(pod + "containers[0].lifecycle.preStop.sleep.seconds"); got != term.PreStopSleep.Seconds() {
		t.Errorf("preStop sleep %v, want %v", got, term.PreStopSleep)
	}
	if term.PreStopSleep < lbc.DefaultDeregistrationDelay {
		t.Errorf("preStop sleep %v shorter than the deregistration delay", term.PreStopSleep)
	}

	// The controller is told what Fargate cannot tell it.
	vpc := stacktest.One(t, g, "aws:ec2/vpc:Vpc", stack.Project+"-vpc").ID
	for k, want := range map[string]any{"region": catalog.PlanRegion, "vpcId": vpc, "clusterName": "fargate-alb-plan", "defaultTargetType": "ip"} {
		if got, _ := release.Input("values." + k); got != want {
			t.Errorf("helm value %s = %v, want %v", k, got, want)
		}
	}
}

func TestHTTPOnly(t *testing.T) {
	g := plan(t, mockstack.WithConfig("fargate-alb:certificateArn", ""), mockstack.WithConfig("fargate-alb:replicas", "3"))
	ingress := stacktest.One(t, g, typIngress, "game-2048")
	if got := ingress.InputString(`metadata.annotations["alb.ingress.kubernetes.io/listen-ports"]`); got != `[{"HTTP":80}]` {
		t.Errorf("listen-ports %q", got)
	}
	if _, ok := ingress.Input(`metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"]`); ok {
		t.Error("certificate-arn set without a certificate")
	}
	if got, _ := stacktest.One(t, g, typDeployment, "game-2048").Input("spec.replicas"); got != 3.0 {
		t.Errorf("replicas %v", got)
	}
}

func TestRefused(t *testing.T) {
	for name, opts := range map[string][]mockstack.Option{
		"no region":             {mockstack.WithConfig("aws:region", "")},
		"redirect without cert": {mockstack.WithConfig("fargate-alb:certificateArn", ""), mockstack.WithConfig("fargate-alb:sslRedirect", "true")},
		"no replicas":           {mockstack.WithConfig("fargate-alb:replicas", "0")},
		"replicas not a number": {mockstack.WithConfig("fargate-alb:replicas", "two")},
		"unknown lbc version":   {mockstack.WithConfig("fargate-alb:lbcVersion", "v9.9.9")},
		"bad certificate":       {mockstack.WithConfig("fargate-alb:certificateArn", "not-an-arn")},
	} {
		t.Run(name, func(t *testing.T) {
			e, _ := catalog.Lookup(stack.Project)
			g, err := e.Plan(opts...)
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
			if n := len(g.ByType(typIngress)) + len(g.ByType(typRelease)); n != 0 {
				t.Errorf("%d app resources registered", n)
			}
		})
	}
}
