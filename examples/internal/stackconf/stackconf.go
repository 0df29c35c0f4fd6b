// Package stackconf reads the stack configuration that fargatekit's example
// stacks share: the AWS region (required, never defaulted), the tags that mark
// everything a stack creates, and the settings of the example's FargateCluster.
package stackconf

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/internal/partition"
	eksfargatesdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// Tag keys every example puts on the AWS resources it creates; the
// integration suite's leak check looks for them after a destroy.
const (
	// TagExample names the example ("fargate-alb", ...).
	TagExample = "fargatekit:example"
	// TagStack is "<project>/<stack>", unique per stack.
	TagStack = "fargatekit:stack"
)

// ErrNoRegion is returned when the stack has no aws:region: the examples never
// guess one.
var ErrNoRegion = errors.New("no AWS region: run `pulumi config set aws:region <region>` (fargatekit never defaults a region)")

// Region returns the stack's aws:region, validated against the known partitions.
func Region(ctx *pulumi.Context) (string, error) {
	r := config.Get(ctx, "aws:region")
	if r == "" {
		return "", fmt.Errorf("%s: %w", ctx.Project(), ErrNoRegion)
	}
	if _, err := partition.ForRegion(r); err != nil {
		return "", fmt.Errorf("%s: aws:region: %w", ctx.Project(), err)
	}
	return r, nil
}

// StackTag is the value of [TagStack] for this stack.
func StackTag(ctx *pulumi.Context) string { return ctx.Project() + "/" + ctx.Stack() }

// Tags returns the example's tags: the config object "tags" (optional) plus
// [TagExample] and [TagStack], which win.
func Tags(ctx *pulumi.Context, cfg *config.Config) (map[string]string, error) {
	tags := map[string]string{}
	if err := cfg.TryObject("tags", &tags); err != nil && !errors.Is(err, config.ErrMissingVar) {
		return nil, fmt.Errorf("%s: config tags (an object of strings): %w", ctx.Project(), err)
	}
	out := maps.Clone(tags)
	if out == nil {
		out = map[string]string{}
	}
	out[TagExample] = ctx.Project()
	out[TagStack] = StackTag(ctx)
	return out, nil
}

// Cluster holds the cluster settings the examples read from config.
type Cluster struct {
	// Name is config clusterName, default "<project>-<stack>".
	Name string
	// KubernetesVersion is config kubernetesVersion, default
	// eksfargatesdk.DefaultKubernetesVersion (in standard support).
	KubernetesVersion string
	// SingleNATGateway is config singleNatGateway, default true (one NAT
	// gateway is enough for an example and costs a third of three).
	SingleNATGateway bool
}

// ClusterSettings reads clusterName, kubernetesVersion and singleNatGateway.
func ClusterSettings(ctx *pulumi.Context, cfg *config.Config) (Cluster, error) {
	c := Cluster{Name: cfg.Get("clusterName"), KubernetesVersion: cfg.Get("kubernetesVersion")}
	if c.KubernetesVersion == "" {
		c.KubernetesVersion = eksfargatesdk.DefaultKubernetesVersion
	}
	if c.Name == "" {
		c.Name = DefaultClusterName(ctx.Project(), ctx.Stack())
	}
	var err error
	if c.SingleNATGateway, err = Bool(ctx, cfg, "singleNatGateway", true); err != nil {
		return Cluster{}, err
	}
	if !eksfargatesdk.ValidClusterName(c.Name) {
		return Cluster{}, fmt.Errorf("%s: cluster name %q: 1-100 letters, digits, '-' or '_' (set clusterName)", ctx.Project(), c.Name)
	}
	return c, nil
}

// DefaultClusterName is "<project>-<stack>" with every character EKS refuses
// replaced by '-', cut to EKS's 100 characters.
func DefaultClusterName(project, stack string) string {
	name := []byte(project + "-" + stack)
	for i, b := range name {
		ok := b == '-' || b == '_' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
		if !ok {
			name[i] = '-'
		}
	}
	return strings.TrimLeft(string(name[:min(len(name), 100)]), "-_")
}

// Args returns FargateClusterArgs for these settings in region, with tags and
// the given Fargate profiles (none: the default profile for kube-system and
// default).
func (c Cluster) Args(region string, tags map[string]string, profiles ...eksfargate.FargateProfile) *eksfargate.FargateClusterArgs {
	return &eksfargate.FargateClusterArgs{
		ClusterSpec: eksfargate.ClusterSpec{
			ClusterName:       c.Name,
			KubernetesVersion: c.KubernetesVersion,
			Region:            region,
			VPC:               &eksfargate.VPCSpec{SingleNATGateway: c.SingleNATGateway},
			FargateProfiles:   profiles,
			Tags:              tags,
		},
	}
}

// Bool reads an optional boolean config key; def when it is not set.
func Bool(ctx *pulumi.Context, cfg *config.Config, key string, def bool) (bool, error) {
	v, err := cfg.TryBool(key)
	switch {
	case errors.Is(err, config.ErrMissingVar):
		return def, nil
	case err != nil:
		return def, fmt.Errorf("%s: config %s (true or false): %w", ctx.Project(), key, err)
	}
	return v, nil
}

// Int reads an optional integer config key; def when it is not set.
func Int(ctx *pulumi.Context, cfg *config.Config, key string, def int) (int, error) {
	v, err := cfg.TryInt(key)
	switch {
	case errors.Is(err, config.ErrMissingVar):
		return def, nil
	case err != nil:
		return def, fmt.Errorf("%s: config %s (an integer): %w", ctx.Project(), key, err)
	}
	return v, nil
}

// String reads an optional string config key; def when it is not set or empty.
func String(cfg *config.Config, key, def string) string {
	if v := cfg.Get(key); v != "" {
		return v
	}
	return def
}
