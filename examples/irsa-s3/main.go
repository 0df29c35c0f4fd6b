// Command irsa-s3 is the Pulumi program of the irsa-s3 example; see README.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/examples/irsa-s3/stack"
)

func main() { pulumi.Run(stack.Program) }
