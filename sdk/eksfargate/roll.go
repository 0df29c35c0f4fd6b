package eksfargate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// AnnotationRestartedAt is the pod-template annotation "kubectl rollout
// restart" sets; [RollDeployments] sets it the same way, so a rollout it
// starts looks like one kubectl started.
const AnnotationRestartedAt = "kubectl.kubernetes.io/restartedAt"

// ErrRolloutFailed is wrapped when a deployment's rollout exceeds its
// progress deadline (condition Progressing, reason ProgressDeadlineExceeded).
var ErrRolloutFailed = errors.New("eksfargate: rollout failed")

// ErrBudgetBlocked is wrapped when a PodDisruptionBudget covering the next
// deployment's pods allows no disruption for the whole timeout.
var ErrBudgetBlocked = errors.New("eksfargate: a PodDisruptionBudget allows no disruption")

// RollEvent says what RollDeployments is doing.
type RollEvent string

// Roll events.
const (
	// RollPlanned: dry run; the deployment would be restarted, in this order.
	RollPlanned RollEvent = "planned"
	// RollSkipped: the deployment is paused (kubectl refuses those too).
	RollSkipped RollEvent = "skipped"
	// RollWaitingBudget: a PodDisruptionBudget of its pods allows no
	// disruption yet (Message names it); polling.
	RollWaitingBudget RollEvent = "waiting-budget"
	// RollRestarting: the restartedAt annotation is being set.
	RollRestarting RollEvent = "restarting"
	// RollWaiting: the rollout is in progress (Message says how far).
	RollWaiting RollEvent = "waiting"
	// RollDone: the rollout is complete: every replica updated and available.
	RollDone RollEvent = "rolled"
)

// RollProgress is one step of RollDeployments.
type RollProgress struct {
	// Namespace and Deployment name the deployment concerned.
	Namespace, Deployment string
	// Index (1-based) and Total place it in the run.
	Index, Total int
	// Event says what happened.
	Event RollEvent
	// Message gives details: the blocking budget, the rollout's counts.
	Message string
}

// RollResult says what RollDeployments did; entries are "namespace/name".
type RollResult struct {
	// Rolled were restarted and their rollouts completed, in order.
	Rolled []string
	// Skipped are paused deployments, left alone.
	Skipped []string
	// Planned are what a dry run would restart, in order.
	Planned []string
}

type rollSettings struct {
	selector string
	names    []string
	dryRun   bool
	poll     time.Duration
	timeout  time.Duration
	log      *slog.Logger
	progress func(RollProgress)
	now      func() time.Time
}

// RollOption configures [RollDeployments].
type RollOption func(*rollSettings)

// WithRollSelector restricts the roll to deployments matching a label
// selector ("app=web,tier!=cache").
func WithRollSelector(selector string) RollOption {
	return func(s *rollSettings) { s.selector = selector }
}

// WithRollDeployments restricts the roll to the named deployments.
func WithRollDeployments(names ...string) RollOption {
	return func(s *rollSettings) { s.names = slices.Clone(names) }
}

// WithRollDryRun lists what would be restarted, in order, and writes nothing.
func WithRollDryRun(dryRun bool) RollOption { return func(s *rollSettings) { s.dryRun = dryRun } }

// WithRollPollInterval sets how often budgets and rollouts are polled (default 5s).
func WithRollPollInterval(d time.Duration) RollOption { return func(s *rollSettings) { s.poll = d } }

// WithRollTimeout bounds the time spent on each deployment: waiting for its
// budgets, then for its rollout (default 10 minutes).
func WithRollTimeout(d time.Duration) RollOption { return func(s *rollSettings) { s.timeout = d } }

// WithRollLogger logs every progress step at Info level.
func WithRollLogger(l *slog.Logger) RollOption { return func(s *rollSettings) { s.log = l } }

// WithRollProgress calls f at every progress step.
func WithRollProgress(f func(RollProgress)) RollOption {
	return func(s *rollSettings) { s.progress = f }
}

// WithRollClock sets the clock the restartedAt value is read from (default time.Now).
func WithRollClock(now func() time.Time) RollOption { return func(s *rollSettings) { s.now = now } }

// RollDeployments restarts the deployments of namespace ("" for every
// namespace), one at a time, in namespace/name order, the way "kubectl
// rollout restart" does (the pod template's restartedAt annotation), and
// waits for each rollout to complete before the next starts: every replica
// updated and available, as "kubectl rollout status" checks. Before
// restarting a deployment it waits until every PodDisruptionBudget selecting
// its pods allows a disruption (status current, disruptionsAllowed ≥ 1), so
// that the roll never takes a workload below its budget, including the one
// the previous rollout just disturbed. Paused deployments are skipped.
//
// EKS upgrades the control plane but not the Fargate pods: each runs on
// its own node whose kubelet keeps the version it started with. Rolling
// the deployments after an upgrade moves every pod to a node of the new
// version (and picks up a changed aws-logging ConfigMap).
//
// A budget that never allows a disruption (minAvailable equal to the
// replicas, maxUnavailable 0) blocks the roll until the timeout: the error
// wraps [ErrBudgetBlocked] and names it. On error the result lists what was
// rolled so far.
func RollDeployments(ctx context.Context, cs kubernetes.Interface, namespace string, opts ...RollOption) (RollResult, error) {
	s := rollSettings{poll: 5 * time.Second, timeout: 10 * time.Minute, now: time.Now}
	for _, o := range opts {
		o(&s)
	}
	fail := func(res RollResult, err error) (RollResult, error) {
		return res, fmt.Errorf("eksfargate: RollDeployments: %w", err)
	}
	if s.poll <= 0 || s.timeout <= 0 {
		return fail(RollResult{}, fmt.Errorf("%w: poll interval and timeout must be positive", ErrInvalidSpec))
	}
	if _, err := labels.Parse(s.selector); err != nil {
		return fail(RollResult{}, fmt.Errorf("%w: selector %q: %v", ErrInvalidSpec, s.selector, err))
	}
	deps, err := s.list(ctx, cs, namespace)
	if err != nil {
		return fail(RollResult{}, err)
	}
	r := &roller{rollSettings: s, cs: cs}
	var res RollResult
	for i, d := range deps {
		key := d.Namespace + "/" + d.Name
		p := RollProgress{Namespace: d.Namespace, Deployment: d.Name, Index: i + 1, Total: len(deps)}
		switch {
		case d.Spec.Paused:
			p.Event, p.Message = RollSkipped, "paused"
			r.report(p)
			res.Skipped = append(res.Skipped, key)
			continue
		case s.dryRun:
			p.Event = RollPlanned
			r.report(p)
			res.Planned = append(res.Planned, key)
			continue
		}
		if err := r.roll(ctx, d, p, nil); err != nil {
			return fail(res, fmt.Errorf("%s: %w", key, err))
		}
		res.Rolled = append(res.Rolled, key)
	}
	return res, nil
}

// list returns the chosen deployments, every page, sorted.
func (s rollSettings) list(ctx context.Context, cs kubernetes.Interface, namespace string) ([]appsv1.Deployment, error) {
	var out []appsv1.Deployment
	opts := metav1.ListOptions{LabelSelector: s.selector, Limit: 500}
	for {
		page, err := cs.AppsV1().Deployments(namespace).List(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("list deployments: %w", err)
		}
		for _, d := range page.Items {
			if len(s.names) == 0 || slices.Contains(s.names, d.Name) {
				out = append(out, d)
			}
		}
		if page.Continue == "" {
			break
		}
		opts.Continue = page.Continue
	}
	for _, n := range s.names {
		if !slices.ContainsFunc(out, func(d appsv1.Deployment) bool { return d.Name == n }) {
			return nil, fmt.Errorf("deployment %q not found in namespace %q", n, namespace)
		}
	}
	slices.SortFunc(out, func(a, b appsv1.Deployment) int {
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	return out, nil
}

type roller struct {
	rollSettings
	cs kubernetes.Interface
}

func (r *roller) report(p RollProgress) {
	if r.progress != nil {
		r.progress(p)
	}
	if r.log != nil {
		attrs := []any{"namespace", p.Namespace, "deployment", p.Deployment, "event", string(p.Event), "step", fmt.Sprintf("%d/%d", p.Index, p.Total)}
		if p.Message != "" {
			attrs = append(attrs, "detail", p.Message)
		}
		r.log.Info("roll", attrs...)
	}
}

// roll waits for the budgets, restarts one deployment (adding
// templateLabels to its pod template) and waits for its rollout.
func (r *roller) roll(ctx context.Context, d appsv1.Deployment, p RollProgress, templateLabels map[string]string) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if err := r.waitBudgets(ctx, d, p); err != nil {
		return err
	}
	p.Event = RollRestarting
	r.report(p)
	meta := map[string]any{"annotations": map[string]string{AnnotationRestartedAt: r.now().Format(time.RFC3339)}}
	if len(templateLabels) > 0 {
		meta["labels"] = templateLabels
	}
	patch, err := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{"metadata": meta}}})
	if err != nil {
		return err
	}
	out, err := r.cs.AppsV1().Deployments(d.Namespace).Patch(ctx, d.Name, types.StrategicMergePatchType, patch,
		metav1.PatchOptions{FieldManager: FieldManager})
	if err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	return r.waitRollout(ctx, out.Name, out.Namespace, out.Generation, p)
}

// deadlineReached reports whether err, from a call made with ctx, means
// ctx's deadline has come: ctx is done, or client-go's rate limiter refused
// to wait past the deadline (golang.org/x/time/rate's "would exceed context
// deadline", which wraps no sentinel) a moment before it comes.
func deadlineReached(ctx context.Context, err error) bool {
	return ctx.Err() != nil || strings.Contains(err.Error(), "would exceed context deadline")
}

// waitBudgets polls until every budget selecting the deployment's pods
// allows a disruption.
func (r *roller) waitBudgets(ctx context.Context, d appsv1.Deployment, p RollProgress) error {
	podLabels := labels.Set(d.Spec.Template.Labels)
	for {
		pdbs, err := r.cs.PolicyV1().PodDisruptionBudgets(d.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil && p.Message != "" && deadlineReached(ctx, err) {
			// Timed out between two polls of a blocking budget.
			cause := ctx.Err()
			if cause == nil {
				cause = context.DeadlineExceeded // the rate limiter saw it coming
			}
			return fmt.Errorf("%w: PodDisruptionBudget %s: %w", ErrBudgetBlocked, p.Message, cause)
		}
		if err != nil {
			return fmt.Errorf("list PodDisruptionBudgets: %w", err)
		}
		var blocking []string
		for _, b := range pdbs.Items {
			if budgetSelects(b, podLabels) && !budgetAllows(b) {
				blocking = append(blocking, fmt.Sprintf("%s (disruptionsAllowed %d, healthy %d of %d desired)",
					b.Name, b.Status.DisruptionsAllowed, b.Status.CurrentHealthy, b.Status.DesiredHealthy))
			}
		}
		if len(blocking) == 0 {
			return nil
		}
		p.Event, p.Message = RollWaitingBudget, strings.Join(blocking, "; ")
		r.report(p)
		if err := sleep(ctx, r.poll); err != nil {
			return fmt.Errorf("%w: PodDisruptionBudget %s: %w", ErrBudgetBlocked, p.Message, err)
		}
	}
}

// budgetSelects reports whether the budget's selector selects pods with
// these labels (in policy/v1 an empty selector selects every pod, a nil
// one none).
func budgetSelects(b policyv1.PodDisruptionBudget, podLabels labels.Set) bool {
	if b.Spec.Selector == nil {
		return false
	}
	sel, err := metav1.LabelSelectorAsSelector(b.Spec.Selector)
	return err == nil && sel.Matches(podLabels)
}

// budgetAllows reports whether the disruption controller has seen the
// budget's current spec and allows at least one disruption.
func budgetAllows(b policyv1.PodDisruptionBudget) bool {
	return b.Status.ObservedGeneration >= b.Generation && b.Status.DisruptionsAllowed > 0
}

// waitRollout polls until the deployment's rollout of generation is
// complete (the rules of "kubectl rollout status").
func (r *roller) waitRollout(ctx context.Context, name, namespace string, generation int64, p RollProgress) error {
	for {
		d, err := r.cs.AppsV1().Deployments(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("get: %w", err)
		}
		done, msg, err := rolloutStatus(d, generation)
		if err != nil {
			return err
		}
		if done {
			p.Event, p.Message = RollDone, msg
			r.report(p)
			return nil
		}
		p.Event, p.Message = RollWaiting, msg
		r.report(p)
		if err := sleep(ctx, r.poll); err != nil {
			return fmt.Errorf("wait for rollout (%s): %w", msg, err)
		}
	}
}

// rolloutStatus is kubectl's rollout-status rule for a deployment.
func rolloutStatus(d *appsv1.Deployment, generation int64) (bool, string, error) {
	if d.Status.ObservedGeneration < generation {
		return false, "waiting for the deployment controller to observe the restart", nil
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Status == corev1.ConditionFalse && c.Reason == "ProgressDeadlineExceeded" {
			return false, "", fmt.Errorf("%w: %s", ErrRolloutFailed, c.Message)
		}
	}
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	st := d.Status
	switch {
	case st.UpdatedReplicas < want:
		return false, fmt.Sprintf("%d of %d replicas updated", st.UpdatedReplicas, want), nil
	case st.Replicas > st.UpdatedReplicas:
		return false, fmt.Sprintf("%d old replicas pending termination", st.Replicas-st.UpdatedReplicas), nil
	case st.AvailableReplicas < st.UpdatedReplicas:
		return false, fmt.Sprintf("%d of %d updated replicas available", st.AvailableReplicas, st.UpdatedReplicas), nil
	}
	return true, fmt.Sprintf("%d replicas updated and available", st.UpdatedReplicas), nil
}
