package lbc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/fargatekit/fargatekit/internal/hookprops"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/fargatekit/fargatekit/internal/kubehook"
	sdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// ErrNoKubeconfig is returned by the destroy hook when the kubeconfig it
// tears down with is not known: the program, which resolves it, did not run
// (pulumi destroy without --run-program; recent engines refuse that
// themselves when a resource has delete hooks).
var ErrNoKubeconfig = errors.New("lbc: the destroy hook's kubeconfig is not known (run pulumi destroy --run-program)")

// TeardownTimeout bounds the destroy hook's teardown: deleting load
// balancers and waiting for the controller to clear their finalizers.
const TeardownTimeout = 15 * time.Minute

// teardownHook is the release's BeforeDelete hook and its connection: the
// kubeconfig, captured when the program resolves it.
type teardownHook struct {
	kube    kubehook.Conn
	timeout time.Duration
	poll    time.Duration
	log     *slog.Logger
}

// run is the BeforeDelete hook of the Helm release: sdk.Teardown over the
// whole cluster (every Ingress, LoadBalancer Service, TargetGroupBinding,
// Gateway and route the controller manages is deleted and its finalizer
// awaited), leaving the uninstall to Pulumi's delete of the release. When
// another installation of the controller remains (the release is being
// replaced: the replacement was created first), it does nothing: the
// controller stays, and so do the load balancers it serves.
func (h *teardownHook) run(args *pulumi.ResourceHookArgs) error {
	release, namespace := hookprops.String(args.OldInputs, "name"), hookprops.String(args.OldInputs, "namespace")
	if release == "" {
		release = ReleaseName
	}
	if namespace == "" {
		namespace = DefaultNamespace
	}
	cfg, err := h.kube.RESTConfig()
	if err != nil {
		return fmt.Errorf("lbc: %s: %w", args.Name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	values := map[string]any{}
	if v, ok := args.OldInputs["values"]; ok && hookprops.Unsecret(v).IsObject() {
		values = hookprops.Unsecret(v).ObjectValue().Mappable()
	}
	others, err := otherControllers(ctx, cfg, sdk.ControllerPodLabels(values, release)["app.kubernetes.io/name"], release, namespace)
	if err != nil {
		return fmt.Errorf("lbc: %s: before delete: %w", args.Name, err)
	}
	if len(others) > 0 {
		h.log.Info("lbc: another installation of the controller remains (a replacement): nothing torn down",
			"release", namespace+"/"+release, "others", strings.Join(others, ", "))
		return nil
	}
	h.log.Info("lbc: tearing down what the controller manages before its release is deleted", "release", namespace+"/"+release)
	if err := sdk.Teardown(ctx, cfg, sdk.TeardownOptions{ReleaseName: release, ReleaseNamespace: namespace,
		SkipUninstall: true, PollInterval: h.poll, Logger: h.log}); err != nil {
		return fmt.Errorf("lbc: %s: tearing down before delete: %w", args.Name, err)
	}
	return nil
}

// waitWebhook is the AfterCreate and AfterUpdate hook of the Helm release:
// sdk.WaitForWebhook, until the controller's webhook Service has a ready
// endpoint. The release's own await stops when the Deployment is
// available, which can be before the webhook Service's endpoints are ready;
// meanwhile the service-mutator webhook (failurePolicy Fail) refuses every
// new Service. Dependants of Ready are created after the release's step,
// this hook included. (Pulumi logs an after hook's error as a warning.)
func (h *teardownHook) waitWebhook(args *pulumi.ResourceHookArgs) error {
	namespace := hookprops.String(args.NewInputs, "namespace")
	if namespace == "" {
		namespace = DefaultNamespace
	}
	values := map[string]any{}
	if v, ok := args.NewInputs["values"]; ok && hookprops.Unsecret(v).IsObject() {
		values = hookprops.Unsecret(v).ObjectValue().Mappable()
	}
	cs, err := h.kube.Client()
	if err != nil {
		return fmt.Errorf("lbc: %s: %w", args.Name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	if _, err := sdk.WaitForWebhook(ctx, cs, sdk.WebhookWaitOptions{Namespace: namespace, Prefix: sdk.WebhookNamePrefix(values),
		PollInterval: h.poll, Logger: h.log}); err != nil {
		return fmt.Errorf("lbc: %s: %w", args.Name, err)
	}
	return nil
}

// otherControllers lists the controller Deployments (label
// app.kubernetes.io/name=name) other than the release's own, as
// namespace/name.
func otherControllers(ctx context.Context, cfg *rest.Config, name, release, namespace string) ([]string, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	list, err := cs.AppsV1().Deployments(metav1.NamespaceAll).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=" + name})
	if err != nil {
		return nil, fmt.Errorf("listing controller Deployments: %w", err)
	}
	var out []string
	for _, d := range list.Items {
		if d.Namespace == namespace && d.Labels["app.kubernetes.io/instance"] == release {
			continue
		}
		out = append(out, d.Namespace+"/"+d.Name)
	}
	return out, nil
}

// registerHook registers the release's BeforeDelete hook, N-teardown, and
// its AfterCreate and AfterUpdate hook, N-webhook-ready, and captures the
// kubeconfig when the program resolves it. The output reports
// whether the hook has a kubeconfig (not secret; the kubeconfig stays one).
func (c *LBCRelease) registerHook(ctx *pulumi.Context, name string, r resolved, connect func(string) (*rest.Config, error)) (*pulumi.ResourceHookBinding, pulumi.BoolOutput, error) {
	h := &teardownHook{kube: kubehook.Conn{ConnectREST: connect, Missing: ErrNoKubeconfig},
		timeout: max(r.Timeout, TeardownTimeout), poll: 5 * time.Second, log: slog.New(&pulumiLogHandler{ctx: ctx, res: c})}
	c.hook = h
	hook, err := ctx.RegisterResourceHook(name+"-teardown", h.run, nil)
	if err != nil {
		return nil, pulumi.BoolOutput{}, fmt.Errorf("registering the destroy hook: %w", err)
	}
	ready, err := ctx.RegisterResourceHook(name+"-webhook-ready", h.waitWebhook, nil)
	if err != nil {
		return nil, pulumi.BoolOutput{}, fmt.Errorf("registering the webhook hook: %w", err)
	}
	known := pulumi.Unsecret(r.kubeconfig.ToStringOutput().ApplyT(func(kc string) bool {
		h.kube.Set(kc)
		return kc != ""
	})).(pulumi.BoolOutput)
	return &pulumi.ResourceHookBinding{BeforeDelete: []*pulumi.ResourceHook{hook},
		AfterCreate: []*pulumi.ResourceHook{ready}, AfterUpdate: []*pulumi.ResourceHook{ready}}, known, nil
}

// pulumiLogHandler sends the hook's progress to the Pulumi engine's log, on
// the component.
type pulumiLogHandler struct {
	ctx   *pulumi.Context
	res   pulumi.Resource
	attrs []slog.Attr
}

func (h *pulumiLogHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *pulumiLogHandler) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Message)
	add := func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value.Any())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	rec.Attrs(add)
	args := &pulumi.LogArgs{Resource: h.res}
	if rec.Level >= slog.LevelWarn {
		return h.ctx.Log.Warn(b.String(), args)
	}
	return h.ctx.Log.Info(b.String(), args)
}

func (h *pulumiLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &pulumiLogHandler{ctx: h.ctx, res: h.res, attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...)}
}

func (h *pulumiLogHandler) WithGroup(string) slog.Handler { return h }
