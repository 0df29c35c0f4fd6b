package lbc

import (
	"errors"
	"fmt"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// The controller's Kubernetes identity, as fargatekit installs it.
const (
	// DefaultNamespace is where the controller runs.
	DefaultNamespace = "kube-system"
	// DefaultServiceAccount is the controller's ServiceAccount name.
	DefaultServiceAccount = "aws-load-balancer-controller"
	// ReleaseName is the controller's Helm release name (its objects are named after it).
	ReleaseName = "aws-load-balancer-controller"
	// DefaultReplicas is the controller's replica count (one leader, one standby).
	DefaultReplicas = 2
)

// TargetType is how a load balancer reaches pods: by pod IP or by node port.
type TargetType string

const (
	// TargetIP registers pod IPs; the only type that works on Fargate.
	TargetIP TargetType = "ip"
	// TargetInstance registers nodes on a NodePort; impossible on Fargate (no nodes).
	TargetInstance TargetType = "instance"
)

// ErrInstanceOnFargate is wrapped when instance targets are asked for on
// Fargate, where pods have no nodes to register.
var ErrInstanceOnFargate = errors.New("lbc: target type instance is impossible on Fargate (pods have no EC2 node to register); use ip")

// Settings are the controller choices shared by the Helm values renderer and
// the Pulumi component.
type Settings struct {
	// Version is the controller version ("" means DefaultVersion); it also is
	// the image tag unless ImageTag is set.
	Version string
	// Fargate makes ip the default target type and refuses instance.
	Fargate bool
	// ServiceAccountName, when set, is a ServiceAccount someone else owns (the
	// component's IRSA ServiceAccount): the chart gets serviceAccount.create=false
	// and this name. When empty the chart creates its own ServiceAccount,
	// annotated with ServiceAccountRoleARN when that is set.
	ServiceAccountName string
	// ServiceAccountRoleARN is the IAM role the chart-created ServiceAccount
	// assumes (eks.amazonaws.com/role-arn); only without ServiceAccountName.
	ServiceAccountRoleARN string
	// Replicas is the controller's replica count; 0 means DefaultReplicas.
	Replicas int
	// PDBMaxUnavailable is the PodDisruptionBudget's maxUnavailable when there
	// is more than one replica; 0 means 1.
	PDBMaxUnavailable int
	// DisableServiceMutatorWebhook turns off the webhook that makes the
	// controller the default for every new Service of type LoadBalancer.
	DisableServiceMutatorWebhook bool
	// DefaultTargetType is the default of the target-type annotations; "" means
	// ip on Fargate and the chart's default elsewhere.
	DefaultTargetType TargetType
	// Image is where the image comes from; "" means the partition's default
	// (ImageSourceFor: ECR Public in aws, the regional registry in aws-cn
	// and aws-us-gov).
	Image ImageSource
	// ImageRepository overrides Image with a repository of your own (a mirror).
	ImageRepository string
	// ImageTag overrides the image tag (default: the controller version).
	ImageTag string
	// DefaultTags are tags the controller puts on every AWS resource it creates.
	DefaultTags map[string]string
	// WebhookTLS, when set, is the webhook certificate the chart uses
	// (webhookTLS values) instead of one it generates: the way to keep the
	// certificate on charts without keepTLSSecret (3.0.0). The SDK's Install
	// and Upgrade set it themselves (see EnsureWebhookCertificate).
	WebhookTLS *WebhookCertificate
	// FeatureGates are the controller's feature gates set explicitly
	// (controllerConfig.featureGates); the others keep their defaults.
	FeatureGates FeatureGateSettings
	// ExtraValues are further chart values, deep-merged over the rendered ones last.
	ExtraValues map[string]any
}

// ValuesSpec is everything the Helm values renderer needs.
type ValuesSpec struct {
	// ClusterName, Region and VpcID are always set in the values: on Fargate
	// the controller cannot read them from instance metadata.
	ClusterName, Region, VpcID string
	Settings
}

// Validate reports every problem of the settings at once.
func (s Settings) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidSpec}, a...)...))
	}
	if s.Version != "" {
		if _, err := ParseVersion(s.Version); err != nil {
			errs = append(errs, err)
		}
	}
	if s.ServiceAccountName != "" && !validSubdomain(s.ServiceAccountName) {
		bad("service account name %q is not a DNS subdomain", s.ServiceAccountName)
	}
	if s.ServiceAccountRoleARN != "" {
		if s.ServiceAccountName != "" {
			bad("service account role ARN is for the chart's own ServiceAccount; the ServiceAccount %q is annotated by its owner", s.ServiceAccountName)
		}
		if _, err := partition.ParseARN(s.ServiceAccountRoleARN, "iam", "role/"); err != nil {
			bad("service account role ARN: %v", err)
		}
	}
	if s.Replicas < 0 {
		bad("replicas %d is negative", s.Replicas)
	}
	if s.PDBMaxUnavailable < 0 || (s.PDBMaxUnavailable > 0 && s.PDBMaxUnavailable >= s.replicas()) {
		bad("PDB maxUnavailable %d must be between 1 and replicas-1 (%d)", s.PDBMaxUnavailable, s.replicas()-1)
	}
	switch s.DefaultTargetType {
	case "", TargetIP:
	case TargetInstance:
		if s.Fargate {
			errs = append(errs, fmt.Errorf("%w: defaultTargetType: %w", ErrInvalidSpec, ErrInstanceOnFargate))
		}
	default:
		bad("defaultTargetType %q is neither ip nor instance", s.DefaultTargetType)
	}
	switch s.Image {
	case "", ImagePublic:
	case ImageRegional:
		if s.ImageRepository != "" {
			bad("image repository %q and the regional image source exclude each other", s.ImageRepository)
		}
	default:
		bad("image source %q is neither public nor regional", s.Image)
	}
	if s.WebhookTLS != nil {
		if err := s.WebhookTLS.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	for k := range s.DefaultTags {
		if k == "" {
			bad("default tag with an empty key")
		}
	}
	if err := s.FeatureGates.Validate(s.Version); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (s Settings) replicas() int {
	if s.Replicas == 0 {
		return DefaultReplicas
	}
	return s.Replicas
}

// Validate reports every problem of the spec at once.
func (s ValuesSpec) Validate() error {
	var errs []error
	if !validClusterName(s.ClusterName) {
		errs = append(errs, fmt.Errorf("%w: cluster name %q (1-100 letters, digits, - and _, starting alphanumeric)", ErrInvalidSpec, s.ClusterName))
	}
	if _, err := partition.ForRegion(s.Region); err != nil {
		errs = append(errs, fmt.Errorf("%w: region: %v", ErrInvalidSpec, err))
	} else if s.ImageRepository == "" {
		if _, err := ImageRepository(s.Image, s.Region); err != nil {
			errs = append(errs, err)
		}
	}
	if !ValidVpcID(s.VpcID) {
		errs = append(errs, fmt.Errorf("%w: VPC ID %q", ErrInvalidSpec, s.VpcID))
	}
	if err := s.Settings.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
