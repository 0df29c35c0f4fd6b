// Package ekstoken makes EKS bearer tokens with nothing but the standard
// library: no AWS SDK, no net/http, no TLS. It is what the "fargatekit token"
// kubectl exec plugin links, so that a process kubectl starts for every call
// costs about what a Go hello world costs;
// [github.com/fargatekit/fargatekit/sdk/kubeauth] builds its Generator
// (the AWS SDK's credential chain, assumed roles), kubeconfigs and client-go
// configs on top of it.
//
// # Tokens
//
// An EKS token is a presigned STS GetCallerIdentity URL: the API server (its
// aws-iam-authenticator webhook) calls the URL and learns who signed it.
// [Presign] signs it with SigV4 query-string authentication and carries
//
//   - the signed header x-k8s-aws-id: <cluster name>, so a token for one
//     cluster is useless against another;
//   - X-Amz-Expires=60 (STS ignores it; EKS expects a value up to 60);
//   - the regional STS endpoint, https://sts.<region>.amazonaws.com (or
//     .amazonaws.com.cn in China), from internal/partition;
//
// and is encoded as "k8s-aws-v1." + base64url(URL) without padding. The URL
// is byte for byte the one aws-sdk-go-v2's STS presign client makes (a test
// and a fuzz target compare them; another checks the signature against SigV4
// written out by hand). STS accepts a presigned URL for 15 minutes after its
// X-Amz-Date; the reported expiry is 14 minutes after signing
// ([TokenLifetime]), as the aws CLI reports it. [ParseToken] decodes a token
// and checks what EKS checks before calling STS.
//
// # ExecCredential, cache and local credentials
//
// [MarshalExecCredential] prints exactly the fields "aws eks get-token"
// prints, in client.authentication.k8s.io/v1beta1, or v1 when
// KUBERNETES_EXEC_INFO asks for it ([ExecInfoAPIVersion]). A [TokenCache]
// keeps tokens on disk (files 0600 in a 0700 directory under
// os.UserCacheDir()/fargatekit/tokens or $FARGATEKIT_CACHE_DIR), keyed by
// cluster, region, role and a SHA-256 of the credentials' identity, and reuses
// them until [CacheMargin] before expiry.
//
// [ResolveLocal] finds that identity, the region, and static keys when the
// credentials are static, from the environment and the shared config and
// credentials files alone, read as the SDK reads them. What it does not model
// (indented sub-properties, a profile defined twice, keys beside another
// credential source) it leaves unresolved, and the caller falls back to the
// SDK; a fuzz target checks that whenever it resolves a profile, the SDK's
// config.LoadSharedConfigProfile agrees.
package ekstoken
