package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/irsa"
)

const irsaProviderARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

func TestIRSATrustPolicyCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"exact", []string{"--provider-arn", irsaProviderARN, "--sa", "kube-system/aws-load-balancer-controller", "--sa", "apps/web"}, 0,
			[]string{`"StringEquals": {`, `"system:serviceaccount:kube-system:aws-load-balancer-controller",`, `"system:serviceaccount:apps:web"`}},
		{"wildcard", []string{"--provider-arn", irsaProviderARN, "--sa", "ci/runner-*"}, 0,
			[]string{`"StringLike": {`, `"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"`}},
		{"cross-namespace refused", []string{"--provider-arn", irsaProviderARN, "--sa", "team-*/deployer"}, 2, []string{"--sa: ", "wildcard spans namespaces", "--allow-cross-namespace-wildcard"}},
		{"cross-namespace allowed", []string{"--provider-arn", irsaProviderARN, "--sa", "team-*/deployer", "--allow-cross-namespace-wildcard"}, 0,
			[]string{`"system:serviceaccount:team-*:deployer"`}},
		{"no provider", []string{"--sa", "a/b"}, 2, []string{"--provider-arn: required"}},
		{"bad provider", []string{"--provider-arn", "arn:aws:iam::123456789012:role/x", "--sa", "a/b"}, 2, []string{"--provider-arn: ", "invalid OIDC provider ARN"}},
		{"no sa", []string{"--provider-arn", irsaProviderARN}, 2, []string{"--sa: required"}},
		{"bad sa", []string{"--provider-arn", irsaProviderARN, "--sa", "a"}, 2, []string{"--sa: ", "want namespace/name"}},
		{"positional", []string{"--provider-arn", irsaProviderARN, "--sa", "a/b", "extra"}, 2, []string{"unexpected arguments"}},
		{"over the quota", []string{"--provider-arn", irsaProviderARN, "--sa", "a/b", "--max-size", "100"}, 1, []string{"ACLSizePerRole"}},
		{"quota above IAM's limit", []string{"--provider-arn", irsaProviderARN, "--sa", "a/b", "--max-size", "9999"}, 2, []string{"--max-size: ", "quota"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, nil, append([]string{"irsa", "trust-policy"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, out, errs)
			}
			for _, c := range tt.contains {
				if !strings.Contains(out+errs, c) {
					t.Errorf("output lacks %s:\n%s%s", c, out, errs)
				}
			}
			if strings.Contains(errs, "usage:") {
				t.Errorf("error labelled usage: %s", errs)
			}
			if code != 0 {
				return
			}
			// The printed policy is the renderer's, indented.
			doc, err := iampolicy.Parse([]byte(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(); err != nil || !strings.HasPrefix(out, "{\n  \"Version\"") {
				t.Errorf("%v\n%s", err, out)
			}
		})
	}
	if code, _, errs := runCLI(t, nil, "irsa"); code != 2 || !strings.Contains(errs, "subcommand") || strings.Contains(errs, "usage:") {
		t.Errorf("bare irsa: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, nil, "irsa", "nope"); code != 2 || !strings.Contains(errs, "unknown irsa subcommand") {
		t.Errorf("unknown subcommand: %d %s", code, errs)
	}
}

func TestIRSAVerifyCommandRealServer(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	issuer := kubetest.Issuer(t, cfg)
	kubeconfig := kubetest.KubeconfigFile(t, cfg)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	app := irsa.ServiceAccount{Namespace: ns, Name: "app"}
	if _, err := irsa.AnnotateServiceAccount(ctx, cs, app, "arn:aws:iam::123456789012:role/app", irsa.AnnotateOptions{}); err != nil {
		t.Fatal(err)
	}
	providerARN, err := irsa.ProviderARNFromIssuer("aws", "123456789012", issuer)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writePolicy := func(name string, accounts ...irsa.ServiceAccount) string {
		p, err := irsa.TrustPolicy(providerARN, accounts...)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "bare"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	admits := writePolicy("admits.json", app)
	failsSub := writePolicy("fails-sub.json", irsa.ServiceAccount{Namespace: ns, Name: "other"})
	dead, good := deadCurrentContext(t, kubeconfig)

	tests := []struct {
		name     string
		environ  map[string]string
		args     []string
		code     int
		contains []string
	}{
		{"admits", nil, []string{"--policy-file", admits, "--sa", app.String(), "--kubeconfig", kubeconfig, "--provider-arn", providerARN}, 0,
			[]string{"trust           ok      admitted: statement 0", "oidc-provider   skipped", "annotation      ok      eks.amazonaws.com/role-arn = arn:aws:iam::123456789012:role/app"}},
		{"kubeconfig from $KUBECONFIG", map[string]string{"KUBECONFIG": kubeconfig}, []string{"--policy-file", admits, "--sa", app.String(), "--skip-signature"}, 0,
			[]string{"admitted"}},
		{"fails on sub", nil, []string{"--policy-file", failsSub, "--sa", app.String(), "--kubeconfig", kubeconfig}, 1,
			[]string{"not admitted", "condition StringEquals " + strings.TrimPrefix(issuer, "https://") + ":sub", "trust link broken"}},
		{"missing account", nil, []string{"--policy-file", admits, "--sa", ns + "/missing", "--kubeconfig", kubeconfig}, 1,
			[]string{"service-account link broken", "does not exist"}},
		{"no annotation", nil, []string{"--policy-file", admits, "--sa", ns + "/bare", "--kubeconfig", kubeconfig}, 1,
			[]string{"annotation link broken", "no eks.amazonaws.com/role-arn annotation"}},
		{"dead current context", nil, []string{"--policy-file", admits, "--sa", app.String(), "--kubeconfig", dead, "--skip-signature"}, 1,
			[]string{"127.0.0.1:1"}},
		{"--context", nil, []string{"--policy-file", admits, "--sa", app.String(), "--kubeconfig", dead, "--context", good, "--skip-signature"}, 0,
			[]string{"admitted"}},
		{"both sources", nil, []string{"--policy-file", admits, "--role-arn", "arn:aws:iam::123456789012:role/x", "--sa", "a/b"}, 2, []string{"--policy-file: conflicts with --role-arn"}},
		{"assume offline", nil, []string{"--policy-file", admits, "--assume", "--sa", "a/b"}, 2, []string{"--assume: "}},
		{"no sa", nil, []string{"--policy-file", admits}, 2, []string{"--sa: required"}},
		{"missing file", nil, []string{"--policy-file", filepath.Join(dir, "nope.json"), "--sa", "a/b"}, 1, []string{"nope.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.environ, append([]string{"irsa", "verify"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, out, errs)
			}
			if strings.Contains(errs, "usage:") {
				t.Errorf("error labelled usage: %s", errs)
			}
			for _, c := range tt.contains {
				if !strings.Contains(out+errs, c) {
					t.Errorf("output lacks %q:\n%s%s", c, out, errs)
				}
			}
		})
	}
}

// The role path never guesses a region: with none configured it stops
// before any AWS call.
func TestIRSAVerifyRoleNeedsRegion(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	code, _, errs := runCLI(t, nil, "irsa", "verify", "--role-arn", "arn:aws:iam::123456789012:role/x", "--sa", "a/b")
	if code != 2 || !strings.Contains(errs, "no AWS region") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

// irsa verify with AWS (moto's IAM through the real client) and the real API
// server names each broken link; irsa create makes a chain that verifies.
func TestIRSAVerifyAndCreateCommandsMoto(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	issuer := kubetest.Issuer(t, cfg)
	kc := kubetest.KubeconfigFile(t, cfg)
	moto := mototest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ic := iam.NewFromConfig(moto.Config("eu-west-1"))
	prov, err := irsa.EnsureOIDCProvider(ctx, ic, irsa.OIDCProviderSpec{IssuerURL: issuer, Thumbprints: []string{strings.Repeat("a", 40)}}, irsa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	policy, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("reports"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	policyARN := aws.ToString(policy.Policy.Arn)
	environ := isolatedAWSEnv(t, envCreds)
	for k, v := range envCreds {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ENDPOINT_URL", moto.URL)
	environ["AWS_REGION"] = "eu-west-1"

	// create: role, trust, attachment, annotated ServiceAccount; then nothing.
	create := []string{"irsa", "create", "--provider-arn", prov.ARN, "--kubeconfig", kc, "--namespace", ns, "--name", "writer", "--attach-policy-arn", policyARN}
	code, out, errs := runCLI(t, environ, create...)
	role := "arn:aws:iam::123456789012:role/irsa-" + ns + "-writer"
	if code != 0 || !strings.Contains(out, "role "+role+" created") || !strings.Contains(out, "AttachRolePolicy "+policyARN) {
		t.Fatalf("create: %d\n%s%s", code, out, errs)
	}
	if code, out, errs = runCLI(t, environ, create...); code != 0 || !strings.Contains(out, "up to date (0 changes)") {
		t.Fatalf("second create: %d\n%s%s", code, out, errs)
	}
	// --cluster: the provider ARN from the EKS cluster's issuer (moto's EKS).
	ec := eks.NewFromConfig(moto.Config("eu-west-1"))
	cl, err := ec.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("demo"), RoleArn: aws.String("arn:aws:iam::123456789012:role/cluster"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}}})
	if err != nil {
		t.Fatal(err)
	}
	wantProvider, _ := irsa.ProviderARNFromIssuer("aws", "123456789012", aws.ToString(cl.Cluster.Identity.Oidc.Issuer))
	if code, out, errs = runCLI(t, environ, "irsa", "create", "--cluster", "demo", "--kubeconfig", kc, "--namespace", ns, "--name", "other"); code != 0 {
		t.Fatalf("create --cluster: %d\n%s%s", code, out, errs)
	}
	trust, err := irsa.GetTrustPolicy(ctx, ic, "irsa-"+ns+"-other")
	if err != nil || !strings.Contains(trust, wantProvider) {
		t.Fatalf("trust of the --cluster role names not %s: %s %v", wantProvider, trust, err)
	}
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "bare"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"whole chain", []string{"--sa", ns + "/writer"}, 0, []string{"client-id       ok      provider accepts client ID sts.amazonaws.com", "role            ok"}},
		{"expected role", []string{"--sa", ns + "/writer", "--role-arn", role}, 0, []string{"annotation      ok"}},
		{"and STS (moto's) grants it", []string{"--sa", ns + "/writer", "--assume"}, 0, []string{"assume-role     ok      STS granted sts:AssumeRoleWithWebIdentity"}},
		{"another role's annotation", []string{"--sa", ns + "/writer", "--role-arn", "arn:aws:iam::123456789012:role/irsa-" + ns + "-other"}, 1,
			[]string{"annotation link broken", "pods assume the other role"}},
		{"no annotation", []string{"--sa", ns + "/bare"}, 1, []string{"annotation link broken"}},
		// other's trust names the EKS cluster's provider, not the test server's issuer.
		{"trust of another issuer", []string{"--sa", ns + "/other"}, 1, []string{"trust link broken", "Principal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, environ, append([]string{"irsa", "verify", "--kubeconfig", kc}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, out, errs)
			}
			for _, c := range tt.contains {
				if !strings.Contains(out+errs, c) {
					t.Errorf("output lacks %q:\n%s%s", c, out, errs)
				}
			}
		})
	}
	// The provider loses sts.amazonaws.com (made again without it: moto
	// lacks RemoveClientIDFromOpenIDConnectProvider), then goes.
	if err := irsa.DeleteOIDCProvider(ctx, ic, prov.ARN, irsa.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"other"},
		ThumbprintList: []string{strings.Repeat("a", 40)}}); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, environ, "irsa", "verify", "--kubeconfig", kc, "--sa", ns+"/writer"); code != 1 || !strings.Contains(errs, "client-id link broken") {
		t.Fatalf("client ID: %d\n%s%s", code, out, errs)
	}
	if err := irsa.DeleteOIDCProvider(ctx, ic, prov.ARN, irsa.Options{}); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, environ, "irsa", "verify", "--kubeconfig", kc, "--sa", ns+"/writer"); code != 1 || !strings.Contains(errs, "oidc-provider link broken") {
		t.Fatalf("provider: %d\n%s%s", code, out, errs)
	}
	// Flags named in refusals.
	if code, _, errs := runCLI(t, environ, "irsa", "create", "--kubeconfig", kc); code != 2 || !strings.Contains(errs, "--namespace: is required") ||
		!strings.Contains(errs, "--name: is required") || !strings.Contains(errs, "--cluster: is required") {
		t.Errorf("missing flags: %d %s", code, errs)
	}
	if code, out, errs := runCLI(t, environ, "irsa", "create", "-h"); code != 0 || !strings.Contains(out+errs, "examples:") {
		t.Errorf("help: %d %s%s", code, out, errs)
	}
}
