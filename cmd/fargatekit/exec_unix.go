//go:build unix

package main

import "syscall"

// execve replaces the process with path; it returns only on failure.
func execve(path string, argv, envv []string) error { return syscall.Exec(path, argv, envv) }
