package eksfargate

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BusyRetry bounds how the component tolerates EKS answering
// ResourceInUseException because another actor holds the cluster: another
// stack or eksctl creating or deleting a Fargate profile (EKS allows one at a
// time per cluster), a cluster update in progress, an add-on being updated.
// The component binds a Pulumi error hook (pulumi.ErrorHook, OnError) to the
// cluster, the Fargate profiles and the add-ons: when the provider's error
// is such a refusal, the hook waits and asks the engine to retry the
// operation, at most Attempts times in all, waiting Backoff, doubling, capped
// at MaxBackoff. Any other error fails the operation as before.
//
// Error hooks need a Pulumi CLI that supports them (the engine reports the
// feature; an older CLI fails the registration with "the Pulumi CLI does not
// support error hooks"): set Attempts to -1 to register none.
type BusyRetry struct {
	// Attempts is the number of tries of one operation in all; 0 means
	// [DefaultBusyAttempts]; negative turns the error hooks off.
	Attempts int
	// Backoff is the wait before the second try (0: [DefaultBusyBackoff]);
	// MaxBackoff caps the doubling waits (0: [DefaultBusyMaxBackoff]).
	Backoff, MaxBackoff time.Duration
}

// Defaults of [BusyRetry]: 8 tries over about 9 minutes, time for another
// actor's profile to be created or deleted (EKS takes 2 to 5 minutes each).
const (
	DefaultBusyAttempts   = 8
	DefaultBusyBackoff    = 15 * time.Second
	DefaultBusyMaxBackoff = 2 * time.Minute
)

func (b BusyRetry) withDefaults() BusyRetry {
	if b.Attempts == 0 {
		b.Attempts = DefaultBusyAttempts
	}
	if b.Backoff <= 0 {
		b.Backoff = DefaultBusyBackoff
	}
	if b.MaxBackoff <= 0 {
		b.MaxBackoff = DefaultBusyMaxBackoff
	}
	b.MaxBackoff = max(b.MaxBackoff, b.Backoff)
	return b
}

// busyRE matches EKS's ResourceInUseException in the provider's error text,
// in each shape it takes: "ResourceInUseException: ..." (AWS SDK v1, older
// providers), "api error ResourceInUseException: ..." (smithy), and the
// bare type name.
var busyRE = regexp.MustCompile(`\bResourceInUseException\b`)

// IsBusyError reports whether msg, a provider's error text as the engine
// passes it to error hooks, is EKS refusing an operation because something
// else is in progress on the cluster (ResourceInUseException), and not
// because the resource already exists (EKS answers that with the same
// exception: "A Fargate Profile already exists with this name", "Addon
// already exists.", "Cluster already exists with name": retrying cannot
// help).
func IsBusyError(msg string) bool {
	if !busyRE.MatchString(msg) {
		return false
	}
	return !strings.Contains(strings.ToLower(msg), "already exists")
}

// Decide returns whether a failed operation is retried, and after how
// long: errs are the errors of its tries so far, newest first (the engine's
// ErrorHookArgs.Errors). Only [IsBusyError] errors are retried, while fewer
// than Attempts tries were made; the n-th retry waits Backoff<<(n-1), at
// most MaxBackoff.
func (b BusyRetry) Decide(errs []string) (bool, time.Duration) {
	b = b.withDefaults()
	if b.Attempts < 0 || len(errs) == 0 || !IsBusyError(errs[0]) || len(errs) >= b.Attempts {
		return false, 0
	}
	wait := b.Backoff
	for i := 1; i < len(errs) && wait < b.MaxBackoff; i++ {
		wait *= 2
	}
	return true, min(wait, b.MaxBackoff)
}

// busyHook is the error hook: Decide, then wait, then retry.
type busyHook struct {
	policy BusyRetry
	sleep  func(time.Duration)
	logf   func(format string, a ...any)
}

func (h *busyHook) onError(args *pulumi.ErrorHookArgs) (bool, error) {
	retry, wait := h.policy.Decide(args.Errors)
	if !retry {
		return false, nil
	}
	if h.logf != nil {
		h.logf("eksfargate: %s: %s failed with EKS busy (ResourceInUseException, try %d of %d); retrying in %s",
			args.Name, args.FailedOperation, len(args.Errors), h.policy.withDefaults().Attempts, wait)
	}
	h.sleep(wait)
	return true, nil
}

// busyHooks registers the component's error hook, or returns nil when the
// policy turns it off.
func busyHooks(ctx *pulumi.Context, name string, policy BusyRetry) (*pulumi.ErrorHook, error) {
	if policy.Attempts < 0 {
		return nil, nil
	}
	h := &busyHook{policy: policy, sleep: time.Sleep, logf: func(format string, a ...any) {
		_ = ctx.Log.Info(fmt.Sprintf(format, a...), nil)
	}}
	return ctx.RegisterErrorHook(name+"-busy-retry", h.onError)
}
