// Command fargatekit is the kubectl exec plugin for EKS and the entry to
// fargatekit's command line. It answers "token" and "version" itself, linking
// only the standard library and the SDK-free ekstoken package, so that the
// process kubectl starts for every call costs about what a Go hello world
// costs. Every other command ("create cluster", "authmap", "irsa", "lbc",
// "demo", "help"...) and the tokens that need the AWS SDK's credential chain
// (SSO, assumed roles, instance and container roles, web identity) are handed
// to fargatekit-admin, found next to this binary or on PATH, by exec: same
// arguments, same environment, same exit code. Install both with
//
//	go install github.com/fargatekit/fargatekit/cmd/fargatekit@latest github.com/fargatekit/fargatekit/cmd/fargatekit-admin@latest
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/internal/installcmd"
	"github.com/fargatekit/fargatekit/internal/tokencmd"
)

// Admin is the companion binary that holds every other command.
const Admin = installcmd.Admin

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// env is what the front touches of the outside world, so tests run it in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// handOver runs fargatekit-admin with args and returns the exit code
	// (on Unix it replaces this process and returns only on failure).
	handOver func(args []string) (int, error)
}

// run dispatches args and returns the process exit code.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "version":
			fmt.Fprintln(e.stdout, "fargatekit", version)
			return 0
		case "token":
			req, err := tokencmd.Parse(e.stderr, args[1:])
			if err == nil {
				err = tokencmd.Run(ctx, tokencmd.Env{Stdout: e.stdout, Getenv: e.getenv, Warn: func(msg string, err error) {
					fmt.Fprintf(e.stderr, "fargatekit token: warning: %s: %v\n", msg, err)
				}}, req, nil)
			}
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, tokencmd.ErrNeedSDK):
				// Fall through to the admin binary, which signs with the SDK.
			case errors.Is(err, cli.ErrUsage):
				fmt.Fprintln(e.stderr, "fargatekit token:", err)
				return 2
			default:
				fmt.Fprintln(e.stderr, "fargatekit token:", err)
				return 1
			}
		}
	}
	code, err := e.handOver(args)
	if err == nil {
		return code
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		// Say what there is even without the admin binary.
		fmt.Fprintf(e.stderr, "usage: fargatekit <command> [flags]\n\n"+
			"commands of this binary:\n  token        %s\n  version      print the fargatekit version\n\n"+
			"every other command is in %s: %v\ninstall it with: %s\n", tokencmd.Usage, Admin, err, installcmd.Fargatekit("latest"))
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	fmt.Fprintf(e.stderr, "fargatekit %s: needs %s: %v\ninstall it with: %s\n", args[0], Admin, err, installcmd.Fargatekit("latest"))
	return 1
}

func main() {
	ctx := context.Background()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, handOver: handOver}
	os.Exit(run(ctx, e, os.Args[1:]))
}
