package lbc

import "strings"

// Name checks written by hand: regexps with bounded repetitions ({0,99})
// compile into large programs at package init, a cost every importer (the
// CLI) would pay at start-up.

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// validName reports whether s has 1 to max bytes, each accepted by inner,
// with the first and last accepted by edge.
func validName(s string, max int, inner, edge func(byte) bool) bool {
	if len(s) == 0 || len(s) > max || !edge(s[0]) || !edge(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !inner(s[i]) {
			return false
		}
	}
	return true
}

func lowerAlnum(c byte) bool { return isLower(c) || isDigit(c) }
func alnum(c byte) bool      { return lowerAlnum(c) || isUpper(c) }

// validLabel reports whether s is a DNS label (a namespace name): 1-63
// lower-case letters, digits and '-', starting and ending alphanumeric.
func validLabel(s string) bool {
	return validName(s, 63, func(c byte) bool { return lowerAlnum(c) || c == '-' }, lowerAlnum)
}

// validSubdomain reports whether s is a Kubernetes DNS subdomain name: dot-
// separated DNS labels (each up to 63), 253 characters at most.
func validSubdomain(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !validLabel(part) {
			return false
		}
	}
	return true
}

// validClusterName reports whether s is an EKS cluster name: 1-100 letters,
// digits, '-' and '_', starting alphanumeric.
func validClusterName(s string) bool {
	return validName(s, 100, func(c byte) bool { return alnum(c) || c == '-' || c == '_' },
		func(c byte) bool { return true }) && alnum(s[0])
}

// validLBName reports whether s is a load balancer name: 1-32 letters,
// digits and '-', starting and ending alphanumeric.
func validLBName(s string) bool {
	return validName(s, 32, func(c byte) bool { return alnum(c) || c == '-' }, alnum)
}

// validGroupName reports whether s is an IngressGroup name: 1-63 lower-case
// letters, digits, '-' and '.', starting and ending alphanumeric.
func validGroupName(s string) bool {
	return validName(s, 63, func(c byte) bool { return lowerAlnum(c) || c == '-' || c == '.' }, lowerAlnum)
}

// validPortName reports whether s is a container port name: 1-15 lower-case
// letters, digits and '-', starting and ending alphanumeric, with a letter.
func validPortName(s string) bool {
	return validName(s, 15, func(c byte) bool { return lowerAlnum(c) || c == '-' }, lowerAlnum) &&
		strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0
}
