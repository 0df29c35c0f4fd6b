package eksfargate_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/fargatekit/fargatekit/internal/eksaddonfake"
	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// exampleClients are the real clients on a moto_server of the example's own
// (with the add-on fake in front of EKS, as moto has no add-ons). Outside a
// test: eksfargate.NewClients(cfg) with cfg from config.LoadDefaultConfig.
func exampleClients() (*eksfargate.Clients, func(), error) {
	os.Setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
	srv, err := mototest.Start(context.Background(), os.TempDir())
	if err != nil {
		return nil, nil, err
	}
	cfg := srv.Config("eu-west-1")
	c := eksfargate.NewClients(cfg)
	w := eksaddonfake.Wrap(eks.NewFromConfig(cfg))
	if w.Fake.CertificateAuthority, err = eksaddonfake.SelfSignedCA(); err != nil {
		return nil, nil, err
	}
	w.Fake.Offer(eksaddonfake.AssumedAddonVersions()...) // CoreDNS on 1.36
	w.Fake.EC2 = c.EC2.(*ec2.Client)                     // the cluster security group
	c.EKS = w
	return c, func() { _ = srv.Stop() }, nil
}

// exampleSpec is a small cluster: one NAT gateway, the default Fargate profile.
var exampleSpec = eksfargate.ClusterSpec{
	ClusterName: "demo",
	VPC:         &eksfargate.VPCSpec{SingleNATGateway: true},
	Tags:        map[string]string{"team": "platform"},
}

// Apply creates the whole cluster, then, run again, finds everything in
// place and writes nothing.
func ExampleApply() {
	clients, stop, err := exampleClients()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()
	// PollEvery: moto answers at once; against AWS keep the defaults.
	out, err := eksfargate.Apply(ctx, clients, exampleSpec, eksfargate.PollEvery(time.Millisecond, time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", eksfargate.Writes(out.Changes) > 20, "profiles:", len(out.Profiles), "add-ons:", len(out.Addons))
	again, err := eksfargate.Apply(ctx, clients, exampleSpec, eksfargate.PollEvery(time.Millisecond, time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("second run writes:", eksfargate.Writes(again.Changes), "same cluster:", again.ClusterARN == out.ClusterARN)
	// Output:
	// created: true profiles: 1 add-ons: 1
	// second run writes: 0 same cluster: true
}

// Plan lists what Apply would do, without writing.
func ExamplePlan() {
	clients, stop, err := exampleClients()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	changes, err := eksfargate.Plan(context.Background(), clients, exampleSpec)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range changes[:4] {
		fmt.Println(c)
	}
	// Output:
	// create vpc: 10.0.0.0/16
	// update vpc: enableDnsHostnames on
	// create internet gateway
	// update internet gateway: attach to the VPC
}

// Delete removes what Apply created, found by its tags, and reports what it
// could not remove in a *DeleteIncompleteError.
func ExampleDelete() {
	clients, stop, err := exampleClients()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()
	fast := eksfargate.PollEvery(time.Millisecond, time.Millisecond)
	if _, err := eksfargate.Apply(ctx, clients, exampleSpec, fast); err != nil {
		fmt.Println(err)
		return
	}
	changes, err := eksfargate.Delete(ctx, clients, exampleSpec, fast)
	if err != nil {
		fmt.Println(err) // errors.Is(err, eksfargate.ErrDeleteIncomplete) lists the leftovers
		return
	}
	fmt.Println("deleted:", eksfargate.Writes(changes), "resources")
	changes, err = eksfargate.Delete(ctx, clients, exampleSpec, fast)
	fmt.Println("again:", eksfargate.Writes(changes), err)
	// Output:
	// deleted: 18 resources
	// again: 0 <nil>
}
