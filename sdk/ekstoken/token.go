package ekstoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

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

// Errors of [Presign] and the token command, for errors.Is.
var (
	// ErrNoCredentials is wrapped when a token is requested without credentials.
	ErrNoCredentials = errors.New("ekstoken: no AWS credentials")
	// ErrNoRegion: a token needs a region, which is never guessed.
	ErrNoRegion = errors.New("no AWS region (set --region, AWS_REGION or a profile region)")
	// ErrInvalidRequest is wrapped when the cluster name or region is not one
	// EKS and STS accept.
	ErrInvalidRequest = errors.New("ekstoken: invalid token request")
)

// Token is an EKS bearer token and the time clients should stop using it.
type Token struct {
	// Value is "k8s-aws-v1." + base64url(presigned STS GetCallerIdentity URL).
	Value string
	// Expiration is signing time + TokenLifetime.
	Expiration time.Time
}

// Credentials are the AWS keys a token is signed with: long-term keys, or
// temporary ones with their session token.
type Credentials struct {
	// AccessKeyID and SecretAccessKey are required.
	AccessKeyID, SecretAccessKey string
	// SessionToken is set for temporary credentials.
	SessionToken string
}

// HasKeys reports whether both keys are set.
func (c Credentials) HasKeys() bool { return c.AccessKeyID != "" && c.SecretAccessKey != "" }

// ValidClusterName reports whether s is a valid EKS cluster name
// (CreateCluster: 1-100 letters, digits, hyphens and underscores, starting
// with a letter or digit). Checked by hand: the equivalent regexp with {0,99}
// costs a millisecond-scale compile at start-up of every fargatekit command.
func ValidClusterName(s string) bool {
	if len(s) == 0 || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || (c != '-' && c != '_')) {
			return false
		}
	}
	return true
}

// checkRequest returns every problem of a token request for cluster in
// region, each wrapping [ErrInvalidRequest] (or [ErrNoRegion]).
func checkRequest(cluster, region string) error {
	var errs []error
	if !ValidClusterName(cluster) {
		errs = append(errs, fmt.Errorf("%w: cluster name %q is not a valid EKS cluster name", ErrInvalidRequest, cluster))
	}
	if region == "" {
		errs = append(errs, fmt.Errorf("%w: %w", ErrInvalidRequest, ErrNoRegion))
	} else if _, err := partition.ForRegion(region); err != nil {
		errs = append(errs, fmt.Errorf("%w: region: %w", ErrInvalidRequest, err))
	}
	return errors.Join(errs...)
}

// Presign returns the EKS token for cluster: an STS GetCallerIdentity GET on
// the regional endpoint of region, carrying the signed x-k8s-aws-id header
// and X-Amz-Expires=60, presigned with SigV4 (query-string authentication)
// by creds at signedAt, and encoded as TokenPrefix + base64url(URL) without
// padding. The URL is byte for byte the one aws-sdk-go-v2's STS presign
// client makes (a test compares them). It does no I/O.
func Presign(creds Credentials, region, cluster string, signedAt time.Time) (Token, error) {
	err := checkRequest(cluster, region)
	if !creds.HasKeys() {
		err = errors.Join(err, ErrNoCredentials)
	}
	if err != nil {
		return Token{}, fmt.Errorf("ekstoken: presign: %w", err)
	}
	p, _ := partition.ForRegion(region) // checked above
	host := strings.TrimPrefix(p.STSEndpoint(region), "https://")
	signedAt = signedAt.UTC()
	amzDate := signedAt.Format("20060102T150405Z")
	scope := signedAt.Format("20060102") + "/" + region + "/sts/aws4_request"
	const signedHeaders = "host;" + ClusterIDHeader

	params := [][2]string{
		{"Action", "GetCallerIdentity"},
		{"Version", "2011-06-15"},
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Credential", creds.AccessKeyID + "/" + scope},
		{"X-Amz-Date", amzDate},
		{"X-Amz-Expires", strconv.Itoa(PresignExpires)},
		{"X-Amz-SignedHeaders", signedHeaders},
	}
	if creds.SessionToken != "" {
		params = append(params, [2]string{"X-Amz-Security-Token", creds.SessionToken})
	}
	emptyBody := sha256.Sum256(nil)
	query := encodeQuery(params)
	canonical := strings.Join([]string{
		"GET",
		"/",
		query,
		"host:" + host + "\n" + ClusterIDHeader + ":" + cluster + "\n",
		signedHeaders,
		hex.EncodeToString(emptyBody[:]),
	}, "\n")
	canonicalHash := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(canonicalHash[:])
	key := []byte("AWS4" + creds.SecretAccessKey)
	for _, part := range []string{signedAt.Format("20060102"), region, "sts", "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	// The signature goes last, after the signed query, as the SDK puts it.
	u := "https://" + host + "/?" + query + "&X-Amz-Signature=" + hex.EncodeToString(hmacSHA256(key, toSign))
	return Token{
		Value:      TokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(u)),
		Expiration: signedAt.Add(TokenLifetime),
	}, nil
}

// encodeQuery is SigV4's canonical query string: pairs sorted by key, keys
// and values percent-encoded as RFC 3986 (unreserved characters kept, hex in
// upper case; url.QueryEscape writes a space as "+", SigV4 as "%20").
func encodeQuery(params [][2]string) string {
	sorted := append([][2]string(nil), params...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i][0] < sorted[j][0] })
	var b strings.Builder
	for i, kv := range sorted {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(strings.ReplaceAll(url.QueryEscape(kv[0]), "+", "%20"))
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(kv[1]), "+", "%20"))
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
