// Command fargate-gateway is the Pulumi program of the fargate-gateway example; see README.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/examples/fargate-gateway/stack"
)

func main() { pulumi.Run(stack.Program) }
