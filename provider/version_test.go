package provider

import (
	"strings"
	"testing"

	"golang.org/x/mod/semver"
)

func TestPluginVersion(t *testing.T) {
	const gitPlugin = "/home/u/.pulumi/plugins/resource-github.com_fargatekit_fargatekit.git_provider_cmd_pulumi-resource-fargatekit-v1.4.0"
	tests := []struct {
		name, stamped, module string
		paths                 []string
		want                  string
	}{
		{name: "ldflags win", stamped: "2.0.0", module: "v1.0.0", paths: []string{gitPlugin}, want: "2.0.0"},
		{name: "tagged module", module: "v1.2.3", paths: []string{gitPlugin}, want: "1.2.3"},
		{
			name:   "package add at a root tag: the plugin directory, not Go's pseudo-version",
			module: "v0.0.0-20261206120000-0123456789ab", paths: []string{"", gitPlugin + "/provider/cmd/pulumi-resource-fargatekit"},
			want: "1.4.0",
		},
		{name: "executable inside the plugin directory", module: "(devel)", paths: []string{"/tmp", gitPlugin + "/bin/x"}, want: "1.4.0"},
		{name: "plain plugin directory", paths: []string{"/p/plugins/resource-fargatekit-v0.9.1-rc.1/x"}, want: "0.9.1-rc.1"},
		{name: "another plugin's directory", module: "(devel)", paths: []string{"/p/plugins/resource-aws-v6.83.2/x"}, want: "0.0.0-dev"},
		{name: "a directory that only looks like one", paths: []string{"/p/resource-fargatekit-vnext/x"}, want: "0.0.0-dev"},
		{name: "commit build", module: "v0.0.0-20261206120000-0123456789ab", paths: []string{"/src/fargatekit/provider"}, want: "0.0.0-20261206120000-0123456789ab"},
		{name: "nothing known", module: "(devel)", want: "0.0.0-dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pluginVersion(tt.stamped, tt.module, tt.paths...); got != tt.want {
				t.Errorf("pluginVersion(%q, %q, %q) = %q, want %q", tt.stamped, tt.module, tt.paths, got, tt.want)
			}
		})
	}
}

// FuzzPluginDirVersion: any path, a version found is a valid semantic
// version taken from a resource-…fargatekit…-v<version> directory of it.
func FuzzPluginDirVersion(f *testing.F) {
	for _, s := range []string{
		"/home/u/.pulumi/plugins/resource-github.com_fargatekit_fargatekit.git_provider_cmd_pulumi-resource-fargatekit-v1.4.0/provider",
		"/p/resource-fargatekit-v0.9.1-rc.1", "/p/resource-fargatekit-vnext/x", "resource-fargatekit-v", "/", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		v, ok := pluginDirVersion(path)
		if !ok {
			return
		}
		if !semver.IsValid("v"+v) || !strings.Contains(path, "-v"+v) || !strings.Contains(path, "resource-") {
			t.Errorf("pluginDirVersion(%q) = %q: not a version of a plugin directory in the path", path, v)
		}
	})
}
