// Package yamlcheck type-checks the Pulumi YAML example
// (examples/fargate-alb-yaml) against the fargatekit package schema
// (provider/testdata/schema.json, the golden the provider module's tests
// hold equal to what the plugin serves) with github.com/pulumi/pulumi-yaml.
//
// It is a Go module of its own: pulumi-yaml v1.25.0, the newest the proxy
// serves, is built against github.com/pulumi/pulumi/pkg/v3 v3.206.0, whose
// API pulumi-go-provider v1.5.0's pkg/v3 (v3.256.0 and later) no longer has,
// so the two cannot share a module. It has no code outside its test.
package yamlcheck
