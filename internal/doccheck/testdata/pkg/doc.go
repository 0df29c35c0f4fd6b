// Package pkg is doccheck's test package.
//
// Its errors:
//
//	rule          error       source
//	a is a        ErrA        the spec
//	b wraps a     ErrB, ErrA  other.ErrC is another package's
//
// ErrProse is named in prose, not in a table.
package pkg
