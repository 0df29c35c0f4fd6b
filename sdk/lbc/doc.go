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
//     on Fargate, and keepTLSSecret true (the certificate is reused, no diff)
//     on every chart that has it: all but 3.0.0. For 3.0.0 the helm
//     package's Install and Upgrade, and the Pulumi component given the
//     cluster's kubeconfig, pass the installed certificate as webhookTLS
//     ([EnsureWebhookCertificate]); the component without a kubeconfig
//     refuses 3.0.0 unless Settings.WebhookTLS is set ([ErrWebhookTLSRequired]).
//   - The Pulumi component waits for the release to be ready (the webhook
//     Service has endpoints) and depends on the cluster's Ready resources
//     (CoreDNS on Fargate); its Ready and DependsOn let your Ingresses and
//     Services be created after it and destroyed before it.
//   - [Teardown] deletes the Ingresses and Services the controller manages and
//     waits for their finalizers before uninstalling it; [Sweep] finds (and
//     deletes) the load balancers and target groups left tagged for the
//     cluster when that did not happen.
//   - [CheckFargateProfiles] and [CheckFargate] refuse a Fargate-only cluster
//     where no profile selects the controller's pods.
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
// put every row on a real API server: one release installed at the oldest
// row and upgraded through all 22 with the helm package's Upgrade, checking
// at each step the controller's args (cluster, region, VPC, ip targets),
// that the server's CRDs are exactly that chart's, and that the webhook
// certificate has not changed. Each archive is pinned by its digest
// ([Release].Digest). Other versions work with your own
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
// # Termination: one deregistration delay
//
// When a pod behind a load balancer stops, the controller deregisters it
// (after the endpoint change reaches it) and the target group drains it for
// the deregistration delay (deregistration_delay.timeout_seconds): the load
// balancer sends it no new request but lets in-flight ones finish. A pod that
// exits before that cuts those requests (502/504). [Termination] therefore
// gives pods a preStop sleep of the propagation time plus the delay and a
// grace period of that plus the application's shutdown. Both sides must use
// the same delay, and Elastic Load Balancing's default is 300 s
// ([AWSDeregistrationDelay]), which makes every rolling update, scale-in and
// destroy wait five minutes per pod (and Fargate bills the terminating
// pods). So fargatekit has one setting: [LoadBalancer].DeregistrationDelay,
// nil meaning [DefaultDeregistrationDelay] (30 s, long enough for ordinary
// HTTP requests; raise it for long uploads, streams or websockets). The
// annotation builders always write it as the target-group attribute (a
// different value in TargetGroupAttributes is refused,
// [ErrDeregistrationDelayMismatch]), [LoadBalancer.Termination] derives the
// pods' settings from it, and [EffectiveDeregistrationDelay] gives it to
// other builders (the Gateway API TargetGroupConfiguration). The defaults
// cost 45 s of preStop sleep and a 56 s grace period, not 5 minutes.
//
// # The service-mutator webhook
//
// With enableServiceMutatorWebhook (on by default, [Values] writes it
// explicitly) the chart registers the mutating webhook
// [ServiceMutatorWebhookName] for the CREATE of every Service (except the
// controller's own), setting spec.loadBalancerClass on those of type
// LoadBalancer. Its failurePolicy is Fail in every chart of the version table
// (values serviceMutatorWebhookConfig.failurePolicy): while the controller
// does not serve (pods Pending on a cluster without a matching Fargate
// profile, an upgrade in progress, the controller uninstalled with the
// webhook configuration left), the API server refuses every new Service in
// the namespaces it selects, of any type, with "failed calling webhook
// mservice.elbv2.k8s.aws: no endpoints available for service
// aws-load-balancer-webhook-service". Existing Services are not affected
// (UPDATE is not selected). fargatekit therefore waits for the controller
// before anything creates Services through it: the Pulumi component's
// Ready is the release, which Pulumi awaits until the Deployment is
// available and whose N-webhook-ready hook (AfterCreate and AfterUpdate,
// with the cluster's kubeconfig) then runs [WaitForWebhook]; the
// examples create their Services after Ready; the helm package's Install and Upgrade with Wait end with
// [WaitForWebhook] (the webhook Service has a ready endpoint, with
// progress). Setting DisableServiceMutatorWebhook removes the webhook (and
// the controller no longer becomes the default for Services of type
// LoadBalancer: use the Service annotations).
//
// # Subnet discovery
//
// [CheckSubnets] predicts the subnets the controller picks for its load
// balancers, following pkg/networking/subnet_resolver.go (ResolveViaDiscovery,
// v2.12.1 and later, the rules of every version in the table) and the
// controller's docs/deploy/subnet_discovery.md:
//
//	rule                                                                 source (subnet_resolver.go)
//	candidates: the VPC's subnets tagged kubernetes.io/role/elb          ResolveViaDiscovery, listSubnetsByTagFilters
//	  (internet-facing) or kubernetes.io/role/internal-elb (internal),
//	  value "" or "1"
//	no subnet has the role tag: the subnets whose reachability matches   listSubnetsByReachability (feature gate
//	  the scheme; public = its route table (explicit, else the VPC's       SubnetDiscoveryByReachability, on by default)
//	  main one) has a route whose gateway ID starts with "igw"           isSubnetContainsRouteToIGW
//	the kubernetes.io/cluster/<name> tag is not required; a subnet        isSubnetContainsEligibleClusterTag (feature gate
//	  tagged for other clusters and not for this one is skipped            SubnetsClusterTagCheck, on by default)
//	fewer than 8 free IP addresses: skipped                               isSubnetContainsSufficientIPAddresses
//	one subnet per Availability Zone: the one tagged for this cluster,    chooseSubnetsPerAZ
//	  then the lowest subnet ID
//	an ALB needs subnets in 2 zones (1 with the ALBSingleSubnet gate),    computeSubnetsMinimalCount
//	  an NLB 1
//
// Local Zone, Wavelength and Outpost subnets (the controller refuses a mix
// of locales) are not distinguished. With [ForCluster] the cluster tags are
// evaluated as the controller does; without it they are not. Problems
// reports a scheme whose chosen subnets cover fewer than two zones (naming
// the skipped candidates and the untagged subnets that would qualify) and
// role tags that contradict the route table.
//
// # Images
//
// The controller image comes from ECR Public (public.ecr.aws, the chart's
// default) in the aws partition and from the region's Amazon EKS registry in
// aws-cn and aws-us-gov ([ImageSourceFor], [ImageRepository]; the registry
// table and its sources are in images.go). ECR Public does not serve the
// China regions: choosing it there is refused ([ErrImageUnreachable]).
//
// # CRDs
//
// Helm installs a chart's crds/ on the first install only and never
// upgrades them. The helm package's Install and Upgrade server-side apply
// them first ([ApplyCRDs]), and the Pulumi component registers them as
// children; both read them with [SourceCRDs] (no Helm: [ChartArchive]
// fetches a repository's archive through its index.yaml, checks its digest
// and caches it; [ReadChartFiles] and [CRDsOfFiles] read it). The eks-charts archive of the default version
// is embedded ([EmbeddedChart], byte for byte eks-charts' own), so the
// default install loads its chart, and the component its CRDs, without a
// download.
//
// # Rules checked before apply
//
//	rule                                                              error                          source
//	a Fargate-only cluster's profiles select the controller's pods    ErrNoFargateProfile            EKS User Guide, "Fargate profile" (pods no profile selects stay Pending)
//	ECR Public is not used in the China regions                       ErrImageUnreachable            EKS User Guide (China), "Install AWS Load Balancer Controller with Helm"
//	the deregistration delay is whole seconds in 0..3600              ErrInvalidSpec                 ELB API reference, TargetGroupAttribute deregistration_delay.timeout_seconds
//	instance targets are impossible on Fargate                        ErrInstanceOnFargate           EKS User Guide, "Fargate considerations"
//
// # Errors
//
// Every sentinel of the package, for errors.Is (kept in step with the code
// by test):
//
//	ErrInvalidSpec                  a spec refused by Validate or Resolve (wrapped by every other validation error)
//	ErrUnknownVersion               a controller version outside the table without PolicyJSON and ChartVersion
//	ErrInvalidVersion               a version that is not vMAJOR.MINOR.PATCH
//	ErrInvalidAnnotation            a refused annotation value (every *AnnotationError)
//	ErrInstanceOnFargate            instance targets asked for on Fargate
//	ErrDeregistrationDelayMismatch  a pod termination derived from another delay than its load balancer's
//	ErrNoFargateProfile             no Fargate profile selects the controller's pods
//	ErrImageUnreachable             an image source the region cannot pull from (ECR Public in China)
//	ErrUnknownFeatureGate           a feature gate the version's chart does not document
//	ErrUnavailableInPartition       an optional policy whose service the partition lacks
//	ErrGatewayAPIVersion            Gateway API CRDs not built for the controller version
//	ErrInvalidGatewayConfig         a refused gateway configuration field (every *GatewayConfigError)
//	ErrWebhookTLSRequired           chart 3.0.0 with no certificate to keep (Pulumi component)
//	ErrChart                        reading, fetching or downloading a chart
//	ErrCRDs                         parsing or applying CRDs
//	ErrWebhookNotServing            the webhook Service has no ready endpoint when the wait ends
//	ErrTeardownIncomplete           managed objects still carry finalizers when Teardown's context ends
//	ErrManagedObjectsRemain         managed objects created during a cluster-wide Teardown: not uninstalling
//	ErrUninstall                    Uninstall failed
//	ErrSweepIncomplete              tagged load balancers or target groups remain after Sweep with Delete
//
// # SDK
//
// Without Pulumi: [CheckSubnets] runs the controller's subnet discovery over
// a VPC's subnets and route tables; [Uninstall] removes a Helm release
// without Helm (its record's manifest, webhook configurations first, then
// Helm's order; refused for a release with delete hooks, which the
// controller's charts do not have); [WaitForWebhook] waits until the
// webhook serves; [CheckFargate] checks the
// cluster's Fargate profiles through EKS; [Teardown] removes what the
// controller manages, then, run over the whole cluster, the controller (a
// run scoped to namespaces never uninstalls it); [Sweep] reports (and deletes) the
// load balancers and target groups still tagged for the cluster.
//
// # Helm, in its own package
//
// Installing and upgrading render the chart with Helm
// (github.com/fargatekit/fargatekit/sdk/lbc/helm: Install, Upgrade,
// Template, Status, LoadChart). Helm links text/template, sprig, JSON
// schema validation and OCI registries: about 350 packages, 120 MB of
// binary and 90 ms of package initialisation. This package does not import
// it, so a tool that only tears down, checks subnets or renders values (the
// fargatekit CLI among them, which kubectl runs on every call as its token
// plugin) links none of it.
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
// crds/ from chart 1.13.4 on, so [SourceCRDs] and Install/Upgrade bring them.
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
