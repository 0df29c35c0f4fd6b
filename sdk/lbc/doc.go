// Package lbc installs the AWS Load Balancer Controller so that it works on
// EKS Fargate, and gives what runs behind it typed annotations and pod
// settings, in plain Go: it imports no Pulumi package. The Pulumi component,
// LBCRelease, is in github.com/fargatekit/fargatekit/lbc; it takes the same
// [ReleaseSpec] and calls the renderers here ([Values], [RenderPolicy]).
//
// On Fargate the controller cannot read instance metadata (it crash-loops
// without region and vpcId), pods need IP targets (the chart defaults to
// instance), the controller's STS calls fail until CoreDNS runs, Services
// created right after the install hit "no endpoints available for service
// aws-load-balancer-webhook-service", the chart's webhook certificate changes
// on every render, and destroying the controller before its Ingresses leaves
// load balancers that block the VPC's deletion. The package handles each:
//
//   - [Values] always sets clusterName, region and vpcId, defaultTargetType ip
//     on Fargate, and keepTLSSecret true (the certificate is reused, no diff).
//   - The Pulumi component waits for the release to be ready (the webhook
//     Service has endpoints) and depends on the cluster's Ready resources
//     (CoreDNS on Fargate); its Ready and DependsOn let your Ingresses and
//     Services be created after it and destroyed before it.
//   - [Teardown] deletes the Ingresses and Services the controller manages and
//     waits for their finalizers before uninstalling it.
//
// # Versions
//
// [Releases] is the version table: controller version, eks-charts chart
// version and IAM policy, v2.13.0 through v3.5.0 ([DefaultVersion]). Chart
// 1.MINOR.PATCH installs v2.MINOR.PATCH; from 3.0.0 the chart version equals
// the controller version. The pairs were checked against public records:
// the eks-charts index.yaml for 1.13.0-1.13.4; the eks-charts "Helm chart
// version 1.15.0 release" issue for v2.15.0; Helm release listings and chart
// archives naming both versions for 1.14.0, 1.14.1, 1.17.0, 1.17.1, 3.1.0,
// 3.2.1, 3.2.2, 3.4.0, 3.4.1, 3.4.2 and 3.5.0; the controller's "cut v3.0.0
// release, also bump helm version to 3.0.0" change for 3.0.0; and, for v3.3.0
// and v3.4.3 (whose images and release changes are published), the
// chart-equals-controller rule from 3.0.0. Releases not confirmed (v2.16.x,
// v3.2.0) are not in the table: pass your own policy ([PolicySpec].Custom,
// [ReleaseSpec].PolicyJSON) and chart version to use them.
//
// The official IAM policy is unchanged from v2.13.0 to v3.5.0, so one embedded
// document (policy/iam_policy_v2.13.0-v3.5.0.json, equivalent to the official
// iam_policy.json, proven by test) serves every row. [IAMPolicy] renders it
// for a partition (aws, aws-cn, aws-us-gov: "arn:aws:" ARNs become
// "arn:<partition>:"; the elasticloadbalancing.amazonaws.com service name
// stays). [Scope] narrows it to the cluster's region and VPC; its
// documentation lists exactly what it narrows and what it cannot.
//
// # Annotations and pods
//
// [IngressAnnotations] and [ServiceAnnotations] (which share the settings of
// [LoadBalancer]) build the controller's
// alb.ingress.kubernetes.io/* and service.beta.kubernetes.io/aws-load-balancer-*
// annotations from typed fields; a refused value is an [*AnnotationError]
// naming the annotation, and instance targets on Fargate wrap
// [ErrInstanceOnFargate]. Label namespaces with [NamespaceLabels] for pod
// readiness gates, and give pods the preStop sleep and grace period
// [Termination] derives from the deregistration delay, so rolling updates and
// scale-ins drop no requests.
//
// # SDK
//
// Without Pulumi: [CheckSubnets] classifies a VPC's subnets as public or
// private from their route tables and reports the load-balancer discovery tags
// each lacks; [Install], [Upgrade] and [Uninstall] drive the Helm Go SDK from
// the eks-charts repository or a local chart against a *rest.Config
// ([NewRESTClientGetter] adapts one for Helm); [Teardown] removes what the
// controller manages, then the controller.
package lbc
