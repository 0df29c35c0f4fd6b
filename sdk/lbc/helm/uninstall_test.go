package helm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/lbcref/eksref"
	"github.com/fargatekit/fargatekit/sdk/lbc"
	"helm.sh/helm/v3/pkg/storage/driver"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
)

// lbc.Uninstall (no Helm) removes a release of the real controller chart
// that Helm installed: every object of its manifest, cluster-scoped ones
// included, and every record, while the CRDs stay (Helm leaves them too);
// Helm then sees no release and installs the name again.
func TestUninstallRealChartWithoutHelm(t *testing.T) {
	eksref.Ref("").Require(t)
	cs, cfg := kubetest.Clientset(t)
	kubetest.Lock(t, cfg, kubetest.LockLBC)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r, err := lbc.LookupRelease(lbc.DefaultVersion)
	if err != nil {
		t.Fatal(err)
	}
	name := rowName(r) + "-un"
	vals := lbc.MergeValues(rowValues(t, r), map[string]any{"nameOverride": name, "ingressClass": name})
	cleanupRelease(t, cfg, name, ns)
	opts := Options{ReleaseName: name, Namespace: ns, Chart: lbc.ChartSource{Path: eksref.Ref("").Chart(t, r.Chart), Version: r.Chart}, Values: vals}
	if _, err := Install(ctx, cfg, opts); err != nil {
		t.Fatal(err)
	}
	rel, err := Upgrade(ctx, cfg, opts) // a second revision, a second record
	if err != nil {
		t.Fatal(err)
	}
	objs, err := lbc.ManifestObjects(rel.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) < 8 || objs[0].GetKind() != "MutatingWebhookConfiguration" && objs[0].GetKind() != "ValidatingWebhookConfiguration" {
		t.Fatalf("manifest objects: %d, first %s (webhooks go first)", len(objs), objs[0].GetKind())
	}
	dyn := dynamic.NewForConfigOrDie(cfg)
	groups, err := restmapper.GetAPIGroupResources(cs.Discovery())
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDiscoveryRESTMapper(groups)
	get := func(o schema.GroupVersionKind, objNS, objName string) error {
		m, err := mapper.RESTMapping(o.GroupKind(), o.Version)
		if err != nil {
			return err
		}
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			_, err = dyn.Resource(m.Resource).Namespace(objNS).Get(ctx, objName, metav1.GetOptions{})
		} else {
			_, err = dyn.Resource(m.Resource).Get(ctx, objName, metav1.GetOptions{})
		}
		return err
	}
	for _, o := range objs {
		if err := get(o.GroupVersionKind(), ns, o.GetName()); err != nil {
			t.Fatalf("%s %s before uninstall: %v", o.GetKind(), o.GetName(), err)
		}
	}
	crdsBefore, err := lbc.LoadChartCRDs(eksref.Ref("").Chart(t, r.Chart))
	if err != nil {
		t.Fatal(err)
	}

	log, logs := testLogger(t)
	if err := lbc.Uninstall(ctx, cfg, lbc.UninstallOptions{ReleaseName: name, Namespace: ns, Wait: true, Timeout: time.Minute, Logger: log}); err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := get(o.GroupVersionKind(), ns, o.GetName()); !apierrors.IsNotFound(err) {
			t.Errorf("%s %s after uninstall: %v", o.GetKind(), o.GetName(), err)
		}
	}
	if recs, _ := cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + name}); len(recs.Items) != 0 {
		t.Errorf("%d release records left", len(recs.Items))
	}
	if _, err := Status(cfg, name, ns); !errors.Is(err, driver.ErrReleaseNotFound) {
		t.Errorf("Helm's status after uninstall: %v", err)
	}
	for _, c := range crdsBefore {
		if err := get(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}, "", c.Name); err != nil {
			t.Errorf("CRD %s after uninstall: %v (Helm keeps CRDs)", c.Name, err)
		}
	}
	if h, err := lbc.HelmReleaseHistory(ctx, cs, name, ns); err != nil || len(h) != 0 {
		t.Errorf("history after uninstall: %v %v", h, err)
	}
	if rel, err := Install(ctx, cfg, opts); err != nil || rel.Version != 1 {
		t.Errorf("Helm installs the name again: %v", err)
	}
	t.Log(logs.String())
}

// A release with a delete hook is refused before anything is deleted; an
// object annotated helm.sh/resource-policy: keep outlives the uninstall, as
// with Helm.
func TestUninstallHooksAndKeep(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	write := func(dir, name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "templates", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	hooked := writeChart(t, "0.1.0")
	write(hooked, "hook.yaml", `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-hook
  annotations:
    helm.sh/hook: pre-delete
data: {}
`)
	if _, err := Install(ctx, cfg, Options{ReleaseName: "hooked", Namespace: ns, Chart: lbc.ChartSource{Path: hooked}}); err != nil {
		t.Fatal(err)
	}
	err := lbc.Uninstall(ctx, cfg, lbc.UninstallOptions{ReleaseName: "hooked", Namespace: ns})
	if !errors.Is(err, lbc.ErrUninstall) {
		t.Fatalf("delete hook: %v, want ErrUninstall", err)
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "hooked-greeting", metav1.GetOptions{}); err != nil {
		t.Errorf("refused uninstall deleted the ConfigMap: %v", err)
	}
	if _, err := Status(cfg, "hooked", ns); err != nil {
		t.Errorf("refused uninstall removed the release: %v", err)
	}

	kept := writeChart(t, "0.1.0")
	write(kept, "kept.yaml", `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-kept
  annotations:
    helm.sh/resource-policy: keep
data: {}
`)
	if _, err := Install(ctx, cfg, Options{ReleaseName: "kept", Namespace: ns, Chart: lbc.ChartSource{Path: kept}}); err != nil {
		t.Fatal(err)
	}
	if err := lbc.Uninstall(ctx, cfg, lbc.UninstallOptions{ReleaseName: "kept", Namespace: ns, Wait: true, Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "kept-kept", metav1.GetOptions{}); err != nil {
		t.Errorf("kept ConfigMap: %v", err)
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "kept-greeting", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("other ConfigMap after uninstall: %v", err)
	}
	if _, err := Status(cfg, "kept", ns); !errors.Is(err, driver.ErrReleaseNotFound) {
		t.Errorf("status after uninstall: %v", err)
	}
}
