package lbc

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Defaults of the pod-termination helper.
const (
	// DefaultDeregistrationDelay is fargatekit's deregistration delay: what
	// the annotation builders write as deregistration_delay.timeout_seconds
	// when LoadBalancer.DeregistrationDelay is nil, and what Termination
	// assumes when TerminationSpec.DeregistrationDelay is nil, so that the
	// two always agree. Elastic Load Balancing's own default is 300 s
	// (AWSDeregistrationDelay); see the package documentation for why 30 s.
	DefaultDeregistrationDelay = 30 * time.Second
	// AWSDeregistrationDelay is Elastic Load Balancing's default deregistration
	// delay, which a target group gets when nothing sets the attribute.
	AWSDeregistrationDelay = 300 * time.Second
	// DefaultPropagation is how long, after a pod starts terminating, the load
	// balancer may still send it new requests: the controller has to see the
	// endpoint change and deregister the target, and the load balancer's nodes
	// take a few more seconds to stop routing to it.
	DefaultPropagation = 15 * time.Second
	// DefaultShutdown is how long the application needs after SIGTERM.
	DefaultShutdown = 10 * time.Second
)

// ErrDeregistrationDelayMismatch is wrapped when a pod's termination is
// derived from another deregistration delay than its load balancer's.
var ErrDeregistrationDelayMismatch = errors.New("lbc: the pods' termination and the target group use different deregistration delays")

// EffectiveDeregistrationDelay returns the delay a setting means: *d, or
// DefaultDeregistrationDelay when d is nil. It refuses (ErrInvalidSpec) a
// delay that is not whole seconds in 0s..1h, the target-group attribute's
// range (ELB API reference, TargetGroupAttribute). The annotation builders,
// Termination and the Gateway API TargetGroupConfiguration builders all go
// through it: the one setting.
func EffectiveDeregistrationDelay(d *time.Duration) (time.Duration, error) {
	delay := DefaultDeregistrationDelay
	if d != nil {
		delay = *d
	}
	if delay < 0 || delay > time.Hour || delay%time.Second != 0 {
		return 0, fmt.Errorf("%w: deregistration delay %v is not whole seconds in 0s..1h", ErrInvalidSpec, delay)
	}
	return delay, nil
}

// TerminationSpec describes a pod behind the controller's load balancer.
type TerminationSpec struct {
	// DeregistrationDelay is the target group's deregistration_delay (0-1h);
	// nil means DefaultDeregistrationDelay. Prefer LoadBalancer.Termination,
	// which takes it from the load balancer's settings.
	DeregistrationDelay *time.Duration
	// Propagation is the time the load balancer may still route new requests
	// to a terminating pod; 0 means DefaultPropagation.
	Propagation time.Duration
	// Shutdown is the application's own graceful shutdown after SIGTERM; 0
	// means DefaultShutdown.
	Shutdown time.Duration
	// ExecSleep writes the preStop hook as exec "sleep N" (needs a sleep binary
	// in the image) instead of the built-in sleep action (Kubernetes 1.30+).
	ExecSleep bool
}

// PodTermination is what a pod needs so that no request fails when it stops:
// keep serving (preStop sleep) while the load balancer stops routing to it and
// drains in-flight requests, then shut down within the grace period.
type PodTermination struct {
	// PreStopSleep is how long the preStop hook sleeps before SIGTERM.
	PreStopSleep time.Duration
	// TerminationGracePeriodSeconds covers the sleep plus the shutdown.
	TerminationGracePeriodSeconds int64
	// Lifecycle is the container lifecycle with the preStop hook.
	Lifecycle *corev1.Lifecycle
}

// Termination derives the preStop sleep and the termination grace period
// from the deregistration delay, so that the 504/502 errors on pod exit go
// away. The reasoning: after the pod starts terminating, the load balancer may
// route new requests to it for up to Propagation, and it keeps in-flight
// requests going for up to the deregistration delay once deregistration
// starts. Sleeping Propagation + deregistration delay in preStop keeps the
// pod serving through both; the grace period adds the application's shutdown
// (and one second of slack, since the kubelet counts the grace period from the
// deletion request).
func Termination(spec TerminationSpec) (PodTermination, error) {
	prop, shut := spec.Propagation, spec.Shutdown
	if prop == 0 {
		prop = DefaultPropagation
	}
	if shut == 0 {
		shut = DefaultShutdown
	}
	var errs []error
	dereg, err := EffectiveDeregistrationDelay(spec.DeregistrationDelay)
	if err != nil {
		errs = append(errs, err)
	}
	for name, d := range map[string]time.Duration{"propagation": prop, "shutdown": shut} {
		if d < 0 || d%time.Second != 0 {
			errs = append(errs, fmt.Errorf("%w: %s %v is not whole, non-negative seconds", ErrInvalidSpec, name, d))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return PodTermination{}, err
	}
	sleep := prop + dereg
	secs := int64(sleep / time.Second)
	handler := &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: secs}}
	if spec.ExecSleep {
		handler = &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"sleep", fmt.Sprint(secs)}}}
	}
	return PodTermination{
		PreStopSleep:                  sleep,
		TerminationGracePeriodSeconds: int64((sleep+shut)/time.Second) + 1,
		Lifecycle:                     &corev1.Lifecycle{PreStop: handler},
	}, nil
}

// Termination derives the pods' termination from the load balancer's
// deregistration delay (see Termination): the one setting that also writes
// the target-group attribute. spec.DeregistrationDelay must be nil or equal
// (ErrDeregistrationDelayMismatch otherwise).
func (l LoadBalancer) Termination(spec TerminationSpec) (PodTermination, error) {
	delay, err := EffectiveDeregistrationDelay(l.DeregistrationDelay)
	if err != nil {
		return PodTermination{}, err
	}
	if spec.DeregistrationDelay != nil && *spec.DeregistrationDelay != delay {
		return PodTermination{}, fmt.Errorf("%w: the load balancer's %v, the pods' %v", ErrDeregistrationDelayMismatch, delay, *spec.DeregistrationDelay)
	}
	spec.DeregistrationDelay = &delay
	return Termination(spec)
}

// Apply sets the grace period on the pod spec and the preStop hook on the
// named containers (every container when none is named). A named container
// that does not exist is an error.
func (t PodTermination) Apply(pod *corev1.PodSpec, containers ...string) error {
	want := map[string]bool{}
	for _, c := range containers {
		want[c] = true
	}
	all := len(want) == 0
	for i := range pod.Containers {
		c := &pod.Containers[i]
		if !all && !want[c.Name] {
			continue
		}
		delete(want, c.Name)
		if c.Lifecycle == nil {
			c.Lifecycle = &corev1.Lifecycle{}
		}
		c.Lifecycle.PreStop = t.Lifecycle.PreStop.DeepCopy()
	}
	if len(want) > 0 {
		return fmt.Errorf("%w: pod has no container named %v", ErrInvalidSpec, slices.Sorted(maps.Keys(want)))
	}
	g := t.TerminationGracePeriodSeconds
	pod.TerminationGracePeriodSeconds = &g
	return nil
}
