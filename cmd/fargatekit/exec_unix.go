//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// runAdmin replaces the process with the admin binary; it returns only on
// failure.
func runAdmin(path string, args []string) (int, error) {
	err := syscall.Exec(path, append([]string{Admin}, args...), os.Environ())
	return 0, fmt.Errorf("exec %s: %w", path, err)
}

// executable reports whether p is a regular file someone may execute.
func executable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// lookPath searches PATH for an executable, skipping empty and relative
// entries as exec.LookPath does (ErrDot). Written here rather than taken from
// os/exec, which the token plugin does not otherwise need to link.
func lookPath(name string) (string, bool) {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		if p := filepath.Join(dir, name); executable(p) {
			return p, true
		}
	}
	return "", false
}
