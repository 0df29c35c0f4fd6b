package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/internal/localkube"
	"github.com/fargatekit/fargatekit/internal/textout"
	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"github.com/fargatekit/fargatekit/sdk/irsa"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// Demo values, labelled as such wherever they are printed: the demo needs no
// AWS account, so the account, the region and the credentials are made up.
const (
	demoAccount = "123456789012"
	demoRegion  = "us-west-2"
	// demoAccessKey and demoSecretKey are AWS's documentation example keys.
	demoAccessKey = "AKIAIOSFODNN7EXAMPLE"
	demoSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	demoCluster   = "fargatekit-demo"
	// serverStartTimeout bounds integration/kube/up.sh (a cold run builds kube-apiserver).
	serverStartTimeout = 15 * time.Minute
	// envTestKubeconfig is where integration/kube/up.sh's kubeconfig may be named.
	envTestKubeconfig = "FARGATEKIT_TEST_KUBECONFIG"
)

// demo prints the demo; every step writes to w.
type demo struct {
	w       io.Writer
	e       *env
	started time.Time
	// stop, when not nil, stops the API server the demo started for itself.
	stop func()
}

// stopServer stops the demo's own API server, if it started one (once).
func (d *demo) stopServer() {
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}

func (d *demo) title(s string) {
	fmt.Fprintf(d.w, "\n%s\n%s\n", s, strings.Repeat("═", len([]rune(s))))
}

func (d *demo) step(s string) { fmt.Fprintf(d.w, "\n▶ %s\n", s) }

func (d *demo) say(format string, a ...any) { fmt.Fprintf(d.w, "  "+format+"\n", a...) }

// runDemo is part 2 of `make demo` (part 1, the offline plan, is
// cmd/fargatekit-plan --demo, because it links Pulumi): the SDK against a
// local Kubernetes API server: an EKS token minted natively, aws-auth merged
// by concurrent writers, and an IRSA ServiceAccount verified against a real
// token. The server steps need the local server (integration/kube/up.sh) and
// are skipped, with the reason, when it cannot start.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "demo")
	kubeconfig := fs.String("kubeconfig", "", "API server for part 2 (default: $"+envTestKubeconfig+", else the local one integration/kube/up.sh starts)")
	offline := fs.Bool("offline", false, "run the token step only; start no server")
	keep := fs.Bool("keep-server", false, "start (or reuse) the shared local server and leave it running (default: a server of the demo's own, stopped at the end)")
	writers := fs.Int("writers", 16, "concurrent aws-auth writers")
	perWriter := fs.Int("mappings", 10, "role mappings each writer adds")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *writers < 1 || *perWriter < 1 {
		return fmt.Errorf("%w: --writers and --mappings must be at least 1", cli.ErrUsage)
	}
	d := &demo{w: e.stdout, e: e, started: time.Now()}
	d.title("Part 2 — the SDK, live: an EKS token, then a real Kubernetes API server")
	d.say("(part 1, the offline plan, needs Pulumi and is its own command: `go run ./cmd/fargatekit-plan --demo`; `make demo` runs both)")
	if err := d.token(ctx); err != nil {
		return err
	}
	if *offline {
		d.say("(--offline: no API server started; the aws-auth and IRSA steps need one)")
		return d.done()
	}
	cfg, where, why := d.server(ctx, *kubeconfig, *keep)
	defer d.stopServer() // on the error paths; done() stops it first otherwise
	if cfg == nil {
		d.say("The aws-auth and IRSA steps are skipped: %s", why)
		d.say("(start it by hand with `bash integration/kube/up.sh`, or pass --kubeconfig)")
		return d.done()
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("demo: clientset: %w", err)
	}
	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		d.say("The aws-auth and IRSA steps are skipped: the API server at %s does not answer: %v", cfg.Host, err)
		return d.done()
	}
	d.say("API server %s (Kubernetes %s), kubeconfig %s", cfg.Host, v.GitVersion, where)
	ns, err := d.namespace(ctx, cs)
	if err != nil {
		return err
	}
	defer func() {
		// Without a controller manager the namespace then stays Terminating;
		// its objects are gone from every list that matters.
		_ = cs.CoreV1().Namespaces().Delete(context.WithoutCancel(ctx), ns, metav1.DeleteOptions{})
	}()
	if err := d.awsAuth(ctx, cs, ns, *writers, *perWriter); err != nil {
		return err
	}
	if err := d.irsa(ctx, cs, ns); err != nil {
		return err
	}
	return d.done()
}

func (d *demo) done() error {
	d.stopServer()
	fmt.Fprintf(d.w, "\nDemo finished in %s.\n", time.Since(d.started).Round(100*time.Millisecond))
	return nil
}

// token mints an EKS token with fake static credentials: presigning is
// local, so no network is needed, and the token is checked the way EKS's
// authenticator checks it before calling STS.
func (d *demo) token(ctx context.Context) error {
	d.step(fmt.Sprintf("EKS token minted natively (fake credentials %s…, demo region %s, cluster %s)", demoAccessKey[:8], demoRegion, demoCluster))
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: demoAccessKey, SecretAccessKey: demoSecretKey, Source: "fargatekit demo (fake)"}, nil
	})
	t0 := time.Now()
	tok, err := kubeauth.GetToken(ctx, kubeauth.TokenOptions{ClusterName: demoCluster, Region: demoRegion, Credentials: creds})
	took := time.Since(t0)
	if err != nil {
		return fmt.Errorf("demo: EKS token: %w", err)
	}
	u, err := ekstoken.ParseToken(tok.Value)
	if err != nil {
		return fmt.Errorf("demo: the minted token does not parse: %w", err)
	}
	q := u.Query()
	d.say("token      %s… (%d characters), minted in %s without network", tok.Value[:32], len(tok.Value), took.Round(time.Microsecond))
	d.say("decodes to a presigned https://%s%s?Action=%s", u.Host, u.Path, q.Get("Action"))
	d.say("           X-Amz-Expires=%s  X-Amz-SignedHeaders=%s", q.Get("X-Amz-Expires"), q.Get("X-Amz-SignedHeaders"))
	d.say("expires    %s (clients refresh before then)", tok.Expiration.UTC().Format(time.RFC3339))
	var cred map[string]any
	if err := json.Unmarshal(ekstoken.MarshalExecCredential(tok, kubeauth.ExecAPIVersion), &cred); err != nil {
		return fmt.Errorf("demo: ExecCredential: %w", err)
	}
	if status, ok := cred["status"].(map[string]any); ok {
		status["token"] = tok.Value[:24] + "…"
	}
	b, _ := json.MarshalIndent(cred, "", "  ")
	d.say("as `fargatekit token` prints it for kubectl (token shortened):")
	io.WriteString(d.w, textout.Indent(string(b)+"\n", "    "))
	return nil
}

// server returns a client config for part 2: --kubeconfig, else
// $FARGATEKIT_TEST_KUBECONFIG, else the local server integration/kube/up.sh
// starts (or reuses). On failure it returns nil and why.
func (d *demo) server(ctx context.Context, kubeconfig string, keep bool) (*rest.Config, string, string) {
	if kubeconfig == "" {
		kubeconfig = d.e.getenv(envTestKubeconfig)
	}
	if kubeconfig == "" {
		root, err := localkube.RepoRoot()
		if err != nil {
			return nil, "", fmt.Sprintf("no --kubeconfig and %v (run the demo from the repository, e.g. `make demo`)", err)
		}
		d.step("Starting the local API server (integration/kube/up.sh: kube-apiserver + etcd on 127.0.0.1)")
		kubeconfig, err = d.up(ctx, root, keep)
		if err != nil {
			return nil, "", err.Error()
		}
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, "", fmt.Sprintf("kubeconfig %s: %v", kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 200, 400 // a local server, and many writers
	cfg.Timeout = 30 * time.Second
	return cfg, kubeconfig, ""
}

// up runs integration/kube/up.sh (internal/localkube), showing its
// progress, and returns the kubeconfig path it prints.
//
// With keep, it is the shared server of the checkout (localkube.StateDir),
// reused when running and left running. Otherwise the demo starts a server of
// its own, in a state directory of its own, and stops it when it ends.
func (d *demo) up(ctx context.Context, root string, keep bool) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, serverStartTimeout)
	defer cancel()
	state := localkube.StateDir(root)
	if !keep {
		cache := filepath.Join(root, "integration", "kube", ".cache")
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return "", fmt.Errorf("the local API server could not start: %w", err)
		}
		dir, err := os.MkdirTemp(cache, "demo.")
		if err != nil {
			return "", fmt.Errorf("the local API server could not start: %w", err)
		}
		state = dir
		d.stop = func() {
			stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if err := localkube.Down(stopCtx, root, dir); err != nil {
				d.say("could not stop the demo's API server: %v (stop it with `bash integration/kube/down.sh %s`)", err, dir)
				return
			}
			_ = os.RemoveAll(dir)
			d.say("stopped the demo's API server (kube-apiserver and etcd; --keep-server leaves one running)")
		}
	}
	t0 := time.Now()
	path, err := localkube.UpIn(ctx, root, state, func(line string) {
		fmt.Fprintf(d.w, "    │ %5.1fs %s\n", time.Since(t0).Seconds(), line)
	})
	if err != nil {
		d.stopServer() // up.sh stops what it started on failure; this removes the directory
		return "", fmt.Errorf("the local API server could not start: %w", err)
	}
	d.say("ready in %s", time.Since(t0).Round(100*time.Millisecond))
	return path, nil
}

// namespace creates the demo's own namespace, so that the demo never touches
// what tests or people keep on the same server.
func (d *demo) namespace(ctx context.Context, cs kubernetes.Interface) (string, error) {
	name := fmt.Sprintf("fargatekit-demo-%06x", rand.IntN(1<<24))
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/managed-by": "fargatekit-demo"}}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return "", fmt.Errorf("demo: creating namespace %s: %w", name, err)
	}
	d.say("working in namespace %s (its own aws-auth ConfigMap stands in for kube-system/aws-auth)", name)
	return name, nil
}

// eksAwsAuth is aws-auth as EKS writes it when a Fargate profile is created.
const eksAwsAuth = `- groups:
  - system:bootstrappers
  - system:nodes
  - system:node-proxier
  rolearn: arn:aws:iam::123456789012:role/demo-pod-execution-role
  username: system:node:{{SessionName}}
`

// awsAuth merges writers×perWriter role mappings into one aws-auth ConfigMap
// concurrently, then checks that none was lost and that the entry EKS wrote
// is still there byte for byte.
func (d *demo) awsAuth(ctx context.Context, cs kubernetes.Interface, ns string, writers, perWriter int) error {
	d.step(fmt.Sprintf("aws-auth merged by %d concurrent writers, each upserting %d role mappings (authmap.Upsert, optimistic concurrency)", writers, perWriter))
	opts := authmap.ConfigMapOptions{Namespace: ns}
	seed := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: authmap.DefaultName, Namespace: ns},
		Data: map[string]string{authmap.KeyMapRoles: eksAwsAuth}}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, seed, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("demo: seeding aws-auth: %w", err)
	}
	d.say("seeded with the Fargate pod-execution role mapping, as EKS writes it")

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		attempts int
		errs     []error
	)
	t0 := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m authmap.Mappings
			for i := range perWriter {
				m.Roles = append(m.Roles, authmap.RoleMapping{
					RoleARN:  fmt.Sprintf("arn:aws:iam::%s:role/team-%02d-app-%02d", demoAccount, w, i),
					Username: fmt.Sprintf("team-%02d:app-%02d", w, i),
					Groups:   []string{fmt.Sprintf("team-%02d", w)},
				})
			}
			res, err := authmap.Upsert(ctx, cs.CoreV1(), m, opts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else {
				attempts += res.Attempts
			}
		}()
	}
	wg.Wait()
	took := time.Since(t0)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("demo: concurrent aws-auth writers: %w", err)
	}

	got, cm, err := authmap.Read(ctx, cs.CoreV1(), opts)
	if err != nil {
		return fmt.Errorf("demo: reading aws-auth back: %w", err)
	}
	present := map[string]bool{}
	for _, r := range got.Roles {
		present[strings.ToLower(r.RoleARN)] = true
	}
	lost := 0
	for w := range writers {
		for i := range perWriter {
			if !present[strings.ToLower(fmt.Sprintf("arn:aws:iam::%s:role/team-%02d-app-%02d", demoAccount, w, i))] {
				lost++
			}
		}
	}
	kept := strings.HasPrefix(cm.Data[authmap.KeyMapRoles], eksAwsAuth)
	total := writers * perWriter
	d.say("writers=%d  mappings=%d  present=%d  lost=%d  conflicts retried=%d  time=%s",
		writers, total, total-lost, lost, attempts-writers, took.Round(time.Millisecond))
	d.say("Fargate pod-execution role mapping kept byte for byte: %v; aws-auth now maps %d roles", kept, len(got.Roles))
	lines := strings.SplitAfter(cm.Data[authmap.KeyMapRoles], "\n")
	d.say("mapRoles begins:")
	io.WriteString(d.w, textout.Indent(strings.Join(lines[:min(len(lines), 12)], ""), "    "))
	d.say("  … (%d lines)", len(lines))
	if lost > 0 || !kept {
		return fmt.Errorf("demo: aws-auth lost %d mappings (EKS entry kept: %v)", lost, kept)
	}
	return nil
}

// irsa annotates a ServiceAccount for an IAM role and verifies, with a token
// the API server issues for it, that the role's trust policy admits it — and
// that it refuses another service account.
func (d *demo) irsa(ctx context.Context, cs kubernetes.Interface, ns string) error {
	d.step("IRSA: a ServiceAccount annotated for a role, verified against a real projected token")
	raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/.well-known/openid-configuration").DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("demo: OIDC discovery: %w", err)
	}
	var disc struct {
		Issuer string `json:"issuer"`
	}
	if err := json.Unmarshal(raw, &disc); err != nil || disc.Issuer == "" {
		return fmt.Errorf("demo: OIDC discovery document has no issuer (%v)", err)
	}
	providerARN, err := irsa.ProviderARNFromIssuer("aws", demoAccount, disc.Issuer)
	if err != nil {
		return fmt.Errorf("demo: provider ARN of %s: %w", disc.Issuer, err)
	}
	reader := irsa.ServiceAccount{Namespace: ns, Name: "s3-reader"}
	policy, err := irsa.TrustPolicy(providerARN, reader)
	if err != nil {
		return fmt.Errorf("demo: trust policy: %w", err)
	}
	roleARN := fmt.Sprintf("arn:aws:iam::%s:role/demo-s3-reader", demoAccount)
	d.say("issuer       %s (the local server's, as an IAM OIDC provider in demo account %s)", disc.Issuer, demoAccount)
	d.say("trust policy admits %s only (irsa.TrustPolicy):", reader.Subject())
	textout.Policy(d.w, policy)

	sa, err := irsa.AnnotateServiceAccount(ctx, cs, reader, roleARN, irsa.AnnotateOptions{RegionalSTSEndpoints: true})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.say("annotated    %s/%s  %s=%s", sa.Namespace, sa.Name, irsa.AnnotationRoleARN, sa.Annotations[irsa.AnnotationRoleARN])

	res, err := irsa.Verify(ctx, cs, reader, policy, irsa.VerifyOptions{ProviderARN: providerARN})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.say("token        iss=%s sub=%s aud=%v, signature verified against /openid/v1/jwks: %v",
		res.Claims.Issuer, res.Claims.Subject, res.Claims.Audience, res.SignatureVerified)
	d.say("verdict      admitted=%v (statement %d)", res.Admitted, res.Statement)
	if !res.Admitted {
		return fmt.Errorf("demo: the trust policy refused its own service account: %v", res.Failures)
	}

	other := irsa.ServiceAccount{Namespace: ns, Name: "intruder"}
	if _, err := irsa.AnnotateServiceAccount(ctx, cs, other, roleARN, irsa.AnnotateOptions{}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	res, err = irsa.Verify(ctx, cs, other, policy, irsa.VerifyOptions{ProviderARN: providerARN})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.say("and %s, annotated with the same role: admitted=%v, failing claims %v", other.Subject(), res.Admitted, res.FailedClaims())
	for _, f := range res.Failures {
		d.say("  %s", f)
	}
	if res.Admitted {
		return errors.New("demo: the trust policy admitted another service account")
	}
	return nil
}
