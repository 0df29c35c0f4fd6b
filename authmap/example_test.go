package authmap_test

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/authmap"
	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// aws-auth written through resource hooks: with Kubeconfig the component's
// one child is its record on aws-auth, and its hooks merge the mappings in
// (conflict retries) and revoke exactly them on pulumi destroy --run-program.
func ExampleNewAwsAuthMapping_hooks() {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		kubeconfig := pulumi.ToSecret(pulumi.String("apiVersion: v1\nkind: Config\n")).(pulumi.StringOutput)
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: kubeconfig})
		if err != nil {
			return err
		}
		_, err = authmap.NewAwsAuthMapping(ctx, "ci", &authmap.AwsAuthMappingArgs{
			Cluster: clusterref.Cluster{Name: pulumi.String("prod"), KubernetesProvider: k8s, AuthenticationMode: eksfargate.AuthConfigMap,
				HasFargateProfiles: true, PodExecutionRoleARN: pulumi.String("arn:aws:iam::123456789012:role/pods")},
			Kubeconfig:    kubeconfig,
			CreateAwsAuth: true, // a cluster without aws-auth yet: created with the Fargate mapping
			Roles: []authmap.RoleMappingArgs{{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/ci"), Username: "ci",
				Groups: []string{"deployers"}}},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(g.Tree("metadata.name"))
	// Output:
	// fargatekit:authmap:AwsAuthMapping ci
	//   kubernetes:core/v1:ConfigMapPatch ci-aws-auth  metadata.name=aws-auth
	// pulumi:providers:kubernetes k8s
}
