// Package lbc holds the Pulumi component that installs the AWS Load Balancer
// Controller on a Fargate cluster: [NewLBCRelease]
// (fargatekit:lbc:LBCRelease) registers the controller's IAM policy, its IRSA
// role and ServiceAccount, and the Helm release, from a [ReleaseSpec], the
// same plain spec the SDK layer installs.
//
// The version table, the IAM policy and Helm values renderers (called inside
// ApplyT here), the typed Ingress and Service annotations, the subnet check,
// Helm install and teardown live in the Pulumi-free layer,
// github.com/fargatekit/fargatekit/sdk/lbc; its documentation explains what
// Fargate needs of the controller and why.
//
// # Dependants
//
// Create your Ingresses and LoadBalancer Services with the release as a
// dependency:
//
//	ctl, err := lbc.NewLBCRelease(ctx, "lbc", &lbc.LBCReleaseArgs{Cluster: cluster})
//	...
//	_, err = networkingv1.NewIngress(ctx, "web", &networkingv1.IngressArgs{...},
//		pulumi.Provider(cluster.Provider), ctl.DependsOn())
//
// Pulumi then creates the Ingress only once the controller (and its webhooks)
// are ready, and, on destroy, deletes the Ingress first, while the controller
// still runs to delete the ALB and clear the Ingress's finalizer. Without the
// dependency, pulumi destroy can remove the controller first, leaving the ALB,
// its security groups and ENIs behind (and the VPC undeletable).
// Depend on [LBCRelease.Ready] (or use [LBCRelease.DependsOn]) rather than on
// the component: the Go SDK expands a dependency on a component into the
// children it has registered so far, and it registers them asynchronously.
//
// # Gateway API
//
// With LBCReleaseArgs.GatewayAPI the component installs the Gateway API: one
// child per Gateway API CRD (named <name>-gatewayapi-<CRD name>) before the
// Helm release, which depends on them, and one per GatewayClass
// (<name>-gatewayclass-<class>) after it. Register your Gateways, routes and
// the controller's gateway configurations with [NewObject] from what the SDK
// layer renders, depending on [LBCRelease.DependsOn] and on the class
// (LBCRelease.GatewayAPI.Classes), so that they are deleted while the
// controller still runs; examples/fargate-gateway does exactly that.
package lbc
