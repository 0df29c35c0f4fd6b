package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// The plain spec types, from the Pulumi-free layer
// [github.com/fargatekit/fargatekit/sdk/eksfargate] (validation, renderers,
// the AWS SDK's Apply, Plan and Delete of the whole cluster): the same
// types, so one spec (a Go value or a -f spec file) drives either path.
type (
	// ClusterSpec describes the cluster; FargateClusterArgs embeds it.
	ClusterSpec = sdk.ClusterSpec
	// VPCSpec describes the VPC the cluster gets.
	VPCSpec = sdk.VPCSpec
	// ExistingNetwork is a VPC and subnets created elsewhere, by ID.
	ExistingNetwork = sdk.ExistingNetwork
	// SecretsEncryption is KMS envelope encryption of Kubernetes secrets.
	SecretsEncryption = sdk.SecretsEncryption
	// FargateProfile is one Fargate profile.
	FargateProfile = sdk.FargateProfile
	// Selector selects pods for a Fargate profile.
	Selector = sdk.Selector
	// Addons configures the EKS add-ons.
	Addons = sdk.Addons
	// CoreDNSConfig is the optional part of CoreDNS's add-on configuration.
	CoreDNSConfig = sdk.CoreDNSConfig
	// Resources are a container's requests and limits.
	Resources = sdk.Resources
	// ResourceList holds Kubernetes quantities.
	ResourceList = sdk.ResourceList
	// KubeconfigOptions chooses how the kubeconfig output authenticates.
	KubeconfigOptions = sdk.KubeconfigOptions
	// EndpointAccess says where the API endpoint is reachable from.
	EndpointAccess = sdk.EndpointAccess
	// ExecMode is the command the kubeconfig runs for tokens.
	ExecMode = sdk.ExecMode
	// FieldError is one problem with one field of a spec.
	FieldError = sdk.FieldError
	// Workload names a deployment rolled onto a replaced profile.
	Workload = sdk.Workload
)

// The values a ClusterSpec takes, in one place: endpoint access,
// authentication modes, kubeconfig exec commands, log types and defaults.
const (
	EndpointPublic           = sdk.EndpointPublic
	EndpointPrivate          = sdk.EndpointPrivate
	EndpointPublicAndPrivate = sdk.EndpointPublicAndPrivate

	AuthConfigMap       = sdk.AuthConfigMap
	AuthAPIAndConfigMap = sdk.AuthAPIAndConfigMap
	AuthAPI             = sdk.AuthAPI

	ExecFargatekit = sdk.ExecFargatekit
	ExecAWS        = sdk.ExecAWS

	LogAPI               = sdk.LogAPI
	LogAudit             = sdk.LogAudit
	LogAuthenticator     = sdk.LogAuthenticator
	LogControllerManager = sdk.LogControllerManager
	LogScheduler         = sdk.LogScheduler

	DefaultProfileName = sdk.DefaultProfileName
	DefaultVPCCIDR     = sdk.DefaultVPCCIDR
	DefaultAZCount     = sdk.DefaultAZCount
)

// Errors a refused spec wraps: the SDK layer's values, so errors.Is works
// with either package's names.
var (
	// ErrInvalidSpec is wrapped by every error Validate reports.
	ErrInvalidSpec = sdk.ErrInvalidSpec
	// ErrNoCoreDNSProfile: no Fargate profile selects the CoreDNS pods.
	ErrNoCoreDNSProfile = sdk.ErrNoCoreDNSProfile
)

// FargateClusterArgs configure [NewFargateCluster]: the plain [ClusterSpec]
// (everything that decides which resources exist, the same type the SDK's
// Apply takes) and the values that come from other resources as Pulumi
// inputs.
type FargateClusterArgs struct {
	ClusterSpec

	// Network is a bring-your-own network given as Pulumi inputs (an awsx
	// VPC's outputs, a stack reference). Exclusive with ClusterSpec.VPC and
	// ClusterSpec.Existing (which takes the same network by plain IDs).
	Network *NetworkArgs
	// SecretsKeyARN is an existing KMS key for secrets encryption, as an input
	// (a key made elsewhere in the program). Exclusive with
	// ClusterSpec.SecretsEncryption.
	SecretsKeyARN pulumi.StringInput

	// BusyRetry bounds the retries of operations EKS refuses with
	// ResourceInUseException while another actor holds the cluster (error
	// hooks on the cluster, the profiles and the add-ons); the zero value
	// is the defaults, Attempts -1 registers no error hook.
	BusyRetry BusyRetry

	// RollOntoReplacement are deployments (besides CoreDNS, always) moved
	// onto a changed profile's replacement before the old profile is
	// deleted (the profiles' before-delete hook; see the package
	// documentation).
	RollOntoReplacement []Workload
	// HookAWSConfig returns the AWS configuration the resource hooks call
	// AWS with (deletion protection, the sweep of a deleted cluster's load
	// balancers); nil means aws-sdk-go-v2's default chain (environment,
	// shared config and SSO, instance role) in the cluster's region: the
	// program's own credentials, which are not the Pulumi AWS provider's
	// when that is configured with other ones (a profile or assumeRole in
	// the stack's config): give them here then.
	HookAWSConfig func(ctx context.Context, region string) (aws.Config, error)
	// HookTimeout bounds each resource hook; 0 means DefaultHookTimeout.
	HookTimeout time.Duration
	// NoDeleteHooks registers no before- or after-delete hook: a plain
	// pulumi destroy then works without --run-program, but a replaced
	// profile's pods are not moved first and a deleted cluster's load
	// balancers are not swept.
	NoDeleteHooks bool
}

// NetworkArgs is an existing VPC and its subnets as Pulumi inputs. The
// subnet lists are checked (at least two private subnets, none empty) once
// their values are known. Subnets given this way are not tagged (their
// number is unknown until apply, and tag resources must be declared before);
// give them by ID in ClusterSpec.Existing with TagSubnets, or tag them where
// they are made.
type NetworkArgs struct {
	// VpcID is the VPC's ID.
	VpcID pulumi.StringInput
	// PrivateSubnetIDs are where Fargate pods run (see ExistingNetwork).
	PrivateSubnetIDs pulumi.StringArrayInput
	// PublicSubnetIDs are optional, for internet-facing load balancers.
	PublicSubnetIDs pulumi.StringArrayInput
}

// placeholderSubnets stand in for subnet IDs that are outputs, so that the
// plain rules are checked before they are known.
var placeholderSubnets = []string{"subnet-00000000", "subnet-00000001"}

// plainSpec is the ClusterSpec with the inputs' places held: what Validate
// checks before any output is known.
func (a FargateClusterArgs) plainSpec() ClusterSpec {
	s := a.ClusterSpec
	if n := a.Network; n != nil && s.Existing == nil && s.VPC == nil {
		// Per-profile subnets stand for themselves: they are checked against
		// the given list once it is known (checkSubnets).
		private := slices.Clone(placeholderSubnets)
		for _, p := range s.FargateProfiles {
			for _, id := range p.SubnetIDs {
				if id != "" && !slices.Contains(private, id) {
					private = append(private, id)
				}
			}
		}
		s.Existing = &ExistingNetwork{VpcID: "vpc-00000000", PrivateSubnetIDs: private}
	}
	if a.SecretsKeyARN != nil && s.SecretsEncryption == nil {
		s.SecretsEncryption = &SecretsEncryption{KeyARN: "arn:aws:kms:" + placeholderRegion(s.Region) + ":000000000000:key/placeholder"}
	}
	return s
}

func placeholderRegion(region string) string {
	if region == "" {
		return "us-east-1"
	}
	return region
}

// Validate reports every problem of the args at once: the spec's (see
// [ClusterSpec.Validate]) and the inputs' exclusions.
func (a FargateClusterArgs) Validate() error {
	var errs []error
	if n := a.Network; n != nil {
		if a.VPC != nil || a.Existing != nil {
			errs = append(errs, &FieldError{Field: "Network", Problem: "exclusive with VPC and Existing"})
		}
		if n.VpcID == nil {
			errs = append(errs, &FieldError{Field: "Network.VpcID", Problem: "required"})
		}
		if n.PrivateSubnetIDs == nil {
			errs = append(errs, &FieldError{Field: "Network.PrivateSubnetIDs", Problem: "required"})
		}
	}
	if a.SecretsKeyARN != nil && a.SecretsEncryption != nil {
		errs = append(errs, &FieldError{Field: "SecretsKeyARN", Problem: "exclusive with SecretsEncryption"})
	}
	errs = append(errs, a.plainSpec().Validate())
	return errors.Join(errs...)
}

// checkSubnets checks subnet IDs known only at apply time with the same rule
// as ClusterSpec.Validate.
func checkSubnets(private, public []string) error {
	s := ClusterSpec{Existing: &ExistingNetwork{VpcID: "vpc-00000000", PrivateSubnetIDs: private, PublicSubnetIDs: public}}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("eksfargate: Network: %w", err)
	}
	return nil
}

// DefaultProfile is the profile used when none are given: kube-system and
// default (see the SDK layer's DefaultProfile).
func DefaultProfile() FargateProfile { return sdk.DefaultProfile() }
