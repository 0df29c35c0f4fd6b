package eksfargate_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fargatekit/fargatekit/internal/eksaddonfake"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// ResolveAddonVersion picks EKS's default add-on version for a Kubernetes
// version and refuses a pin EKS does not offer for it. (The EKS fake's
// table here; pass an *eks.Client against AWS.)
func ExampleResolveAddonVersion() {
	ctx := context.Background()
	api := eksaddonfake.New(nil)
	for _, k8s := range []string{"1.32", "1.35"} {
		v, err := eksfargate.ResolveAddonVersion(ctx, api, "coredns", k8s, "")
		fmt.Println(k8s, v, err)
	}
	_, err := eksfargate.ResolveAddonVersion(ctx, api, "coredns", "1.35", "v1.11.4-eksbuild.33")
	fmt.Println(errors.Is(err, eksfargate.ErrAddonVersionIncompatible))
	// Output:
	// 1.32 v1.11.4-eksbuild.33 <nil>
	// 1.35 v1.13.2-eksbuild.4 <nil>
	// true
}

// OwnedSubnetTags decides the tags of an existing subnet fargatekit adds:
// only those it lacks; a role tag another team set is left as it is.
func ExampleOwnedSubnetTags() {
	owned, record := eksfargate.OwnedSubnetTags("demo", eksfargate.Private, map[string]string{"kubernetes.io/role/internal-elb": "true"})
	fmt.Println(owned)
	fmt.Println(eksfargate.AddedSubnetTagsKey("demo"), "=", record)
	// Output:
	// map[kubernetes.io/cluster/demo:shared]
	// fargatekit.io/added/demo = kubernetes.io/cluster/demo
}

// A cluster with deletion protection: Delete refuses it (deleting
// nothing) until SetDeletionProtection (or Apply with DeletionProtection
// false) turns it off.
func ExampleSetDeletionProtection() {
	clients, stop, err := exampleClients()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()
	fast := eksfargate.PollEvery(time.Millisecond, time.Millisecond)
	spec := exampleSpec
	spec.DeletionProtection = true
	if _, err := eksfargate.Apply(ctx, clients, spec, fast); err != nil {
		fmt.Println(err)
		return
	}
	_, err = eksfargate.Delete(ctx, clients, spec, fast)
	fmt.Println("delete refused:", errors.Is(err, eksfargate.ErrDeletionProtected))
	changed, err := eksfargate.SetDeletionProtection(ctx, clients.EKS, "demo", false, fast)
	fmt.Println("turned off:", changed, err)
	_, err = eksfargate.Delete(ctx, clients, spec, fast)
	fmt.Println("deleted:", err)
	// Output:
	// delete refused: true
	// turned off: true <nil>
	// deleted: <nil>
}

// Sweep removes what a deleted cluster's load balancer controller left in
// its VPC; while the cluster exists it touches nothing.
func ExampleSweep() {
	clients, stop, err := exampleClients()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()
	fast := eksfargate.PollEvery(time.Millisecond, time.Millisecond)
	out, err := eksfargate.Apply(ctx, clients, exampleSpec, fast)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = eksfargate.Sweep(ctx, clients, "demo", out.VpcID, fast)
	fmt.Println("cluster still there:", errors.Is(err, eksfargate.ErrClusterExists))
	// Delete sweeps once the cluster is gone, before the network.
	_, err = eksfargate.Delete(ctx, clients, exampleSpec, fast, eksfargate.SweepLeftovers())
	fmt.Println("deleted:", err)
	// Output:
	// cluster still there: true
	// deleted: <nil>
}
