package irsa

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// Condition operators and the web-identity action a trust policy uses.
const (
	// ActionAssumeRoleWithWebIdentity is the action IRSA trust policies allow.
	ActionAssumeRoleWithWebIdentity = "sts:AssumeRoleWithWebIdentity"
	opStringEquals                  = "StringEquals"
	opStringLike                    = "StringLike"
)

// TrustPolicy renders the trust policy of a role that the given service
// accounts of one cluster assume through its IAM OIDC provider: principal
// Federated = oidcProviderARN, action sts:AssumeRoleWithWebIdentity,
// "<issuer>:sub" = system:serviceaccount:<ns>:<name> (StringEquals, or
// StringLike when any account has a wildcard) and "<issuer>:aud" =
// sts.amazonaws.com, always with StringEquals. It returns IAM's canonical
// compact JSON, refused with a named error when the spec is invalid or the
// policy exceeds the default 2048-character quota. Use [TrustSpec] for several
// clusters, namespace wildcards or a raised quota.
func TrustPolicy(oidcProviderARN string, accounts ...ServiceAccount) (string, error) {
	return TrustSpec{Providers: []ProviderAccounts{{ProviderARN: oidcProviderARN, ServiceAccounts: accounts}}}.Render()
}

// Render validates the spec and returns the trust policy as canonical compact
// JSON, refusing a policy over the size quota with a *[PolicyTooLargeError].
func (s TrustSpec) Render() (string, error) {
	doc, err := s.Document()
	if err != nil {
		return "", err
	}
	return doc.String(), nil
}

// Document validates the spec and builds the trust policy: one statement per
// provider, in spec order. The size quota is checked.
func (s TrustSpec) Document() (iampolicy.Document, error) {
	if err := s.Validate(); err != nil {
		return iampolicy.Document{}, fmt.Errorf("irsa: trust policy: %w", err)
	}
	doc := iampolicy.Document{Version: iampolicy.Version}
	for _, p := range s.Providers {
		info, _ := ParseProviderARN(p.ProviderARN) // Validate checked it
		doc.Statement = append(doc.Statement, webIdentityStatement(info, p.ServiceAccounts))
	}
	size, err := doc.Size()
	if err != nil {
		return iampolicy.Document{}, fmt.Errorf("irsa: trust policy: %w", err)
	}
	if size > s.maxSize() {
		return iampolicy.Document{}, fmt.Errorf("irsa: trust policy: %w", &PolicyTooLargeError{Size: size, Limit: s.maxSize()})
	}
	return doc, nil
}

// webIdentityStatement is one provider's statement. Conditions of different
// operators in one statement must all hold (AND), so the subjects cannot be
// split between StringEquals and StringLike: when any is a pattern, all go to
// StringLike (which matches a literal exactly). The audience keeps its own
// StringEquals whatever the subject operator, so a wildcard never widens it.
func webIdentityStatement(p Provider, accounts []ServiceAccount) iampolicy.Statement {
	subOp := opStringEquals
	subs := make(iampolicy.Values, 0, len(accounts))
	for _, sa := range accounts {
		if sa.HasWildcard() {
			subOp = opStringLike
		}
		subs = append(subs, sa.Subject())
	}
	cond := iampolicy.Condition{opStringEquals: {p.ConditionKey("aud"): {Audience}}}
	if cond[subOp] == nil {
		cond[subOp] = map[string]iampolicy.Values{}
	}
	cond[subOp][p.ConditionKey("sub")] = subs
	return iampolicy.Statement{
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Federated: iampolicy.Values{p.ARN}},
		Action:    iampolicy.Values{ActionAssumeRoleWithWebIdentity},
		Condition: cond,
	}
}

// PodIdentityPrincipal is the service principal of EKS Pod Identity (the same
// name in every partition).
var PodIdentityPrincipal = partition.AWS.ServicePrincipal("pods.eks")

// PodIdentityTrustPolicy renders the trust policy of a role for EKS Pod
// Identity: principal Service pods.eks.amazonaws.com, actions sts:AssumeRole
// and sts:TagSession (the agent tags the session with the pod's attributes).
func PodIdentityTrustPolicy() (string, error) {
	doc := iampolicy.Document{Version: iampolicy.Version, Statement: iampolicy.Statements{{
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: iampolicy.Values{PodIdentityPrincipal}},
		Action:    iampolicy.Values{"sts:AssumeRole", "sts:TagSession"},
	}}}
	b, err := doc.Marshal()
	if err != nil {
		return "", fmt.Errorf("irsa: pod identity trust policy: %w", err)
	}
	return string(b), nil
}

// Provider is a parsed IAM OIDC provider ARN.
type Provider struct {
	// ARN is the provider ARN as given.
	ARN string
	// Partition is the ARN's partition ID (aws, aws-cn, aws-us-gov); Account
	// the 12-digit account that owns the provider.
	Partition, Account string
	// Issuer is the issuer's host and path, without scheme: the prefix of the
	// provider's condition keys (oidc.eks.<region>.amazonaws.com/id/<ID>).
	Issuer string
	// Region and ID are the EKS region and OIDC ID when Issuer is an EKS issuer,
	// else "".
	Region, ID string
}

// IssuerURL returns the issuer URL, "https://" + Issuer.
func (p Provider) IssuerURL() string { return "https://" + p.Issuer }

// ConditionKey returns the provider's condition key for a claim, "<issuer>:<claim>".
func (p Provider) ConditionKey(claim string) string { return p.Issuer + ":" + claim }

// oidcIDRE matches an EKS OIDC ID.
var oidcIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9]+$`) })

// eksIssuerRE matches EKS issuers: oidc.eks.<region>.<dns suffix>/id/<ID>.
var eksIssuerRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^oidc\.eks\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)/id/([A-Za-z0-9]+)$`)
})

// ParseProviderARN parses and checks an IAM OIDC provider ARN,
// arn:<partition>:iam::<account>:oidc-provider/<issuer host/path>. For an EKS
// issuer it also checks that the issuer's region and DNS suffix belong to the
// ARN's partition. Errors wrap [ErrInvalidProviderARN].
func ParseProviderARN(s string) (Provider, error) {
	if s == "" {
		return Provider{}, fmt.Errorf("%w: empty", ErrInvalidProviderARN)
	}
	a, err := partition.ParseARN(s, "iam", "oidc-provider/")
	if err != nil {
		return Provider{}, fmt.Errorf("%w: %v", ErrInvalidProviderARN, err)
	}
	if a.Region != "" || !partition.ValidAccount(a.AccountID) {
		return Provider{}, fmt.Errorf("%w %q: want arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer>", ErrInvalidProviderARN, s)
	}
	host := strings.TrimPrefix(a.Resource, "oidc-provider/")
	if err := checkIssuerHostPath(host); err != nil {
		return Provider{}, fmt.Errorf("%w %q: %v", ErrInvalidProviderARN, s, err)
	}
	p := Provider{ARN: s, Partition: a.Partition, Account: a.AccountID, Issuer: host}
	if m := eksIssuerRE().FindStringSubmatch(host); m != nil {
		part, err := partition.ForRegion(m[1])
		if err != nil || part.ID != a.Partition || part.DNSSuffix != m[2] {
			return Provider{}, fmt.Errorf("%w %q: EKS issuer of region %q (%s) does not belong to partition %q",
				ErrInvalidProviderARN, s, m[1], m[2], a.Partition)
		}
		p.Region, p.ID = m[1], m[3]
	}
	return p, nil
}

// checkIssuerHostPath checks "host[:port][/path]" as IAM accepts it in a
// provider URL: printable ASCII, at most 255 characters with the scheme, a
// host, no user info, query, fragment, wildcard or trailing slash.
func checkIssuerHostPath(hp string) error {
	if hp == "" {
		return fmt.Errorf("no issuer host")
	}
	if len("https://"+hp) > 255 {
		return fmt.Errorf("issuer %q: IAM takes URLs of at most 255 characters", hp)
	}
	for i := 0; i < len(hp); i++ {
		if hp[i] <= ' ' || hp[i] > '~' { // hosts are ASCII (IDNs in punycode)
			return fmt.Errorf("issuer %q has a character that is not printable ASCII", hp)
		}
	}
	if strings.ContainsAny(hp, "*?#\\") || strings.Contains(hp, "//") || strings.HasSuffix(hp, "/") {
		return fmt.Errorf("issuer %q has a character or form IAM does not accept", hp)
	}
	u, err := url.Parse("https://" + hp)
	if err != nil {
		return fmt.Errorf("issuer %q: %v", hp, err)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Hostname() == "" {
		return fmt.Errorf("issuer %q is not host[:port][/path]", hp)
	}
	return nil
}

// IssuerURLFromProviderARN returns the issuer URL (https://<host/path>) an IAM
// OIDC provider ARN names.
func IssuerURLFromProviderARN(providerARN string) (string, error) {
	p, err := ParseProviderARN(providerARN)
	if err != nil {
		return "", err
	}
	return p.IssuerURL(), nil
}

// ProviderARNFromIssuer returns the ARN IAM gives the OIDC provider of an
// issuer URL in an account. partitionID may be "" for an EKS issuer, whose
// region decides the partition; for any other issuer it is required.
func ProviderARNFromIssuer(partitionID, account, issuerURL string) (string, error) {
	hp, err := IssuerHostPath(issuerURL)
	if err != nil {
		return "", err
	}
	if !partition.ValidAccount(account) {
		return "", fmt.Errorf("%w: account %q is not 12 digits", ErrInvalidSpec, account)
	}
	var part partition.Partition
	switch m := eksIssuerRE().FindStringSubmatch(hp); {
	case partitionID != "":
		if part, err = partition.ByID(partitionID); err != nil {
			return "", fmt.Errorf("%w: %v", ErrInvalidSpec, err)
		}
	case m != nil:
		if part, err = partition.ForRegion(m[1]); err != nil {
			return "", fmt.Errorf("%w %q: %v", ErrInvalidIssuer, issuerURL, err)
		}
	default:
		return "", fmt.Errorf("%w %q: not an EKS issuer, so the partition must be given", ErrInvalidIssuer, issuerURL)
	}
	arn := part.OIDCProviderARN(account, "https://"+hp)
	if _, err := ParseProviderARN(arn); err != nil {
		return "", fmt.Errorf("%w %q: %v", ErrInvalidIssuer, issuerURL, err)
	}
	return arn, nil
}

// IssuerHostPath checks an issuer URL (https://host[:port][/path]) and returns
// host[:port][/path], the form of provider ARNs and condition keys.
func IssuerHostPath(issuerURL string) (string, error) {
	hp, ok := strings.CutPrefix(issuerURL, "https://")
	if !ok {
		return "", fmt.Errorf("%w %q: must start with https://", ErrInvalidIssuer, issuerURL)
	}
	if err := checkIssuerHostPath(hp); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidIssuer, err)
	}
	return hp, nil
}

// EKSIssuerURL returns the issuer URL of an EKS cluster, from its region and
// OIDC ID: https://oidc.eks.<region>.<partition DNS suffix>/id/<ID>.
func EKSIssuerURL(region, oidcID string) (string, error) {
	p, err := partition.ForRegion(region)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidIssuer, err)
	}
	if !oidcIDRE().MatchString(oidcID) {
		return "", fmt.Errorf("%w: OIDC ID %q", ErrInvalidIssuer, oidcID)
	}
	return p.OIDCIssuer(region, oidcID), nil
}
