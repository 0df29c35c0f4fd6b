package langcheck

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	javagen "github.com/pulumi/pulumi-java/pkg/codegen/java"
	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in the generated files' headers.
const tool = "fargatekit-sdkgen"

// logoServer serves a PNG as the package's logo: the .NET generator
// downloads the schema's logoUrl (a file on raw.githubusercontent.com when
// the schema has none) into the package, which a test does not fetch from
// the internet.
func logoServer(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(b.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// inputs returns, for every resource of the package, its token and the
// names of its input properties and of the properties of every object type
// (sorted, each once).
func inputs(pkg *schema.Package) map[string][]string {
	out := map[string][]string{}
	for _, r := range pkg.Resources {
		for _, p := range r.InputProperties {
			out[r.Token] = append(out[r.Token], p.Name)
		}
	}
	for _, typ := range pkg.Types {
		if o, ok := typ.(*schema.ObjectType); ok && !o.IsInputShape() {
			for _, p := range o.Properties {
				out[o.Token] = append(out[o.Token], p.Name)
			}
		}
	}
	for k, v := range out {
		slices.Sort(v)
		out[k] = slices.Compact(v)
	}
	return out
}

// checkSDK checks that the generated files declare every resource under its
// type token and every input property (of a resource or an object type)
// under its schema name, as the given patterns extract them.
func checkSDK(t *testing.T, pkg *schema.Package, files map[string][]byte, ext string, token, property *regexp.Regexp) {
	t.Helper()
	tokens, props := map[string]bool{}, map[string]bool{}
	var sources int
	for name, data := range files {
		if !strings.HasSuffix(name, ext) {
			continue
		}
		sources++
		for _, m := range token.FindAllSubmatch(data, -1) {
			tokens[string(m[1])] = true
		}
		for _, m := range property.FindAllSubmatch(data, -1) {
			props[string(m[1])] = true
		}
	}
	if sources == 0 {
		t.Fatalf("no %s files among %d", ext, len(files))
	}
	for _, r := range pkg.Resources {
		if !tokens[r.Token] {
			t.Errorf("no %s class for %s", ext, r.Token)
		}
	}
	for owner, names := range inputs(pkg) {
		for _, n := range names {
			if !props[n] {
				t.Errorf("%s: property %s of %s not declared", ext, n, owner)
			}
		}
	}
}

// TestDotnetSDK generates the .NET SDK from the schema golden with
// pkg/v3 v3.206.0's C# generator (the one `pulumi package gen-sdk
// --language dotnet` used before it moved to github.com/pulumi/pulumi-dotnet)
// and checks that every component and every input property is in it. There
// is no .NET SDK here to compile it with.
func TestDotnetSDK(t *testing.T) {
	pkg := bindSchema(t)
	pkg.LogoURL = logoServer(t)
	files, err := dotnet.GeneratePackage(tool, pkg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Fargatekit.Fargatekit.csproj", "Lbc/LBCRelease.cs", "Eksfargate/FargateCluster.cs",
		"Irsa/IRSARole.cs", "Authmap/AwsAuthMapping.cs", "logo.png"} {
		if _, ok := files[want]; !ok {
			t.Errorf("the .NET SDK lacks %s", want)
		}
	}
	checkSDK(t, pkg, files, ".cs",
		regexp.MustCompile(`\[FargatekitResourceType\("([^"]+)"\)\]`),
		regexp.MustCompile(`\[Input\("([^"]+)"`))
}

// TestJavaSDK generates the Java SDK from the schema golden with
// pulumi-java's generator (github.com/pulumi/pulumi-java/pkg, what
// `pulumi package gen-sdk --language java` runs) and checks that every
// component and every input property is in it.
func TestJavaSDK(t *testing.T) {
	pkg := bindSchema(t)
	files, err := javagen.GeneratePackage(tool, pkg, nil, nil, false, false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, want := range []string{"build.gradle", "src/main/java/com/fargatekit/fargatekit/lbc/LBCRelease.java"} {
		if !slices.Contains(names, want) {
			t.Errorf("the Java SDK lacks %s: %s", want, fmt.Sprint(names))
		}
	}
	checkSDK(t, pkg, files, ".java",
		regexp.MustCompile(`@ResourceType\(type="([^"]+)"\)`),
		regexp.MustCompile(`@Import\(name="([^"]+)"`))
}
