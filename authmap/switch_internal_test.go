package authmap

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	applycorev1 "k8s.io/client-go/applyconfigurations/core/v1"
)

// Moving a component from the forced patch (ConfigMap mode without
// Kubeconfig) to hooks mode: the patch, the sole server-side-apply owner of
// the data it changed, stops applying it, which would delete aws-auth's
// mapRoles. The apply hook shares the keys first, so the data stays.
func TestSwitchToHooksKeepsDataRealServer(t *testing.T) {
	cs, ns, kubeconfig := kubeconfigFor(t)
	ctx := context.Background()
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"},
		Data: map[string]string{"mapRoles": hookNodeRoles}}, metav1.CreateOptions{FieldManager: "eks"}); err != nil {
		t.Fatal(err)
	}
	s := runHooksMode(t, kubeconfig, []string{"auth"}, &AwsAuthMappingArgs{Namespace: ns,
		Roles: []RoleMappingArgs{{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/ci"), Username: "ci"}}})[0]
	// What the forced patch wrote last: the entries, the Fargate mapping.
	written := hookNodeRoles + "- rolearn: arn:aws:iam::123456789012:role/ci\n  username: ci\n" +
		"- rolearn: arn:aws:iam::123456789012:role/demo-pod-execution\n  username: system:node:{{SessionName}}\n  groups:\n" +
		"    - system:bootstrappers\n    - system:nodes\n    - system:node-proxier\n"
	annotation := s.comp.conn.annotation
	ssa := func(ac *applycorev1.ConfigMapApplyConfiguration) {
		t.Helper()
		if _, err := cs.CoreV1().ConfigMaps(ns).Apply(ctx, ac, metav1.ApplyOptions{FieldManager: "pulumi-kubernetes", Force: true}); err != nil {
			t.Fatal(err)
		}
	}
	ssa(applycorev1.ConfigMap("aws-auth", ns).WithData(map[string]string{"mapRoles": written}).
		WithAnnotations(map[string]string{annotation: `["arn:aws:iam::123456789012:role/ci"]`, AnnotationPatchForce: "true"}))
	old := resource.NewPropertyMapFromMap(map[string]any{"data": map[string]any{"mapRoles": written},
		"metadata": map[string]any{"name": "aws-auth", "namespace": ns, "annotations": map[string]any{
			annotation: `["arn:aws:iam::123456789012:role/ci"]`, AnnotationPatchForce: "true"}}})

	if err := s.comp.conn.apply(&pulumi.ResourceHookArgs{Name: s.patch.Name, NewInputs: s.patch.Inputs, OldInputs: old}); err != nil {
		t.Fatal(err)
	}
	// The engine then updates the patch: the record annotation, no data.
	ssa(applycorev1.ConfigMap("aws-auth", ns).WithAnnotations(map[string]string{annotation: s.patch.InputString(`metadata.annotations["` + annotation + `"]`), AnnotationPatchForce: "true"}))
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "aws-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.Data["mapRoles"] != written {
		t.Fatalf("aws-auth lost its data in the switch to hooks mode: %q", cm.Data)
	}
	// And the component still revokes its own entry.
	if err := s.comp.conn.revoke(&pulumi.ResourceHookArgs{Name: s.patch.Name, OldInputs: s.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	if m, _ := readMappings(t, cs, ns); strings.Contains(strings.Join(identities(m), ","), "role/ci") {
		t.Errorf("ci not revoked: %v", identities(m))
	}
}
