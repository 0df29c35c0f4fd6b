package helm

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/lbcref/eksref"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// rowName is a DNS label naming a row's test objects, e.g. lbc-3-5-0.
func rowName(r lbc.Release) string { return "lbc-" + strings.ReplaceAll(r.Chart, ".", "-") }

// rowValues are the values a row is installed with in the tests: the
// renderer's, plus a nameOverride and an ingressClass of the row's own, so
// that the rows' cluster-scoped objects (ClusterRole, webhook
// configurations, IngressClass) do not collide when installed side by side.
func rowValues(t *testing.T, r lbc.Release) map[string]any {
	t.Helper()
	spec := lbc.ValuesSpec{ClusterName: "demo", Region: "eu-west-1", VpcID: "vpc-0123456789abcdef0", Settings: lbc.Settings{
		Fargate: true, DefaultTags: map[string]string{"team": "web"}, Version: r.Version}}
	spec.ExtraValues = map[string]any{"nameOverride": rowName(r), "ingressClass": rowName(r)}
	vals, err := lbc.Values(spec)
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

// TestRealChartsTemplate renders the real archive of every row client-side
// (Template) with the renderer's values and a webhook certificate, and
// checks what the chart makes of them: the Deployment's args carry the
// cluster name, region, VPC and ip target type, its image is the row's, the
// webhook Secret holds the given certificate and every webhook trusts its CA
// (so passing webhookTLS keeps the certificate on every row, 3.0.0 included).
func TestRealChartsTemplate(t *testing.T) {
	eksref.Ref("").Require(t)
	cert, err := lbc.NewWebhookCertificate("kube-system", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range lbc.Releases() {
		vals := rowValues(t, r)
		vals["webhookTLS"] = cert.Values()
		manifest, err := Template(context.Background(), Options{ReleaseName: rowName(r), Chart: lbc.ChartSource{Path: eksref.Ref("").Chart(t, r.Chart), Version: r.Chart}, Values: vals})
		if err != nil {
			t.Fatalf("%s: %v", r.Version, err)
		}
		var deps, secrets, webhooks int
		serviceMutator := ""
		for _, doc := range strings.Split(manifest, "\n---") {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("%s: %v", r.Version, err)
			}
			u := unstructured.Unstructured{Object: obj}
			switch u.GetKind() {
			case "Deployment":
				deps++
				var d appsv1.Deployment
				if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, &d); err != nil {
					t.Fatal(err)
				}
				checkControllerContainer(t, r, vals, d.Spec.Template.Spec.Containers[0])
			case "Secret":
				secrets++
				data, _, _ := unstructured.NestedStringMap(obj, "data")
				for k, want := range map[string]string{"ca.crt": cert.CACert, "tls.crt": cert.Cert, "tls.key": cert.Key} {
					if got, _ := base64.StdEncoding.DecodeString(data[k]); string(got) != want {
						t.Errorf("%s: webhook Secret %s is not the given certificate", r.Version, k)
					}
				}
			case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration":
				hooks, _, _ := unstructured.NestedSlice(obj, "webhooks")
				for _, h := range hooks {
					webhooks++
					if name, _, _ := unstructured.NestedString(h.(map[string]any), "name"); name == lbc.ServiceMutatorWebhookName {
						serviceMutator, _, _ = unstructured.NestedString(h.(map[string]any), "failurePolicy")
					}
					ca, _, _ := unstructured.NestedString(h.(map[string]any), "clientConfig", "caBundle")
					if got, _ := base64.StdEncoding.DecodeString(ca); string(got) != cert.CACert {
						t.Errorf("%s: a webhook does not trust the given CA", r.Version)
					}
				}
			}
		}
		if deps != 1 || secrets != 1 || webhooks < 4 {
			t.Errorf("%s: rendered %d Deployments, %d Secrets, %d webhooks", r.Version, deps, secrets, webhooks)
		}
		// The package documentation's claim: the service mutator refuses
		// Services while the controller is down, on every row.
		if serviceMutator != "Fail" {
			t.Errorf("%s: service mutator webhook failurePolicy %q, want Fail", r.Version, serviceMutator)
		}
	}
}

// cleanupRelease uninstalls a test release when the test ends and deletes
// the cluster-scoped objects its chart makes (webhook configurations,
// IngressClass, ClusterRole and binding, all named after name) even when the
// uninstall fails: a webhook configuration left behind would refuse every
// Service created on the shared test server.
func cleanupRelease(t *testing.T, cfg *rest.Config, name, ns string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := lbc.Uninstall(ctx, cfg, lbc.UninstallOptions{ReleaseName: name, Namespace: ns}); err != nil {
			t.Error(err)
		}
		cs := kubernetes.NewForConfigOrDie(cfg)
		del := metav1.DeleteOptions{}
		for _, err := range []error{
			cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Delete(ctx, name+"-webhook", del),
			cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(ctx, name+"-webhook", del),
			cs.NetworkingV1().IngressClasses().Delete(ctx, name, del),
			cs.RbacV1().ClusterRoles().Delete(ctx, name+"-role", del),
			cs.RbacV1().ClusterRoleBindings().Delete(ctx, name+"-rolebinding", del),
		} {
			if err != nil && !apierrors.IsNotFound(err) {
				t.Error(err)
			}
		}
	})
}

// checkControllerContainer checks the controller container the chart rendered.
func checkControllerContainer(t *testing.T, r lbc.Release, vals map[string]any, c corev1.Container) {
	t.Helper()
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
func checkWebhookTrust(t *testing.T, ctx context.Context, cs kubernetes.Interface, ns, prefix string) lbc.WebhookCertificate {
	t.Helper()
	cert, found, err := lbc.ReadWebhookCertificate(ctx, cs, ns, prefix)
	if err != nil || !found {
		t.Fatalf("webhook secret: found %v, %v", found, err)
	}
	leaf, err := cert.Leaf()
	if err != nil {
		t.Fatal(err)
	}
	if err := leaf.VerifyHostname(lbc.WebhookServiceName(prefix) + "." + ns + ".svc"); err != nil {
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
