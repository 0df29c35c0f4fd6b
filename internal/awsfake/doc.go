// Package awsfake holds in-memory fakes of the AWS APIs that fargatekit drives
// through aws-sdk-go-v2, for tests in any package of the module (and its
// examples) to share, so that one model of AWS's documented behaviour serves
// every caller instead of one fake per package.
//
// [IAM] models roles (trust, description, session duration, permissions
// boundary, tags, attached and inline policies) and OpenID Connect providers:
// NoSuchEntity, EntityAlreadyExists, LimitExceeded on the ACLSizePerRole quota,
// MalformedPolicyDocument, DeleteConflict, URL-encoded documents, paginated
// lists and IAM's eventual consistency. [EC2] models DescribeSubnets and
// DescribeRouteTables with vpc-id filters and pages; [Subnet], [RouteTable],
// [InternetGatewayRoute] and [NATGatewayRoute] build the data it serves.
//
// The fakes satisfy the narrow interfaces the packages define (irsa.RoleAPI,
// irsa.OIDCProviderAPI, lbc.EC2API). Their exported fields are the fake
// account's state: a test sets them up before the calls and inspects them
// after; the fakes lock their state during a call, so concurrent calls are
// safe, but a test must not touch the fields while calls are in flight.
//
// Every fake records the operations called (Calls) and can be told to fail one
// (FailOn), so a test can prove which calls were made and how failures surface.
package awsfake
