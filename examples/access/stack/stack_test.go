package stack_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/examples/access/stack"
	"github.com/fargatekit/fargatekit/examples/catalog"
	"github.com/fargatekit/fargatekit/examples/internal/stacktest"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

func plan(t *testing.T, opts ...mockstack.Option) *mockstack.Graph {
	t.Helper()
	return stacktest.Plan(t, stack.Project, opts...)
}

const (
	typMapping = "fargatekit:authmap:AwsAuthMapping"
	typRecord  = "aws:ssm/parameter:Parameter"
	typPatch   = "kubernetes:core/v1:ConfigMapPatch"
)

func TestGraph(t *testing.T) {
	g := plan(t)
	stacktest.Counts(t, g, stacktest.WithCluster(map[string]int{
		"aws:iam/role:Role": 4,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment":          2,
		"aws:eks/fargateProfile:FargateProfile":                      1,
		"kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": 1,
		typMapping: 2,
		typRecord:  1, // the access entries' record; its hooks write them
		typPatch:   1, // aws-auth in hooks mode: the record; its hooks write and revoke
	}))
	stacktest.Cluster(t, g, stack.Project)
	eks := stacktest.One(t, g, "aws:eks/cluster:Cluster", stack.Project+"-cluster")
	if got := eks.InputString("accessConfig.authenticationMode"); got != "API_AND_CONFIG_MAP" {
		t.Errorf("authentication mode %q", got)
	}
	coredns := stacktest.One(t, g, "aws:eks/addon:Addon", stack.Project+"-coredns")

	// Access entries: the three roles; the admin gets the cluster-admin
	// policy; all in the record the component's hooks apply.
	entries := stacktest.One(t, g, typMapping, "access-entries")
	stacktest.Parent(t, g, entries, nil)
	rec := stacktest.One(t, g, typRecord, "access-entries-access-entries")
	stacktest.Parent(t, g, rec, entries)
	if strings.Join(rec.BeforeDelete, ",") != "access-entries-revoke" {
		t.Errorf("record's delete hooks %v", rec.BeforeDelete)
	}
	got := record(t, rec)
	adminARN, _ := stacktest.One(t, g, "aws:iam/role:Role", "platform-admin").Output("arn")
	if len(got) != 3 {
		t.Fatalf("%d entries, want admin, readonly and the SSO role: %+v", len(got), got)
	}
	admin, readonly, sso := got[0], got[1], got[2]
	if admin.PrincipalARN != adminARN || len(admin.Policies) != 1 || admin.Policies[0].Policy != authmap.ClusterAdminPolicy {
		t.Errorf("admin entry %+v, want %v with the cluster admin policy", admin, adminARN)
	}
	if len(readonly.Policies) != 1 || readonly.Policies[0].Policy != authmap.ViewPolicy || strings.Join(readonly.Policies[0].Namespaces, ",") != "default" {
		t.Errorf("readonly entry policies %+v, want ViewPolicy in default", readonly.Policies)
	}
	for _, e := range []authmap.AccessEntry{readonly, sso} {
		if strings.Join(e.KubernetesGroups, ",") != stack.ReadOnlyGroup {
			t.Errorf("%s: groups %q", e.PrincipalARN, e.KubernetesGroups)
		}
	}
	if !strings.Contains(sso.PrincipalARN, "AWSReservedSSO_"+catalog.PlanSSOPermissionSet+"_") {
		t.Errorf("SSO entry for %q", sso.PrincipalARN)
	}

	// aws-auth in hooks mode: the patch records the mappings (the hooks
	// merge them in and revoke them on destroy --run-program), after CoreDNS
	// (EKS has created aws-auth by then), the Fargate mapping ensured.
	cm := stacktest.One(t, g, typMapping, "aws-auth")
	patch := stacktest.One(t, g, typPatch, "aws-auth-aws-auth")
	stacktest.Parent(t, g, patch, cm)
	stacktest.DependsOn(t, g, patch, coredns)
	if strings.Join(patch.BeforeCreate, ",") != "aws-auth-apply" || strings.Join(patch.BeforeDelete, ",") != "aws-auth-revoke" || patch.RetainOnDelete {
		t.Errorf("aws-auth patch: hooks %v/%v, retained %v", patch.BeforeCreate, patch.BeforeDelete, patch.RetainOnDelete)
	}
	if _, ok := patch.Input("data"); ok {
		t.Error("hooks mode force-patches aws-auth's data")
	}
	var awsAuth struct{ Owned, Ensured authmap.Mappings }
	for k := range patch.Inputs["metadata"].ObjectValue()["annotations"].ObjectValue() {
		if strings.HasPrefix(string(k), "authmap.fargatekit.io/owned-") {
			if err := json.Unmarshal([]byte(patch.InputString(`metadata.annotations["`+string(k)+`"]`)), &awsAuth); err != nil {
				t.Fatal(err)
			}
		}
	}
	podRole, _ := stacktest.One(t, g, "aws:iam/role:Role", stack.Project+"-pod-execution-role").Output("arn")
	if len(awsAuth.Owned.Roles) != 3 || awsAuth.Owned.Roles[0].RoleARN != adminARN || strings.Join(awsAuth.Owned.Roles[0].Groups, ",") != authmap.GroupMasters {
		t.Errorf("aws-auth record owns %+v", awsAuth.Owned.Roles)
	}
	if len(awsAuth.Ensured.Roles) != 1 || awsAuth.Ensured.Roles[0].RoleARN != podRole || strings.Join(awsAuth.Ensured.Roles[0].Groups, ",") != strings.Join(authmap.FargateRoleMapping("x").Groups, ",") {
		t.Errorf("aws-auth record ensures %+v, want the Fargate mapping of %v", awsAuth.Ensured.Roles, podRole)
	}

	crb := stacktest.One(t, g, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "readonly-view")
	if crb.InputString("roleRef.name") != "view" || crb.InputString("subjects[0].name") != stack.ReadOnlyGroup {
		t.Errorf("binding %v → %v", crb.InputString("subjects[0].name"), crb.InputString("roleRef.name"))
	}
}

func TestOneMode(t *testing.T) {
	g := plan(t, mockstack.WithConfig("access:modes", "AccessEntries"), mockstack.WithConfig("access:ssoPermissionSet", ""))
	if n := len(g.ByType(typPatch)); n != 0 {
		t.Errorf("%d aws-auth patches in AccessEntries-only mode", n)
	}
	if n := len(record(t, stacktest.One(t, g, typRecord, "access-entries-access-entries"))); n != 2 {
		t.Errorf("%d access entries, want admin and readonly", n)
	}
}

func TestRefused(t *testing.T) {
	for name, opt := range map[string]mockstack.Option{
		"unknown mode": mockstack.WithConfig("access:modes", "ConfigMap,Webhook"),
		"no region":    mockstack.WithConfig("aws:region", ""),
		"bad sso name": mockstack.WithConfig("access:ssoPermissionSet", "a/b"),
	} {
		t.Run(name, func(t *testing.T) {
			e, _ := catalog.Lookup(stack.Project)
			g, err := e.Plan(opt)
			if err == nil {
				t.Fatal("accepted")
			}
			if g.Len() != 0 {
				t.Errorf("%d resources registered", g.Len())
			}
		})
	}
}

// record decodes the entries of an AccessEntries-mode record.
func record(t *testing.T, r *mockstack.Resource) []authmap.AccessEntry {
	t.Helper()
	var rec struct{ Entries []authmap.AccessEntry }
	if err := json.Unmarshal([]byte(r.InputString("insecureValue")), &rec); err != nil {
		t.Fatalf("%s: %v", r.Name, err)
	}
	return rec.Entries
}
