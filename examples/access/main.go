// Command access is the Pulumi program of the access example; see README.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/examples/access/stack"
)

func main() { pulumi.Run(stack.Program) }
