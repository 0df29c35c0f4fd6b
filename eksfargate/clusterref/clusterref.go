// Package clusterref defines ClusterRef, the view of an EKS cluster that the
// irsa, lbc and authmap components accept. eksfargate.FargateCluster satisfies
// it, the adapter in eksfargate/pulumieks makes a pulumi-eks cluster satisfy it,
// and [Static] wraps the outputs of any other cluster (or of a test).
//
// It is a leaf package so that eksfargate can build on irsa (for its OIDC
// provider) while irsa, lbc and authmap accept clusters without importing
// eksfargate.
package clusterref

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Authentication modes of an EKS cluster (the accessConfig.authenticationMode values).
const (
	AuthConfigMap       = "CONFIG_MAP"
	AuthAPIAndConfigMap = "API_AND_CONFIG_MAP"
	AuthAPI             = "API"
)

// ClusterRef is what fargatekit's add-on components need to know about a cluster.
// Values that decide which resources exist are plain Go; values that come from
// other resources are outputs.
type ClusterRef interface {
	// ClusterName is the EKS cluster's name.
	ClusterName() pulumi.StringOutput
	// Region is the cluster's AWS region.
	Region() pulumi.StringOutput
	// VpcID is the ID of the cluster's VPC.
	VpcID() pulumi.StringOutput
	// OIDCProviderARN is the ARN of the cluster's IAM OIDC provider (for IRSA).
	OIDCProviderARN() pulumi.StringOutput
	// OIDCIssuerURL is the cluster's OIDC issuer, https://oidc.eks.<region>.<suffix>/id/<ID>.
	OIDCIssuerURL() pulumi.StringOutput
	// PodExecutionRoleARN is the Fargate pod-execution role; "" when the cluster has no Fargate profiles.
	PodExecutionRoleARN() pulumi.StringOutput
	// KubernetesProvider is the provider that children targeting the cluster use.
	KubernetesProvider() pulumi.ProviderResource
	// FargateOnly reports whether every workload runs on Fargate (no node groups):
	// IP targets are then mandatory and EKS Pod Identity is unavailable.
	FargateOnly() bool
	// HasFargateProfiles reports whether the cluster has Fargate profiles, whose
	// pod-execution role must stay mapped in aws-auth.
	HasFargateProfiles() bool
	// AuthenticationMode is CONFIG_MAP, API_AND_CONFIG_MAP or API.
	AuthenticationMode() string
	// Ready lists the resources that must exist before workloads can run on the
	// cluster (for a Fargate cluster: CoreDNS on Fargate); add-ons depend on them.
	Ready() []pulumi.Resource
}

// Static is a ClusterRef made of values the caller already has, for clusters
// created elsewhere (another stack, eksctl, the console) and for tests.
type Static struct {
	// Name, RegionName, Vpc, OIDCProvider, OIDCIssuer and PodExecutionRole are
	// what ClusterName, Region, VpcID, OIDCProviderARN, OIDCIssuerURL and
	// PodExecutionRoleARN return; a nil one returns "".
	Name, RegionName, Vpc, OIDCProvider, OIDCIssuer, PodExecutionRole pulumi.StringInput
	// Provider is the cluster's Kubernetes provider (KubernetesProvider).
	Provider pulumi.ProviderResource
	// Fargate is FargateOnly; Profiles is HasFargateProfiles.
	Fargate, Profiles bool
	// AuthMode defaults to API_AND_CONFIG_MAP.
	AuthMode string
	// ReadyResources are returned by Ready.
	ReadyResources []pulumi.Resource
}

func str(s pulumi.StringInput) pulumi.StringOutput {
	if s == nil {
		return pulumi.String("").ToStringOutput()
	}
	return s.ToStringOutput()
}

// ClusterName implements ClusterRef.
func (s Static) ClusterName() pulumi.StringOutput { return str(s.Name) }

// Region implements ClusterRef.
func (s Static) Region() pulumi.StringOutput { return str(s.RegionName) }

// VpcID implements ClusterRef.
func (s Static) VpcID() pulumi.StringOutput { return str(s.Vpc) }

// OIDCProviderARN implements ClusterRef.
func (s Static) OIDCProviderARN() pulumi.StringOutput { return str(s.OIDCProvider) }

// OIDCIssuerURL implements ClusterRef.
func (s Static) OIDCIssuerURL() pulumi.StringOutput { return str(s.OIDCIssuer) }

// PodExecutionRoleARN implements ClusterRef.
func (s Static) PodExecutionRoleARN() pulumi.StringOutput { return str(s.PodExecutionRole) }

// KubernetesProvider implements ClusterRef.
func (s Static) KubernetesProvider() pulumi.ProviderResource { return s.Provider }

// FargateOnly implements ClusterRef.
func (s Static) FargateOnly() bool { return s.Fargate }

// HasFargateProfiles implements ClusterRef.
func (s Static) HasFargateProfiles() bool { return s.Profiles }

// AuthenticationMode implements ClusterRef.
func (s Static) AuthenticationMode() string {
	if s.AuthMode == "" {
		return AuthAPIAndConfigMap
	}
	return s.AuthMode
}

// Ready implements ClusterRef.
func (s Static) Ready() []pulumi.Resource { return s.ReadyResources }

var _ ClusterRef = Static{}
