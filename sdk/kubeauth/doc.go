// Package kubeauth authenticates to EKS clusters natively in Go: it makes the
// bearer tokens EKS accepts, the ExecCredential that kubectl's exec plugins
// print, kubeconfigs, and client-go *rest.Config values, without the aws CLI.
//
// # Tokens
//
// An EKS token is a presigned STS GetCallerIdentity URL: the API server (its
// aws-iam-authenticator webhook) calls the URL and learns who signed it. The
// URL is signed with SigV4 by aws-sdk-go-v2's presign client and carries
//
//   - the signed header x-k8s-aws-id: <cluster name>, so a token for one
//     cluster is useless against another;
//   - X-Amz-Expires=60 (STS ignores it; EKS expects a value up to 60);
//   - the regional STS endpoint, https://sts.<region>.amazonaws.com (or
//     .amazonaws.com.cn in China), from internal/partition;
//
// and is encoded as "k8s-aws-v1." + base64url(URL) without padding. STS accepts
// a presigned URL for 15 minutes after its X-Amz-Date; the token's reported
// expiry is 14 minutes after signing ([TokenLifetime]), one minute of margin
// for clock skew and requests in flight, as the aws CLI reports it.
//
//	gen, err := kubeauth.NewGenerator(kubeauth.TokenOptions{
//		ClusterName: "demo", Region: "eu-west-1", Credentials: cfg.Credentials,
//		RoleARN: "arn:aws:iam::123456789012:role/eks-admin", // optional
//	})
//	tok, err := gen.Token(ctx)
//
// Credentials come in as an aws.CredentialsProvider and the clock as a
// function, so tests are deterministic. A region is never defaulted. With
// RoleARN the role is assumed first (stscreds.AssumeRoleProvider, session
// name "fargatekit-<unix time>" unless given) and its credentials cached.
// [ParseToken] decodes a token and checks what EKS checks before calling STS.
//
// # ExecCredential and the token command
//
// [MarshalExecCredential] prints exactly the fields "aws eks get-token"
// prints (kind, apiVersion, spec, status.expirationTimestamp, status.token),
// in client.authentication.k8s.io/v1beta1, or v1 when KUBERNETES_EXEC_INFO
// asks for it ([ExecInfoAPIVersion]). "fargatekit token" keeps tokens in a
// [TokenCache] on disk (files 0600 in a 0700 directory under
// os.UserCacheDir()/fargatekit/tokens or $FARGATEKIT_CACHE_DIR), keyed by
// cluster, region, role and a SHA-256 of the credentials' identity, and reuses
// them until [CacheMargin] before expiry. [ResolveLocal] finds that identity
// from the environment and shared config files alone, so a cache hit loads no
// SDK configuration and touches no network.
//
// # Kubeconfig and client-go
//
// [RenderKubeconfig] renders a kubeconfig (clientcmd v1 YAML) from a
// [KubeconfigSpec]: one cluster, one exec user and one current context. The
// exec plugin is "fargatekit token --cluster-name N --region R [--role-arn A]"
// ([ExecFargatekit], the default) or, as "aws eks update-kubeconfig" writes it,
// "aws --region R eks get-token --cluster-name N --output json [--role-arn A]"
// ([ExecAWS]); a profile is passed as --profile P (which wins over static keys
// in the environment, as AWS_PROFILE alone does not) and as AWS_PROFILE in the
// plugin's environment; interactiveMode is Never and provideClusterInfo false. Entries are
// named by the cluster ARN when known ([KubeconfigSpec].ClusterARN), else
// "fargatekit_<region>_<cluster>"; Alias renames the context. [CheckExec]
// tells, before a kubeconfig is used, whether its exec command is on PATH,
// with an error naming the install command ([ErrExecNotFound]).
// [UpdateKubeconfigFile] merges such an entry into a kubeconfig file, keeping
// every other entry, like "aws eks update-kubeconfig". The Pulumi FargateCluster
// component calls RenderKubeconfig inside ApplyT for its kubeconfig output.
//
// [RESTConfig] builds a *rest.Config from a [ClusterInfo] (see
// [DescribeCluster]) and a [TokenSource]; wrap a [Generator] in
// [ReuseTokenSource] so that tokens are signed once per lifetime.
//
// # Speed
//
// bench/token_vs_awscli.sh times "fargatekit token" (cached and uncached)
// against "aws eks get-token" and a Go hello-world process on the same fake
// credentials and prints the ratios; BenchmarkGeneratorToken and
// BenchmarkTokenCacheGet measure the library alone. A cache hit costs about
// a hundred microseconds; the rest of the command is the fargatekit binary's own
// start-up (package initialisation of everything it links), which the
// script reports with GODEBUG=inittrace.
package kubeauth
