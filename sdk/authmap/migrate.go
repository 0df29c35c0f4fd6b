package authmap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
)

// Authentication modes of an EKS cluster (accessConfig.authenticationMode).
const (
	ModeConfigMap       = string(ekstypes.AuthenticationModeConfigMap)
	ModeAPIAndConfigMap = string(ekstypes.AuthenticationModeApiAndConfigMap)
	ModeAPI             = string(ekstypes.AuthenticationModeApi)
)

// AuthModeSource documents the authentication modes and their one-way moves.
const AuthModeSource = "https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html"

// ClusterAPI is the part of EKS that switching the authentication mode
// needs; *eks.Client implements it.
type ClusterAPI interface {
	DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
	UpdateClusterConfig(ctx context.Context, in *eks.UpdateClusterConfigInput, optFns ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error)
	DescribeUpdate(ctx context.Context, in *eks.DescribeUpdateInput, optFns ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error)
}

// MigrateAPI is what Migrate calls on EKS; *eks.Client implements it.
type MigrateAPI interface {
	EKSAPI
	ClusterAPI
}

var _ MigrateAPI = (*eks.Client)(nil)

// ErrMigrationRefused is wrapped when Migrate will not start: aws-auth holds
// what access entries cannot express, or the target mode is invalid.
var ErrMigrationRefused = errors.New("authmap: migration refused")

// ErrUpdateFailed is wrapped when an UpdateClusterConfig ends Failed or Cancelled.
var ErrUpdateFailed = errors.New("authmap: cluster update failed")

// MigrateOptions adjust Migrate.
type MigrateOptions struct {
	// Apply makes the changes. The zero value is a dry run: Migrate reads
	// and reports what it would do, and writes nothing.
	Apply bool
	// TargetMode is ModeAPI (the default: aws-auth is retired) or
	// ModeAPIAndConfigMap (entries created, aws-auth still read).
	TargetMode string
	// Principals (IAM) resolves aws-auth's path-less role ARNs to the full
	// ARNs access entries need. Required.
	Principals PrincipalAPI
	// PrincipalARNs maps a principal as aws-auth writes it to the full ARN
	// its access entry takes (ResolveOptions.Overrides): for another
	// account's role with a path, which the caller's IAM cannot look up.
	PrincipalARNs map[string]string
	// ConfigMap names aws-auth (default kube-system/aws-auth).
	ConfigMap ConfigMapOptions
	// PollInterval paces the wait for UpdateClusterConfig (default 10s).
	PollInterval time.Duration
	// Logger receives every step and every poll of a wait; nil discards.
	Logger *slog.Logger
}

// MigrationReport says what Migrate did (or, in a dry run, would do).
type MigrationReport struct {
	// ModeBefore and ModeAfter are the cluster's authentication modes.
	ModeBefore, ModeAfter string
	// Plan is the access-entry plan (against no entries while the cluster
	// is CONFIG_MAP: it has none).
	Plan MigrationPlan
	// Steps are the steps, in order, one line each.
	Steps []string
	// Removed are the aws-auth identities removed (or to remove).
	Removed []string
	// Applied is true when the steps were carried out.
	Applied bool
}

// String renders the steps and the plan's informational lines.
func (r MigrationReport) String() string {
	var b strings.Builder
	verb := "would"
	if r.Applied {
		verb = "did"
	}
	fmt.Fprintf(&b, "authentication mode: %s -> %s\n", r.ModeBefore, r.ModeAfter)
	for i, s := range r.Steps {
		fmt.Fprintf(&b, "%2d. (%s) %s\n", i+1, verb, s)
	}
	for _, s := range r.Plan.Shadowed {
		fmt.Fprintf(&b, "note: %s\n", s)
	}
	for _, s := range r.Plan.Notes {
		fmt.Fprintf(&b, "note: %s\n", s)
	}
	if len(r.Steps) == 0 {
		b.WriteString("nothing to do: the access entries already grant what aws-auth grants\n")
	}
	return b.String()
}

// Migrate moves a cluster from aws-auth to access entries, as eksctl's
// utils migrate-to-access-entry does, in this order:
//
//  1. refuse, naming each, what access entries cannot express (mapAccounts,
//     custom system: groups, reserved usernames, SSO matchers, templated
//     groups): nothing is written then;
//  2. switch CONFIG_MAP to API_AND_CONFIG_MAP (UpdateClusterConfig, waited);
//  3. create, converge and associate the entries (ApplyEntries), principals
//     resolved to their full ARNs (ResolvePrincipalsIn: another account's
//     path-less role ARN is kept as written and noted "path not
//     recoverable", unless opts.PrincipalARNs gives it); system:masters becomes
//     AmazonEKSClusterAdminPolicy (the grant aws-auth already made);
//  4. read the entries back, and only then remove the migrated mappings
//     from aws-auth, EKS's node and Fargate mappings included: pods keep
//     their nodes throughout;
//  5. switch to API when that is the target (waited).
//
// Shadowed duplicates are migrated as the authenticator reads them (the
// last wins). Without opts.Apply it only reports. Every step is idempotent:
// a run that stopped half-way is finished by running again.
func Migrate(ctx context.Context, api MigrateAPI, kube typedcorev1.ConfigMapsGetter, cluster string, opts MigrateOptions) (MigrationReport, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	target := opts.TargetMode
	if target == "" {
		target = ModeAPI
	}
	if target != ModeAPI && target != ModeAPIAndConfigMap {
		return MigrationReport{}, fmt.Errorf("%w: target mode %q: %s or %s", ErrMigrationRefused, target, ModeAPI, ModeAPIAndConfigMap)
	}
	if opts.Principals == nil {
		return MigrationReport{}, fmt.Errorf("%w: no IAM client to resolve principals with", ErrMigrationRefused)
	}
	mode, account, err := clusterMode(ctx, api, cluster)
	if err != nil {
		return MigrationReport{}, err
	}
	rep := MigrationReport{ModeBefore: mode, ModeAfter: mode}
	if mode == ModeAPI {
		rep.Steps = nil
		return rep, nil // aws-auth is not read any more; nothing to migrate
	}
	current, _, err := Read(ctx, kube, opts.ConfigMap)
	if err != nil {
		return rep, err
	}
	want, notMigratable := AccessEntriesFor(current)
	rep.Plan.Manual, rep.Plan.Shadowed = Problems(notMigratable), Shadowed(current)
	if notMigratable != nil {
		return rep, fmt.Errorf("%w: aws-auth holds what access entries cannot express; change or remove these first:\n%w", ErrMigrationRefused, notMigratable)
	}
	resolved, err := ResolvePrincipalsIn(ctx, opts.Principals, want, ResolveOptions{Account: account, Overrides: opts.PrincipalARNs})
	rep.Plan.Notes = resolved.Notes
	if err != nil {
		return rep, fmt.Errorf("%w: %w", ErrMigrationRefused, err)
	}
	want = resolved.Entries
	var have []ExistingEntry
	if mode != ModeConfigMap {
		if have, err = observe(ctx, api, cluster, want); err != nil {
			return rep, err
		}
	}
	plan := diffEntries(want, have)
	plan.Manual, plan.Shadowed, plan.Notes = rep.Plan.Manual, rep.Plan.Shadowed, rep.Plan.Notes
	rep.Plan = plan
	if len(plan.Conflicts) > 0 {
		return rep, fmt.Errorf("%w: %w", ErrMigrationRefused, errors.Join(asErrors(plan.Conflicts)...))
	}
	ids := slices.Compact(slices.Sorted(slices.Values(current.Identities())))
	if mode == ModeConfigMap {
		rep.Steps = append(rep.Steps, "switch authentication mode CONFIG_MAP -> API_AND_CONFIG_MAP (UpdateClusterConfig, waited)")
	}
	for _, e := range plan.Create {
		rep.Steps = append(rep.Steps, "create access entry "+describeEntry(e))
	}
	for _, e := range plan.Update {
		rep.Steps = append(rep.Steps, "update access entry "+describeEntry(e))
	}
	for _, a := range plan.Associate {
		rep.Steps = append(rep.Steps, fmt.Sprintf("associate %s with %s (%s)", a.PolicyARN, a.PrincipalARN, a.scope()))
	}
	if len(ids) > 0 {
		rep.Steps = append(rep.Steps, "remove from aws-auth, once the entries above exist: "+strings.Join(ids, ", "))
		rep.Removed = ids
	}
	if target == ModeAPI {
		rep.Steps = append(rep.Steps, "switch authentication mode API_AND_CONFIG_MAP -> API (UpdateClusterConfig, waited)")
	}
	if !opts.Apply {
		return rep, nil
	}
	rep.Applied = true
	if mode == ModeConfigMap {
		if err := SetAuthMode(ctx, api, cluster, ModeAPIAndConfigMap, opts.PollInterval, log); err != nil {
			return rep, err
		}
		rep.ModeAfter = ModeAPIAndConfigMap
	}
	if _, err := ApplyEntries(ctx, api, cluster, want, AccessEntryOptions{Logger: log}); err != nil {
		return rep, err
	}
	// Read back: every migrated principal has its entry before aws-auth loses it.
	got, err := observe(ctx, api, cluster, want)
	if err != nil {
		return rep, err
	}
	if check := diffEntries(want, got); len(check.Create)+len(check.Update)+len(check.Associate) > 0 {
		return rep, fmt.Errorf("authmap: migrate %s: the access entries do not match after apply (%s); aws-auth left as it is", cluster, strings.TrimSpace(check.String()))
	}
	if len(ids) > 0 {
		if _, err := RemoveFrom(ctx, kube, ids, opts.ConfigMap); err != nil {
			return rep, err
		}
		log.Info("authmap: removed migrated mappings from aws-auth", "identities", len(ids))
	}
	if target == ModeAPI {
		if err := SetAuthMode(ctx, api, cluster, ModeAPI, opts.PollInterval, log); err != nil {
			return rep, err
		}
		rep.ModeAfter = ModeAPI
	}
	return rep, nil
}

// authMode reads a cluster's authentication mode (CONFIG_MAP when EKS
// reports none, as clusters made before access entries do).
func authMode(ctx context.Context, api ClusterAPI, cluster string) (string, error) {
	mode, _, err := clusterMode(ctx, api, cluster)
	return mode, err
}

// clusterMode reads a cluster's authentication mode and its account (from
// its ARN; "" when the ARN does not parse).
// ClusterAccount returns the account of a cluster (from its ARN), the one
// ResolveOptions.Account wants.
func ClusterAccount(ctx context.Context, api ClusterAPI, cluster string) (string, error) {
	_, account, err := clusterMode(ctx, api, cluster)
	return account, err
}

func clusterMode(ctx context.Context, api ClusterAPI, cluster string) (mode, account string, err error) {
	out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(cluster)})
	if err != nil {
		return "", "", fmt.Errorf("authmap: describing cluster %s: %w", cluster, err)
	}
	if a, err := arn.Parse(aws.ToString(out.Cluster.Arn)); err == nil {
		account = a.AccountID
	}
	if out.Cluster.AccessConfig == nil || out.Cluster.AccessConfig.AuthenticationMode == "" {
		return ModeConfigMap, account, nil
	}
	return string(out.Cluster.AccessConfig.AuthenticationMode), account, nil
}

// SetAuthMode moves a cluster's authentication mode forward to mode
// (CONFIG_MAP, then API_AND_CONFIG_MAP, then API; EKS allows no way back,
// see AuthModeSource), one UpdateClusterConfig per step, each waited for
// with DescribeUpdate every poll (default 10s) and logged. A cluster already
// in mode is left alone.
func SetAuthMode(ctx context.Context, api ClusterAPI, cluster, mode string, poll time.Duration, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if poll <= 0 {
		poll = 10 * time.Second
	}
	order := []string{ModeConfigMap, ModeAPIAndConfigMap, ModeAPI}
	want := indexOf(order, mode)
	if want < 0 {
		return fmt.Errorf("authmap: authentication mode %q: one of %s", mode, strings.Join(order, ", "))
	}
	for {
		cur, err := authMode(ctx, api, cluster)
		if err != nil {
			return err
		}
		have := indexOf(order, cur)
		if have == want {
			return nil
		}
		if have > want {
			return fmt.Errorf("authmap: cluster %s is %s: EKS cannot move it back to %s (%s)", cluster, cur, mode, AuthModeSource)
		}
		next := order[have+1]
		log.Info("authmap: switching authentication mode", "cluster", cluster, "from", cur, "to", next)
		out, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String(cluster),
			AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationMode(next)}})
		if err != nil {
			return fmt.Errorf("authmap: switching %s to %s: %w", cluster, next, err)
		}
		if err := waitUpdate(ctx, api, cluster, aws.ToString(out.Update.Id), poll, log); err != nil {
			return err
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func waitUpdate(ctx context.Context, api ClusterAPI, cluster, id string, poll time.Duration, log *slog.Logger) error {
	start := time.Now()
	for {
		out, err := api.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: aws.String(cluster), UpdateId: aws.String(id)})
		if err != nil {
			return fmt.Errorf("authmap: waiting for update %s of %s: %w", id, cluster, err)
		}
		switch out.Update.Status {
		case ekstypes.UpdateStatusSuccessful:
			log.Info("authmap: cluster update done", "cluster", cluster, "update", id, "elapsed", time.Since(start).Round(time.Second))
			return nil
		case ekstypes.UpdateStatusFailed, ekstypes.UpdateStatusCancelled:
			var msgs []string
			for _, e := range out.Update.Errors {
				msgs = append(msgs, string(e.ErrorCode)+": "+aws.ToString(e.ErrorMessage))
			}
			return fmt.Errorf("%w: update %s of %s is %s: %s", ErrUpdateFailed, id, cluster, out.Update.Status, strings.Join(msgs, "; "))
		}
		log.Info("authmap: waiting for cluster update", "cluster", cluster, "update", id, "status", out.Update.Status, "elapsed", time.Since(start).Round(time.Second))
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("authmap: waiting for update %s of %s: %w", id, cluster, ctx.Err())
		case <-t.C:
		}
	}
}
