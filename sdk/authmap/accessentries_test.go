package authmap_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/sdk/authmap"
)

const (
	adminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
	viewPolicy  = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	devRole     = "arn:aws:iam::111122223333:role/Developer"
	adminRole   = "arn:aws:iam::111122223333:role/Admin"
	aliceUser   = "arn:aws:iam::111122223333:user/alice"
	fargateRole = "arn:aws:iam::111122223333:role/demo-pod-execution"
	nodeRole    = "arn:aws:iam::111122223333:role/eksctl-demo-NodeInstanceRole-1A2B"
)

func TestAccessEntryConversion(t *testing.T) {
	tests := []struct {
		name string
		r    authmap.RoleMapping
		want authmap.AccessEntry
		err  string
	}{
		{"node", authmap.NodeRoleMapping(nodeRole), authmap.AccessEntry{PrincipalARN: nodeRole, Type: authmap.EntryEC2Linux}, ""},
		{"windows node", authmap.RoleMapping{RoleARN: nodeRole, Username: authmap.NodeUsername, Groups: []string{"system:bootstrappers", "system:nodes", "eks:kube-proxy-windows"}},
			authmap.AccessEntry{PrincipalARN: nodeRole, Type: authmap.EntryEC2Windows}, ""},
		{"fargate", authmap.FargateRoleMapping(fargateRole), authmap.AccessEntry{PrincipalARN: fargateRole, Type: authmap.EntryFargateLinux}, ""},
		{"fargate with an extra group", authmap.RoleMapping{RoleARN: fargateRole, Username: authmap.FargateUsername, Groups: []string{"system:bootstrappers", "system:nodes", "system:node-proxier", "extra"}},
			authmap.AccessEntry{}, "extra would be lost"},
		{"admin", authmap.RoleMapping{RoleARN: adminRole, Username: "admin:{{SessionName}}", Groups: []string{"system:masters", "ops"}},
			authmap.AccessEntry{PrincipalARN: adminRole, Type: authmap.EntryStandard, Username: "admin:{{SessionName}}", KubernetesGroups: []string{"ops"}, Policies: []authmap.PolicyAssociation{{Policy: authmap.ClusterAdminPolicy}}}, ""},
		{"raw session name", authmap.RoleMapping{RoleARN: devRole, Username: "sso:{{SessionNameRaw}}"},
			authmap.AccessEntry{PrincipalARN: devRole, Type: authmap.EntryStandard, Username: "sso:{{SessionNameRaw}}"}, ""},
		{"system group", authmap.RoleMapping{RoleARN: devRole, Username: "dev", Groups: []string{"system:monitoring"}}, authmap.AccessEntry{}, "EKS refuses system: groups"},
		{"reserved username", authmap.RoleMapping{RoleARN: devRole, Username: "system:admin"}, authmap.AccessEntry{}, "EKS reserves the prefix system:"},
		{"template without colon", authmap.RoleMapping{RoleARN: devRole, Username: "dev-{{SessionName}}"}, authmap.AccessEntry{}, "colon before"},
		{"account template", authmap.RoleMapping{RoleARN: devRole, Username: "dev:{{AccountID}}"}, authmap.AccessEntry{}, "not {{AccountID}}"},
		{"templated group", authmap.RoleMapping{RoleARN: devRole, Username: "dev", Groups: []string{"team-{{AccountID}}"}}, authmap.AccessEntry{}, "groups are literal"},
		{"sso", authmap.RoleMapping{SSO: &authmap.SSO{PermissionSetName: "Admin", AccountID: "111122223333"}, Username: "a"}, authmap.AccessEntry{}, "AWSReservedSSO_Admin_<suffix>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.AccessEntry()
			if tt.err != "" {
				if !errors.Is(err, authmap.ErrNotMigratable) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want ErrNotMigratable containing %q", err, tt.err)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	u, err := authmap.UserMapping{UserARN: aliceUser, Username: "alice:{{SessionName}}"}.AccessEntry()
	if !errors.Is(err, authmap.ErrNotMigratable) {
		t.Errorf("session template for a user: %+v %v", u, err)
	}
	if got := (authmap.AccessEntry{PrincipalARN: "arn:aws-cn:iam::111122223333:role/x", Policies: []authmap.PolicyAssociation{{Policy: authmap.ClusterAdminPolicy}}}).PolicyARNs(); got[0] != "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" {
		t.Errorf("aws-cn policy ARN %s", got[0])
	}
}

// TestAccessPolicyTable: the table names each policy once, finds it by name
// or ARN, and knows the scopes and service-linked-only policies of the page.
func TestAccessPolicyTable(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range authmap.AccessPolicies() {
		if seen[p.Name] || !strings.HasPrefix(p.Name, "Amazon") || p.Summary == "" || (p.TypicalScope != authmap.ScopeCluster && p.TypicalScope != authmap.ScopeNamespace) {
			t.Errorf("bad row %+v", p)
		}
		seen[p.Name] = true
		if got, ok := authmap.LookupAccessPolicy(p.ARN("aws-us-gov")); !ok || got.Name != p.Name {
			t.Errorf("lookup by ARN of %s", p.Name)
		}
	}
	for _, name := range []string{authmap.ClusterAdminPolicy, authmap.AdminPolicy, authmap.AdminViewPolicy, authmap.EditPolicy, authmap.ViewPolicy, authmap.SecretReaderPolicy, authmap.AutoNodePolicy} {
		if !seen[name] {
			t.Errorf("%s missing", name)
		}
	}
	if p, _ := authmap.LookupAccessPolicy("AmazonEKSHybridPolicy"); !p.ServiceLinkedOnly {
		t.Error("AmazonEKSHybridPolicy is for service-linked roles only")
	}
	if _, ok := authmap.LookupAccessPolicy("AmazonEKSRootPolicy"); ok {
		t.Error("unknown policy found")
	}
	a := authmap.PolicyAssociation{Policy: authmap.EditPolicy, Namespaces: []string{"a", "b-*"}}
	if a.Scope() != authmap.ScopeNamespace || a.String() != "AmazonEKSEditPolicy@a,b-*" || (authmap.PolicyAssociation{Policy: authmap.ViewPolicy}).Scope() != authmap.ScopeCluster {
		t.Errorf("association %v %s", a.Scope(), a)
	}
}

func TestValidatePrincipalARN(t *testing.T) {
	for _, tc := range []struct {
		arn, typ string
		ok       bool
	}{
		{"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_1", authmap.EntryStandard, true},
		{"arn:aws:iam::111122223333:user/ops/alice", authmap.EntryStandard, true},
		{"arn:aws:iam::111122223333:role/pods", authmap.EntryFargateLinux, true},
		{"arn:aws:iam::111122223333:user/alice", authmap.EntryFargateLinux, false},
		{"arn:aws:sts::111122223333:assumed-role/Admin/bob", authmap.EntryStandard, false},
		{"arn:aws:iam::111122223333:group/admins", authmap.EntryStandard, false},
		{"arn:aws:iam::111122223333:role/", authmap.EntryStandard, false},
		{"not-an-arn", authmap.EntryStandard, false},
	} {
		err := authmap.ValidatePrincipalARN(tc.arn, tc.typ)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, authmap.ErrPrincipal)) {
			t.Errorf("%s %s: %v", tc.arn, tc.typ, err)
		}
	}
	if len(authmap.EntryTypes()) != 7 {
		t.Errorf("entry types %v", authmap.EntryTypes())
	}
}
