// Package mockstack runs a Pulumi Go program under pulumi.WithMocks with a
// recording monitor, and returns the resource graph the program registered:
// every resource's type token, name, URN, parent, provider, explicit and
// property dependencies, and resolved inputs.
//
// The monitor answers like AWS would in shape, deterministically: IDs derived
// from the URN (vpc-…, subnet-…, sg-…), ARNs such as
// arn:aws:iam::123456789012:role/<name>, an EKS cluster's endpoint, CA and OIDC
// issuer, and the common invokes (caller identity, partition, region,
// availability zones). Tests assert on the [Graph] with its helpers (children
// of a component, a dependency path between two resources, a resolved input);
// the demo prints it with [Graph.Tree].
package mockstack
