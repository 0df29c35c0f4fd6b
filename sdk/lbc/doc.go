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
//
// # Gateway API
//
// [GatewayCRDs] returns the standard-channel Gateway API CRDs of the
// sigs.k8s.io/gateway-api module ([GatewayAPIBundleVersion], embedded and
// checked byte for byte against the module) when the controller version is
// built for that Gateway API: [GatewayAPIRequirements] pairs controller
// versions with the Gateway API they need, each with its source (v3.5.0:
// v1.6, whose standard channel serves the L4 routes in v1 only). The
// controller's own gateway.k8s.aws CRDs (LoadBalancerConfiguration,
// TargetGroupConfiguration, ListenerRuleConfiguration) ship in its chart's
// crds/ from chart 1.13.4 on, so [ChartCRDs] and Install/Upgrade bring them.
// [ApplyGatewayAPI] applies a [GatewayAPISpec]: the CRDs through [ApplyCRDs],
// then the GatewayClasses ([GatewayControllerALB], [GatewayControllerNLB]).
// The typed builders ([LoadBalancerConfigurationSpec],
// [TargetGroupConfigurationSpec], [ListenerRuleConfigurationSpec]) and the
// Gateway and HTTPRoute helpers ([Gateway], [HTTPRoute], on the gateway-api Go
// types) validate before rendering; the tests apply their output to a real
// API server. The controller's feature gates are typed ([FeatureGateSettings],
// rendered as controllerConfig.featureGates and checked against what each
// chart documents), and its optional IAM policies ([AdditionalPolicyDocument]:
// Global Accelerator, ACM certificates) are pinned to the official documents.
//
// Rules AWS enforces only at deploy time, checked by the builders before
// apply (the CRD schemas accept these values; each refusal is a
// [*GatewayConfigError] naming the field):
//
//   - load balancer name: at most 32 letters, digits and hyphens, not starting
//     or ending with a hyphen nor with "internal-" (API_CreateLoadBalancer,
//     https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html);
//   - target group name (same characters, 32 at most), health-check interval
//     5-300 s, timeout 2-120 s, thresholds 2-10 (API_CreateTargetGroup,
//     https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html),
//     and a timeout below the interval;
//   - deregistration_delay.timeout_seconds 0-3600 (API_TargetGroupAttribute,
//     https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html);
//   - ip targets on Fargate: pods there have no EC2 node to register
//     (https://docs.aws.amazon.com/eks/latest/userguide/alb-ingress.html), so
//     instance targets wrap [ErrInstanceOnFargate];
//   - fixed-response body at most 1024 characters
//     (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_FixedResponseActionConfig.html);
//     OIDC endpoints full https:// URLs
//     (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateOidcActionConfig.html);
//   - tags: keys at most 128 characters, values 256, no aws: prefix
//     (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Tag.html);
//   - Global Accelerator has no Region in aws-cn or aws-us-gov
//     (https://docs.aws.amazon.com/global-accelerator/latest/dg/preserve-client-ip-address.regions.html):
//     its policy wraps [ErrUnavailableInPartition] there.
package lbc
