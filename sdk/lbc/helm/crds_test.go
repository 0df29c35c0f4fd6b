package helm

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/lbcref/eksref"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// serverControllerCRDs returns the controller's CRDs (ControllerCRDGroups) on the server by name.
func serverControllerCRDs(t *testing.T, ctx context.Context, cfg *rest.Config) map[string]*unstructured.Unstructured {
	t.Helper()
	list, err := dynamic.NewForConfigOrDie(cfg).Resource(lbc.CRDResource).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*unstructured.Unstructured{}
	for i := range list.Items {
		u := &list.Items[i]
		if g, _, _ := unstructured.NestedString(u.Object, "spec", "group"); slices.Contains(lbc.ControllerCRDGroups, g) {
			out[u.GetName()] = u
		}
	}
	return out
}

// deleteControllerCRDs deletes the controller's CRDs from the server and
// waits until they are gone, so a test starts from a cluster that never had them.
func deleteControllerCRDs(t *testing.T, ctx context.Context, cfg *rest.Config) {
	t.Helper()
	res := dynamic.NewForConfigOrDie(cfg).Resource(lbc.CRDResource)
	for name := range serverControllerCRDs(t, ctx, cfg) {
		if err := res.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
	}
	for len(serverControllerCRDs(t, ctx, cfg)) > 0 {
		if ctx.Err() != nil {
			t.Fatalf("CRDs not deleted: %v", ctx.Err())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// assertServerCRDs checks that the controller's CRDs on the server are
// exactly want, name for name and version for version (schemas included).
func assertServerCRDs(t *testing.T, ctx context.Context, cfg *rest.Config, label string, want []lbc.CRD) {
	t.Helper()
	got := serverControllerCRDs(t, ctx, cfg)
	var gotNames, wantNames []string
	for n := range got {
		gotNames = append(gotNames, n)
	}
	for _, c := range want {
		wantNames = append(wantNames, c.Name)
	}
	slices.Sort(gotNames)
	if !slices.Equal(gotNames, wantNames) {
		t.Errorf("%s: server CRDs %v, want %v", label, gotNames, wantNames)
	}
	for _, c := range want {
		if s, ok := got[c.Name]; ok && !reflect.DeepEqual(versionsOf(t, s), versionsOf(t, c.Object)) {
			t.Errorf("%s: %s on the server is not the chart's definition", label, c.Name)
		}
	}
}

// TestCRDUpgrade upgrades 1.13.0 to 3.5.0 with the SDK's Upgrade on the real
// API server, from a cluster without the controller's CRDs: after the
// install the server has 1.13.0's CRDs, after the upgrade exactly 3.5.0's
// (the new ones created, the old ones at 3.5.0's schemas). Helm alone would
// have left 1.13.0's.
func TestCRDUpgrade(t *testing.T) {
	eksref.Ref("").Require(t)
	_, cfg := kubetest.Clientset(t)
	kubetest.Lock(t, cfg, kubetest.LockLBC)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	deleteControllerCRDs(t, ctx, cfg)
	from, _ := lbc.LookupRelease("v2.13.0")
	to, _ := lbc.LookupRelease("v3.5.0")
	t.Cleanup(func() {
		_ = lbc.Uninstall(context.Background(), cfg, lbc.UninstallOptions{ReleaseName: "lbc-crds", Namespace: ns})
	})
	for _, r := range []lbc.Release{from, to} {
		vals := rowValues(t, r)
		vals["nameOverride"], vals["ingressClass"] = "lbc-crds", "lbc-crds"
		path := eksref.Ref("").Chart(t, r.Chart)
		if _, err := Upgrade(ctx, cfg, Options{ReleaseName: "lbc-crds", Namespace: ns,
			Chart: lbc.ChartSource{Path: path, Version: r.Chart}, Values: vals}); err != nil {
			t.Fatal(err)
		}
		want, err := lbc.LoadChartCRDs(path)
		if err != nil {
			t.Fatal(err)
		}
		assertServerCRDs(t, ctx, cfg, r.Version, want)
	}
	// Going back: 1.13.4's gateway CRDs lack v1, which 3.5.0's stored; they
	// are kept, the rest applied.
	old, err := lbc.LoadChartCRDs(eksref.Ref("").Chart(t, "1.13.4"))
	if err != nil {
		t.Fatal(err)
	}
	if err := lbc.ApplyCRDs(ctx, cfg, old, nil); err != nil {
		t.Fatalf("downgrade: %v", err)
	}
	for name, u := range serverControllerCRDs(t, ctx, cfg) {
		if strings.HasSuffix(name, ".gateway.k8s.aws") && !slices.ContainsFunc(versionsOf(t, u), func(v any) bool { return v.(map[string]any)["name"] == "v1" }) {
			t.Errorf("downgrade replaced %s's stored v1", name)
		}
	}
}

// versionsOf returns a CRD's spec.versions normalized through JSON, for
// comparing what the server stores with what a chart ships.
func versionsOf(t *testing.T, u *unstructured.Unstructured) []any {
	t.Helper()
	v, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
