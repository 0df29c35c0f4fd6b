package lbc

import (
	"testing"

	"github.com/fargatekit/fargatekit/internal/doccheck"
)

// Every Err* sentinel of the package is in a table of doc.go, and every
// name those tables give is a sentinel.
func TestDocErrorTables(t *testing.T) { doccheck.Check(t, ".") }
