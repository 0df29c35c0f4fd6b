package lbc

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/lbcref"
)

// TestChartCRDsMatchReference checks that chart 3.5.0 ships the controller's
// v3.5.0 CRDs (crds-v3.5.0/ of the reference, gateway ones included), and
// that ChartCRDs keeps one definition per name (1.17.0 ships one twice).
func TestChartCRDsMatchReference(t *testing.T) {
	got, err := LoadChartCRDs(reference().Chart(t, "3.5.0"))
	if err != nil {
		t.Fatal(err)
	}
	var ref []CRD
	for _, f := range lbcref.DefaultFiles() {
		if !strings.HasPrefix(f.Path, "crds-v3.5.0/") {
			continue
		}
		f := reference().File(t, f.Path)
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		crds, err := ParseCRDs(filepath.Base(f), raw)
		if err != nil {
			t.Fatal(err)
		}
		ref = append(ref, crds...)
	}
	slices.SortFunc(ref, func(a, b CRD) int { return strings.Compare(a.Name, b.Name) })
	if len(got) != len(ref) || len(got) != 7 {
		t.Fatalf("chart 3.5.0: %d CRDs, reference %d, want 7", len(got), len(ref))
	}
	for i := range got {
		if got[i].Name != ref[i].Name || !reflect.DeepEqual(got[i].Object.Object["spec"], ref[i].Object.Object["spec"]) {
			t.Errorf("chart CRD %s differs from the reference %s", got[i].Name, ref[i].Name)
		}
	}
	c117, err := LoadChartCRDs(reference().Chart(t, "1.17.0"))
	if err != nil {
		t.Fatal(err)
	}
	if len(slices.CompactFunc(slices.Clone(c117), func(a, b CRD) bool { return a.Name == b.Name })) != len(c117) || len(c117) != 7 {
		var names []string
		for _, c := range c117 {
			names = append(names, c.Name)
		}
		t.Errorf("chart 1.17.0 CRDs: %v", names)
	}
}
