package kubeauth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// A kubeconfig whose exec plugin is "fargatekit token", as the FargateCluster
// component outputs it. CAData is what DescribeCluster returns (base64 PEM).
func ExampleRenderKubeconfig() {
	ca := base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	out, err := kubeauth.RenderKubeconfig(kubeauth.KubeconfigSpec{
		ClusterName: "demo",
		Endpoint:    "https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com",
		CAData:      ca,
		Region:      "eu-west-1",
		RoleARN:     "arn:aws:iam::123456789012:role/eks-admin",
		ClusterARN:  "arn:aws:eks:eu-west-1:123456789012:cluster/demo",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)
	// Output:
	// apiVersion: v1
	// clusters:
	// - cluster:
	//     certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkFBQUEKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
	//     server: https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com
	//   name: arn:aws:eks:eu-west-1:123456789012:cluster/demo
	// contexts:
	// - context:
	//     cluster: arn:aws:eks:eu-west-1:123456789012:cluster/demo
	//     user: arn:aws:eks:eu-west-1:123456789012:cluster/demo
	//   name: arn:aws:eks:eu-west-1:123456789012:cluster/demo
	// current-context: arn:aws:eks:eu-west-1:123456789012:cluster/demo
	// kind: Config
	// users:
	// - name: arn:aws:eks:eu-west-1:123456789012:cluster/demo
	//   user:
	//     exec:
	//       apiVersion: client.authentication.k8s.io/v1beta1
	//       args:
	//       - token
	//       - --cluster-name
	//       - demo
	//       - --region
	//       - eu-west-1
	//       - --role-arn
	//       - arn:aws:iam::123456789012:role/eks-admin
	//       command: fargatekit
	//       env: null
	//       installHint: 'fargatekit is needed to get EKS tokens: go install github.com/fargatekit/fargatekit/cmd/fargatekit@latest
	//         github.com/fargatekit/fargatekit/cmd/fargatekit-admin@latest'
	//       interactiveMode: Never
	//       provideClusterInfo: false
}

// The aws CLI as exec plugin, with a profile, as "aws eks update-kubeconfig"
// writes it.
func ExampleExecCommand() {
	cmd, args := kubeauth.ExecCommand(kubeauth.KubeconfigSpec{ClusterName: "demo", Region: "us-east-1", Exec: kubeauth.ExecAWS, Profile: "dev"})
	fmt.Println(cmd, args)
	// Output:
	// aws [--region us-east-1 eks get-token --cluster-name demo --output json --profile dev]
}

// Before handing a kubeconfig to kubectl or a Kubernetes provider, check that
// its exec plugin is installed (here a PATH that has no fargatekit).
func ExampleCheckExec() {
	lookPath := func(file string) (string, error) { return "", errors.New("not found in $PATH") }
	err := kubeauth.CheckExec(kubeauth.KubeconfigSpec{ClusterName: "demo", Region: "us-east-1"}, lookPath)
	fmt.Println(errors.Is(err, kubeauth.ErrExecNotFound))
	fmt.Println(err)
	// Output:
	// true
	// kubeauth: the kubeconfig's exec command is not on PATH: "fargatekit" (not found in $PATH); install it with: go install github.com/fargatekit/fargatekit/cmd/fargatekit@latest github.com/fargatekit/fargatekit/cmd/fargatekit-admin@latest
}

// A token made with fixed credentials and clock, decoded again: the
// presigned STS URL's host and query parameters.
func ExampleGenerator_Token() {
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, nil
	})
	gen, err := kubeauth.NewGenerator(kubeauth.TokenOptions{
		ClusterName: "demo",
		Region:      "eu-west-1",
		Credentials: creds,
		Now:         func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := gen.Token(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	u, err := ekstoken.ParseToken(tok.Value)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("expires:", tok.Expiration.Format(time.RFC3339))
	fmt.Println("host:", u.Host)
	q := u.Query()
	var keys []string
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s=%s\n", k, q.Get(k))
	}
	// Output:
	// expires: 2025-01-02T03:18:05Z
	// host: sts.eu-west-1.amazonaws.com
	// Action=GetCallerIdentity
	// Version=2011-06-15
	// X-Amz-Algorithm=AWS4-HMAC-SHA256
	// X-Amz-Credential=AKIDEXAMPLE/20250102/eu-west-1/sts/aws4_request
	// X-Amz-Date=20250102T030405Z
	// X-Amz-Expires=60
	// X-Amz-Signature=1d6916ee6681e9e7fa14c92c2ba03f99bd9b548faea30ae66737fe76b3911ea1
	// X-Amz-SignedHeaders=host;x-k8s-aws-id
}

// A client-go config for a cluster found with DescribeCluster, signing a new
// token only when the last one is a minute from expiry.
func ExampleRESTConfig() {
	ctx := context.Background()
	var api kubeauth.EKSDescriber // eks.NewFromConfig(cfg)
	var creds aws.CredentialsProvider
	if api == nil || creds == nil {
		return // needs an AWS account
	}
	info, err := kubeauth.DescribeCluster(ctx, api, "demo")
	if err != nil {
		return
	}
	gen, err := kubeauth.NewGenerator(kubeauth.TokenOptions{ClusterName: info.Name, Region: info.Region, Credentials: creds})
	if err != nil {
		return
	}
	cfg, err := kubeauth.RESTConfig(info, kubeauth.ReuseTokenSource(gen, nil))
	if err != nil {
		return
	}
	fmt.Println(cfg.Host) // kubernetes.NewForConfig(cfg) ...
}
