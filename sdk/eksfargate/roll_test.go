package eksfargate

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/kubetest"
)

// What these tests can and cannot prove. They run on a real kube-apiserver
// with no controller manager, scheduler or kubelet: no pod ever exists. The
// API server itself bumps a deployment's generation when the restart
// annotation changes its template, and accepts status writes; so the tests
// play the deployment and disruption controllers (simulatedController
// below), writing the status those controllers would write. They prove the
// order of the writes, the annotation, the rollout-status and budget rules
// as the roller reads them, and that no second rollout starts before the
// first is complete. They do not prove that Fargate schedules the new pods,
// or how long a real rollout takes.

func deployment(name string, replicas int32, paused bool) *appsv1.Deployment {
	l := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas, Paused: paused,
			Selector: &metav1.LabelSelector{MatchLabels: l},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: l},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}
}

// simulatedController completes rollouts the way the deployment controller
// would report them: a deployment whose generation is ahead of its status is
// "in progress" for a few rounds, then gets a complete status. It fails the
// test if two rollouts are ever in progress at once, and records the order
// in which rollouts started.
type simulatedController struct {
	t       *testing.T
	cs      kubernetes.Interface
	ns      string
	rounds  int // rounds a rollout stays in progress
	fail    string
	mu      sync.Mutex
	started []string
	seen    map[string]int
}

func (c *simulatedController) run(ctx context.Context) {
	c.seen = map[string]int{}
	for ctx.Err() == nil {
		list, err := c.cs.AppsV1().Deployments(c.ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return
		}
		var inProgress []string
		for _, d := range list.Items {
			if d.Status.ObservedGeneration >= d.Generation {
				continue
			}
			restarted := d.Spec.Template.Annotations[AnnotationRestartedAt] != ""
			if restarted {
				inProgress = append(inProgress, d.Name)
			}
			key := d.Name + "@" + strconv.FormatInt(d.Generation, 10)
			c.mu.Lock()
			if c.seen[key] == 0 && restarted {
				c.started = append(c.started, d.Name)
			}
			c.seen[key]++
			n := c.seen[key]
			c.mu.Unlock()
			if !restarted {
				n = c.rounds // a created deployment: settle it at once
			}
			// The first rounds: observed, half updated (what a controller
			// reports mid-rollout); then complete, or failed.
			st := appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: *d.Spec.Replicas + 1, UpdatedReplicas: 1, ReadyReplicas: *d.Spec.Replicas, AvailableReplicas: *d.Spec.Replicas}
			switch {
			case d.Name == c.fail && restarted:
				st.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse,
					Reason: "ProgressDeadlineExceeded", Message: `ReplicaSet "x" has timed out progressing.`}}
			case n < c.rounds:
				st.ObservedGeneration = d.Generation - 1 // not observed yet
			default:
				r := *d.Spec.Replicas
				st = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: r, UpdatedReplicas: r, ReadyReplicas: r, AvailableReplicas: r}
			}
			d.Status = st
			if _, err := c.cs.AppsV1().Deployments(c.ns).UpdateStatus(ctx, &d, metav1.UpdateOptions{}); err != nil && ctx.Err() == nil {
				c.t.Logf("simulated controller: %v", err)
			}
		}
		if len(inProgress) > 1 {
			c.t.Errorf("rollouts of %v in progress at once", inProgress)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *simulatedController) order() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.started)
}

// setBudget writes a PodDisruptionBudget's status as the disruption controller would.
func setBudget(t *testing.T, ctx context.Context, cs kubernetes.Interface, ns, name string, allowed int32) {
	t.Helper()
	b, err := cs.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b.Status = policyv1.PodDisruptionBudgetStatus{ObservedGeneration: b.Generation, DisruptionsAllowed: allowed,
		CurrentHealthy: 1 + allowed, DesiredHealthy: 1, ExpectedPods: 2}
	if _, err := cs.PolicyV1().PodDisruptionBudgets(ns).UpdateStatus(ctx, b, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestRollDeploymentsOnAPIServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, d := range []*appsv1.Deployment{deployment("web", 2, false), deployment("api", 2, false), deployment("jobs", 2, false), deployment("frozen", 1, true)} {
		if _, err := cs.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	one := intstr.FromInt32(1)
	if _, err := cs.PolicyV1().PodDisruptionBudgets(ns).Create(ctx, &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "jobs-pdb"},
		Spec:       policyv1.PodDisruptionBudgetSpec{MinAvailable: &one, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "jobs"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	setBudget(t, ctx, cs, ns, "jobs-pdb", 0) // e.g. one of its pods is not ready yet

	// Dry run first: the order, and nothing written.
	dry, err := RollDeployments(ctx, cs, ns, WithRollDryRun(true))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{ns + "/api", ns + "/jobs", ns + "/web"}; !slices.Equal(dry.Planned, want) || len(dry.Rolled) != 0 || !slices.Equal(dry.Skipped, []string{ns + "/frozen"}) {
		t.Errorf("dry run = %+v", dry)
	}
	list, _ := cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	for _, d := range list.Items {
		if d.Spec.Template.Annotations[AnnotationRestartedAt] != "" || d.Generation != 1 {
			t.Errorf("dry run wrote %s", d.Name)
		}
	}

	ctrlCtx, stopCtrl := context.WithCancel(ctx)
	defer stopCtrl()
	ctrl := &simulatedController{t: t, cs: cs, ns: ns, rounds: 3}
	go ctrl.run(ctrlCtx)

	var mu sync.Mutex
	var events []RollProgress
	budgetSeen := make(chan struct{})
	var once sync.Once
	clock := time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC)
	done := make(chan struct{})
	var res RollResult
	var rollErr error
	go func() {
		defer close(done)
		res, rollErr = RollDeployments(ctx, cs, ns, WithRollPollInterval(20*time.Millisecond), WithRollTimeout(time.Minute),
			WithRollClock(func() time.Time { return clock }),
			WithRollProgress(func(p RollProgress) {
				mu.Lock()
				events = append(events, p)
				mu.Unlock()
				if p.Event == RollWaitingBudget {
					once.Do(func() { close(budgetSeen) })
				}
			}))
	}()
	select {
	case <-budgetSeen:
	case <-done:
		t.Fatalf("the roll ended without waiting for the budget: %v %+v", rollErr, res)
	}
	// While the budget allows nothing, jobs is not touched; api (before it) is done.
	if d, _ := cs.AppsV1().Deployments(ns).Get(ctx, "jobs", metav1.GetOptions{}); d.Spec.Template.Annotations[AnnotationRestartedAt] != "" {
		t.Error("jobs restarted while its budget allowed no disruption")
	}
	if got := ctrl.order(); !slices.Equal(got, []string{"api"}) {
		t.Errorf("rollouts started before the budget wait: %v", got)
	}
	setBudget(t, ctx, cs, ns, "jobs-pdb", 1)
	<-done
	if rollErr != nil {
		t.Fatalf("RollDeployments: %v", rollErr)
	}
	if want := []string{ns + "/api", ns + "/jobs", ns + "/web"}; !slices.Equal(res.Rolled, want) || !slices.Equal(res.Skipped, []string{ns + "/frozen"}) {
		t.Errorf("result %+v", res)
	}
	if got := ctrl.order(); !slices.Equal(got, []string{"api", "jobs", "web"}) {
		t.Errorf("rollouts started in order %v", got)
	}
	list, _ = cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	for _, d := range list.Items {
		got := d.Spec.Template.Annotations[AnnotationRestartedAt]
		if d.Name == "frozen" {
			if got != "" {
				t.Error("paused deployment restarted")
			}
			continue
		}
		if got != "2026-12-02T17:00:00Z" {
			t.Errorf("%s restartedAt = %q", d.Name, got)
		}
		if mf := d.ManagedFields; !slices.ContainsFunc(mf, func(m metav1.ManagedFieldsEntry) bool { return m.Manager == FieldManager }) {
			t.Errorf("%s: no field manager %s", d.Name, FieldManager)
		}
	}
	// Each deployment: restarting, waiting..., rolled; the next starts only after.
	mu.Lock()
	defer mu.Unlock()
	var seq []string
	for _, e := range events {
		if e.Event == RollRestarting || e.Event == RollDone {
			seq = append(seq, e.Deployment+":"+string(e.Event))
		}
	}
	if want := []string{"api:restarting", "api:rolled", "jobs:restarting", "jobs:rolled", "web:restarting", "web:rolled"}; !slices.Equal(seq, want) {
		t.Errorf("events %v, want %v", seq, want)
	}
}

func TestRollDeploymentsFailures(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, d := range []*appsv1.Deployment{deployment("bad", 1, false), deployment("next", 1, false)} {
		if _, err := cs.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	ctrlCtx, stop := context.WithCancel(ctx)
	defer stop()
	ctrl := &simulatedController{t: t, cs: cs, ns: ns, rounds: 1, fail: "bad"}
	go ctrl.run(ctrlCtx)

	res, err := RollDeployments(ctx, cs, ns, WithRollPollInterval(20*time.Millisecond), WithRollTimeout(30*time.Second))
	if !errors.Is(err, ErrRolloutFailed) || !strings.Contains(err.Error(), ns+"/bad") {
		t.Errorf("err = %v, want ErrRolloutFailed naming the deployment", err)
	}
	if len(res.Rolled) != 0 {
		t.Errorf("rolled %v", res.Rolled)
	}
	if d, _ := cs.AppsV1().Deployments(ns).Get(ctx, "next", metav1.GetOptions{}); d.Spec.Template.Annotations[AnnotationRestartedAt] != "" {
		t.Error("the next deployment was restarted after a failed rollout")
	}
	stop()

	// A budget that never allows a disruption blocks until the timeout, named.
	zero := intstr.FromInt32(0)
	if _, err := cs.PolicyV1().PodDisruptionBudgets(ns).Create(ctx, &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "strict"},
		Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &zero, Selector: &metav1.LabelSelector{}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = RollDeployments(ctx, cs, ns, WithRollDeployments("next"), WithRollPollInterval(20*time.Millisecond), WithRollTimeout(200*time.Millisecond))
	if !errors.Is(err, ErrBudgetBlocked) || !strings.Contains(err.Error(), "strict") {
		t.Errorf("err = %v, want ErrBudgetBlocked naming the budget", err)
	}
	if _, err := RollDeployments(ctx, cs, ns, WithRollDeployments("missing")); err == nil || !strings.Contains(err.Error(), `"missing" not found`) {
		t.Errorf("missing deployment: %v", err)
	}
	if _, err := RollDeployments(ctx, cs, ns, WithRollSelector("a in (")); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("bad selector: %v", err)
	}
}

func TestRolloutStatusRules(t *testing.T) {
	r := int32(3)
	d := func(st appsv1.DeploymentStatus) *appsv1.Deployment {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Spec: appsv1.DeploymentSpec{Replicas: &r}, Status: st}
	}
	tests := []struct {
		st   appsv1.DeploymentStatus
		done bool
		msg  string
	}{
		{appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 3}, false, "observe"},
		{appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 4, UpdatedReplicas: 1, AvailableReplicas: 3}, false, "1 of 3 replicas updated"},
		{appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 4, UpdatedReplicas: 3, AvailableReplicas: 3}, false, "1 old replicas"},
		{appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 2}, false, "2 of 3 updated replicas available"},
		{appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 3}, true, "3 replicas updated and available"},
	}
	for _, tt := range tests {
		done, msg, err := rolloutStatus(d(tt.st), 2)
		if err != nil || done != tt.done || !strings.Contains(msg, tt.msg) {
			t.Errorf("rolloutStatus(%+v) = %v %q %v, want %v %q", tt.st, done, msg, err, tt.done, tt.msg)
		}
	}
}

func TestDeadlineReached(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithCancel(live)
	cancel()
	limiter := errors.New("client rate limiter Wait returned an error: rate: Wait(n=1) would exceed context deadline")
	other := errors.New("connection refused")
	for _, tt := range []struct {
		ctx  context.Context
		err  error
		want bool
	}{{live, limiter, true}, {live, other, false}, {done, other, true}} {
		if got := deadlineReached(tt.ctx, tt.err); got != tt.want {
			t.Errorf("deadlineReached(ctx err %v, %v) = %v, want %v", tt.ctx.Err(), tt.err, got, tt.want)
		}
	}
}
