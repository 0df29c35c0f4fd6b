package helm

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/repo"
	"helm.sh/helm/v3/pkg/storage/driver"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// writeChart writes a small chart: a ConfigMap holding .Values.greeting, a
// ClusterIP Service, and, when .Values.deployment is true, a Deployment that
// can never become available (the test server has no nodes).
func writeChart(t *testing.T, version string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "greeter")
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: greeter\nversion: " + version + "\nappVersion: v" + version + "\n",
		"values.yaml": "greeting: hello\ndeployment: false\n",
		"templates/configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-greeting
data:
  greeting: {{ .Values.greeting | quote }}
  chart: {{ .Chart.Version | quote }}
`,
		"templates/service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-svc
spec:
  selector:
    app: {{ .Release.Name }}
  ports:
  - port: 80
    targetPort: 8080
`,
		"templates/deployment.yaml": `{{- if .Values.deployment }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
      - name: app
        image: registry.invalid/app:1
{{- end }}
`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// archive packages a chart directory as name-version.tgz in dest.
func archive(t *testing.T, dir, dest string) string {
	t.Helper()
	ch, err := loader.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	path, err := chartutil.Save(ch, dest)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// syncBuffer is a bytes.Buffer safe for a logger used from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger(t *testing.T) (*slog.Logger, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo})), buf
}

func ingressGVR(resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Resource: resource}
}

func greeting(t *testing.T, cs kubernetes.Interface, ns, release string) string {
	t.Helper()
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(context.Background(), release+"-greeting", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("ConfigMap: %v", err)
	}
	return cm.Data["greeting"] + "@" + cm.Data["chart"]
}

func TestHelmInstallUpgradeUninstall(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := writeChart(t, "0.1.0")
	log, logs := testLogger(t)
	opts := Options{ReleaseName: "greeter", Namespace: ns, Chart: lbc.ChartSource{Path: dir},
		Values: map[string]any{"greeting": "hi"}, Wait: true, Timeout: time.Minute, Logger: log}

	rel, err := Install(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Info.Status != release.StatusDeployed || rel.Version != 1 || rel.Namespace != ns {
		t.Errorf("release %s v%d in %s", rel.Info.Status, rel.Version, rel.Namespace)
	}
	if got := greeting(t, cs, ns, "greeter"); got != "hi@0.1.0" {
		t.Errorf("greeting %s", got)
	}
	if _, err := cs.CoreV1().Services(ns).Get(ctx, "greeter-svc", metav1.GetOptions{}); err != nil {
		t.Errorf("Service: %v", err)
	}
	// The release is stored the Helm way, as a Secret in the namespace.
	secrets, _ := cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=greeter"})
	if len(secrets.Items) != 1 {
		t.Errorf("%d Helm release secrets", len(secrets.Items))
	}
	if _, err := Install(ctx, cfg, opts); !errors.Is(err, ErrHelm) {
		t.Errorf("second install: %v", err)
	}

	// Upgrade from an archive of a newer chart version with new values.
	tgz := archive(t, writeChart(t, "0.2.0"), t.TempDir())
	opts.Chart, opts.Values = lbc.ChartSource{Path: tgz, Version: "0.2.0"}, map[string]any{"greeting": "hey"}
	if rel, err = Upgrade(ctx, cfg, opts); err != nil {
		t.Fatal(err)
	}
	if rel.Version != 2 || rel.Chart.Metadata.Version != "0.2.0" {
		t.Errorf("upgrade: v%d chart %s", rel.Version, rel.Chart.Metadata.Version)
	}
	if got := greeting(t, cs, ns, "greeter"); got != "hey@0.2.0" {
		t.Errorf("greeting after upgrade %s", got)
	}
	if st, err := Status(cfg, "greeter", ns); err != nil || st.Version != 2 || st.Info.Status != release.StatusDeployed {
		t.Errorf("status %v %v", st, err)
	}
	// A chart whose version is not the one asked for is refused.
	opts.Chart.Version = "0.3.0"
	if _, err := Upgrade(ctx, cfg, opts); !errors.Is(err, lbc.ErrInvalidSpec) {
		t.Errorf("wrong chart version: %v", err)
	}

	if err := lbc.Uninstall(ctx, cfg, lbc.UninstallOptions{ReleaseName: "greeter", Namespace: ns, Wait: true, Timeout: time.Minute, Logger: log}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "greeter-greeting", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("ConfigMap after uninstall: %v", err)
	}
	if _, err := Status(cfg, "greeter", ns); !errors.Is(err, driver.ErrReleaseNotFound) {
		t.Errorf("status after uninstall: %v", err)
	}
	// Uninstalling again is not an error; Upgrade of a missing release installs it.
	if err := lbc.Uninstall(ctx, cfg, lbc.UninstallOptions{ReleaseName: "greeter", Namespace: ns, Logger: log}); err != nil {
		t.Errorf("second uninstall: %v", err)
	}
	opts.Chart = lbc.ChartSource{Path: dir}
	if rel, err = Upgrade(ctx, cfg, opts); err != nil || rel.Version != 1 {
		t.Fatalf("upgrade --install: %v", err)
	}
	for _, want := range []string{`msg="lbc/helm: install"`, `msg="lbc/helm: upgrade done"`, "lbc: uninstalled", "lbc: release not installed", "installing"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestHelmWaitOption(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := writeChart(t, "0.1.0")
	// With a Deployment that cannot become available (no nodes), waiting fails...
	_, err := Install(ctx, cfg, Options{ReleaseName: "waits", Namespace: ns, Chart: lbc.ChartSource{Path: dir},
		Values: map[string]any{"deployment": true}, Wait: true, Timeout: 5 * time.Second})
	if !errors.Is(err, ErrHelm) {
		t.Fatalf("install with wait: %v", err)
	}
	if st, err := Status(cfg, "waits", ns); err != nil || st.Info.Status != release.StatusFailed {
		t.Errorf("status after a failed wait: %v %v", st, err)
	}
	// ...and without waiting the same chart installs at once.
	rel, err := Install(ctx, cfg, Options{ReleaseName: "nowait", Namespace: ns, Chart: lbc.ChartSource{Path: dir},
		Values: map[string]any{"deployment": true}})
	if err != nil || rel.Info.Status != release.StatusDeployed {
		t.Fatalf("install without wait: %v", err)
	}
	if _, err := cs.AppsV1().Deployments(ns).Get(ctx, "nowait", metav1.GetOptions{}); err != nil {
		t.Errorf("Deployment: %v", err)
	}
}

func TestHelmFromRepository(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// A chart repository: index.yaml and the archive, served over HTTP.
	repoDir := t.TempDir()
	archive(t, writeChart(t, "1.2.3"), repoDir)
	archive(t, writeChart(t, "1.2.4"), repoDir)
	srv := httptest.NewServer(http.FileServer(http.Dir(repoDir)))
	defer srv.Close()
	idx, err := repo.IndexDirectory(repoDir, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.WriteFile(filepath.Join(repoDir, "index.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}

	cache := t.TempDir()
	rel, err := Install(ctx, cfg, Options{ReleaseName: "fromrepo", Namespace: ns, CacheDir: cache,
		Chart: lbc.ChartSource{RepoURL: srv.URL, Name: "greeter", Version: "1.2.3"}, Values: map[string]any{"greeting": "repo"}, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if rel.Chart.Metadata.Version != "1.2.3" || greeting(t, cs, ns, "fromrepo") != "repo@1.2.3" {
		t.Errorf("installed chart %s", rel.Chart.Metadata.Version)
	}
	if _, err := os.Stat(filepath.Join(cache, "greeter-1.2.3.tgz")); err != nil {
		t.Errorf("chart not cached: %v", err)
	}
	_, err = Upgrade(ctx, cfg, Options{ReleaseName: "fromrepo", Namespace: ns, CacheDir: cache,
		Chart: lbc.ChartSource{RepoURL: srv.URL, Name: "greeter", Version: "9.9.9"}})
	if !errors.Is(err, lbc.ErrChart) || !strings.Contains(err.Error(), "9.9.9") {
		t.Errorf("missing version: %v", err)
	}
}

func TestHelmOptionsRefused(t *testing.T) {
	_, err := Install(context.Background(), nil, Options{ReleaseName: "Bad_Name", Namespace: "x_y",
		Chart: lbc.ChartSource{Path: "/c", RepoURL: "https://example.com"}})
	if !errors.Is(err, lbc.ErrInvalidSpec) {
		t.Fatal(err)
	}
	for _, w := range []string{"exclude each other", `"Bad_Name"`, `"x_y"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%v does not mention %s", err, w)
		}
	}
	if _, err := Upgrade(context.Background(), nil, Options{Chart: lbc.ChartSource{RepoURL: lbc.ChartRepo}}); !errors.Is(err, lbc.ErrInvalidSpec) {
		t.Errorf("incomplete repository source: %v", err)
	}
	src, err := lbc.DefaultChartSource("")
	if err != nil || src != (lbc.ChartSource{RepoURL: "https://aws.github.io/eks-charts", Name: "aws-load-balancer-controller", Version: "3.5.0"}) {
		t.Errorf("default chart source %+v %v", src, err)
	}
}

func TestRESTClientGetter(t *testing.T) {
	_, cfg := kubetest.Clientset(t)
	g := NewRESTClientGetter(cfg, "team-a")
	if ns, set, err := g.ToRawKubeConfigLoader().Namespace(); ns != "team-a" || !set || err != nil {
		t.Errorf("namespace %s %v %v", ns, set, err)
	}
	raw, err := g.ToRawKubeConfigLoader().RawConfig()
	if err != nil || raw.Clusters[raw.Contexts[raw.CurrentContext].Cluster].Server != cfg.Host {
		t.Errorf("raw config %+v %v", raw, err)
	}
	m, err := g.ToRESTMapper()
	if err != nil {
		t.Fatal(err)
	}
	gvk, err := m.KindFor(ingressGVR("ing"))
	if err != nil || gvk.Kind != "Ingress" {
		t.Errorf("short name ing: %v %v", gvk, err)
	}
	rc, _ := g.ToRESTConfig()
	rc.Host = "mutated"
	if again, _ := g.ToRESTConfig(); again.Host != cfg.Host {
		t.Error("ToRESTConfig returns a shared config")
	}
}
