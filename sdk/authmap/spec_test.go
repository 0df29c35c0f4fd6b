package authmap

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateEachProblem(t *testing.T) {
	ok := RoleMapping{RoleARN: "arn:aws:iam::111122223333:role/ok", Username: "ok:{{SessionName}}", Groups: []string{"devs"}}
	tests := []struct {
		name string
		m    Mappings
		opts []Option
		want error  // nil: valid
		text string // substring of the message
	}{
		{name: "valid", m: Mappings{Roles: []RoleMapping{ok, NodeRoleMapping(nodeARN), FargateRoleMapping(podExecRN)},
			Users:    []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/a", Username: "a"}, {UserARN: "arn:aws-cn:iam::111122223333:root", Username: "root"}},
			Accounts: []string{acct}}},
		{name: "malformed role ARN", m: Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam:role/x", Username: "x"}}}, want: ErrInvalidARN, text: "mapRoles[0] arn:aws:iam:role/x"},
		{name: "short account in ARN", m: Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::1234:role/x", Username: "x"}}}, want: ErrInvalidARN, text: "12 digits"},
		{name: "unknown partition", m: Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws-iso:iam::111122223333:role/x", Username: "x"}}}, want: ErrInvalidARN},
		{name: "no identity", m: Mappings{Roles: []RoleMapping{{Username: "x"}}}, want: ErrInvalidARN, text: "no rolearn"},
		{name: "user ARN in mapRoles", m: Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:user/x", Username: "x"}}}, want: ErrWrongResource, text: "not an IAM role"},
		{name: "session ARN in mapRoles", m: Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:sts::111122223333:assumed-role/Dev/alice", Username: "x"}}}, want: ErrWrongResource, text: "map the role arn:aws:iam::111122223333:role/Dev"},
		{name: "role ARN in mapUsers", m: Mappings{Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:role/x", Username: "x"}}}, want: ErrWrongResource, text: "mapUsers[0]"},
		{name: "path in a rolearn kept as read", m: mustParse(map[string]string{KeyMapRoles: "- rolearn: arn:aws:iam::111122223333:role/team/x\n  username: x\n"}),
			want: ErrRolePath, text: "use arn:aws:iam::111122223333:role/x"},
		{name: "path in a new rolearn is rendered away", m: Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/team/x", Username: "x"}}}},
		{name: "paths collapse", m: Mappings{Roles: []RoleMapping{{RoleARN: "arn:aws:iam::111122223333:role/a/x", Username: "x"}, {RoleARN: "arn:aws:iam::111122223333:role/b/x", Username: "x"}}},
			want: ErrPathCollision, text: "both match arn:aws:iam::111122223333:role/x"},
		{name: "bad account", m: Mappings{Accounts: []string{"12345"}}, want: ErrInvalidAccount, text: "mapAccounts[0] 12345"},
		{name: "empty username", m: Mappings{Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/a", Username: " "}}}, want: ErrEmptyUsername},
		{name: "unknown template", m: Mappings{Roles: []RoleMapping{{RoleARN: ok.RoleARN, Username: "x:{{SessionID}}"}}}, want: ErrUnknownTemplate, text: "{{SessionID}}"},
		{name: "template case matters", m: Mappings{Roles: []RoleMapping{{RoleARN: ok.RoleARN, Username: "x", Groups: []string{"{{accountid}}"}}}}, want: ErrUnknownTemplate},
		{name: "session template for a user", m: Mappings{Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/a", Username: "a:{{SessionName}}"}}}, want: ErrUnknownTemplate, text: "no role session"},
		{name: "shadowed role, other case", m: Mappings{Roles: []RoleMapping{ok, {RoleARN: "arn:aws:iam::111122223333:role/OK", Username: "other"}}}, want: ErrShadowed},
		{name: "duplicate with other groups", m: Mappings{Roles: []RoleMapping{ok, {RoleARN: ok.RoleARN, Username: ok.Username}}}, want: ErrShadowed, text: "uses the last one, entry 1"},
		{name: "identical duplicate is harmless", m: Mappings{Roles: []RoleMapping{ok, ok}}},
		{name: "shadowed user", m: Mappings{Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/A", Username: "a"}, {UserARN: "arn:aws:iam::111122223333:user/a", Username: "b"}}}, want: ErrShadowed},
		{name: "system:masters", m: Mappings{Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/a", Username: "a", Groups: []string{GroupMasters}}}}, want: ErrSystemMasters},
		{name: "system:masters opted in", m: Mappings{Users: []UserMapping{{UserARN: "arn:aws:iam::111122223333:user/a", Username: "a", Groups: []string{GroupMasters}}}}, opts: []Option{AllowSystemMasters()}},
		{name: "sso ok", m: Mappings{Roles: []RoleMapping{{SSO: &SSO{PermissionSetName: "Admin.Team", AccountID: acct}, Username: "x"}}}},
		{name: "sso and rolearn", m: Mappings{Roles: []RoleMapping{{RoleARN: ok.RoleARN, SSO: &SSO{PermissionSetName: "A", AccountID: acct}, Username: "x"}}}, want: ErrInvalidSSO, text: "both"},
		{name: "sso partition", m: Mappings{Roles: []RoleMapping{{SSO: &SSO{PermissionSetName: "A", AccountID: acct, Partition: "aws"}, Username: "x"}}}, want: ErrInvalidSSO, text: "never matches"},
		{name: "sso bad set", m: Mappings{Roles: []RoleMapping{{SSO: &SSO{PermissionSetName: "has space", AccountID: "1"}, Username: "x"}}}, want: ErrInvalidSSO, text: "accountID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate(tt.opts...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("err = %v; want %v containing %q", err, tt.want, tt.text)
			}
			var p *Problem
			if !errors.As(err, &p) || p.Key == "" {
				t.Errorf("not a *Problem naming its key: %#v", err)
			}
		})
	}
}

// TestValidateReportsAllAtOnce: one call, every problem, each with its entry.
func TestValidateReportsAllAtOnce(t *testing.T) {
	m := Mappings{
		Roles: []RoleMapping{
			{RoleARN: "arn:aws:iam::111122223333:user/x", Username: ""},                                         // wrong resource + empty username
			{RoleARN: "arn:aws:iam::111122223333:role/y", Username: "{{Nope}}", Groups: []string{GroupMasters}}, // template + masters
		},
		Users:    []UserMapping{{UserARN: "nope", Username: "u"}},
		Accounts: []string{"1", acct},
	}
	ps := Problems(m.Validate())
	want := []struct {
		key string
		i   int
		err error
	}{
		{KeyMapRoles, 0, ErrWrongResource}, {KeyMapRoles, 0, ErrEmptyUsername},
		{KeyMapRoles, 1, ErrUnknownTemplate}, {KeyMapRoles, 1, ErrSystemMasters},
		{KeyMapUsers, 0, ErrInvalidARN}, {KeyMapAccounts, 0, ErrInvalidAccount},
	}
	if len(ps) != len(want) {
		t.Fatalf("%d problems, want %d: %v", len(ps), len(want), ps)
	}
	for i, w := range want {
		if ps[i].Key != w.key || ps[i].Index != w.i || !errors.Is(ps[i], w.err) {
			t.Errorf("problem %d = %v, want %s[%d] %v", i, ps[i], w.key, w.i, w.err)
		}
	}
}

func TestPathlessRoleARN(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::111122223333:role/x":                                                                  "arn:aws:iam::111122223333:role/x",
		"arn:aws:iam::111122223333:role/a/b/x":                                                              "arn:aws:iam::111122223333:role/x",
		"arn:aws-cn:iam::111122223333:role/service-role/x":                                                  "arn:aws-cn:iam::111122223333:role/x",
		"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123": "arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123",
	} {
		if got, err := PathlessRoleARN(in); err != nil || got != want {
			t.Errorf("PathlessRoleARN(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "arn:aws:iam::111122223333:user/x", "arn:aws:iam::111122223333:role/a/", "role/x"} {
		if _, err := PathlessRoleARN(bad); !errors.Is(err, ErrInvalidARN) {
			t.Errorf("PathlessRoleARN(%q) err = %v, want ErrInvalidARN", bad, err)
		}
	}
}

func TestIdentity(t *testing.T) {
	r := RoleMapping{RoleARN: "arn:aws:iam::111122223333:role/Team/App"}
	if got := r.Identity(); got != "arn:aws:iam::111122223333:role/app" {
		t.Errorf("role identity %s", got)
	}
	s := RoleMapping{SSO: &SSO{PermissionSetName: "Admin", AccountID: acct}}
	if got := s.Identity(); got != "arn:aws:iam::111122223333:role/awsreservedsso_admin_*" {
		t.Errorf("sso identity %s", got)
	}
}

func mustParse(data map[string]string) Mappings {
	m, err := Parse(data)
	if err != nil {
		panic(err)
	}
	return m
}
