package irsa

import sdk "github.com/fargatekit/fargatekit/sdk/irsa"

// The plain types and values the components' Args use, from the Pulumi-free
// layer [github.com/fargatekit/fargatekit/sdk/irsa] (renderers, IAM and
// Kubernetes apply functions, verification): the same types, so a value
// built for one is accepted by the other.
type (
	// ServiceAccount names a Kubernetes service account (wildcards * and ? allowed).
	ServiceAccount = sdk.ServiceAccount
)

// Annotations the components write on the ServiceAccounts they create.
const (
	// AnnotationRoleARN names the IAM role pods of the service account assume.
	AnnotationRoleARN = sdk.AnnotationRoleARN
	// AnnotationSTSRegionalEndpoints, "true", makes the SDKs use the regional STS endpoint.
	AnnotationSTSRegionalEndpoints = sdk.AnnotationSTSRegionalEndpoints
)

// The errors a refused spec wraps; they are the SDK layer's values, so
// errors.Is works with either package's names.
var (
	// ErrInvalidSpec is wrapped by every validation error of a spec.
	ErrInvalidSpec = sdk.ErrInvalidSpec
	// ErrInvalidProviderARN: an OIDC provider ARN is missing or malformed.
	ErrInvalidProviderARN = sdk.ErrInvalidProviderARN
	// ErrInvalidIssuer: an issuer URL or an OIDC provider setting is invalid.
	ErrInvalidIssuer = sdk.ErrInvalidIssuer
	// ErrInvalidServiceAccount: a service account name or namespace is invalid.
	ErrInvalidServiceAccount = sdk.ErrInvalidServiceAccount
	// ErrNoServiceAccounts: a trust policy would admit no service account.
	ErrNoServiceAccounts = sdk.ErrNoServiceAccounts
	// ErrCrossNamespaceWildcard: a namespace wildcard without AllowCrossNamespaceWildcard.
	ErrCrossNamespaceWildcard = sdk.ErrCrossNamespaceWildcard
	// ErrDuplicate: a service account, provider, policy ARN or inline policy name repeats.
	ErrDuplicate = sdk.ErrDuplicate
	// ErrInvalidMaxSize: a trust-policy size quota outside 1..4096.
	ErrInvalidMaxSize = sdk.ErrInvalidMaxSize
	// ErrInvalidRole: a role setting (name, path, session duration, tags, policies) is invalid.
	ErrInvalidRole = sdk.ErrInvalidRole
	// ErrPolicyTooLarge: the rendered trust policy exceeds the size quota.
	ErrPolicyTooLarge = sdk.ErrPolicyTooLarge
	// ErrPodIdentityUnavailable: EKS Pod Identity asked for on a Fargate-only cluster.
	ErrPodIdentityUnavailable = sdk.ErrPodIdentityUnavailable
)
