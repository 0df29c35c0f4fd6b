package authmap_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/fargatekit/fargatekit/internal/accessfake"
	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// exampleAWS is the example's own moto_server (IAM and the cluster "demo")
// with the access-entry fake in front of moto's EKS, which has no access
// entries. Outside a test: eks.NewFromConfig(cfg) and iam.NewFromConfig(cfg)
// with cfg from config.LoadDefaultConfig.
func exampleAWS(mode string, roles ...[2]string) (*accessfake.EKS, *iam.Client, func(), error) {
	ctx := context.Background()
	srv, err := mototest.Start(ctx, os.TempDir())
	if err != nil {
		return nil, nil, nil, err
	}
	cfg := srv.Config("eu-west-1")
	ic, ec := iam.NewFromConfig(cfg), eks.NewFromConfig(cfg)
	for _, r := range append([][2]string{{"/", "demo-cluster"}}, roles...) {
		if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{Path: aws.String(r[0]), RoleName: aws.String(r[1]), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			return nil, nil, nil, err
		}
	}
	if _, err := ec.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("demo"), RoleArn: aws.String("arn:aws:iam::" + mototest.AccountID + ":role/demo-cluster"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}}}); err != nil {
		return nil, nil, nil, err
	}
	f := accessfake.New(ec, ic)
	if err := f.SetMode(ctx, "demo", mode); err != nil {
		return nil, nil, nil, err
	}
	return f, ic, func() { _ = srv.Stop() }, nil
}

// Migrate moves a cluster from aws-auth to access entries: a dry run by
// default, then the same steps applied. aws-auth's path-less ARN of the
// Developer role becomes its full ARN; the Fargate mapping becomes a
// FARGATE_LINUX entry before aws-auth loses it. (The ConfigMap here is on
// client-go's fake to keep the example self-contained; TestMigrate runs the
// same on a real API server.)
func ExampleMigrate() {
	api, principals, stop, err := exampleAWS(accessfake.ModeConfigMap, [2]string{"/", "demo-pods"}, [2]string{"/teams/", "Developer"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()
	kube := fake.NewClientset(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "aws-auth"}, Data: map[string]string{"mapRoles": `- rolearn: arn:aws:iam::123456789012:role/demo-pods
  username: system:node:{{SessionName}}
  groups: [system:bootstrappers, system:nodes, system:node-proxier]
- rolearn: arn:aws:iam::123456789012:role/Developer
  username: dev:{{SessionName}}
  groups: [developers]
`}}).CoreV1()
	// PollInterval: the fake's updates settle at once; against EKS keep the default.
	opts := authmap.MigrateOptions{Principals: principals, PollInterval: time.Millisecond}
	plan, err := authmap.Migrate(ctx, api, kube, "demo", opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(plan)
	opts.Apply = true
	done, err := authmap.Migrate(ctx, api, kube, "demo", opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	left, _, _ := authmap.Read(ctx, kube, authmap.ConfigMapOptions{})
	fmt.Println("applied:", done.Applied, "mode:", done.ModeAfter, "aws-auth entries left:", left.Len())
	// Output:
	// authentication mode: CONFIG_MAP -> CONFIG_MAP
	//  1. (would) switch authentication mode CONFIG_MAP -> API_AND_CONFIG_MAP (UpdateClusterConfig, waited)
	//  2. (would) create access entry FARGATE_LINUX arn:aws:iam::123456789012:role/demo-pods
	//  3. (would) create access entry STANDARD arn:aws:iam::123456789012:role/teams/Developer username=dev:{{SessionName}} groups=developers
	//  4. (would) remove from aws-auth, once the entries above exist: arn:aws:iam::123456789012:role/demo-pods, arn:aws:iam::123456789012:role/developer
	//  5. (would) switch authentication mode API_AND_CONFIG_MAP -> API (UpdateClusterConfig, waited)
	// applied: true mode: API aws-auth entries left: 0
}

// ApplyEntries grants access entries directly: an IAM Identity Center role
// (full ARN, path included) viewing two namespaces, a CI role editing one.
// Entries that exist are adopted and converged; a second run writes nothing.
func ExampleApplyEntries() {
	api, _, stop, err := exampleAWS(accessfake.ModeAPI, [2]string{"/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_ReadOnly_0a1b"}, [2]string{"/", "ci"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()
	want := []authmap.AccessEntry{
		{PrincipalARN: "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_0a1b",
			Policies: []authmap.PolicyAssociation{{Policy: authmap.ViewPolicy, Namespaces: []string{"shop", "payments"}}}},
		{PrincipalARN: "arn:aws:iam::123456789012:role/ci", KubernetesGroups: []string{"deployers"},
			Policies: []authmap.PolicyAssociation{{Policy: authmap.EditPolicy, Namespaces: []string{"shop"}}}},
	}
	res, err := authmap.ApplyEntries(ctx, api, "demo", want, authmap.AccessEntryOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(res.Plan)
	fmt.Println("writes:", res.Writes)
	again, err := authmap.ApplyEntries(ctx, api, "demo", want, authmap.AccessEntryOptions{})
	fmt.Println("second run writes:", again.Writes, err)
	// Output:
	// create     STANDARD arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_0a1b policies=AmazonEKSViewPolicy@shop,payments
	// associate  arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_0a1b arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy (namespaces shop,payments)
	// create     STANDARD arn:aws:iam::123456789012:role/ci groups=deployers policies=AmazonEKSEditPolicy@shop
	// associate  arn:aws:iam::123456789012:role/ci arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy (namespaces shop)
	// writes: 4
	// second run writes: 0 <nil>
}
