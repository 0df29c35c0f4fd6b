package irsa

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// ChainAPI is the part of the IAM client that [VerifyChain] uses: the role's
// trust policy and the OIDC provider. *iam.Client implements it.
type ChainAPI interface {
	RoleGetter
	GetOpenIDConnectProvider(ctx context.Context, in *iam.GetOpenIDConnectProviderInput, opts ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error)
}

var _ ChainAPI = (*iam.Client)(nil)

// Link names one link of the IRSA chain that [VerifyChain] checks, in the
// order a pod's credentials depend on them.
type Link string

// The links of the IRSA chain.
const (
	// LinkServiceAccount: the ServiceAccount exists.
	LinkServiceAccount Link = "service-account"
	// LinkAnnotation: the ServiceAccount carries eks.amazonaws.com/role-arn,
	// naming the expected role when one is given.
	LinkAnnotation Link = "annotation"
	// LinkRole: the annotated role exists in IAM.
	LinkRole Link = "role"
	// LinkTrust: the role's trust policy admits the service account's real
	// projected token (sub, aud and the Federated principal).
	LinkTrust Link = "trust"
	// LinkOIDCProvider: the IAM OIDC provider the trust policy names exists
	// for the token's issuer.
	LinkOIDCProvider Link = "oidc-provider"
	// LinkClientID: the OIDC provider accepts the client ID (audience)
	// sts.amazonaws.com, the audience of IRSA tokens.
	LinkClientID Link = "client-id"
	// LinkAssume: STS itself grants sts:AssumeRoleWithWebIdentity with the
	// account's real token (only with [ChainOptions].STS): the end-to-end
	// proof, which also covers what cannot be read (SCPs, the provider's
	// keys, the issuer's reachability).
	LinkAssume Link = "assume-role"
)

// STSAPI is the part of the STS client that [VerifyChain] uses for
// [LinkAssume]. *sts.Client implements it; the call needs no AWS
// credentials (the token is the credential).
type STSAPI interface {
	AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, opts ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error)
}

var _ STSAPI = (*sts.Client)(nil)

// AssumeSessionName is the role session name of VerifyChain's
// sts:AssumeRoleWithWebIdentity call (it shows in CloudTrail).
const AssumeSessionName = "fargatekit-irsa-verify"

// stsRefusals are the STS error codes that mean "the chain is broken", as
// opposed to a failure to ask (throttling, network): AccessDenied (the trust
// policy or an SCP refuses), InvalidIdentityToken (no provider for the
// issuer, the audience not a client ID, the keys unreachable), ExpiredToken,
// IDPRejectedClaim and IDPCommunicationError (STS could not fetch the
// issuer's keys). Source: the AssumeRoleWithWebIdentity API reference,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
var stsRefusals = []string{"AccessDenied", "InvalidIdentityToken", "ExpiredTokenException", "ExpiredToken", "IDPRejectedClaim", "IDPCommunicationError", "PackedPolicyTooLarge", "RegionDisabledException"}

// ErrChainBroken is wrapped by [ChainResult.Err] when a link of the chain is
// broken; the concrete error is a *[BrokenLinkError].
var ErrChainBroken = errors.New("IRSA chain broken")

// BrokenLinkError names the first broken link of a chain and why it is broken.
type BrokenLinkError struct {
	// ServiceAccount is the account whose chain was checked.
	ServiceAccount ServiceAccount
	// Link is the first broken link; Reason says what is wrong with it.
	Link   Link
	Reason string
}

// Error implements error.
func (e *BrokenLinkError) Error() string {
	return fmt.Sprintf("%s: %s link broken: %s", e.ServiceAccount, e.Link, e.Reason)
}

// Is makes errors.Is(err, ErrChainBroken) true.
func (e *BrokenLinkError) Is(target error) bool { return target == ErrChainBroken }

// LinkStatus is the outcome of one link's check.
type LinkStatus string

// The outcomes of a link's check.
const (
	// LinkOK: the link holds.
	LinkOK LinkStatus = "ok"
	// LinkBroken: the link is broken; pods of the account get no credentials.
	LinkBroken LinkStatus = "broken"
	// LinkSkipped: the link was not checked (an earlier link it depends on is
	// broken, or no IAM client was given).
	LinkSkipped LinkStatus = "skipped"
)

// LinkResult is one checked link.
type LinkResult struct {
	// Link is the link; Status its outcome; Detail what was found.
	Link   Link
	Status LinkStatus
	Detail string
}

// ChainResult is the outcome of [VerifyChain]: every link, in chain order.
type ChainResult struct {
	// ServiceAccount is the account checked.
	ServiceAccount ServiceAccount
	// RoleARN is the role checked: the expected one, else the annotation's.
	RoleARN string
	// ProviderARN is the OIDC provider checked, "" when none was.
	ProviderARN string
	// Links are the links, in chain order.
	Links []LinkResult
	// Trust is the trust policy's evaluation, nil when it was not reached.
	Trust *VerifyResult
}

// OK reports whether no link is broken.
func (r *ChainResult) OK() bool { return r.Broken() == nil }

// Broken returns the first broken link, or nil.
func (r *ChainResult) Broken() *LinkResult {
	for i := range r.Links {
		if r.Links[i].Status == LinkBroken {
			return &r.Links[i]
		}
	}
	return nil
}

// Err returns a *[BrokenLinkError] for the first broken link, or nil.
func (r *ChainResult) Err() error {
	if b := r.Broken(); b != nil {
		return &BrokenLinkError{ServiceAccount: r.ServiceAccount, Link: b.Link, Reason: b.Detail}
	}
	return nil
}

// String lists the links, one a line.
func (r *ChainResult) String() string {
	var b strings.Builder
	for i, l := range r.Links {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%-15s %-7s %s", l.Link, l.Status, strings.ReplaceAll(l.Detail, "\n", "\n                        "))
	}
	return b.String()
}

// ChainOptions tune [VerifyChain].
type ChainOptions struct {
	// VerifyOptions tune the token request and the trust evaluation. Their
	// ProviderARN, when empty, is the Federated principal of the token's
	// issuer that the trust policy names, else the role account's provider
	// for the issuer.
	VerifyOptions
	// RoleARN is the role the ServiceAccount must be annotated with; "" takes
	// whatever role the annotation names.
	RoleARN string
	// Policy, when not empty, is the trust policy evaluated instead of the
	// role's (read with iam:GetRole otherwise).
	Policy string
	// STS, when set, adds [LinkAssume]: once every other link holds, the
	// account's real token is exchanged for the role's credentials with
	// sts:AssumeRoleWithWebIdentity (the credentials are discarded).
	STS STSAPI
}

// VerifyChain checks the whole IRSA chain of a service account and names the
// broken link: the ServiceAccount exists; it is annotated with the role
// (opts.RoleARN when given); the role exists; its trust policy admits the
// account's real projected token ([Verify]); the IAM OIDC provider that the
// trust names exists for the token's issuer; and that provider accepts the
// client ID sts.amazonaws.com; with opts.STS, STS itself exchanges the token
// for the role's credentials. A link that cannot be checked because an
// earlier one is broken is skipped. api may be nil when opts.Policy is given:
// the role and provider links are then skipped. The error is for failures to
// check (API errors, a malformed policy); a broken link is in the result
// ([ChainResult.Err]).
func VerifyChain(ctx context.Context, cs kubernetes.Interface, api ChainAPI, sa ServiceAccount, opts ChainOptions) (*ChainResult, error) {
	fail := func(err error) (*ChainResult, error) { return nil, fmt.Errorf("irsa: VerifyChain %s: %w", sa, err) }
	if err := exactAccount(sa); err != nil {
		return fail(err)
	}
	if opts.RoleARN != "" {
		if _, err := partition.ParseARN(opts.RoleARN, "iam", "role/"); err != nil {
			return fail(fmt.Errorf("%w: role ARN: %v", ErrInvalidRole, err))
		}
	}
	if api == nil && opts.Policy == "" {
		return fail(fmt.Errorf("%w: no IAM client and no policy: nothing to evaluate", ErrInvalidSpec))
	}
	r := &ChainResult{ServiceAccount: sa, RoleARN: opts.RoleARN}
	add := func(l Link, st LinkStatus, format string, a ...any) {
		r.Links = append(r.Links, LinkResult{Link: l, Status: st, Detail: fmt.Sprintf(format, a...)})
	}
	skipRest := func(from Link, why string) {
		all := []Link{LinkServiceAccount, LinkAnnotation, LinkRole, LinkTrust, LinkOIDCProvider, LinkClientID}
		if opts.STS != nil {
			all = append(all, LinkAssume)
		}
		for _, l := range all[slices.Index(all, from):] {
			add(l, LinkSkipped, "%s", why)
		}
	}

	// 1. The ServiceAccount.
	obj, err := cs.CoreV1().ServiceAccounts(sa.Namespace).Get(ctx, sa.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		add(LinkServiceAccount, LinkBroken, "ServiceAccount %s does not exist", sa)
		skipRest(LinkAnnotation, "no ServiceAccount")
		return r, nil
	}
	if err != nil {
		return fail(fmt.Errorf("getting the ServiceAccount: %w", err))
	}
	add(LinkServiceAccount, LinkOK, "ServiceAccount %s exists", sa)

	// 2. Its annotation.
	annotated, has := obj.Annotations[AnnotationRoleARN]
	switch {
	case !has || annotated == "":
		add(LinkAnnotation, LinkBroken, "no %s annotation: pods of %s get no web-identity token or role", AnnotationRoleARN, sa)
	case opts.RoleARN != "" && annotated != opts.RoleARN:
		add(LinkAnnotation, LinkBroken, "%s is %s, not %s: pods assume the other role", AnnotationRoleARN, annotated, opts.RoleARN)
	default:
		if _, err := partition.ParseARN(annotated, "iam", "role/"); err != nil {
			add(LinkAnnotation, LinkBroken, "%s is %q, not a role ARN: %v", AnnotationRoleARN, annotated, err)
			break
		}
		add(LinkAnnotation, LinkOK, "%s = %s", AnnotationRoleARN, annotated)
		if r.RoleARN == "" {
			r.RoleARN = annotated
		}
	}
	if r.RoleARN == "" && opts.Policy == "" {
		skipRest(LinkRole, "no role to check")
		return r, nil
	}

	// 3. The role and its trust policy.
	policy := opts.Policy
	switch {
	case opts.Policy != "":
		add(LinkRole, LinkSkipped, "trust policy given; the role is not read")
	case api == nil:
		add(LinkRole, LinkSkipped, "no IAM client")
	default:
		policy, err = GetTrustPolicy(ctx, api, r.RoleARN)
		if isNotFound(err) {
			add(LinkRole, LinkBroken, "role %s does not exist in IAM", r.RoleARN)
			skipRest(LinkTrust, "no role")
			return r, nil
		}
		if err != nil {
			return fail(err)
		}
		add(LinkRole, LinkOK, "role %s exists", r.RoleARN)
	}

	// 4. The trust policy against the real token.
	res, err := Verify(ctx, cs, sa, policy, opts.VerifyOptions)
	if err != nil {
		return fail(err)
	}
	r.Trust = res
	if res.Admitted {
		add(LinkTrust, LinkOK, "%s", res)
	} else {
		add(LinkTrust, LinkBroken, "%s", res)
	}

	// 5, 6. The OIDC provider and its client IDs.
	if api == nil {
		add(LinkOIDCProvider, LinkSkipped, "no IAM client")
		add(LinkClientID, LinkSkipped, "no IAM client")
		return r, assume(ctx, r, opts.STS, res.token, add)
	}
	providerARN := opts.ProviderARN
	if providerARN == "" {
		providerARN = res.ProviderARN
	}
	if providerARN == "" && r.RoleARN != "" {
		role, _ := partition.ParseARN(r.RoleARN, "iam", "role/") // checked above
		if providerARN, err = ProviderARNFromIssuer(role.Partition, role.AccountID, res.Claims.Issuer); err != nil {
			return fail(err)
		}
	}
	if providerARN == "" {
		add(LinkOIDCProvider, LinkSkipped, "no role account to look the provider up in")
		add(LinkClientID, LinkSkipped, "no provider")
		return r, assume(ctx, r, opts.STS, res.token, add)
	}
	r.ProviderARN = providerARN
	prov, err := api.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &providerARN})
	if isNotFound(err) {
		add(LinkOIDCProvider, LinkBroken, "no IAM OIDC provider %s for issuer %s: STS refuses every token of the cluster", providerARN, res.Claims.Issuer)
		add(LinkClientID, LinkSkipped, "no provider")
		return r, assume(ctx, r, opts.STS, res.token, add)
	}
	if err != nil {
		return fail(fmt.Errorf("GetOpenIDConnectProvider: %w", err))
	}
	add(LinkOIDCProvider, LinkOK, "IAM OIDC provider %s exists", providerARN)
	aud := cmp(opts.Audience, Audience)
	if slices.Contains(prov.ClientIDList, aud) {
		add(LinkClientID, LinkOK, "provider accepts client ID %s", aud)
	} else {
		add(LinkClientID, LinkBroken, "provider's client IDs are %q, without %s: STS refuses the token's audience", prov.ClientIDList, aud)
	}
	return r, assume(ctx, r, opts.STS, res.token, add)
}

// assume adds [LinkAssume] when an STS client is given: skipped after a
// broken link, else the real exchange of the token for the role's
// credentials.
func assume(ctx context.Context, r *ChainResult, api STSAPI, token string, add func(Link, LinkStatus, string, ...any)) error {
	switch {
	case api == nil:
		return nil
	case r.Broken() != nil:
		add(LinkAssume, LinkSkipped, "a link above is broken")
		return nil
	case r.RoleARN == "" || token == "":
		add(LinkAssume, LinkSkipped, "no role or token to assume it with")
		return nil
	}
	out, err := api.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: &r.RoleARN, RoleSessionName: aws.String(AssumeSessionName), WebIdentityToken: &token,
		DurationSeconds: aws.Int32(900), // the shortest STS allows: the credentials are thrown away
	})
	var apiErr smithy.APIError
	switch {
	case err == nil:
		who := "the role"
		if out.AssumedRoleUser != nil && out.AssumedRoleUser.Arn != nil {
			who = *out.AssumedRoleUser.Arn
		}
		add(LinkAssume, LinkOK, "STS granted sts:AssumeRoleWithWebIdentity: %s", who)
		return nil
	case errors.As(err, &apiErr) && slices.Contains(stsRefusals, apiErr.ErrorCode()):
		add(LinkAssume, LinkBroken, "STS refused sts:AssumeRoleWithWebIdentity: %s: %s", apiErr.ErrorCode(), apiErr.ErrorMessage())
		return nil
	default:
		return fmt.Errorf("irsa: VerifyChain %s: AssumeRoleWithWebIdentity: %w", r.ServiceAccount, err)
	}
}
