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
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	gomodule "golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Name is the Pulumi package's name.
const Name = "fargatekit"

// Version is the package's version: set with -ldflags "-X
// github.com/fargatekit/fargatekit/provider.Version=<v>" on a release build.
// Otherwise [PluginVersion] finds it.
var Version = ""

// PluginVersion returns the version the plugin reports, the first of:
//   - [Version], when a release build sets it;
//   - the provider module's version from the build information, when it is
//     a release (a build of a tag provider/vX.Y.Z, or go install @vX.Y.Z);
//   - the version in the name of the plugin directory Pulumi installed the
//     plugin into, an ancestor of the working directory or the executable:
//     `pulumi package add github.com/fargatekit/fargatekit.git/provider/cmd/pulumi-resource-fargatekit@vX.Y.Z`
//     checks out the repository's tag vX.Y.Z into
//     $PULUMI_HOME/plugins/resource-<source>-vX.Y.Z and builds the plugin
//     there, where Go stamps only a pseudo-version (the nested module's
//     tags are provider/vX.Y.Z), so the schema, and with it the SDKs, carry
//     the tag the user asked for;
//   - a pseudo-version from the build information (a build of a commit);
//   - 0.0.0-dev.
func PluginVersion() string {
	wd, _ := os.Getwd()
	exe, _ := os.Executable()
	var module string
	if bi, ok := debug.ReadBuildInfo(); ok {
		module = bi.Main.Version
	}
	return pluginVersion(Version, module, wd, exe)
}

// pluginVersion is PluginVersion's choice, given the -X version, the main
// module's version from the build information and the paths to search for
// Pulumi's plugin directory.
func pluginVersion(stamped, module string, paths ...string) string {
	if stamped != "" {
		return stamped
	}
	if semver.IsValid(module) && !gomodule.IsPseudoVersion(module) {
		return module[1:]
	}
	for _, p := range paths {
		if v, ok := pluginDirVersion(p); ok {
			return v
		}
	}
	if semver.IsValid(module) {
		return module[1:]
	}
	return "0.0.0-dev"
}

// pluginDirVersion finds, among path and its ancestors, a directory named
// as Pulumi names a resource plugin's (workspace.PluginDescriptor.Dir:
// resource-<name>-v<version>) whose name mentions fargatekit, and returns
// its version.
func pluginDirVersion(path string) (string, bool) {
	if path == "" {
		return "", false
	}
	for dir := filepath.Clean(path); ; dir = filepath.Dir(dir) {
		base := filepath.Base(dir)
		if strings.HasPrefix(base, "resource-") && strings.Contains(base, Name) {
			if i := strings.LastIndex(base, "-v"); i > 0 && semver.IsValid(base[i+1:]) {
				return base[i+2:], true
			}
		}
		if parent := filepath.Dir(dir); parent == dir {
			return "", false
		}
	}
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
		).
		WithFunctions(
			infer.Function(PodTermination{}),
			infer.Function(IngressAnnotationsFn{}),
		).Build()
	if err != nil {
		return p.Provider{}, fmt.Errorf("provider: %w", err)
	}
	return withRawInputs(prov), nil
}
