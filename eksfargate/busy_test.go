package eksfargate

import (
	"slices"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The error texts as the AWS provider reports them (terraform-provider-aws
// wraps the AWS SDK's error; Pulumi passes the text to error hooks, newest
// first).
var (
	errProfileBusy = "creating EKS Fargate Profile (demo:apps-1a2b3c4d): operation error EKS: CreateFargateProfile, https response error StatusCode: 409, " +
		"RequestID: 0c7f7f5e-2a4b-4c1e-9c1d-4f6f1a2b3c4d, ResourceInUseException: Cannot create Fargate Profile apps-1a2b3c4d because cluster demo " +
		"currently has Fargate profile system-5e6f7a8b in status CREATING"
	errProfileDeleteBusy = "deleting EKS Fargate Profile (demo:apps-00000000): operation error EKS: DeleteFargateProfile, https response error StatusCode: 409, " +
		"RequestID: 1d2e3f40-5a6b-7c8d-9e0f-a1b2c3d4e5f6, api error ResourceInUseException: Cannot delete Fargate Profile apps-00000000 because " +
		"cluster demo currently has Fargate profile batch-12345678 in status DELETING"
	errV1Shape = "error creating EKS Fargate Profile (prod-cluster:kube-system): ResourceInUseException: Cannot create Fargate Profile kube-system " +
		"because cluster prod-cluster currently has Fargate profile default in status CREATING\n\tstatus code: 409, request id: 5e0d"
	errAddonBusy = "updating EKS Add-On (demo:coredns): operation error EKS: UpdateAddon, https response error StatusCode: 409, RequestID: 9f8e, " +
		"ResourceInUseException: Addon coredns cannot be updated as it is currently in UPDATING state"
	errClusterUpdateBusy = "updating EKS Cluster (demo) version: operation error EKS: UpdateClusterVersion, https response error StatusCode: 409, RequestID: 77aa, " +
		"ResourceInUseException: Cannot UpdateClusterVersion because cluster demo currently has update 3f1c in progress"
	errProfileExists = "creating EKS Fargate Profile (demo:apps-1a2b3c4d): operation error EKS: CreateFargateProfile, https response error StatusCode: 409, " +
		"RequestID: 69f8ee49, api error ResourceInUseException: A Fargate Profile already exists with this name in this cluster."
	errAddonExists   = "creating EKS Add-On (demo:coredns): operation error EKS: CreateAddon, https response error StatusCode: 409, RequestID: 1, ResourceInUseException: Addon already exists."
	errClusterExists = "creating EKS Cluster (demo): operation error EKS: CreateCluster, https response error StatusCode: 409, RequestID: 2, ResourceInUseException: Cluster already exists with name: demo"
	errInvalid       = "creating EKS Fargate Profile (demo:apps-1a2b3c4d): operation error EKS: CreateFargateProfile, https response error StatusCode: 400, RequestID: 3, " +
		"InvalidParameterException: Misconfigured PodExecutionRole Trust Policy; Please add the eks-fargate-pods.amazonaws.com Service Principal"
	errThrottled = "reading EKS Cluster (demo): operation error EKS: DescribeCluster, exceeded maximum number of attempts, 25, https response error StatusCode: 429, RequestID: 4, api error ThrottlingException: Rate exceeded"
)

func TestIsBusyError(t *testing.T) {
	for _, tt := range []struct {
		msg  string
		busy bool
	}{
		{errProfileBusy, true}, {errProfileDeleteBusy, true}, {errV1Shape, true}, {errAddonBusy, true}, {errClusterUpdateBusy, true},
		{errProfileExists, false}, {errAddonExists, false}, {errClusterExists, false}, {errInvalid, false}, {errThrottled, false},
		{"", false}, {"NotResourceInUseExceptionX", false},
	} {
		if got := IsBusyError(tt.msg); got != tt.busy {
			t.Errorf("IsBusyError(%.80q...) = %v, want %v", tt.msg, got, tt.busy)
		}
	}
}

func TestBusyRetryDecide(t *testing.T) {
	busy := func(n int) []string { return slices.Repeat([]string{errProfileBusy}, n) }
	p := BusyRetry{Attempts: 5, Backoff: 10 * time.Second, MaxBackoff: 30 * time.Second}
	for _, tt := range []struct {
		name  string
		p     BusyRetry
		errs  []string
		retry bool
		wait  time.Duration
	}{
		{"first failure", p, busy(1), true, 10 * time.Second},
		{"second", p, busy(2), true, 20 * time.Second},
		{"capped", p, busy(3), true, 30 * time.Second},
		{"last retry", p, busy(4), true, 30 * time.Second},
		{"bound reached", p, busy(5), false, 0},
		{"newest is another error", p, append([]string{errInvalid}, busy(2)...), false, 0},
		{"newest busy after another error", p, append(busy(1), errInvalid), true, 20 * time.Second},
		{"already exists", p, []string{errProfileExists}, false, 0},
		{"no errors", p, nil, false, 0},
		{"defaults", BusyRetry{}, busy(1), true, DefaultBusyBackoff},
		{"defaults capped", BusyRetry{}, busy(7), true, DefaultBusyMaxBackoff},
		{"defaults bound", BusyRetry{}, busy(DefaultBusyAttempts), false, 0},
		{"off", BusyRetry{Attempts: -1}, busy(1), false, 0},
		{"one attempt", BusyRetry{Attempts: 1}, busy(1), false, 0},
	} {
		retry, wait := tt.p.Decide(tt.errs)
		if retry != tt.retry || wait != tt.wait {
			t.Errorf("%s: Decide = %v, %s; want %v, %s", tt.name, retry, wait, tt.retry, tt.wait)
		}
	}
}

// The hook waits the decided time and asks for a retry; it never sleeps
// for an error it does not retry, and gives up at the bound.
func TestBusyHookWaitsAndStops(t *testing.T) {
	var slept []time.Duration
	var logged []string
	h := &busyHook{policy: BusyRetry{Attempts: 3, Backoff: time.Second}, sleep: func(d time.Duration) { slept = append(slept, d) },
		logf: func(format string, a ...any) { logged = append(logged, format) }}
	var errs []string
	tries := 0
	for {
		tries++
		errs = append([]string{errProfileDeleteBusy}, errs...) // the operation failed again
		retry, err := h.onError(&pulumi.ErrorHookArgs{Name: "demo-profile-apps", FailedOperation: "delete", Errors: errs})
		if err != nil {
			t.Fatal(err)
		}
		if !retry {
			break
		}
	}
	if tries != 3 || !slices.Equal(slept, []time.Duration{time.Second, 2 * time.Second}) || len(logged) != 2 {
		t.Errorf("tries %d, slept %v, logged %d", tries, slept, len(logged))
	}
	slept = nil
	if retry, _ := h.onError(&pulumi.ErrorHookArgs{Errors: []string{errInvalid}}); retry || len(slept) != 0 {
		t.Errorf("another error: retry %v, slept %v", retry, slept)
	}
}

// Under mocks: the cluster, every profile and every add-on carry the error
// hook; with Attempts -1 nothing does.
func TestBusyHookBound(t *testing.T) {
	args := &FargateClusterArgs{ClusterSpec: ClusterSpec{FargateProfiles: []FargateProfile{
		{Name: "system", Selectors: []Selector{{Namespace: "kube-system"}}},
		{Name: "apps", Selectors: []Selector{{Namespace: "apps"}}},
	}}}
	g, _ := run(t, args)
	bound := 0
	for _, r := range g.Resources {
		want := r.Type == tCluster || r.Type == tProfile || r.Type == tAddon
		if got := slices.Equal(r.OnError, []string{"demo-busy-retry"}); got != want {
			t.Errorf("%s %s: OnError %v", r.Type, r.Name, r.OnError)
		}
		if want {
			bound++
		}
	}
	if bound < 4 {
		t.Errorf("%d resources with the hook", bound)
	}
	args.BusyRetry.Attempts = -1
	g, _ = run(t, args)
	for _, r := range g.Resources {
		if len(r.OnError) > 0 {
			t.Errorf("off: %s %s has %v", r.Type, r.Name, r.OnError)
		}
	}
}
