package eksfargate

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// LabelFargateProfile is the pod label that chooses, among the Fargate
// profiles that select a pod, the one it runs on (EKS user guide, Fargate
// profile: "you can specify which profile a Pod uses by adding the
// eks.amazonaws.com/fargate-profile label"). Without it EKS picks one of the
// matching profiles at random.
const LabelFargateProfile = "eks.amazonaws.com/fargate-profile"

// Workload names a deployment to move onto the replacement of a changed
// Fargate profile.
type Workload struct {
	// Namespace and Name name the deployment.
	Namespace, Name string
}

// String is namespace/name.
func (w Workload) String() string { return w.Namespace + "/" + w.Name }

// CoreDNSWorkload is the CoreDNS deployment of the EKS add-on, kube-system/coredns.
func CoreDNSWorkload() Workload { return Workload{Namespace: "kube-system", Name: "coredns"} }

// WithRollOntoReplacement makes [EnsureFargateProfiles] move workloads onto
// a changed profile's replacement before the earlier version is deleted:
// once the new profile is ACTIVE, each of CoreDNS ([CoreDNSWorkload], always
// included) and the given deployments whose pods the new profile selects is
// restarted with its pod template labelled [LabelFargateProfile]=<new
// profile> (so the new pods land on it, not at random on either), and its
// rollout waited for, one at a time, respecting PodDisruptionBudgets
// ([RollDeployments]' rules; opts tune the waits). Only then is the old
// profile deleted, with none of their pods left on it: deleting a profile
// deletes its pods all at once, which for CoreDNS is a DNS outage.
// Deployments that do not exist (yet) are skipped.
func WithRollOntoReplacement(cs kubernetes.Interface, workloads []Workload, opts ...RollOption) EnsureOption {
	all := append([]Workload{CoreDNSWorkload()}, workloads...)
	return func(s *ensureSettings) {
		done := map[string]bool{} // one roll per replacement, however many old versions
		s.beforeDelete = func(ctx context.Context, replacement FargateProfile, old string) error {
			if done[replacement.Name] {
				return nil
			}
			if _, err := RollOntoProfile(ctx, cs, replacement, all, opts...); err != nil {
				return err
			}
			done[replacement.Name] = true
			return nil
		}
	}
}

// RollOntoProfile restarts, one at a time and in order, the workloads whose
// pods profile (with its physical name, [ProfileName]) selects, pinning
// their pods to it with [LabelFargateProfile], and waits for each rollout
// ([RollDeployments]' rules). Workloads that do not exist, or whose pods the
// profile does not select, are skipped. It returns the workloads rolled.
func RollOntoProfile(ctx context.Context, cs kubernetes.Interface, profile FargateProfile, workloads []Workload, opts ...RollOption) ([]Workload, error) {
	s := rollSettings{poll: 5 * time.Second, timeout: 10 * time.Minute, now: time.Now}
	for _, o := range opts {
		o(&s)
	}
	r := &roller{rollSettings: s, cs: cs}
	var rolled []Workload
	for i, w := range workloads {
		d, err := cs.AppsV1().Deployments(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return rolled, fmt.Errorf("eksfargate: RollOntoProfile %s: %s: %w", profile.Name, w, err)
		}
		selected := false
		for _, sel := range profile.Selectors {
			selected = selected || sel.Matches(w.Namespace, d.Spec.Template.Labels)
		}
		if !selected {
			continue
		}
		p := RollProgress{Namespace: w.Namespace, Deployment: w.Name, Index: i + 1, Total: len(workloads)}
		if err := r.roll(ctx, *d, p, map[string]string{LabelFargateProfile: profile.Name}); err != nil {
			return rolled, fmt.Errorf("eksfargate: RollOntoProfile %s: %s: %w", profile.Name, w, err)
		}
		rolled = append(rolled, w)
	}
	return rolled, nil
}
