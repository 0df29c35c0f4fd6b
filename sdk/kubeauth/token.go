package kubeauth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// Token format constants shared with aws-iam-authenticator and "aws eks get-token".
const (
	// TokenPrefix starts every EKS bearer token; base64url of the presigned URL follows.
	TokenPrefix = "k8s-aws-v1."
	// ClusterIDHeader is the signed header naming the cluster a token is for.
	ClusterIDHeader = "x-k8s-aws-id"
	// PresignExpires is the X-Amz-Expires value of the presigned URL, in
	// seconds. STS ignores it (a presigned GetCallerIdentity URL is valid 15
	// minutes after X-Amz-Date); EKS's authenticator expects 0..60, and 60 is
	// what every client sends.
	PresignExpires = 60
	// PresignedURLLifetime is how long STS accepts a presigned GetCallerIdentity URL.
	PresignedURLLifetime = 15 * time.Minute
	// TokenLifetime is the expiry reported for a token, counted from signing:
	// PresignedURLLifetime minus a one-minute margin for clock skew and for
	// the request in flight, as the aws CLI and aws-iam-authenticator do.
	TokenLifetime = PresignedURLLifetime - time.Minute
)

// ErrNoCredentials is wrapped when a token is requested without credentials.
var ErrNoCredentials = errors.New("kubeauth: no AWS credentials")

// Token is an EKS bearer token and the time clients should stop using it.
type Token struct {
	// Value is "k8s-aws-v1." + base64url(presigned STS GetCallerIdentity URL).
	Value string
	// Expiration is signing time + TokenLifetime.
	Expiration time.Time
}

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
	presign         *sts.PresignClient
	signer          *v4.Signer
	now             func() time.Time
}

// NewGenerator checks opts and returns a Generator. It does no I/O.
func NewGenerator(opts TokenOptions) (*Generator, error) {
	var errs []error
	if !ValidClusterName(opts.ClusterName) {
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
	client := sts.New(sts.Options{Region: opts.Region, Credentials: creds, BaseEndpoint: &endpoint})
	return &Generator{
		cluster: opts.ClusterName,
		region:  opts.Region,
		creds:   creds,
		presign: sts.NewPresignClient(client),
		signer:  v4.NewSigner(),
		now:     now,
	}, nil
}

// Credentials returns the provider that signs the generator's tokens (the
// assumed role's when a role is set).
func (g *Generator) Credentials() aws.CredentialsProvider { return g.creds }

// Token presigns a GetCallerIdentity request for the generator's cluster and
// returns it encoded as an EKS bearer token. Without a role it does no
// network I/O (unless the credentials provider does).
func (g *Generator) Token(ctx context.Context) (Token, error) {
	signedAt := g.now().UTC()
	req, err := g.presign.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.PresignOptions) {
		o.Presigner = fixedTimePresigner{signer: g.signer, at: signedAt}
		o.ClientOptions = append(o.ClientOptions, func(so *sts.Options) {
			so.APIOptions = append(so.APIOptions,
				smithyhttp.SetHeaderValue(ClusterIDHeader, g.cluster),
				// An X-Amz-* header is hoisted into the query by the presigner.
				smithyhttp.SetHeaderValue("X-Amz-Expires", strconv.Itoa(PresignExpires)))
		})
	})
	if err != nil {
		return Token{}, fmt.Errorf("kubeauth: token for cluster %s: %w", g.cluster, err)
	}
	return Token{
		Value:      TokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL)),
		Expiration: signedAt.Add(TokenLifetime),
	}, nil
}

// fixedTimePresigner signs at the time the generator chose, so that the
// token's X-Amz-Date and its reported expiry come from one injectable clock.
type fixedTimePresigner struct {
	signer *v4.Signer
	at     time.Time
}

// PresignHTTP implements sts.HTTPPresignerV4.
func (p fixedTimePresigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request,
	payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions),
) (string, http.Header, error) {
	return p.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, p.at, optFns...)
}

// GetToken is NewGenerator followed by one Token call.
func GetToken(ctx context.Context, opts TokenOptions) (Token, error) {
	g, err := NewGenerator(opts)
	if err != nil {
		return Token{}, err
	}
	return g.Token(ctx)
}
