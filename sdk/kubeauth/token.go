package kubeauth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

// Token is an EKS bearer token and the time clients should stop using it
// (the type of the Pulumi-free, network-free [ekstoken] package).
type Token = ekstoken.Token

// ErrNoCredentials is wrapped when a token is requested without credentials.
var ErrNoCredentials = ekstoken.ErrNoCredentials

// TokenSource returns tokens; [Generator] and [ReuseTokenSource] implement it.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenOptions configures a [Generator].
type TokenOptions struct {
	// ClusterName is the EKS cluster the token is for (the x-k8s-aws-id header). Required.
	ClusterName string
	// Region decides the regional STS endpoint and the signing region. Required: never defaulted.
	Region string
	// Credentials sign the token (or, with RoleARN, assume the role). Required.
	Credentials aws.CredentialsProvider
	// RoleARN, when set, is assumed first (stscreds.AssumeRoleProvider) and
	// its temporary credentials sign the token.
	RoleARN string
	// SessionName is the role session name; "" means "fargatekit-<unix seconds>".
	SessionName string
	// AssumeRoleClient calls sts:AssumeRole; nil means an STS client on the
	// regional endpoint signed with Credentials. Tests pass a fake.
	AssumeRoleClient stscreds.AssumeRoleAPIClient
	// Now is the clock used for signing and expiry; nil means time.Now.
	Now func() time.Time
}

// Generator makes EKS tokens: presigned STS GetCallerIdentity URLs carrying
// the signed x-k8s-aws-id header. It is safe for concurrent use; with a role,
// the assumed credentials are cached and refreshed before they expire.
type Generator struct {
	cluster, region string
	creds           aws.CredentialsProvider
	now             func() time.Time
}

// NewGenerator checks opts and returns a Generator. It does no I/O.
func NewGenerator(opts TokenOptions) (*Generator, error) {
	var errs []error
	if !ekstoken.ValidClusterName(opts.ClusterName) {
		errs = append(errs, fmt.Errorf("%w: cluster name %q is not a valid EKS cluster name", ErrInvalidSpec, opts.ClusterName))
	}
	if err := checkRegion(opts.Region); err != nil {
		errs = append(errs, err)
	}
	if opts.Credentials == nil || aws.IsCredentialsProvider(opts.Credentials, (*aws.AnonymousCredentials)(nil)) {
		errs = append(errs, ErrNoCredentials) // anonymous would presign an unsigned URL
	}
	if opts.RoleARN != "" {
		if err := checkRoleARN(opts.RoleARN); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("kubeauth: token: %w", err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	p, _ := partition.ForRegion(opts.Region) // checked above
	endpoint := p.STSEndpoint(opts.Region)
	creds := opts.Credentials
	if opts.RoleARN != "" {
		client := opts.AssumeRoleClient
		if client == nil {
			client = sts.New(sts.Options{Region: opts.Region, Credentials: creds, BaseEndpoint: &endpoint})
		}
		session := opts.SessionName
		if session == "" {
			session = "fargatekit-" + strconv.FormatInt(now().Unix(), 10)
		}
		creds = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, opts.RoleARN,
			func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = session }))
	}
	return &Generator{cluster: opts.ClusterName, region: opts.Region, creds: creds, now: now}, nil
}

// Credentials returns the provider that signs the generator's tokens (the
// assumed role's when a role is set).
func (g *Generator) Credentials() aws.CredentialsProvider { return g.creds }

// Token retrieves the credentials (assuming the role when one is set) and
// presigns a GetCallerIdentity request for the generator's cluster with
// [ekstoken.Presign], the one SigV4 presigner of fargatekit, returned as an
// EKS bearer token. Without a role it does no network I/O (unless the
// credentials provider does).
func (g *Generator) Token(ctx context.Context) (Token, error) {
	c, err := g.creds.Retrieve(ctx)
	if err != nil {
		return Token{}, fmt.Errorf("kubeauth: token for cluster %s: retrieve credentials: %w", g.cluster, err)
	}
	tok, err := ekstoken.Presign(ekstoken.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		SessionToken: c.SessionToken}, g.region, g.cluster, g.now())
	if err != nil {
		return Token{}, fmt.Errorf("kubeauth: token for cluster %s: %w", g.cluster, err)
	}
	return tok, nil
}

// GetToken is NewGenerator followed by one Token call.
func GetToken(ctx context.Context, opts TokenOptions) (Token, error) {
	g, err := NewGenerator(opts)
	if err != nil {
		return Token{}, err
	}
	return g.Token(ctx)
}
