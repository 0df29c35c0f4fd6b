package lbc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/downloader"
	"helm.sh/helm/v3/pkg/getter"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/repo"
	"helm.sh/helm/v3/pkg/storage/driver"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ErrHelm is wrapped by the errors of Install, Upgrade and Uninstall that come
// from Helm itself.
var ErrHelm = errors.New("lbc: helm")

// DefaultTimeout is how long the Helm release may take to become ready.
const DefaultTimeout = 10 * time.Minute

// ChartSource says where a chart comes from: a chart repository (RepoURL,
// Name and Version) or a local chart directory or .tgz archive (Path).
type ChartSource struct {
	// RepoURL is the repository, e.g. ChartRepo; Name the chart in it and
	// Version its exact version.
	RepoURL, Name, Version string
	// Path is a local chart directory or archive; it excludes RepoURL.
	Path string
}

// DefaultChartSource is the controller's chart in eks-charts at the chart
// version of a controller version ("" means DefaultVersion).
func DefaultChartSource(version string) (ChartSource, error) {
	rel, err := LookupRelease(version)
	if err != nil {
		return ChartSource{}, err
	}
	return ChartSource{RepoURL: ChartRepo, Name: ChartName, Version: rel.Chart}, nil
}

// HelmOptions configure Install and Upgrade.
type HelmOptions struct {
	// ReleaseName defaults to ReleaseName and Namespace to DefaultNamespace.
	ReleaseName, Namespace string
	// Chart is the chart to install.
	Chart ChartSource
	// Values are the chart values (see Values).
	Values map[string]any
	// Wait waits until the release's resources are ready (Deployments
	// available, Services with endpoints for their load balancer, Jobs done),
	// up to Timeout; for the controller's chart also until its webhook
	// Service has a ready endpoint (WaitForWebhook), so that Services can be
	// created right after.
	Wait bool
	// Timeout bounds the wait and hooks; 0 means DefaultTimeout.
	Timeout time.Duration
	// CreateNamespace creates the namespace when it does not exist. A
	// namespace other than kube-system (DefaultNamespace) is always created
	// when missing: a custom namespace for the controller is fargatekit's to
	// create, as the Pulumi component does.
	CreateNamespace bool
	// CacheDir holds downloaded charts; "" means <user cache dir>/fargatekit/helm.
	CacheDir string
	// SkipCRDs leaves the CustomResourceDefinitions alone: neither applied
	// before the chart (the default, see ApplyCRDs) nor created by Helm.
	SkipCRDs bool
	// ExtraCRDs are applied with the chart's (for example GatewayCRDs).
	ExtraCRDs []CRD
	// ChartWebhookTLS leaves the controller chart's webhook certificate to the
	// chart. By default Install and Upgrade pass the installed certificate (or
	// a new one) as webhookTLS, so that it never changes (see
	// EnsureWebhookCertificate); values that set webhookTLS.caCert win.
	ChartWebhookTLS bool
	// Logger receives progress and Helm's debug output; nil discards them.
	Logger *slog.Logger
}

func (o HelmOptions) defaults() HelmOptions {
	if o.ReleaseName == "" {
		o.ReleaseName = ReleaseName
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	o.CreateNamespace = o.CreateNamespace || o.Namespace != DefaultNamespace
	return o
}

func (o HelmOptions) validate() error {
	var errs []error
	c := o.Chart
	switch {
	case c.Path != "" && c.RepoURL != "":
		errs = append(errs, fmt.Errorf("%w: chart: Path and RepoURL exclude each other", ErrInvalidSpec))
	case c.Path == "" && (c.RepoURL == "" || c.Name == "" || c.Version == ""):
		errs = append(errs, fmt.Errorf("%w: chart: set Path, or RepoURL, Name and Version", ErrInvalidSpec))
	}
	return errors.Join(append(errs, validateRelease(o.ReleaseName, o.Namespace, o.Timeout))...)
}

// validateRelease checks a release's name, namespace and timeout.
func validateRelease(name, namespace string, timeout time.Duration) error {
	var errs []error
	if !validSubdomain(name) || len(name) > 53 {
		errs = append(errs, fmt.Errorf("%w: release name %q", ErrInvalidSpec, name))
	}
	if !validLabel(namespace) {
		errs = append(errs, fmt.Errorf("%w: namespace %q", ErrInvalidSpec, namespace))
	}
	if timeout < 0 {
		errs = append(errs, fmt.Errorf("%w: timeout %v", ErrInvalidSpec, timeout))
	}
	return errors.Join(errs...)
}

// Install installs a chart as a new release, like helm install; an existing
// release of that name is an error (use Upgrade to converge). Before the
// chart it server-side applies the chart's CRDs and ExtraCRDs (see
// ApplyCRDs), and for the controller's chart passes the webhook certificate
// (see HelmOptions.ChartWebhookTLS).
func Install(ctx context.Context, cfg *rest.Config, opts HelmOptions) (*release.Release, error) {
	return helmRun(ctx, cfg, opts, "install", func(ac *action.Configuration, o HelmOptions, ch *chart.Chart) (*release.Release, error) {
		return newInstall(ac, o).RunWithContext(ctx, ch, o.Values)
	})
}

// Template renders a chart client-side, like helm template: no API server,
// no CRDs applied, no certificate looked up (the chart's lookup calls see
// nothing), the values as given. It returns the rendered manifests, CRDs
// excluded, as one YAML stream.
func Template(opts HelmOptions) (string, error) {
	opts = opts.defaults()
	if err := opts.validate(); err != nil {
		return "", fmt.Errorf("lbc: template: %w", err)
	}
	ch, err := loadChart(opts)
	if err != nil {
		return "", fmt.Errorf("lbc: template: %w", err)
	}
	in := action.NewInstall(&action.Configuration{})
	in.ReleaseName, in.Namespace = opts.ReleaseName, opts.Namespace
	in.DryRun, in.ClientOnly, in.Replace, in.SkipCRDs = true, true, true, true
	rel, err := in.Run(ch, MergeValues(nil, opts.Values))
	if err != nil {
		return "", fmt.Errorf("lbc: template %s: %w: %w", opts.ReleaseName, ErrHelm, err)
	}
	return rel.Manifest, nil
}

// Upgrade upgrades the release to the chart and values, installing it when it
// does not exist yet (helm upgrade --install): calling it again converges.
// Like Install it first applies the CRDs of the chart it upgrades to, which
// Helm itself never does, and keeps the controller's webhook certificate.
func Upgrade(ctx context.Context, cfg *rest.Config, opts HelmOptions) (*release.Release, error) {
	return helmRun(ctx, cfg, opts, "upgrade", func(ac *action.Configuration, o HelmOptions, ch *chart.Chart) (*release.Release, error) {
		if _, err := action.NewHistory(ac).Run(o.ReleaseName); errors.Is(err, driver.ErrReleaseNotFound) {
			o.Logger.Info("lbc: release not installed yet: installing", "release", o.ReleaseName, "namespace", o.Namespace)
			return newInstall(ac, o).RunWithContext(ctx, ch, o.Values)
		} else if err != nil {
			return nil, err
		}
		up := action.NewUpgrade(ac)
		up.Namespace, up.Wait, up.Timeout = o.Namespace, o.Wait, o.Timeout
		up.SkipCRDs = true // applied before, or left alone
		return up.RunWithContext(ctx, o.ReleaseName, ch, o.Values)
	})
}

func newInstall(ac *action.Configuration, o HelmOptions) *action.Install {
	in := action.NewInstall(ac)
	in.ReleaseName, in.Namespace, in.CreateNamespace = o.ReleaseName, o.Namespace, o.CreateNamespace
	in.Wait, in.Timeout = o.Wait, o.Timeout
	in.SkipCRDs = true // applied before, or left alone
	return in
}

// prepare applies the chart's CRDs (unless SkipCRDs) and, for the
// controller's chart, sets the webhook certificate in the values (unless
// ChartWebhookTLS or the values set one); it returns the values to install.
func prepare(ctx context.Context, cfg *rest.Config, o HelmOptions, ch *chart.Chart) (map[string]any, error) {
	vals := MergeValues(nil, o.Values)
	if !o.SkipCRDs {
		crds, err := ChartCRDs(ch)
		if err != nil {
			return nil, err
		}
		if err := ApplyCRDs(ctx, cfg, append(crds, o.ExtraCRDs...), o.Logger); err != nil {
			return nil, err
		}
	}
	if ch.Metadata.Name != ChartName || o.ChartWebhookTLS {
		return vals, nil
	}
	if _, ok := ch.Values["webhookTLS"]; !ok {
		return vals, nil // a chart that cannot take a certificate
	}
	if tls, _ := vals["webhookTLS"].(map[string]any); tls != nil && tls["caCert"] != nil && tls["caCert"] != "" {
		return vals, nil
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	if err := ensureNamespace(ctx, cs, o.Namespace, o.CreateNamespace); err != nil {
		return nil, err
	}
	cert, err := EnsureWebhookCertificate(ctx, cs, o.Namespace, WebhookNamePrefix(vals))
	if err != nil {
		return nil, err
	}
	return MergeValues(vals, map[string]any{"webhookTLS": cert.values()}), nil
}

// helmRun validates the options, loads the chart and runs one Helm action
// with them, logging progress.
func helmRun(ctx context.Context, cfg *rest.Config, opts HelmOptions, verb string,
	do func(*action.Configuration, HelmOptions, *chart.Chart) (*release.Release, error)) (*release.Release, error) {
	opts = opts.defaults()
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("lbc: %s: %w", verb, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lbc: %s: %w", verb, err)
	}
	ac, err := actionConfig(cfg, opts.Namespace, opts.Logger)
	if err != nil {
		return nil, fmt.Errorf("lbc: %s: %w", verb, err)
	}
	ch, err := loadChart(opts)
	if err != nil {
		return nil, fmt.Errorf("lbc: %s: %w", verb, err)
	}
	if opts.Values, err = prepare(ctx, cfg, opts, ch); err != nil {
		return nil, fmt.Errorf("lbc: %s: %w", verb, err)
	}
	opts.Logger.Info("lbc: "+verb, "release", opts.ReleaseName, "namespace", opts.Namespace,
		"chart", ch.Metadata.Name, "version", ch.Metadata.Version, "wait", opts.Wait)
	rel, err := do(ac, opts, ch)
	if err != nil {
		return rel, fmt.Errorf("lbc: %s %s/%s: %w: %w", verb, opts.Namespace, opts.ReleaseName, ErrHelm, err)
	}
	opts.Logger.Info("lbc: "+verb+" done", "release", rel.Name, "revision", rel.Version, "status", rel.Info.Status.String())
	if opts.Wait && ch.Metadata.Name == ChartName {
		// Helm's wait ends with the Deployment available; Services created
		// next need the webhook's endpoints too (failurePolicy Fail).
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			return rel, fmt.Errorf("lbc: %s: %w", verb, err)
		}
		wctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		if _, err := WaitForWebhook(wctx, cs, WebhookWaitOptions{Namespace: opts.Namespace, Prefix: WebhookNamePrefix(opts.Values),
			Logger: opts.Logger}); err != nil {
			return rel, fmt.Errorf("lbc: %s %s/%s: %w", verb, opts.Namespace, opts.ReleaseName, err)
		}
	}
	return rel, nil
}

// UninstallOptions configure Uninstall.
type UninstallOptions struct {
	// ReleaseName defaults to ReleaseName and Namespace to DefaultNamespace.
	ReleaseName, Namespace string
	// Wait waits until the release's resources are gone, up to Timeout.
	Wait bool
	// Timeout bounds the wait and hooks; 0 means DefaultTimeout.
	Timeout time.Duration
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// Uninstall removes the release. A release that does not exist is not an
// error: uninstalling twice is the same as once. Before uninstalling the
// controller itself, run Teardown so that no load balancer is left behind.
func Uninstall(ctx context.Context, cfg *rest.Config, opts UninstallOptions) error {
	h := HelmOptions{ReleaseName: opts.ReleaseName, Namespace: opts.Namespace, Timeout: opts.Timeout, Logger: opts.Logger}.defaults()
	if err := validateRelease(h.ReleaseName, h.Namespace, h.Timeout); err != nil {
		return fmt.Errorf("lbc: uninstall: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("lbc: uninstall: %w", err)
	}
	ac, err := actionConfig(cfg, h.Namespace, h.Logger)
	if err != nil {
		return fmt.Errorf("lbc: uninstall: %w", err)
	}
	un := action.NewUninstall(ac)
	un.Wait, un.Timeout = opts.Wait, h.Timeout
	h.Logger.Info("lbc: uninstalling", "release", h.ReleaseName, "namespace", h.Namespace, "wait", opts.Wait)
	if _, err := un.Run(h.ReleaseName); err != nil {
		if errors.Is(err, driver.ErrReleaseNotFound) {
			h.Logger.Info("lbc: release not installed", "release", h.ReleaseName, "namespace", h.Namespace)
			return nil
		}
		return fmt.Errorf("lbc: uninstall %s/%s: %w: %w", h.Namespace, h.ReleaseName, ErrHelm, err)
	}
	h.Logger.Info("lbc: uninstalled", "release", h.ReleaseName, "namespace", h.Namespace)
	return nil
}

// Status returns the deployed (or last) revision of a release, or an error
// wrapping driver.ErrReleaseNotFound.
func Status(cfg *rest.Config, releaseName, namespace string) (*release.Release, error) {
	if releaseName == "" {
		releaseName = ReleaseName
	}
	if namespace == "" {
		namespace = DefaultNamespace
	}
	ac, err := actionConfig(cfg, namespace, nil)
	if err != nil {
		return nil, fmt.Errorf("lbc: status: %w", err)
	}
	rel, err := action.NewStatus(ac).Run(releaseName)
	if err != nil {
		return nil, fmt.Errorf("lbc: status %s/%s: %w: %w", namespace, releaseName, ErrHelm, err)
	}
	return rel, nil
}

func actionConfig(cfg *rest.Config, namespace string, log *slog.Logger) (*action.Configuration, error) {
	if cfg == nil {
		return nil, fmt.Errorf("%w: nil *rest.Config", ErrInvalidSpec)
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ac := new(action.Configuration)
	debug := func(format string, v ...any) { log.Debug("helm: " + fmt.Sprintf(format, v...)) }
	if err := ac.Init(NewRESTClientGetter(cfg, namespace), namespace, "secret", debug); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrHelm, err)
	}
	return ac, nil
}

// LoadChart loads a local chart (src.Path), the embedded archive (the
// controller's chart at EmbeddedChartVersion from ChartRepo), or downloads it
// from its repository into cacheDir first ("" means <user cache
// dir>/fargatekit/helm).
func LoadChart(src ChartSource, cacheDir string, log *slog.Logger) (*chart.Chart, error) {
	o := HelmOptions{Chart: src, CacheDir: cacheDir, Logger: log}.defaults()
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("lbc: load chart: %w", err)
	}
	ch, err := loadChart(o)
	if err != nil {
		return nil, fmt.Errorf("lbc: load chart: %w", err)
	}
	return ch, nil
}

// loadChart loads a local chart, the embedded archive, or downloads it from
// its repository into the cache directory first.
func loadChart(opts HelmOptions) (*chart.Chart, error) {
	if opts.Chart.embedded() {
		return loadEmbeddedChart()
	}
	path := opts.Chart.Path
	if path == "" {
		dir := opts.CacheDir
		if dir == "" {
			base, err := os.UserCacheDir()
			if err != nil {
				return nil, fmt.Errorf("chart cache: %w (set CacheDir)", err)
			}
			dir = filepath.Join(base, "fargatekit", "helm")
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("chart cache: %w", err)
		}
		c := opts.Chart
		getters := getter.Getters()
		url, err := repo.FindChartInAuthAndTLSAndPassRepoURL(c.RepoURL, "", "", c.Name, c.Version, "", "", "", false, false, getters)
		if err != nil {
			return nil, fmt.Errorf("%w: chart %s %s in %s: %w", ErrHelm, c.Name, c.Version, c.RepoURL, err)
		}
		dl := downloader.ChartDownloader{Out: io.Discard, Getters: getters, Verify: downloader.VerifyNever,
			RepositoryConfig: filepath.Join(dir, "repositories.yaml"), RepositoryCache: filepath.Join(dir, "repository")}
		opts.Logger.Info("lbc: downloading chart", "url", url)
		if path, _, err = dl.DownloadTo(url, c.Version, dir); err != nil {
			return nil, fmt.Errorf("%w: downloading %s: %w", ErrHelm, url, err)
		}
	}
	ch, err := loader.Load(path)
	if err != nil {
		return nil, fmt.Errorf("%w: loading chart %s: %w", ErrHelm, path, err)
	}
	if v := opts.Chart.Version; v != "" && opts.Chart.Path != "" && ch.Metadata.Version != v {
		return nil, fmt.Errorf("%w: chart %s is version %s, not %s", ErrInvalidSpec, path, ch.Metadata.Version, v)
	}
	return ch, nil
}

// NewRESTClientGetter adapts a *rest.Config to the RESTClientGetter that Helm
// (and kubectl's libraries) want: the config as is, a memory-cached discovery
// client, a deferred REST mapper, and a kubeconfig loader that reports
// namespace as the default namespace.
func NewRESTClientGetter(cfg *rest.Config, namespace string) genericclioptions.RESTClientGetter {
	return &restGetter{cfg: rest.CopyConfig(cfg), namespace: namespace}
}

type restGetter struct {
	cfg       *rest.Config
	namespace string

	mu        sync.Mutex
	discovery discovery.CachedDiscoveryInterface
	mapper    meta.RESTMapper
}

func (g *restGetter) ToRESTConfig() (*rest.Config, error) { return rest.CopyConfig(g.cfg), nil }

func (g *restGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.discovery == nil {
		cfg := rest.CopyConfig(g.cfg)
		if cfg.Burst < 100 {
			cfg.Burst = 100 // discovery makes one request per API group
		}
		dc, err := discovery.NewDiscoveryClientForConfig(cfg)
		if err != nil {
			return nil, err
		}
		g.discovery = memory.NewMemCacheClient(dc)
	}
	return g.discovery, nil
}

func (g *restGetter) ToRESTMapper() (meta.RESTMapper, error) {
	dc, err := g.ToDiscoveryClient()
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.mapper == nil {
		m := restmapper.NewDeferredDiscoveryRESTMapper(dc)
		g.mapper = restmapper.NewShortcutExpander(m, dc, nil)
	}
	return g.mapper, nil
}

func (g *restGetter) ToRawKubeConfigLoader() clientcmd.ClientConfig { return kubeconfigLoader{g} }

// kubeconfigLoader is the clientcmd.ClientConfig of a restGetter.
type kubeconfigLoader struct{ g *restGetter }

// RawConfig describes the rest.Config as a one-context kubeconfig (server,
// CA, bearer token and client certificate when they are inline).
func (k kubeconfigLoader) RawConfig() (clientcmdapi.Config, error) {
	c := k.g.cfg
	raw := clientcmdapi.NewConfig()
	raw.Clusters["fargatekit"] = &clientcmdapi.Cluster{Server: c.Host, CertificateAuthorityData: c.CAData,
		CertificateAuthority: c.CAFile, InsecureSkipTLSVerify: c.Insecure, TLSServerName: c.ServerName}
	raw.AuthInfos["fargatekit"] = &clientcmdapi.AuthInfo{Token: c.BearerToken, TokenFile: c.BearerTokenFile,
		ClientCertificateData: c.CertData, ClientKeyData: c.KeyData, ClientCertificate: c.CertFile, ClientKey: c.KeyFile}
	raw.Contexts["fargatekit"] = &clientcmdapi.Context{Cluster: "fargatekit", AuthInfo: "fargatekit", Namespace: k.g.namespace}
	raw.CurrentContext = "fargatekit"
	return *raw, nil
}

func (k kubeconfigLoader) ClientConfig() (*rest.Config, error) { return k.g.ToRESTConfig() }

func (k kubeconfigLoader) Namespace() (string, bool, error) {
	if k.g.namespace == "" {
		return "default", false, nil
	}
	return k.g.namespace, true, nil
}

func (k kubeconfigLoader) ConfigAccess() clientcmd.ConfigAccess {
	return clientcmd.NewDefaultClientConfigLoadingRules()
}
