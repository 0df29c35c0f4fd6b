// Package irsa holds the Pulumi components for IAM roles for Kubernetes
// service accounts: [NewIRSARole] (fargatekit:irsa:IRSARole),
// [NewOIDCProvider] (fargatekit:irsa:OIDCProvider) and [NewPodIdentityRole]
// (fargatekit:irsa:PodIdentityRole, refused on Fargate-only clusters).
//
// Everything else lives in the Pulumi-free layer,
// github.com/fargatekit/fargatekit/sdk/irsa: the spec types (this package
// aliases the ones its Args use, such as [ServiceAccount]), the trust-policy
// renderers the components call inside ApplyT, the IAM apply functions
// (EnsureRole, EnsureOIDCProvider) and the verification against real tokens.
// A Go tool that needs no Pulumi imports only that package.
//
// Child names are documented on the Args types and are API. Pods that use a
// role depend on [IRSARole.Ready] (or take [IRSARole.DependsOn]), not on the
// component: the Go SDK expands a dependency on a component only into the
// children it has registered so far, and it registers them asynchronously.
package irsa
