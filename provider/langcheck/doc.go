// Package langcheck checks the fargatekit package (the schema golden
// provider/testdata/schema.json, which the provider module's tests hold
// equal to what the plugin serves) with the tools built against an older
// github.com/pulumi/pulumi/pkg/v3:
//
//   - pulumi-yaml type-checks the Pulumi YAML example
//     (examples/fargate-alb-yaml): TestYAMLExample;
//   - the .NET SDK generates with pkg/v3's C# generator (what `pulumi
//     package gen-sdk --language dotnet` ran before it moved to
//     pulumi-dotnet) and declares every component and input: TestDotnetSDK;
//   - the Java SDK generates with pulumi-java's generator (what `pulumi
//     package gen-sdk --language java` runs) and declares every component
//     and input: TestJavaSDK.
//
// It is a Go module of its own: pulumi-yaml v1.25.0, the newest the proxy
// serves, is built against pkg/v3 v3.206.0, whose API pulumi-go-provider
// v1.5.0's pkg/v3 (v3.256.0 and later) no longer has; the provider
// module's pkg/v3 (v3.259.0) has no C# generator any more; and
// pulumi-java/pkg v1.16.0 builds against v3.206.0 too. So these cannot
// share the provider module. It has no code outside its tests.
package langcheck
