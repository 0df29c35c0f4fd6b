package provider_test

import (
	"fmt"

	"github.com/fargatekit/fargatekit/provider"
)

// The provider the plugin binary serves (cmd/pulumi-resource-fargatekit
// passes it to pulumi-go-provider's RunProvider).
func ExampleNew() {
	prov, err := provider.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(provider.Name, prov.Construct != nil, prov.GetSchema != nil)
	// Output: fargatekit true true
}
