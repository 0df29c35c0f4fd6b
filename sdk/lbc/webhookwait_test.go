package lbc

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	k8stesting "k8s.io/client-go/testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/fargatekit/fargatekit/internal/kubetest"
)

// WaitForWebhook on the real API server: no endpoint, or only a not-ready
// one, is waited for with progress until the context ends; a ready endpoint
// (this test writes the EndpointSlice the endpoint-slice controller would)
// ends the wait, reporting the service mutator's failure policy as
// installed.
func TestWaitForWebhook(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx := context.Background()
	prefix := "lbc-" + ns // a configuration name of this test's own (cluster-scoped)
	svc := WebhookServiceName(prefix)
	if _, err := cs.CoreV1().Services(ns).Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: svc},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 443}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	opts := WebhookWaitOptions{Namespace: ns, Prefix: prefix, PollInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	wait := func() (string, error) {
		c, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		return WaitForWebhook(c, cs, opts)
	}
	if _, err := wait(); !errors.Is(err, ErrWebhookNotServing) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), ns+"/"+svc) {
		t.Fatalf("no endpoints: %v", err)
	}
	if !strings.Contains(logs.String(), "waiting for the controller's webhook to serve") {
		t.Errorf("no progress logged:\n%s", logs.String())
	}
	notReady, ready := false, true
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: svc + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &notReady}}},
	}
	if _, err := cs.DiscoveryV1().EndpointSlices(ns).Create(ctx, slice, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := wait(); !errors.Is(err, ErrWebhookNotServing) {
		t.Fatalf("a not-ready endpoint counted: %v", err)
	}
	// The controller's pod becomes ready, and its webhook configuration
	// carries the service mutator with the chart's failure policy.
	slice.Endpoints[0].Conditions.Ready = &ready
	if _, err := cs.DiscoveryV1().EndpointSlices(ns).Update(ctx, slice, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if policy, err := wait(); err != nil || policy != "" {
		t.Fatalf("ready endpoint, no webhook configuration: %q %v", policy, err)
	}
	fail, none := admissionregistrationv1.Fail, admissionregistrationv1.SideEffectClassNone
	path := "/mutate-v1-service"
	conf := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: WebhookConfigurationName(prefix)},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name: ServiceMutatorWebhookName, FailurePolicy: &fail, SideEffects: &none, AdmissionReviewVersions: []string{"v1"},
			ClientConfig: admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{Namespace: ns, Name: svc, Path: &path}},
			// Selects nothing: the test must not refuse other tests' Services.
			ObjectSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"fargatekit.io/test": ns}},
			Rules: []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"services"}}}},
		}},
	}
	if _, err := cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, conf, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Delete(context.Background(), conf.Name, metav1.DeleteOptions{})
	})
	if policy, err := wait(); err != nil || policy != "Fail" {
		t.Fatalf("policy %q, %v", policy, err)
	}
	if !strings.Contains(logs.String(), "webhook serving") {
		t.Errorf("no serving line:\n%s", logs.String())
	}
}

// Errors that waiting can outlast (throttling, a busy server) do not end the
// wait; refused permissions end it at once. The API server cannot be made
// to fail on demand, so a client-go fake clientset's reactor injects them.
func TestWaitForWebhookAPIErrors(t *testing.T) {
	const ns, prefix = "kube-system", "aws-load-balancer"
	svc := WebhookServiceName(prefix)
	ready := true
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: svc + "-1", Namespace: ns, Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	}
	gr := schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"}
	for _, tt := range []struct {
		name      string
		err       error
		failures  int
		wantError bool
	}{
		{"server busy twice", apierrors.NewServiceUnavailable("etcd leader changed"), 2, false},
		{"throttled", apierrors.NewTooManyRequests("slow down", 1), 3, false},
		{"forbidden", apierrors.NewForbidden(gr, "", errors.New("no list")), 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs := fake.NewClientset(slice)
			calls := 0
			cs.PrependReactor("list", "endpointslices", func(k8stesting.Action) (bool, runtime.Object, error) {
				calls++
				if calls <= tt.failures {
					return true, nil, tt.err
				}
				return false, nil, nil
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := WaitForWebhook(ctx, cs, WebhookWaitOptions{Namespace: ns, Prefix: prefix, PollInterval: time.Millisecond})
			switch {
			case tt.wantError && (err == nil || errors.Is(err, ErrWebhookNotServing) || calls != 1):
				t.Errorf("err %v after %d calls, want the API error at once", err, calls)
			case !tt.wantError && (err != nil || calls != tt.failures+1):
				t.Errorf("err %v after %d calls, want success after %d failures", err, calls, tt.failures)
			}
		})
	}
}
