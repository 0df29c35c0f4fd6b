package doccheck

import (
	"maps"
	"slices"
	"testing"
)

func TestSentinelsAndTableNames(t *testing.T) {
	got, err := Sentinels("testdata/pkg")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ErrA", "ErrB", "ErrProse"}; !slices.Equal(got, want) {
		t.Errorf("Sentinels = %v, want %v (exported, Err + capital, no test files)", got, want)
	}
	names, err := TableNames("testdata/pkg/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := slices.Sorted(maps.Keys(names)), []string{"ErrA", "ErrB"}; !slices.Equal(got, want) {
		t.Errorf("TableNames = %v, want %v (tables only, qualified names left out)", got, want)
	}
	if _, err := TableNames("testdata/pkg/pkg.go"); err == nil {
		t.Error("a file without a package comment: no error")
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, format)
}

func TestCheckReportsTheMissingSentinel(t *testing.T) {
	r := &recorder{TB: t}
	Check(r, "testdata/pkg")
	if len(r.errs) != 1 {
		t.Errorf("Check reported %d problems, want 1 (ErrProse outside the tables): %v", len(r.errs), r.errs)
	}
}
