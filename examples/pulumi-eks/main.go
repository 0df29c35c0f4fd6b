// Command pulumi-eks is the Pulumi program of the pulumi-eks example; see README.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/examples/pulumi-eks/stack"
)

func main() { pulumi.Run(stack.Program) }
