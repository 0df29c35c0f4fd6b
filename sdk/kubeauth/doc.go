// Package kubeauth authenticates to EKS clusters natively in Go: it makes the
// bearer tokens EKS accepts, the ExecCredential that kubectl's exec plugins
// print, kubeconfigs, and client-go *rest.Config values, without the aws CLI.
//
// # Tokens
//
// The token itself (a presigned STS GetCallerIdentity URL with the signed
// x-k8s-aws-id header), its cache, the ExecCredential and the reading of local
// credentials live in [ekstoken], which links no AWS SDK and no net/http so
// that the "fargatekit token" exec plugin starts as fast as a hello world.
// [Generator] adds what needs the SDK: credentials from any
// aws.CredentialsProvider (SSO, instance and container roles, web identity),
// and an assumed role.
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
// Signing is [ekstoken.Presign]'s: fargatekit has one SigV4 presigner.
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
// ekstoken's BenchmarkTokenCacheGet measure the libraries alone.
package kubeauth
