//go:build !unix

package main

// execve cannot replace the process here: handOver runs the admin binary as
// a child instead.
func execve(string, []string, []string) error { return nil }
