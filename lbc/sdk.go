package lbc

import sdk "github.com/fargatekit/fargatekit/sdk/lbc"

// The plain types and values LBCReleaseArgs uses, from the Pulumi-free layer
// [github.com/fargatekit/fargatekit/sdk/lbc] (the version table, the IAM
// policy and Helm values renderers, typed annotations, Helm install and
// teardown): the same types, so a spec written for one installs the same
// controller through the other.
type (
	// ReleaseSpec is the plain description of one installation.
	ReleaseSpec = sdk.ReleaseSpec
	// Settings are the controller choices (version, replicas, image, ...).
	Settings = sdk.Settings
	// TargetType is how a load balancer reaches pods (ip on Fargate).
	TargetType = sdk.TargetType
	// ImageSource says where the controller image comes from.
	ImageSource = sdk.ImageSource
	// WebhookCertificate is the webhook server's certificate (Settings.WebhookTLS).
	WebhookCertificate = sdk.WebhookCertificate
	// GatewayAPISpec turns on the Gateway API (LBCReleaseArgs.GatewayAPI).
	GatewayAPISpec = sdk.GatewayAPISpec
	// GatewayClassSpec is one GatewayClass of the controller.
	GatewayClassSpec = sdk.GatewayClassSpec
	// GatewayControllerName is a GatewayClass's controller (ALBGateway, NLBGateway).
	GatewayControllerName = sdk.GatewayControllerName
	// FeatureGate is one of the controller's feature gates.
	FeatureGate = sdk.FeatureGate
	// FeatureGateSettings are feature gates set explicitly (Settings.FeatureGates).
	FeatureGateSettings = sdk.FeatureGateSettings
	// AdditionalPolicy is an optional IAM policy (ReleaseSpec.AdditionalPolicies).
	AdditionalPolicy = sdk.AdditionalPolicy
)

// Optional policies and gateway controllers (see the SDK layer).
const (
	PolicyGlobalAccelerator     = sdk.PolicyGlobalAccelerator
	PolicyCertificateManagement = sdk.PolicyCertificateManagement
	ALBGateway                  = sdk.ALBGateway
	NLBGateway                  = sdk.NLBGateway
)

// Target types and image sources (see the SDK layer for their meaning).
const (
	TargetIP       = sdk.TargetIP
	TargetInstance = sdk.TargetInstance
	ImagePublic    = sdk.ImagePublic
	ImageRegional  = sdk.ImageRegional
)

// Names and defaults of the installation.
const (
	// DefaultVersion is the controller version installed when Settings.Version is empty.
	DefaultVersion = sdk.DefaultVersion
	// DefaultNamespace is where the controller runs.
	DefaultNamespace = sdk.DefaultNamespace
	// DefaultServiceAccount is the controller's ServiceAccount name.
	DefaultServiceAccount = sdk.DefaultServiceAccount
	// DefaultTimeout is how long the Helm release may take to become ready.
	DefaultTimeout = sdk.DefaultTimeout
	// ReleaseName is the Helm release name.
	ReleaseName = sdk.ReleaseName
	// ChartName and ChartRepo locate the chart in eks-charts.
	ChartName = sdk.ChartName
	ChartRepo = sdk.ChartRepo
)

// Errors a refused spec wraps: the SDK layer's values, so errors.Is works
// with either package's names.
var (
	// ErrInvalidSpec is wrapped by every validation error.
	ErrInvalidSpec = sdk.ErrInvalidSpec
	// ErrInstanceOnFargate: instance targets asked for on Fargate.
	ErrInstanceOnFargate = sdk.ErrInstanceOnFargate
	// ErrUnknownVersion: a controller version outside the table without PolicyJSON and ChartVersion.
	ErrUnknownVersion = sdk.ErrUnknownVersion
	// ErrNoFargateProfile: on a Fargate-only cluster, no profile selects the controller's pods.
	ErrNoFargateProfile = sdk.ErrNoFargateProfile
	// ErrWebhookTLSRequired: a chart that cannot keep its webhook certificate (3.0.0)
	// without Settings.WebhookTLS nor a kubeconfig to read the installed one with.
	ErrWebhookTLSRequired = sdk.ErrWebhookTLSRequired
)
