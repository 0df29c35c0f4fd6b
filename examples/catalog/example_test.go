package catalog_test

import (
	"fmt"

	"github.com/fargatekit/fargatekit/examples/catalog"
)

// Plan an example offline, as cmd/fargatekit-plan does: the real components
// register under the mock monitor and the graph says what a `pulumi up`
// would create.
func ExampleLookup() {
	e, err := catalog.Lookup("irsa-s3")
	if err != nil {
		panic(err)
	}
	g, err := e.Plan()
	if err != nil {
		panic(err)
	}
	counts := g.CountByType()
	fmt.Println(e.Name, "-", e.Summary)
	fmt.Println("EKS clusters:", counts["aws:eks/cluster:Cluster"])
	fmt.Println("IRSA roles:", counts["fargatekit:irsa:IRSARole"])
	fmt.Println("Pods:", counts["kubernetes:core/v1:Pod"])
	// Output:
	// irsa-s3 - Fargate cluster, an S3 bucket, an IRSA role that may only read it, and a Pod that lists it
	// EKS clusters: 1
	// IRSA roles: 1
	// Pods: 1
}

// The examples an offline plan knows.
func ExampleNames() {
	fmt.Println(catalog.Names())
	// Output:
	// [access fargate-alb fargate-gateway irsa-s3 pulumi-eks]
}
