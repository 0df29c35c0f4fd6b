package pkg

import "errors"

// ErrTestOnly is declared in a test file: not the package's.
var ErrTestOnly = errors.New("test")
