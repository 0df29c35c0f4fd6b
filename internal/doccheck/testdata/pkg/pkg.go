package pkg

import "errors"

// Errors.
var (
	ErrA = errors.New("a")
	ErrB = errors.New("b")
	errC = errors.New("c")
)

// ErrProse is not in a table.
var ErrProse = errors.New("prose")

// ErrorCount is not a sentinel (not Err + capital).
var ErrorCount = 0
