package lbc

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
)

var featureGateCommentRE = regexp.MustCompile(`(?m)^\s*#\s*([A-Za-z]+):\s*(true|false)\s*$`)

// chartFeatureGates reads the gates a chart's values.yaml documents in the
// comments under controllerConfig.featureGates.
func chartFeatureGates(t *testing.T, chartVersion string) []string {
	t.Helper()
	ch, err := loader.Load(reference().Chart(t, chartVersion))
	if err != nil {
		t.Fatal(err)
	}
	var values string
	for _, f := range ch.Raw {
		if f.Name == "values.yaml" {
			values = string(f.Data)
		}
	}
	_, after, ok := strings.Cut(values, "featureGates:")
	if !ok {
		t.Fatalf("chart %s: no featureGates in values.yaml", chartVersion)
	}
	block, _, _ := strings.Cut(after, "\n\n")
	var out []string
	for _, m := range featureGateCommentRE.FindAllStringSubmatch(block, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestFeatureGatesMatchCharts: for every chart of the table, the gates the
// table allows are exactly the ones its values.yaml documents (AGAController,
// the old name of GlobalAcceleratorController in 1.14.1-1.16.0, aside), in
// the order of chart 3.5.0.
func TestFeatureGatesMatchCharts(t *testing.T) {
	reference().Require(t)
	var order []string
	for _, g := range FeatureGates() {
		order = append(order, string(g.Gate))
	}
	if got := chartFeatureGates(t, "3.5.0"); !slices.Equal(got, order) {
		t.Errorf("chart 3.5.0 documents %v, table %v", got, order)
	}
	for _, r := range Releases() {
		documented := slices.DeleteFunc(chartFeatureGates(t, r.Chart), func(g string) bool { return g == "AGAController" })
		var allowed []string
		for _, g := range FeatureGates() {
			if (FeatureGateSettings{g.Gate: true}).Validate(r.Version) == nil {
				allowed = append(allowed, string(g.Gate))
			}
		}
		slices.Sort(documented)
		slices.Sort(allowed)
		if !slices.Equal(documented, allowed) {
			t.Errorf("chart %s documents %v, the table allows %v", r.Chart, documented, allowed)
		}
	}
}

func TestFeatureGatesValidate(t *testing.T) {
	err := FeatureGateSettings{"ALBGatewayApi": true, FeatureIngressPlanAnnotation: true}.Validate("v3.3.0")
	if !errors.Is(err, ErrUnknownFeatureGate) {
		t.Fatalf("%v", err)
	}
	for _, w := range []string{`"ALBGatewayApi" (known: ListenerRulesTagging`, `"IngressPlanAnnotation": chart 3.3.0 does not document it (from chart 3.4.0)`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	// Settings.Validate reports them with the rest.
	err = Settings{Version: "v2.13.0", FeatureGates: FeatureGateSettings{FeatureALBGatewayAPI: true}, Replicas: -1}.Validate()
	if !errors.Is(err, ErrUnknownFeatureGate) || !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("Settings.Validate: %v", err)
	}
}
