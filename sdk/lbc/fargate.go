package lbc

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/fargatekit/fargatekit/internal/glob"
)

// ErrNoFargateProfile is wrapped when no Fargate profile of a Fargate-only
// cluster selects the controller's pods: they would stay Pending (no node
// runs them) until the Helm release times out, and every Service creation
// would fail meanwhile on the unreachable service-mutator webhook.
var ErrNoFargateProfile = errors.New("lbc: no Fargate profile selects the controller's pods")

// FargateProfile is a Fargate profile as the selection check reads it.
type FargateProfile struct {
	// Name is the profile's name.
	Name string
	// Status is the profile's EKS status (CREATING, ACTIVE, DELETING,
	// CREATE_FAILED, DELETE_FAILED); "" when not yet known (a plan).
	Status string
	// Selectors are the profile's pod selectors.
	Selectors []FargateSelector
}

// FargateSelector selects the pods of Namespace whose labels include all of
// Labels, with the wildcards '*' and '?' in the namespace, label keys and
// label values (the EKS Fargate profile rules).
type FargateSelector struct {
	// Namespace is the namespace pattern.
	Namespace string
	// Labels are the label patterns a pod must match, if any.
	Labels map[string]string
}

// Matches reports whether the selector selects a pod of namespace with labels.
func (s FargateSelector) Matches(namespace string, labels map[string]string) bool {
	return glob.Match(s.Namespace, namespace) && glob.MatchLabels(s.Labels, labels)
}

// schedules reports whether a profile in this status places new pods: an
// ACTIVE profile, one being created (it will be), or one whose status is not
// known yet.
func (p FargateProfile) schedules() bool {
	switch p.Status {
	case "", string(ekstypes.FargateProfileStatusActive), string(ekstypes.FargateProfileStatusCreating):
		return true
	}
	return false
}

// ControllerPodLabels returns the labels of the controller's pods for a
// release name ("" means ReleaseName) and chart values (Values' result, or
// just the ExtraValues: only nameOverride and podLabels are read), as the
// chart's deployment template sets them: app.kubernetes.io/name (the chart
// name or nameOverride), app.kubernetes.io/instance (the release name), and
// podLabels.
func ControllerPodLabels(values map[string]any, releaseName string) map[string]string {
	if releaseName == "" {
		releaseName = ReleaseName
	}
	name := ChartName
	if o, ok := values["nameOverride"].(string); ok && o != "" {
		name = strings.TrimSuffix(truncate(o, 63), "-")
	}
	out := map[string]string{}
	if extra, ok := values["podLabels"].(map[string]any); ok {
		for k, v := range extra {
			out[k] = fmt.Sprint(v)
		}
	}
	out["app.kubernetes.io/name"] = name
	out["app.kubernetes.io/instance"] = releaseName
	return out
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// CheckFargateProfiles returns the first profile (in the order given) that
// would place a pod of namespace with podLabels on Fargate: a selector
// matches, and the profile is ACTIVE, being created, or of unknown status.
// Without one it returns an error wrapping ErrNoFargateProfile that lists
// the profiles and why none applies. It is pure: the Pulumi component runs
// it at plan time on the cluster's profiles, the SDK on EKS's
// ([CheckFargate]).
func CheckFargateProfiles(profiles []FargateProfile, namespace string, podLabels map[string]string) (FargateProfile, error) {
	var notes []string
	for _, p := range profiles {
		matched := slices.ContainsFunc(p.Selectors, func(s FargateSelector) bool { return s.Matches(namespace, podLabels) })
		switch {
		case matched && p.schedules():
			return p, nil
		case matched:
			notes = append(notes, fmt.Sprintf("%s selects them but is %s", p.Name, p.Status))
		default:
			var sels []string
			for _, s := range p.Selectors {
				sels = append(sels, s.String())
			}
			notes = append(notes, fmt.Sprintf("%s selects %s", p.Name, strings.Join(sels, ", ")))
		}
	}
	if len(profiles) == 0 {
		notes = append(notes, "the cluster has no Fargate profiles")
	}
	return FargateProfile{}, fmt.Errorf("%w: namespace %s, labels %s: %s (add a selector for namespace %s, or these labels, to a profile)",
		ErrNoFargateProfile, namespace, formatLabels(podLabels), strings.Join(notes, "; "), namespace)
}

// String is "namespace" or "namespace{k=v,...}" with the labels sorted.
func (s FargateSelector) String() string {
	if len(s.Labels) == 0 {
		return s.Namespace
	}
	return s.Namespace + formatLabels(s.Labels)
}

func formatLabels(labels map[string]string) string {
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		kv = append(kv, k+"="+labels[k])
	}
	return "{" + strings.Join(kv, ",") + "}"
}

// EKSAPI is the part of the EKS API that FargateProfiles uses; *eks.Client
// satisfies it.
type EKSAPI interface {
	// ListFargateProfiles lists a cluster's profile names (paginated).
	ListFargateProfiles(ctx context.Context, in *eks.ListFargateProfilesInput, optFns ...func(*eks.Options)) (*eks.ListFargateProfilesOutput, error)
	// DescribeFargateProfile returns one profile's selectors and status.
	DescribeFargateProfile(ctx context.Context, in *eks.DescribeFargateProfileInput, optFns ...func(*eks.Options)) (*eks.DescribeFargateProfileOutput, error)
}

// FargateProfiles reads a cluster's Fargate profiles from EKS
// (ListFargateProfiles, then DescribeFargateProfile for each), sorted by name.
func FargateProfiles(ctx context.Context, api EKSAPI, clusterName string) ([]FargateProfile, error) {
	if !validClusterName(clusterName) {
		return nil, fmt.Errorf("lbc: Fargate profiles: %w: cluster name %q", ErrInvalidSpec, clusterName)
	}
	var names []string
	p := eks.NewListFargateProfilesPaginator(api, &eks.ListFargateProfilesInput{ClusterName: aws.String(clusterName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("lbc: Fargate profiles of %s: ListFargateProfiles: %w", clusterName, err)
		}
		names = append(names, page.FargateProfileNames...)
	}
	slices.Sort(names)
	out := make([]FargateProfile, 0, len(names))
	for _, n := range names {
		d, err := api.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(clusterName), FargateProfileName: aws.String(n)})
		if err != nil {
			return nil, fmt.Errorf("lbc: Fargate profiles of %s: DescribeFargateProfile %s: %w", clusterName, n, err)
		}
		fp := FargateProfile{Name: n}
		if d.FargateProfile != nil {
			fp.Status = string(d.FargateProfile.Status)
			for _, s := range d.FargateProfile.Selectors {
				fp.Selectors = append(fp.Selectors, FargateSelector{Namespace: aws.ToString(s.Namespace), Labels: maps.Clone(s.Labels)})
			}
		}
		out = append(out, fp)
	}
	return out, nil
}

// CheckFargate reads a cluster's Fargate profiles from EKS and checks that
// one places the controller's pods (namespace "" means DefaultNamespace;
// podLabels nil means ControllerPodLabels(nil, "")): the profile, or an
// error wrapping ErrNoFargateProfile. Run it before installing on a
// Fargate-only cluster.
func CheckFargate(ctx context.Context, api EKSAPI, clusterName, namespace string, podLabels map[string]string) (FargateProfile, error) {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	if podLabels == nil {
		podLabels = ControllerPodLabels(nil, "")
	}
	profiles, err := FargateProfiles(ctx, api, clusterName)
	if err != nil {
		return FargateProfile{}, err
	}
	p, err := CheckFargateProfiles(profiles, namespace, podLabels)
	if err != nil {
		return FargateProfile{}, fmt.Errorf("lbc: cluster %s: %w", clusterName, err)
	}
	return p, nil
}
