// Command fargatekit-sdkgen writes the fargatekit package's schema and SDKs
// without the pulumi CLI or its language plugins: what `pulumi package
// get-schema` and `pulumi package gen-sdk` produce for TypeScript, Python
// and Go, from the same generators (github.com/pulumi/pulumi/pkg/v3).
//
//	go run ./cmd/fargatekit-sdkgen -out sdk -version 0.1.0 -languages nodejs,python,go
//
// writes sdk/schema.json and sdk/<language>/. .NET and Java SDKs need the
// CLI: `pulumi package gen-sdk sdk/schema.json --language dotnet` (or java).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fargatekit/fargatekit/provider/sdkgen"
)

func main() {
	out := flag.String("out", "sdk", "output directory")
	version := flag.String("version", sdkgen.SchemaVersion, "package version written into the schema and SDKs")
	languages := flag.String("languages", strings.Join(sdkgen.Languages, ","), "comma-separated SDK languages")
	flag.Parse()
	if err := run(*out, *version, strings.Split(*languages, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "fargatekit-sdkgen:", err)
		os.Exit(1)
	}
}

func run(out, version string, languages []string) error {
	s, err := sdkgen.Schema(context.Background(), version)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "schema.json"), s, 0o644); err != nil {
		return err
	}
	fmt.Println(filepath.Join(out, "schema.json"))
	for _, lang := range languages {
		dir := filepath.Join(out, lang)
		files, err := sdkgen.Generate(s, lang, dir)
		if err != nil {
			return err
		}
		fmt.Printf("%s: %d files\n", dir, len(files))
	}
	return nil
}
