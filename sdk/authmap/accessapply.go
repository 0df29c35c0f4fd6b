package authmap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// EKSAPI is the part of the EKS API that access entries need; *eks.Client
// satisfies it.
type EKSAPI interface {
	ListAccessEntries(ctx context.Context, in *eks.ListAccessEntriesInput, optFns ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error)
	DescribeAccessEntry(ctx context.Context, in *eks.DescribeAccessEntryInput, optFns ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error)
	CreateAccessEntry(ctx context.Context, in *eks.CreateAccessEntryInput, optFns ...func(*eks.Options)) (*eks.CreateAccessEntryOutput, error)
	UpdateAccessEntry(ctx context.Context, in *eks.UpdateAccessEntryInput, optFns ...func(*eks.Options)) (*eks.UpdateAccessEntryOutput, error)
	DeleteAccessEntry(ctx context.Context, in *eks.DeleteAccessEntryInput, optFns ...func(*eks.Options)) (*eks.DeleteAccessEntryOutput, error)
	ListAssociatedAccessPolicies(ctx context.Context, in *eks.ListAssociatedAccessPoliciesInput, optFns ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error)
	AssociateAccessPolicy(ctx context.Context, in *eks.AssociateAccessPolicyInput, optFns ...func(*eks.Options)) (*eks.AssociateAccessPolicyOutput, error)
}

var _ EKSAPI = (*eks.Client)(nil)

// ErrEntryType is wrapped when the cluster has an access entry for a
// principal with another type: types cannot change.
var ErrEntryType = errors.New("authmap: access entry of another type")

// ExistingEntry is an access entry as the cluster has it.
type ExistingEntry struct {
	// PrincipalARN is the ARN as EKS stores it; Type, Username and
	// KubernetesGroups as DescribeAccessEntry returns them.
	PrincipalARN, Type, Username string
	KubernetesGroups             []string
	// Policies are the associated access policies (Policy holds the ARN)
	// with their scopes.
	Policies []PolicyAssociation
	// Tags are the entry's tags (DescribeAccessEntry).
	Tags map[string]string
}

// Association is an access policy to associate with an entry.
type Association struct {
	// PrincipalARN names the entry; PolicyARN the access policy.
	PrincipalARN, PolicyARN string
	// Namespaces is the namespace scope; empty means cluster scope.
	Namespaces []string
}

// scope renders the association's scope for plans.
func (a Association) scope() string {
	if len(a.Namespaces) == 0 {
		return "cluster scope"
	}
	return "namespaces " + strings.Join(a.Namespaces, ",")
}

// MigrationPlan says what must change in a cluster's access entries so that
// they grant what the mappings grant. Making it changes nothing.
type MigrationPlan struct {
	// Create lists entries to create (with their associations).
	Create []AccessEntry
	// Update lists existing STANDARD entries whose groups or username differ.
	Update []AccessEntry
	// Associate lists policies missing from existing entries.
	Associate []Association
	// Satisfied lists entries the cluster already has as wanted.
	Satisfied []AccessEntry
	// Conflicts are entries of another type than wanted (ErrEntryType).
	Conflicts []*Problem
	// Manual are the mappings without an equivalent as written (ErrNotMigratable).
	Manual []*Problem
	// Shadowed are mappings a later mapping of the same identity overrides:
	// they are skipped, as the authenticator skips them (informational).
	Shadowed []*Problem
	// Notes say which principals were kept as written (another account's,
	// path not recoverable) or replaced by an override (ResolvePrincipalsIn,
	// MigrateOptions.PrincipalARNs).
	Notes []string
}

// Ready reports whether the access entries already grant everything the
// mappings grant and nothing needs a person: aws-auth can then be retired.
func (p MigrationPlan) Ready() bool {
	return len(p.Create)+len(p.Update)+len(p.Associate)+len(p.Conflicts)+len(p.Manual) == 0
}

// String renders the plan, one line per step.
func (p MigrationPlan) String() string {
	var b strings.Builder
	for _, e := range p.Create {
		fmt.Fprintf(&b, "create     %s\n", describeEntry(e))
		for _, a := range e.associations() {
			fmt.Fprintf(&b, "associate  %s %s (%s)\n", e.PrincipalARN, a.PolicyARN, a.scope())
		}
	}
	for _, e := range p.Update {
		fmt.Fprintf(&b, "update     %s\n", describeEntry(e))
	}
	for _, a := range p.Associate {
		fmt.Fprintf(&b, "associate  %s %s (%s)\n", a.PrincipalARN, a.PolicyARN, a.scope())
	}
	for _, e := range p.Satisfied {
		fmt.Fprintf(&b, "ok         %s\n", describeEntry(e))
	}
	for _, c := range p.Conflicts {
		fmt.Fprintf(&b, "conflict   %s\n", c)
	}
	for _, m := range p.Manual {
		fmt.Fprintf(&b, "manual     %s\n", m)
	}
	for _, m := range p.Shadowed {
		fmt.Fprintf(&b, "shadowed   %s\n", m)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "note       %s\n", n)
	}
	if p.Ready() {
		b.WriteString("ready: the access entries grant everything aws-auth grants\n")
	}
	return b.String()
}

func describeEntry(e AccessEntry) string {
	s := e.Type + " " + e.PrincipalARN
	if e.Username != "" {
		s += " username=" + e.Username
	}
	if len(e.KubernetesGroups) > 0 {
		s += " groups=" + strings.Join(e.KubernetesGroups, ",")
	}
	if len(e.Policies) > 0 {
		names := make([]string, len(e.Policies))
		for i, a := range e.Policies {
			names[i] = a.String()
		}
		s += " policies=" + strings.Join(names, ",")
	}
	return s
}

// PlanFor compares the access entries the mappings call for with those a
// cluster has (nil: none) and says what must be done. It is pure: see
// PlanMigration to read the cluster's entries first.
func PlanFor(m Mappings, existing []ExistingEntry) MigrationPlan {
	want, err := AccessEntriesFor(m)
	p := diffEntries(want, existing)
	p.Manual, p.Shadowed = Problems(err), Shadowed(m)
	return p
}

func diffEntries(want []AccessEntry, have []ExistingEntry) MigrationPlan {
	var p MigrationPlan
	byKey := map[string]ExistingEntry{}
	for _, h := range have {
		byKey[principalKey(h.PrincipalARN)] = h
	}
	for _, w := range want {
		h, ok := byKey[principalKey(w.PrincipalARN)]
		if !ok {
			p.Create = append(p.Create, w)
			continue
		}
		w.PrincipalARN = h.PrincipalARN // address the entry as EKS stores it
		if h.Type != w.Type {
			p.Conflicts = append(p.Conflicts, &Problem{Key: "accessEntries", Index: -1, Entry: h.PrincipalARN,
				Err: fmt.Errorf("%w: the cluster has a %s entry, aws-auth calls for %s; types cannot change: delete the entry and apply again", ErrEntryType, h.Type, w.Type)})
			continue
		}
		changed := false
		if w.Type == EntryStandard && (!sameSet(h.KubernetesGroups, w.KubernetesGroups) || (w.Username != "" && w.Username != h.Username)) {
			p.Update = append(p.Update, w)
			changed = true
		}
		for _, a := range w.associations() {
			i := slices.IndexFunc(h.Policies, func(x PolicyAssociation) bool { return x.Policy == a.PolicyARN })
			if i < 0 || !sameAssociation(h.Policies[i], PolicyAssociation{Namespaces: a.Namespaces}) {
				a.PrincipalARN = h.PrincipalARN
				p.Associate = append(p.Associate, a)
				changed = true
			}
		}
		if !changed {
			p.Satisfied = append(p.Satisfied, w)
		}
	}
	return p
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// PlanMigration reads the cluster's access entries (List, Describe and
// ListAssociatedAccessPolicies: no writes) and returns what must be created,
// updated or associated so that aws-auth can be retired, and what cannot be
// migrated as it is written (see RoleMapping.AccessEntry). With principals
// (IAM; nil skips it) the path-less ARNs aws-auth holds are first resolved
// to the full ARNs EKS wants (ResolvePrincipals).
func PlanMigration(ctx context.Context, api EKSAPI, principals PrincipalAPI, cluster string, current Mappings) (MigrationPlan, error) {
	return PlanMigrationIn(ctx, api, principals, cluster, current, ResolveOptions{})
}

// PlanMigrationIn is PlanMigration with the cluster's account and principal
// overrides for the resolution (ResolvePrincipalsIn): another account's
// path-less role is kept as written, with a note in the plan, instead of
// being looked up in the caller's account (and refused).
func PlanMigrationIn(ctx context.Context, api EKSAPI, principals PrincipalAPI, cluster string, current Mappings, resolve ResolveOptions) (MigrationPlan, error) {
	want, notMigratable := AccessEntriesFor(current)
	var notes []string
	if principals != nil {
		res, err := ResolvePrincipalsIn(ctx, principals, want, resolve)
		if err != nil {
			return MigrationPlan{}, err
		}
		want, notes = res.Entries, res.Notes
	}
	have, err := observe(ctx, api, cluster, want)
	if err != nil {
		return MigrationPlan{}, err
	}
	p := diffEntries(want, have)
	p.Manual, p.Shadowed, p.Notes = Problems(notMigratable), Shadowed(current), notes
	return p, nil
}

// observe lists the cluster's entries and describes those of the wanted
// principals (with their cluster-scope policies when policies are wanted).
func observe(ctx context.Context, api EKSAPI, cluster string, want []AccessEntry) ([]ExistingEntry, error) {
	present := map[string]string{}
	var next *string
	for {
		out, err := api.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String(cluster), NextToken: next})
		if err != nil {
			return nil, fmt.Errorf("authmap: listing access entries of %s: %w", cluster, err)
		}
		for _, a := range out.AccessEntries {
			present[principalKey(a)] = a
		}
		if next = out.NextToken; next == nil || *next == "" {
			break
		}
	}
	var have []ExistingEntry
	for _, w := range want {
		stored, ok := present[principalKey(w.PrincipalARN)]
		if !ok {
			continue
		}
		h, err := describe(ctx, api, cluster, stored, len(w.Policies) > 0)
		if isNotFound(err) {
			continue // deleted since the list
		}
		if err != nil {
			return nil, err
		}
		have = append(have, h)
	}
	return have, nil
}

func describe(ctx context.Context, api EKSAPI, cluster, principal string, policies bool) (ExistingEntry, error) {
	out, err := api.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal)})
	if err != nil {
		return ExistingEntry{}, fmt.Errorf("authmap: describing access entry %s: %w", principal, err)
	}
	e := out.AccessEntry
	h := ExistingEntry{PrincipalARN: principal, Type: aws.ToString(e.Type), Username: aws.ToString(e.Username), KubernetesGroups: e.KubernetesGroups, Tags: e.Tags}
	for next := (*string)(nil); policies; {
		lp, err := api.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal), NextToken: next})
		if err != nil {
			return ExistingEntry{}, fmt.Errorf("authmap: listing access policies of %s: %w", principal, err)
		}
		for _, a := range lp.AssociatedAccessPolicies {
			pa := PolicyAssociation{Policy: aws.ToString(a.PolicyArn)}
			if a.AccessScope != nil && a.AccessScope.Type == ekstypes.AccessScopeTypeNamespace {
				pa.Namespaces = a.AccessScope.Namespaces
			}
			h.Policies = append(h.Policies, pa)
		}
		if next = lp.NextToken; next == nil || *next == "" {
			break
		}
	}
	return h, nil
}

func isNotFound(err error) bool {
	var nf *ekstypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

func isInUse(err error) bool {
	var iu *ekstypes.ResourceInUseException
	return errors.As(err, &iu)
}

// AccessEntryOptions adjust ApplyAccessEntries and ApplyEntries.
type AccessEntryOptions struct {
	// AllowSystemMasters lets system:masters mappings become
	// ClusterAdminPolicy associations.
	AllowSystemMasters bool
	// Principals (IAM) resolves path-less role ARNs to the full ARN EKS
	// wants (ResolvePrincipalsIn, with Resolve); nil uses the ARNs as given.
	Principals PrincipalAPI
	// Resolve gives the resolution the cluster's account (another
	// account's path-less role is then kept as written, with a note in the
	// plan) and overrides; zero looks every principal up in the caller's
	// account.
	Resolve ResolveOptions
	// Logger receives each write; nil discards.
	Logger *slog.Logger
	// Tags are put on the entries ApplyEntries creates (not on existing
	// ones it adopts): ReconcileOwnedEntries records its ownership so.
	Tags map[string]string
}

// AccessEntryResult reports what ApplyAccessEntries did.
type AccessEntryResult struct {
	// Plan is what was found to do before doing it.
	Plan MigrationPlan
	// Writes counts create, update and associate calls made.
	Writes int
	// Created lists the principals whose entries this call created; every
	// other wanted principal had an entry already (adopted and converged).
	Created []string
}

// ApplyAccessEntries makes the cluster's access entries grant what m grants:
// it validates m, converts it (AccessEntriesFor), resolves principals when
// opts.Principals is set, and applies the entries with ApplyEntries. A
// mapping without an access-entry equivalent refuses the whole apply before
// any write.
func ApplyAccessEntries(ctx context.Context, api EKSAPI, cluster string, m Mappings, opts AccessEntryOptions) (AccessEntryResult, error) {
	var vopts []Option
	if opts.AllowSystemMasters {
		vopts = append(vopts, AllowSystemMasters())
	}
	if err := m.Validate(vopts...); err != nil {
		return AccessEntryResult{}, fmt.Errorf("authmap: access entries refused: %w", err)
	}
	want, err := AccessEntriesFor(m)
	if err != nil {
		return AccessEntryResult{}, fmt.Errorf("authmap: access entries refused: %w", err)
	}
	return ApplyEntries(ctx, api, cluster, want, opts)
}

// ApplyEntries makes the cluster's access entries for the given principals
// what want says: it validates every entry against EKS's rules (every
// problem at once, before any write), resolves principals when
// opts.Principals is set, reads the entries (as PlanMigration), and creates,
// updates (groups, username) and associates what is missing. An entry that
// already exists (made by EKS, by the cluster's creator, or by another tool)
// is adopted and converged, never a failure; so is one created concurrently
// (ResourceInUseException). Entries and associations of other principals are
// not touched, and none is removed. A second run makes no write call. An
// existing entry of another type refuses the apply (types cannot change).
func ApplyEntries(ctx context.Context, api EKSAPI, cluster string, want []AccessEntry, opts AccessEntryOptions) (AccessEntryResult, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var notes []string
	if opts.Principals != nil {
		res, err := ResolvePrincipalsIn(ctx, opts.Principals, want, opts.Resolve)
		if err != nil {
			return AccessEntryResult{}, err
		}
		want, notes = res.Entries, res.Notes
		for _, n := range notes {
			log.Info("principal", "note", n)
		}
	}
	var errs []error
	for _, e := range want {
		if err := e.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.PrincipalARN, err))
		}
	}
	if len(errs) > 0 {
		return AccessEntryResult{}, fmt.Errorf("authmap: access entries refused: %w", errors.Join(errs...))
	}
	for i := range want {
		if want[i].Type == "" {
			want[i].Type = EntryStandard
		}
	}
	have, err := observe(ctx, api, cluster, want)
	if err != nil {
		return AccessEntryResult{}, err
	}
	res := AccessEntryResult{Plan: diffEntries(want, have)}
	res.Plan.Notes = notes
	if len(res.Plan.Conflicts) > 0 {
		return res, fmt.Errorf("authmap: access entries refused: %w", errors.Join(asErrors(res.Plan.Conflicts)...))
	}
	x := executor{ctx: ctx, api: api, cluster: cluster, log: log, res: &res, tags: opts.Tags}
	for _, e := range res.Plan.Create {
		if err := x.create(e); err != nil {
			return res, err
		}
	}
	for _, e := range res.Plan.Update {
		if err := x.update(e); err != nil {
			return res, err
		}
	}
	for _, a := range res.Plan.Associate {
		if err := x.associate(a); err != nil {
			return res, err
		}
	}
	return res, nil
}

func asErrors(ps []*Problem) []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// executor makes the write calls of a plan and counts them.
type executor struct {
	ctx     context.Context
	api     EKSAPI
	cluster string
	log     *slog.Logger
	res     *AccessEntryResult
	tags    map[string]string
}

func (x executor) create(e AccessEntry) error {
	in := &eks.CreateAccessEntryInput{ClusterName: aws.String(x.cluster), PrincipalArn: aws.String(e.PrincipalARN), Type: aws.String(e.Type), Tags: x.tags}
	if e.Type == EntryStandard {
		in.KubernetesGroups = e.KubernetesGroups
		if e.Username != "" {
			in.Username = aws.String(e.Username)
		}
	}
	x.res.Writes++
	_, err := x.api.CreateAccessEntry(x.ctx, in)
	if isInUse(err) {
		// Created since we listed: converge it like an existing one.
		x.log.Info("authmap: access entry appeared concurrently; updating it instead", "principal", e.PrincipalARN)
		h, err := describe(x.ctx, x.api, x.cluster, e.PrincipalARN, len(e.Policies) > 0)
		if err != nil {
			return err
		}
		p := diffEntries([]AccessEntry{e}, []ExistingEntry{h})
		if len(p.Conflicts) > 0 {
			return p.Conflicts[0]
		}
		for _, u := range p.Update {
			if err := x.update(u); err != nil {
				return err
			}
		}
		for _, a := range p.Associate {
			if err := x.associate(a); err != nil {
				return err
			}
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("authmap: creating access entry %s: %w", e.PrincipalARN, err)
	}
	x.res.Created = append(x.res.Created, e.PrincipalARN)
	x.log.Info("authmap: created access entry", "entry", describeEntry(e))
	for _, a := range e.associations() {
		if err := x.associate(a); err != nil {
			return err
		}
	}
	return nil
}

func (x executor) update(e AccessEntry) error {
	in := &eks.UpdateAccessEntryInput{ClusterName: aws.String(x.cluster), PrincipalArn: aws.String(e.PrincipalARN), KubernetesGroups: e.KubernetesGroups}
	if in.KubernetesGroups == nil {
		in.KubernetesGroups = []string{} // clear groups the entry no longer has
	}
	if e.Username != "" {
		in.Username = aws.String(e.Username)
	}
	x.res.Writes++
	if _, err := x.api.UpdateAccessEntry(x.ctx, in); err != nil {
		return fmt.Errorf("authmap: updating access entry %s: %w", e.PrincipalARN, err)
	}
	x.log.Info("authmap: updated access entry", "entry", describeEntry(e))
	return nil
}

func (x executor) associate(a Association) error {
	x.res.Writes++
	scope := &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}
	if len(a.Namespaces) > 0 {
		scope = &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: a.Namespaces}
	}
	_, err := x.api.AssociateAccessPolicy(x.ctx, &eks.AssociateAccessPolicyInput{ClusterName: aws.String(x.cluster),
		PrincipalArn: aws.String(a.PrincipalARN), PolicyArn: aws.String(a.PolicyARN), AccessScope: scope})
	if err != nil {
		return fmt.Errorf("authmap: associating %s with %s: %w", a.PolicyARN, a.PrincipalARN, err)
	}
	x.log.Info("authmap: associated access policy", "principal", a.PrincipalARN, "policy", a.PolicyARN, "scope", a.scope())
	return nil
}

// RemoveAccessEntries deletes the access entries of the given principals
// (matched path-less and case-insensitively against the cluster's list); a
// principal without an entry is skipped. It returns the entries deleted.
func RemoveAccessEntries(ctx context.Context, api EKSAPI, cluster string, principals []string) ([]string, error) {
	want := make([]AccessEntry, len(principals))
	for i, p := range principals {
		want[i] = AccessEntry{PrincipalARN: p}
	}
	have, err := observe(ctx, api, cluster, want)
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, h := range have {
		_, err := api.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(h.PrincipalARN)})
		if err != nil && !isNotFound(err) {
			return deleted, fmt.Errorf("authmap: deleting access entry %s: %w", h.PrincipalARN, err)
		}
		if err == nil {
			deleted = append(deleted, h.PrincipalARN)
		}
	}
	return deleted, nil
}
