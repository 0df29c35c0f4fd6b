package lbc

import (
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct {
		name  string
		valid func(string) bool
		good  []string
		bad   []string
	}{
		{"label", validLabel, []string{"a", "kube-system", "0x", strings.Repeat("a", 63)},
			[]string{"", "-a", "a-", "A", "a_b", "a.b", strings.Repeat("a", 64)}},
		{"subdomain", validSubdomain, []string{"a", "a.b-c", "aws-load-balancer-controller"},
			[]string{"", "a..b", ".a", "a.", "A.b", strings.Repeat("a.", 127) + "ab"}},
		{"cluster", validClusterName, []string{"demo", "0", "a_b-C", strings.Repeat("x", 100)},
			[]string{"", "-a", "_a", "a.b", "a b", strings.Repeat("x", 101)}},
		{"load balancer", validLBName, []string{"a", "my-alb-1", strings.Repeat("A", 32)},
			[]string{"", "-a", "a-", "a_b", strings.Repeat("a", 33)}},
		{"group", validGroupName, []string{"a", "my-team.awesome-group", strings.Repeat("g", 63)},
			[]string{"", "A", ".a", "a.", "a_b", strings.Repeat("g", 64)}},
		{"port", validPortName, []string{"http", "http-admin", "h2c", strings.Repeat("p", 15)},
			[]string{"", "80", "-http", "http-", "HTTP", strings.Repeat("p", 16)}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			if !tt.valid(s) {
				t.Errorf("%s: %q refused", tt.name, s)
			}
		}
		for _, s := range tt.bad {
			if tt.valid(s) {
				t.Errorf("%s: %q accepted", tt.name, s)
			}
		}
	}
}
