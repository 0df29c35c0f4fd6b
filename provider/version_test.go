package provider

import "testing"

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
