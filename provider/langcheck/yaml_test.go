package langcheck

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi-yaml/pkg/pulumiyaml"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// errUnknownPackage is what the loader answers for any package but
// fargatekit.
var errUnknownPackage = errors.New("langcheck: the loader serves only the fargatekit package")

// loader serves the fargatekit package and no other.
type loader struct{ pkg *schema.Package }

func (l loader) ref(name string) (schema.PackageReference, error) {
	if l.pkg == nil || name != l.pkg.Name {
		return nil, fmt.Errorf("%w (asked for %s)", errUnknownPackage, name)
	}
	return l.pkg.Reference(), nil
}

func (l loader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	if _, err := l.ref(name); err != nil {
		return nil, err
	}
	return l.pkg, nil
}

func (l loader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l loader) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return l.ref(name)
}

func (l loader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.ref(d.Name)
}

// bindSchema binds the fargatekit schema, the checked-in golden
// provider/testdata/schema.json (which the provider module's tests hold
// equal to what the plugin serves).
func bindSchema(t *testing.T) *schema.Package {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader{}, schema.ValidationOptions{})
	if err != nil || diags.HasErrors() {
		t.Fatalf("bind schema: %v %v", err, diags)
	}
	return pkg
}

// TestYAMLExample parses examples/fargate-alb-yaml with pulumi-yaml and
// type-checks it against the fargatekit schema (the checked-in golden): every fargatekit resource,
// property and output it uses exists with the right type. The Kubernetes
// package's schema cannot be fetched here (neither its plugin nor its
// provider module is downloadable), so the loader refuses it: the test
// expects exactly one diagnostic per Kubernetes resource saying so, and
// fails on any other.
func TestYAMLExample(t *testing.T) {
	pkg := bindSchema(t)
	tmpl, diags, err := pulumiyaml.LoadDir(filepath.Join("..", "..", "examples", "fargate-alb-yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	loader := pulumiyaml.NewPackageLoaderFromSchemaLoader(loader{pkg})
	_, diags, err = pulumiyaml.PrepareTemplate(tmpl, nil, loader)
	if err != nil {
		t.Fatal(err)
	}
	var fargatekit int
	for _, r := range tmpl.Resources.Entries {
		if strings.HasPrefix(r.Value.Type.Value, "fargatekit:") {
			fargatekit++
		}
	}
	if fargatekit != 2 {
		t.Errorf("%d fargatekit resources in the example, want 2", fargatekit)
	}
	var kubernetes, noSchema int
	for _, r := range tmpl.Resources.Entries {
		if strings.HasPrefix(r.Value.Type.Value, "kubernetes:") || r.Value.Type.Value == "pulumi:providers:kubernetes" {
			kubernetes++
		}
	}
	for _, d := range diags {
		msg := d.Summary + " " + d.Detail
		if strings.Contains(msg, `loading package "kubernetes"`) && strings.Contains(msg, errUnknownPackage.Error()) {
			noSchema++ // no Kubernetes schema here (see above)
			continue
		}
		t.Errorf("%v", d)
	}
	if noSchema != kubernetes {
		t.Errorf("%d diagnostics about the Kubernetes schema for %d Kubernetes resources", noSchema, kubernetes)
	}
}

// TestYAMLReadme type-checks the repository README's Pulumi YAML block of
// fargatekit resources (a program's resources, under a project header) against the schema as
// TestYAMLExample does.
func TestYAMLReadme(t *testing.T) {
	pkg := bindSchema(t)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var program string
	for _, part := range strings.Split(string(readme), "```yaml\n")[1:] {
		if block := strings.SplitN(part, "```", 2)[0]; strings.Contains(block, "type: fargatekit:") {
			if program != "" {
				t.Fatal("README.md has more than one Pulumi YAML block of fargatekit resources")
			}
			program = "name: readme\nruntime: yaml\n" + block
		}
	}
	if program == "" {
		t.Fatal("README.md has no Pulumi YAML block of fargatekit resources")
	}
	tmpl, diags, err := pulumiyaml.LoadYAMLBytes("README.md", []byte(program))
	if err != nil {
		t.Fatal(err)
	}
	if diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	if len(tmpl.Resources.Entries) == 0 {
		t.Fatal("the README's YAML declares no resource")
	}
	_, diags, err = pulumiyaml.PrepareTemplate(tmpl, nil, pulumiyaml.NewPackageLoaderFromSchemaLoader(loader{pkg}))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diags {
		t.Errorf("%v", d)
	}
}
