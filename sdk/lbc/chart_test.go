package lbc

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/fargatekit/fargatekit/internal/lbcref"
)

// The embedded archive is the chart of DefaultVersion, byte for byte the
// eks-charts archive of the reference directory.
func TestEmbeddedChart(t *testing.T) {
	rel, err := LookupRelease(DefaultVersion)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Chart != EmbeddedChartVersion {
		t.Fatalf("DefaultVersion %s installs chart %s, the embedded archive is %s: replace sdk/lbc/chart/", DefaultVersion, rel.Chart, EmbeddedChartVersion)
	}
	ch, err := loadEmbeddedChart()
	if err != nil {
		t.Fatal(err)
	}
	if ch.Metadata.Name != ChartName || ch.Metadata.Version != EmbeddedChartVersion || ch.Metadata.AppVersion != DefaultVersion {
		t.Errorf("embedded chart %s %s (app %s)", ch.Metadata.Name, ch.Metadata.Version, ch.Metadata.AppVersion)
	}
	b := EmbeddedChart()
	b[0] ^= 0xff
	if bytes.Equal(b, EmbeddedChart()) {
		t.Error("EmbeddedChart shares its bytes")
	}
	ref, err := os.ReadFile(lbcref.Chart(t, EmbeddedChartVersion))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ref, EmbeddedChart()) {
		t.Error("the embedded archive differs from eks-charts' (reference copy)")
	}
}

// The default source loads without the network (a proxy that refuses every
// connection is set, and a download through it fails), and its CRDs are the
// archive's.
func TestSourceCRDsOffline(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("NO_PROXY", "")
	src, err := DefaultChartSource("")
	if err != nil {
		t.Fatal(err)
	}
	if !src.embedded() {
		t.Fatalf("default source %+v is not the embedded archive", src)
	}
	got, err := SourceCRDs(src, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want, err := LoadChartCRDs(lbcref.Chart(t, EmbeddedChartVersion))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || !reflect.DeepEqual(crdNames(got), crdNames(want)) {
		t.Errorf("CRDs %v, want %v", crdNames(got), crdNames(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i].Object.Object, want[i].Object.Object) {
			t.Errorf("%s differs from the archive's", got[i].Name)
		}
	}
	// Another version from the repository needs the network: refused here.
	other, _ := DefaultChartSource("v3.4.3")
	if _, err := SourceCRDs(other, t.TempDir()); !errors.Is(err, ErrHelm) {
		t.Errorf("download through a dead proxy: %v", err)
	}
	// A local chart is read from its path.
	local := ChartSource{Path: lbcref.Chart(t, "1.13.0"), Version: "1.13.0"}
	crds, err := SourceCRDs(local, "")
	if err != nil || !reflect.DeepEqual(crdNames(crds), []string{"ingressclassparams.elbv2.k8s.aws", "targetgroupbindings.elbv2.k8s.aws"}) {
		t.Errorf("local 1.13.0: %v %v", crdNames(crds), err)
	}
}

func crdNames(crds []CRD) []string {
	out := make([]string, len(crds))
	for i, c := range crds {
		out[i] = c.Name
	}
	return out
}
