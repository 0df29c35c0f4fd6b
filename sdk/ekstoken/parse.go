package ekstoken

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// ErrMalformedToken is wrapped by every ParseToken error.
var ErrMalformedToken = errors.New("kubeauth: malformed EKS token")

// MaxTokenLen is the longest token EKS's authenticator accepts, in bytes.
const MaxTokenLen = 4096

// tokenParams are the query parameters a token URL may carry (lower case),
// and whether each is required. It is the list EKS's authenticator allows.
var tokenParams = map[string]bool{
	"action":               true,
	"version":              true,
	"x-amz-algorithm":      true,
	"x-amz-credential":     true,
	"x-amz-date":           true,
	"x-amz-expires":        true,
	"x-amz-signedheaders":  true,
	"x-amz-signature":      true,
	"x-amz-security-token": false,
}

// ParseToken decodes an EKS bearer token and returns its presigned STS URL,
// checking what EKS's authenticator checks before it calls STS: the prefix,
// the size, base64url without padding, an https URL on an STS host of a
// supported partition, GetCallerIdentity, only the allowed query parameters
// (each once), and x-k8s-aws-id among the signed headers. It does not check
// the signature or the time; STS does. Errors wrap ErrMalformedToken.
func ParseToken(token string) (*url.URL, error) {
	bad := func(format string, args ...any) (*url.URL, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrMalformedToken}, args...)...)
	}
	if len(token) > MaxTokenLen {
		return bad("%d bytes, more than %d", len(token), MaxTokenLen)
	}
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return bad("missing %q prefix", TokenPrefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return bad("not base64url without padding: %v", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		return bad("%v", err)
	}
	if u.Scheme != "https" {
		return bad("scheme %q, want https", u.Scheme)
	}
	if u.User != nil || u.Fragment != "" || u.Port() != "" {
		return bad("URL %q has user info, a port or a fragment", u.Redacted())
	}
	if err := checkSTSHost(u.Hostname()); err != nil {
		return bad("%v", err)
	}
	if u.Path != "" && u.Path != "/" {
		return bad("path %q, want /", u.Path)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("query: %v", err)
	}
	seen := map[string]bool{}
	for k, vs := range q {
		lk := strings.ToLower(k)
		if _, ok := tokenParams[lk]; !ok {
			return bad("query parameter %q is not allowed", k)
		}
		if len(vs) != 1 || seen[lk] {
			return bad("query parameter %q given more than once", k)
		}
		seen[lk] = true
	}
	for k, required := range tokenParams {
		if required && !seen[k] {
			return bad("query parameter %q missing", k)
		}
	}
	if a := q.Get("Action"); a != "GetCallerIdentity" {
		return bad("action %q, want GetCallerIdentity", a)
	}
	if !slices.Contains(strings.Split(q.Get("X-Amz-SignedHeaders"), ";"), ClusterIDHeader) {
		return bad("%s is not a signed header", ClusterIDHeader)
	}
	return u, nil
}

// checkSTSHost accepts the global STS host and sts.<region>.<suffix> where
// the suffix is the region's partition's.
func checkSTSHost(host string) error {
	if host == "sts.amazonaws.com" {
		return nil
	}
	for _, p := range partition.All() {
		region, ok := strings.CutSuffix(host, "."+p.DNSSuffix)
		if !ok {
			continue
		}
		region, ok = strings.CutPrefix(region, "sts.")
		if !ok {
			continue
		}
		if rp, err := partition.ForRegion(region); err == nil && rp.DNSSuffix == p.DNSSuffix {
			return nil
		}
	}
	return fmt.Errorf("host %q is not an STS endpoint", host)
}
