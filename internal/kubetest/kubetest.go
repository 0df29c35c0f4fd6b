package kubetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/fargatekit/fargatekit/internal/localkube"
)

// EnvKubeconfig names the environment variable that, when set to the path of
// a kubeconfig file, makes Config use that server instead of starting one.
// integration/kube/up.sh writes it (and KUBECONFIG) to STATE_DIR/env.
const EnvKubeconfig = "FARGATEKIT_TEST_KUBECONFIG"

// ManagedByLabel is set, with the value "kubetest", on every namespace that
// Namespace creates.
const ManagedByLabel = "app.kubernetes.io/managed-by"

// server is the API server that up.sh starts, at most once per test binary.
var server struct {
	once       sync.Once
	kubeconfig string
	err        error
}

// Config returns a fresh *rest.Config with admin rights on the test API
// server: the one named by $FARGATEKIT_TEST_KUBECONFIG if set, else the one
// that integration/kube/up.sh starts (or reuses) once per test binary. It
// skips the test under -short and fails it if the server cannot be had.
func Config(t testing.TB) *rest.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("kubetest: -short: real API server not used")
	}
	path := os.Getenv(EnvKubeconfig)
	if path == "" {
		server.once.Do(func() { server.kubeconfig, server.err = up(t) })
		if server.err != nil {
			t.Fatalf("kubetest: no API server: %v", server.err)
		}
		path = server.kubeconfig
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("kubetest: loading kubeconfig %s (unset %s to start a local server): %v", path, EnvKubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 100, 200 // the local server is not worth throttling for
	cfg.Timeout = 30 * time.Second
	return cfg
}

// Clientset returns a clientset for the test API server and the *rest.Config
// it was made from (see Config).
func Clientset(t testing.TB) (*kubernetes.Clientset, *rest.Config) {
	t.Helper()
	cfg := Config(t)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("kubetest: clientset: %v", err)
	}
	return cs, cfg
}

// Namespace creates a namespace for this test alone, named after the test
// plus a random suffix, and deletes it when the test ends (without a
// controller manager it then stays Terminating). Like a real cluster's
// namespaces it has a "default" ServiceAccount, so Pods can be created.
func Namespace(t testing.TB, cfg *rest.Config) string {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("kubetest: clientset: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:   namespaceName(t.Name()),
		Labels: map[string]string{ManagedByLabel: "kubetest"},
	}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("kubetest: creating namespace %s: %v", ns.Name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := cs.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("kubetest: deleting namespace %s: %v", ns.Name, err)
		}
	})
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	if _, err := cs.CoreV1().ServiceAccounts(ns.Name).Create(ctx, sa, metav1.CreateOptions{}); err != nil &&
		!apierrors.IsAlreadyExists(err) {
		t.Fatalf("kubetest: creating default ServiceAccount in %s: %v", ns.Name, err)
	}
	return ns.Name
}

// Issuer returns the service-account token issuer of the server, as its
// /.well-known/openid-configuration document states it.
func Issuer(t testing.TB, cfg *rest.Config) string {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("kubetest: clientset: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	raw, err := cs.Discovery().RESTClient().Get().AbsPath("/.well-known/openid-configuration").DoRaw(ctx)
	if err != nil {
		t.Fatalf("kubetest: fetching OIDC discovery document: %v", err)
	}
	var doc struct {
		Issuer string `json:"issuer"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Issuer == "" {
		t.Fatalf("kubetest: OIDC discovery document has no issuer (%v): %s", err, raw)
	}
	return doc.Issuer
}

// namespaceName turns a test name into a DNS-1123 label of at most 63
// characters: lower-case alphanumerics and '-', plus a random suffix.
func namespaceName(testName string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(testName) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	const suffixLen = 6
	base := strings.TrimRight(b.String(), "-")
	if len(base) > 63-1-suffixLen {
		base = strings.TrimRight(base[:63-1-suffixLen], "-")
	}
	if base == "" {
		base = "test"
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	suffix := make([]byte, suffixLen)
	for i := range suffix {
		suffix[i] = alphabet[rand.IntN(len(alphabet))]
	}
	return base + "-" + string(suffix)
}

// up runs integration/kube/up.sh (internal/localkube), logging its progress
// to t, and returns the kubeconfig path it prints.
func up(t testing.TB) (string, error) {
	root, err := localkube.RepoRoot()
	if err != nil {
		return "", err
	}
	t.Logf("kubetest: %s/integration/kube/up.sh (the first run builds kube-apiserver: minutes)", root)
	return localkube.Up(context.Background(), root, func(line string) { t.Log(line) })
}

// KubeconfigFile writes a kubeconfig file for cfg (as Config returns it) in
// the test's temporary directory and returns its path, for code under test
// that takes a --kubeconfig path rather than a *rest.Config.
func KubeconfigFile(t testing.TB, cfg *rest.Config) string {
	t.Helper()
	c := clientcmdapi.NewConfig()
	c.Clusters["test"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthority: cfg.CAFile, CertificateAuthorityData: cfg.CAData}
	c.AuthInfos["test"] = &clientcmdapi.AuthInfo{ClientCertificate: cfg.CertFile, ClientCertificateData: cfg.CertData,
		ClientKey: cfg.KeyFile, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken}
	c.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "test"}
	c.CurrentContext = "test"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*c, path); err != nil {
		t.Fatalf("kubetest: writing kubeconfig: %v", err)
	}
	return path
}

// LockLBC is the lock of the tests that install the load balancer
// controller's real chart or its CRDs, whose admission webhooks and CRDs are
// cluster-wide (a webhook of a chart another package installs refuses
// Services of type LoadBalancer everywhere while it is registered), and of
// the tests that create objects those webhooks select or that Teardown
// lists across namespaces.
const LockLBC = "lbc-controller"

// LockNamespace holds the locks Lock takes.
const LockNamespace = "kubetest-locks"

// lockTTL is how long a lock whose holder died (a killed test binary) blocks
// the others.
const lockTTL = 15 * time.Minute

// Lock takes a named lock on the test API server and holds it until the test
// ends. The packages' test binaries run at once against one server (with.sh
// shares it), so tests in different packages that change the same
// cluster-scoped objects (the controller's CRDs, for one) take the same lock
// to run one at a time. The lock is a ConfigMap in LockNamespace: whoever
// creates it holds it; a lock older than 15 minutes is taken over.
func Lock(t testing.TB, cfg *rest.Config, name string) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: LockNamespace}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("kubetest: lock %s: %v", name, err)
	}
	cms := cs.CoreV1().ConfigMaps(LockNamespace)
	holder := fmt.Sprintf("%s (pid %d)", t.Name(), os.Getpid())
	for waited := false; ; {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string]string{"holder": holder}}
		created, err := cms.Create(ctx, cm, metav1.CreateOptions{})
		if err == nil {
			uid := created.UID
			t.Cleanup(func() {
				_ = cms.Delete(context.Background(), name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
			})
			return
		}
		if !apierrors.IsAlreadyExists(err) {
			t.Fatalf("kubetest: lock %s: %v", name, err)
		}
		if cur, err := cms.Get(ctx, name, metav1.GetOptions{}); err == nil && time.Since(cur.CreationTimestamp.Time) > lockTTL {
			uid := cur.UID
			_ = cms.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
			continue
		} else if err == nil && !waited {
			t.Logf("kubetest: waiting for lock %s held by %s", name, cur.Data["holder"])
			waited = true
		}
		select {
		case <-ctx.Done():
			t.Fatalf("kubetest: lock %s: %v", name, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
