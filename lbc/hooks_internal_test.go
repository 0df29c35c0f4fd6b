package lbc

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	k8sclient "k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	sdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// clusterProgram runs one component on a stand-in cluster described by
// cluster (its Name, Region, VpcID, OIDC provider, provider and Ready are
// filled in).
func clusterProgram(t *testing.T, cluster clusterref.Cluster, args LBCReleaseArgs) (*mockstack.Graph, *LBCRelease, error) {
	t.Helper()
	var ctl *LBCRelease
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		c, err := standInCluster(ctx, cluster)
		if err != nil {
			return err
		}
		args.Cluster = c
		ctl, err = NewLBCRelease(ctx, "lbc", &args)
		return err
	})
	return g, ctl, err
}

// standInCluster registers a stand-in cluster's Kubernetes provider and
// CoreDNS add-on (its Ready resource) and fills cluster's Name, Region,
// VpcID, OIDC provider, provider and Ready.
func standInCluster(ctx *pulumi.Context, cluster clusterref.Cluster) (clusterref.Cluster, error) {
	k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
	if err != nil {
		return cluster, err
	}
	coredns, err := eks.NewAddon(ctx, "coredns", &eks.AddonArgs{ClusterName: pulumi.String("demo"), AddonName: pulumi.String("coredns")})
	if err != nil {
		return cluster, err
	}
	cluster.Name, cluster.Region, cluster.VpcID = pulumi.String("demo"), pulumi.String("us-west-2"), pulumi.String(testVpc)
	cluster.OIDCProviderARN, cluster.KubernetesProvider, cluster.Ready = pulumi.String(testProviderARN), k8s, []pulumi.Resource{coredns}
	return cluster, nil
}

// A custom namespace is created before the ServiceAccount and the release;
// with the cluster's kubeconfig the release carries the teardown hook, and
// the program hands the kubeconfig to it.
func TestComponentNamespaceAndDestroyHook(t *testing.T) {
	g, ctl, err := clusterProgram(t, clusterref.Cluster{FargateOnly: true, Kubeconfig: pulumi.ToSecret(pulumi.String("apiVersion: v1")).(pulumi.StringOutput)},
		LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Namespace: "lbc-system"}})
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	comp := one(t, g, TypeToken, "lbc")
	ns := one(t, g, "kubernetes:core/v1:Namespace", "lbc-namespace")
	rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	sa := one(t, g, "kubernetes:core/v1:ServiceAccount", "lbc-irsa-sa-lbc-system/aws-load-balancer-controller")
	if ns.InputString("metadata.name") != "lbc-system" || g.ParentOf(ns) != comp || !strings.Contains(ns.Provider, "::k8s::") {
		t.Errorf("namespace %v parent %s provider %s", ns.Inputs, ns.Parent, ns.Provider)
	}
	for _, r := range []*mockstack.Resource{sa, rel} {
		if !g.DependsOn(r, ns) {
			t.Errorf("%s %s does not wait for the namespace", r.Type, r.Name)
		}
	}
	if rel.InputString("namespace") != "lbc-system" {
		t.Errorf("release namespace %q", rel.InputString("namespace"))
	}
	if !slices.Equal(rel.BeforeDelete, []string{"lbc-teardown"}) {
		t.Errorf("release BeforeDelete hooks %v, want [lbc-teardown]", rel.BeforeDelete)
	}
	if !slices.Equal(rel.AfterCreate, []string{"lbc-webhook-ready"}) || !slices.Equal(rel.AfterUpdate, []string{"lbc-webhook-ready"}) {
		t.Errorf("release AfterCreate %v AfterUpdate %v, want [lbc-webhook-ready]", rel.AfterCreate, rel.AfterUpdate)
	}
	for _, r := range g.Resources {
		if r != rel && len(r.BeforeDelete)+len(r.AfterCreate)+len(r.AfterUpdate) > 0 {
			t.Errorf("%s %s has hooks %v %v %v", r.Type, r.Name, r.BeforeDelete, r.AfterCreate, r.AfterUpdate)
		}
	}
	if ctl.hook == nil || ctl.hook.kube.Kubeconfig() != "apiVersion: v1" {
		t.Errorf("the hook did not get the kubeconfig: %+v", ctl.hook)
	}

	// LBCReleaseArgs.Kubeconfig overrides the cluster's.
	_, ctl, err = clusterProgram(t, clusterref.Cluster{Kubeconfig: pulumi.String("cluster")}, LBCReleaseArgs{Kubeconfig: pulumi.String("mine")})
	if err != nil || ctl.hook.kube.Kubeconfig() != "mine" {
		t.Errorf("override: %v %+v", err, ctl.hook)
	}
	// kube-system: no namespace child; without a kubeconfig, no hooks.
	g, _, err = clusterProgram(t, clusterref.Cluster{}, LBCReleaseArgs{})
	if err != nil || len(g.ByType("kubernetes:core/v1:Namespace")) != 0 {
		t.Errorf("kube-system: %v\n%s", err, g.Tree())
	}
	if rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc"); len(rel.BeforeDelete)+len(rel.AfterCreate)+len(rel.AfterUpdate) > 0 {
		t.Errorf("hooks without a kubeconfig: %v %v %v", rel.BeforeDelete, rel.AfterCreate, rel.AfterUpdate)
	}
}

// On a Fargate-only cluster with known profiles, the component refuses
// (registering nothing) a controller no profile would run.
func TestComponentFargateCheck(t *testing.T) {
	sel := func(ns string, labels map[string]string) []clusterref.FargateProfile {
		return []clusterref.FargateProfile{{Name: "apps", Selectors: []clusterref.FargateSelector{{Namespace: "apps"}}},
			{Name: "system", Selectors: []clusterref.FargateSelector{{Namespace: ns, Labels: labels}}}}
	}
	tests := []struct {
		name     string
		profiles []clusterref.FargateProfile
		fargate  bool
		args     LBCReleaseArgs
		ok       bool
	}{
		{"kube-system selected", sel("kube-system", nil), true, LBCReleaseArgs{}, true},
		{"wildcards", sel("kube-*", map[string]string{"app.kubernetes.io/name": "aws-load-*"}), true, LBCReleaseArgs{}, true},
		{"profiles unknown", nil, true, LBCReleaseArgs{}, true},
		{"not Fargate-only", sel("default", nil), false, LBCReleaseArgs{}, true},
		{"namespace not selected", sel("default", nil), true, LBCReleaseArgs{}, false},
		{"no profiles at all", []clusterref.FargateProfile{}, true, LBCReleaseArgs{}, false},
		{"labels not on the pods", sel("kube-system", map[string]string{"team": "platform"}), true, LBCReleaseArgs{}, false},
		{"podLabels in the values", sel("kube-system", map[string]string{"team": "platform"}), true,
			LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Settings: Settings{ExtraValues: map[string]any{"podLabels": map[string]any{"team": "platform"}}}}}, true},
		{"custom namespace selected", sel("lbc", nil), true, LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Namespace: "lbc"}}, true},
		{"custom namespace not selected", sel("kube-system", nil), true, LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Namespace: "lbc"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _, err := clusterProgram(t, clusterref.Cluster{FargateOnly: tt.fargate, FargateProfiles: tt.profiles}, tt.args)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			why := "apps selects apps"
			if len(tt.profiles) == 0 {
				why = "the cluster has no Fargate profiles"
			}
			if !errors.Is(err, ErrNoFargateProfile) || !strings.Contains(err.Error(), why) {
				t.Fatalf("error %v", err)
			}
			if len(g.ByType(TypeToken)) != 0 {
				t.Errorf("refused spec registered the component\n%s", g.Tree())
			}
		})
	}
}

// The CRD children of an upgrade from v2.13.0 to v3.5.0: the two CRDs both
// charts ship keep their children (same URN, new spec), the five new ones
// are added; a chart that cannot be loaded refuses the spec.
func TestComponentCRDsAcrossUpgrade(t *testing.T) {
	crdsOf := func(version string) map[string]*mockstack.Resource {
		g, _, err := clusterProgram(t, clusterref.Cluster{}, referenceCharts(t, LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Settings: Settings{Version: version}}}))
		if err != nil {
			t.Fatalf("%s: %v", version, err)
		}
		out := map[string]*mockstack.Resource{}
		for _, r := range g.ByType(crdType) {
			out[r.InputString("metadata.name")] = r
		}
		return out
	}
	before, after := crdsOf("v2.13.0"), crdsOf("v3.5.0")
	want, err := sdk.SourceCRDs(context.Background(), sdk.ChartSource{RepoURL: ChartRepo, Name: ChartName, Version: "3.5.0"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 2 || len(after) != len(want) {
		t.Fatalf("CRDs: %d before, %d after, want 2 and %d", len(before), len(after), len(want))
	}
	for _, c := range want {
		a := after[c.Name]
		if a == nil {
			t.Errorf("3.5.0 lacks CRD %s", c.Name)
			continue
		}
		// After the upgrade every child carries 3.5.0's definition.
		wantSpec, _, _ := unstructured.NestedMap(c.Object.Object, "spec")
		if got, _ := a.Input("spec"); !reflect.DeepEqual(plainJSON(t, got), plainJSON(t, wantSpec)) {
			t.Errorf("CRD %s: not 3.5.0's spec", c.Name)
		}
	}
	for name, b := range before {
		if a := after[name]; a == nil || a.URN != b.URN {
			t.Errorf("CRD %s: child %v before, %v after", name, b.URN, a)
		}
	}
	if b, a := before["targetgroupbindings.elbv2.k8s.aws"], after["targetgroupbindings.elbv2.k8s.aws"]; b != nil && a != nil {
		bs, _ := b.Input("spec")
		as, _ := a.Input("spec")
		if reflect.DeepEqual(plainJSON(t, bs), plainJSON(t, as)) {
			t.Error("the TargetGroupBinding CRD did not change from 1.13.0 to 3.5.0: the upgrade would not be seen")
		}
	}

	g, _, err := clusterProgram(t, clusterref.Cluster{}, LBCReleaseArgs{
		loadCRDs: func(sdk.ChartSource) ([]sdk.CRD, error) { return nil, sdk.ErrChart }})
	if !errors.Is(err, sdk.ErrChart) || g.Len() != 2 {
		t.Errorf("unloadable chart: %v, %d resources\n%s", err, g.Len(), g.Tree())
	}
}

// The destroy hook, fed the release's registered inputs, on the real API
// server: while another installation of the controller runs (a replacement)
// it deletes nothing; then it deletes the controller's Ingress and waits
// until the "controller" (this test, removing finalizers of what is being
// deleted) has let it go; without a kubeconfig it fails naming
// --run-program.
func TestDestroyHookRealServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	kubeconfig, err := os.ReadFile(kubetest.KubeconfigFile(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	g, ctl, err := clusterProgram(t, clusterref.Cluster{FargateOnly: true, Kubeconfig: pulumi.String(string(kubeconfig))},
		LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Namespace: ns}})
	if err != nil {
		t.Fatal(err)
	}
	rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	h := ctl.hook
	h.log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	h.poll, h.timeout = 100*time.Millisecond, 2*time.Minute
	ctx := context.Background()

	class := sdk.IngressClassName
	ing, err := cs.NetworkingV1().Ingresses(ns).Create(ctx, &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Finalizers: []string{sdk.IngressFinalizer}},
		Spec: networkingv1.IngressSpec{IngressClassName: &class, DefaultBackend: &networkingv1.IngressBackend{
			Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = cs.NetworkingV1().Ingresses(ns).Patch(context.Background(), "web", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
	})

	// A replacement's controller runs in another namespace: nothing is deleted.
	other := kubetest.Namespace(t, cfg)
	controllerDeployment(t, cs, other, "aws-load-balancer-controller")
	if err := h.run(&pulumi.ResourceHookArgs{Name: rel.Name, OldInputs: rel.Inputs}); err != nil {
		t.Fatal(err)
	}
	if got, err := cs.NetworkingV1().Ingresses(ns).Get(ctx, "web", metav1.GetOptions{}); err != nil || got.DeletionTimestamp != nil {
		t.Fatalf("a replacement's hook touched the Ingress: %v %v", err, got.DeletionTimestamp)
	}
	// Its own Deployment does not count as another installation.
	controllerDeployment(t, cs, ns, ReleaseName)
	if err := cs.AppsV1().Deployments(other).Delete(ctx, "aws-load-balancer-controller", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if got, err := cs.NetworkingV1().Ingresses(ns).Get(ctx, "web", metav1.GetOptions{}); err == nil && got.DeletionTimestamp != nil {
				_, _ = cs.NetworkingV1().Ingresses(ns).Patch(ctx, "web", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
			}
		}
	}()
	if err := h.run(&pulumi.ResourceHookArgs{Name: rel.Name, OldInputs: rel.Inputs}); err != nil {
		t.Fatal(err)
	}
	got, err := cs.NetworkingV1().Ingresses(ns).Get(ctx, "web", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) && (err != nil || got.UID == ing.UID) {
		t.Fatalf("the Ingress is still there: %v", err)
	}
	// The controller itself is left for Pulumi to uninstall.
	if _, err := cs.AppsV1().Deployments(ns).Get(ctx, ReleaseName, metav1.GetOptions{}); err != nil {
		t.Errorf("the hook removed the controller: %v", err)
	}

	h.kube.Set("")
	if err := h.run(&pulumi.ResourceHookArgs{Name: rel.Name, OldInputs: rel.Inputs}); !errors.Is(err, ErrNoKubeconfig) || !strings.Contains(err.Error(), "--run-program") {
		t.Errorf("without a kubeconfig: %v", err)
	}
}

// controllerDeployment creates a Deployment labelled as the chart labels the
// controller's (no pods run: the API server alone has no controllers).
func controllerDeployment(t *testing.T, cs k8sclient.Interface, ns, instance string) {
	t.Helper()
	labels := map[string]string{"app.kubernetes.io/name": ChartName, "app.kubernetes.io/instance": instance}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: instance, Labels: labels},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "controller", Image: "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0"}}}}},
	}
	if _, err := cs.AppsV1().Deployments(ns).Create(context.Background(), d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Chart 3.0.0 cannot keep its webhook certificate: without WebhookTLS and
// without a kubeconfig the component refuses it (registering nothing); with
// WebhookTLS it passes that; with the cluster's kubeconfig it passes a new
// certificate on the first run and, once the chart's Secret holds one, that
// one on every later run, in secret values (on the real API server).
func TestComponentWebhookTLSOn300(t *testing.T) {
	spec := func(ns string, tls *sdk.WebhookCertificate) LBCReleaseArgs {
		return LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Namespace: ns, SkipCRDs: true, Settings: Settings{Version: "v3.0.0", WebhookTLS: tls}}}
	}
	g, _, err := clusterProgram(t, clusterref.Cluster{}, spec("lbc-system", nil))
	if !errors.Is(err, ErrWebhookTLSRequired) || len(g.ByType(TypeToken)) != 0 {
		t.Fatalf("3.0.0 without WebhookTLS nor kubeconfig: %v\n%s", err, g.Tree())
	}
	mine, err := sdk.NewWebhookCertificate("lbc-system", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	g, _, err = clusterProgram(t, clusterref.Cluster{}, spec("lbc-system", &mine))
	if err != nil {
		t.Fatal(err)
	}
	if got := webhookTLSValues(t, g); got != mine {
		t.Errorf("WebhookTLS not passed: %+v", got)
	}
	// 3.5.0 keeps its own: no webhookTLS values, no kubeconfig needed.
	g, _, err = clusterProgram(t, clusterref.Cluster{}, LBCReleaseArgs{ReleaseSpec: ReleaseSpec{SkipCRDs: true}})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc").Input("values.webhookTLS"); ok {
		t.Errorf("3.5.0 values carry webhookTLS %v", v)
	}

	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	kubeconfig, err := os.ReadFile(kubetest.KubeconfigFile(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	cluster := clusterref.Cluster{Kubeconfig: pulumi.ToSecret(pulumi.String(string(kubeconfig))).(pulumi.StringOutput)}
	g, _, err = clusterProgram(t, cluster, spec(ns, nil))
	if err != nil {
		t.Fatal(err)
	}
	first := webhookTLSValues(t, g)
	if err := first.Validate(); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if leaf, _ := first.Leaf(); !slices.Equal(leaf.DNSNames, sdk.WebhookDNSNames(ns, "")) {
		t.Errorf("certificate names %v", leaf.DNSNames)
	}
	if !one(t, g, "kubernetes:helm.sh/v3:Release", "lbc").IsSecretInput("values") {
		t.Error("values with the webhook key are not secret")
	}
	// The chart stores the certificate it was given in its Secret.
	_, err = cs.CoreV1().Secrets(ns).Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: sdk.WebhookSecretName("")}, Type: corev1.SecretTypeTLS,
		Data: map[string][]byte{"ca.crt": []byte(first.CACert), "tls.crt": []byte(first.Cert), "tls.key": []byte(first.Key)},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		g, _, err = clusterProgram(t, cluster, spec(ns, nil))
		if err != nil {
			t.Fatal(err)
		}
		if got := webhookTLSValues(t, g); got != first {
			t.Fatal("a later run changed the webhook certificate")
		}
	}
}

// webhookTLSValues reads the release's webhookTLS values.
func webhookTLSValues(t *testing.T, g *mockstack.Graph) sdk.WebhookCertificate {
	t.Helper()
	rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	return sdk.WebhookCertificate{CACert: rel.InputString("values.webhookTLS.caCert"),
		Cert: rel.InputString("values.webhookTLS.cert"), Key: rel.InputString("values.webhookTLS.key")}
}

// The release's N-webhook-ready hook on the real API server: it waits while
// the webhook Service has no ready endpoint (failing with
// ErrWebhookNotServing when its time is up), and returns once the endpoint
// is ready; without a kubeconfig it fails at once.
func TestWebhookReadyHookRealServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	kubeconfig, err := os.ReadFile(kubetest.KubeconfigFile(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	prefix := "lbc-" + ns
	g, ctl, err := clusterProgram(t, clusterref.Cluster{Kubeconfig: pulumi.String(string(kubeconfig))},
		LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Namespace: ns, Settings: Settings{ExtraValues: map[string]any{"nameOverride": prefix}}}})
	if err != nil {
		t.Fatal(err)
	}
	rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	h := ctl.hook
	h.log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	h.poll, h.timeout = 200*time.Millisecond, time.Second
	ctx := context.Background()
	svc := sdk.WebhookServiceName(prefix)
	if _, err := cs.CoreV1().Services(ns).Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: svc},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 443}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	args := &pulumi.ResourceHookArgs{Name: rel.Name, NewInputs: rel.Inputs}
	if err := h.waitWebhook(args); !errors.Is(err, sdk.ErrWebhookNotServing) || !strings.Contains(err.Error(), ns+"/"+svc) {
		t.Fatalf("no endpoint: %v", err)
	}
	ready := true
	if _, err := cs.DiscoveryV1().EndpointSlices(ns).Create(ctx, &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: svc + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.waitWebhook(args); err != nil {
		t.Fatalf("ready endpoint: %v", err)
	}
	h.kube.Set("")
	if err := h.waitWebhook(args); !errors.Is(err, ErrNoKubeconfig) {
		t.Errorf("without a kubeconfig: %v", err)
	}
}
