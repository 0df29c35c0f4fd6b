// Package irsa builds IAM roles for Kubernetes service accounts (IRSA) on EKS,
// correct by construction and verified against real tokens, in plain Go: it
// imports no Pulumi package. The Pulumi components (IRSARole, OIDCProvider,
// PodIdentityRole) are in github.com/fargatekit/fargatekit/irsa, built on
// the renderers here.
//
// The layers, spec to apply:
//
//   - Pure renderers: [TrustPolicy] (one cluster) and [TrustSpec] (several
//     clusters, namespace wildcards, a raised quota) render the web-identity
//     trust policy through internal/iampolicy. The subject condition uses
//     StringEquals for exact names and StringLike when any name or namespace
//     has a wildcard; the audience condition is always its own StringEquals on
//     sts.amazonaws.com, so a wildcard never weakens it. Invalid names, bad
//     provider ARNs, namespace-spanning wildcards, duplicates and policies over
//     IAM's ACLSizePerRole quota are refused with named errors.
//     [ParseProviderARN], [IssuerURLFromProviderARN], [ProviderARNFromIssuer]
//     and [EKSIssuerURL] convert between provider ARNs and issuer URLs in every
//     partition. [PodIdentityTrustPolicy] renders the EKS Pod Identity trust.
//   - SDK (no Pulumi): [EnsureOIDCProvider], [EnsureRole], [DeleteRole] and
//     [DeleteOIDCProvider] converge IAM through narrow interfaces over the
//     aws-sdk-go-v2 IAM client ([RoleAPI], [OIDCProviderAPI]); a second run
//     makes no write call, and calls that meet IAM's eventual consistency are
//     retried with an injectable backoff ([Options]). They merge by default:
//     tags, attachments, inline policies, client IDs and thumbprints that
//     other tools added stay ([RoleSpec.Remove] names what the caller no
//     longer wants; Authoritative makes the spec the whole role or provider).
//     [EnsureServiceAccountRole] is eksctl's create iamserviceaccount in one
//     call: role, trust, attachments and the annotated ServiceAccount.
//     [GetTrustPolicy] reads a role's trust policy back.
//   - Kubernetes (client-go): [AnnotateServiceAccount] applies the role
//     annotation with server-side apply (field manager "fargatekit"), and
//     [Verify] asks the API server for a real projected token (TokenRequest,
//     audience sts.amazonaws.com), checks its signature against the server's
//     published keys ([VerifySignature]) and evaluates a trust policy against
//     its claims with [Evaluate], the pure part, which reports which element or
//     condition fails. [VerifyChain] checks the whole chain and names the
//     broken link ([Link]): the ServiceAccount exists and is annotated with
//     the role, the role exists, its trust admits the real token, and the
//     IAM OIDC provider of the token's issuer exists with client ID
//     sts.amazonaws.com; with [ChainOptions].STS set, STS itself is asked to
//     exchange the token for the role's credentials
//     (sts:AssumeRoleWithWebIdentity; the credentials are discarded), and
//     its refusal names the link too.
//
// # Command line
//
// fargatekit irsa trust-policy prints [TrustSpec]'s policy; fargatekit irsa
// create is [EnsureServiceAccountRole] (--cluster derives the OIDC provider
// from the cluster's issuer); fargatekit irsa verify is [VerifyChain]
// (--assume asks STS). Both reach the cluster with --kubeconfig/--context,
// or with --cluster/--region alone (the EKS endpoint and a native token).
package irsa
