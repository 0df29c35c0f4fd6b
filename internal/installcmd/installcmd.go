// Package installcmd names the command that installs fargatekit's two
// binaries: the token plugin (cmd/fargatekit) and the rest of the CLI
// (cmd/fargatekit-admin), which the plugin hands over to. The plugin, the
// kubeconfigs kubeauth writes and kubeauth.CheckExec all print it; it links
// only the standard library.
package installcmd

// Admin is the name of the binary that holds every command but token and
// version.
const Admin = "fargatekit-admin"

const module = "github.com/fargatekit/fargatekit"

// Fargatekit returns "go install" of both binaries at version ("latest", or
// a module version such as v0.4.0).
func Fargatekit(version string) string {
	return "go install " + module + "/cmd/fargatekit@" + version + " " + module + "/cmd/" + Admin + "@" + version
}
