package sdkgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// Languages are the SDK languages Generate supports: those whose generator
// is in github.com/pulumi/pulumi/pkg/v3. .NET's generator is in
// github.com/pulumi/pulumi-dotnet and Java's in github.com/pulumi/pulumi-java;
// `pulumi package add` and `pulumi package gen-sdk` use them through the
// language plugins. Both need an older pkg/v3 than this module's, so the
// module provider/langcheck generates and checks those two SDKs.
var Languages = []string{"nodejs", "python", "go"}

// ErrLanguage is wrapped when Generate is asked for a language it lacks.
var ErrLanguage = errors.New("sdkgen: no generator for the language in pkg/v3")

// tool names the generator in the generated files' headers.
const tool = "fargatekit-sdkgen"

// Bind parses and validates a schema (the package references no other
// package).
func Bind(schemaJSON []byte) (*schema.Package, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal(schemaJSON, &spec); err != nil {
		return nil, fmt.Errorf("sdkgen: schema: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, Loader(nil), schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("sdkgen: bind schema: %w", err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("sdkgen: bind schema: %w", diags)
	}
	return pkg, nil
}

// Generate writes the SDK of language (one of Languages) for the schema
// into dir and returns the files written, relative to dir, sorted.
func Generate(schemaJSON []byte, language, dir string) ([]string, error) {
	if !slices.Contains(Languages, language) {
		return nil, fmt.Errorf("%w: %q (have %v)", ErrLanguage, language, Languages)
	}
	pkg, err := Bind(schemaJSON)
	if err != nil {
		return nil, err
	}
	var files map[string][]byte
	switch language {
	case "nodejs":
		files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, Loader(pkg))
	case "python":
		files, err = python.GeneratePackage(tool, pkg, nil, Loader(pkg))
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	default:
		return nil, fmt.Errorf("%w: %q (have %v)", ErrLanguage, language, Languages)
	}
	if err != nil {
		return nil, fmt.Errorf("sdkgen: %s: %w", language, err)
	}
	var names []string
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("sdkgen: %w", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, fmt.Errorf("sdkgen: %w", err)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// Loader returns a schema loader that serves pkg (bound by [Bind]) and no
// other package: what the SDK generators and pulumi-yaml's type checker
// need for a program that uses fargatekit. A nil pkg serves nothing.
func Loader(pkg *schema.Package) schema.ReferenceLoader { return loader{pkg} }

type loader struct{ pkg *schema.Package }

// ErrUnknownPackage is wrapped when a Loader is asked for another package.
var ErrUnknownPackage = errors.New("sdkgen: the loader serves only the fargatekit package")

func (l loader) ref(name string) (schema.PackageReference, error) {
	if l.pkg == nil || name != l.pkg.Name {
		return nil, fmt.Errorf("%w (asked for %s)", ErrUnknownPackage, name)
	}
	return l.pkg.Reference(), nil
}

// LoadPackage implements schema.Loader.
func (l loader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	if _, err := l.ref(name); err != nil {
		return nil, err
	}
	return l.pkg, nil
}

// LoadPackageV2 implements schema.Loader.
func (l loader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

// LoadPackageReference implements schema.ReferenceLoader.
func (l loader) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return l.ref(name)
}

// LoadPackageReferenceV2 implements schema.ReferenceLoader.
func (l loader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.ref(d.Name)
}
