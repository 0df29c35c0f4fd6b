package lbc

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

func TestTermination(t *testing.T) {
	tests := []struct {
		spec      TerminationSpec
		sleep     time.Duration
		grace     int64
		execSleep bool
	}{
		// The defaults cost seconds: 15 s propagation + 30 s delay, 10 s shutdown.
		{TerminationSpec{}, 45 * time.Second, 56, false},
		{TerminationSpec{DeregistrationDelay: dur(AWSDeregistrationDelay)}, 315 * time.Second, 326, false},
		{TerminationSpec{DeregistrationDelay: dur(30 * time.Second)}, 45 * time.Second, 56, false},
		{TerminationSpec{DeregistrationDelay: dur(0), Propagation: 5 * time.Second, Shutdown: 20 * time.Second, ExecSleep: true}, 5 * time.Second, 26, true},
	}
	for _, tt := range tests {
		got, err := Termination(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got.PreStopSleep != tt.sleep || got.TerminationGracePeriodSeconds != tt.grace {
			t.Errorf("%+v: sleep %v grace %d, want %v %d", tt.spec, got.PreStopSleep, got.TerminationGracePeriodSeconds, tt.sleep, tt.grace)
		}
		// The grace period always outlasts the sleep plus the shutdown.
		if time.Duration(got.TerminationGracePeriodSeconds)*time.Second <= got.PreStopSleep {
			t.Errorf("grace %d does not outlast the sleep %v", got.TerminationGracePeriodSeconds, got.PreStopSleep)
		}
		pre := got.Lifecycle.PreStop
		secs := int64(tt.sleep / time.Second)
		if tt.execSleep {
			if pre.Exec == nil || strings.Join(pre.Exec.Command, " ") != "sleep "+strconv.FormatInt(secs, 10) || pre.Sleep != nil {
				t.Errorf("exec preStop %+v", pre)
			}
		} else if pre.Sleep == nil || pre.Sleep.Seconds != secs || pre.Exec != nil {
			t.Errorf("sleep preStop %+v", pre)
		}
	}
	for _, bad := range []TerminationSpec{
		{DeregistrationDelay: dur(-time.Second)},
		{DeregistrationDelay: dur(3601 * time.Second)},
		{DeregistrationDelay: dur(1500 * time.Millisecond)},
		{Shutdown: -time.Second},
		{Propagation: 1500 * time.Millisecond},
	} {
		if _, err := Termination(bad); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestTerminationApply(t *testing.T) {
	term, err := Termination(TerminationSpec{DeregistrationDelay: dur(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	pod := corev1.PodSpec{Containers: []corev1.Container{{Name: "app"}, {Name: "sidecar", Lifecycle: &corev1.Lifecycle{PostStart: &corev1.LifecycleHandler{}}}}}
	if err := term.Apply(&pod, "app"); err != nil {
		t.Fatal(err)
	}
	if pod.TerminationGracePeriodSeconds == nil || *pod.TerminationGracePeriodSeconds != 56 {
		t.Errorf("grace %v", pod.TerminationGracePeriodSeconds)
	}
	if pod.Containers[0].Lifecycle.PreStop.Sleep.Seconds != 45 || pod.Containers[1].Lifecycle.PreStop != nil {
		t.Errorf("containers %+v", pod.Containers)
	}
	if err := term.Apply(&pod); err != nil || pod.Containers[1].Lifecycle.PreStop == nil || pod.Containers[1].Lifecycle.PostStart == nil {
		t.Errorf("all containers: %v %+v", err, pod.Containers[1].Lifecycle)
	}
	// The hook is copied, not shared.
	pod.Containers[0].Lifecycle.PreStop.Sleep.Seconds = 1
	if term.Lifecycle.PreStop.Sleep.Seconds != 45 {
		t.Error("Apply shares the hook")
	}
	if err := term.Apply(&pod, "web"); !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "web") {
		t.Errorf("missing container: %v", err)
	}
}

// One setting: the load balancer's deregistration delay writes the
// target-group attribute and derives the pods' termination; a different
// delay for the pods is refused.
func TestLoadBalancerTermination(t *testing.T) {
	for _, lb := range []LoadBalancer{{Fargate: true}, {Fargate: true, DeregistrationDelay: dur(5 * time.Second)}, {DeregistrationDelay: dur(0)}} {
		want, _ := EffectiveDeregistrationDelay(lb.DeregistrationDelay)
		ing, err := IngressAnnotations{LoadBalancer: lb}.Build()
		if err != nil {
			t.Fatal(err)
		}
		svc, err := ServiceAnnotations{LoadBalancer: lb}.Build()
		if err != nil {
			t.Fatal(err)
		}
		attr := DeregistrationDelayAttribute + "=" + strconv.Itoa(int(want/time.Second))
		if ing[IngressAnnotationPrefix+"target-group-attributes"] != attr || svc[ServiceAnnotationPrefix+"target-group-attributes"] != attr {
			t.Errorf("%+v: attributes %q %q, want %q", lb, ing[IngressAnnotationPrefix+"target-group-attributes"], svc[ServiceAnnotationPrefix+"target-group-attributes"], attr)
		}
		term, err := lb.Termination(TerminationSpec{})
		if err != nil {
			t.Fatal(err)
		}
		if term.PreStopSleep != DefaultPropagation+want {
			t.Errorf("%+v: preStop %v, want %v", lb, term.PreStopSleep, DefaultPropagation+want)
		}
		// Repeating the same delay is fine; another one is refused.
		if _, err := lb.Termination(TerminationSpec{DeregistrationDelay: &want}); err != nil {
			t.Errorf("same delay: %v", err)
		}
		other := want + time.Second
		if _, err := lb.Termination(TerminationSpec{DeregistrationDelay: &other}); !errors.Is(err, ErrDeregistrationDelayMismatch) {
			t.Errorf("other delay: %v", err)
		}
	}
	if _, err := (LoadBalancer{DeregistrationDelay: dur(-time.Second)}).Termination(TerminationSpec{}); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("negative delay: %v", err)
	}
	if _, err := (IngressAnnotations{LoadBalancer: LoadBalancer{TargetGroupAttributes: map[string]string{DeregistrationDelayAttribute: "300"}}}).Build(); !errors.Is(err, ErrDeregistrationDelayMismatch) {
		t.Errorf("attribute against the default: %v", err)
	}
}
