package glob

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		// Literals.
		{"", "", true}, {"", "a", false}, {"a", "", false},
		{"abc", "abc", true}, {"abc", "abd", false}, {"prod", "production", false},
		{"kube-system", "kube-system", true},
		// '*': any run, including none.
		{"*", "", true}, {"*", "abc", true}, {"**", "", true}, {"a**", "a", true},
		{"a*c", "ac", true}, {"a*c", "abbbc", true}, {"a*c", "abbbd", false},
		{"a*b*c", "aXbYc", true}, {"a*b*c", "abxbc", true}, {"a*b*c", "abxbd", false},
		{"*a", "bba", true}, {"*a", "bab", false}, {"a*", "ba", false},
		{"kube-*", "kube-system", true}, {"*-system", "kube-system", true}, {"k*s*m", "kube-system", true},
		{"*:apps:*", "system:serviceaccount:apps:web", true},
		// '?': exactly one character.
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"kube-?ystem", "kube-system", true}, {"kube-?", "kube-system", false},
		{"?", "é", true}, {"??", "é", false}, {"a?", "a日", true}, {"*?", "", false}, {"?*", "x", true},
		// A '*' or '?' in s is an ordinary character; in the pattern, a wildcard
		// first (found by FuzzMatch: the literal case used to eat the '*').
		{"*", "*abc", true}, {"*x", "*ax", true}, {"a*", "a*b", true}, {"*", "?", true}, {"?", "*", true},
		{"a\\*", "a\\xyz", true}, // no escapes: the backslash is a literal
		// Invalid UTF-8: one byte is one character, and only equals itself.
		{"\xff", "\xff", true}, {"\xff", "\xfe", false}, {"?", "\xff", true}, {"??", "\xff", false},
		{"*\xff", "é\xff", true}, {"\xc3", "é", false},
		// Case matters in Match.
		{"ABC", "abc", false},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestMatchFold(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"STS:Assume*", "sts:AssumeRoleWithWebIdentity", true},
		{"sts:assumerole", "STS:AssumeRole", true},
		{"sts:AssumeRole?", "sts:assumerole", false},
		{"ÉTÉ", "été", true},
		{"k", "\u212a", true}, // KELVIN SIGN folds to k
		{"\xff", "\xff", true}, {"\xff", "\xfe", false},
		{"a", "b", false},
	}
	for _, tt := range tests {
		if got := MatchFold(tt.pattern, tt.s); got != tt.want {
			t.Errorf("MatchFold(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
	if Match("STS:Assume*", "sts:AssumeRoleWithWebIdentity") {
		t.Error("Match folds case")
	}
}

// reference compiles pattern to an anchored regular expression with the same
// meaning; ok is false where a regexp cannot say it (invalid UTF-8, or a
// pattern too large to compile).
func reference(pattern string, fold bool) (re *regexp.Regexp, ok bool) {
	if !utf8.ValidString(pattern) {
		return nil, false
	}
	var b strings.Builder
	b.WriteString("^(?s")
	if fold {
		b.WriteString("i")
	}
	b.WriteString(")")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return re, err == nil
}

func FuzzMatch(f *testing.F) {
	f.Add("kube-*", "kube-system")
	f.Add("a*?b", "axxb")
	f.Add("*:apps:*", "system:serviceaccount:apps:*web")
	f.Add("?", "é")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		got := Match(pattern, s)
		// A pattern without wildcards matches exactly itself; "*" matches anything.
		if !strings.ContainsAny(pattern, "*?") && got != (pattern == s) {
			t.Fatalf("literal %q vs %q: %v", pattern, s, got)
		}
		if !Match("*", s) || !Match(s+"*", s) || !Match("*"+s, s) || !Match(s, s) {
			t.Fatalf("%q does not match itself or a star around it", s)
		}
		if got && !strings.Contains(pattern, "*") && utf8.RuneCountInString(pattern) != utf8.RuneCountInString(s) {
			t.Fatalf("%q matched %q of another length without a star", pattern, s)
		}
		if got && !MatchFold(pattern, s) {
			t.Fatalf("Match(%q, %q) but not MatchFold", pattern, s)
		}
		// Where a regular expression can say it, it agrees.
		if !utf8.ValidString(s) {
			return
		}
		for _, fold := range []bool{false, true} {
			if re, ok := reference(pattern, fold); ok {
				if want := re.MatchString(s); match(pattern, s, fold) != want {
					t.Fatalf("match(%q, %q, fold=%v) = %v, regexp %s says %v", pattern, s, fold, !want, re, want)
				}
			}
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	s := "system:serviceaccount:" + strings.Repeat("a", 200) + ":web"
	for b.Loop() {
		Match("system:serviceaccount:*a*a*a*:w?b", s)
	}
}

func TestMatchLabels(t *testing.T) {
	pod := map[string]string{"app": "web", "tier": "front"}
	tests := []struct {
		selector map[string]string
		labels   map[string]string
		want     bool
	}{
		{nil, nil, true}, {nil, pod, true}, {map[string]string{}, pod, true},
		{map[string]string{"app": "web"}, pod, true},
		{map[string]string{"app": "web", "tier": "front"}, pod, true},
		{map[string]string{"app": "web", "tier": "back"}, pod, false},
		{map[string]string{"app": "w?b", "t*": "*"}, pod, true},
		{map[string]string{"*": "front"}, pod, true},
		{map[string]string{"app": "*"}, map[string]string{"other": "x"}, false},
		{map[string]string{"app": "web"}, nil, false},
		// Key and value must match on the same label.
		{map[string]string{"app": "front"}, pod, false},
	}
	for _, tt := range tests {
		if got := MatchLabels(tt.selector, tt.labels); got != tt.want {
			t.Errorf("MatchLabels(%v, %v) = %v, want %v", tt.selector, tt.labels, got, tt.want)
		}
	}
}
