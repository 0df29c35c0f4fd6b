package irsa

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Audience is the audience ("aud") that IRSA tokens carry and that every trust
// policy this package renders requires, with StringEquals.
const Audience = "sts.amazonaws.com"

// Trust-policy size quotas (IAM's ACLSizePerRole), counted by IAM after it strips
// whitespace outside strings.
const (
	// DefaultMaxTrustPolicySize is the default quota of a role's trust policy.
	DefaultMaxTrustPolicySize = 2048
	// MaxTrustPolicySizeLimit is the highest quota IAM grants on request; a
	// TrustSpec.MaxSize above it is refused.
	MaxTrustPolicySizeLimit = 4096
)

// Sentinel errors. Every error this package returns for a refused spec wraps
// one of them (and all wrap [ErrInvalidSpec] except [ErrPolicyTooLarge], which
// is a quota rather than a grammar problem, and [ErrPodIdentityUnavailable]).
// Their texts carry no package prefix: the errors returned wrap them after
// "irsa: <operation>: ".
var (
	// ErrInvalidSpec is wrapped by every validation error of a spec.
	ErrInvalidSpec = errors.New("invalid spec")
	// ErrInvalidProviderARN: an OIDC provider ARN is empty or not of the form
	// arn:<partition>:iam::<account>:oidc-provider/<issuer host/path>.
	ErrInvalidProviderARN = fmt.Errorf("%w: invalid OIDC provider ARN", ErrInvalidSpec)
	// ErrInvalidIssuer: an issuer URL is not https://<host>[/<path>].
	ErrInvalidIssuer = fmt.Errorf("%w: invalid OIDC issuer URL", ErrInvalidSpec)
	// ErrInvalidServiceAccount: a namespace is not a DNS-1123 label or a name
	// not a DNS-1123 subdomain (wildcards * and ? aside), or "ns/name" does not parse.
	ErrInvalidServiceAccount = fmt.Errorf("%w: invalid service account", ErrInvalidSpec)
	// ErrNoServiceAccounts: a trust policy would admit no service account.
	ErrNoServiceAccounts = fmt.Errorf("%w: no service accounts", ErrInvalidSpec)
	// ErrCrossNamespaceWildcard: a namespace contains * or ?, so the policy would
	// admit service accounts of several namespaces, and the spec does not allow it.
	ErrCrossNamespaceWildcard = fmt.Errorf("%w: wildcard spans namespaces", ErrInvalidSpec)
	// ErrDuplicate: a service account, provider, policy ARN or inline policy name repeats.
	ErrDuplicate = fmt.Errorf("%w: duplicate", ErrInvalidSpec)
	// ErrInvalidMaxSize: a size quota outside 1..MaxTrustPolicySizeLimit.
	ErrInvalidMaxSize = fmt.Errorf("%w: invalid trust policy size quota", ErrInvalidSpec)
	// ErrInvalidRole: a role setting (name, path, max session duration,
	// permissions boundary, tags, policy ARNs, inline policies) is invalid.
	ErrInvalidRole = fmt.Errorf("%w: invalid role setting", ErrInvalidSpec)
	// ErrPolicyTooLarge: the rendered trust policy exceeds the quota. The
	// concrete error is a *[PolicyTooLargeError].
	ErrPolicyTooLarge = errors.New("trust policy too large")
	// ErrPodIdentityUnavailable: EKS Pod Identity was asked for on a cluster
	// where it does not run (Fargate-only clusters: the Pod Identity agent is a
	// DaemonSet, and Fargate runs no DaemonSets).
	ErrPodIdentityUnavailable = errors.New("EKS Pod Identity unavailable")
)

// PolicyTooLargeError reports a trust policy over its size quota.
type PolicyTooLargeError struct {
	// Size is the policy's size as IAM counts it; Limit the quota it exceeds.
	Size, Limit int
}

// Error implements error.
func (e *PolicyTooLargeError) Error() string {
	return fmt.Sprintf("trust policy is %d characters, over the %d-character quota (ACLSizePerRole; "+
		"use fewer service accounts, a wildcard, or raise the quota and TrustSpec.MaxSize up to %d)",
		e.Size, e.Limit, MaxTrustPolicySizeLimit)
}

// Is makes errors.Is(err, ErrPolicyTooLarge) true.
func (e *PolicyTooLargeError) Is(target error) bool { return target == ErrPolicyTooLarge }

// ServiceAccount names a Kubernetes service account. Name, and Namespace when
// the spec allows it, may contain the IAM wildcards * (any run of characters)
// and ? (one character); the trust policy then matches the subject with
// StringLike instead of StringEquals.
type ServiceAccount struct {
	// Namespace and Name are the service account's namespace and name.
	Namespace, Name string
}

// ParseServiceAccount parses "namespace/name" and validates both parts.
func ParseServiceAccount(s string) (ServiceAccount, error) {
	ns, name, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(name, "/") {
		return ServiceAccount{}, fmt.Errorf("%w %q: want namespace/name", ErrInvalidServiceAccount, s)
	}
	sa := ServiceAccount{Namespace: ns, Name: name}
	if err := sa.Validate(); err != nil {
		return ServiceAccount{}, err
	}
	return sa, nil
}

// String returns "namespace/name".
func (sa ServiceAccount) String() string { return sa.Namespace + "/" + sa.Name }

// Subject returns the token subject, "system:serviceaccount:<namespace>:<name>".
func (sa ServiceAccount) Subject() string {
	return "system:serviceaccount:" + sa.Namespace + ":" + sa.Name
}

// HasWildcard reports whether the namespace or the name contains * or ?.
func (sa ServiceAccount) HasWildcard() bool {
	return strings.ContainsAny(sa.Namespace, "*?") || strings.ContainsAny(sa.Name, "*?")
}

// SpansNamespaces reports whether the namespace is a pattern (contains * or ?).
func (sa ServiceAccount) SpansNamespaces() bool { return strings.ContainsAny(sa.Namespace, "*?") }

// Validate checks the namespace against Kubernetes' DNS-1123 label rules and
// the name against its DNS-1123 subdomain rules; * and ? stand for any
// characters those rules allow.
func (sa ServiceAccount) Validate() error {
	var errs []error
	if err := checkDNS(sa.Namespace, 63, false); err != nil {
		errs = append(errs, fmt.Errorf("%w %q: namespace %v", ErrInvalidServiceAccount, sa.String(), err))
	}
	if err := checkDNS(sa.Name, 253, true); err != nil {
		errs = append(errs, fmt.Errorf("%w %q: name %v", ErrInvalidServiceAccount, sa.String(), err))
	}
	return errors.Join(errs...)
}

// checkDNS validates a DNS-1123 label (dots=false) or subdomain (dots=true)
// whose characters may include the wildcards * and ?. A wildcard may stand for
// a first or last character, so only literal ends are checked.
func checkDNS(s string, max int, dots bool) error {
	if s == "" {
		return errors.New("is empty")
	}
	if !utf8.ValidString(s) {
		return errors.New("is not UTF-8")
	}
	// A pattern is held to a name's length too: any name it must match fits
	// in that, and a longer one only bloats the policy.
	if len(s) > max {
		return fmt.Errorf("is longer than %d characters", max)
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case alnum(c), c == '-', c == '*', c == '?':
		case c == '.' && dots:
		default:
			if dots {
				return fmt.Errorf("has %q: only lower-case letters, digits, '-', '.' (and wildcards * ?) are allowed", rune(c))
			}
			return fmt.Errorf("has %q: only lower-case letters, digits, '-' (and wildcards * ?) are allowed", rune(c))
		}
	}
	if first := s[0]; !alnum(first) && first != '*' && first != '?' {
		return errors.New("must start with a letter or digit")
	}
	if last := s[len(s)-1]; !alnum(last) && last != '*' && last != '?' {
		return errors.New("must end with a letter or digit")
	}
	if dots {
		for _, label := range strings.Split(s, ".") {
			if label == "" {
				return errors.New("has an empty DNS label")
			}
			if !strings.ContainsAny(label, "*?") && (!alnum(label[0]) || !alnum(label[len(label)-1])) {
				return fmt.Errorf("has DNS label %q that does not start and end with a letter or digit", label)
			}
		}
	}
	return nil
}

// ProviderAccounts is one OIDC provider (one cluster) and the service accounts
// of that cluster a trust policy admits. It renders as one statement.
type ProviderAccounts struct {
	// ProviderARN is the IAM OIDC provider's ARN,
	// arn:<partition>:iam::<account>:oidc-provider/<issuer host/path>.
	ProviderARN string
	// ServiceAccounts lists the admitted service accounts, in policy order.
	ServiceAccounts []ServiceAccount
}

// TrustSpec is a trust policy for web-identity federation from one or several
// clusters. [TrustPolicy] is the one-provider shorthand.
type TrustSpec struct {
	// Providers lists one entry per cluster; each becomes one statement.
	Providers []ProviderAccounts
	// AllowCrossNamespaceWildcard permits wildcards in namespaces.
	AllowCrossNamespaceWildcard bool
	// MaxSize is the trust-policy size quota (IAM's ACLSizePerRole) in
	// characters; 0 means DefaultMaxTrustPolicySize. At most MaxTrustPolicySizeLimit.
	MaxSize int
}

// Validate reports every problem of the spec at once (errors.Join). It does
// not check the size quota: that needs the rendered document ([TrustSpec.Render]).
func (s TrustSpec) Validate() error {
	var errs []error
	if s.MaxSize < 0 || s.MaxSize > MaxTrustPolicySizeLimit {
		errs = append(errs, fmt.Errorf("%w: %d (0 for the default %d, at most %d)",
			ErrInvalidMaxSize, s.MaxSize, DefaultMaxTrustPolicySize, MaxTrustPolicySizeLimit))
	}
	if len(s.Providers) == 0 {
		errs = append(errs, fmt.Errorf("%w: no provider", ErrInvalidProviderARN))
	}
	seenProvider := map[string]int{}
	for i, p := range s.Providers {
		if _, err := ParseProviderARN(p.ProviderARN); err != nil {
			errs = append(errs, err)
		} else if j, dup := seenProvider[p.ProviderARN]; dup {
			errs = append(errs, fmt.Errorf("%w provider %s (entries %d and %d)", ErrDuplicate, p.ProviderARN, j, i))
		} else {
			seenProvider[p.ProviderARN] = i
		}
		errs = append(errs, ValidateServiceAccounts(p.ServiceAccounts, s.AllowCrossNamespaceWildcard))
	}
	return errors.Join(errs...)
}

// ValidateServiceAccounts checks a service-account list: each valid, no repeats, no
// namespace wildcard unless allowed, at least one.
func ValidateServiceAccounts(accounts []ServiceAccount, allowCrossNamespace bool) error {
	if len(accounts) == 0 {
		return ErrNoServiceAccounts
	}
	var errs []error
	seen := map[ServiceAccount]bool{}
	for _, sa := range accounts {
		if err := sa.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if sa.SpansNamespaces() && !allowCrossNamespace {
			errs = append(errs, fmt.Errorf("%w: %q admits service accounts of every namespace matching %q "+
				"(set AllowCrossNamespaceWildcard to allow it)", ErrCrossNamespaceWildcard, sa.String(), sa.Namespace))
		}
		if seen[sa] {
			errs = append(errs, fmt.Errorf("%w service account %q", ErrDuplicate, sa.String()))
		}
		seen[sa] = true
	}
	return errors.Join(errs...)
}

func (s TrustSpec) maxSize() int {
	if s.MaxSize == 0 {
		return DefaultMaxTrustPolicySize
	}
	return s.MaxSize
}

// RoleSettings are the plain settings of a role shared by the Pulumi
// components and the SDK path, validated in one place.
type RoleSettings struct {
	// Path is the role's IAM path, "/" when empty; it must start and end with "/".
	Path string
	// Description is the role's description (at most 1000 characters).
	Description string
	// MaxSessionDuration in seconds, 3600..43200; 0 leaves IAM's default (3600).
	MaxSessionDuration int
	// Tags are the role's tags (at most 50; keys up to 128, values up to 256 characters).
	Tags map[string]string
}

var (
	roleNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{1,64}$`) })
	pathRE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/([\x21-\x7e]*/)?$`) })
	policyRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{1,128}$`) })
	// thumbprintRE matches a SHA-1 thumbprint.
	thumbprintRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Fa-f]{40}$`) })
)

// ValidateRoleName checks an IAM role name: 1..64 of letters, digits and +=,.@_-.
func ValidateRoleName(name string) error {
	if !roleNameRE().MatchString(name) {
		return fmt.Errorf("%w: role name %q (1..64 of letters, digits, +=,.@_-)", ErrInvalidRole, name)
	}
	return nil
}

// Validate reports every problem of the settings at once.
func (r RoleSettings) Validate() error {
	var errs []error
	if r.Path != "" && (len(r.Path) > 512 || !pathRE().MatchString(r.Path)) {
		errs = append(errs, fmt.Errorf("%w: path %q must start and end with / (at most 512 printable ASCII characters)", ErrInvalidRole, r.Path))
	}
	if utf8.RuneCountInString(r.Description) > 1000 {
		errs = append(errs, fmt.Errorf("%w: description longer than 1000 characters", ErrInvalidRole))
	}
	if d := r.MaxSessionDuration; d != 0 && (d < 3600 || d > 43200) {
		errs = append(errs, fmt.Errorf("%w: max session duration %ds outside 3600..43200", ErrInvalidRole, d))
	}
	errs = append(errs, validateTags(r.Tags, ErrInvalidRole))
	return errors.Join(errs...)
}

// validateTags checks IAM's tag rules: at most 50, keys 1..128 characters and
// not aws:, values up to 256 characters. Errors wrap kind.
func validateTags(tags map[string]string, kind error) error {
	var errs []error
	if len(tags) > 50 {
		errs = append(errs, fmt.Errorf("%w: %d tags, at most 50", kind, len(tags)))
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if k == "" || utf8.RuneCountInString(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			errs = append(errs, fmt.Errorf("%w: tag key %q (1..128 characters, not aws:)", kind, k))
		}
		if utf8.RuneCountInString(tags[k]) > 256 {
			errs = append(errs, fmt.Errorf("%w: tag %q value longer than 256 characters", kind, k))
		}
	}
	return errors.Join(errs...)
}

// OIDCProviderSpec is an IAM OIDC identity provider, for [EnsureOIDCProvider].
type OIDCProviderSpec struct {
	// IssuerURL is the issuer, https://host[:port][/path].
	IssuerURL string
	// Thumbprints are optional SHA-1 thumbprints (40 hex digits) of the issuer's
	// CA; IAM validates EKS issuers against its trusted CAs without them.
	Thumbprints []string
	// ClientIDs are the accepted audiences; nil means [sts.amazonaws.com].
	ClientIDs []string
	// Tags are the provider's tags.
	Tags map[string]string
	// Authoritative makes the client IDs, thumbprints and tags exactly the
	// spec's; by default EnsureOIDCProvider adds the spec's and keeps those
	// other tools added (several clusters' tools share one provider).
	Authoritative bool
}

// Validate reports every problem of the spec at once.
func (s OIDCProviderSpec) Validate() error {
	_, err := IssuerHostPath(s.IssuerURL)
	return errors.Join(err, s.ValidateSettings())
}

// ValidateSettings checks everything but the issuer (thumbprints, client IDs,
// tags): what is known before the issuer, often another resource's output.
func (s OIDCProviderSpec) ValidateSettings() error {
	return validateProviderExtras(s.Thumbprints, s.ClientIDs, s.Tags)
}

// EffectiveClientIDs returns the client IDs, defaulting to the STS audience.
func (s OIDCProviderSpec) EffectiveClientIDs() []string {
	if s.ClientIDs == nil {
		return []string{Audience}
	}
	return s.ClientIDs
}

// validateProviderExtras checks an OIDC provider's thumbprints, client IDs and tags.
func validateProviderExtras(thumbprints, clientIDs []string, tags map[string]string) error {
	var errs []error
	if len(thumbprints) > 5 {
		errs = append(errs, fmt.Errorf("%w: %d thumbprints, at most 5", ErrInvalidIssuer, len(thumbprints)))
	}
	seen := map[string]bool{}
	for _, t := range thumbprints {
		if !thumbprintRE().MatchString(t) {
			errs = append(errs, fmt.Errorf("%w: thumbprint %q is not 40 hex digits", ErrInvalidIssuer, t))
		} else if seen[strings.ToLower(t)] {
			errs = append(errs, fmt.Errorf("%w thumbprint %q", ErrDuplicate, t))
		}
		seen[strings.ToLower(t)] = true
	}
	if clientIDs != nil && len(clientIDs) == 0 {
		errs = append(errs, fmt.Errorf("%w: empty ClientIDs (nil means [%s])", ErrInvalidIssuer, Audience))
	}
	seen = map[string]bool{}
	for _, c := range clientIDs {
		if c == "" || len(c) > 255 {
			errs = append(errs, fmt.Errorf("%w: client ID %q (1..255 characters)", ErrInvalidIssuer, c))
		} else if seen[c] {
			errs = append(errs, fmt.Errorf("%w client ID %q", ErrDuplicate, c))
		}
		seen[c] = true
	}
	errs = append(errs, validateTags(tags, ErrInvalidIssuer))
	return errors.Join(errs...)
}

// ValidateInlinePolicyNames checks inline policy names (IAM's policy-name rules).
func ValidateInlinePolicyNames(names []string) error {
	var errs []error
	for _, n := range names {
		if !policyRE().MatchString(n) {
			errs = append(errs, fmt.Errorf("%w: inline policy name %q (1..128 of letters, digits, +=,.@_-)", ErrInvalidRole, n))
		}
	}
	return errors.Join(errs...)
}
