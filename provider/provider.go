// Package provider serves fargatekit's Pulumi components to every Pulumi
// language: a component provider (pulumi-go-provider's infer) whose
// FargateCluster, IRSARole, LBCRelease and AwsAuthMapping construct the Go
// components themselves (eksfargate.NewFargateCluster, irsa.NewIRSARole,
// lbc.NewLBCRelease, authmap.NewAwsAuthMapping) under the type tokens those
// register, so that a program in any language gets the children, names and
// validation errors a Go program gets. No logic lives here but the
// conversion of the cross-language arguments (plain data, documented for
// the SDKs) into the Go Args.
//
// It is a Go module of its own (github.com/fargatekit/fargatekit/provider,
// replacing the library with ../): the library's users never take
// pulumi-go-provider or github.com/pulumi/pulumi/pkg/v3. The plugin binary
// is cmd/pulumi-resource-fargatekit, whose PulumiPlugin.yaml lets `pulumi
// package add` build it from a clone of the repository.
//
// The cluster is passed between the components as [ClusterRef], plain data
// (component references across packages are limited, pulumi/pulumi#18484):
// FargateCluster outputs one as clusterRef, and the provider makes the
// Kubernetes provider of the other components' children from its
// kubeconfig. See the repository README, "Use from TypeScript, Python, .NET,
// Java, YAML".
package provider

import (
	"fmt"
	"runtime/debug"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"golang.org/x/mod/semver"
)

// Name is the Pulumi package's name.
const Name = "fargatekit"

// Version is the package's version: set with -ldflags "-X
// github.com/fargatekit/fargatekit/provider.Version=<v>" on a release build;
// otherwise the provider module's version from the build information (a
// build from a tag provider/vX.Y.Z), else 0.0.0-dev.
var Version = ""

// PluginVersion returns the version the plugin reports (see Version).
func PluginVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && semver.IsValid(bi.Main.Version) {
		return bi.Main.Version[1:]
	}
	return "0.0.0-dev"
}

// New returns the component provider.
func New() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("fargatekit").
		WithDescription("EKS on Fargate from nothing: the cluster and its network, IAM roles for service accounts, "+
			"the AWS Load Balancer Controller and aws-auth/access-entry mappings, built by fargatekit's Go components.").
		WithKeywords("kubernetes", "aws", "eks", "fargate", "irsa", "category/cloud", "kind/component").
		WithHomepage("https://github.com/fargatekit/fargatekit").
		WithRepository("https://github.com/fargatekit/fargatekit").
		WithLicense("Apache-2.0").
		WithNamespace("fargatekit").
		WithGoImportPath("github.com/fargatekit/fargatekit/provider/sdk/go/fargatekit").
		WithComponents(
			infer.ComponentF(newFargateCluster),
			infer.ComponentF(newIRSARole),
			infer.ComponentF(newLBCRelease),
			infer.ComponentF(newAwsAuthMapping),
		).Build()
	if err != nil {
		return p.Provider{}, fmt.Errorf("provider: %w", err)
	}
	return withRawInputs(prov), nil
}
