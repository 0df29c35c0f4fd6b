package eksfargate

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Plan returns what Apply would do for spec, without writing: every
// resource Apply converges, in Apply's order, each with ActionCreate,
// ActionUpdate, ActionExists or, for the earlier versions of a changed
// Fargate profile, ActionDelete. It runs Apply's own code with the writes
// turned off, so it finds resources the way Apply does and reads the same
// AWS state (and needs read permissions only). What is known only once
// something exists (the IDs of a VPC not yet created, the cluster's OIDC
// issuer) is left empty. With ClusterSpec.Logging, it reads the
// namespace and ConfigMap from the cluster (Clients.Kubernetes) when the
// cluster exists. [Writes] counts the changes that would write: 0
// means Apply has nothing to do.
func Plan(ctx context.Context, c *Clients, spec ClusterSpec, opts ...RunOption) ([]Change, error) {
	x := &runner{runConfig: newRunConfig(append(opts, DryRun())), c: c}
	if err := x.run(ctx, spec); err != nil {
		return x.out.Changes, fmt.Errorf("eksfargate: Plan %s: %w", spec.ClusterName, err)
	}
	return x.out.Changes, nil
}

// planProfiles is the dry run of EnsureFargateProfiles: the profiles it
// would create, the ones that match, and the replaced ones it would delete.
func (x *runner) planProfiles(ctx context.Context, profiles []FargateProfile) error {
	existing := map[string]bool{}
	if x.out.ClusterARN != "" {
		var err error
		if existing, err = listProfiles(ctx, x.c.EKS, x.r.Name()); err != nil {
			return err
		}
	}
	e := &ensurer{ensureSettings: ensureSettings{roleARN: x.out.PodExecutionRoleARN, subnets: x.out.PrivateSubnetIDs}, api: x.c.EKS, cluster: x.r.Name()}
	for _, p := range profiles {
		logical := p.Name
		p.Name = ProfileName(p)
		res := "Fargate profile " + p.Name
		switch {
		case !existing[p.Name]:
			x.step(Change{Action: ActionCreate, Resource: res, Detail: "selectors " + strings.Join(selectorKeys(p.Selectors), " ")})
		default:
			fp, err := e.describe(ctx, p.Name)
			if err != nil {
				return err
			}
			if fp == nil {
				x.step(Change{Action: ActionCreate, Resource: res})
			} else if err := e.compare(p, fp); err != nil {
				// Apply refuses this one: a profile cannot change in place.
				x.step(Change{Action: ActionUpdate, Resource: res, Detail: err.Error()})
			} else {
				x.step(Change{Action: ActionExists, Resource: res, Detail: string(fp.Status)})
			}
		}
		delete(existing, p.Name)
		for _, old := range slices.Sorted(maps.Keys(existing)) {
			if l, ok := LogicalProfileName(old); old == logical || (ok && l == logical) {
				x.step(Change{Action: ActionDelete, Resource: "Fargate profile " + old, Detail: "replaced by " + p.Name + ", once it is ACTIVE"})
				delete(existing, old)
			}
		}
	}
	return nil
}
