package authmap

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/golden"
)

const (
	acct      = "111122223333"
	nodeARN   = "arn:aws:iam::111122223333:role/eksctl-demo-NodeInstanceRole-1A2B"
	podExecRN = "arn:aws:iam::111122223333:role/demo-pod-execution"
)

// TestParseReadsLikeTheAuthenticator pins the reading rules of
// aws-iam-authenticator's ConfigMap mapper (pkg/mapper/configmap): YAML to
// JSON then encoding/json, so entry keys are case-insensitive and YAML 1.1
// booleans are not strings; top-level keys are case-sensitive.
func TestParseReadsLikeTheAuthenticator(t *testing.T) {
	tests := []struct {
		name  string
		data  map[string]string
		want  Mappings
		fails string // substring of the error, "" for success
	}{
		{name: "crazy case entry keys",
			data: map[string]string{
				"mapRoles":    "- rOlEaRn: " + nodeARN + "\n  UsErNaMe: " + NodeUsername + "\n  gRoUpS:\n    - system:bootstrappers\n    - system:nodes\n",
				"mapUsers":    "- uSeRaRn: arn:aws:iam::111122223333:user/admin\n  UsErNaMe: admin\n  gRoUpS: [system:masters]\n",
				"mapAccounts": "- 111122223333\n",
			},
			want: Mappings{Roles: []RoleMapping{NodeRoleMapping(nodeARN)},
				Users:    []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/admin", Username: "admin", Groups: []string{GroupMasters}}},
				Accounts: []string{acct}}},
		{name: "top-level keys are case-sensitive",
			data: map[string]string{"maproles": "- rolearn: " + nodeARN + "\n  username: x\n", "MapUsers": "- nonsense"},
			want: Mappings{}},
		{name: "skippable values", data: map[string]string{"mapRoles": "  \n", "mapUsers": "``", "mapAccounts": `""`}, want: Mappings{}},
		{name: "JSON list (terraform jsonencode)",
			data: map[string]string{"mapRoles": `[{"groups":["system:bootstrappers","system:nodes","system:node-proxier"],"rolearn":"` + podExecRN + `","username":"system:node:{{SessionName}}"}]`},
			want: Mappings{Roles: []RoleMapping{FargateRoleMapping(podExecRN)}}},
		{name: "sso matcher",
			data: map[string]string{"mapRoles": "- sso:\n    permissionSetName: Admin\n    accountID: \"111122223333\"\n  username: admin:{{SessionName}}\n  groups: [admins]\n"},
			want: Mappings{Roles: []RoleMapping{{SSO: &SSO{PermissionSetName: "Admin", AccountID: acct}, Username: "admin:{{SessionName}}", Groups: []string{"admins"}}}}},
		{name: "YAML 1.1 boolean group", data: map[string]string{"mapRoles": "- rolearn: " + nodeARN + "\n  username: x\n  groups: [yes]\n"}, fails: "mapRoles[0]"},
		{name: "number username", data: map[string]string{"mapUsers": "- userarn: arn:aws:iam::111122223333:user/a\n  username: 42\n"}, fails: "mapUsers[0] arn:aws:iam::111122223333:user/a"},
		{name: "not a list", data: map[string]string{"mapRoles": "rolearn: " + nodeARN + "\n"}, fails: "not a YAML list"},
		{name: "bad YAML", data: map[string]string{"mapRoles": "- rolearn: a\n username: b\n"}, fails: "mapRoles: authmap: malformed: yaml"},
		{name: "scalar entry", data: map[string]string{"mapRoles": "- " + nodeARN + "\n"}, fails: "mapRoles[0]"},
		{name: "map in accounts", data: map[string]string{"mapAccounts": "- id: 1\n"}, fails: "mapAccounts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.data)
			if tt.fails != "" {
				if err == nil || !strings.Contains(err.Error(), tt.fails) || !errors.Is(err, ErrMalformed) {
					t.Fatalf("err = %v, want ErrMalformed containing %q", err, tt.fails)
				}
				if m.Len() != 0 {
					t.Errorf("a failed Parse returned %d entries; want none", m.Len())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !m.Equal(tt.want) {
				t.Errorf("got %#v\nwant %#v", m, tt.want)
			}
		})
	}
}

// TestParseNamesEveryBadEntry: one error per bad entry, each with its index.
func TestParseNamesEveryBadEntry(t *testing.T) {
	_, err := Parse(map[string]string{
		"mapRoles": "- rolearn: " + nodeARN + "\n  username: ok\n- rolearn: 12\n  username: a\n- rolearn: " + podExecRN + "\n  groups: {a: b}\n  username: b\n",
		"mapUsers": "- userarn: [x]\n",
	})
	ps := Problems(err)
	var where []string
	for _, p := range ps {
		where = append(where, p.Key+"["+itoa(p.Index)+"]")
	}
	if want := []string{"mapRoles[1]", "mapRoles[2]", "mapUsers[0]"}; !slices.Equal(where, want) {
		t.Errorf("problems at %v, want %v (%v)", where, want, err)
	}
}

func itoa(i int) string {
	if i < 0 {
		return "-"
	}
	return string(rune('0' + i))
}

// goldenCase is testdata/<name>.in.yaml: the ConfigMap data before, and what
// to do to it; the result is compared with testdata/<name>.golden.yaml.
type goldenCase struct {
	Data   map[string]string `json:"data"`
	Add    goldenAdd         `json:"add"`
	Remove []string          `json:"remove"`
}

type goldenAdd struct {
	Roles []struct {
		RoleARN  string   `json:"rolearn"`
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	} `json:"roles"`
	Users []struct {
		UserARN  string   `json:"userarn"`
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	} `json:"users"`
	Accounts []string `json:"accounts"`
}

// TestGoldenEdits applies an edit to real-world aws-auth shapes and checks
// the result against golden files, plus the invariant that matters: every
// entry the edit did not touch is still there byte-for-byte, and keys other
// than the three are untouched.
func TestGoldenEdits(t *testing.T) {
	ins, _ := filepath.Glob("testdata/*.in.yaml")
	if len(ins) == 0 {
		t.Fatal("no testdata/*.in.yaml")
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in.yaml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var gc goldenCase
			if err := yaml.UnmarshalStrict(raw, &gc); err != nil {
				t.Fatal(err)
			}
			before, err := Parse(gc.Data)
			if err != nil {
				t.Fatal(err)
			}
			if d, err := before.ApplyTo(gc.Data); err != nil || !mapsEqual(d, gc.Data) {
				t.Fatalf("unchanged ApplyTo is not the identity: %v", err)
			}
			var add Mappings
			for _, r := range gc.Add.Roles {
				add.Roles = append(add.Roles, RoleMapping{RoleARN: r.RoleARN, Username: r.Username, Groups: r.Groups})
			}
			for _, u := range gc.Add.Users {
				add.Users = append(add.Users, UserMapping{UserARN: u.UserARN, Username: u.Username, Groups: u.Groups})
			}
			add.Accounts = gc.Add.Accounts
			after, err := before.Merge(add)
			if err != nil {
				t.Fatal(err)
			}
			after, _ = after.Remove(gc.Remove...)
			out, err := after.ApplyTo(gc.Data)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range gc.Data {
				if k != KeyMapRoles && k != KeyMapUsers && k != KeyMapAccounts && out[k] != v {
					t.Errorf("unknown key %s changed", k)
				}
			}
			assertUntouchedVerbatim(t, before, after, out)
			reread, err := Parse(out)
			if err != nil || !reread.Equal(after) {
				t.Errorf("result reads back as %+v (%v), want %+v", reread, err, after)
			}
			got, _ := yaml.Marshal(out)
			golden.Assert(t, "testdata/"+name+".golden.yaml", got)
		})
	}
}

// assertUntouchedVerbatim checks that each entry of before that after still
// holds unchanged appears in out with its original bytes.
func assertUntouchedVerbatim(t *testing.T, before, after Mappings, out map[string]string) {
	t.Helper()
	for k := range kinds {
		sec := before.layout.section(k)
		if sec == nil || sec.style == styleOpaque {
			continue
		}
		for _, it := range sec.items {
			kept := slices.ContainsFunc(after.entries(k), func(e entry) bool { return e.same(it.entry) })
			if kept && !strings.Contains(out[kinds[k].key], it.text) {
				t.Errorf("%s: untouched entry lost its bytes:\n%q\nin\n%q", kinds[k].key, it.text, out[kinds[k].key])
			}
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
