package authmap_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// Owners reconciling at once (the Pulumi components' hooks) each merge with
// conflict retries: every owner's entries, the ensured Fargate mapping and
// the entries nobody owns are all there; revoking one owner removes exactly
// its entries.
func TestReconcileOwnedConcurrentOwnersRealServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx := context.Background()
	foreign := "- rolearn: arn:aws:iam::123456789012:role/eksctl-made\n  username: eksctl\n  groups: [ops]\n"
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"},
		Data: map[string]string{"mapRoles": foreign}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	opts := authmap.ConfigMapOptions{Namespace: ns, MustExist: true}
	fargate := authmap.Mappings{Roles: []authmap.RoleMapping{authmap.FargateRoleMapping("arn:aws:iam::123456789012:role/pods")}}
	owners := 8
	owned := make([]authmap.Mappings, owners)
	for o := range owners {
		for r := range 3 {
			owned[o].Roles = append(owned[o].Roles, authmap.RoleMapping{RoleARN: fmt.Sprintf("arn:aws:iam::123456789012:role/o%d-r%d", o, r),
				Username: fmt.Sprintf("o%d", o), Groups: []string{"g"}})
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, owners)
	for o := range owners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[o] = authmap.ReconcileOwned(ctx, cs.CoreV1(), nil, owned[o], fargate, opts)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	m, cm, err := authmap.Read(ctx, cs.CoreV1(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Roles) != 1+1+3*owners || !strings.HasPrefix(cm.Data["mapRoles"], foreign) {
		t.Fatalf("%d roles:\n%s", len(m.Roles), cm.Data["mapRoles"])
	}
	// Owner 0 drops one role: only that one goes.
	next := authmap.Mappings{Roles: owned[0].Roles[1:]}
	if _, err := authmap.ReconcileOwned(ctx, cs.CoreV1(), owned[0].Identities(), next, fargate, opts); err != nil {
		t.Fatal(err)
	}
	// Owner 1 is destroyed.
	if _, err := authmap.RevokeOwned(ctx, cs.CoreV1(), owned[1].Identities(), opts); err != nil {
		t.Fatal(err)
	}
	m, _, _ = authmap.Read(ctx, cs.CoreV1(), opts)
	ids := strings.Join(m.Identities(), " ")
	if len(m.Roles) != 1+1+3*owners-1-3 || strings.Contains(ids, "o0-r0") || strings.Contains(ids, "o1-") || !strings.Contains(ids, "pods") || !strings.Contains(ids, "eksctl-made") {
		t.Fatalf("after update and revoke: %s", ids)
	}
	// Nothing owned: no call; an absent ConfigMap with MustExist: ErrNoConfigMap.
	if res, err := authmap.RevokeOwned(ctx, cs.CoreV1(), nil, opts); err != nil || res.Changed {
		t.Fatalf("empty revoke: %+v %v", res, err)
	}
	opts.Name = "absent"
	if _, err := authmap.ReconcileOwned(ctx, cs.CoreV1(), nil, owned[0], fargate, opts); !errors.Is(err, authmap.ErrNoConfigMap) {
		t.Fatalf("MustExist: %v", err)
	}
	if res, err := authmap.RevokeOwned(ctx, cs.CoreV1(), owned[0].Identities(), opts); err != nil || res.Changed || res.Created {
		t.Fatalf("revoke on an absent ConfigMap: %+v %v", res, err)
	}
}
