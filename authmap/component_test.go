package authmap_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/authmap"
	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	sdk "github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

const (
	typeComponent = "fargatekit:authmap:AwsAuthMapping"
	typeConfigMap = "kubernetes:core/v1:ConfigMap"
	typePatch     = "kubernetes:core/v1:ConfigMapPatch"
	typeEntry     = "aws:eks/accessEntry:AccessEntry"
	typeAssoc     = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	typeParam     = "aws:ssm/parameter:Parameter"
	podExecARN    = "arn:aws:iam::123456789012:role/fargate/demo-pod-execution"
)

// testCluster is a Static ClusterRef with a Kubernetes provider and a Ready
// resource, in the given authentication mode.
func testCluster(ctx *pulumi.Context, auth string, profiles bool) (clusterref.Cluster, error) {
	k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
	if err != nil {
		return clusterref.Cluster{}, err
	}
	coredns, err := iam.NewRole(ctx, "ready-marker", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
	if err != nil {
		return clusterref.Cluster{}, err
	}
	return clusterref.Cluster{Name: pulumi.String("demo"), Region: pulumi.String("us-west-2"), KubernetesProvider: k8s,
		PodExecutionRoleARN: pulumi.String(podExecARN), HasFargateProfiles: profiles, FargateOnly: profiles, AuthenticationMode: auth,
		Ready: []pulumi.Resource{coredns}}, nil
}

func one(t *testing.T, g *mockstack.Graph, typ, name string) *mockstack.Resource {
	t.Helper()
	r, err := g.One(typ, name)
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	return r
}

// liveAwsAuth is what the mock API server returns for the read of aws-auth:
// EKS's node entry, someone's entry, and one this component wrote last time.
func liveAwsAuth(owned ...string) mockstack.Option {
	return mockstack.WithOutputs(typeConfigMap, func(r *mockstack.Resource) resource.PropertyMap {
		ownedJSON, _ := json.Marshal(owned)
		return resource.NewPropertyMapFromMap(map[string]any{
			"data": map[string]any{"mapRoles": liveRoles, "notes": "keep me"},
			"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system", "annotations": map[string]any{
				authmap.OwnedAnnotation("fargatekit", "test", "auth"): string(ownedJSON)}},
		})
	})
}

const liveRoles = `- groups:
  - system:bootstrappers
  - system:nodes
  rolearn: arn:aws:iam::123456789012:role/NodeInstanceRole
  username: system:node:{{EC2PrivateDNSName}}
# added by the data team with eksctl
- rolearn: arn:aws:iam::123456789012:role/data-team
  username: data:{{SessionName}}
  groups: [data]
- rolearn: arn:aws:iam::123456789012:role/retired-ci
  username: ci
`

// TestConfigMapMode: read, merge and patch; entries others wrote keep their
// bytes, the entry this component dropped goes, the Fargate mapping is there.
func TestConfigMapMode(t *testing.T) {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		c, err := testCluster(ctx, eksfargate.AuthConfigMap, true)
		if err != nil {
			return err
		}
		dev, err := iam.NewRole(ctx, "developer", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Path: pulumi.String("/teams/")})
		if err != nil {
			return err
		}
		m, err := authmap.NewAwsAuthMapping(ctx, "auth", &authmap.AwsAuthMappingArgs{
			Cluster: c,
			Roles: []authmap.RoleMappingArgs{
				{RoleARN: dev.Arn, Username: "dev:{{SessionName}}", Groups: []string{"developers"}},
				{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/Admin"), Username: "admin:{{SessionName}}", Groups: []string{authmap.GroupMasters}},
			},
			Users:              []authmap.UserMappingArgs{{UserARN: pulumi.String("arn:aws:iam::123456789012:user/alice"), Username: "alice", Groups: []string{"viewers"}}},
			AllowSystemMasters: true,
		})
		if err != nil {
			return err
		}
		if m.Mode != authmap.ModeConfigMap || m.Patch == nil || m.Entries != nil {
			t.Errorf("mode %s, patch %v, entries %v", m.Mode, m.Patch, m.Entries)
		}
		return nil
	}, liveAwsAuth("arn:aws:iam::123456789012:role/retired-ci", "arn:aws:iam::123456789012:role/developer"))
	if err != nil {
		t.Fatal(err)
	}
	comp := one(t, g, typeComponent, "auth")
	live := one(t, g, typeConfigMap, "auth-live")
	patch := one(t, g, typePatch, "auth-aws-auth")
	for _, r := range []*mockstack.Resource{live, patch} {
		if g.ParentOf(r) != comp {
			t.Errorf("%s is not a child of the component", r.Name)
		}
		if !strings.Contains(r.Provider, "k8s") {
			t.Errorf("%s provider %q, want the cluster's", r.Name, r.Provider)
		}
	}
	if !slices.Contains(patch.DependsOn, one(t, g, "aws:iam/role:Role", "ready-marker").URN) {
		t.Errorf("the patch does not wait for the cluster's Ready resources")
	}
	if !live.Read || live.ID != "kube-system/aws-auth" {
		t.Errorf("live read: %+v", live)
	}
	if !patch.RetainOnDelete || patch.InputString("metadata.annotations[\"pulumi.com/patchForce\"]") != "true" ||
		patch.InputString("metadata.name") != "aws-auth" || patch.InputString("metadata.namespace") != "kube-system" {
		t.Errorf("patch options/metadata: retain %v, %v", patch.RetainOnDelete, patch.Inputs["metadata"])
	}
	var owned []string
	if err := json.Unmarshal([]byte(patch.InputString(`metadata.annotations["`+authmap.OwnedAnnotation("fargatekit", "test", "auth")+`"]`)), &owned); err != nil ||
		!slices.Equal(owned, []string{"arn:aws:iam::123456789012:role/developer", "arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:user/alice"}) {
		t.Errorf("owned annotation %v %v", owned, err)
	}
	roles := patch.InputString("data.mapRoles")
	keptBytes := strings.TrimSuffix(liveRoles, "- rolearn: arn:aws:iam::123456789012:role/retired-ci\n  username: ci\n")
	if !strings.HasPrefix(roles, keptBytes) {
		t.Errorf("entries others wrote lost their bytes:\n%s", roles)
	}
	if strings.Contains(roles, "retired-ci") {
		t.Error("the entry this component no longer wants is still there")
	}
	if _, ok := patch.Inputs["data"].ObjectValue()["notes"]; ok {
		t.Error("the patch carries a key it does not manage")
	}
	got, err := sdk.Parse(map[string]string{"mapRoles": roles, "mapUsers": patch.InputString("data.mapUsers")})
	if err != nil {
		t.Fatal(err)
	}
	want := []sdk.RoleMapping{
		sdk.NodeRoleMapping("arn:aws:iam::123456789012:role/NodeInstanceRole"),
		{RoleARN: "arn:aws:iam::123456789012:role/data-team", Username: "data:{{SessionName}}", Groups: []string{"data"}},
		{RoleARN: "arn:aws:iam::123456789012:role/developer", Username: "dev:{{SessionName}}", Groups: []string{"developers"}},
		{RoleARN: "arn:aws:iam::123456789012:role/Admin", Username: "admin:{{SessionName}}", Groups: []string{authmap.GroupMasters}},
		sdk.FargateRoleMapping(podExecARN),
	}
	if !got.Equal(sdk.Mappings{Roles: want, Users: []sdk.UserMapping{{UserARN: "arn:aws:iam::123456789012:user/alice", Username: "alice", Groups: []string{"viewers"}}}}) {
		t.Errorf("rendered mappings:\n%+v", got)
	}
	if got.Roles[4].RoleARN != "arn:aws:iam::123456789012:role/demo-pod-execution" {
		t.Errorf("Fargate role not path-less: %s", got.Roles[4].RoleARN)
	}
}

// TestConfigMapModeOnlyFargate: a cluster with Fargate profiles and nothing
// else to map still gets (and keeps) its Fargate mapping, even where the
// live aws-auth lacks it.
func TestConfigMapModeOnlyFargate(t *testing.T) {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		c, err := testCluster(ctx, eksfargate.AuthAPIAndConfigMap, true)
		if err != nil {
			return err
		}
		_, err = authmap.NewAwsAuthMapping(ctx, "auth", &authmap.AwsAuthMappingArgs{Cluster: c, Mode: authmap.ModeConfigMap})
		return err
	}, mockstack.WithOutputs(typeConfigMap, func(*mockstack.Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"data": map[string]any{"mapUsers": "[]"}})
	}))
	if err != nil {
		t.Fatal(err)
	}
	patch := one(t, g, typePatch, "auth-aws-auth")
	want := "- rolearn: arn:aws:iam::123456789012:role/demo-pod-execution\n  username: system:node:{{SessionName}}\n  groups:\n" +
		"    - system:bootstrappers\n    - system:nodes\n    - system:node-proxier\n"
	if got := patch.InputString("data.mapRoles"); got != want {
		t.Errorf("mapRoles %q", got)
	}
	if got := patch.InputString("data.mapUsers"); got != "[]" {
		t.Errorf("mapUsers %q, want the live value kept", got)
	}
}

// TestConfigMapModeMalformedLive: aws-auth that does not parse fails the
// deployment with the bad entry named, rather than being overwritten.
func TestConfigMapModeMalformedLive(t *testing.T) {
	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		c, err := testCluster(ctx, eksfargate.AuthConfigMap, false)
		if err != nil {
			return err
		}
		_, err = authmap.NewAwsAuthMapping(ctx, "auth", &authmap.AwsAuthMappingArgs{Cluster: c,
			Roles: []authmap.RoleMappingArgs{{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/x"), Username: "x"}}})
		return err
	}, mockstack.WithOutputs(typeConfigMap, func(*mockstack.Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"data": map[string]any{"mapRoles": "- rolearn: a\n  username: b\n- rolearn: c\n  groups: [off]\n"}})
	}))
	if err == nil || !strings.Contains(err.Error(), "mapRoles[1]") {
		t.Errorf("err = %v, want one naming mapRoles[1]", err)
	}
}

// TestAccessEntriesMode: one record (an SSM parameter) whose hooks write the
// entries: its value holds the cluster, region, owner tag and every entry
// (system:masters as an AmazonEKSClusterAdminPolicy association, node roles
// as EC2_LINUX entries, declared types as declared), and its hooks are bound
// to create, update and delete; nothing touches aws-auth.
func TestAccessEntriesMode(t *testing.T) {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		c, err := testCluster(ctx, eksfargate.AuthAPI, true)
		if err != nil {
			return err
		}
		admin, err := iam.NewRole(ctx, "admin", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Path: pulumi.String("/platform/")})
		if err != nil {
			return err
		}
		m, err := authmap.NewAwsAuthMapping(ctx, "auth", &authmap.AwsAuthMappingArgs{
			Cluster: c,
			Roles: []authmap.RoleMappingArgs{
				{RoleARN: admin.Arn, Username: "admin:{{SessionName}}", Groups: []string{authmap.GroupMasters, "ops"},
					Policies: []authmap.PolicyAssociation{{Policy: authmap.EditPolicy, Namespaces: []string{"team-a", "team-b"}}}},
				{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/NodeInstanceRole"), Username: authmap.NodeUsername, Groups: []string{authmap.GroupBootstrappers, authmap.GroupNodes}},
				{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/auto-node"), Type: authmap.EntryEC2,
					Policies: []authmap.PolicyAssociation{{Policy: authmap.AutoNodePolicy}}},
			},
			Users:              []authmap.UserMappingArgs{{UserARN: pulumi.String("arn:aws:iam::123456789012:user/alice"), Username: "alice", Groups: []string{"viewers"}}},
			AllowSystemMasters: true,
		})
		if err != nil {
			return err
		}
		if m.Mode != authmap.ModeAccessEntries || m.Entries == nil || m.Patch != nil || m.OwnerTag != authmap.OwnerTag("fargatekit/test/auth") {
			t.Errorf("mode %s: entries %v, patch %v, owner %q", m.Mode, m.Entries, m.Patch, m.OwnerTag)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	comp := one(t, g, typeComponent, "auth")
	rec := one(t, g, typeParam, "auth-access-entries")
	if g.ParentOf(rec) != comp || !slices.Contains(rec.DependsOn, one(t, g, "aws:iam/role:Role", "ready-marker").URN) {
		t.Errorf("record: parent %v, depends on %v", g.ParentOf(rec), rec.DependsOn)
	}
	if rec.RetainOnDelete || rec.InputString("type") != "String" {
		t.Errorf("record options %+v", rec.Inputs)
	}
	// The hooks, by name: unbinding revoke (or apply) fails here.
	if !slices.Equal(rec.BeforeCreate, []string{"auth-apply"}) || !slices.Equal(rec.BeforeUpdate, []string{"auth-apply"}) ||
		!slices.Equal(rec.BeforeDelete, []string{"auth-revoke"}) {
		t.Errorf("hook bindings: create %v update %v delete %v", rec.BeforeCreate, rec.BeforeUpdate, rec.BeforeDelete)
	}
	var got struct {
		Cluster, Region, Owner string
		Entries                []sdk.AccessEntry
	}
	if err := json.Unmarshal([]byte(rec.InputString("insecureValue")), &got); err != nil {
		t.Fatal(err)
	}
	pols := func(p string) []sdk.PolicyAssociation { return []sdk.PolicyAssociation{{Policy: p}} }
	want := []sdk.AccessEntry{
		{PrincipalARN: "arn:aws:iam::123456789012:role/platform/admin", Type: "STANDARD", Username: "admin:{{SessionName}}", KubernetesGroups: []string{"ops"},
			Policies: append(pols(sdk.ClusterAdminPolicy), sdk.PolicyAssociation{Policy: sdk.EditPolicy, Namespaces: []string{"team-a", "team-b"}})},
		{PrincipalARN: "arn:aws:iam::123456789012:role/NodeInstanceRole", Type: "EC2_LINUX"},
		{PrincipalARN: "arn:aws:iam::123456789012:role/auto-node", Type: "EC2", Policies: pols(authmap.AutoNodePolicy)},
		{PrincipalARN: "arn:aws:iam::123456789012:user/alice", Type: "STANDARD", Username: "alice", KubernetesGroups: []string{"viewers"}},
	}
	if got.Cluster != "demo" || got.Region != "us-west-2" || got.Owner != authmap.OwnerTag("fargatekit/test/auth") || !reflect.DeepEqual(got.Entries, want) {
		t.Errorf("record:\n got %+v\nwant %+v", got, want)
	}
	if len(g.ByType(typePatch))+len(g.ByType(typeConfigMap))+len(g.ByType(typeEntry))+len(g.ByType(typeAssoc)) != 0 {
		t.Error("AccessEntries mode registered aws-auth or per-entry resources")
	}
}

// TestRefusedArgsRegisterNothing: invalid args fail before any registration.
func TestRefusedArgsRegisterNothing(t *testing.T) {
	arn := pulumi.String("arn:aws:iam::123456789012:role/x")
	for name, tc := range map[string]struct {
		auth string
		args authmap.AwsAuthMappingArgs
		want error
	}{
		"masters without opt-in": {eksfargate.AuthConfigMap, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a", Groups: []string{authmap.GroupMasters}}}}, authmap.ErrSystemMasters},
		"ConfigMap on API":       {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{Mode: authmap.ModeConfigMap, Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a"}}}, authmap.ErrInvalidArgs},
		"entries on CONFIG_MAP":  {eksfargate.AuthConfigMap, authmap.AwsAuthMappingArgs{Mode: authmap.ModeAccessEntries, Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a"}}}, authmap.ErrInvalidArgs},
		"system group as entry":  {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a", Groups: []string{"system:x"}}}}, authmap.ErrNotMigratable},
		"account as entry":       {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{Accounts: []string{"123456789012"}}, authmap.ErrNotMigratable},
		"unknown template":       {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a:{{Session}}"}}}, authmap.ErrUnknownTemplate},
		"nil ARN":                {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{Username: "a"}}}, authmap.ErrInvalidArgs},
		"nothing to map":         {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{}, authmap.ErrInvalidArgs},
		"unknown entry type":     {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Type: "EC2_MAC"}}}, authmap.ErrEntryTypeInvalid},
		"node type with groups":  {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Type: authmap.EntryHybridLinux, Username: "n", Groups: []string{"g"}}}}, authmap.ErrEntryTypeInvalid},
		"type in ConfigMap":      {eksfargate.AuthConfigMap, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a", Type: authmap.EntryStandard}}}, authmap.ErrInvalidArgs},
		"unknown policy":         {eksfargate.AuthAPI, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a", Policies: []authmap.PolicyAssociation{{Policy: "AmazonEKSGodPolicy"}}}}}, sdk.ErrAccessPolicy},
		"policy in ConfigMap":    {eksfargate.AuthConfigMap, authmap.AwsAuthMappingArgs{Roles: []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a", Policies: []authmap.PolicyAssociation{{Policy: authmap.ViewPolicy}}}}}, authmap.ErrInvalidArgs},
	} {
		t.Run(name, func(t *testing.T) {
			g, err := mockstack.Run(func(ctx *pulumi.Context) error {
				c, err := testCluster(ctx, tc.auth, false)
				if err != nil {
					return err
				}
				args := tc.args
				args.Cluster = c
				_, err = authmap.NewAwsAuthMapping(ctx, "auth", &args)
				return err
			})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if n := len(g.ByType(typeComponent)) + len(g.ByType(typeEntry)) + len(g.ByType(typePatch)); n != 0 {
				t.Errorf("%d resources registered by a refused spec", n)
			}
		})
	}
	// No Kubernetes provider for ConfigMap mode.
	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := authmap.NewAwsAuthMapping(ctx, "auth", &authmap.AwsAuthMappingArgs{
			Cluster: clusterref.Cluster{Name: pulumi.String("demo"), AuthenticationMode: eksfargate.AuthConfigMap},
			Roles:   []authmap.RoleMappingArgs{{RoleARN: arn, Username: "a"}}})
		return err
	})
	if !errors.Is(err, authmap.ErrInvalidArgs) || !strings.Contains(err.Error(), "Kubernetes provider") {
		t.Errorf("no provider: %v", err)
	}
}

// TestConfigMapModeDefaultsToHooks: a ClusterRef with a kubeconfig (a
// FargateCluster's) puts ConfigMap mode in hooks mode without Kubeconfig:
// the patch records and its hooks write and revoke; nothing reads aws-auth
// through Pulumi and no data is force-patched.
func TestConfigMapModeDefaultsToHooks(t *testing.T) {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		c, err := testCluster(ctx, eksfargate.AuthConfigMap, true)
		if err != nil {
			return err
		}
		c.Kubeconfig = pulumi.ToSecret(pulumi.String("apiVersion: v1\nkind: Config\n")).(pulumi.StringOutput)
		_, err = authmap.NewAwsAuthMapping(ctx, "auth", &authmap.AwsAuthMappingArgs{Cluster: c,
			Roles: []authmap.RoleMappingArgs{{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/ci"), Username: "ci"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	patch := one(t, g, typePatch, "auth-aws-auth")
	if !slices.Equal(patch.BeforeCreate, []string{"auth-apply"}) || !slices.Equal(patch.BeforeDelete, []string{"auth-revoke"}) || patch.RetainOnDelete {
		t.Errorf("not hooks mode: create %v delete %v retain %v", patch.BeforeCreate, patch.BeforeDelete, patch.RetainOnDelete)
	}
	if _, ok := patch.Input("data"); ok || len(g.ByType(typeConfigMap)) != 0 {
		t.Errorf("hooks mode force-patches or reads aws-auth: %v", patch.Inputs)
	}
}
