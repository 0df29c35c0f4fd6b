// Package cli holds what the fargatekit and fargatekit-admin commands share
// of flag handling. It links only the standard library's flag, fmt and
// errors, so the fast fargatekit binary can use it.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// ErrUsage marks errors that are the caller's words being off (exit code 2).
var ErrUsage = errors.New("usage")

// Errorf returns a usage error (errors.Is(err, ErrUsage): exit code 2)
// whose message is the formatted text alone, with no "usage" label: say
// what is wrong and which flag, as "--region: no AWS region configured".
// %w in format wraps as fmt.Errorf does.
func Errorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

type usageError struct{ err error }

func (e *usageError) Error() string   { return e.err.Error() }
func (e *usageError) Unwrap() []error { return []error{ErrUsage, e.err} }

// NewFlags returns a FlagSet for "fargatekit <name>" that reports errors to
// stderr instead of exiting.
func NewFlags(stderr io.Writer, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("fargatekit "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// Examples makes fs's -h print "usage: <fs name> <synopsis>", the examples
// (one command a line, indented), then the flags.
func Examples(fs *flag.FlagSet, synopsis string, examples ...string) {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\nexamples:\n", strings.TrimSpace(fs.Name()+" "+synopsis))
		for _, ex := range examples {
			fmt.Fprintf(fs.Output(), "  %s\n", ex)
		}
		fmt.Fprintln(fs.Output(), "\nflags:")
		fs.PrintDefaults()
	}
}

// ParseFlags parses args and wraps flag errors as usage errors (flag.ErrHelp
// is returned as is).
func ParseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return Errorf("%v", err)
	}
	return nil
}

// ClusterFlags adds the --cluster-name and --region flags of the token and
// kubeconfig commands.
func ClusterFlags(fs *flag.FlagSet) (cluster, region *string) {
	cluster = fs.String("cluster-name", "", "EKS cluster name (required)")
	region = fs.String("region", "", "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's; never guessed)")
	return cluster, region
}

// ParseClusterFlags parses args, refusing positional arguments and a missing
// --cluster-name.
func ParseClusterFlags(fs *flag.FlagSet, args []string, cluster *string) error {
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", ErrUsage, fs.Args())
	}
	if *cluster == "" {
		return fmt.Errorf("%w: --cluster-name is required", ErrUsage)
	}
	return nil
}

// MultiFlag collects a repeatable string flag.
type MultiFlag []string

// String implements flag.Value.
func (m *MultiFlag) String() string { return strings.Join(*m, ",") }

// Set implements flag.Value.
func (m *MultiFlag) Set(v string) error { *m = append(*m, v); return nil }
