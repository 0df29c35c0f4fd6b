// Package doccheck keeps a package's documented error tables and its error
// sentinels in step: every exported package-level variable named Err* must
// be named in a table of the package's doc.go (an indented block of the
// package comment), and every unqualified Err* name a table gives must be a
// sentinel of the package. Packages call [Check] from a test.
package doccheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Sentinels returns, sorted, the exported package-level variables named
// Err* declared in the non-test Go files of dir.
func Sentinels(dir string) ([]string, error) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, fmt.Errorf("doccheck: %w", err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("doccheck: %w", err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				for _, n := range spec.(*ast.ValueSpec).Names {
					if sentinelName.MatchString(n.Name) {
						out = append(out, n.Name)
					}
				}
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// sentinelName is Err and a capital: ErrX, not ErrorCount.
var sentinelName = regexp.MustCompile(`^Err[A-Z]\w*$`)

// errName is an Err* identifier not qualified by a package (sdk.ErrX is
// another package's).
var errName = regexp.MustCompile(`(?:^|[^.\w])(Err[A-Z]\w*)`)

// TableNames returns the unqualified Err* names that the tables (the
// indented lines) of the package comment in the Go file docFile give.
func TableNames(docFile string) (map[string]bool, error) {
	src, err := os.ReadFile(docFile)
	if err != nil {
		return nil, fmt.Errorf("doccheck: %w", err)
	}
	file, err := parser.ParseFile(token.NewFileSet(), docFile, src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return nil, fmt.Errorf("doccheck: %w", err)
	}
	if file.Doc == nil {
		return nil, fmt.Errorf("doccheck: %s has no package comment", docFile)
	}
	names := map[string]bool{}
	for _, line := range strings.Split(file.Doc.Text(), "\n") {
		if !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "  ") {
			continue
		}
		for _, m := range errName.FindAllStringSubmatch(line, -1) {
			names[m[1]] = true
		}
	}
	return names, nil
}

// Check fails t for every Err* sentinel of the package in dir that no table
// of dir/doc.go names, and for every unqualified Err* name in those tables
// that is not a sentinel of the package.
func Check(t testing.TB, dir string) {
	t.Helper()
	sentinels, err := Sentinels(dir)
	if err != nil {
		t.Fatal(err)
	}
	names, err := TableNames(filepath.Join(dir, "doc.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sentinels {
		if !names[s] {
			t.Errorf("%s is not named in a table of doc.go", s)
		}
	}
	for n := range names {
		if !slices.Contains(sentinels, n) {
			t.Errorf("doc.go's tables name %s, which the package does not declare", n)
		}
	}
}
