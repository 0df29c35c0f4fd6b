package main

import "github.com/fargatekit/fargatekit/internal/tokencmd"

// extraCommands lists the capability subcommands, one file each. Add a line
// here when adding a command file.
func extraCommands() []command {
	return []command{
		{name: "token", summary: tokencmd.Usage, run: runToken},
		{name: "kubeconfig", summary: "write or merge a kubeconfig entry for an EKS cluster", run: runKubeconfig},
		{name: "authmap", summary: "aws-auth: add, remove and list IAM mappings safely; plan and carry out the move to access entries", run: runAuthmap},
		{name: "irsa", summary: "IRSA: print a trust policy, create a role and its annotated ServiceAccount in one step, verify the whole chain", run: runIRSA},
		{name: "lbc", summary: "AWS Load Balancer Controller: versions, IAM policy, Helm values, subnet check, teardown", run: runLBC},
		{name: "roll", summary: "roll Fargate pods onto the new version after a control-plane upgrade, one deployment at a time", run: runRoll},
		{name: "create", summary: "create cluster: a Fargate-only EKS cluster, from flags or -f cluster.yaml (converges; safe to re-run)", run: runCreate},
		{name: "plan", summary: "plan cluster: what create cluster would do, without writing", run: runPlan},
		{name: "delete", summary: "delete cluster: remove what create cluster made, found by its tags", run: runDelete},
		{name: "demo", summary: "part 2 of make demo: an EKS token, then the SDK against a local API server", run: runDemo},
	}
}
