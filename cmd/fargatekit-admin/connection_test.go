package main

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/fargatekit/fargatekit/internal/accessfake"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/sigv4check"
	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"github.com/fargatekit/fargatekit/sdk/irsa"
)

// eksAuthProxy stands in for EKS's endpoint: a TLS server of its own CA in
// front of the test API server that admits a request only with a bearer EKS
// token whose SigV4 signature, recomputed by hand from the specification
// (internal/sigv4check, not the presigner under test), verifies for the
// cluster name and secret key; then it forwards the request as the test
// server's admin. (The real API server has no token webhook here: the proxy
// plays aws-iam-authenticator's part of checking the token, not its STS
// call.) admitted counts the requests it let through.
type eksAuthProxy struct {
	url, caData       string
	admitted, refused atomic.Int32
}

func newEKSAuthProxy(t *testing.T, rc *rest.Config, cluster, secret string) *eksAuthProxy {
	t.Helper()
	target, err := url.Parse(rc.Host)
	if err != nil {
		t.Fatal(err)
	}
	transport, err := rest.TransportFor(rc)
	if err != nil {
		t.Fatal(err)
	}
	p := &eksAuthProxy{}
	forward := &httputil.ReverseProxy{Transport: transport, Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Header.Del("Authorization")
	}}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		u, err := ekstoken.ParseToken(tok)
		if !ok || err != nil || sigv4check.Signature(u, secret, cluster) != u.Query().Get("X-Amz-Signature") ||
			!strings.HasPrefix(u.Query().Get("X-Amz-Credential"), envCreds["AWS_ACCESS_KEY_ID"]+"/") {
			p.refused.Add(1)
			http.Error(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`, http.StatusUnauthorized)
			return
		}
		p.admitted.Add(1)
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	p.caData = base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	return p
}

// describedAt answers DescribeCluster as EKS would for a cluster whose
// endpoint and CA are the proxy's (moto's cluster has made-up ones).
type describedAt struct {
	authmap.MigrateAPI
	p *eksAuthProxy
}

func (d describedAt) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, opts ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	out, err := d.MigrateAPI.DescribeCluster(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	out.Cluster.Endpoint = aws.String(d.p.url)
	out.Cluster.CertificateAuthority = &ekstypes.Certificate{Data: aws.String(d.p.caData)}
	return out, nil
}

// TestClusterConnectionNativeTokenRealServer: --cluster/--region without a
// kubeconfig (none exists: HOME is empty, KUBECONFIG unset) reaches the
// cluster at the endpoint and CA DescribeCluster names, with a native EKS
// token that verifies for the cluster and the caller's credentials: authmap
// list and migrate, irsa create (role on moto, ServiceAccount annotated
// through the token) and irsa verify. A token the endpoint does not admit fails the command.
func TestClusterConnectionNativeTokenRealServer(t *testing.T) {
	c := newAccessCLI(t, accessfake.ModeAPIAndConfigMap)
	rc := kubetest.Config(t)
	ns := kubetest.Namespace(t, rc)
	const dev = "arn:aws:iam::123456789012:role/Developer"
	c.role("/", "Developer")
	c.awsAuth(ns, map[string]string{"mapRoles": "- rolearn: " + dev + "\n  username: dev\n  groups: [developers]\n"})
	good := newEKSAuthProxy(t, rc, "demo", envCreds["AWS_SECRET_ACCESS_KEY"])
	c.eks = func(api authmap.MigrateAPI) authmap.MigrateAPI { return describedAt{api, good} }
	conn := []string{"--cluster", "demo", "--region", "eu-west-1", "--namespace", ns}

	out, _ := c.run(0, append([]string{"authmap", "list"}, conn...)...)
	if !strings.Contains(out, dev) || !strings.Contains(out, "developers") {
		t.Errorf("list:\n%s", out)
	}
	if out, _ := c.run(0, append([]string{"authmap", "migrate"}, conn...)...); !strings.Contains(out, "(would) create access entry STANDARD "+dev) {
		t.Errorf("migrate dry run:\n%s", out)
	}
	out, _ = c.run(0, "irsa", "create", "--cluster", "demo", "--region", "eu-west-1", "--namespace", ns, "--name", "writer")
	if !strings.Contains(out, "role arn:aws:iam::123456789012:role/irsa-"+ns+"-writer created") {
		t.Errorf("irsa create:\n%s", out)
	}
	sa, err := c.kube.CoreV1().ServiceAccounts(ns).Get(c.ctx, "writer", metav1.GetOptions{})
	if err != nil || sa.Annotations[irsa.AnnotationRoleARN] != "arn:aws:iam::123456789012:role/irsa-"+ns+"-writer" {
		t.Errorf("ServiceAccount: %v %v", sa, err)
	}
	// verify reaches the ServiceAccount the same way; its trust names the
	// EKS cluster's issuer (moto's), not the test server's: that link breaks.
	out, _ = c.run(1, "irsa", "verify", "--cluster", "demo", "--region", "eu-west-1", "--sa", ns+"/writer", "--skip-signature")
	if !strings.Contains(out, "annotation      ok") || !strings.Contains(out, "service-account ok") {
		t.Errorf("irsa verify --cluster:\n%s", out)
	}
	if good.admitted.Load() < 4 || good.refused.Load() != 0 {
		t.Errorf("the endpoint admitted %d requests, refused %d", good.admitted.Load(), good.refused.Load())
	}

	// An endpoint that expects another key (or cluster) refuses the token.
	for _, p := range []*eksAuthProxy{newEKSAuthProxy(t, rc, "demo", "another-secret"), newEKSAuthProxy(t, rc, "other", envCreds["AWS_SECRET_ACCESS_KEY"])} {
		c.eks = func(api authmap.MigrateAPI) authmap.MigrateAPI { return describedAt{api, p} }
		if _, errs := c.run(1, append([]string{"authmap", "list"}, conn...)...); !strings.Contains(errs, "provide credentials") || p.refused.Load() == 0 || p.admitted.Load() != 0 {
			t.Errorf("a token the endpoint cannot verify: %s", errs)
		}
	}
}
