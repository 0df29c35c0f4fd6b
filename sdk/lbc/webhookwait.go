package lbc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ServiceMutatorWebhookName is the name, within the chart's
// MutatingWebhookConfiguration (WebhookConfigurationName), of the webhook
// that makes the controller the default for new Services of type
// LoadBalancer (it sets spec.loadBalancerClass).
const ServiceMutatorWebhookName = "mservice.elbv2.k8s.aws"

// ErrWebhookNotServing is wrapped when the controller's webhook Service has
// no ready endpoint when the wait ends.
var ErrWebhookNotServing = errors.New("lbc: the controller's webhook is not serving")

// WebhookConfigurationName is the chart's MutatingWebhookConfiguration for a
// name prefix ("" means ReleaseName's).
func WebhookConfigurationName(prefix string) string { return orDefaultPrefix(prefix) + "-webhook" }

// WebhookWaitOptions configure WaitForWebhook.
type WebhookWaitOptions struct {
	// Namespace is the controller's namespace ("" means DefaultNamespace);
	// Prefix its name prefix (WebhookNamePrefix of its values; "" the default).
	Namespace, Prefix string
	// PollInterval is how often the endpoints are checked; 0 means 2s.
	PollInterval time.Duration
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// WaitForWebhook waits until the controller's webhook Service
// (WebhookServiceName) has a ready endpoint in an EndpointSlice, logging
// progress on every poll, and returns the failure policy of the service
// mutator webhook as installed ("" when the webhook is off). The
// service-mutator webhook's failurePolicy is Fail in every chart of the
// version table: while the controller does not serve, the API server
// refuses every new Service (of any type, in any namespace the webhook
// selects) with "no endpoints available for service
// aws-load-balancer-webhook-service". Install and Upgrade with Wait call it
// for the controller's chart; call it yourself before creating Services
// after an install that did not wait. When the context ends first the
// error wraps ErrWebhookNotServing and the context's error.
func WaitForWebhook(ctx context.Context, cs kubernetes.Interface, opts WebhookWaitOptions) (string, error) {
	ns := opts.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	poll := opts.PollInterval
	if poll <= 0 {
		poll = 2 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	svc := WebhookServiceName(opts.Prefix)
	var lastErr error
	for {
		ready, total, err := readyEndpoints(ctx, cs, ns, svc)
		switch {
		case err != nil && ctx.Err() == nil && permanentAPIError(err):
			return "", fmt.Errorf("lbc: webhook %s/%s: %w", ns, svc, err)
		case err != nil:
			// Throttled, a timeout, the server busy or restarting: the
			// wait goes on, and the deadline's error names it.
			lastErr = err
			log.Info("lbc: waiting for the controller's webhook: reading its endpoints failed, retrying", "service", ns+"/"+svc, "error", err)
		case ready > 0:
			log.Info("lbc: webhook serving", "service", ns+"/"+svc, "ready", ready)
			return serviceWebhookPolicy(ctx, cs, opts.Prefix)
		default:
			log.Info("lbc: waiting for the controller's webhook to serve", "service", ns+"/"+svc, "endpoints", total, "ready", 0)
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return "", fmt.Errorf("%w: %s/%s has no ready endpoint (new Services are refused meanwhile): %w (last error: %w)",
					ErrWebhookNotServing, ns, svc, ctx.Err(), lastErr)
			}
			return "", fmt.Errorf("%w: %s/%s has no ready endpoint (new Services are refused meanwhile): %w", ErrWebhookNotServing, ns, svc, ctx.Err())
		case <-time.After(poll):
		}
	}
}

// permanentAPIError reports whether an API error will not go away by
// waiting: refused credentials or permissions, or a request the server
// cannot take.
func permanentAPIError(err error) bool {
	return apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err) || apierrors.IsBadRequest(err) ||
		apierrors.IsInvalid(err) || apierrors.IsMethodNotSupported(err) || apierrors.IsNotAcceptable(err)
}

// readyEndpoints counts the endpoints of a Service's EndpointSlices and the
// ready ones (a nil ready condition counts as ready, as the API defines it).
func readyEndpoints(ctx context.Context, cs kubernetes.Interface, ns, svc string) (ready, total int, err error) {
	slices, err := cs.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + svc})
	if err != nil {
		return 0, 0, err
	}
	for _, s := range slices.Items {
		for _, e := range s.Endpoints {
			total++
			if e.Conditions.Ready == nil || *e.Conditions.Ready {
				ready++
			}
		}
	}
	return ready, total, nil
}

// serviceWebhookPolicy reads the service mutator's failure policy from the
// controller's MutatingWebhookConfiguration ("" when it has none).
func serviceWebhookPolicy(ctx context.Context, cs kubernetes.Interface, prefix string) (string, error) {
	name := WebhookConfigurationName(prefix)
	cfg, err := cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lbc: webhook configuration %s: %w", name, err)
	}
	for _, w := range cfg.Webhooks {
		if w.Name == ServiceMutatorWebhookName {
			p := admissionregistrationv1.Fail // the API's default
			if w.FailurePolicy != nil {
				p = *w.FailurePolicy
			}
			return string(p), nil
		}
	}
	return "", nil
}
