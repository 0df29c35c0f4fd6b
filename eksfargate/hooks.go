package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fargatekit/fargatekit/internal/hookprops"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/kubehook"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// ErrNoKubeconfig is returned by the component's resource hooks that need
// the cluster when its kubeconfig is not known: under pulumi destroy
// without --run-program the program, and so the hooks, do not run.
var ErrNoKubeconfig = errors.New("eksfargate: the hooks' kubeconfig is not known (run pulumi destroy --run-program)")

// DefaultHookTimeout bounds each resource hook of the component.
const DefaultHookTimeout = 30 * time.Minute

// hookEnv is what the component's resource hooks work with: the cluster's
// kubeconfig (captured when the program resolves it), the AWS clients (the
// program's credentials), the desired profiles, and the SDK functions they
// call (replaceable in tests).
type hookEnv struct {
	kube      kubehook.Conn
	region    string
	timeout   time.Duration
	profiles  map[string]sdk.FargateProfile // by Name
	workloads []sdk.Workload                // rolled onto a replacement (CoreDNS first)

	awsConfig func(ctx context.Context, region string) (aws.Config, error)
	clients   func(cfg aws.Config) *sdk.Clients
	roll      func(ctx context.Context, cs kubernetes.Interface, p sdk.FargateProfile, w []sdk.Workload, opts ...sdk.RollOption) ([]sdk.Workload, error)
	protect   func(ctx context.Context, api sdk.ClusterConfigAPI, cluster string, on bool, opts ...sdk.RunOption) (bool, error)
	sweep     func(ctx context.Context, c *sdk.Clients, cluster, vpc string, opts ...sdk.RunOption) ([]sdk.Change, error)
}

func newHookEnv(spec ClusterSpec, region string, args *FargateClusterArgs) *hookEnv {
	h := &hookEnv{region: region, timeout: args.HookTimeout, profiles: map[string]sdk.FargateProfile{},
		workloads: append([]sdk.Workload{sdk.CoreDNSWorkload()}, args.RollOntoReplacement...),
		kube:      kubehook.Conn{Missing: ErrNoKubeconfig}, awsConfig: args.HookAWSConfig, clients: sdk.NewClients,
		roll: sdk.RollOntoProfile, protect: sdk.SetDeletionProtection, sweep: sdk.Sweep}
	if h.timeout <= 0 {
		h.timeout = DefaultHookTimeout
	}
	if h.awsConfig == nil {
		h.awsConfig = func(ctx context.Context, region string) (aws.Config, error) {
			return config.LoadDefaultConfig(ctx, config.WithRegion(region))
		}
	}
	for _, p := range spec.FargateProfiles {
		h.profiles[p.Name] = p
	}
	return h
}

func (h *hookEnv) aws(ctx context.Context) (*sdk.Clients, error) {
	cfg, err := h.awsConfig(ctx, h.region)
	if err != nil {
		return nil, fmt.Errorf("eksfargate: the hooks' AWS configuration (HookAWSConfig, or the default chain in %s): %w", h.region, err)
	}
	return h.clients(cfg), nil
}

// rollOntoReplacement is the before-delete hook of a Fargate profile. When
// the profile being deleted is an earlier version of a profile the program
// still declares (the same Name, another content hash: a replacement, whose
// new version Pulumi created first), CoreDNS and the declared deployments
// whose pods the new version selects are pinned to it and rolled, one at a
// time, respecting their PodDisruptionBudgets (sdk.RollOntoProfile), before
// Pulumi deletes the old one: deleting a profile deletes its pods at once.
// On destroy (the same physical name) and for a profile no longer declared
// it does nothing.
func (h *hookEnv) rollOntoReplacement(args *pulumi.ResourceHookArgs) error {
	old := hookprops.String(args.OldInputs, "fargateProfileName")
	if old == "" {
		old = hookprops.String(args.OldOutputs, "fargateProfileName")
	}
	logical, ok := sdk.LogicalProfileName(old)
	if !ok {
		logical = old // a bare name, from before content hashes
	}
	p, ok := h.profiles[logical]
	if !ok || sdk.ProfileName(p) == old {
		return nil
	}
	cs, err := h.kube.Client()
	if err != nil {
		return fmt.Errorf("eksfargate: %s: rolling onto %s before %s is deleted: %w", args.Name, sdk.ProfileName(p), old, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	p.Name = sdk.ProfileName(p)
	if _, err := h.roll(ctx, cs, p, h.workloads); err != nil {
		return fmt.Errorf("eksfargate: %s: rolling onto %s before %s is deleted: %w", args.Name, p.Name, old, err)
	}
	return nil
}

// deletionProtection reads the desired protection from a cluster's tags.
func deletionProtection(props resource.PropertyMap) bool {
	return hookprops.String(props, "tags", sdk.TagDeletionProtection) == "on"
}

// protectCreated is the after-create hook of the cluster: deletion
// protection on when the spec asks for it (pulumi-aws v6 has no argument
// for it). An after hook's error is a warning: its text says what to do.
func (h *hookEnv) protectCreated(args *pulumi.ResourceHookArgs) error {
	if !deletionProtection(args.NewInputs) {
		return nil
	}
	return h.setProtection(args.Name, hookprops.String(args.NewInputs, "name"), true)
}

// protectUpdated is the before-update hook of the cluster: when the desired
// deletion protection changed (or is on, to converge a failed earlier
// attempt), it is set before the update; an error fails the update.
func (h *hookEnv) protectUpdated(args *pulumi.ResourceHookArgs) error {
	want := deletionProtection(args.NewInputs)
	if !want && !deletionProtection(args.OldInputs) {
		return nil
	}
	name := hookprops.String(args.OldOutputs, "name")
	if name == "" {
		name = hookprops.String(args.NewInputs, "name")
	}
	return h.setProtection(args.Name, name, want)
}

func (h *hookEnv) setProtection(resourceName, cluster string, on bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	c, err := h.aws(ctx)
	if err == nil {
		_, err = h.protect(ctx, c.EKS, cluster, on, sdk.WaitAtMost(h.timeout))
	}
	if err != nil {
		return fmt.Errorf("eksfargate: %s: deletion protection %v on cluster %s not set: %w (set it with aws eks update-cluster-config --name %s --%sdeletion-protection, or fix the hooks' credentials and run pulumi up)",
			resourceName, on, cluster, err, cluster, map[bool]string{true: "", false: "no-"}[on])
	}
	return nil
}

// sweepVPC removes what the load balancer controller of the deleted
// cluster left in vpc (sdk.Sweep); while the cluster still exists it does
// nothing (a subnet replaced under a live cluster must not lose its load
// balancers).
func (h *hookEnv) sweepVPC(resourceName, cluster, vpc string) error {
	if vpc == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	c, err := h.aws(ctx)
	if err != nil {
		return fmt.Errorf("eksfargate: %s: %w", resourceName, err)
	}
	if _, err := h.sweep(ctx, c, cluster, vpc, sdk.WaitAtMost(h.timeout)); err != nil && !errors.Is(err, sdk.ErrClusterExists) {
		return fmt.Errorf("eksfargate: %s: %w", resourceName, err)
	}
	return nil
}

// sweepHooks returns the hooks that sweep the VPC of cluster: one for the
// VPC and subnets (before-delete, the VPC from the resource's ID or vpcId),
// one for the cluster (after-delete, its vpcConfig.vpcId).
func (h *hookEnv) sweepHooks(cluster string) (network, afterCluster pulumi.ResourceHookFunction) {
	network = func(args *pulumi.ResourceHookArgs) error {
		vpc := hookprops.String(args.OldOutputs, "vpcId")
		if string(args.Type) == "aws:ec2/vpc:Vpc" {
			vpc = string(args.ID)
		}
		return h.sweepVPC(args.Name, cluster, vpc)
	}
	afterCluster = func(args *pulumi.ResourceHookArgs) error {
		return h.sweepVPC(args.Name, cluster, hookprops.String(args.OldOutputs, "vpcConfig", "vpcId"))
	}
	return network, afterCluster
}

// hookRefs are the component's registered resource hooks (nil when not
// registered).
type hookRefs struct {
	roll, protectCreated, protectUpdated, sweepNet, sweepCluster *pulumi.ResourceHook
}

func hooksOption(b *pulumi.ResourceHookBinding) pulumi.ResourceOption { return pulumi.ResourceHooks(b) }

// profileHooks: the roll onto a replacement, before an old profile goes.
func (r hookRefs) profileHooks() pulumi.ResourceOption {
	if r.roll == nil {
		return hooksOption(nil)
	}
	return hooksOption(&pulumi.ResourceHookBinding{BeforeDelete: []*pulumi.ResourceHook{r.roll}})
}

// clusterHooks: deletion protection after create and before update; the
// sweep after delete.
func (r hookRefs) clusterHooks() pulumi.ResourceOption {
	b := &pulumi.ResourceHookBinding{}
	if r.protectCreated != nil {
		b.AfterCreate = []*pulumi.ResourceHook{r.protectCreated}
		b.BeforeUpdate = []*pulumi.ResourceHook{r.protectUpdated}
	}
	if r.sweepCluster != nil {
		b.AfterDelete = []*pulumi.ResourceHook{r.sweepCluster}
	}
	return hooksOption(b)
}

// sweepNetwork: the sweep before the VPC or a subnet goes.
func (r hookRefs) sweepNetwork() pulumi.ResourceOption {
	if r.sweepNet == nil {
		return hooksOption(nil)
	}
	return hooksOption(&pulumi.ResourceHookBinding{BeforeDelete: []*pulumi.ResourceHook{r.sweepNet}})
}

// registerHooks registers the component's resource hooks, named
// <name>-<purpose> (hook names are unique in a program): deletion
// protection always (they act only when the spec asks for it), the roll onto
// a replaced profile and the sweeps unless NoDeleteHooks (delete hooks make
// pulumi destroy need --run-program).
func (c *FargateCluster) registerHooks(ctx *pulumi.Context, name string) error {
	c.hooks = newHookEnv(c.spec, c.Region, c.args)
	var err error
	reg := func(purpose string, f pulumi.ResourceHookFunction) *pulumi.ResourceHook {
		if err != nil {
			return nil
		}
		var h *pulumi.ResourceHook
		h, err = ctx.RegisterResourceHook(name+"-"+purpose, f, nil)
		return h
	}
	c.hookRefs.protectCreated = reg("deletion-protection-created", c.hooks.protectCreated)
	c.hookRefs.protectUpdated = reg("deletion-protection-updated", c.hooks.protectUpdated)
	if !c.args.NoDeleteHooks {
		network, afterCluster := c.hooks.sweepHooks(c.spec.ClusterName)
		c.hookRefs.roll = reg("roll-onto-replacement", c.hooks.rollOntoReplacement)
		c.hookRefs.sweepCluster = reg("sweep-after-cluster", afterCluster)
		if c.spec.VPC != nil && c.netArgs == nil {
			c.hookRefs.sweepNet = reg("sweep-network", network)
		}
	}
	return err
}
