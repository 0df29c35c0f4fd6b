package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFile(t *testing.T) {
	for _, durable := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "new", "dir")
		path := filepath.Join(dir, "f")
		if err := WriteFile(path, []byte("one"), 0o600, durable); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(path, []byte("two"), 0o600, durable); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil || string(b) != "two" {
			t.Fatalf("read %q, %v; want two", b, err)
		}
		st, _ := os.Stat(path)
		dst, _ := os.Stat(dir)
		if runtime.GOOS != "windows" && (st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700) {
			t.Errorf("modes file %v dir %v, want 0600 and 0700", st.Mode().Perm(), dst.Mode().Perm())
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("temporary files left: %v", ents)
		}
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "missing-parent-is-a-file", "x"), nil, 0o600, false); err != nil {
		t.Fatalf("a missing parent is created: %v", err)
	}
}
