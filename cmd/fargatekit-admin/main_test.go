package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// runCLI runs the CLI in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return runCLIWith(t, environ, nil, args...)
}

// runCLIWith is runCLI with the env adjusted by with (e.g. an injected EKS
// client) when with is not nil.
func runCLIWith(t *testing.T, environ map[string]string, with func(*env), args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return environ[k] },
		log: slog.New(slog.NewTextHandler(&errb, nil))}
	if with != nil {
		with(e)
	}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		contains string
	}{
		{nil, 2, "no command"},
		{[]string{"help"}, 0, "commands:"},
		{[]string{"--help"}, 0, "commands:"},
		{[]string{"version"}, 0, "fargatekit dev"},
		{[]string{"nope"}, 2, "unknown command"},
	}
	for _, tt := range tests {
		code, out, errs := runCLI(t, nil, tt.args...)
		if code != tt.code || !strings.Contains(out+errs, tt.contains) {
			t.Errorf("%v: code %d out %q err %q", tt.args, code, out, errs)
		}
	}
}

// TestSubcommandHelpHasExamples: "-h" of every subcommand prints its usage
// line, examples that start with the command itself, and its flags, and
// exits 0.
func TestSubcommandHelpHasExamples(t *testing.T) {
	for _, cmd := range [][]string{
		{"authmap", "add-role"}, {"authmap", "add-user"}, {"authmap", "add-account"}, {"authmap", "remove"},
		{"authmap", "list"}, {"authmap", "migrate-plan"}, {"authmap", "migrate"},
		{"irsa", "trust-policy"}, {"irsa", "verify"}, {"irsa", "create"},
		{"lbc", "versions"}, {"lbc", "policy"}, {"lbc", "values"}, {"lbc", "subnets"}, {"lbc", "teardown"}, {"lbc", "sweep"},
		{"kubeconfig"}, {"token"}, {"roll", "pods"},
	} {
		name := strings.Join(cmd, " ")
		code, out, errs := runCLI(t, nil, append(cmd, "-h")...)
		help := out + errs
		if code != 0 || !strings.Contains(help, "usage: fargatekit "+name) || !strings.Contains(help, "examples:\n") || !strings.Contains(help, "\n  fargatekit "+name+" ") || !strings.Contains(help, "flags:\n") {
			t.Errorf("%s -h (exit %d):\n%s", name, code, help)
		}
	}
}
