package eksfargate

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fargatekit/fargatekit/internal/kubetest"
)

// TestRollOntoReplacementOrder replaces a profile on the EKS fake while a
// deployment it selects runs on the real API server (rollouts completed by
// simulatedController, see roll_test.go): the new profile is ACTIVE, then
// the deployment is pinned to it and rolled, and only then is the old
// profile deleted.
func TestRollOntoReplacementOrder(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d := deployment("web", 2, false)
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ctrlCtx, stop := context.WithCancel(ctx)
	defer stop()
	go (&simulatedController{t: t, cs: cs, ns: ns, rounds: 2}).run(ctrlCtx)

	f := newFakeEKS("demo")
	v1 := []FargateProfile{DefaultProfile(), {Name: "apps", Selectors: []Selector{{Namespace: ns}}}}
	if _, err := EnsureFargateProfiles(ctx, f, "demo", v1, fast()...); err != nil {
		t.Fatal(err)
	}
	v2 := slices.Clone(v1)
	v2[1] = FargateProfile{Name: "apps", Selectors: []Selector{{Namespace: ns, Labels: map[string]string{"app": "web"}}}}
	var mu sync.Mutex
	var ops []string
	record := func(s string) { mu.Lock(); ops = append(ops, s); mu.Unlock() }
	_, err := EnsureFargateProfiles(ctx, f, "demo", v2, fast(
		WithProgress(func(p Progress) {
			if p.Event == EventActive || p.Event == EventDeleting {
				record(p.Profile + ":" + string(p.Event))
			}
		}),
		WithRollOntoReplacement(cs, []Workload{{Namespace: ns, Name: "web"}, {Namespace: ns, Name: "absent"}},
			WithRollPollInterval(20*time.Millisecond), WithRollProgress(func(p RollProgress) {
				if p.Event == RollRestarting || p.Event == RollDone {
					record(p.Deployment + ":" + string(p.Event))
				}
			})))...)
	if err != nil {
		t.Fatal(err)
	}
	newName, oldName := ProfileName(v2[1]), ProfileName(v1[1])
	want := []string{newName + ":active", "web:restarting", "web:rolled", oldName + ":deleting"}
	if !slices.Equal(ops, want) {
		t.Errorf("order of operations %v, want %v", ops, want)
	}
	got, err := cs.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l := got.Spec.Template.Labels[LabelFargateProfile]; l != newName {
		t.Errorf("pod template pinned to %q, want %q", l, newName)
	}
}
