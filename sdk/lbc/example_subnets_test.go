package lbc

import (
	"context"
	"fmt"
)

// A VPC checked for cluster "demo": three subnets route to an internet
// gateway, one of them tagged for another cluster only; of the private ones,
// one lacks its tags (the EC2 client is a test fake here; use
// ec2.NewFromConfig(cfg) for real).
func ExampleCheckSubnets() {
	api := testVPC()
	report, err := CheckSubnets(context.Background(), api, "vpc-0aaaaaaaaaaaaaaaa", ForCluster("demo"))
	if err != nil {
		panic(err)
	}
	for _, s := range report.Public() {
		fmt.Println("public", s.ID, s.OK())
	}
	for _, p := range report.Problems() {
		fmt.Println(p)
	}
	// Output:
	// public subnet-pub-a true
	// public subnet-pub-b true
	// public subnet-pub-c false
	// private subnet subnet-priv-b (eu-west-1b) lacks kubernetes.io/role/internal-elb, kubernetes.io/cluster/demo
	// private subnet subnet-dead (eu-west-1c) lacks kubernetes.io/role/internal-elb, kubernetes.io/cluster/demo
	// public subnet subnet-pub-c (eu-west-1c) lacks kubernetes.io/role/elb, kubernetes.io/cluster/demo (tagged for other, so the controller skips it)
	// internal load balancers: tagged private subnets in 1 Availability Zone(s), an ALB needs 2
}
