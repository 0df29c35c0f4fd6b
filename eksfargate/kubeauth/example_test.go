package kubeauth_test

import (
	"encoding/base64"
	"fmt"

	"github.com/fargatekit/fargatekit/eksfargate/kubeauth"
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
	//       installHint: 'fargatekit is needed to get EKS tokens: go install github.com/fargatekit/fargatekit/cmd/fargatekit@latest'
	//       interactiveMode: Never
	//       provideClusterInfo: false
}

// The aws CLI as exec plugin, with a profile, as "aws eks update-kubeconfig"
// writes it.
func ExampleExecCommand() {
	cmd, args := kubeauth.ExecCommand(kubeauth.KubeconfigSpec{ClusterName: "demo", Region: "us-east-1", Exec: kubeauth.ExecAWS})
	fmt.Println(cmd, args)
	// Output:
	// aws [--region us-east-1 eks get-token --cluster-name demo --output json]
}
