// Package sdkgen produces what `pulumi package get-schema` and `pulumi
// package gen-sdk` produce for the fargatekit package, in process: the
// schema, through the plugin's own GetSchema (pulumi-go-provider's
// in-process server), and SDKs through github.com/pulumi/pulumi/pkg/v3's
// code generators. The CLI's gen-sdk runs the language plugins
// (pulumi-language-nodejs, -python, -go, pulumi-dotnet, pulumi-java), which
// call these same generators for TypeScript, Python and Go; .NET's and
// Java's live in pulumi-dotnet and pulumi-java, which are not part of pkg/v3
// (see [Languages]).
package sdkgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"

	"github.com/fargatekit/fargatekit/provider"
)

// SchemaVersion is the version the checked-in schema (testdata/schema.json)
// and the SDKs generated from it carry; a real build reports PluginVersion.
const SchemaVersion = "0.0.0-dev"

// Schema returns the package schema, indented, as the plugin's GetSchema
// serves it to `pulumi package get-schema` (through pulumi-go-provider's
// in-process server, at version).
func Schema(ctx context.Context, version string) ([]byte, error) {
	prov, err := provider.New()
	if err != nil {
		return nil, err
	}
	v, err := semver.ParseTolerant(version)
	if err != nil {
		return nil, fmt.Errorf("sdkgen: schema version: %w", err)
	}
	s, err := integration.NewServer(ctx, provider.Name, v, integration.WithProvider(prov))
	if err != nil {
		return nil, fmt.Errorf("sdkgen: schema: %w", err)
	}
	resp, err := s.GetSchema(p.GetSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("sdkgen: schema: %w", err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(resp.Schema), "", "  "); err != nil {
		return nil, fmt.Errorf("sdkgen: schema: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
