package authmap

import (
	"errors"
	"testing"
)

func parseT(t *testing.T, data map[string]string) Mappings {
	t.Helper()
	m, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func dataT(t *testing.T, m Mappings) map[string]string {
	t.Helper()
	d, err := m.Data()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const eksRoles = "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: " + nodeARN + "\n  username: system:node:{{EC2PrivateDNSName}}\n"

func TestMergeIdenticalReaddIsNoop(t *testing.T) {
	base := parseT(t, map[string]string{KeyMapRoles: eksRoles, KeyMapAccounts: "- '111122223333'\n"})
	same, err := base.Merge(Mappings{Roles: []RoleMapping{NodeRoleMapping(nodeARN)}, Accounts: []string{acct}})
	if err != nil {
		t.Fatal(err)
	}
	if got := dataT(t, same); got[KeyMapRoles] != eksRoles || got[KeyMapAccounts] != "- '111122223333'\n" {
		t.Errorf("identical re-add changed the text: %q", got)
	}
	add := Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/dev", Username: "dev"}}}
	once, _ := base.Merge(add)
	twice, _ := once.Merge(add)
	if a, b := dataT(t, once), dataT(t, twice); !mapsEqual(a, b) || len(twice.Roles) != 2 {
		t.Errorf("second merge differs: %q vs %q", a, b)
	}
}

func TestMergeUpsertsInPlaceAndKeepsOrder(t *testing.T) {
	r := func(name, user string, groups ...string) RoleMapping {
		return RoleMapping{RoleARN: "arn:aws:iam::111122223333:role/" + name, Username: user, Groups: groups}
	}
	base := Mappings{Roles: []RoleMapping{r("a", "a"), r("b", "b"), r("c", "c"), r("B", "b-dup")}}
	got, err := base.Merge(Mappings{Roles: []RoleMapping{r("team/b", "b2", "g"), r("d", "d")}})
	if err != nil {
		t.Fatal(err)
	}
	want := []RoleMapping{r("a", "a"), r("b", "b2", "g"), r("c", "c"), r("d", "d")}
	if !got.Equal(Mappings{Roles: want}) {
		t.Errorf("got %+v\nwant %+v", got.Roles, want)
	}
	if base.Roles[1].Username != "b" {
		t.Error("Merge modified its receiver")
	}
}

func TestMergeRefusesCollapsingPaths(t *testing.T) {
	base := Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/a/x", Username: "x"}}}
	_, err := base.Merge(Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/b/x", Username: "x"}}})
	if !errors.Is(err, ErrPathCollision) {
		t.Errorf("err = %v, want ErrPathCollision", err)
	}
	_, err = Mappings{}.Merge(Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/a/x", Username: "x"}, {RoleARN: "arn:aws:iam::111122223333:role/b/x", Username: "y"}}})
	if !errors.Is(err, ErrPathCollision) {
		t.Errorf("within one merge: err = %v, want ErrPathCollision", err)
	}
	// The real ARN (with path) of a role mapped path-less is the same role.
	fixed, err := base.Merge(Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/x", Username: "x"}}})
	if err != nil || len(fixed.Roles) != 1 || fixed.Roles[0].RoleARN != "arn:aws:iam::111122223333:role/x" {
		t.Errorf("path-less fix: %+v %v", fixed.Roles, err)
	}
}

func TestMergeUsersAccountsSSO(t *testing.T) {
	sso := RoleMapping{SSO: &SSO{PermissionSetName: "Admin", AccountID: acct}, Username: "admin:{{SessionName}}"}
	m, err := Mappings{Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/Alice", Username: "alice"}}}.Merge(Mappings{
		Roles:    []RoleMapping{sso, {SSO: &SSO{PermissionSetName: "admin", AccountID: acct}, Username: "other"}},
		Users:    []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/alice", Username: "alice2"}},
		Accounts: []string{acct, acct},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Roles) != 1 || m.Roles[0].Username != "other" || len(m.Users) != 1 || m.Users[0].Username != "alice2" || len(m.Accounts) != 1 {
		t.Errorf("got %+v", m)
	}
}

func TestRemove(t *testing.T) {
	base := parseT(t, map[string]string{
		KeyMapRoles:    eksRoles + "- rolearn: arn:aws:iam::111122223333:role/Dev\n  username: dev\n",
		KeyMapUsers:    "- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n",
		KeyMapAccounts: "- \"111122223333\"\n- \"444455556666\"\n",
	})
	m, n := base.Remove("arn:aws:iam::111122223333:role/team/dev", "ARN:AWS:IAM::111122223333:USER/ALICE", "444455556666", "arn:aws:iam::111122223333:role/absent")
	if n != 3 {
		t.Errorf("removed %d, want 3", n)
	}
	d := dataT(t, m)
	if d[KeyMapRoles] != eksRoles || d[KeyMapAccounts] != "- \"111122223333\"\n" {
		t.Errorf("remaining entries lost their bytes: %q", d)
	}
	if _, ok := d[KeyMapUsers]; ok {
		t.Errorf("emptied mapUsers still rendered: %q", d[KeyMapUsers])
	}
	full, _ := m.ApplyTo(map[string]string{KeyMapUsers: "x", "other": "y"})
	if _, ok := full[KeyMapUsers]; ok || full["other"] != "y" {
		t.Errorf("ApplyTo: %q", full)
	}
}

// TestReconcile: an owner's previous entries it no longer wants go, ensured
// mappings are never removed, other entries keep their bytes, emptied keys
// become "" so that a patch clears them.
func TestReconcile(t *testing.T) {
	live := map[string]string{
		KeyMapRoles: eksRoles + "- rolearn: arn:aws:iam::111122223333:role/old\n  username: old\n",
		KeyMapUsers: "- userarn: arn:aws:iam::111122223333:user/gone\n  username: gone\n",
		"other":     "x",
	}
	fargate := Mappings{Roles: []RoleMapping{FargateRoleMapping(podExecRN)}}
	owned := Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/team/new", Username: "new"}}}
	prev := []string{"arn:aws:iam::111122223333:role/old", "arn:aws:iam::111122223333:user/gone", podExecRN}
	r, err := Reconcile(live, prev, owned, fargate)
	if err != nil {
		t.Fatal(err)
	}
	want := eksRoles + "- rolearn: arn:aws:iam::111122223333:role/new\n  username: new\n" +
		"- rolearn: " + podExecRN + "\n  username: system:node:{{SessionName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n    - system:node-proxier\n"
	if r.Data[KeyMapRoles] != want || r.Data[KeyMapUsers] != "" || len(r.Data) != 2 {
		t.Errorf("data %q", r.Data)
	}
	if len(r.Owned) != 1 || r.Owned[0] != "arn:aws:iam::111122223333:role/new" {
		t.Errorf("owned %v", r.Owned)
	}
	again, err := Reconcile(map[string]string{KeyMapRoles: r.Data[KeyMapRoles]}, r.Owned, owned, fargate)
	if err != nil || again.Data[KeyMapRoles] != r.Data[KeyMapRoles] {
		t.Errorf("second run changed the data: %v %q", err, again.Data)
	}
	if _, err := Reconcile(map[string]string{KeyMapRoles: "- rolearn: [x]\n"}, nil, owned, fargate); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed live: %v", err)
	}
}
