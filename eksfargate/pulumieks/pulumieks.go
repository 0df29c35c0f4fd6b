// Package pulumieks makes a cluster created with pulumi-eks
// (github.com/pulumi/pulumi-eks/sdk/v2/go/eks, eks.Cluster) usable where
// fargatekit wants a [clusterref.ClusterRef], so that pulumi-eks users can add
// fargatekit's IRSA roles, AWS Load Balancer Controller and aws-auth mappings
// on top of the cluster they already have.
//
// What the cluster's outputs say (name, region, VPC, OIDC provider and issuer,
// pod-execution role) is read from them; what they cannot say as plain Go
// values (whether the cluster is Fargate-only, its authentication mode) comes
// from [Options], most simply [OptionsFromArgs] over the same eks.ClusterArgs
// the cluster was created with.
//
// The pulumi-eks cluster must have an IAM OIDC provider (createOidcProvider:
// true) for IRSA; without one OIDCProviderARN resolves to "".
package pulumieks

import (
	"errors"
	"fmt"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// ErrInvalidOptions is wrapped by every error New returns for its arguments.
var ErrInvalidOptions = errors.New("pulumieks: invalid options")

// Options are the plain facts about a pulumi-eks cluster that its outputs
// cannot give synchronously.
type Options struct {
	// Fargate: the cluster was created with the fargate argument, so it has a
	// Fargate profile and a pod-execution role.
	Fargate bool
	// FargateOnly: no node groups at all (fargate set and no node group added).
	// It requires Fargate.
	FargateOnly bool
	// AuthenticationMode is the cluster's mode; "" means CONFIG_MAP, which is
	// what EKS uses when pulumi-eks is given no authenticationMode.
	AuthenticationMode string
	// KubernetesProvider is used for the cluster; nil creates one from the
	// cluster's kubeconfigJson, named <name>-k8s.
	KubernetesProvider pulumi.ProviderResource
	// FargateProfiles are the selectors of the cluster's Fargate profiles,
	// when known as plain values (OptionsFromArgs reads the selectors given
	// as plain values to the fargate argument); nil skips the checks that
	// need them (lbc's: a profile must select the controller's pods).
	FargateProfiles []clusterref.FargateProfile
}

// OptionsFromArgs derives Options from the args the cluster was created with:
// Fargate and FargateOnly when args.Fargate is set (pulumi-eks then skips the
// default node group; set FargateOnly false yourself if you add node groups),
// and the authentication mode.
func OptionsFromArgs(args *eks.ClusterArgs) Options {
	if args == nil {
		return Options{}
	}
	o := Options{Fargate: args.Fargate != nil}
	o.FargateOnly = o.Fargate
	o.FargateProfiles = plainFargateProfiles(args.Fargate)
	if args.AuthenticationMode != nil {
		o.AuthenticationMode = string(*args.AuthenticationMode)
	}
	return o
}

// plainFargateProfiles reads the Fargate profile pulumi-eks makes from the
// fargate argument when its selectors are plain values (namespaces as
// pulumi.String, labels as pulumi.StringMap); otherwise (true, which leaves
// the selectors to pulumi-eks's defaults, or outputs) nil: unknown.
func plainFargateProfiles(fargate pulumi.Input) []clusterref.FargateProfile {
	var sels awseks.FargateProfileSelectorArrayInput
	switch f := fargate.(type) {
	case eks.FargateProfileArgs:
		sels = f.Selectors
	case *eks.FargateProfileArgs:
		if f != nil {
			sels = f.Selectors
		}
	}
	arr, ok := sels.(awseks.FargateProfileSelectorArray)
	if !ok || len(arr) == 0 {
		return nil
	}
	var out []clusterref.FargateSelector
	for _, in := range arr {
		sel, ok := in.(awseks.FargateProfileSelectorArgs)
		if !ok {
			return nil
		}
		ns, ok := sel.Namespace.(pulumi.String)
		if !ok {
			return nil
		}
		plain := clusterref.FargateSelector{Namespace: string(ns)}
		if sel.Labels != nil {
			labels, ok := sel.Labels.(pulumi.StringMap)
			if !ok {
				return nil
			}
			plain.Labels = map[string]string{}
			for k, v := range labels {
				s, ok := v.(pulumi.String)
				if !ok {
					return nil
				}
				plain.Labels[k] = string(s)
			}
		}
		out = append(out, plain)
	}
	return []clusterref.FargateProfile{{Name: "pulumi-eks fargate profile", Selectors: out}}
}

// Validate reports every problem of the options at once.
func (o Options) Validate() error {
	var errs []error
	if o.FargateOnly && !o.Fargate {
		errs = append(errs, fmt.Errorf("%w: FargateOnly without Fargate: a cluster without Fargate profiles runs nothing", ErrInvalidOptions))
	}
	switch o.AuthenticationMode {
	case "", eksfargate.AuthConfigMap, eksfargate.AuthAPIAndConfigMap, eksfargate.AuthAPI:
	default:
		errs = append(errs, fmt.Errorf("%w: authentication mode %q is not CONFIG_MAP, API_AND_CONFIG_MAP or API", ErrInvalidOptions, o.AuthenticationMode))
	}
	return errors.Join(errs...)
}

// Cluster is a pulumi-eks cluster seen as a clusterref.ClusterRef.
type Cluster struct {
	// Source is the pulumi-eks cluster.
	Source   *eks.Cluster
	opts     Options
	provider pulumi.ProviderResource
}

var _ clusterref.ClusterRef = (*Cluster)(nil)

// New adapts cluster. It registers at most one resource: the Kubernetes
// provider <name>-k8s (with opts), when Options.KubernetesProvider is nil.
func New(ctx *pulumi.Context, name string, cluster *eks.Cluster, o Options, opts ...pulumi.ResourceOption) (*Cluster, error) {
	err := o.Validate()
	if cluster == nil {
		err = errors.Join(fmt.Errorf("%w: nil cluster", ErrInvalidOptions), err)
	}
	if err != nil {
		return nil, fmt.Errorf("pulumieks: New %s: %w", name, err)
	}
	provider := o.KubernetesProvider
	if provider == nil {
		p, err := kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{Kubeconfig: cluster.KubeconfigJson}, opts...)
		if err != nil {
			return nil, fmt.Errorf("pulumieks: New %s: %w", name, err)
		}
		provider = p
	}
	return &Cluster{Source: cluster, opts: o, provider: provider}, nil
}

// Ref implements clusterref.ClusterRef. Name, VpcID and the OIDC and
// pod-execution values come from the cluster's outputs (the OIDC provider
// ARN and the role are "" when the cluster has none), the region from the
// cluster's ARN, the kubeconfig (secret) from kubeconfigJson, so that lbc's
// teardown and webhook hooks and authmap's hooks mode reach the cluster, the
// rest from Options. Ready is the pulumi-eks component
// itself: a remote component, which the engine awaits as a whole.
func (c *Cluster) Ref() clusterref.Cluster {
	src, o, provider := c.Source, c.opts, c.provider
	mode := o.AuthenticationMode
	if mode == "" {
		mode = eksfargate.AuthConfigMap
	}
	return clusterref.Cluster{
		Name:   src.EksCluster.Name(),
		Region: clusterRegion(src),
		VpcID:  src.Core.VpcId(),
		OIDCProviderARN: src.Core.OidcProvider().ApplyT(func(p *iam.OpenIdConnectProvider) pulumi.StringOutput {
			if p == nil {
				return pulumi.String("").ToStringOutput()
			}
			return p.Arn
		}).(pulumi.StringOutput),
		OIDCIssuerURL: src.EksCluster.Identities().ApplyT(func(ids []awseks.ClusterIdentity) (string, error) {
			return eksfargate.OIDCIssuer(ids)
		}).(pulumi.StringOutput),
		PodExecutionRoleARN: src.Core.FargateProfile().ApplyT(func(fp *awseks.FargateProfile) pulumi.StringOutput {
			if fp == nil {
				return pulumi.String("").ToStringOutput()
			}
			return fp.PodExecutionRoleArn
		}).(pulumi.StringOutput),
		KubernetesProvider: provider,
		FargateOnly:        o.FargateOnly,
		HasFargateProfiles: o.Fargate,
		AuthenticationMode: mode,
		Kubeconfig:         pulumi.ToSecret(src.KubeconfigJson).(pulumi.StringOutput),
		FargateProfiles:    o.FargateProfiles,
		Ready:              []pulumi.Resource{src},
	}
}

// clusterRegion is the region of the cluster's ARN.
func clusterRegion(src *eks.Cluster) pulumi.StringOutput {
	return src.EksCluster.Arn().ApplyT(func(arn string) (string, error) {
		a, err := partition.ParseARN(arn, "eks", "cluster/")
		if err != nil {
			return "", fmt.Errorf("pulumieks: cluster ARN: %w", err)
		}
		return a.Region, nil
	}).(pulumi.StringOutput)
}
