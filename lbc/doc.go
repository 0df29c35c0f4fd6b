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
// are ready (with a kubeconfig, the release's AfterCreate and AfterUpdate
// hook, N-webhook-ready, waits until the webhook Service has a ready
// endpoint: sdk.WaitForWebhook; do the same for every Service, which the
// service-mutator webhook, failurePolicy Fail, refuses until then), and, on destroy, deletes the Ingress first, while the controller
// still runs to delete the ALB and clear the Ingress's finalizer. Without the
// dependency, pulumi destroy can remove the controller first, leaving the ALB,
// its security groups and ENIs behind (and the VPC undeletable).
// Depend on [LBCRelease.Ready] (or use [LBCRelease.DependsOn]) rather than on
// the component: the Go SDK expands a dependency on a component into the
// children it has registered so far, and it registers them asynchronously.
//
// # CRDs and upgrades
//
// Helm installs a chart's CustomResourceDefinitions on the first install
// only and never upgrades them, so a controller upgraded through the release
// alone runs against its predecessor's schemas (and the CRDs new in its
// version never appear). The component therefore registers one child per CRD
// of the pinned chart, named N-<CRD name>, which the Kubernetes provider
// applies by server-side apply (annotated pulumi.com/patchForce, to take
// over from Helm or kubectl) before the release, whose own CRD install is
// skipped. Changing Settings.Version from v2.13.0 to v3.5.0 updates the two
// CRDs both ship and creates the five new ones. The CRDs are the SDK's
// (sdk.SourceCRDs: the chart's crds/ directory), loaded when the program
// runs: the embedded archive for the default version, ChartPath, or a
// download from ChartRepo. The children are retained on delete, as Helm
// leaves CRDs: deleting a CRD deletes every object of its kind. A downgrade
// whose CRD lacks a version the server has stored is refused by the API
// server on that child (the SDK's ApplyCRDs skips such a CRD instead; the
// component cannot read the server at plan time): keep the newer CRDs with
// SkipCRDs, or migrate the stored objects first. SkipCRDs leaves the CRDs
// to someone else.
//
// # Destroy
//
// Ingresses and Services created outside Pulumi (kubectl, other tools) are
// not in the stack, so depending on Ready cannot order them; when the
// controller goes first their load balancers, security groups and ENIs are
// orphaned and the VPC cannot be deleted. With a kubeconfig (the cluster's
// Kubeconfig, as FargateCluster provides it, or LBCReleaseArgs.Kubeconfig),
// the Helm release carries a BeforeDelete resource hook, N-teardown, that
// runs the SDK's Teardown over the whole cluster before the release is
// deleted: every Ingress, LoadBalancer Service, TargetGroupBinding, Gateway
// and route the controller manages is deleted, and the hook waits (up to
// TeardownTimeout or the release timeout, whichever is longer) until the
// controller has removed their load balancers and finalizers; Pulumi then
// uninstalls the release. When another installation of the controller
// remains (the release is being replaced, the replacement created first),
// the hook deletes nothing. Delete hooks run only when the program runs, so
// destroy with
//
//	pulumi destroy --run-program
//
// (recent Pulumi engines refuse a destroy without it when a resource has
// delete hooks; the hook itself fails with ErrNoKubeconfig when the program
// did not resolve the kubeconfig). The component's output
// teardownOnDestroy reports whether the hook has its kubeconfig.
//
// # Webhook certificate
//
// Every chart but 3.0.0 keeps the webhook certificate of the installed
// release (keepTLSSecret). Chart 3.0.0 cannot, so it would make a new CA on
// every Helm upgrade; for it, unless Settings.WebhookTLS is set, the
// component reads the installed certificate from the chart's Secret through
// the kubeconfig when the program runs (sdk.EnsureWebhookCertificate, a new
// one on the first install) and passes it as the chart's webhookTLS values,
// which are then secret. Without a kubeconfig it refuses 3.0.0 with
// ErrWebhookTLSRequired.
//
// # Fargate
//
// On a Fargate-only cluster whose profiles are known (FargateCluster's
// Ref gives them), the component checks before registering anything that
// a profile selects the controller's namespace and pod labels (the chart's
// app.kubernetes.io/name and instance labels and any podLabels): otherwise
// its pods would stay Pending until the Helm timeout, and every Service
// creation would fail meanwhile on the service-mutator webhook. The error
// wraps ErrNoFargateProfile and names the profiles. A namespace other than
// kube-system is created (child N-namespace) before the ServiceAccount and
// the release, and deleted after them.
//
// # Errors
//
// A refused spec registers nothing; its error wraps one of (the SDK
// layer's values, so errors.Is works with either package's names):
//
//	ErrInvalidSpec         a spec refused by validation
//	ErrUnknownVersion      a controller version outside the table without PolicyJSON and ChartVersion
//	ErrInstanceOnFargate   instance targets asked for on Fargate
//	ErrNoFargateProfile    no Fargate profile of a Fargate-only cluster selects the controller's pods
//	ErrWebhookTLSRequired  chart 3.0.0 without Settings.WebhookTLS nor a kubeconfig
//	ErrNoKubeconfig        a hook ran without the kubeconfig (pulumi destroy without --run-program)
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
