package authmap

import (
	"testing"
	"unicode/utf8"
)

func addSeeds(f *testing.F) {
	f.Add(eksRoles, "- userarn: arn:aws:iam::111122223333:user/a\n  username: a\n  groups: [x]\n", "- \"111122223333\"\n")
	f.Add(`[{"rolearn":"`+podExecRN+`","username":"system:node:{{SessionName}}","groups":["system:nodes"]}]`, `[]`, "[111122223333]")
	f.Add("    # c\n    - rolearn: a  # x\n      username: 'b'\n      userid: X\n    - sso: {permissionSetName: A, accountID: '1'}\n      username: \"u\\t\"\n", "", "``")
	f.Add("- rolearn: a\r\n  groups: &g [a]\r\n- rolearn: b\r\n  groups: *g", "-\n- ~\n", "- 1\n- '2'\n")
	f.Add("[ {rolearn: 'it''s', username: \"a, b\"} , # c\n {rolearn: x} ]", "[{userarn: u, username: \"\\u00e9\\u0085\"}]", "")
	f.Add("- rolearn: a\n  username: \"multi\n- line\"\n- rolearn: b\n", "- userarn: u\n  username: |\n    x\n- userarn: v\n", "- '1'\n---\n- '2'\n")
	f.Add("- rolearn: a\n  username: plain\n  continued\n- rolearn: b\n...\n", "-\tuserarn: u\n", "- 1 # c\n-   2\n")
}

// FuzzParse: Parse never panics; whatever it accepts, Data renders, and that
// text reads back to the same mappings; rendering every entry afresh (no
// remembered text) reads back too; an unchanged ApplyTo is the identity.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, roles, users, accounts string) {
		in := map[string]string{KeyMapRoles: roles, KeyMapUsers: users, KeyMapAccounts: accounts, "other": roles}
		for k, kd := range kinds {
			assertByItemIsWhole(t, kd, in[kinds[k].key])
		}
		m, err := Parse(in)
		if err != nil {
			if len(Problems(err)) == 0 {
				t.Fatalf("error without problems: %v", err)
			}
			return
		}
		out, err := m.ApplyTo(in)
		if err != nil {
			t.Fatalf("Data of parsed mappings: %v", err)
		}
		if !mapsEqual(out, in) {
			t.Fatalf("unchanged ApplyTo changed the data:\n%q\n%q", in, out)
		}
		fresh := Mappings{Roles: m.Roles, Users: m.Users, Accounts: m.Accounts}
		d, err := fresh.Data()
		if err != nil {
			t.Fatalf("fresh render of %+v: %v", fresh, err)
		}
		back, err := Parse(d)
		if err != nil || !back.Equal(normalizedAll(m)) {
			t.Fatalf("fresh render reads back as %+v (%v), want %+v\n%q", back, err, m, d)
		}
	})
}

// FuzzRoundTrip: Parse→Data→Parse is the identity on valid input, also after
// an edit (one entry added, one removed).
func FuzzRoundTrip(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, roles, users, accounts string) {
		m, err := Parse(map[string]string{KeyMapRoles: roles, KeyMapUsers: users, KeyMapAccounts: accounts})
		if err != nil {
			return
		}
		for _, edit := range []func(Mappings) Mappings{
			func(m Mappings) Mappings { return m },
			func(m Mappings) Mappings {
				out, err := m.Merge(Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/fuzz", Username: "f:{{SessionName}}", Groups: []string{"g"}}},
					Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/fuzz", Username: "f"}}, Accounts: []string{acct}})
				if err != nil {
					return m
				}
				if len(m.Roles) > 0 {
					out, _ = out.Remove(m.Roles[0].Identity())
				}
				return out
			},
		} {
			want := edit(m)
			d, err := want.Data()
			if err != nil {
				t.Fatalf("Data: %v", err)
			}
			got, err := Parse(d)
			if err != nil || !got.Equal(normalizedAll(want)) && !got.Equal(want) {
				t.Fatalf("round trip: %+v (%v), want %+v\n%q", got, err, want, d)
			}
		}
	})
}

// FuzzRenderStrings: any username or group survives rendering in both styles.
func FuzzRenderStrings(f *testing.F) {
	for _, s := range []string{"yes", "123", "{{SessionName}}", "a: b", "#x", "", " lead", "é\u0085\u2028\ufeff", "- x", "null", "~", "0o17", "1e3", "'q'", "\"", `\`, "\t\n", "\x7f"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, username, group string) {
		if !utf8.ValidString(username) || !utf8.ValidString(group) {
			t.Skip()
		}
		m := Mappings{Roles: []RoleMapping{{RoleARN: nodeARN, Username: username, Groups: []string{group}}},
			Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/a", Username: group, Groups: []string{username}}}}
		for _, base := range []map[string]string{nil, {KeyMapRoles: "[]", KeyMapUsers: `[{"userarn":"x","username":"y"}]`}} {
			start, err := Parse(base)
			if err != nil {
				t.Fatal(err)
			}
			merged, err := start.Merge(m)
			if err != nil {
				t.Fatal(err)
			}
			d, err := merged.Data()
			if err != nil {
				t.Fatalf("Data(%q, %q): %v", username, group, err)
			}
			if back, err := Parse(d); err != nil || !back.Equal(merged) {
				t.Fatalf("%q reads back as %+v (%v)", d, back, err)
			}
		}
	})
}

func normalizedAll(m Mappings) Mappings {
	out := m.clone()
	for i := range out.Roles {
		out.Roles[i] = normalized(out.Roles[i]).(RoleMapping)
	}
	return out
}

// assertByItemIsWhole: reading a block list item by item is reading it whole.
func assertByItemIsWhole(t *testing.T, kd kind, text string) {
	sec, ok := parseBlockByItem(kd, text, nil)
	if !ok {
		return
	}
	whole, errs := kd.decode(text)
	if len(errs) > 0 {
		t.Fatalf("%s: read item by item, but whole it fails: %v\n%q", kd.key, errs, text)
	}
	if len(whole) != len(sec.items) {
		t.Fatalf("%s: %d items by item, %d whole\n%q", kd.key, len(sec.items), len(whole), text)
	}
	for i := range whole {
		if !whole[i].sameValue(sec.items[i]) || !whole[i].entry.same(sec.items[i].entry) {
			t.Fatalf("%s[%d]: %s by item, %s whole\n%q", kd.key, i, sec.items[i].raw, whole[i].raw, text)
		}
	}
}
