package kubeauth

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/fargatekit/fargatekit/internal/sigv4check"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"k8s.io/client-go/discovery"
)

// fakeEKS models DescribeCluster: known clusters, ResourceNotFoundException otherwise.
type fakeEKS map[string]*ekstypes.Cluster

func (f fakeEKS) DescribeCluster(_ context.Context, in *eks.DescribeClusterInput, _ ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	c, ok := f[aws.ToString(in.Name)]
	if !ok {
		return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found for name: " + aws.ToString(in.Name) + ".")}
	}
	return &eks.DescribeClusterOutput{Cluster: c}, nil
}

func TestDescribeCluster(t *testing.T) {
	ca, _ := testCA(t)
	cluster := func(status ekstypes.ClusterStatus, endpoint string) *ekstypes.Cluster {
		return &ekstypes.Cluster{
			Name: aws.String("demo"), Arn: aws.String("arn:aws:eks:eu-west-1:123456789012:cluster/demo"),
			Status: status, Endpoint: aws.String(endpoint),
			CertificateAuthority: &ekstypes.Certificate{Data: aws.String(ca)},
		}
	}
	api := fakeEKS{
		"demo":     cluster(ekstypes.ClusterStatusActive, "https://X.gr7.eu-west-1.eks.amazonaws.com"),
		"updating": cluster(ekstypes.ClusterStatusUpdating, "https://X.gr7.eu-west-1.eks.amazonaws.com"),
		"creating": cluster(ekstypes.ClusterStatusCreating, ""),
		"noca":     {Status: ekstypes.ClusterStatusActive, Endpoint: aws.String("https://x")},
	}
	info, err := DescribeCluster(context.Background(), api, "demo")
	want := ClusterInfo{Name: "demo", ARN: "arn:aws:eks:eu-west-1:123456789012:cluster/demo",
		Endpoint: "https://X.gr7.eu-west-1.eks.amazonaws.com", CAData: ca, Region: "eu-west-1"}
	if err != nil || info != want {
		t.Fatalf("got %+v, %v", info, err)
	}
	if _, err := DescribeCluster(context.Background(), api, "updating"); err != nil {
		t.Errorf("UPDATING refused: %v", err)
	}
	for _, name := range []string{"creating", "noca"} {
		if _, err := DescribeCluster(context.Background(), api, name); !errors.Is(err, ErrClusterNotReady) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var nf *ekstypes.ResourceNotFoundException
	if _, err := DescribeCluster(context.Background(), api, "missing"); !errors.As(err, &nf) {
		t.Errorf("missing: %v", err)
	}
}

// TestRESTConfig points client-go at a TLS server that records what it gets.
func TestRESTConfig(t *testing.T) {
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.URL.Path != "/version" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"major":"1","minor":"33","gitVersion":"v1.33.0-eks-test"}`))
	}))
	defer srv.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	info := ClusterInfo{Name: "demo", Endpoint: srv.URL, CAData: base64.StdEncoding.EncodeToString(caPEM), Region: "eu-west-1"}

	now := testTime
	var signs atomic.Int32
	gen, err := NewGenerator(TokenOptions{ClusterName: "demo", Region: "eu-west-1",
		Credentials: staticCreds(testAccessKey, testSecretKey, ""),
		Now:         func() time.Time { signs.Add(1); return now }})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := RESTConfig(info, ReuseTokenSource(gen, func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		v, err := dc.ServerVersion()
		if err != nil {
			t.Fatal(err)
		}
		if v.GitVersion != "v1.33.0-eks-test" {
			t.Fatalf("version %+v", v)
		}
	}
	now = testTime.Add(13 * time.Minute) // a minute before expiry: a new token
	if _, err := dc.ServerVersion(); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(auths) != 4 {
		t.Fatalf("%d requests", len(auths))
	}
	for i, a := range auths {
		tok, ok := strings.CutPrefix(a, "Bearer ")
		if !ok {
			t.Fatalf("request %d: Authorization %q", i, a)
		}
		u, err := ekstoken.ParseToken(tok)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if sigv4check.Signature(u, testSecretKey, "demo") != u.Query().Get("X-Amz-Signature") {
			t.Errorf("request %d: token does not verify", i)
		}
	}
	if auths[0] != auths[2] || auths[2] == auths[3] {
		t.Error("token not reused within its lifetime, or not refreshed near expiry")
	}
	if n := signs.Load(); n != 2 {
		t.Errorf("signed %d times for 4 requests over one refresh, want 2", n)
	}

	// The CA is enforced: with another CA the handshake fails. (Every
	// httptest server shares one certificate, so swap the CA, not the server.)
	info.CAData, _ = testCA(t)
	cfg, _ = RESTConfig(info, gen)
	dc, _ = discovery.NewDiscoveryClientForConfig(cfg)
	if _, err := dc.ServerVersion(); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("wrong CA accepted: %v", err)
	}
}

func TestRESTConfigRefused(t *testing.T) {
	gen := ReuseTokenSource(tokenFunc(func(context.Context) (Token, error) { return Token{}, nil }), nil)
	if _, err := RESTConfig(ClusterInfo{Name: "demo", Endpoint: "https://x", Region: "eu-west-1"}, gen); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("no CA: %v", err)
	}
	ca, _ := testCA(t)
	if _, err := RESTConfig(ClusterInfo{Name: "demo", Endpoint: "https://x", CAData: ca, Region: "eu-west-1"}, nil); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("no token source: %v", err)
	}
}

// tokenFunc adapts a function to TokenSource.
type tokenFunc func(context.Context) (Token, error)

func (f tokenFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

func TestBearerTransportErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(r.Header.Get("Authorization")))
	}))
	defer srv.Close()
	failing := &bearerTransport{source: tokenFunc(func(context.Context) (Token, error) {
		return Token{}, errors.New("expired SSO session")
	}), base: http.DefaultTransport}
	req, _ := http.NewRequest("GET", srv.URL, nil)
	if _, err := failing.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "expired SSO session") {
		t.Errorf("token error not returned: %v", err)
	}
	// An explicit Authorization header is left alone.
	req.Header.Set("Authorization", "Bearer explicit")
	resp, err := failing.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 64)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	if b.String() != "Bearer explicit" {
		t.Errorf("server saw %q", b.String())
	}
}
