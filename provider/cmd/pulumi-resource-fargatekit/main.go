// Command pulumi-resource-fargatekit is the fargatekit Pulumi plugin: the
// component provider of github.com/fargatekit/fargatekit/provider. Pulumi
// starts it; `pulumi package add` builds it from source through the
// PulumiPlugin.yaml next to this file.
package main

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/fargatekit/fargatekit/provider"
)

func main() {
	prov, err := provider.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := p.RunProvider(context.Background(), provider.Name, provider.PluginVersion(), prov); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-fargatekit: %v\n", err)
		os.Exit(1)
	}
}
