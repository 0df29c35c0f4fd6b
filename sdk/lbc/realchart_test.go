package lbc

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"sigs.k8s.io/yaml"
)

// readChart reads a chart archive's Chart.yaml and values.yaml without Helm.
func readChart(t *testing.T, path string) (meta, values map[string]any) {
	t.Helper()
	files, err := ReadChartFiles(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		switch f.Name {
		case "Chart.yaml":
			err = yaml.Unmarshal(f.Data, &meta)
		case "values.yaml":
			err = yaml.Unmarshal(f.Data, &values)
		}
		if err != nil {
			t.Fatalf("%s: %s: %v", path, f.Name, err)
		}
	}
	if meta == nil || values == nil {
		t.Fatalf("%s: no Chart.yaml or values.yaml", path)
	}
	return meta, values
}

// TestRealChartsTable checks the version table against the archives: one row
// per archive of the reference directory and one archive per row, and each
// chart's appVersion is its row's controller version.
func TestRealChartsTable(t *testing.T) {
	dir := reference().Require(t)
	files, err := filepath.Glob(filepath.Join(dir, "charts", ChartName+"-*.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	var archives []string
	for _, f := range files {
		archives = append(archives, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), ChartName+"-"), ".tgz"))
	}
	var rows []string
	for _, r := range Releases() {
		rows = append(rows, r.Chart)
	}
	slices.Sort(archives)
	sorted := slices.Clone(rows)
	slices.Sort(sorted)
	if !slices.Equal(archives, sorted) {
		t.Errorf("chart archives %v, table rows %v", archives, sorted)
	}
	if len(rows) != 22 {
		t.Errorf("%d rows, want the 22 published charts 1.13.0 ... 3.5.0", len(rows))
	}
	for _, r := range Releases() {
		meta, values := readChart(t, reference().Chart(t, r.Chart))
		if meta["version"] != r.Chart || meta["appVersion"] != r.Version {
			t.Errorf("row %s/%s: archive says chart %s appVersion %s", r.Version, r.Chart, meta["version"], meta["appVersion"])
		}
		_, has := values["keepTLSSecret"]
		if has != r.KeepTLSSecret {
			t.Errorf("row %s: KeepTLSSecret %v, chart has keepTLSSecret: %v", r.Version, r.KeepTLSSecret, has)
		}
	}
}

// TestRealChartsValuesKeys checks, for every row, that each value the
// renderer writes is a key of that chart's own values.yaml.
func TestRealChartsValuesKeys(t *testing.T) {
	reference().Require(t)
	for _, r := range Releases() {
		_, values := readChart(t, reference().Chart(t, r.Chart))
		seen := checkValuesKeys(t, r.Version, values)
		if seen["keepTLSSecret"] != r.KeepTLSSecret {
			t.Errorf("%s: keepTLSSecret rendered %v, row says %v", r.Version, seen["keepTLSSecret"], r.KeepTLSSecret)
		}
	}
}

// TestRealChartsPolicy checks each row's IAM policy, in each partition,
// against the official v3.5.0 policies (iam_policy.json, iam_policy_cn.json,
// iam_policy_us-gov.json): the only official versions in the reference. The
// official cn and us-gov files list two statements in another order than the
// base one, which IAM does not care about: statements compare as a set.
func TestRealChartsPolicy(t *testing.T) {
	reference().Require(t)
	for part, file := range map[string]string{"aws": "iam_policy.json", "aws-cn": "iam_policy_cn.json", "aws-us-gov": "iam_policy_us-gov.json"} {
		want := parseFile(t, reference().File(t, "policies/"+file))
		for _, r := range Releases() {
			got, err := IAMPolicy(r.Version, part)
			if err != nil {
				t.Fatal(err)
			}
			d, err := iampolicy.Parse([]byte(got))
			if err != nil {
				t.Fatal(err)
			}
			if !sameStatements(t, d, want) {
				t.Errorf("%s in %s: not equivalent to the official %s", r.Version, part, file)
			}
		}
	}
}

// sameStatements reports whether two policies have the same statements,
// each normalized (iampolicy.Equivalent), in any order.
func sameStatements(t *testing.T, a, b iampolicy.Document) bool {
	t.Helper()
	set := func(d iampolicy.Document) []string {
		var out []string
		for _, s := range d.Normalized().Statement {
			j, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(j))
		}
		slices.Sort(out)
		return out
	}
	return a.Normalized().Version == b.Normalized().Version && slices.Equal(set(a), set(b))
}
