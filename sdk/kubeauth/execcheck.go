package kubeauth

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/fargatekit/fargatekit/internal/installcmd"
)

// ErrExecNotFound is wrapped by [CheckExec] when a kubeconfig's exec command
// is not on PATH: every call through that kubeconfig (kubectl, the Pulumi
// Kubernetes provider) would fail, late, at its first request.
var ErrExecNotFound = errors.New("kubeauth: the kubeconfig's exec command is not on PATH")

// InstallCommand returns the command that installs what the exec plugin of
// mode runs: for [ExecFargatekit] "go install" of cmd/fargatekit (the token
// plugin) and cmd/fargatekit-admin (which it hands tokens needing the AWS
// SDK's credential chain to) at version V, the version of this module in the running
// binary's build information (a program that imports fargatekit gets the
// matching CLI), else "latest"; the AWS CLI's install page for [ExecAWS].
func InstallCommand(mode ExecMode) string {
	if mode == ExecAWS {
		return "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"
	}
	return installcmd.Fargatekit(moduleVersion())
}

// moduleVersion is the version of this module the running binary was built
// with, "latest" when unknown (a checkout: "(devel)").
func moduleVersion() string {
	const mod = "github.com/fargatekit/fargatekit"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "latest"
	}
	v := info.Main.Version
	if info.Main.Path != mod {
		v = ""
		for _, d := range info.Deps {
			if d.Path == mod {
				v = d.Version
			}
		}
	}
	if v == "" || v == "(devel)" {
		return "latest"
	}
	return v
}

// CheckExec reports whether the exec command a kubeconfig for spec runs
// ([ExecCommand]) is found by lookPath (exec.LookPath in programs, which
// searches PATH), with an error wrapping [ErrExecNotFound] that names the
// install command otherwise. For [ExecFargatekit] it also looks for
// fargatekit-admin, which signs the tokens that need the AWS SDK's
// credential chain (SSO, roles, web identity: what a CI machine deploying
// with Pulumi usually has). It does no other I/O.
func CheckExec(spec KubeconfigSpec, lookPath func(file string) (string, error)) error {
	command, _ := ExecCommand(spec)
	commands := []string{command}
	if spec.Exec != ExecAWS {
		commands = append(commands, installcmd.Admin)
	}
	for _, c := range commands {
		if _, err := lookPath(c); err != nil {
			return fmt.Errorf("%w: %q (%v); install it with: %s", ErrExecNotFound, c, err, InstallCommand(spec.Exec))
		}
	}
	return nil
}
