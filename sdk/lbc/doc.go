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
// version, IAM policy and whether the chart can keep its webhook
// certificate, for every published chart from 1.13.0 (v2.13.0) to 3.5.0
// ([DefaultVersion]), 1.16.0 (v2.16.0) and 3.2.0 (v3.2.0) included: 22 rows.
// Chart 1.MINOR.PATCH installs v2.MINOR.PATCH; from 3.0.0 the chart version
// equals the controller version. Each pair is checked against the archive
// itself (its Chart.yaml appVersion) by the real-chart tests, which also
// install every row on a real API server. Other versions work with your own
// policy ([PolicySpec].Custom, [ReleaseSpec].PolicyJSON) and chart version.
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
