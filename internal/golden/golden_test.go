package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, a...))
}

func TestAssert(t *testing.T) {
	dir := t.TempDir()
	path := filepath.ToSlash(filepath.Join(dir, "testdata", "sub", "out.txt"))

	r := &recorder{TB: t}
	Assert(r, path, []byte("a\n"))
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "go test -update creates it") {
		t.Fatalf("missing file: %+v", r)
	}

	*update = true
	r = &recorder{TB: t}
	Assert(r, path, []byte("one\ntwo\nthree\n"))
	*update = false
	if len(r.errors)+len(r.fatals) != 0 {
		t.Fatalf("update: %+v", r)
	}
	if b, err := os.ReadFile(filepath.FromSlash(path)); err != nil || string(b) != "one\ntwo\nthree\n" {
		t.Fatalf("written %q %v", b, err)
	}

	r = &recorder{TB: t}
	Assert(r, path, []byte("one\ntwo\nthree\n"))
	if len(r.errors)+len(r.fatals) != 0 {
		t.Fatalf("equal: %+v", r)
	}

	for _, tt := range []struct {
		got, want string
	}{
		{"one\nTWO\nthree\n", "at line 2"},
		{"one\ntwo\nthree", "at line 3"},         // missing final newline
		{"one\ntwo\nthree\nfour\n", "at line 4"}, // extra line
		{"one\n", "at line 2"},
	} {
		r = &recorder{TB: t}
		Assert(r, path, []byte(tt.got))
		if len(r.errors) != 1 || !strings.Contains(r.errors[0], tt.want) || !strings.Contains(r.errors[0], "--- want\none\ntwo\nthree\n") {
			t.Errorf("got %q: %+v", tt.got, r.errors)
		}
	}
}
