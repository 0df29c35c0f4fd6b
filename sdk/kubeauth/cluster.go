package kubeauth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"k8s.io/client-go/rest"

	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

// ErrClusterNotReady is wrapped when DescribeCluster finds a cluster that is
// not ACTIVE or UPDATING (the states "aws eks update-kubeconfig" accepts).
var ErrClusterNotReady = errors.New("kubeauth: cluster is not ready")

// EKSDescriber is the part of the EKS API this package calls; *eks.Client
// implements it.
type EKSDescriber interface {
	DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
}

// ClusterInfo is what a kubeconfig or a *rest.Config needs to know of a cluster.
type ClusterInfo struct {
	// Name is the cluster's name.
	Name string
	// ARN is the cluster's ARN ("" when not known).
	ARN string
	// Endpoint is the API server URL.
	Endpoint string
	// CAData is the certificate authority as EKS returns it (base64 PEM).
	CAData string
	// Region is the cluster's region.
	Region string
}

// DescribeCluster reads a cluster's endpoint, CA and ARN with DescribeCluster
// and refuses clusters that are not ACTIVE or UPDATING. The region is taken
// from the ARN.
func DescribeCluster(ctx context.Context, api EKSDescriber, name string) (ClusterInfo, error) {
	out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		return ClusterInfo{}, fmt.Errorf("kubeauth: describe cluster %s: %w", name, err)
	}
	c := out.Cluster
	if c == nil {
		return ClusterInfo{}, fmt.Errorf("kubeauth: describe cluster %s: empty answer", name)
	}
	if s := string(c.Status); s != "ACTIVE" && s != "UPDATING" {
		return ClusterInfo{}, fmt.Errorf("%w: %s is %s", ErrClusterNotReady, name, s)
	}
	info := ClusterInfo{Name: name, ARN: aws.ToString(c.Arn), Endpoint: aws.ToString(c.Endpoint)}
	if c.CertificateAuthority != nil {
		info.CAData = aws.ToString(c.CertificateAuthority.Data)
	}
	if a, err := partition.ParseARN(info.ARN, "eks", "cluster/"); err == nil {
		info.Region = a.Region
	}
	if info.Endpoint == "" || info.CAData == "" {
		return ClusterInfo{}, fmt.Errorf("%w: %s has no endpoint or CA yet", ErrClusterNotReady, name)
	}
	return info, nil
}

// RESTConfig returns a client-go config for the cluster that authenticates
// every request with a bearer token from ts, fetched with the request's
// context (wrap a [Generator] in [ReuseTokenSource] to sign once per token
// lifetime). TLS is verified against the cluster's CA.
func RESTConfig(info ClusterInfo, ts TokenSource) (*rest.Config, error) {
	if ts == nil {
		return nil, fmt.Errorf("%w: no token source", ErrInvalidSpec)
	}
	spec := KubeconfigSpec{ClusterName: info.Name, Endpoint: info.Endpoint, CAData: info.CAData, Region: info.Region}
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("kubeauth: rest config: %w", err)
	}
	ca, _ := base64.StdEncoding.DecodeString(info.CAData) // checked by Validate
	return &rest.Config{
		Host:            info.Endpoint,
		TLSClientConfig: rest.TLSClientConfig{CAData: ca},
		WrapTransport: func(rt http.RoundTripper) http.RoundTripper {
			return &bearerTransport{source: ts, base: rt}
		},
	}, nil
}

// bearerTransport sets "Authorization: Bearer <token>" on requests that have
// no Authorization header.
type bearerTransport struct {
	source TokenSource
	base   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *bearerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return t.base.RoundTrip(req)
	}
	tok, err := t.source.Token(req.Context())
	if err != nil {
		return nil, fmt.Errorf("kubeauth: bearer token: %w", err)
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok.Value)
	return t.base.RoundTrip(r)
}

// WrappedRoundTripper lets client-go reach the transport underneath.
func (t *bearerTransport) WrappedRoundTripper() http.RoundTripper { return t.base }

// ReuseTokenSource returns a TokenSource that returns src's last token until
// ekstoken.CacheMargin before it expires, then asks src again. It is safe for
// concurrent use. A nil now means time.Now.
func ReuseTokenSource(src TokenSource, now func() time.Time) TokenSource {
	if now == nil {
		now = time.Now
	}
	return &reuseSource{src: src, now: now}
}

type reuseSource struct {
	src TokenSource
	now func() time.Time

	mu  sync.Mutex
	tok Token
}

// Token returns the held token or a fresh one from the source.
func (r *reuseSource) Token(ctx context.Context) (Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tok.Value != "" && r.now().Before(r.tok.Expiration.Add(-ekstoken.CacheMargin)) {
		return r.tok, nil
	}
	tok, err := r.src.Token(ctx)
	if err != nil {
		return Token{}, err
	}
	r.tok = tok
	return tok, nil
}
