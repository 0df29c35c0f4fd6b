package lbc

import (
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/irsa"
)

// TypeToken is the type token of [LBCRelease].
const TypeToken = "fargatekit:lbc:LBCRelease"

// DefaultTimeout is how long the Helm release may take to become ready.
const DefaultTimeout = 10 * time.Minute

// LBCReleaseArgs configure [NewLBCRelease]. Plain Go values decide which
// children exist; the cluster's name, region and VPC are outputs of Cluster.
//
// Child resources and their logical names (API: renaming them replaces them),
// for a component named N, all parented to the component:
//
//	aws:iam/policy:Policy                      N-policy   the controller's IAM policy
//	fargatekit:irsa:IRSARole                   N-irsa     its role, trust and ServiceAccount
//	kubernetes:helm.sh/v3:Release              N          the chart, waited for
type LBCReleaseArgs struct {
	// Cluster is the cluster to install into; required. Its Ready resources
	// (CoreDNS on Fargate) come before the release, its Kubernetes provider
	// installs it, and FargateOnly implies Settings.Fargate.
	Cluster clusterref.ClusterRef
	// Settings are the controller choices (version, replicas, image, ...).
	// ServiceAccountName defaults to DefaultServiceAccount; the component
	// creates that ServiceAccount through irsa, so ServiceAccountRoleARN must
	// stay empty.
	Settings
	// Namespace is where the controller runs; "" means DefaultNamespace.
	Namespace string
	// ChartVersion overrides the table's chart version; required with a
	// Version outside the table.
	ChartVersion string
	// ChartRepo overrides ChartRepo (a mirror of eks-charts).
	ChartRepo string
	// PolicyJSON is your own IAM policy, required with a Version outside the
	// table, optional otherwise.
	PolicyJSON string
	// ScopedPolicy narrows the policy to the cluster's region and VPC (see Scope).
	ScopedPolicy bool
	// Timeout bounds the wait for the release to be ready; 0 means DefaultTimeout.
	Timeout time.Duration
	// KubernetesProvider overrides the cluster's Kubernetes provider.
	KubernetesProvider pulumi.ProviderResource
}

// LBCRelease is the AWS Load Balancer Controller installed on a cluster.
type LBCRelease struct {
	pulumi.ResourceState

	// Policy is the controller's IAM policy and PolicyArn its ARN.
	Policy    *iam.Policy
	PolicyArn pulumi.StringOutput
	// Role is the controller's IRSA role (with its ServiceAccount); RoleArn its ARN.
	Role    *irsa.IRSARole
	RoleArn pulumi.StringOutput
	// Release is the Helm release; dependants wait for it (see Ready).
	Release *helmv3.Release
	// Values are the chart values the release was given.
	Values pulumi.MapOutput
	// Version and ChartVersion are the controller and chart versions installed.
	Version, ChartVersion string
	// Namespace and ServiceAccountName locate the controller.
	Namespace, ServiceAccountName string
}

// Ready returns the resources that must exist before anything the controller
// serves is created: the Helm release, awaited until its Deployment is
// available (the webhooks answer). Use it as dependsOn of your Ingresses and
// Services of type LoadBalancer, so that they are created after the
// controller and destroyed before it. Prefer it to a dependency on the
// component itself: the Go SDK expands that only into the children it has
// registered by then, which it does asynchronously.
func (r *LBCRelease) Ready() []pulumi.Resource { return []pulumi.Resource{r.Release} }

// DependsOn is the resource option pulumi.DependsOn(r.Ready()).
func (r *LBCRelease) DependsOn() pulumi.ResourceOption { return pulumi.DependsOn(r.Ready()) }

// resolved are the validated plain choices of the args.
type resolved struct {
	settings               Settings
	namespace, chart, repo string
	version                string
	timeout                time.Duration
	policySpec             PolicySpec
	provider               pulumi.ProviderResource
}

// resolve validates the args and fills in their defaults, reporting every
// problem at once.
func (a *LBCReleaseArgs) resolve() (resolved, error) {
	if a == nil {
		return resolved{}, fmt.Errorf("%w: nil LBCReleaseArgs", ErrInvalidSpec)
	}
	var errs []error
	r := resolved{settings: a.Settings, namespace: a.Namespace, repo: a.ChartRepo, chart: a.ChartVersion, timeout: a.Timeout}
	if a.Cluster == nil {
		errs = append(errs, fmt.Errorf("%w: Cluster is required", ErrInvalidSpec))
	} else {
		r.settings.Fargate = r.settings.Fargate || a.Cluster.FargateOnly()
	}
	if r.settings.ServiceAccountName == "" {
		r.settings.ServiceAccountName = DefaultServiceAccount
	}
	if r.settings.ServiceAccountRoleARN != "" {
		errs = append(errs, fmt.Errorf("%w: ServiceAccountRoleARN: the component creates the controller's role and ServiceAccount", ErrInvalidSpec))
		r.settings.ServiceAccountRoleARN = ""
	}
	if err := r.settings.Validate(); err != nil {
		errs = append(errs, err)
	}
	if r.namespace == "" {
		r.namespace = DefaultNamespace
	}
	if !validLabel(r.namespace) {
		errs = append(errs, fmt.Errorf("%w: namespace %q", ErrInvalidSpec, r.namespace))
	}
	if r.repo == "" {
		r.repo = ChartRepo
	}
	if r.timeout == 0 {
		r.timeout = DefaultTimeout
	}
	if r.timeout < time.Second {
		errs = append(errs, fmt.Errorf("%w: timeout %v", ErrInvalidSpec, r.timeout))
	}
	r.version = a.Version
	if r.version == "" {
		r.version = DefaultVersion
	}
	if v, err := ParseVersion(r.version); err == nil {
		r.version = v.String()
		if rel, err := LookupRelease(r.version); err == nil {
			if r.chart == "" {
				r.chart = rel.Chart
			}
		} else if a.PolicyJSON == "" || a.ChartVersion == "" {
			errs = append(errs, fmt.Errorf("%w (a version outside the table needs PolicyJSON and ChartVersion)", err))
		}
	}
	if a.ChartVersion != "" {
		if _, err := ParseVersion(a.ChartVersion); err != nil {
			errs = append(errs, fmt.Errorf("chart version: %w", err))
		}
	}
	r.policySpec = PolicySpec{Version: r.version, Custom: a.PolicyJSON}
	if a.PolicyJSON != "" {
		if err := (PolicySpec{Custom: a.PolicyJSON}).Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	r.provider = a.KubernetesProvider
	if r.provider == nil && a.Cluster != nil {
		r.provider = a.Cluster.KubernetesProvider()
	}
	if r.provider == nil {
		errs = append(errs, fmt.Errorf("%w: no Kubernetes provider: set KubernetesProvider or a Cluster with one", ErrInvalidSpec))
	}
	return r, errors.Join(errs...)
}

// NewLBCRelease installs the AWS Load Balancer Controller: its IAM policy
// (rendered by [RenderPolicy] for the cluster's partition, optionally scoped),
// its IRSA role and ServiceAccount (through [irsa.NewIRSARole]), and the Helm
// release of the chart from eks-charts at the pinned version, with the values
// [Values] renders from the cluster's name, region and VPC. The release
// depends on the cluster's Ready resources and on the role, and Pulumi waits
// until it is ready. A refused spec registers nothing.
func NewLBCRelease(ctx *pulumi.Context, name string, args *LBCReleaseArgs, opts ...pulumi.ResourceOption) (*LBCRelease, error) {
	r, err := args.resolve()
	if err != nil {
		return nil, fmt.Errorf("lbc: NewLBCRelease %s: %w", name, err)
	}
	comp := &LBCRelease{Version: r.version, ChartVersion: r.chart, Namespace: r.namespace, ServiceAccountName: r.settings.ServiceAccountName}
	if err := ctx.RegisterComponentResource(TypeToken, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("lbc: NewLBCRelease %s: %w", name, err)
	}
	fail := func(err error) (*LBCRelease, error) { return nil, fmt.Errorf("lbc: NewLBCRelease %s: %w", name, err) }
	cluster := args.Cluster

	scoped := args.ScopedPolicy
	policyJSON := pulumi.All(cluster.Region(), cluster.VpcID(), cluster.OIDCProviderARN()).ApplyT(func(xs []any) (string, error) {
		region, vpc, provider := xs[0].(string), xs[1].(string), xs[2].(string)
		p, err := partition.ForRegion(region)
		if err != nil {
			return "", fmt.Errorf("lbc: policy: cluster region: %w", err)
		}
		spec := r.policySpec
		spec.Partition = p.ID
		if scoped {
			spec.Scope = &Scope{Region: region, VpcID: vpc}
			if a, err := partition.ParseARN(provider, "iam", "oidc-provider/"); err == nil {
				spec.Scope.Account = a.AccountID
			}
		}
		return RenderPolicy(spec)
	}).(pulumi.StringOutput)
	comp.Policy, err = iam.NewPolicy(ctx, name+"-policy", &iam.PolicyArgs{
		Description: pulumi.Sprintf("AWS Load Balancer Controller %s for EKS cluster %s", r.version, cluster.ClusterName()),
		Policy:      policyJSON,
	}, pulumi.Parent(comp))
	if err != nil {
		return fail(err)
	}
	comp.PolicyArn = comp.Policy.Arn

	comp.Role, err = irsa.NewIRSARole(ctx, name+"-irsa", &irsa.IRSARoleArgs{
		Cluster:            cluster,
		ServiceAccounts:    []irsa.ServiceAccount{{Namespace: r.namespace, Name: r.settings.ServiceAccountName}},
		PolicyARNs:         []pulumi.StringInput{comp.Policy.Arn},
		KubernetesProvider: r.provider,
		Description:        "AWS Load Balancer Controller " + r.version,
		ServiceAccountLabels: map[string]string{
			"app.kubernetes.io/name": ChartName, "app.kubernetes.io/managed-by": "fargatekit",
		},
	}, pulumi.Parent(comp))
	if err != nil {
		return fail(err)
	}
	comp.RoleArn = comp.Role.RoleArn

	settings := r.settings
	comp.Values = pulumi.All(cluster.ClusterName(), cluster.Region(), cluster.VpcID()).ApplyT(func(xs []any) (map[string]any, error) {
		return Values(ValuesSpec{ClusterName: xs[0].(string), Region: xs[1].(string), VpcID: xs[2].(string), Settings: settings})
	}).(pulumi.MapOutput)

	// The concrete resources, not the irsa component: the SDK expands a
	// dependency on a component only into the children it has registered so
	// far, which is racy.
	deps := append(comp.Role.Ready(), cluster.Ready()...)
	comp.Release, err = helmv3.NewRelease(ctx, name, &helmv3.ReleaseArgs{
		Name:           pulumi.String(ReleaseName),
		Chart:          pulumi.String(ChartName),
		Version:        pulumi.String(r.chart),
		RepositoryOpts: &helmv3.RepositoryOptsArgs{Repo: pulumi.String(r.repo)},
		Namespace:      pulumi.String(r.namespace),
		Values:         comp.Values,
		SkipAwait:      pulumi.Bool(false),
		Timeout:        pulumi.Int(int(r.timeout / time.Second)),
		CleanupOnFail:  pulumi.Bool(true),
	}, pulumi.Parent(comp), pulumi.Provider(r.provider), pulumi.DependsOn(deps))
	if err != nil {
		return fail(err)
	}
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"policyArn": comp.PolicyArn, "roleArn": comp.RoleArn, "releaseStatus": comp.Release.Status,
		"version": pulumi.String(r.version), "chartVersion": pulumi.String(r.chart),
	}); err != nil {
		return fail(err)
	}
	return comp, nil
}
