package lbcref_test

import (
	"errors"
	"fmt"

	"github.com/fargatekit/fargatekit/internal/lbcref"
)

// Dir finds the reference directory, or says why there is none.
func ExampleDir() {
	_, err := lbcref.Dir()
	fmt.Println(err == nil || errors.Is(err, lbcref.ErrNotFound))
	// Output: true
}
