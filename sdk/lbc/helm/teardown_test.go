package helm

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/storage/driver"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// ensureTGBCRD installs a minimal TargetGroupBinding CRD (what the chart's
// crds/ would) unless the server has it, and waits until the resource is
// served. The CRD stays installed, as Helm leaves a chart's CRDs: deleting it
// here would race the next test (a CRD being deleted still answers
// AlreadyExists to a create, then vanishes) and other packages' tests on the
// same server. A CRD found being deleted is waited out and created again.
func ensureTGBCRD(t *testing.T, cfg *rest.Config) {
	t.Helper()
	dyn := dynamic.NewForConfigOrDie(cfg)
	ctx := context.Background()
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "targetgroupbindings.elbv2.k8s.aws"},
		"spec": map[string]any{
			"group": "elbv2.k8s.aws", "scope": "Namespaced",
			"names": map[string]any{"kind": "TargetGroupBinding", "listKind": "TargetGroupBindingList", "plural": "targetgroupbindings", "singular": "targetgroupbinding"},
			"versions": []any{map[string]any{"name": "v1beta1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
		},
	}}
	// A generous bound: on a loaded machine the server takes its time to
	// serve a new resource. It bounds the wait; nothing asserts on it.
	deadline := time.Now().Add(2 * time.Minute)
	var last error
	for time.Now().Before(deadline) {
		live, err := dyn.Resource(crdResource).Get(ctx, crd.GetName(), metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			if _, err := dyn.Resource(crdResource).Create(ctx, crd, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
				t.Fatalf("creating the TargetGroupBinding CRD: %v", err)
			}
			last = errors.New("CRD just created")
		case err != nil:
			last = err
		case live.GetDeletionTimestamp() != nil:
			last = errors.New("CRD being deleted")
		default:
			if _, last = dyn.Resource(lbc.TargetGroupBindingResource).List(ctx, metav1.ListOptions{Limit: 1}); last == nil {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("TargetGroupBinding resource not served: %v", last)
}

type fixture struct {
	cs  kubernetes.Interface
	dyn dynamic.Interface
	cfg *rest.Config
	ns  string
}

func newFixture(t *testing.T) fixture {
	cs, cfg := kubetest.Clientset(t)
	kubetest.Lock(t, cfg, kubetest.LockLBC)
	ensureTGBCRD(t, cfg)
	return fixture{cs: cs, dyn: dynamic.NewForConfigOrDie(cfg), cfg: cfg, ns: kubetest.Namespace(t, cfg)}
}

func ptr[T any](v T) *T { return &v }

func (f fixture) ingress(t *testing.T, name string, class *string, annotations map[string]string, finalizers ...string) {
	t.Helper()
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: annotations, Finalizers: finalizers},
		Spec: networkingv1.IngressSpec{IngressClassName: class, DefaultBackend: &networkingv1.IngressBackend{
			Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}}},
	}
	if _, err := f.cs.NetworkingV1().Ingresses(f.ns).Create(context.Background(), ing, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (f fixture) service(t *testing.T, name string, typ corev1.ServiceType, class *string, annotations map[string]string, finalizers ...string) {
	t.Helper()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: annotations, Finalizers: finalizers},
		Spec: corev1.ServiceSpec{Type: typ, LoadBalancerClass: class, Selector: map[string]string{"app": name},
			Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}}},
	}
	if _, err := f.cs.CoreV1().Services(f.ns).Create(context.Background(), svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (f fixture) targetGroupBinding(t *testing.T, name string) {
	t.Helper()
	tgb := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "elbv2.k8s.aws/v1beta1", "kind": "TargetGroupBinding",
		"metadata": map[string]any{"name": name, "finalizers": []any{lbc.TargetGroupBindingFinalizer}},
		"spec":     map[string]any{"targetGroupARN": "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/x/0123456789abcdef", "serviceRef": map[string]any{"name": "web", "port": 80}},
	}}
	if _, err := f.dyn.Resource(lbc.TargetGroupBindingResource).Namespace(f.ns).Create(context.Background(), tgb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// clearFinalizers plays the controller: it removes the finalizers of an
// object being deleted.
func (f fixture) clearFinalizers(ctx context.Context, o lbc.ManagedObject) error {
	patch := []byte(`{"metadata":{"finalizers":null}}`)
	var err error
	switch o.Kind {
	case "Ingress":
		_, err = f.cs.NetworkingV1().Ingresses(o.Namespace).Patch(ctx, o.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	case "Service":
		_, err = f.cs.CoreV1().Services(o.Namespace).Patch(ctx, o.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	default:
		_, err = f.dyn.Resource(lbc.ManagedResources()[o.Kind]).Namespace(o.Namespace).Patch(ctx, o.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	}
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// deletionTimestamp returns whether the object is being deleted.
func (f fixture) deleting(ctx context.Context, o lbc.ManagedObject) (bool, error) {
	var (
		m   metav1.Object
		err error
	)
	switch o.Kind {
	case "Ingress":
		m, err = f.cs.NetworkingV1().Ingresses(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
	case "Service":
		m, err = f.cs.CoreV1().Services(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
	default:
		m, err = f.dyn.Resource(lbc.ManagedResources()[o.Kind]).Namespace(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
	}
	if err != nil {
		return false, err
	}
	return m.GetDeletionTimestamp() != nil, nil
}

func (f fixture) installController(t *testing.T) {
	t.Helper()
	_, err := Install(context.Background(), f.cfg, Options{ReleaseName: "controller", Namespace: f.ns,
		Chart: lbc.ChartSource{Path: writeChart(t, "3.5.0")}, Wait: true, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
}

func names(objs []lbc.ManagedObject) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Kind+"/"+o.Name)
	}
	slices.Sort(out)
	return out
}

func TestTeardown(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	f.installController(t)

	// A second IngressClass of the controller, and one of another controller.
	class := f.ns + "-internal"
	_, err := f.cs.NetworkingV1().IngressClasses().Create(ctx, &networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: class}, Spec: networkingv1.IngressClassSpec{Controller: lbc.IngressController}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = f.cs.NetworkingV1().IngressClasses().Delete(context.Background(), class, metav1.DeleteOptions{})
	})

	f.ingress(t, "by-class", ptr(lbc.IngressClassName), nil, lbc.IngressFinalizer)
	f.ingress(t, "by-own-class", ptr(class), nil, lbc.IngressFinalizer)
	f.ingress(t, "by-annotation", nil, map[string]string{"kubernetes.io/ingress.class": "alb"}, lbc.IngressGroupFinalizerPrefix+"shop")
	f.ingress(t, "by-finalizer", ptr("renamed"), nil, lbc.IngressFinalizer)
	f.ingress(t, "nginx", ptr("nginx"), nil)
	f.service(t, "nlb", corev1.ServiceTypeLoadBalancer, ptr(lbc.LoadBalancerClass), nil, lbc.ServiceFinalizer)
	f.service(t, "external", corev1.ServiceTypeLoadBalancer, nil, map[string]string{lbc.ServiceAnnotationPrefix + "type": "external"})
	f.service(t, "in-tree-lb", corev1.ServiceTypeLoadBalancer, nil, nil)
	f.service(t, "web", corev1.ServiceTypeClusterIP, nil, nil)
	f.targetGroupBinding(t, "legacy-tg")

	got, err := lbc.Managed(ctx, f.cfg, f.ns)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Ingress/by-annotation", "Ingress/by-class", "Ingress/by-finalizer", "Ingress/by-own-class",
		"Service/external", "Service/nlb", "TargetGroupBinding/legacy-tg"}
	if !slices.Equal(names(got), want) {
		t.Fatalf("managed %v\nwant    %v", names(got), want)
	}

	// The "controller": once an object is being deleted, it waits a little (as
	// deleting a load balancer takes time), checks that it is itself still
	// installed, and clears the finalizers.
	var (
		mu      sync.Mutex
		cleared []string
		errs    []error
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pending := slices.Clone(got)
		for len(pending) > 0 && ctx.Err() == nil {
			var next []lbc.ManagedObject
			for _, o := range pending {
				if len(o.Finalizers) == 0 {
					continue
				}
				del, err := f.deleting(ctx, o)
				if err != nil && !apierrors.IsNotFound(err) {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				if !del {
					next = append(next, o)
					continue
				}
				time.Sleep(300 * time.Millisecond)
				if _, err := Status(f.cfg, "controller", f.ns); err != nil {
					mu.Lock()
					errs = append(errs, errors.New("controller uninstalled before "+o.String()+" was released: "+err.Error()))
					mu.Unlock()
				}
				if err := f.clearFinalizers(ctx, o); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				mu.Lock()
				cleared = append(cleared, o.Kind+"/"+o.Name)
				mu.Unlock()
			}
			pending = next
			time.Sleep(100 * time.Millisecond)
		}
	}()

	log, logs := testLogger(t)
	err = lbc.Teardown(ctx, f.cfg, lbc.TeardownOptions{Namespaces: []string{f.ns}, ReleaseName: "controller", ReleaseNamespace: f.ns,
		PollInterval: 200 * time.Millisecond, Logger: log})
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	<-done
	mu.Lock()
	defer mu.Unlock()
	for _, err := range errs {
		t.Error(err)
	}
	slices.Sort(cleared)
	if want := []string{"Ingress/by-annotation", "Ingress/by-class", "Ingress/by-finalizer", "Ingress/by-own-class", "Service/nlb", "TargetGroupBinding/legacy-tg"}; !slices.Equal(cleared, want) {
		t.Errorf("finalizers cleared on %v, want %v", cleared, want)
	}
	left, err := lbc.Managed(ctx, f.cfg, f.ns)
	if err != nil || len(left) != 0 {
		t.Errorf("left after teardown: %v %v", left, err)
	}
	if _, err := f.cs.NetworkingV1().Ingresses(f.ns).Get(ctx, "nginx", metav1.GetOptions{}); err != nil {
		t.Errorf("another controller's Ingress was touched: %v", err)
	}
	for _, name := range []string{"in-tree-lb", "web"} {
		if _, err := f.cs.CoreV1().Services(f.ns).Get(ctx, name, metav1.GetOptions{}); err != nil {
			t.Errorf("Service %s was touched: %v", name, err)
		}
	}
	// A run scoped to namespaces never uninstalls: the controller may serve
	// others.
	if _, err := Status(f.cfg, "controller", f.ns); err != nil {
		t.Errorf("a namespace-scoped teardown uninstalled the controller: %v", err)
	}
	for _, w := range []string{"deleting managed objects", "waiting for the controller to clear finalizers", "managed objects gone", "the controller stays"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, logs)
		}
	}
}

func TestTeardownStuck(t *testing.T) {
	f := newFixture(t)
	f.installController(t)
	f.ingress(t, "stuck", ptr(lbc.IngressClassName), nil, lbc.IngressFinalizer)
	t.Cleanup(func() {
		_ = f.clearFinalizers(context.Background(), lbc.ManagedObject{Kind: "Ingress", Namespace: f.ns, Name: "stuck"})
	})
	// The Ingress never loses its finalizer, so Teardown waits until this
	// deadline; it is long enough for the list and delete calls before the
	// wait to finish on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	err := lbc.Teardown(ctx, f.cfg, lbc.TeardownOptions{Namespaces: []string{f.ns}, ReleaseName: "controller", ReleaseNamespace: f.ns, PollInterval: 100 * time.Millisecond})
	if !errors.Is(err, lbc.ErrTeardownIncomplete) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(err.Error(), "Ingress "+f.ns+"/stuck ["+lbc.IngressFinalizer+"]") {
		t.Errorf("error does not list the stuck Ingress: %v", err)
	}
	// The controller stays: it is what would clear the finalizer.
	if _, err := Status(f.cfg, "controller", f.ns); err != nil {
		t.Errorf("controller uninstalled despite the stuck Ingress: %v", err)
	}
	ing, err := f.cs.NetworkingV1().Ingresses(f.ns).Get(context.Background(), "stuck", metav1.GetOptions{})
	if err != nil || ing.DeletionTimestamp == nil {
		t.Errorf("stuck Ingress not being deleted: %v", err)
	}
}

// ensureGatewayAPICRDs serves gatewayclasses, gateways and httproutes of
// gateway.networking.k8s.io/v1 unless the server already does: minimal
// definitions (any fields), enough for Teardown, which reads only
// spec.controllerName, spec.gatewayClassName and spec.parentRefs.
func ensureGatewayAPICRDs(t *testing.T, ctx context.Context, cfg *rest.Config) {
	t.Helper()
	var crds []lbc.CRD
	for _, k := range []struct{ kind, plural, scope string }{
		{"GatewayClass", "gatewayclasses", "Cluster"}, {"Gateway", "gateways", "Namespaced"}, {"HTTPRoute", "httproutes", "Namespaced"},
	} {
		name := k.plural + ".gateway.networking.k8s.io"
		if _, err := dynamic.NewForConfigOrDie(cfg).Resource(lbc.CRDResource).Get(ctx, name, metav1.GetOptions{}); err == nil {
			continue
		}
		crds = append(crds, lbc.CRD{Name: name, Object: &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
			// *.k8s.io groups need the approval annotation (the upstream CRDs carry it).
			"metadata": map[string]any{"name": name, "annotations": map[string]any{"api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/gateway-api/pull/2466"}},
			"spec": map[string]any{
				"group": "gateway.networking.k8s.io", "scope": k.scope,
				"names": map[string]any{"kind": k.kind, "listKind": k.kind + "List", "plural": k.plural, "singular": strings.ToLower(k.kind)},
				"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
					"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
			},
		}}})
	}
	if err := lbc.ApplyCRDs(ctx, cfg, crds, nil); err != nil {
		t.Fatal(err)
	}
	// Established is not yet served: wait until the resources list.
	for _, gvr := range []schema.GroupVersionResource{lbc.GatewayClassResource, lbc.GatewayResource, lbc.ManagedResources()["HTTPRoute"]} {
		for {
			if _, err := dynamic.NewForConfigOrDie(cfg).Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1}); err == nil {
				break
			} else if ctx.Err() != nil {
				t.Fatalf("%s not served: %v", gvr.Resource, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

func (f fixture) create(t *testing.T, gvr schema.GroupVersionResource, ns string, obj map[string]any) {
	t.Helper()
	u := &unstructured.Unstructured{Object: obj}
	var err error
	if ns == "" {
		_, err = f.dyn.Resource(gvr).Create(context.Background(), u, metav1.CreateOptions{})
	} else {
		_, err = f.dyn.Resource(gvr).Namespace(ns).Create(context.Background(), u, metav1.CreateOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestTeardownAllNamespaces: a Teardown scoped to the controller's
// namespace deletes its Gateway but neither a route in another namespace
// attached to it nor anything the controller manages elsewhere (a Gateway of
// an ALB GatewayClass, its HTTPRoute, an Ingress with the controller's
// finalizer), and keeps the controller. A cluster-wide Teardown deletes
// them and waits for their finalizers; an Ingress created meanwhile is found
// by its second listing right before the uninstall, which it refuses
// (ErrManagedObjectsRemain); once that one is gone too, the next run
// uninstalls.
func TestTeardownAllNamespaces(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ensureGatewayAPICRDs(t, ctx, f.cfg)
	f.installController(t)
	other := kubetest.Namespace(t, f.cfg)
	g := fixture{cs: f.cs, dyn: f.dyn, cfg: f.cfg, ns: other}
	class := other + "-alb"
	route := lbc.ManagedResources()["HTTPRoute"]
	f.create(t, lbc.GatewayClassResource, "", map[string]any{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
		"metadata": map[string]any{"name": class}, "spec": map[string]any{"controllerName": lbc.GatewayControllerALB}})
	t.Cleanup(func() {
		_ = f.dyn.Resource(lbc.GatewayClassResource).Delete(context.Background(), class, metav1.DeleteOptions{})
	})
	gateway := func(ns, name string, finalizers ...any) {
		f.create(t, lbc.GatewayResource, ns, map[string]any{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
			"metadata": map[string]any{"name": name, "finalizers": finalizers},
			"spec": map[string]any{"gatewayClassName": class, // valid under the real Gateway API CRDs too
				"listeners": []any{map[string]any{"name": "http", "protocol": "HTTP", "port": int64(80)}}}})
	}
	httpRoute := func(ns, name string, parent map[string]any) {
		f.create(t, route, ns, map[string]any{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
			"metadata": map[string]any{"name": name}, "spec": map[string]any{"parentRefs": []any{parent}}})
	}
	gateway(f.ns, "mine")
	httpRoute(other, "cross", map[string]any{"name": "mine", "namespace": f.ns})
	gateway(other, "gw", lbc.GatewayFinalizerPrefix+"alb")
	httpRoute(other, "route", map[string]any{"name": "gw"})
	httpRoute(other, "elsewhere", map[string]any{"name": "nginx-gw"})
	g.ingress(t, "web", ptr(lbc.IngressClassName), nil, lbc.IngressFinalizer)
	finalized := []lbc.ManagedObject{{Kind: "Gateway", Namespace: other, Name: "gw"}, {Kind: "Ingress", Namespace: other, Name: "web"},
		{Kind: "Ingress", Namespace: other, Name: "late"}}
	for _, o := range finalized {
		t.Cleanup(func() { _ = f.clearFinalizers(context.Background(), o) })
	}

	err := lbc.Teardown(ctx, f.cfg, lbc.TeardownOptions{Namespaces: []string{f.ns}, ReleaseName: "controller", ReleaseNamespace: f.ns, PollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("namespace-scoped teardown: %v", err)
	}
	if _, err := f.dyn.Resource(lbc.GatewayResource).Namespace(f.ns).Get(ctx, "mine", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the scoped namespace's Gateway is still there: %v", err)
	}
	if r, err := f.dyn.Resource(route).Namespace(other).Get(ctx, "cross", metav1.GetOptions{}); err != nil || r.GetDeletionTimestamp() != nil {
		t.Errorf("a scoped run deleted a route in another namespace: %v", err)
	}
	left, err := lbc.Managed(ctx, f.cfg, other)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Gateway/gw", "HTTPRoute/route", "Ingress/web"}; !slices.Equal(names(left), want) {
		t.Errorf("managed elsewhere after a scoped run: %v, want %v", names(left), want)
	}
	for _, o := range left {
		if del, err := f.deleting(ctx, o); err != nil || del {
			t.Errorf("a scoped run deleted %s: %v", o, err)
		}
	}
	if _, err := Status(f.cfg, "controller", f.ns); err != nil {
		t.Fatalf("a scoped run uninstalled the controller: %v", err)
	}

	// The "controller" clears finalizers of what is being deleted; while the
	// Gateway is being deleted, someone creates an Ingress.
	stop := make(chan struct{})
	defer close(stop)
	created := make(chan error, 1)
	go func() {
		late := false
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			for _, o := range finalized {
				if del, err := f.deleting(ctx, o); err == nil && del {
					if o.Name == "gw" && !late {
						late = true
						_, err := f.cs.NetworkingV1().Ingresses(other).Create(ctx, &networkingv1.Ingress{
							ObjectMeta: metav1.ObjectMeta{Name: "late", Finalizers: []string{lbc.IngressFinalizer}},
							Spec: networkingv1.IngressSpec{IngressClassName: ptr(lbc.IngressClassName), DefaultBackend: &networkingv1.IngressBackend{
								Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}}},
						}, metav1.CreateOptions{})
						created <- err
					}
					_ = f.clearFinalizers(ctx, o)
				}
			}
		}
	}()
	all := lbc.TeardownOptions{ReleaseName: "controller", ReleaseNamespace: f.ns, PollInterval: 100 * time.Millisecond}
	err = lbc.Teardown(ctx, f.cfg, all)
	if cerr := <-created; cerr != nil {
		t.Fatal(cerr)
	}
	if !errors.Is(err, lbc.ErrManagedObjectsRemain) || !strings.Contains(err.Error(), "Ingress "+other+"/late") {
		t.Fatalf("cluster-wide teardown with an Ingress created meanwhile: %v", err)
	}
	if _, err := Status(f.cfg, "controller", f.ns); err != nil {
		t.Fatalf("controller uninstalled while an Ingress remains: %v", err)
	}
	if err := lbc.Teardown(ctx, f.cfg, all); err != nil {
		t.Fatal(err)
	}
	left, err = lbc.Managed(ctx, f.cfg, other)
	if err != nil || len(left) != 0 {
		t.Errorf("left: %v %v", left, err)
	}
	if _, err := f.dyn.Resource(route).Namespace(other).Get(ctx, "elsewhere", metav1.GetOptions{}); err != nil {
		t.Errorf("another controller's route was deleted: %v", err)
	}
	if _, err := Status(f.cfg, "controller", f.ns); !errors.Is(err, driver.ErrReleaseNotFound) {
		t.Errorf("controller still installed: %v", err)
	}
}
