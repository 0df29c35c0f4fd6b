// Package clusterref defines the view of an EKS cluster that the irsa, lbc
// and authmap components accept: [Cluster], a plain struct of Pulumi inputs,
// and [ClusterRef], anything that can describe itself as one.
// eksfargate.FargateCluster is a ClusterRef, the adapter in
// eksfargate/pulumieks makes a pulumi-eks cluster one, and a Cluster literal
// describes any other cluster (another stack's, eksctl's, a test's).
//
// It is a leaf package so that eksfargate can build on irsa (for its OIDC
// provider) while irsa, lbc and authmap accept clusters without importing
// eksfargate.
package clusterref

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ClusterRef is anything that describes a cluster to fargatekit's add-on
// components.
type ClusterRef interface {
	// Ref returns the cluster's description.
	Ref() Cluster
}

// Cluster is what fargatekit's add-on components need to know about a
// cluster. Values that decide which resources exist are plain Go; values that
// come from other resources are inputs (a nil one reads as "").
type Cluster struct {
	// Name is the EKS cluster's name.
	Name pulumi.StringInput
	// Region is the cluster's AWS region.
	Region pulumi.StringInput
	// VpcID is the ID of the cluster's VPC.
	VpcID pulumi.StringInput
	// OIDCProviderARN is the ARN of the cluster's IAM OIDC provider (for IRSA).
	OIDCProviderARN pulumi.StringInput
	// OIDCIssuerURL is the cluster's OIDC issuer, https://oidc.eks.<region>.<suffix>/id/<ID>.
	OIDCIssuerURL pulumi.StringInput
	// PodExecutionRoleARN is the Fargate pod-execution role; nil or "" when
	// the cluster has no Fargate profiles.
	PodExecutionRoleARN pulumi.StringInput
	// KubernetesProvider is the provider that children targeting the cluster use.
	KubernetesProvider pulumi.ProviderResource
	// FargateOnly reports whether every workload runs on Fargate (no node
	// groups): IP targets are then mandatory and EKS Pod Identity unavailable.
	FargateOnly bool
	// HasFargateProfiles reports whether the cluster has Fargate profiles,
	// whose pod-execution role must stay mapped in aws-auth.
	HasFargateProfiles bool
	// AuthenticationMode is CONFIG_MAP, API_AND_CONFIG_MAP or API; ""
	// means API_AND_CONFIG_MAP.
	AuthenticationMode string
	// Kubeconfig is a kubeconfig of the cluster (often a secret output); nil
	// when unknown. Components that act on the cluster from resource hooks
	// use it (lbc's teardown before the controller is deleted).
	Kubeconfig pulumi.StringInput
	// FargateProfiles are the selectors of the cluster's Fargate profiles,
	// known before deployment; nil when unknown (checks that need them are
	// skipped). lbc checks that one selects the controller's pods.
	FargateProfiles []FargateProfile
	// Ready lists the resources that must exist before workloads can run on
	// the cluster (for a Fargate cluster: CoreDNS on Fargate); add-ons
	// depend on them. Concrete resources, never a component: the Go SDK
	// expands a dependency on a component only into the children it has
	// registered so far.
	Ready []pulumi.Resource
}

// FargateProfile is a Fargate profile's name and pod selectors.
type FargateProfile struct {
	// Name is the profile's name.
	Name string
	// Selectors are the profile's pod selectors.
	Selectors []FargateSelector
}

// FargateSelector selects the pods of Namespace whose labels include all of
// Labels; both may use the wildcards '*' and '?'.
type FargateSelector struct {
	// Namespace is the selected namespace (pattern).
	Namespace string
	// Labels are the labels a pod must have (patterns), if any.
	Labels map[string]string
}

// Ref implements ClusterRef: a Cluster describes itself.
func (c Cluster) Ref() Cluster { return c }

var _ ClusterRef = Cluster{}

// String returns in as an output, "" when in is nil: how the components read
// a Cluster's optional inputs.
func String(in pulumi.StringInput) pulumi.StringOutput {
	if in == nil {
		return pulumi.String("").ToStringOutput()
	}
	return in.ToStringOutput()
}

// Mode returns the cluster's authentication mode, defaulting "" to
// API_AND_CONFIG_MAP.
func (c Cluster) Mode() string {
	if c.AuthenticationMode == "" {
		return "API_AND_CONFIG_MAP"
	}
	return c.AuthenticationMode
}
