package main

import (
	"errors"
	"os"
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
		if p := filepath.Join(filepath.Dir(self), name); executable(p) {
			return p, nil
		}
	}
	if p, ok := lookPath(name); ok {
		return p, nil
	}
	return "", ErrNoAdmin
}

// handOver runs fargatekit-admin with args, the same environment and the
// same standard streams, and returns its exit code; on Unix the admin binary
// replaces this process (execve) and handOver returns only on failure.
func handOver(args []string) (int, error) {
	path, err := findAdmin()
	if err != nil {
		return 0, err
	}
	return runAdmin(path, args)
}
