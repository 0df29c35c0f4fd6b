package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Update reports whether the test binary runs with -update, for a test that
// writes more than one file or must skip checks that the rewrite would make
// pointless.
func Update() bool { return *update }

// Assert compares got with the golden file at path: a slash-separated path
// relative to the package directory, by convention under testdata/. Under
// -update it writes got to the file instead, creating its directory. A missing
// or unreadable file ends the test (t.Fatalf); a difference is reported with
// t.Errorf, naming the first line that differs and showing both texts.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	path = filepath.FromSlash(path)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		line, g, w := firstDiff(got, want)
		t.Errorf("%s differs from the golden file at line %d (go test -update rewrites it)\n got: %q\nwant: %q\n--- got\n%s\n--- want\n%s",
			path, line, g, w, got, want)
	}
}

// firstDiff returns the 1-based number of the first line that differs between
// a and b, and that line of each ("" past the end).
func firstDiff(a, b []byte) (int, string, string) {
	la, lb := bytes.SplitAfter(a, []byte("\n")), bytes.SplitAfter(b, []byte("\n"))
	for i := 0; ; i++ {
		var x, y []byte
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if !bytes.Equal(x, y) || i >= len(la) && i >= len(lb) {
			return i + 1, string(x), string(y)
		}
	}
}
