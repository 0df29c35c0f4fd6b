// Command fargatekit-plan plans an example offline: the real Pulumi components
// of examples/<name> run under a mock Pulumi monitor, and it prints the
// resource tree, the rendered documents (IAM policies, Helm values, aws-auth)
// and a deploy-time estimate. Nothing is deployed and no AWS account is used.
//
// It is a command of its own, not a `fargatekit` subcommand, because it links
// the Pulumi SDK and providers (hundreds of packages, most of the binary's
// size and init time): `fargatekit` itself, which kubectl runs as an exec
// plugin on every call, links no Pulumi package.
//
//	go run ./cmd/fargatekit-plan --example fargate-alb --documents
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
