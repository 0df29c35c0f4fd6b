package lbc

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/lbcref"
)

// TestRealChartsTable checks the version table against the archives: one row
// per archive of the reference directory and one archive per row, and each
// chart's appVersion is its row's controller version.
func TestRealChartsTable(t *testing.T) {
	dir := lbcref.Require(t)
	files, err := filepath.Glob(filepath.Join(dir, "charts", ChartName+"-*.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	var archives []string
	for _, f := range files {
		archives = append(archives, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), ChartName+"-"), ".tgz"))
	}
	var rows []string
	for _, r := range Releases() {
		rows = append(rows, r.Chart)
	}
	slices.Sort(archives)
	sorted := slices.Clone(rows)
	slices.Sort(sorted)
	if !slices.Equal(archives, sorted) {
		t.Errorf("chart archives %v, table rows %v", archives, sorted)
	}
	if len(rows) != 22 {
		t.Errorf("%d rows, want the 22 published charts 1.13.0 ... 3.5.0", len(rows))
	}
	for _, r := range Releases() {
		ch, err := loader.Load(lbcref.Chart(t, r.Chart))
		if err != nil {
			t.Fatal(err)
		}
		if ch.Metadata.Version != r.Chart || ch.Metadata.AppVersion != r.Version {
			t.Errorf("row %s/%s: archive says chart %s appVersion %s", r.Version, r.Chart, ch.Metadata.Version, ch.Metadata.AppVersion)
		}
		_, has := ch.Values["keepTLSSecret"]
		if has != r.KeepTLSSecret {
			t.Errorf("row %s: KeepTLSSecret %v, chart has keepTLSSecret: %v", r.Version, r.KeepTLSSecret, has)
		}
	}
}

// TestRealChartsValuesKeys checks, for every row, that each value the
// renderer writes is a key of that chart's own values.yaml.
func TestRealChartsValuesKeys(t *testing.T) {
	lbcref.Require(t)
	for _, r := range Releases() {
		ch, err := loader.Load(lbcref.Chart(t, r.Chart))
		if err != nil {
			t.Fatal(err)
		}
		seen := checkValuesKeys(t, r.Version, ch.Values)
		if seen["keepTLSSecret"] != r.KeepTLSSecret {
			t.Errorf("%s: keepTLSSecret rendered %v, row says %v", r.Version, seen["keepTLSSecret"], r.KeepTLSSecret)
		}
	}
}

// TestRealChartsPolicy checks each row's IAM policy, in each partition,
// against the official v3.5.0 policies (iam_policy.json, iam_policy_cn.json,
// iam_policy_us-gov.json): the only official versions in the reference. The
// official cn and us-gov files list two statements in another order than the
// base one, which IAM does not care about: statements compare as a set.
func TestRealChartsPolicy(t *testing.T) {
	lbcref.Require(t)
	for part, file := range map[string]string{"aws": "iam_policy.json", "aws-cn": "iam_policy_cn.json", "aws-us-gov": "iam_policy_us-gov.json"} {
		want := parseFile(t, lbcref.File(t, "policies/"+file))
		for _, r := range Releases() {
			got, err := IAMPolicy(r.Version, part)
			if err != nil {
				t.Fatal(err)
			}
			d, err := iampolicy.Parse([]byte(got))
			if err != nil {
				t.Fatal(err)
			}
			if !sameStatements(t, d, want) {
				t.Errorf("%s in %s: not equivalent to the official %s", r.Version, part, file)
			}
		}
	}
}

// rowName is a DNS label naming a row's test objects, e.g. lbc-3-5-0.
func rowName(r Release) string { return "lbc-" + strings.ReplaceAll(r.Chart, ".", "-") }

// rowValues are the values a row is installed with in the tests: the
// renderer's, plus a nameOverride and an ingressClass of the row's own, so
// that the rows' cluster-scoped objects (ClusterRole, webhook
// configurations, IngressClass) do not collide when installed side by side.
func rowValues(t *testing.T, r Release) map[string]any {
	t.Helper()
	spec := fargateSpec()
	spec.Version = r.Version
	spec.ServiceAccountName = ""
	spec.ExtraValues = map[string]any{"nameOverride": rowName(r), "ingressClass": rowName(r)}
	vals, err := Values(spec)
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

// TestRealChartsInstall installs the real archive of every row of the table
// with the SDK's Install on the real API server, each row in its own
// namespace, the rows in parallel (subtests with t.Parallel; go test's
// -parallel bounds how many at once). The CRDs of the newest chart are
// applied once first and the rows install with SkipCRDs (parallel rows
// applying their own versions would fight over the definitions; the CRD
// upgrade itself is TestCRDUpgrade's). The server has no nodes, so nothing
// waits for pods: the test checks what the chart rendered, as the server
// stored it: the Deployment's args carry the cluster name, region, VPC and
// ip target type, its image is the row's, and the webhook Secret holds the
// certificate Install passed, which the webhook configurations trust.
func TestRealChartsInstall(t *testing.T) {
	lbcref.Require(t)
	cs, cfg := kubetest.Clientset(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel) // not defer: the parallel subtests run after this function returns
	newest, err := LoadChartCRDs(lbcref.Chart(t, releases[len(releases)-1].Chart))
	if err != nil {
		t.Fatal(err)
	}
	if err := ApplyCRDs(ctx, cfg, newest, nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range Releases() {
		t.Run(r.Version, func(t *testing.T) {
			t.Parallel()
			ns := kubetest.Namespace(t, cfg)
			name := rowName(r)
			vals := rowValues(t, r)
			t.Cleanup(func() {
				if err := Uninstall(context.Background(), cfg, UninstallOptions{ReleaseName: name, Namespace: ns}); err != nil {
					t.Error(err)
				}
			})
			rel, err := Install(ctx, cfg, HelmOptions{ReleaseName: name, Namespace: ns, SkipCRDs: true,
				Chart: ChartSource{Path: lbcref.Chart(t, r.Chart), Version: r.Chart}, Values: vals})
			if err != nil {
				t.Fatal(err)
			}
			if rel.Chart.Metadata.AppVersion != r.Version {
				t.Errorf("installed appVersion %s", rel.Chart.Metadata.AppVersion)
			}
			checkDeployment(t, ctx, cs, ns, r, vals)
			checkWebhookTrust(t, ctx, cs, ns, WebhookNamePrefix(vals))
		})
	}
}

// checkDeployment checks the controller Deployment the chart rendered.
func checkDeployment(t *testing.T, ctx context.Context, cs kubernetes.Interface, ns string, r Release, vals map[string]any) {
	t.Helper()
	deps, err := cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(deps.Items) != 1 {
		t.Fatalf("deployments: %v %v", deps, err)
	}
	c := deps.Items[0].Spec.Template.Spec.Containers[0]
	for _, want := range []string{"--cluster-name=demo", "--aws-region=eu-west-1", "--aws-vpc-id=vpc-0123456789abcdef0", "--default-target-type=ip"} {
		if !slices.Contains(c.Args, want) {
			t.Errorf("%s: args %v lack %s", r.Version, c.Args, want)
		}
	}
	img := vals["image"].(map[string]any)
	if want := fmt.Sprint(img["repository"], ":", r.Version); c.Image != want {
		t.Errorf("%s: image %s, want %s", r.Version, c.Image, want)
	}
}

// checkWebhookTrust checks that the webhook Secret holds a valid certificate
// for the webhook Service and that the webhook configurations' caBundle is
// its CA; it returns the certificate.
func checkWebhookTrust(t *testing.T, ctx context.Context, cs kubernetes.Interface, ns, prefix string) WebhookCertificate {
	t.Helper()
	cert, found, err := ReadWebhookCertificate(ctx, cs, ns, prefix)
	if err != nil || !found {
		t.Fatalf("webhook secret: found %v, %v", found, err)
	}
	leaf, err := parseCertPEM(cert.Cert)
	if err != nil {
		t.Fatal(err)
	}
	if err := leaf.VerifyHostname(WebhookServiceName(prefix) + "." + ns + ".svc"); err != nil {
		t.Errorf("webhook certificate: %v", err)
	}
	mw, err := cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(ctx, prefix+"-webhook", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range mw.Webhooks {
		if string(w.ClientConfig.CABundle) != cert.CACert {
			t.Errorf("mutating webhook %s: caBundle is not the Secret's CA", w.Name)
		}
	}
	vw, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, prefix+"-webhook", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range vw.Webhooks {
		if string(w.ClientConfig.CABundle) != cert.CACert {
			t.Errorf("validating webhook %s: caBundle is not the Secret's CA", w.Name)
		}
	}
	return cert
}

// sameStatements reports whether two policies have the same statements,
// each normalized (iampolicy.Equivalent), in any order.
func sameStatements(t *testing.T, a, b iampolicy.Document) bool {
	t.Helper()
	set := func(d iampolicy.Document) []string {
		var out []string
		for _, s := range d.Normalized().Statement {
			j, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(j))
		}
		slices.Sort(out)
		return out
	}
	return a.Normalized().Version == b.Normalized().Version && slices.Equal(set(a), set(b))
}
