// Command fargate-alb is the Pulumi program of the fargate-alb example; see README.md.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/examples/fargate-alb/stack"
)

func main() { pulumi.Run(stack.Program) }
