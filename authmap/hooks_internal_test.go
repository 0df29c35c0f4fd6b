package authmap

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	pk8s "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/kubehook"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	sdk "github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

const (
	hookPodExec   = "arn:aws:iam::123456789012:role/fargate/demo-pod-execution"
	hookNodeRoles = `- groups:
  - system:bootstrappers
  - system:nodes
  rolearn: arn:aws:iam::123456789012:role/NodeInstanceRole
  username: system:node:{{EC2PrivateDNSName}}
# added by the data team with eksctl
- rolearn: arn:aws:iam::123456789012:role/data-team
  username: data:{{SessionName}}
  groups: [data]
`
)

// hookStack is a program's view of one hooks-mode component: its hooks and
// the patch's inputs as registered.
type hookStack struct {
	comp  *AwsAuthMapping
	patch *mockstack.Resource
}

// runHooksMode runs a program of hooks-mode components (one per args, named
// by names) under the mocks and returns each component with its patch.
func runHooksMode(t *testing.T, kubeconfig string, names []string, args ...*AwsAuthMappingArgs) []hookStack {
	t.Helper()
	comps := make([]*AwsAuthMapping, len(args))
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		k8s, err := pk8s.NewProvider(ctx, "k8s", &pk8s.ProviderArgs{Kubeconfig: pulumi.String(kubeconfig)})
		if err != nil {
			return err
		}
		ready, err := iam.NewRole(ctx, "ready-marker", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
		if err != nil {
			return err
		}
		for i, a := range args {
			a.Cluster = clusterref.Cluster{Name: pulumi.String("demo"), Region: pulumi.String("us-west-2"), KubernetesProvider: k8s,
				PodExecutionRoleARN: pulumi.String(hookPodExec), HasFargateProfiles: true, AuthenticationMode: eksfargate.AuthConfigMap,
				Ready: []pulumi.Resource{ready}}
			a.Kubeconfig = pulumi.ToSecret(pulumi.String(kubeconfig)).(pulumi.StringOutput)
			if comps[i], err = NewAwsAuthMapping(ctx, names[i], a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []hookStack
	for i, c := range comps {
		p, err := g.One("kubernetes:core/v1:ConfigMapPatch", names[i]+"-aws-auth")
		if err != nil {
			t.Fatalf("%v\n%s", err, g.Tree())
		}
		if _, ok := p.Input("data"); ok || p.RetainOnDelete {
			t.Errorf("hooks-mode patch writes data or is retained: %+v", p.Inputs)
		}
		// The hooks the tests below call are the ones the engine runs:
		// unbinding apply or revoke fails here.
		apply, revoke := []string{names[i] + "-apply"}, []string{names[i] + "-revoke"}
		if !slices.Equal(p.BeforeCreate, apply) || !slices.Equal(p.BeforeUpdate, apply) || !slices.Equal(p.BeforeDelete, revoke) ||
			len(p.AfterCreate)+len(p.AfterUpdate)+len(p.AfterDelete) != 0 {
			t.Errorf("%s hook bindings: create %v update %v delete %v", p.Name, p.BeforeCreate, p.BeforeUpdate, p.BeforeDelete)
		}
		if len(g.Find("kubernetes:core/v1:ConfigMap", names[i]+"-live")) != 0 {
			t.Errorf("hooks mode reads aws-auth through Pulumi")
		}
		out = append(out, hookStack{comp: c, patch: p})
	}
	return out
}

// kubeconfigFor returns the kubeconfig file's content of the test API server.
func kubeconfigFor(t *testing.T) (kubernetes.Interface, string, string) {
	t.Helper()
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	b, err := os.ReadFile(kubetest.KubeconfigFile(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	return cs, ns, string(b)
}

func readMappings(t *testing.T, cs kubernetes.Interface, ns string) (sdk.Mappings, *corev1.ConfigMap) {
	t.Helper()
	m, cm, err := sdk.Read(context.Background(), cs.CoreV1(), sdk.ConfigMapOptions{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	return m, cm
}

// identities are the mappings' identities, lower-cased (as Identities gives them) and sorted.
func identities(m sdk.Mappings) []string {
	ids := m.Identities()
	for i := range ids {
		ids[i] = strings.ToLower(ids[i])
	}
	slices.Sort(ids)
	return ids
}

// The hooks' lifecycle on the real API server: create merges the
// component's entries in (others' keep their bytes, the Fargate mapping is
// ensured), an update removes what it dropped, a delete revokes exactly its
// own entries; the hooks get the patch's inputs as registered.
func TestHooksLifecycleRealServer(t *testing.T) {
	cs, ns, kubeconfig := kubeconfigFor(t)
	ctx := context.Background()
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"},
		Data: map[string]string{"mapRoles": hookNodeRoles}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	args := func(roles ...RoleMappingArgs) *AwsAuthMappingArgs {
		return &AwsAuthMappingArgs{Namespace: ns, Roles: roles, AllowSystemMasters: true,
			Users: []UserMappingArgs{{UserARN: pulumi.String("arn:aws:iam::123456789012:user/alice"), Username: "alice", Groups: []string{"viewers"}}}}
	}
	dev := RoleMappingArgs{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/developer"), Username: "dev:{{SessionName}}", Groups: []string{"developers"}}
	admin := RoleMappingArgs{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/Admin"), Username: "admin", Groups: []string{GroupMasters}}

	v1 := runHooksMode(t, kubeconfig, []string{"auth"}, args(dev, admin))[0]
	if err := v1.comp.conn.apply(&pulumi.ResourceHookArgs{Name: "auth-aws-auth", NewInputs: v1.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	m, cm := readMappings(t, cs, ns)
	want := []string{"arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:role/data-team",
		"arn:aws:iam::123456789012:role/demo-pod-execution", "arn:aws:iam::123456789012:role/developer", "arn:aws:iam::123456789012:role/nodeinstancerole",
		"arn:aws:iam::123456789012:user/alice"}
	if got := identities(m); !slices.Equal(got, want) {
		t.Fatalf("after create: %v\n%s", got, cm.Data["mapRoles"])
	}
	if !strings.Contains(cm.Data["mapRoles"], "# added by the data team with eksctl\n- rolearn: arn:aws:iam::123456789012:role/data-team\n  username: data:{{SessionName}}\n  groups: [data]\n") {
		t.Errorf("others' entry lost its bytes:\n%s", cm.Data["mapRoles"])
	}
	// Again: nothing to write.
	rv := cm.ResourceVersion
	if err := v1.comp.conn.apply(&pulumi.ResourceHookArgs{Name: "auth-aws-auth", NewInputs: v1.patch.Inputs, OldInputs: v1.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	if _, cm := readMappings(t, cs, ns); cm.ResourceVersion != rv {
		t.Errorf("an unchanged record rewrote aws-auth")
	}

	// Update: admin dropped; the component was renamed (an alias keeps the
	// children; the record's key changes, the old one is in the old inputs).
	v2 := runHooksMode(t, kubeconfig, []string{"auth-renamed"}, args(dev))[0]
	if err := v2.comp.conn.apply(&pulumi.ResourceHookArgs{Name: "auth-renamed-aws-auth", NewInputs: v2.patch.Inputs, OldInputs: v1.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	m, _ = readMappings(t, cs, ns)
	if got := identities(m); slices.Contains(got, "arn:aws:iam::123456789012:role/admin") || len(got) != len(want)-1 {
		t.Fatalf("after update: %v", got)
	}

	// Delete: exactly the component's entries go.
	if err := v2.comp.conn.revoke(&pulumi.ResourceHookArgs{Name: "auth-renamed-aws-auth", OldInputs: v2.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	m, cm = readMappings(t, cs, ns)
	if got, want := identities(m), []string{"arn:aws:iam::123456789012:role/data-team", "arn:aws:iam::123456789012:role/demo-pod-execution",
		"arn:aws:iam::123456789012:role/nodeinstancerole"}; !slices.Equal(got, want) {
		t.Fatalf("after delete: %v, want %v\n%s", got, want, cm.Data["mapRoles"])
	}
	// A second delete (a retried destroy) is no change.
	if err := v2.comp.conn.revoke(&pulumi.ResourceHookArgs{Name: "auth-renamed-aws-auth", OldInputs: v2.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
}

// Two components on one cluster, their hooks writing at the same time, many
// times over: each write is a merge with conflict retries, so both sets are
// always there.
func TestTwoComponentsKeepEachOthersEntriesRealServer(t *testing.T) {
	cs, ns, kubeconfig := kubeconfigFor(t)
	ctx := context.Background()
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"},
		Data: map[string]string{"mapRoles": hookNodeRoles}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	team := func(name string, n int) *AwsAuthMappingArgs {
		a := &AwsAuthMappingArgs{Namespace: ns}
		for i := range n {
			arn := "arn:aws:iam::123456789012:role/" + name + "-" + string(rune('a'+i))
			a.Roles = append(a.Roles, RoleMappingArgs{RoleARN: pulumi.String(arn), Username: name, Groups: []string{name}})
		}
		return a
	}
	stacks := runHooksMode(t, kubeconfig, []string{"platform", "data"}, team("platform", 5), team("data", 5))
	if stacks[0].comp.conn.annotation == stacks[1].comp.conn.annotation {
		t.Fatal("two components share a record")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*10)
	for _, s := range stacks {
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.comp.conn.apply(&pulumi.ResourceHookArgs{Name: s.patch.Name, NewInputs: s.patch.Inputs})
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	m, _ := readMappings(t, cs, ns)
	if got := len(m.Roles); got != 2+1+10 { // node + data-team, the Fargate mapping, 5 + 5
		t.Fatalf("%d roles: %v", got, identities(m))
	}
	// Destroying one leaves the other's.
	if err := stacks[0].comp.conn.revoke(&pulumi.ResourceHookArgs{Name: stacks[0].patch.Name, OldInputs: stacks[0].patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	m, _ = readMappings(t, cs, ns)
	for _, id := range identities(m) {
		if strings.Contains(id, "role/platform-") {
			t.Errorf("platform entry left: %s", id)
		}
	}
	if len(m.Roles) != 2+1+5 {
		t.Errorf("%d roles left: %v", len(m.Roles), identities(m))
	}
}

// A missing aws-auth: created, with the Fargate mapping, only when
// CreateAwsAuth says so; otherwise the write fails naming the cause.
func TestHooksCreateAwsAuthRealServer(t *testing.T) {
	cs, ns, kubeconfig := kubeconfigFor(t)
	mk := func(create bool) *AwsAuthMappingArgs {
		return &AwsAuthMappingArgs{Namespace: ns, CreateAwsAuth: create,
			Roles: []RoleMappingArgs{{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/ci"), Username: "ci", Groups: []string{"ci"}}}}
	}
	off := runHooksMode(t, kubeconfig, []string{"off"}, mk(false))[0]
	err := off.comp.conn.apply(&pulumi.ResourceHookArgs{Name: off.patch.Name, NewInputs: off.patch.Inputs})
	if !errors.Is(err, sdk.ErrNoConfigMap) {
		t.Fatalf("without CreateAwsAuth: %v", err)
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(context.Background(), "aws-auth", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("created anyway: %v", err)
	}
	on := runHooksMode(t, kubeconfig, []string{"on"}, mk(true))[0]
	if err := on.comp.conn.apply(&pulumi.ResourceHookArgs{Name: on.patch.Name, NewInputs: on.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	m, _ := readMappings(t, cs, ns)
	if got := identities(m); !slices.Equal(got, []string{"arn:aws:iam::123456789012:role/ci", "arn:aws:iam::123456789012:role/demo-pod-execution"}) {
		t.Fatalf("created with %v", got)
	}
	if f := m.Roles[slices.IndexFunc(m.Roles, func(r sdk.RoleMapping) bool { return strings.Contains(r.RoleARN, "pod-execution") })]; f.Username != FargateUsername {
		t.Errorf("Fargate mapping %+v", f)
	}
	// The refusals before anything is registered.
	for _, a := range []*AwsAuthMappingArgs{
		{Cluster: clusterref.Cluster{AuthenticationMode: eksfargate.AuthConfigMap}, CreateAwsAuth: true, Accounts: []string{"123456789012"}},
	} {
		if err := a.Validate(); !errors.Is(err, ErrInvalidArgs) {
			t.Errorf("%+v: %v", a, err)
		}
	}
}

// Without the kubeconfig (a destroy that did not run the program) the hooks
// fail naming --run-program instead of doing nothing silently.
func TestHooksNeedTheKubeconfig(t *testing.T) {
	h := &hookConn{kube: kubehook.Conn{Missing: ErrNoKubeconfig}, annotation: "authmap.fargatekit.io/owned-x", timeout: time.Second}
	old := runHooksRecord(`["arn:aws:iam::123456789012:role/ci"]`)
	if err := h.revoke(&pulumi.ResourceHookArgs{OldInputs: old}); !errors.Is(err, ErrNoKubeconfig) || !strings.Contains(err.Error(), "--run-program") {
		t.Fatalf("%v", err)
	}
	if ids := ownedIdentities(recordValue(old, "authmap.fargatekit.io/owned-y")); !slices.Equal(ids, []string{"arn:aws:iam::123456789012:role/ci"}) {
		t.Errorf("the older record form: %v", ids)
	}
}

// runHooksRecord is a patch's inputs carrying one record annotation.
func runHooksRecord(v string) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{"metadata": map[string]any{
		"annotations": map[string]any{"authmap.fargatekit.io/owned-x": v, AnnotationPatchForce: "true"}}})
}

// An entry that was in aws-auth before the component mapped its identity
// is taken over while the component lives and put back byte for byte when
// it is revoked; two components mapping one identity: revoking either
// leaves the other's mapping, and the last one revoked removes it.
func TestHooksKeepEntriesTheyDidNotAddRealServer(t *testing.T) {
	cs, ns, kubeconfig := kubeconfigFor(t)
	ctx := context.Background()
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"},
		Data: map[string]string{"mapRoles": hookNodeRoles}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dataTeam := "arn:aws:iam::123456789012:role/data-team"
	mapping := func(groups ...string) *AwsAuthMappingArgs {
		return &AwsAuthMappingArgs{Namespace: ns, Roles: []RoleMappingArgs{{RoleARN: pulumi.String(dataTeam), Username: "data", Groups: groups}}}
	}
	groupsOf := func(id string) []string {
		m, _ := readMappings(t, cs, ns)
		for _, r := range m.Roles {
			if strings.EqualFold(r.RoleARN, id) {
				return r.Groups
			}
		}
		return nil
	}

	// The pre-seeded entry: taken over, then put back as it was.
	s := runHooksMode(t, kubeconfig, []string{"analytics"}, mapping("analysts"))[0]
	if err := s.comp.conn.apply(&pulumi.ResourceHookArgs{Name: s.patch.Name, NewInputs: s.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	if got := groupsOf(dataTeam); !slices.Equal(got, []string{"analysts"}) {
		t.Fatalf("the component's mapping is not in force: %v", got)
	}
	if err := s.comp.conn.revoke(&pulumi.ResourceHookArgs{Name: s.patch.Name, OldInputs: s.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	_, cm := readMappings(t, cs, ns)
	if !strings.HasPrefix(cm.Data["mapRoles"], hookNodeRoles) {
		t.Fatalf("the pre-seeded entry did not come back byte for byte:\n%s", cm.Data["mapRoles"])
	}
	for k := range cm.Annotations {
		if strings.HasPrefix(k, sdk.AdoptedAnnotationPrefix) {
			t.Errorf("record %s left behind", k)
		}
	}

	// Two components, one identity (absent before): whichever is revoked
	// first, the other's mapping stays.
	ci := "arn:aws:iam::123456789012:role/ci"
	two := func(name, group string) hookStack {
		a := &AwsAuthMappingArgs{Namespace: ns, Roles: []RoleMappingArgs{{RoleARN: pulumi.String(ci), Username: "ci", Groups: []string{group}}}}
		st := runHooksMode(t, kubeconfig, []string{name}, a)[0]
		if err := st.comp.conn.apply(&pulumi.ResourceHookArgs{Name: st.patch.Name, NewInputs: st.patch.Inputs}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	for _, firstRevoked := range []int{0, 1} {
		a, b := two("team-a", "a"), two("team-b", "b")
		stacks := []hookStack{a, b}
		first, second := stacks[firstRevoked], stacks[1-firstRevoked]
		if err := first.comp.conn.revoke(&pulumi.ResourceHookArgs{Name: first.patch.Name, OldInputs: first.patch.Inputs}); err != nil {
			t.Fatal(err)
		}
		want := []string{"a"} // b revoked first: a's mapping back; a revoked first: b's stays
		if firstRevoked == 0 {
			want = []string{"b"}
		}
		if got := groupsOf(ci); !slices.Equal(got, want) {
			t.Fatalf("revoking %s first left %v, want %v", first.patch.Name, got, want)
		}
		if err := second.comp.conn.revoke(&pulumi.ResourceHookArgs{Name: second.patch.Name, OldInputs: second.patch.Inputs}); err != nil {
			t.Fatal(err)
		}
		if got := groupsOf(ci); got != nil {
			t.Fatalf("both revoked, %s still mapped to %v", ci, got)
		}
	}
	if got := groupsOf(dataTeam); !slices.Equal(got, []string{"data"}) {
		t.Errorf("the data team's entry: %v", got)
	}
}

// OwnerKey keeps the record's key across a rename: the renamed component
// finds the entries it owned (an entry it then drops is removed, the others
// are revoked on delete), where without OwnerKey the key would change.
func TestOwnerKeyRenameRealServer(t *testing.T) {
	cs, ns, kubeconfig := kubeconfigFor(t)
	ctx := context.Background()
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"},
		Data: map[string]string{"mapRoles": hookNodeRoles}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	role := func(name string) RoleMappingArgs {
		return RoleMappingArgs{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/" + name), Username: name, Groups: []string{name}}
	}
	args := func(key string, roles ...RoleMappingArgs) *AwsAuthMappingArgs {
		return &AwsAuthMappingArgs{Namespace: ns, OwnerKey: key, Roles: roles}
	}
	v1 := runHooksMode(t, kubeconfig, []string{"platform"}, args("team-platform", role("ops"), role("ci")))[0]
	v2 := runHooksMode(t, kubeconfig, []string{"platform-renamed"}, args("team-platform", role("ops")))[0]
	plain := runHooksMode(t, kubeconfig, []string{"platform-renamed"}, args("", role("ops")))[0]
	if v1.comp.conn.annotation != v2.comp.conn.annotation || v1.comp.conn.annotation != OwnerKeyAnnotation("team-platform") {
		t.Fatalf("OwnerKey did not fix the record's key: %s, %s", v1.comp.conn.annotation, v2.comp.conn.annotation)
	}
	if plain.comp.conn.annotation == v2.comp.conn.annotation {
		t.Fatal("without OwnerKey the key should follow the name")
	}
	if err := v1.comp.conn.apply(&pulumi.ResourceHookArgs{Name: v1.patch.Name, NewInputs: v1.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	// The renamed component's update (ci dropped): its old inputs carry the
	// record under the same key.
	if err := v2.comp.conn.apply(&pulumi.ResourceHookArgs{Name: v2.patch.Name, NewInputs: v2.patch.Inputs, OldInputs: v1.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	m, _ := readMappings(t, cs, ns)
	got := strings.Join(identities(m), ",")
	if strings.Contains(got, "role/ci") || !strings.Contains(got, "role/ops") {
		t.Fatalf("after the renamed update: %s", got)
	}
	if err := v2.comp.conn.revoke(&pulumi.ResourceHookArgs{Name: v2.patch.Name, OldInputs: v2.patch.Inputs}); err != nil {
		t.Fatal(err)
	}
	m, cm := readMappings(t, cs, ns)
	if got := strings.Join(identities(m), ","); strings.Contains(got, "role/ops") || !strings.HasPrefix(cm.Data["mapRoles"], hookNodeRoles) {
		t.Fatalf("after revoke: %s\n%s", got, cm.Data["mapRoles"])
	}
}
