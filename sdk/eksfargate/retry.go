package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

// ErrIAMNotReady is wrapped (through [*IAMNotReadyError]) when EKS keeps
// refusing a role IAM has just created or changed: IAM is eventually
// consistent, and for a few seconds (rarely a minute) EKS cannot assume a
// new role ("Misconfigured PodExecutionRole Trust Policy", "role cannot be
// assumed"). Apply retries with bounded backoff ([RetryIAM]) before
// returning it; running Apply again later resumes where it stopped.
var ErrIAMNotReady = errors.New("eksfargate: IAM role not usable by EKS yet")

// IAMNotReadyError is the last refusal after every retry.
type IAMNotReadyError struct {
	// What names the call retried, e.g. "cluster prod".
	What string
	// Attempts is how many times it was tried.
	Attempts int
	// Err is EKS's last answer.
	Err error
}

// Error implements error.
func (e *IAMNotReadyError) Error() string {
	return fmt.Sprintf("eksfargate: %s: EKS refused the IAM role %d times (IAM eventual consistency, or a wrong trust policy): %v", e.What, e.Attempts, e.Err)
}

// Unwrap returns ErrIAMNotReady and EKS's error.
func (e *IAMNotReadyError) Unwrap() []error { return []error{ErrIAMNotReady, e.Err} }

// iamNotReadyMessages are the phrases of EKS's InvalidParameterException
// when it cannot assume a role (yet).
var iamNotReadyMessages = []string{
	"misconfigured podexecutionrole trust policy",
	"role cannot be assumed",
	"could not be assumed",
	"unable to assume",
	"is not authorized to perform: sts:assumerole",
}

// IsIAMNotReady reports whether err is EKS refusing a role it cannot assume
// (yet): an InvalidParameterException (or AccessDeniedException) whose
// message says so.
func IsIAMNotReady(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "InvalidParameterException", "AccessDeniedException":
	default:
		return false
	}
	msg := strings.ToLower(ae.ErrorMessage())
	for _, m := range iamNotReadyMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// retryIAM runs call until it succeeds or fails otherwise than
// [IsIAMNotReady], at most iamAttempts times, waiting iamBackoff, doubling,
// capped at 30s.
func (x *runner) retryIAM(ctx context.Context, what string, call func() error) error {
	attempts := max(x.iamAttempts, 1)
	wait := x.iamBackoff
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || !IsIAMNotReady(err) {
			return err
		}
		if attempt >= attempts {
			return &IAMNotReadyError{What: what, Attempts: attempt, Err: err}
		}
		x.step(Change{Action: ActionRetry, Resource: what, Detail: fmt.Sprintf("IAM not ready (attempt %d of %d, next in %s): %v", attempt, attempts, wait, err)})
		if err := sleep(ctx, wait); err != nil {
			return &IAMNotReadyError{What: what, Attempts: attempt, Err: errors.Join(err, ctx.Err())}
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// isNoSuchEntity reports IAM's NoSuchEntity.
func isNoSuchEntity(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchEntity"
}
