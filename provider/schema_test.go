package provider_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/fargatekit/fargatekit/authmap"
	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/irsa"
	"github.com/fargatekit/fargatekit/lbc"
	"github.com/fargatekit/fargatekit/provider/sdkgen"
)

// schemaSpec is the schema the plugin serves, checked against the golden
// file testdata/schema.json (go test -update rewrites it).
func schemaSpec(t *testing.T) schema.PackageSpec {
	t.Helper()
	got, err := sdkgen.Schema(context.Background(), sdkgen.SchemaVersion)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/schema.json", got)
	var spec schema.PackageSpec
	if err := json.Unmarshal(got, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestSchema checks the schema against the golden file and binds it as the
// SDK generators do.
func TestSchema(t *testing.T) {
	spec := schemaSpec(t)
	if spec.Name != "fargatekit" {
		t.Errorf("package name %q, want fargatekit", spec.Name)
	}
	b, _ := json.Marshal(spec)
	if _, err := sdkgen.Bind(b); err != nil {
		t.Fatal(err)
	}
}

// TestSchemaTokens: the package's resources are the four Go components,
// under the type tokens those register, all components.
func TestSchemaTokens(t *testing.T) {
	spec := schemaSpec(t)
	want := []string{authmap.TypeToken, eksfargate.TypeToken, irsa.TypeToken, lbc.TypeToken}
	slices.Sort(want)
	if got := slices.Sorted(maps.Keys(spec.Resources)); !slices.Equal(got, want) {
		t.Fatalf("resources %v, want %v", got, want)
	}
	for tok, r := range spec.Resources {
		if !r.IsComponent {
			t.Errorf("%s is not a component", tok)
		}
	}
}

// TestSchemaDocumented: every resource, function, type and property carries a
// description (they become the SDKs' documentation).
func TestSchemaDocumented(t *testing.T) {
	spec := schemaSpec(t)
	props := func(owner string, ps map[string]schema.PropertySpec) {
		for name, p := range ps {
			if p.Description == "" {
				t.Errorf("%s: property %s has no description", owner, name)
			}
		}
	}
	for tok, r := range spec.Resources {
		if r.Description == "" {
			t.Errorf("resource %s has no description", tok)
		}
		props(tok+" (input)", r.InputProperties)
		props(tok+" (output)", r.Properties)
		if len(r.InputProperties) == 0 || len(r.Properties) == 0 {
			t.Errorf("resource %s: %d inputs, %d outputs", tok, len(r.InputProperties), len(r.Properties))
		}
	}
	for tok, ty := range spec.Types {
		if ty.Description == "" {
			t.Errorf("type %s has no description", tok)
		}
		props(tok, ty.Properties)
	}
	if len(spec.Types) == 0 {
		t.Error("no types")
	}
	for tok, f := range spec.Functions {
		if f.Description == "" {
			t.Errorf("function %s has no description", tok)
		}
		if f.Inputs == nil || f.ReturnType == nil || f.ReturnType.ObjectTypeSpec == nil {
			t.Errorf("function %s: no inputs or no object result", tok)
			continue
		}
		props(tok+" (input)", f.Inputs.Properties)
		props(tok+" (output)", f.ReturnType.ObjectTypeSpec.Properties)
	}
	if len(spec.Functions) != 2 {
		t.Errorf("%d functions, want lbc's podTermination and ingressAnnotations", len(spec.Functions))
	}
}
