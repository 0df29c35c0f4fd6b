package glob

import (
	"unicode"
	"unicode/utf8"
)

// Match reports whether s matches pattern. In the pattern, '*' matches any
// run of characters (including none) and '?' matches exactly one character;
// every other character matches only itself. There is no escape: a '*' or
// '?' in the pattern is always a wildcard, and a '*' or '?' in s is an
// ordinary character. A character is a UTF-8 encoded rune, or a single byte
// where s or the pattern is not valid UTF-8, so '?' matches "é" (two bytes)
// and a literal character matches exactly the same bytes. An empty pattern
// matches only the empty string.
//
// It runs in O(len(pattern)·len(s)) time at worst, without recursion or
// allocation.
func Match(pattern, s string) bool { return match(pattern, s, false) }

// MatchFold is [Match] under simple Unicode case folding, as IAM compares
// action names ("STS:Assume*" matches "sts:AssumeRoleWithWebIdentity").
func MatchFold(pattern, s string) bool { return match(pattern, s, true) }

func match(p, s string, fold bool) bool {
	// Iterative matching that backtracks to the last '*': star is the
	// pattern index after that '*', mark the index in s it last resumed at.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		if pi < len(p) {
			pr, pn := utf8.DecodeRuneInString(p[pi:])
			sr, sn := utf8.DecodeRuneInString(s[si:])
			switch {
			case pr == '*':
				// Before the literal case: a '*' in s must not eat the wildcard.
				star, mark = pi+1, si
				pi++
				continue
			case pr == '?':
				pi += pn
				si += sn
				continue
			case p[pi:pi+pn] == s[si:si+sn] || fold && sameFold(pr, pn, sr, sn):
				pi += pn
				si += sn
				continue
			}
		}
		if star < 0 {
			return false
		}
		// Let the last '*' take one more character and try again after it.
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		pi, si = star, mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// sameFold reports whether two valid runes are equal under simple case
// folding; a byte of invalid UTF-8 (n == 1 and RuneError) only equals itself.
func sameFold(a rune, an int, b rune, bn int) bool {
	if a == utf8.RuneError && an == 1 || b == utf8.RuneError && bn == 1 {
		return false
	}
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// MatchLabels reports whether labels satisfy a selector's label patterns, as
// an EKS Fargate profile selector matches a pod: every selector entry, its
// key and value both patterns, matches at least one of the labels. An empty
// selector matches any labels.
func MatchLabels(selector, labels map[string]string) bool {
	for k, v := range selector {
		found := false
		for lk, lv := range labels {
			if Match(k, lk) && Match(v, lv) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
