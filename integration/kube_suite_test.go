package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/irsa"
	"github.com/fargatekit/fargatekit/sdk/lbc"
	lbchelm "github.com/fargatekit/fargatekit/sdk/lbc/helm"
)

// The values a real cluster would give; the API server is local.
const (
	scenarioAccount = "123456789012"
	scenarioRegion  = "eu-west-1"
	scenarioCluster = "scenario"
	scenarioVpc     = "vpc-0123456789abcdef0"
	fargateRoleARN  = "arn:aws:iam::123456789012:role/scenario-pod-execution-role"
)

// eksAwsAuth is mapRoles as EKS writes it when it creates a Fargate profile.
const eksAwsAuth = `- groups:
  - system:bootstrappers
  - system:nodes
  - system:node-proxier
  rolearn: ` + fargateRoleARN + `
  username: system:node:{{SessionName}}
`

// TestKubeScenario runs authmap, irsa and lbc together on one real API server,
// in the order a fargate-alb deployment uses them: aws-auth as EKS left it is
// merged into by many writers at once; the controller's ServiceAccount gets
// its IRSA role and a real token proves the trust policy; the controller is
// installed with the Helm SDK from the values lbc renders; an app Ingress
// built with lbc's annotations is torn down before the controller, which
// clears its finalizer; and aws-auth still maps the Fargate role at the end.
// One namespace stands in for kube-system.
func TestKubeScenario(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	kubetest.Lock(t, cfg, kubetest.LockLBC) // it tears down a controller's Ingress in one namespace
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	authOpts := authmap.ConfigMapOptions{Namespace: ns}

	t.Run("aws-auth as EKS wrote it", func(t *testing.T) {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: authmap.DefaultName, Namespace: ns},
			Data: map[string]string{authmap.KeyMapRoles: eksAwsAuth}}
		if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	})

	const writers, perWriter = 32, 10
	roleARN := func(w, i int) string {
		return fmt.Sprintf("arn:aws:iam::%s:role/team-%02d-app-%02d", scenarioAccount, w, i)
	}
	t.Run("aws-auth concurrent writers", func(t *testing.T) {
		t0 := time.Now()
		attempts := runWriters(t, writers, func(w int) (int, error) {
			var m authmap.Mappings
			for i := range perWriter {
				m.Roles = append(m.Roles, authmap.RoleMapping{
					RoleARN: roleARN(w, i), Username: fmt.Sprintf("team-%02d:{{SessionName}}", w), Groups: []string{fmt.Sprintf("team-%02d", w)},
				})
			}
			res, err := authmap.Upsert(ctx, cs.CoreV1(), m, authOpts)
			return res.Attempts, err
		})
		got, cm, err := authmap.Read(ctx, cs.CoreV1(), authOpts)
		if err != nil {
			t.Fatal(err)
		}
		lost := 0
		for w := range writers {
			for i := range perWriter {
				if !hasRole(got, roleARN(w, i)) {
					lost++
				}
			}
		}
		t.Logf("aws-auth: writers=%d mappings=%d lost=%d conflicts retried=%d time=%s",
			writers, writers*perWriter, lost, attempts-writers, time.Since(t0).Round(time.Millisecond))
		if lost != 0 || len(got.Roles) != writers*perWriter+1 {
			t.Errorf("%d mappings lost, %d roles mapped", lost, len(got.Roles))
		}
		if !strings.HasPrefix(cm.Data[authmap.KeyMapRoles], eksAwsAuth) {
			t.Errorf("the entry EKS wrote was not kept byte for byte:\n%.400s", cm.Data[authmap.KeyMapRoles])
		}
	})

	t.Run("aws-auth concurrent removals", func(t *testing.T) {
		runWriters(t, writers/2, func(w int) (int, error) {
			var ids []string
			for i := range perWriter {
				p, err := authmap.PathlessRoleARN(roleARN(w, i))
				if err != nil {
					return 0, err
				}
				ids = append(ids, p)
			}
			res, err := authmap.RemoveFrom(ctx, cs.CoreV1(), ids, authOpts)
			return res.Attempts, err
		})
		got, _, err := authmap.Read(ctx, cs.CoreV1(), authOpts)
		if err != nil {
			t.Fatal(err)
		}
		for w := range writers {
			if want := w >= writers/2; hasRole(got, roleARN(w, 0)) != want {
				t.Errorf("team %d: mapped %v, want %v", w, !want, want)
			}
		}
		if !hasRole(got, fargateRoleARN) {
			t.Error("the Fargate pod-execution role mapping is gone")
		}
	})

	t.Run("aws-auth malformed content left alone", func(t *testing.T) {
		bad := map[string]string{authmap.KeyMapRoles: "- rolearn: arn:aws:iam::123456789012:role/x\n  username: [oops\n"}
		cmName := "aws-auth-malformed"
		cm, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: cmName, Namespace: ns}, Data: bad}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = authmap.Upsert(ctx, cs.CoreV1(), authmap.Mappings{Roles: []authmap.RoleMapping{{RoleARN: roleARN(99, 0), Username: "x"}}},
			authmap.ConfigMapOptions{Namespace: ns, Name: cmName})
		if err == nil {
			t.Fatal("malformed aws-auth accepted")
		}
		after, err2 := cs.CoreV1().ConfigMaps(ns).Get(ctx, cmName, metav1.GetOptions{})
		if err2 != nil {
			t.Fatal(err2)
		}
		if after.ResourceVersion != cm.ResourceVersion || !reflect.DeepEqual(after.Data, bad) {
			t.Errorf("malformed ConfigMap changed (error was %v)", err)
		}
	})

	controllerSA := irsa.ServiceAccount{Namespace: ns, Name: lbc.DefaultServiceAccount}
	controllerRole := "arn:aws:iam::" + scenarioAccount + ":role/scenario-lbc"
	t.Run("irsa for the controller, verified with a real token", func(t *testing.T) {
		providerARN, err := irsa.ProviderARNFromIssuer("aws", scenarioAccount, kubetest.Issuer(t, cfg))
		if err != nil {
			t.Fatal(err)
		}
		policy, err := irsa.TrustPolicy(providerARN, controllerSA)
		if err != nil {
			t.Fatal(err)
		}
		sa, err := irsa.AnnotateServiceAccount(ctx, cs, controllerSA, controllerRole, irsa.AnnotateOptions{RegionalSTSEndpoints: true})
		if err != nil {
			t.Fatal(err)
		}
		if sa.Annotations[irsa.AnnotationRoleARN] != controllerRole {
			t.Fatalf("annotations %v", sa.Annotations)
		}
		res, err := irsa.Verify(ctx, cs, controllerSA, policy, irsa.VerifyOptions{ProviderARN: providerARN})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Admitted || !res.SignatureVerified {
			t.Fatalf("controller token: admitted %v, signature verified %v, failures %v", res.Admitted, res.SignatureVerified, res.Failures)
		}
		// The default ServiceAccount of the same namespace may not assume it.
		res, err = irsa.Verify(ctx, cs, irsa.ServiceAccount{Namespace: ns, Name: "default"}, policy, irsa.VerifyOptions{ProviderARN: providerARN})
		if err != nil {
			t.Fatal(err)
		}
		if res.Admitted || !reflect.DeepEqual(res.FailedClaims(), []string{"sub"}) {
			t.Errorf("default SA: admitted %v, failed claims %v", res.Admitted, res.FailedClaims())
		}
	})

	values, err := lbc.Values(lbc.ValuesSpec{ClusterName: scenarioCluster, Region: scenarioRegion, VpcID: scenarioVpc,
		Settings: lbc.Settings{Fargate: true, ServiceAccountName: controllerSA.Name}})
	if err != nil {
		t.Fatal(err)
	}
	release := "lbc-scenario"
	t.Run("controller installed with the Helm SDK from lbc's values", func(t *testing.T) {
		rel, err := lbchelm.Install(ctx, cfg, lbchelm.Options{ReleaseName: release, Namespace: ns,
			Chart: lbc.ChartSource{Path: standInChart(t)}, Values: values, Timeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("release %s revision %d: %s", rel.Name, rel.Version, rel.Info.Status)
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, release, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pod := d.Spec.Template.Spec
		if pod.ServiceAccountName != controllerSA.Name {
			t.Errorf("controller runs as %q, want the IRSA ServiceAccount %q", pod.ServiceAccountName, controllerSA.Name)
		}
		args := strings.Join(pod.Containers[0].Args, " ")
		for _, want := range []string{"--cluster-name=" + scenarioCluster, "--aws-region=" + scenarioRegion, "--aws-vpc-id=" + scenarioVpc, "--default-target-type=ip"} {
			if !strings.Contains(args, want) {
				t.Errorf("controller args %q lack %q", args, want)
			}
		}
		sas, err := cs.CoreV1().ServiceAccounts(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(sas.Items) != 2 { // default and the IRSA one: the chart created none
			t.Errorf("%d ServiceAccounts; the chart must not create its own", len(sas.Items))
		}
	})

	class := ns + "-alb"
	t.Run("app Ingress with lbc's annotations, torn down before the controller", func(t *testing.T) {
		if _, err := cs.NetworkingV1().IngressClasses().Create(ctx, &networkingv1.IngressClass{
			ObjectMeta: metav1.ObjectMeta{Name: class}, Spec: networkingv1.IngressClassSpec{Controller: lbc.IngressController},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cs.NetworkingV1().IngressClasses().Delete(context.Background(), class, metav1.DeleteOptions{})
		})
		ns2 := kubetest.Namespace(t, cfg)
		if _, err := cs.CoreV1().Namespaces().Patch(ctx, ns2, types.MergePatchType,
			mergeLabels(t, lbc.NamespaceLabels()), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		delay := 30 * time.Second
		ann, err := lbc.IngressAnnotations{
			LoadBalancer: lbc.LoadBalancer{Fargate: true, Scheme: lbc.SchemeInternetFacing, DeregistrationDelay: &delay},
			ListenPorts:  []lbc.ListenPort{{Protocol: "HTTP", Port: 80}},
		}.Build()
		if err != nil {
			t.Fatal(err)
		}
		path := networkingv1.PathTypePrefix
		ing := &networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{Name: "game-2048", Annotations: ann, Finalizers: []string{lbc.IngressFinalizer}},
			Spec: networkingv1.IngressSpec{IngressClassName: &class, Rules: []networkingv1.IngressRule{{
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
					Path: "/", PathType: &path, Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
						Name: "game-2048", Port: networkingv1.ServiceBackendPort{Number: 80}}},
				}}}},
			}}},
		}
		if _, err := cs.NetworkingV1().Ingresses(ns2).Create(ctx, ing, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		managed, err := lbc.Managed(ctx, cfg, ns2)
		if err != nil || len(managed) != 1 {
			t.Fatalf("managed objects %v, %v", managed, err)
		}

		// The stand-in controller deletes the "ALB" and clears the finalizer,
		// which only works while it is still installed.
		clearedWhileInstalled := make(chan bool, 1)
		go func() {
			for ctx.Err() == nil {
				cur, err := cs.NetworkingV1().Ingresses(ns2).Get(ctx, ing.Name, metav1.GetOptions{})
				if err == nil && cur.DeletionTimestamp != nil {
					time.Sleep(500 * time.Millisecond) // deleting a load balancer takes a while
					_, statusErr := lbchelm.Status(cfg, release, ns)
					_, err := cs.NetworkingV1().Ingresses(ns2).Patch(ctx, ing.Name, types.MergePatchType,
						[]byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
					clearedWhileInstalled <- statusErr == nil && err == nil
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
		if err := lbc.Teardown(ctx, cfg, lbc.TeardownOptions{Namespaces: []string{ns2}, ReleaseName: release,
			ReleaseNamespace: ns, PollInterval: 200 * time.Millisecond, UninstallTimeout: time.Minute}); err != nil {
			t.Fatal(err)
		}
		select {
		case ok := <-clearedWhileInstalled:
			if !ok {
				t.Error("the Ingress's finalizer was cleared after the controller was gone")
			}
		case <-time.After(30 * time.Second): // the stand-in reports right after the patch Teardown waited for
			t.Error("teardown finished before the controller cleared the finalizer")
		}
		if _, err := cs.NetworkingV1().Ingresses(ns2).Get(ctx, ing.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("Ingress still there after teardown: %v", err)
		}
		// A run scoped to a namespace keeps the controller (it may serve
		// other namespaces); a cluster-wide one would also delete the other
		// tests' objects on this shared server, so the test uninstalls.
		if _, err := lbchelm.Status(cfg, release, ns); err != nil {
			t.Errorf("a namespace-scoped teardown uninstalled the controller: %v", err)
		}
		if err := lbc.Uninstall(ctx, cfg, lbc.UninstallOptions{ReleaseName: release, Namespace: ns, Wait: true, Timeout: time.Minute}); err != nil {
			t.Fatal(err)
		}
		if _, err := lbchelm.Status(cfg, release, ns); err == nil {
			t.Error("controller release still installed after the uninstall")
		}
	})

	t.Run("aws-auth still maps the Fargate role", func(t *testing.T) {
		got, _, err := authmap.Read(ctx, cs.CoreV1(), authOpts)
		if err != nil {
			t.Fatal(err)
		}
		want := authmap.FargateRoleMapping(fargateRoleARN)
		for _, r := range got.Roles {
			if strings.EqualFold(r.RoleARN, fargateRoleARN) {
				if r.Username != want.Username || !reflect.DeepEqual(r.Groups, want.Groups) {
					t.Errorf("Fargate mapping changed: %+v, want %+v", r, want)
				}
				return
			}
		}
		t.Error("the Fargate pod-execution role mapping is gone")
	})
}

// runWriters runs n writers at once and returns the sum of the attempts they
// report; any error fails the test.
func runWriters(t *testing.T, n int, write func(w int) (int, error)) int {
	t.Helper()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		attempts int
	)
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := write(w)
			mu.Lock()
			defer mu.Unlock()
			attempts += a
			if err != nil {
				t.Errorf("writer %d: %v", w, err)
			}
		}()
	}
	wg.Wait()
	return attempts
}

// hasRole reports whether m maps the role (compared as the authenticator does).
func hasRole(m authmap.Mappings, arn string) bool {
	want, err := authmap.PathlessRoleARN(arn)
	if err != nil {
		return false
	}
	for _, r := range m.Roles {
		if strings.EqualFold(r.RoleARN, want) {
			return true
		}
	}
	return false
}

func mergeLabels(t *testing.T, labels map[string]string) []byte {
	t.Helper()
	b, err := yaml.Marshal(map[string]any{"metadata": map[string]any{"labels": labels}})
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// standInChart writes a chart that stands in for aws-load-balancer-controller:
// a Deployment that runs as the values' ServiceAccount with the controller's
// flags from the values, and no ServiceAccount of its own when
// serviceAccount.create is false. (The test server has no nodes, so nothing
// runs; the objects are what is checked.)
func standInChart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "aws-load-balancer-controller")
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: aws-load-balancer-controller\nversion: 3.5.0\nappVersion: v3.5.0\n",
		"values.yaml": "clusterName: \"\"\nregion: \"\"\nvpcId: \"\"\ndefaultTargetType: instance\nserviceAccount:\n  create: true\n  name: \"\"\n",
		"templates/serviceaccount.yaml": `{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}
{{- end }}
`,
		"templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount | default 1 }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      serviceAccountName: {{ .Values.serviceAccount.name | default .Release.Name }}
      containers:
      - name: controller
        image: {{ .Values.image.repository }}:{{ .Values.image.tag }}
        args:
        - --cluster-name={{ .Values.clusterName }}
        - --aws-region={{ .Values.region }}
        - --aws-vpc-id={{ .Values.vpcId }}
        - --default-target-type={{ .Values.defaultTargetType }}
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
