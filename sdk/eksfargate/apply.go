package eksfargate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// EKSAPI is the part of the EKS API that EnsureFargateProfiles uses;
// *eks.Client satisfies it.
type EKSAPI interface {
	CreateFargateProfile(ctx context.Context, in *eks.CreateFargateProfileInput, optFns ...func(*eks.Options)) (*eks.CreateFargateProfileOutput, error)
	DescribeFargateProfile(ctx context.Context, in *eks.DescribeFargateProfileInput, optFns ...func(*eks.Options)) (*eks.DescribeFargateProfileOutput, error)
	ListFargateProfiles(ctx context.Context, in *eks.ListFargateProfilesInput, optFns ...func(*eks.Options)) (*eks.ListFargateProfilesOutput, error)
	DeleteFargateProfile(ctx context.Context, in *eks.DeleteFargateProfileInput, optFns ...func(*eks.Options)) (*eks.DeleteFargateProfileOutput, error)
}

// ErrProfileMismatch is wrapped (through [*ProfileMismatchError]) when a
// profile of the wanted name exists with other selectors, subnets or role.
// Fargate profiles are immutable: replace it under another name, or delete it.
var ErrProfileMismatch = errors.New("eksfargate: Fargate profile exists with different settings")

// ErrProfileFailed is wrapped when a profile is in CREATE_FAILED or
// DELETE_FAILED, or turns CREATE_FAILED while being waited for.
var ErrProfileFailed = errors.New("eksfargate: Fargate profile failed")

// ProfileMismatchError names the differences between an existing profile and
// the wanted one.
type ProfileMismatchError struct {
	// Cluster and Profile name the existing profile.
	Cluster, Profile string
	// Differences are human-readable, one per differing field.
	Differences []string
}

// Error implements error.
func (e *ProfileMismatchError) Error() string {
	return fmt.Sprintf("eksfargate: Fargate profile %s of cluster %s exists with different settings (profiles are immutable): %s",
		e.Profile, e.Cluster, strings.Join(e.Differences, "; "))
}

// Is makes errors.Is(err, ErrProfileMismatch) true.
func (e *ProfileMismatchError) Is(target error) bool { return target == ErrProfileMismatch }

// ProgressEvent says what EnsureFargateProfiles is doing.
type ProgressEvent string

// Progress events.
const (
	// EventExists: the profile exists and matches; nothing to do.
	EventExists ProgressEvent = "exists"
	// EventCreating: CreateFargateProfile was accepted.
	EventCreating ProgressEvent = "creating"
	// EventWaiting: the profile is CREATING (or DELETING, for a profile of the
	// same name on its way out); polling.
	EventWaiting ProgressEvent = "waiting"
	// EventBusy: EKS answered ResourceInUseException (another profile of the
	// cluster is CREATING or DELETING); retrying after Retry.
	EventBusy ProgressEvent = "busy"
	// EventActive: the profile is ACTIVE.
	EventActive ProgressEvent = "active"
	// EventDeleting: DeleteFargateProfile was accepted for a replaced profile.
	EventDeleting ProgressEvent = "deleting"
	// EventDeleted: a replaced profile is gone.
	EventDeleted ProgressEvent = "deleted"
)

// Progress is one step of EnsureFargateProfiles.
type Progress struct {
	// Cluster and Profile name the profile concerned.
	Cluster, Profile string
	// Event says what happened.
	Event ProgressEvent
	// Status is the profile's last known status (CREATING, ACTIVE, ...).
	Status string
	// Attempt counts create attempts of this profile (EventBusy).
	Attempt int
	// Retry is the wait before the next attempt (EventBusy).
	Retry time.Duration
	// Message is EKS's message (EventBusy).
	Message string
}

// EnsureResult says what EnsureFargateProfiles did.
type EnsureResult struct {
	// Created and Unchanged list the wanted profiles' physical names
	// ([ProfileName]), by what happened to them.
	Created, Unchanged []string
	// Deleted lists the replaced profiles deleted after their replacement
	// became ACTIVE: earlier versions of a wanted profile (the same Name with
	// another content hash, or the bare Name).
	Deleted []string
	// Unmanaged lists the cluster's other profiles, left alone.
	Unmanaged []string
}

type ensureSettings struct {
	roleARN                string
	subnets                []string
	tags                   map[string]string
	pollMin, pollMax       time.Duration
	backoffMin, backoffMax time.Duration
	timeout                time.Duration
	log                    *slog.Logger
	progress               func(Progress)
	// beforeDelete runs before an earlier version old of replacement is deleted.
	beforeDelete func(ctx context.Context, replacement FargateProfile, old string) error
}

// EnsureOption configures EnsureFargateProfiles.
type EnsureOption func(*ensureSettings)

// WithPodExecutionRole sets the pod-execution role ARN of the profiles (required).
func WithPodExecutionRole(arn string) EnsureOption {
	return func(s *ensureSettings) { s.roleARN = arn }
}

// WithSubnets sets the private subnets of the profiles (required); a
// profile's own SubnetIDs win.
func WithSubnets(ids ...string) EnsureOption {
	return func(s *ensureSettings) { s.subnets = slices.Clone(ids) }
}

// WithProfileTags adds tags to every created profile (under each profile's own).
func WithProfileTags(tags map[string]string) EnsureOption {
	return func(s *ensureSettings) { s.tags = maps.Clone(tags) }
}

// WithPollInterval sets how often a CREATING profile is polled: from min,
// growing to max (the SDK waiter's MinDelay and MaxDelay). Default 10s to 30s.
func WithPollInterval(min, max time.Duration) EnsureOption {
	return func(s *ensureSettings) { s.pollMin, s.pollMax = min, max }
}

// WithBackoff sets the wait after a ResourceInUseException: min, doubling up
// to max. Default 5s to 60s.
func WithBackoff(min, max time.Duration) EnsureOption {
	return func(s *ensureSettings) { s.backoffMin, s.backoffMax = min, max }
}

// WithTimeout bounds the time spent on each profile. Default 20 minutes.
func WithTimeout(d time.Duration) EnsureOption { return func(s *ensureSettings) { s.timeout = d } }

// WithLogger logs every progress step at Info level.
func WithLogger(l *slog.Logger) EnsureOption { return func(s *ensureSettings) { s.log = l } }

// WithProgress calls f at every progress step.
func WithProgress(f func(Progress)) EnsureOption { return func(s *ensureSettings) { s.progress = f } }

// EnsureFargateProfiles makes the cluster have the given profiles, creating
// the missing ones strictly one at a time, in order, each waited for until
// ACTIVE with the SDK's FargateProfileActive waiter. Each profile's physical
// name is [ProfileName] (the Name and a content hash), the name the Pulumi
// component gives it too. A changed profile is therefore a new name: it is
// created first, and once ACTIVE the earlier versions of it (the same Name
// with another hash, or the bare Name) are deleted, one at a time, each
// waited out; pods they ran always have a matching profile. EKS refuses a profile
// while another one of the cluster is CREATING or DELETING (perhaps created by
// another process): that ResourceInUseException is retried with backoff.
// Profiles that exist with the same selectors, subnets and role are skipped; one
// that exists with others is a [*ProfileMismatchError]. Run twice, it creates
// nothing the second time.
func EnsureFargateProfiles(ctx context.Context, api EKSAPI, cluster string, profiles []FargateProfile, opts ...EnsureOption) (EnsureResult, error) {
	s := ensureSettings{pollMin: 10 * time.Second, pollMax: 30 * time.Second,
		backoffMin: 5 * time.Second, backoffMax: time.Minute, timeout: 20 * time.Minute}
	for _, o := range opts {
		o(&s)
	}
	fail := func(err error) (EnsureResult, error) {
		return EnsureResult{}, fmt.Errorf("eksfargate: EnsureFargateProfiles %s: %w", cluster, err)
	}
	if err := s.validate(cluster, profiles); err != nil {
		return fail(err)
	}
	existing, err := listProfiles(ctx, api, cluster)
	if err != nil {
		return fail(err)
	}
	e := &ensurer{ensureSettings: s, api: api, cluster: cluster}
	var res EnsureResult
	for _, p := range profiles {
		logical := p.Name
		p.Name = ProfileName(p)
		created, err := e.ensure(ctx, p, existing[p.Name])
		if err != nil {
			return res, fmt.Errorf("eksfargate: EnsureFargateProfiles %s: %w", cluster, err)
		}
		if created {
			res.Created = append(res.Created, p.Name)
		} else {
			res.Unchanged = append(res.Unchanged, p.Name)
		}
		delete(existing, p.Name)
		// Earlier versions of this profile go only now that the new one is ACTIVE.
		for _, old := range slices.Sorted(maps.Keys(existing)) {
			if l, ok := LogicalProfileName(old); old != logical && (!ok || l != logical) {
				continue
			}
			if s.beforeDelete != nil {
				if err := s.beforeDelete(ctx, p, old); err != nil {
					return res, fmt.Errorf("eksfargate: EnsureFargateProfiles %s: replace %s: %w", cluster, old, err)
				}
			}
			if err := e.remove(ctx, old); err != nil {
				return res, fmt.Errorf("eksfargate: EnsureFargateProfiles %s: replace %s: %w", cluster, old, err)
			}
			res.Deleted = append(res.Deleted, old)
			delete(existing, old)
		}
	}
	res.Unmanaged = slices.Sorted(maps.Keys(existing))
	return res, nil
}

func (s ensureSettings) validate(cluster string, profiles []FargateProfile) error {
	var errs []error
	if !ValidClusterName(cluster) {
		errs = append(errs, fieldErr("cluster", "%q is not a valid EKS cluster name", cluster))
	}
	errs = append(errs, checkProfiles(profiles))
	if _, err := partition.ParseARN(s.roleARN, "iam", "role/"); err != nil {
		errs = append(errs, fieldErr("WithPodExecutionRole", "%v", err))
	}
	if len(s.subnets) == 0 || slices.Contains(s.subnets, "") {
		errs = append(errs, fieldErr("WithSubnets", "%d subnet IDs (need at least one, none empty)", len(s.subnets)))
	}
	if s.pollMin <= 0 || s.pollMax < s.pollMin || s.backoffMin <= 0 || s.backoffMax < s.backoffMin || s.timeout <= 0 {
		errs = append(errs, fieldErr("options", "intervals and timeout must be positive, each max at least its min"))
	}
	errs = append(errs, validateTags("WithProfileTags", s.tags))
	return errors.Join(errs...)
}

// listProfiles returns the names of the cluster's profiles, all pages.
func listProfiles(ctx context.Context, api EKSAPI, cluster string) (map[string]bool, error) {
	out := map[string]bool{}
	pages := eks.NewListFargateProfilesPaginator(api, &eks.ListFargateProfilesInput{ClusterName: aws.String(cluster)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Fargate profiles: %w", err)
		}
		for _, n := range page.FargateProfileNames {
			out[n] = true
		}
	}
	return out, nil
}

type ensurer struct {
	ensureSettings
	api     EKSAPI
	cluster string
}

func (e *ensurer) report(p Progress) {
	p.Cluster = e.cluster
	if e.progress != nil {
		e.progress(p)
	}
	if e.log != nil {
		attrs := []any{"cluster", p.Cluster, "profile", p.Profile, "event", string(p.Event)}
		if p.Status != "" {
			attrs = append(attrs, "status", p.Status)
		}
		if p.Event == EventBusy {
			attrs = append(attrs, "attempt", p.Attempt, "retry", p.Retry, "message", p.Message)
		}
		e.log.Info("Fargate profile", attrs...)
	}
}

// ensure brings one profile to ACTIVE; created reports whether this call created it.
func (e *ensurer) ensure(ctx context.Context, p FargateProfile, exists bool) (created bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	backoff := e.backoffMin
	for attempt := 1; ; {
		if exists {
			fp, err := e.describe(ctx, p.Name)
			if err != nil {
				return false, err
			}
			if fp == nil { // gone (deleted, or never there after all): create it
				exists = false
				continue
			}
			if err := e.compare(p, fp); err != nil {
				return false, err
			}
			switch fp.Status {
			case types.FargateProfileStatusActive:
				e.report(Progress{Profile: p.Name, Event: EventExists, Status: string(fp.Status)})
				return false, nil
			case types.FargateProfileStatusCreating:
				return false, e.waitActive(ctx, p.Name)
			case types.FargateProfileStatusDeleting:
				if err := e.waitGone(ctx, p.Name); err != nil {
					return false, err
				}
				exists = false
				continue
			default:
				return false, fmt.Errorf("%w: %s is %s%s", ErrProfileFailed, p.Name, fp.Status, health(fp))
			}
		}
		_, err := e.api.CreateFargateProfile(ctx, e.createInput(p))
		if err == nil {
			e.report(Progress{Profile: p.Name, Event: EventCreating, Status: string(types.FargateProfileStatusCreating)})
			return true, e.waitActive(ctx, p.Name)
		}
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return false, fmt.Errorf("create Fargate profile %s: %w", p.Name, err)
		}
		e.report(Progress{Profile: p.Name, Event: EventBusy, Attempt: attempt, Retry: backoff, Message: inUse.ErrorMessage()})
		if err := sleep(ctx, backoff); err != nil {
			return false, fmt.Errorf("create Fargate profile %s: still busy after %d attempts: %w", p.Name, attempt, err)
		}
		backoff = min(2*backoff, e.backoffMax)
		attempt++
		// The conflict may be the profile itself, created meanwhile by someone else.
		exists = true
	}
}

// remove deletes a replaced profile and waits until it is gone, retrying
// while EKS answers ResourceInUseException (another profile is CREATING or
// DELETING).
func (e *ensurer) remove(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	backoff := e.backoffMin
	for attempt := 1; ; attempt++ {
		_, err := e.api.DeleteFargateProfile(ctx, &eks.DeleteFargateProfileInput{ClusterName: aws.String(e.cluster), FargateProfileName: aws.String(name)})
		var inUse *types.ResourceInUseException
		var nf *types.ResourceNotFoundException
		switch {
		case err == nil:
			e.report(Progress{Profile: name, Event: EventDeleting, Status: string(types.FargateProfileStatusDeleting)})
			if err := e.waitGone(ctx, name); err != nil {
				return err
			}
			e.report(Progress{Profile: name, Event: EventDeleted})
			return nil
		case errors.As(err, &nf):
			return nil // gone already (someone else deleted it)
		case !errors.As(err, &inUse):
			return fmt.Errorf("delete Fargate profile %s: %w", name, err)
		}
		e.report(Progress{Profile: name, Event: EventBusy, Attempt: attempt, Retry: backoff, Message: inUse.ErrorMessage()})
		if err := sleep(ctx, backoff); err != nil {
			return fmt.Errorf("delete Fargate profile %s: still busy after %d attempts: %w", name, attempt, err)
		}
		backoff = min(2*backoff, e.backoffMax)
	}
}

// subnetsOf returns the profile's own subnets, else the WithSubnets ones.
func (e *ensurer) subnetsOf(p FargateProfile) []string {
	if len(p.SubnetIDs) > 0 {
		return slices.Clone(p.SubnetIDs)
	}
	return slices.Clone(e.subnets)
}

func (e *ensurer) createInput(p FargateProfile) *eks.CreateFargateProfileInput {
	tags := maps.Clone(e.tags)
	if tags == nil && len(p.Tags) > 0 {
		tags = map[string]string{}
	}
	maps.Copy(tags, p.Tags)
	in := &eks.CreateFargateProfileInput{
		ClusterName:         aws.String(e.cluster),
		FargateProfileName:  aws.String(p.Name),
		PodExecutionRoleArn: aws.String(e.roleARN),
		Subnets:             e.subnetsOf(p),
		Tags:                tags,
	}
	for _, s := range p.Selectors {
		in.Selectors = append(in.Selectors, types.FargateProfileSelector{Namespace: aws.String(s.Namespace), Labels: maps.Clone(s.Labels)})
	}
	return in
}

// describe returns the profile, or nil when it does not exist.
func (e *ensurer) describe(ctx context.Context, name string) (*types.FargateProfile, error) {
	out, err := e.api.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(e.cluster), FargateProfileName: aws.String(name)})
	var nf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("describe Fargate profile %s: %w", name, err)
	case out.FargateProfile == nil:
		return nil, fmt.Errorf("describe Fargate profile %s: empty answer", name)
	}
	return out.FargateProfile, nil
}

// waitActive waits with the SDK waiter, reporting every poll.
func (e *ensurer) waitActive(ctx context.Context, name string) error {
	var last types.FargateProfileStatus
	var lastProfile *types.FargateProfile
	w := eks.NewFargateProfileActiveWaiter(e.api, func(o *eks.FargateProfileActiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = e.pollMin, e.pollMax
		next := o.Retryable
		o.Retryable = func(ctx context.Context, in *eks.DescribeFargateProfileInput, out *eks.DescribeFargateProfileOutput, err error) (bool, error) {
			if err == nil && out != nil && out.FargateProfile != nil {
				last, lastProfile = out.FargateProfile.Status, out.FargateProfile
				if last == types.FargateProfileStatusCreating {
					e.report(Progress{Profile: name, Event: EventWaiting, Status: string(last)})
				}
			}
			return next(ctx, in, out, err)
		}
	})
	wait := e.timeout
	if d, ok := ctx.Deadline(); ok {
		wait = time.Until(d)
	}
	err := w.Wait(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(e.cluster), FargateProfileName: aws.String(name)}, wait)
	switch {
	case err == nil:
		e.report(Progress{Profile: name, Event: EventActive, Status: string(types.FargateProfileStatusActive)})
		return nil
	case last == types.FargateProfileStatusCreateFailed:
		return fmt.Errorf("%w: %s is CREATE_FAILED%s", ErrProfileFailed, name, health(lastProfile))
	case ctx.Err() != nil:
		return fmt.Errorf("wait for Fargate profile %s (last status %q): %w", name, last, ctx.Err())
	}
	return fmt.Errorf("wait for Fargate profile %s (last status %q): %w", name, last, err)
}

// waitGone polls until a DELETING profile has disappeared.
func (e *ensurer) waitGone(ctx context.Context, name string) error {
	delay := e.pollMin
	for {
		fp, err := e.describe(ctx, name)
		if err != nil {
			return err
		}
		if fp == nil {
			return nil
		}
		if fp.Status != types.FargateProfileStatusDeleting {
			return fmt.Errorf("%w: %s is %s while waiting for its deletion%s", ErrProfileFailed, name, fp.Status, health(fp))
		}
		e.report(Progress{Profile: name, Event: EventWaiting, Status: string(fp.Status)})
		if err := sleep(ctx, delay); err != nil {
			return fmt.Errorf("wait for deletion of Fargate profile %s: %w", name, err)
		}
		delay = min(2*delay, e.pollMax)
	}
}

func health(fp *types.FargateProfile) string {
	if fp == nil || fp.Health == nil || len(fp.Health.Issues) == 0 {
		return ""
	}
	var msgs []string
	for _, i := range fp.Health.Issues {
		msgs = append(msgs, string(i.Code)+": "+aws.ToString(i.Message))
	}
	return " (" + strings.Join(msgs, "; ") + ")"
}

// compare returns a *ProfileMismatchError when fp differs from the wanted profile.
func (e *ensurer) compare(p FargateProfile, fp *types.FargateProfile) error {
	var diffs []string
	want := selectorKeys(p.Selectors)
	var have []string
	for _, s := range fp.Selectors {
		have = append(have, Selector{Namespace: aws.ToString(s.Namespace), Labels: s.Labels}.key())
	}
	slices.Sort(have)
	if !slices.Equal(want, have) {
		diffs = append(diffs, fmt.Sprintf("selectors %v, want %v", have, want))
	}
	ws, hs := slices.Sorted(slices.Values(e.subnetsOf(p))), slices.Sorted(slices.Values(fp.Subnets))
	if !slices.Equal(slices.Compact(ws), slices.Compact(hs)) {
		diffs = append(diffs, fmt.Sprintf("subnets %v, want %v", hs, ws))
	}
	if r := aws.ToString(fp.PodExecutionRoleArn); r != e.roleARN {
		diffs = append(diffs, fmt.Sprintf("pod-execution role %s, want %s", r, e.roleARN))
	}
	if len(diffs) > 0 {
		return &ProfileMismatchError{Cluster: e.cluster, Profile: p.Name, Differences: diffs}
	}
	return nil
}

func selectorKeys(sels []Selector) []string {
	out := make([]string, 0, len(sels))
	for _, s := range sels {
		out = append(out, s.key())
	}
	slices.Sort(out)
	return out
}

// key is a canonical text of the selector: namespace{k=v,...} with sorted keys.
func (s Selector) key() string {
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(s.Labels)) {
		kv = append(kv, k+"="+s.Labels[k])
	}
	return s.Namespace + "{" + strings.Join(kv, ",") + "}"
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
