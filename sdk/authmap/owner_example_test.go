package authmap_test

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// One declarative owner (what the Pulumi component's hooks do): reconcile
// its mappings into aws-auth, then revoke exactly them. The entry someone
// else wrote and the ensured Fargate mapping stay. (The client-go fake keeps
// the example short; the tests use the real API server.)
func ExampleReconcileOwned() {
	ctx := context.Background()
	cs := fake.NewSimpleClientset(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "aws-auth"},
		Data: map[string]string{"mapRoles": "- rolearn: arn:aws:iam::123456789012:role/ops\n  username: ops\n  groups: [ops]\n"}})
	owned := authmap.Mappings{Roles: []authmap.RoleMapping{{RoleARN: "arn:aws:iam::123456789012:role/ci", Username: "ci", Groups: []string{"deployers"}}}}
	fargate := authmap.Mappings{Roles: []authmap.RoleMapping{authmap.FargateRoleMapping("arn:aws:iam::123456789012:role/pods")}}
	opts := authmap.ConfigMapOptions{MustExist: true}
	res, err := authmap.ReconcileOwned(ctx, cs.CoreV1(), nil, owned, fargate, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Mappings.Identities())
	res, err = authmap.RevokeOwned(ctx, cs.CoreV1(), owned.Identities(), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Mappings.Identities())
	// Output:
	// [arn:aws:iam::123456789012:role/ops arn:aws:iam::123456789012:role/ci arn:aws:iam::123456789012:role/pods]
	// [arn:aws:iam::123456789012:role/ops arn:aws:iam::123456789012:role/pods]
}
