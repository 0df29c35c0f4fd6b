package mockstack_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/internal/mockstack"
)

// bucketSet is a component with two children; the second waits for the first.
type bucketSet struct{ pulumi.ResourceState }

type custom struct{ pulumi.CustomResourceState }

// A program runs under the mock monitor; the graph records each resource's
// type, name, parent, dependencies and inputs, and answers questions on them.
func ExampleRun() {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		set := &bucketSet{}
		if err := ctx.RegisterComponentResource("example:index:BucketSet", "logs", set); err != nil {
			return err
		}
		first := &custom{}
		if err := ctx.RegisterResource("aws:s3/bucketV2:BucketV2", "logs-primary", pulumi.Map{"bucket": pulumi.String("logs-primary")}, first, pulumi.Parent(set)); err != nil {
			return err
		}
		second := &custom{}
		return ctx.RegisterResource("aws:s3/bucketV2:BucketV2", "logs-replica", pulumi.Map{"bucket": pulumi.String("logs-replica")}, second,
			pulumi.Parent(set), pulumi.DependsOn([]pulumi.Resource{first}))
	}, mockstack.WithRegion("eu-west-1"))
	if err != nil {
		panic(err)
	}
	fmt.Print(g.Tree("bucket"))
	primary, _ := g.One("aws:s3/bucketV2:BucketV2", "logs-primary")
	replica, _ := g.One("aws:s3/bucketV2:BucketV2", "logs-replica")
	fmt.Println("replica waits for primary:", g.DependsOn(replica, primary))
	fmt.Println("parent:", g.ParentOf(replica).Name)
	fmt.Println("buckets:", g.CountByType()["aws:s3/bucketV2:BucketV2"])
	// Output:
	// example:index:BucketSet logs
	//   aws:s3/bucketV2:BucketV2 logs-primary  bucket=logs-primary
	//   aws:s3/bucketV2:BucketV2 logs-replica  bucket=logs-replica
	// replica waits for primary: true
	// parent: logs
	// buckets: 2
}
