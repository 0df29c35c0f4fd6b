package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// ErrNoAdmin is returned when fargatekit-admin is neither next to this
// binary nor on PATH.
var ErrNoAdmin = errors.New(Admin + " is not installed (not next to fargatekit, not on PATH)")

// findAdmin returns fargatekit-admin next to the running binary (as go
// install puts them), else the one on PATH.
func findAdmin() (string, error) {
	name := Admin
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			self = resolved
		}
		p := filepath.Join(filepath.Dir(self), name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath(Admin); err == nil {
		return p, nil
	}
	return "", ErrNoAdmin
}

// handOver runs fargatekit-admin with args, the same environment and the
// same standard streams, and returns its exit code; where the system allows
// it (Unix) the admin binary replaces this process.
func handOver(args []string) (int, error) {
	path, err := findAdmin()
	if err != nil {
		return 0, err
	}
	if err := execve(path, append([]string{Admin}, args...), os.Environ()); err != nil {
		return 0, fmt.Errorf("exec %s: %w", path, err)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), nil
		}
		return 0, fmt.Errorf("run %s: %w", path, err)
	}
	return 0, nil
}
