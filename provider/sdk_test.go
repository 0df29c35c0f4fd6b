package provider_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/provider/sdkgen"
	"golang.org/x/mod/modfile"
)

// npmPackages are what the TypeScript checks install, pinned: the
// compiler, Node's types, and the Pulumi SDKs the generated SDK and the
// example import.
var npmPackages = []string{"typescript@5.9.3", "@types/node@22.20.7", "@pulumi/pulumi@3.259.0", "@pulumi/kubernetes@4.23.0"}

// EnvRequireLanguages, set to 1 (.ci/run sets it), makes a missing npm or
// python3 fail the language checks instead of skipping them.
const EnvRequireLanguages = "FARGATEKIT_REQUIRE_LANGS"

// lookTool finds a tool on PATH; without it, the test is skipped with why,
// or fails when EnvRequireLanguages is 1.
func lookTool(t *testing.T, name, why string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv(EnvRequireLanguages) == "1" {
		t.Fatalf("%s not on PATH (%s=1): %s", name, EnvRequireLanguages, why)
	}
	t.Skipf("%s not on PATH: %s", name, why)
	return ""
}

// nodeModules installs npmPackages once per machine (under the user cache
// directory, keyed by the list) and returns the node_modules directory. It
// skips the test when npm is absent (see lookTool).
func nodeModules(t *testing.T) string {
	t.Helper()
	npm := lookTool(t, "npm", "the TypeScript checks need node and npm")
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(strings.Join(npmPackages, " ")))
	dir := filepath.Join(cache, "fargatekit", "provider-tsc-"+hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "typescript", "bin", "tsc")); err == nil {
		return filepath.Join(dir, "node_modules")
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), []byte(`{"name":"fargatekit-provider-tsc","private":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// --ignore-scripts: @pulumi/kubernetes's install script downloads its
	// plugin, which a type check does not need.
	args := append([]string{"install", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact"}, npmPackages...)
	cmd := exec.Command(npm, args...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install %v: %v\n%s", npmPackages, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, os.ErrExist) {
		if _, statErr := os.Stat(dir); statErr != nil { // another run won the race otherwise
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "node_modules")
}

// tsc runs the TypeScript compiler in dir.
func tsc(t *testing.T, modules, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("node", append([]string{filepath.Join(modules, "typescript", "bin", "tsc")}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc %v in %s: %v\n%s", args, dir, err, out)
	}
}

func generate(t *testing.T, language, dir string) []string {
	t.Helper()
	s, err := sdkgen.Schema(context.Background(), sdkgen.SchemaVersion)
	if err != nil {
		t.Fatal(err)
	}
	files, err := sdkgen.Generate(s, language, dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestTypeScript generates the TypeScript SDK, compiles it with tsc as
// `npm install` of the SDK does, and type-checks the TypeScript example
// (examples/fargate-alb-ts) and the README's TypeScript against it.
func TestTypeScript(t *testing.T) {
	modules := nodeModules(t)
	work := t.TempDir()
	sdk := filepath.Join(work, "sdks", "fargatekit")
	files := generate(t, "nodejs", sdk)
	for _, want := range []string{"package.json", "index.ts", "eksfargate/fargateCluster.ts", "lbc/lbcrelease.ts",
		"irsa/irsarole.ts", "authmap/awsAuthMapping.ts", "types/input.ts"} {
		if !slices.Contains(files, want) {
			t.Errorf("the SDK lacks %s (has %v)", want, files)
		}
	}
	// node_modules: the installed packages, and the SDK under its name.
	nm := filepath.Join(work, "node_modules")
	for _, dir := range []string{filepath.Join(nm, "@pulumi"), filepath.Join(nm, "@types"), filepath.Join(nm, "@fargatekit")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, pkg := range []string{"typescript", "@pulumi/pulumi", "@pulumi/kubernetes", "@types/node"} {
		if err := os.Symlink(filepath.Join(modules, pkg), filepath.Join(nm, pkg)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(sdk, filepath.Join(nm, "@fargatekit", "fargatekit")); err != nil {
		t.Fatal(err)
	}
	tsc(t, modules, sdk, "--pretty", "false", "-p", "tsconfig.json") // writes bin/, which package.json's types name

	example := filepath.Join("..", "examples", "fargate-alb-ts")
	for _, f := range []string{"index.ts", "tsconfig.json"} {
		b, err := os.ReadFile(filepath.Join(example, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tsc(t, modules, work, "--pretty", "false", "--noEmit", "-p", "tsconfig.json")

	// The README's TypeScript is code too.
	if err := os.WriteFile(filepath.Join(work, "readme.ts"), []byte(readmeBlocks(t, "typescript")), 0o644); err != nil {
		t.Fatal(err)
	}
	tsc(t, modules, work, "--pretty", "false", "--noEmit", "--strict", "--target", "es2020", "--module", "commonjs",
		"--moduleResolution", "node", "readme.ts")
}

// TestPythonAndGoSDKs generates the Python and Go SDKs and checks that
// every Python file compiles (python3 on PATH; see lookTool) and that the Go
// SDK builds and vets as a module of its own (see goSDKModule).
func TestPythonAndGoSDKs(t *testing.T) {
	goDir := t.TempDir()
	var goFiles int
	for _, f := range generate(t, "go", goDir) {
		if filepath.Ext(f) == ".go" {
			goFiles++
		}
	}
	if goFiles == 0 {
		t.Error("the Go SDK has no Go files")
	}
	if !testing.Short() {
		goSDKModule(t, goDir)
		cmd := exec.Command("go", "vet", "./...")
		cmd.Dir = goDir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go vet of the generated Go SDK: %v\n%s", err, out)
		}
	}
	pyDir := t.TempDir()
	files := generate(t, "python", pyDir)
	if !slices.ContainsFunc(files, func(f string) bool { return strings.HasSuffix(f, "lbc/lbc_release.py") }) {
		t.Errorf("the Python SDK lacks lbc/lbc_release.py: %v", files)
	}
	python := lookTool(t, "python3", "the Python files were generated, not compiled")
	if out, err := exec.Command(python, "-m", "compileall", "-q", pyDir).CombinedOutput(); err != nil {
		t.Fatalf("python3 -m compileall: %v\n%s", err, out)
	}
	// The README's Python is code too: without the pulumi package (PyPI is
	// out of reach here) it cannot run, so testdata/check_readme_python.py
	// checks what it uses against the generated SDK (package, classes,
	// functions, their arguments, the resources' properties).
	snippet := filepath.Join(t.TempDir(), "readme.py")
	if err := os.WriteFile(snippet, []byte(readmeBlocks(t, "python")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(python, "testdata/check_readme_python.py", pyDir, snippet).CombinedOutput(); err != nil {
		t.Fatalf("the README's Python against the generated SDK: %v\n%s", err, out)
	}
}

// TestOtherLanguages: .NET and Java have no generator in this module's
// pkg/v3 (provider/langcheck generates those SDKs).
func TestOtherLanguages(t *testing.T) {
	for _, lang := range []string{"dotnet", "java"} {
		if _, err := sdkgen.Generate([]byte(`{"name":"fargatekit"}`), lang, t.TempDir()); !errors.Is(err, sdkgen.ErrLanguage) {
			t.Errorf("%s: %v, want %v", lang, err, sdkgen.ErrLanguage)
		}
	}
}

// goSDKModule makes dir, where the Go SDK was generated (its package
// github.com/fargatekit/fargatekit/provider/sdk/go/fargatekit in
// dir/fargatekit), a module that requires what this module requires (the
// provider's go.mod without the library and its replace), so that it builds
// offline from the module cache against the Pulumi SDK the provider uses.
func goSDKModule(t *testing.T, dir string) {
	t.Helper()
	raw, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := modfile.Parse("go.mod", raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := mod.AddModuleStmt("github.com/fargatekit/fargatekit/provider/sdk/go"); err != nil {
		t.Fatal(err)
	}
	for _, r := range mod.Replace {
		if err := mod.DropReplace(r.Old.Path, r.Old.Version); err != nil {
			t.Fatal(err)
		}
	}
	if err := mod.DropRequire("github.com/fargatekit/fargatekit"); err != nil {
		t.Fatal(err)
	}
	out, err := mod.Format()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readmeBlocks returns the repository README's code blocks of a language,
// joined; the test fails when there is none.
func readmeBlocks(t *testing.T, language string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, part := range strings.Split(string(readme), "```"+language+"\n")[1:] {
		blocks = append(blocks, strings.SplitN(part, "```", 2)[0])
	}
	if len(blocks) == 0 {
		t.Fatalf("README.md has no %s block", language)
	}
	return strings.Join(blocks, "\n")
}
