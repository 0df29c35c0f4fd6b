// Command fargatekit-admin is the command-line face of the fargatekit SDK:
// whole clusters (create, plan, delete), kubeconfigs, aws-auth edits, IRSA
// trust policies and their verification, the Load Balancer Controller, the
// roll of Fargate pods, and the offline demo. Users run it as "fargatekit
// <command>": the fargatekit binary (the fast kubectl exec plugin, which links
// no AWS SDK) answers "token" and "version" itself and hands everything else
// here by exec, including the tokens whose credentials need the AWS SDK's
// chain (SSO, roles, instance and container roles, web identity). Run
// "fargatekit help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// env is what a command may touch of the outside world, so tests can run
// commands in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	log            *slog.Logger
	// clients, when set, makes the AWS clients of the cluster verbs (tests
	// put the EKS add-on fake in front of moto); nil means the real ones.
	clients func(aws.Config) *eksfargate.Clients
	// eks, when set, makes the EKS client of the authmap and irsa verbs
	// (DescribeCluster for --cluster connections, access entries,
	// UpdateClusterConfig): tests put the access-entry fake in front of
	// moto; nil means eks.NewFromConfig.
	eks func(aws.Config) authmap.MigrateAPI
}

// eksClient is the EKS client of the authmap and irsa verbs.
func (e *env) eksClient(cfg aws.Config) authmap.MigrateAPI {
	if e.eks != nil {
		return e.eks(cfg)
	}
	return eks.NewFromConfig(cfg)
}

// command is one subcommand. run gets the arguments after the command name.
type command struct {
	name, summary string
	run           func(ctx context.Context, e *env, args []string) error
}

// commands lists every subcommand; each lives in its own file.
func commands() []command {
	cs := []command{
		{name: "version", summary: "print the fargatekit version", run: runVersion},
	}
	cs = append(cs, extraCommands()...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	return cs
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func runVersion(_ context.Context, e *env, _ []string) error {
	_, err := fmt.Fprintln(e.stdout, "fargatekit", version)
	return err
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: fargatekit <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
}

// run dispatches args and returns the process exit code.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		// No command is a mistake (as in git and kubectl): say what there
		// is, on stderr, and fail, so that a script calling "fargatekit" with
		// an empty variable does not carry on as if something ran.
		fmt.Fprintln(e.stderr, "fargatekit: no command")
		usage(e.stderr)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, cli.ErrUsage):
			fmt.Fprintln(e.stderr, "fargatekit "+c.name+":", err)
			return 2
		default:
			fmt.Fprintln(e.stderr, "fargatekit "+c.name+":", err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "fargatekit: unknown command %q\n", args[0])
	usage(e.stderr)
	return 2
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	os.Exit(run(ctx, e, os.Args[1:]))
}
