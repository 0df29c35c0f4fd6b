package deploytime

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/fargatekit/fargatekit/internal/mockstack"
)

// Latency is a typical create latency and where the figure comes from.
type Latency struct {
	// Typical is how long a create usually takes.
	Typical time.Duration
	// Source cites the figure; "observed" marks figures AWS does not publish.
	Source string
}

// Table maps type tokens to latencies. Resolve picks the entry for a resource.
type Table struct {
	// ByType holds latencies by type token.
	ByType map[string]Latency
	// Default applies to custom resources whose type is not listed.
	Default Latency
	// Override, when set, may refine a resource's latency from its inputs
	// (for example the CoreDNS add-on, which waits for Fargate pods).
	Override func(r *mockstack.Resource) (Latency, bool)
}

const (
	srcEKS     = "EKS control plane averages 15 min (aws/containers-roadmap#1227); 13–16 min measured across 21 regions (easontechtalk.com, unofficial EKS cluster creation performance)"
	srcProfile = "\"Creation of a Fargate profile can take up to several minutes\" (EKS Workshop, Fargate profiles); profiles are created one at a time"
	srcFargate = "a Fargate pod needs a fresh micro-VM: about 1 min to Running (observed; EKS docs: one pod per Fargate node)"
	srcNAT     = "NAT gateway pending→available, 1–3 min (observed; the VPC docs give states, not a figure)"
	srcALB     = "ALB provisioning to active, 2–4 min (observed), then target registration"
	srcFast    = "control-plane API call, seconds (observed)"
)

// DefaultTable is fargatekit's latency table for the resources its components create.
func DefaultTable() Table {
	fast := Latency{5 * time.Second, srcFast}
	return Table{
		ByType: map[string]Latency{
			"aws:eks/cluster:Cluster":                 {15 * time.Minute, srcEKS},
			"aws:eks/fargateProfile:FargateProfile":   {150 * time.Second, srcProfile},
			"aws:ec2/natGateway:NatGateway":           {2 * time.Minute, srcNAT},
			"aws:eks/addon:Addon":                     {time.Minute, "EKS add-on to ACTIVE, about 1 min (observed)"},
			"kubernetes:helm.sh/v3:Release":           {2 * time.Minute, "Helm release with wait: image pull + " + srcFargate},
			"kubernetes:networking.k8s.io/v1:Ingress": {3 * time.Minute, srcALB},
			"kubernetes:apps/v1:Deployment":           {90 * time.Second, srcFargate},
			"aws:iam/role:Role":                       {10 * time.Second, "IAM create + propagation, seconds (observed; IAM is eventually consistent)"},
			"aws:kms/key:Key":                         {10 * time.Second, srcFast},
		},
		Default: fast,
		Override: func(r *mockstack.Resource) (Latency, bool) {
			if r.Type == "aws:eks/addon:Addon" && r.InputString("addonName") == "coredns" {
				return Latency{2 * time.Minute, "CoreDNS add-on ACTIVE needs its pods Running on Fargate: " + srcFargate}, true
			}
			if r.Type == "kubernetes:gateway.networking.k8s.io/v1:Gateway" {
				return Latency{3 * time.Minute, srcALB + " (a Gateway of an ALB class)"}, true
			}
			if r.Type == "kubernetes:core/v1:Service" && r.InputString("spec.type") == "LoadBalancer" {
				return Latency{3 * time.Minute, "NLB provisioning, 2–4 min (observed)"}, true
			}
			return Latency{}, false
		},
	}
}

// Resolve returns the latency of one resource (0 for components and providers).
func (t Table) Resolve(r *mockstack.Resource) Latency {
	if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
		return Latency{}
	}
	if t.Override != nil {
		if l, ok := t.Override(r); ok {
			return l
		}
	}
	if l, ok := t.ByType[r.Type]; ok {
		return l
	}
	return t.Default
}

// Step is one resource on the schedule.
type Step struct {
	// Resource is the resource created.
	Resource *mockstack.Resource
	// Latency is the create latency assumed for it.
	Latency Latency
	// Start and Finish are offsets from the beginning of the deployment.
	Start, Finish time.Duration
}

// Estimate is the result of [Compute].
type Estimate struct {
	// Total is the length of the critical path: the estimated deployment time.
	Total time.Duration
	// Serial is the sum of every latency: what one-at-a-time creation would take.
	Serial time.Duration
	// CriticalPath lists the chain that cannot be shortened, in order.
	CriticalPath []Step
	// Steps holds every custom resource, in order of start time.
	Steps []Step
}

// Compute schedules every custom resource as early as its dependencies allow
// (unbounded parallelism, as the Pulumi engine creates independent resources at
// once) and returns the critical path.
func Compute(g *mockstack.Graph, t Table) (Estimate, error) {
	// deps of a resource: recorded edges, a component dependency expanded to its
	// custom descendants.
	var expand func(r *mockstack.Resource, out map[*mockstack.Resource]bool)
	expand = func(r *mockstack.Resource, out map[*mockstack.Resource]bool) {
		if r.Custom {
			out[r] = true
			return
		}
		for _, c := range g.Children(r) {
			expand(c, out)
		}
	}
	depsOf := map[*mockstack.Resource][]*mockstack.Resource{}
	for _, r := range g.Resources {
		set := map[*mockstack.Resource]bool{}
		urns := slices.Clone(r.DependsOn)
		for _, us := range r.PropertyDeps {
			urns = append(urns, us...)
		}
		for _, u := range urns {
			if d := g.ByURN(u); d != nil && d != r {
				expand(d, set)
			}
		}
		for d := range set {
			depsOf[r] = append(depsOf[r], d)
		}
		slices.SortFunc(depsOf[r], func(a, b *mockstack.Resource) int { return a.Order - b.Order })
	}
	finish := map[*mockstack.Resource]time.Duration{}
	via := map[*mockstack.Resource]*mockstack.Resource{}
	state := map[*mockstack.Resource]int{} // 1 visiting, 2 done
	var visit func(r *mockstack.Resource) error
	visit = func(r *mockstack.Resource) error {
		switch state[r] {
		case 1:
			return fmt.Errorf("deploytime: dependency cycle through %s %s", r.Type, r.Name)
		case 2:
			return nil
		}
		state[r] = 1
		var start time.Duration
		for _, d := range depsOf[r] {
			if err := visit(d); err != nil {
				return err
			}
			if finish[d] > start || via[r] == nil && finish[d] == start {
				start, via[r] = finish[d], d
			}
		}
		finish[r] = start + t.Resolve(r).Typical
		state[r] = 2
		return nil
	}
	var est Estimate
	var last *mockstack.Resource
	for _, r := range g.Resources {
		if !r.Custom {
			continue
		}
		if err := visit(r); err != nil {
			return Estimate{}, err
		}
		l := t.Resolve(r)
		est.Serial += l.Typical
		est.Steps = append(est.Steps, Step{Resource: r, Latency: l, Start: finish[r] - l.Typical, Finish: finish[r]})
		if last == nil || finish[r] > finish[last] {
			last = r
		}
	}
	slices.SortStableFunc(est.Steps, func(a, b Step) int { return int(a.Start - b.Start) })
	for r := last; r != nil; r = via[r] {
		if !r.Custom {
			continue
		}
		l := t.Resolve(r)
		est.CriticalPath = append(est.CriticalPath, Step{Resource: r, Latency: l, Start: finish[r] - l.Typical, Finish: finish[r]})
	}
	slices.Reverse(est.CriticalPath)
	if last != nil {
		est.Total = finish[last]
	}
	return est, nil
}

// Format prints the critical path, the estimate next to the serial sum, and the
// sources of the figures on the path.
func (e Estimate) Format(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Deploy-time ESTIMATE (typical create latencies; real runs vary by region and load)\n")
	fmt.Fprintf(&b, "Critical path — the serial chain that parallelism cannot shorten:\n")
	for _, s := range e.CriticalPath {
		if s.Latency.Typical < 30*time.Second {
			continue
		}
		fmt.Fprintf(&b, "  %8s → %8s  %-40s %s\n", clock(s.Start), clock(s.Finish), s.Resource.Type, s.Resource.Name)
	}
	short := 0
	for _, s := range e.CriticalPath {
		if s.Latency.Typical < 30*time.Second {
			short++
		}
	}
	if short > 0 {
		fmt.Fprintf(&b, "  (+%d quick steps on the path: IAM, VPC, Kubernetes objects)\n", short)
	}
	fmt.Fprintf(&b, "Estimate: %s with the engine's parallelism (%d resources); %s if created one at a time.\n",
		clock(e.Total), len(e.Steps), clock(e.Serial))
	fmt.Fprintf(&b, "Sources:\n")
	seen := map[string]bool{}
	for _, s := range e.CriticalPath {
		if src := s.Latency.Source; src != "" && !seen[src] && s.Latency.Typical >= 30*time.Second {
			seen[src] = true
			fmt.Fprintf(&b, "  - %s: %s\n", s.Resource.Type, src)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
