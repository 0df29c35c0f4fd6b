package irsa

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// FieldManager is the server-side-apply field manager of fargatekit's writes.
const FieldManager = "fargatekit"

// AnnotateOptions tune [AnnotateServiceAccount].
type AnnotateOptions struct {
	// RegionalSTSEndpoints adds eks.amazonaws.com/sts-regional-endpoints: "true".
	RegionalSTSEndpoints bool
	// Labels are applied along with the annotations.
	Labels map[string]string
}

// AnnotateServiceAccount creates the ServiceAccount or patches it, by
// server-side apply with field manager "fargatekit", so that it carries
// eks.amazonaws.com/role-arn = roleARN (and, if asked, the regional STS
// annotation). Fields other managers own (other annotations, labels,
// secrets) are kept; fargatekit takes ownership of its annotations (the apply
// is forced), and an annotation it applied before and no longer applies is removed.
func AnnotateServiceAccount(ctx context.Context, cs kubernetes.Interface, sa ServiceAccount, roleARN string, opts AnnotateOptions) (*corev1.ServiceAccount, error) {
	if err := exactAccount(sa); err != nil {
		return nil, fmt.Errorf("irsa: AnnotateServiceAccount: %w", err)
	}
	if _, err := partition.ParseARN(roleARN, "iam", "role/"); err != nil {
		return nil, fmt.Errorf("irsa: AnnotateServiceAccount %s: %w: role ARN: %v", sa, ErrInvalidRole, err)
	}
	annotations := map[string]string{AnnotationRoleARN: roleARN}
	if opts.RegionalSTSEndpoints {
		annotations[AnnotationSTSRegionalEndpoints] = "true"
	}
	ac := corev1ac.ServiceAccount(sa.Name, sa.Namespace).WithAnnotations(annotations)
	if len(opts.Labels) > 0 {
		ac = ac.WithLabels(opts.Labels)
	}
	out, err := cs.CoreV1().ServiceAccounts(sa.Namespace).Apply(ctx, ac, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		return nil, fmt.Errorf("irsa: AnnotateServiceAccount %s: %w", sa, err)
	}
	return out, nil
}

// exactAccount checks an account names one real service account.
func exactAccount(sa ServiceAccount) error {
	if err := sa.Validate(); err != nil {
		return err
	}
	if sa.HasWildcard() {
		return fmt.Errorf("%w %q: a wildcard names no single service account", ErrInvalidServiceAccount, sa.String())
	}
	return nil
}

// VerifyOptions tune [Verify].
type VerifyOptions struct {
	// ProviderARN is the IAM OIDC provider the policy's Federated principal
	// must name. When empty, any provider ARN whose issuer is the token's
	// matches (the account is then not checked). For a cluster that is not EKS,
	// such as a local API server, derive it with ProviderARNFromIssuer.
	ProviderARN string
	// Audience is requested in the token; "" means sts.amazonaws.com.
	Audience string
	// ExpirationSeconds of the requested token; 0 means 600, the minimum.
	ExpirationSeconds int64
	// SkipSignature skips checking the token's signature against the keys the
	// API server publishes at /openid/v1/jwks.
	SkipSignature bool
}

// Verify asks the API server for a projected token of the service account
// (TokenRequest, audience sts.amazonaws.com unless opts say otherwise), checks
// its signature against the server's published keys, decodes its claims and
// evaluates the trust policy against them with [Evaluate]. The result says
// whether the policy admits the token and, if not, which element or condition
// fails. The service account must exist.
func Verify(ctx context.Context, cs kubernetes.Interface, sa ServiceAccount, policy string, opts VerifyOptions) (*VerifyResult, error) {
	fail := func(err error) (*VerifyResult, error) { return nil, fmt.Errorf("irsa: Verify %s: %w", sa, err) }
	if err := exactAccount(sa); err != nil {
		return fail(err)
	}
	aud := opts.Audience
	if aud == "" {
		aud = Audience
	}
	exp := opts.ExpirationSeconds
	if exp == 0 {
		exp = 600
	}
	tr, err := cs.CoreV1().ServiceAccounts(sa.Namespace).CreateToken(ctx, sa.Name, tokenRequest(aud, exp), metav1.CreateOptions{})
	if err != nil {
		return fail(fmt.Errorf("TokenRequest: %w", err))
	}
	token := tr.Status.Token
	claims, err := DecodeClaims(token)
	if err != nil {
		return fail(err)
	}
	if claims.Subject != sa.Subject() {
		return fail(fmt.Errorf("%w: token subject %q is not %q", ErrInvalidToken, claims.Subject, sa.Subject()))
	}
	verified := false
	if !opts.SkipSignature {
		raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/openid/v1/jwks").DoRaw(ctx)
		if err != nil {
			return fail(fmt.Errorf("fetching the API server's keys (/openid/v1/jwks): %w", err))
		}
		if err := VerifySignature(token, raw); err != nil {
			return fail(err)
		}
		verified = true
	}
	res, err := Evaluate(policy, claims, opts.ProviderARN)
	if err != nil {
		return fail(err)
	}
	res.SignatureVerified = verified
	res.token = token
	return res, nil
}

// tokenRequest asks for a token of one audience, valid for exp seconds.
func tokenRequest(aud string, exp int64) *authv1.TokenRequest {
	return &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{Audiences: []string{aud}, ExpirationSeconds: &exp}}
}

// VerifySignature checks a JWT's RS256 or ES256 signature against a JSON Web
// Key Set (the document an OIDC issuer publishes at its jwks_uri).
func VerifySignature(token string, jwks []byte) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("%w: not a JWT", ErrInvalidToken)
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return fmt.Errorf("%w: header: %v", ErrInvalidToken, err)
	}
	var header struct{ Alg, Kid string }
	if err := json.Unmarshal(hb, &header); err != nil {
		return fmt.Errorf("%w: header: %v", ErrInvalidToken, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("%w: signature: %v", ErrInvalidToken, err)
	}
	var set struct {
		Keys []struct{ Kty, Kid, Alg, N, E, Crv, X, Y string }
	}
	if err := json.Unmarshal(jwks, &set); err != nil {
		return fmt.Errorf("%w: key set: %v", ErrInvalidToken, err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	for _, k := range set.Keys {
		if k.Kid != header.Kid {
			continue
		}
		switch {
		case header.Alg == "RS256" && k.Kty == "RSA":
			n, e := b64int(k.N), b64int(k.E)
			if n == nil || e == nil || !e.IsInt64() {
				return fmt.Errorf("%w: key %s is malformed", ErrInvalidToken, k.Kid)
			}
			pub := &rsa.PublicKey{N: n, E: int(e.Int64())}
			if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
				return fmt.Errorf("%w: signature does not verify with key %s", ErrInvalidToken, k.Kid)
			}
			return nil
		case header.Alg == "ES256" && k.Kty == "EC" && k.Crv == "P-256" && len(sig) == 64:
			x, y := b64int(k.X), b64int(k.Y)
			if x == nil || y == nil {
				return fmt.Errorf("%w: key %s is malformed", ErrInvalidToken, k.Kid)
			}
			pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
			if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
				return fmt.Errorf("%w: signature does not verify with key %s", ErrInvalidToken, k.Kid)
			}
			return nil
		}
	}
	return fmt.Errorf("%w: no %s key %q in the key set", ErrInvalidToken, header.Alg, header.Kid)
}

func b64int(s string) *big.Int {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil
	}
	return new(big.Int).SetBytes(b)
}

// Annotations EKS's pod identity webhook reads on a ServiceAccount.
const (
	// AnnotationRoleARN names the IAM role pods of the service account assume.
	AnnotationRoleARN = "eks.amazonaws.com/role-arn"
	// AnnotationSTSRegionalEndpoints, "true", makes the SDKs use the regional STS endpoint.
	AnnotationSTSRegionalEndpoints = "eks.amazonaws.com/sts-regional-endpoints"
)
