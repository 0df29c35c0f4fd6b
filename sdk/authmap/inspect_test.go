package authmap

import (
	"errors"
	"testing"
)

func TestInspect(t *testing.T) {
	data := map[string]string{
		KeyMapRoles: `- rolearn: arn:aws:iam::111122223333:role/admins
  username: admin
  groups: [platform-admins]
- rolearn: arn:aws:iam::111122223333:role/team/devs
  username: dev
  groups: [devs]
- rolearn: 12
  username: broken
- rolearn: arn:aws:iam::111122223333:role/admins
  username: admin2
  groups: [viewers]
- rolearn: arn:aws:iam::111122223333:role/root
  username: root
  groups: [system:masters]
`,
		KeyMapUsers:    "- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n  groups: [devs]\n",
		KeyMapAccounts: "- \"1234\"\n",
	}
	in := Inspect(data)
	m, problems := in.Mappings, in.Problems
	if len(m.Roles) != 4 || len(m.Users) != 1 || len(m.Accounts) != 1 {
		t.Fatalf("readable entries: %d roles, %d users, %d accounts; want 4, 1, 1", len(m.Roles), len(m.Users), len(m.Accounts))
	}
	type want struct {
		key   string
		index int
		err   error
	}
	// Index is the position as written, the unreadable entry counted.
	wants := []want{
		{KeyMapRoles, 0, ErrShadowed},
		{KeyMapRoles, 1, ErrRolePath},
		{KeyMapRoles, 2, ErrMalformed},
		{KeyMapAccounts, 0, ErrInvalidAccount},
	}
	if len(problems) != len(wants) {
		t.Fatalf("problems:\n%v\nwant %d", problems, len(wants))
	}
	for i, w := range wants {
		p := problems[i]
		if p.Key != w.key || p.Index != w.index || !errors.Is(p, w.err) {
			t.Errorf("problem %d = %v (key %s index %d); want %s[%d] %v", i, p, p.Key, p.Index, w.key, w.index, w.err)
		}
	}
	if m.layout != nil {
		t.Error("Inspect's Mappings carry a layout: they could be written back")
	}
	// Entries: every entry as written, each with its own problems.
	if len(in.Entries) != 7 {
		t.Fatalf("entries: %d, want 7", len(in.Entries))
	}
	for i, w := range []struct {
		key      string
		index    int
		readable bool
		problems int
	}{
		{KeyMapRoles, 0, true, 1}, {KeyMapRoles, 1, true, 1}, {KeyMapRoles, 2, false, 1}, {KeyMapRoles, 3, true, 0},
		{KeyMapRoles, 4, true, 0}, {KeyMapUsers, 0, true, 0}, {KeyMapAccounts, 0, true, 1},
	} {
		e := in.Entries[i]
		readable := e.Role != nil || e.User != nil || e.Account != ""
		if e.Key != w.key || e.Index != w.index || readable != w.readable || len(e.Problems) != w.problems {
			t.Errorf("entry %d = %s[%d] readable=%v problems=%v; want %s[%d] readable=%v %d problems", i, e.Key, e.Index, readable, e.Problems, w.key, w.index, w.readable, w.problems)
		}
	}
	if e := in.Entries[3]; e.Role == nil || e.Role.Username != "admin2" {
		t.Errorf("entry after the unreadable one: %+v", e)
	}
	// A clean ConfigMap has no problems, and the same entries as Parse.
	clean := map[string]string{KeyMapRoles: "- rolearn: arn:aws:iam::111122223333:role/admins\n  username: admin\n  groups: [a]\n"}
	got := Inspect(clean)
	parsed, err := Parse(clean)
	if err != nil || len(got.Problems) != 0 || len(got.Mappings.Roles) != 1 || !got.Mappings.Roles[0].same(parsed.Roles[0]) {
		t.Errorf("clean: %+v %v", got, err)
	}
	// A whole key that is not a list: one problem, Index -1, no entries.
	whole := Inspect(map[string]string{KeyMapRoles: "rolearn: [unterminated"})
	if len(whole.Problems) != 1 || whole.Problems[0].Index != -1 || !errors.Is(whole.Problems[0], ErrMalformed) || len(whole.Entries) != 0 {
		t.Errorf("whole key: %+v", whole)
	}
}
