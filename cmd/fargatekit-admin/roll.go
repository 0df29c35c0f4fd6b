package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

const rollUsage = `usage: fargatekit roll pods [flags]

EKS upgrades the control plane, not the Fargate pods: each pod keeps the
node (and kubelet version) it started on. "roll pods" restarts deployments
one at a time, like "kubectl rollout restart", waiting for each rollout to
finish and for the PodDisruptionBudgets of the next deployment's pods to
allow a disruption before starting it.`

const rollPodsExamples = `  # after "aws eks update-cluster-version": what would restart, in order
  fargatekit roll pods --all-namespaces --dry-run

  # CoreDNS first, then one namespace
  fargatekit roll pods --namespace kube-system --deployment coredns
  fargatekit roll pods --namespace shop --selector tier=web --timeout 15m
`

// runRoll dispatches "roll pods".
func runRoll(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stdout, rollUsage+"\n\nexamples:\n"+rollPodsExamples)
		if len(args) == 0 {
			return fmt.Errorf("%w: name a command: pods", cli.ErrUsage)
		}
		return nil
	}
	if args[0] != "pods" {
		return fmt.Errorf("%w: unknown roll command %q (pods)", cli.ErrUsage, args[0])
	}
	return runRollPods(ctx, e, args[1:])
}

func runRollPods(ctx context.Context, e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "roll pods")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config)")
	kubeContext := fs.String("context", "", "kubeconfig context (default: the current context)")
	namespace := fs.String("namespace", "", "namespace of the deployments (default: the context's, else default)")
	all := fs.Bool("all-namespaces", false, "every namespace (exclusive with --namespace)")
	selector := fs.String("selector", "", "only deployments matching this label selector, e.g. app=web,tier!=cache")
	var names listFlag
	fs.Var(&names, "deployment", "only these deployments (repeatable, or a comma list)")
	dryRun := fs.Bool("dry-run", false, "print what would be restarted, in order; change nothing")
	timeout := fs.Duration("timeout", 10*time.Minute, "time allowed per deployment (budgets, then rollout)")
	poll := fs.Duration("poll", 5*time.Second, "how often budgets and rollouts are checked")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nexamples:\n%s\nflags:\n", rollUsage, rollPodsExamples)
		fs.PrintDefaults()
	}
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected arguments %q (name deployments with --deployment)", cli.ErrUsage, fs.Args())
	case *all && *namespace != "":
		return flagErr("all-namespaces", "exclusive with --namespace")
	case *all && len(names) > 0:
		return flagErr("deployment", "names a deployment of one namespace: use --namespace, not --all-namespaces")
	case *timeout <= 0:
		return flagErr("timeout", "%s: must be positive", *timeout)
	case *poll <= 0:
		return flagErr("poll", "%s: must be positive", *poll)
	}
	if _, err := labels.Parse(*selector); err != nil {
		return flagErr("selector", "%q: %v", *selector, err)
	}
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: *kubeconfig}
	if *kubeconfig == "" {
		rules.Precedence = []string{clientcmd.RecommendedHomeFile}
		if v := e.getenv("KUBECONFIG"); v != "" {
			rules.Precedence = filepath.SplitList(v)
		}
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: *kubeContext})
	cfg, err := cc.ClientConfig()
	if err != nil {
		return flagErr("kubeconfig", "%v", err)
	}
	ns := *namespace
	if ns == "" && !*all {
		if ns, _, err = cc.Namespace(); err != nil {
			return flagErr("context", "%v", err)
		}
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	opts := []eksfargate.RollOption{
		eksfargate.WithRollSelector(*selector), eksfargate.WithRollDryRun(*dryRun),
		eksfargate.WithRollTimeout(*timeout), eksfargate.WithRollPollInterval(*poll),
		eksfargate.WithRollProgress(func(p eksfargate.RollProgress) {
			if p.Event == eksfargate.RollWaiting || p.Event == eksfargate.RollWaitingBudget {
				e.log.Info("roll", "deployment", p.Namespace+"/"+p.Deployment, "event", string(p.Event), "detail", p.Message)
				return
			}
			line := fmt.Sprintf("[%d/%d] %s/%s: %s", p.Index, p.Total, p.Namespace, p.Deployment, p.Event)
			if p.Message != "" {
				line += " (" + p.Message + ")"
			}
			fmt.Fprintln(e.stdout, line)
		}),
	}
	if len(names) > 0 {
		opts = append(opts, eksfargate.WithRollDeployments(names...))
	}
	res, err := eksfargate.RollDeployments(ctx, cs, ns, opts...)
	if err != nil {
		return err
	}
	switch {
	case *dryRun:
		fmt.Fprintf(e.stdout, "dry run: %d deployments would be restarted, %d skipped (paused); nothing changed\n", len(res.Planned), len(res.Skipped))
	default:
		fmt.Fprintf(e.stdout, "%d deployments rolled, %d skipped (paused)\n", len(res.Rolled), len(res.Skipped))
	}
	return nil
}
