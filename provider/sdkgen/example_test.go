package sdkgen_test

import (
	"context"
	"fmt"
	"os"

	"github.com/fargatekit/fargatekit/provider/sdkgen"
)

// The schema the plugin serves, bound as the SDK generators bind it.
func ExampleSchema() {
	s, err := sdkgen.Schema(context.Background(), "1.2.3")
	if err != nil {
		fmt.Println(err)
		return
	}
	pkg, err := sdkgen.Bind(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pkg.Name, pkg.Version)
	for _, r := range pkg.Resources {
		fmt.Println(r.Token, r.IsComponent)
	}
	// Unordered output:
	// fargatekit 1.2.3
	// fargatekit:authmap:AwsAuthMapping true
	// fargatekit:eksfargate:FargateCluster true
	// fargatekit:irsa:IRSARole true
	// fargatekit:lbc:LBCRelease true
}

// The Python SDK, written into a directory. Its module is
// <namespace>_<name>, fargatekit_fargatekit, as pkg/v3's Python generator
// names a package with a namespace.
func ExampleGenerate() {
	s, err := sdkgen.Schema(context.Background(), sdkgen.SchemaVersion)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "sdk")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	files, err := sdkgen.Generate(s, "python", dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files { // sorted
		if f == "fargatekit_fargatekit/lbc/lbc_release.py" || f == "fargatekit_fargatekit/eksfargate/fargate_cluster.py" {
			fmt.Println(f)
		}
	}
	// Output:
	// fargatekit_fargatekit/eksfargate/fargate_cluster.py
	// fargatekit_fargatekit/lbc/lbc_release.py
}
