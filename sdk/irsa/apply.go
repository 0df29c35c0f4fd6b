package irsa

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// RoleAPI is the part of the aws-sdk-go-v2 IAM client that [EnsureRole] and
// [DeleteRole] use; *iam.Client implements it.
type RoleAPI interface {
	RoleGetter
	CreateRole(ctx context.Context, in *iam.CreateRoleInput, opts ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, opts ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	UpdateRole(ctx context.Context, in *iam.UpdateRoleInput, opts ...func(*iam.Options)) (*iam.UpdateRoleOutput, error)
	PutRolePermissionsBoundary(ctx context.Context, in *iam.PutRolePermissionsBoundaryInput, opts ...func(*iam.Options)) (*iam.PutRolePermissionsBoundaryOutput, error)
	DeleteRolePermissionsBoundary(ctx context.Context, in *iam.DeleteRolePermissionsBoundaryInput, opts ...func(*iam.Options)) (*iam.DeleteRolePermissionsBoundaryOutput, error)
	TagRole(ctx context.Context, in *iam.TagRoleInput, opts ...func(*iam.Options)) (*iam.TagRoleOutput, error)
	UntagRole(ctx context.Context, in *iam.UntagRoleInput, opts ...func(*iam.Options)) (*iam.UntagRoleOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, opts ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, opts ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
	DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, opts ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error)
	ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, opts ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, opts ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, opts ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, opts ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, opts ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
}

// RoleGetter is the IAM call [GetTrustPolicy] uses; *iam.Client implements it.
type RoleGetter interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, opts ...func(*iam.Options)) (*iam.GetRoleOutput, error)
}

// GetTrustPolicy returns the trust policy of an existing role, given by name
// or ARN, as canonical JSON (IAM returns it URL-encoded).
func GetTrustPolicy(ctx context.Context, api RoleGetter, role string) (string, error) {
	name := role
	if strings.HasPrefix(role, "arn:") {
		a, err := partition.ParseARN(role, "iam", "role/")
		if err != nil {
			return "", fmt.Errorf("irsa: GetTrustPolicy: %w: %v", ErrInvalidRole, err)
		}
		name = a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	}
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if err != nil {
		return "", fmt.Errorf("irsa: GetTrustPolicy %s: %w", name, err)
	}
	doc, err := decodePolicy(aws.ToString(out.Role.AssumeRolePolicyDocument))
	if err != nil {
		return "", fmt.Errorf("irsa: GetTrustPolicy %s: %w", name, err)
	}
	return doc.String(), nil
}

// OIDCProviderAPI is the part of the IAM client that [EnsureOIDCProvider] and
// [DeleteOIDCProvider] use; *iam.Client implements it.
type OIDCProviderAPI interface {
	ListOpenIDConnectProviders(ctx context.Context, in *iam.ListOpenIDConnectProvidersInput, opts ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error)
	GetOpenIDConnectProvider(ctx context.Context, in *iam.GetOpenIDConnectProviderInput, opts ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error)
	CreateOpenIDConnectProvider(ctx context.Context, in *iam.CreateOpenIDConnectProviderInput, opts ...func(*iam.Options)) (*iam.CreateOpenIDConnectProviderOutput, error)
	AddClientIDToOpenIDConnectProvider(ctx context.Context, in *iam.AddClientIDToOpenIDConnectProviderInput, opts ...func(*iam.Options)) (*iam.AddClientIDToOpenIDConnectProviderOutput, error)
	RemoveClientIDFromOpenIDConnectProvider(ctx context.Context, in *iam.RemoveClientIDFromOpenIDConnectProviderInput, opts ...func(*iam.Options)) (*iam.RemoveClientIDFromOpenIDConnectProviderOutput, error)
	UpdateOpenIDConnectProviderThumbprint(ctx context.Context, in *iam.UpdateOpenIDConnectProviderThumbprintInput, opts ...func(*iam.Options)) (*iam.UpdateOpenIDConnectProviderThumbprintOutput, error)
	TagOpenIDConnectProvider(ctx context.Context, in *iam.TagOpenIDConnectProviderInput, opts ...func(*iam.Options)) (*iam.TagOpenIDConnectProviderOutput, error)
	UntagOpenIDConnectProvider(ctx context.Context, in *iam.UntagOpenIDConnectProviderInput, opts ...func(*iam.Options)) (*iam.UntagOpenIDConnectProviderOutput, error)
	DeleteOpenIDConnectProvider(ctx context.Context, in *iam.DeleteOpenIDConnectProviderInput, opts ...func(*iam.Options)) (*iam.DeleteOpenIDConnectProviderOutput, error)
}

var (
	_ RoleAPI         = (*iam.Client)(nil)
	_ OIDCProviderAPI = (*iam.Client)(nil)
)

// ErrRoleConflict is wrapped when an existing role differs from the spec in a
// way IAM cannot change in place (its path).
var ErrRoleConflict = errors.New("existing role conflicts with the spec")

// defaultMaxSession is the MaxSessionDuration IAM applies when none is given.
const defaultMaxSession = 3600

// RoleSpec is an IAM role for [EnsureRole]. By default EnsureRole merges:
// it converges only what the spec names (its trust policy, the description,
// max session duration and boundary when set, its tags, attachments and
// inline policies) and keeps tags, attachments, inline policies and a
// boundary that other tools added; what the caller itself no longer wants is
// named in Remove. Authoritative makes the spec the whole role: EnsureRole
// then detaches, deletes and untags everything the spec does not list, and
// resets an empty description or boundary.
type RoleSpec struct {
	// Name is the role name (1..64 of letters, digits, +=,.@_-).
	Name string
	// Trust is the web-identity trust policy.
	Trust TrustSpec
	// AssumeRolePolicy, when not empty, is used as the trust policy instead of
	// Trust (for example PodIdentityTrustPolicy()).
	AssumeRolePolicy string
	// RoleSettings are the path, description, max session duration and tags.
	RoleSettings
	// PermissionsBoundary is the ARN of the permissions boundary policy, if any.
	PermissionsBoundary string
	// PolicyARNs are the managed policies to attach.
	PolicyARNs []string
	// InlinePolicies maps inline policy names to their JSON documents.
	InlinePolicies map[string]string
	// Authoritative makes the spec the role's whole configuration (see RoleSpec).
	Authoritative bool
	// Remove names what EnsureRole takes off the role even when it merges:
	// what the caller attached, put or tagged before and no longer wants.
	Remove RoleRemovals
}

// RoleRemovals are the attachments, inline policies and tags that a merging
// [EnsureRole] removes (those that the spec also lists are kept). Absent ones
// are no change.
type RoleRemovals struct {
	// PolicyARNs are managed policies to detach.
	PolicyARNs []string
	// InlinePolicies are inline policy names to delete.
	InlinePolicies []string
	// TagKeys are tag keys to remove.
	TagKeys []string
}

// Validate reports every problem of the spec at once.
func (s RoleSpec) Validate() error {
	_, err := s.trustDocument()
	return errors.Join(err, s.validateRest())
}

func (s RoleSpec) validateRest() error {
	var errs []error
	errs = append(errs, ValidateRoleName(s.Name))
	errs = append(errs, s.RoleSettings.Validate(), ValidateInlinePolicyNames(slices.Sorted(maps.Keys(s.InlinePolicies))))
	if s.PermissionsBoundary != "" {
		if _, err := partition.ParseARN(s.PermissionsBoundary, "iam", "policy/"); err != nil {
			errs = append(errs, fmt.Errorf("%w: permissions boundary: %v", ErrInvalidRole, err))
		}
	}
	seen := map[string]bool{}
	for _, a := range s.PolicyARNs {
		if _, err := partition.ParseARN(a, "iam", "policy/"); err != nil {
			errs = append(errs, fmt.Errorf("%w: policy ARN: %v", ErrInvalidRole, err))
		}
		if seen[a] {
			errs = append(errs, fmt.Errorf("%w policy ARN %s", ErrDuplicate, a))
		}
		seen[a] = true
	}
	for _, k := range slices.Sorted(maps.Keys(s.InlinePolicies)) {
		if d, err := iampolicy.Parse([]byte(s.InlinePolicies[k])); err != nil {
			errs = append(errs, fmt.Errorf("%w: inline policy %s: %v", ErrInvalidRole, k, err))
		} else if err := d.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: inline policy %s: %v", ErrInvalidRole, k, err))
		}
	}
	return errors.Join(errs...)
}

// trustDocument returns the trust policy: AssumeRolePolicy parsed, or Trust rendered.
func (s RoleSpec) trustDocument() (iampolicy.Document, error) {
	if s.AssumeRolePolicy == "" {
		return s.Trust.Document()
	}
	d, err := iampolicy.Parse([]byte(s.AssumeRolePolicy))
	if err == nil {
		err = d.Validate()
	}
	if err != nil {
		return iampolicy.Document{}, fmt.Errorf("%w: AssumeRolePolicy: %v", ErrInvalidRole, err)
	}
	return d, nil
}

// Options tune the SDK functions. The zero value is ready to use.
type Options struct {
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
	// Attempts bounds the tries of a call that fails on IAM's eventual
	// consistency (a just-created role or principal not yet visible); 0 means 8.
	Attempts int
	// Backoff is the wait before retry number attempt (1, 2, ...); nil means
	// 1s, 2s, 4s, ... capped at 15s.
	Backoff func(attempt int) time.Duration
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o.Logger
}

func (o Options) attempts() int {
	if o.Attempts <= 0 {
		return 8
	}
	return o.Attempts
}

func (o Options) backoff(attempt int) time.Duration {
	if o.Backoff != nil {
		return o.Backoff(attempt)
	}
	return min(time.Second<<(attempt-1), 15*time.Second)
}

// Result reports what an Ensure function did.
type Result struct {
	// ARN is the role's or provider's ARN.
	ARN string
	// Created is true when the role or provider did not exist.
	Created bool
	// Changes lists the write calls made, e.g. "AttachRolePolicy arn:...";
	// empty when everything already matched.
	Changes []string
}

// apiCode returns the AWS error code of err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func isNotFound(err error) bool { return apiCode(err) == "NoSuchEntity" }

// roleNotVisible: NoSuchEntity about the role itself ("The role with name X
// cannot be found."), as IAM answers for a while after creating it; a missing
// managed policy is NoSuchEntity too, but about the policy, and is not retried.
func roleNotVisible(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchEntity" && strings.Contains(strings.ToLower(ae.ErrorMessage()), "role")
}

// invalidPrincipal: IAM refuses a trust policy naming a principal it cannot
// see yet (a provider or role created moments ago).
func invalidPrincipal(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	c := ae.ErrorCode()
	return (c == "MalformedPolicyDocument" || c == "InvalidInput") && strings.Contains(strings.ToLower(ae.ErrorMessage()), "principal")
}

// quotaRE finds the limit in IAM's "Cannot exceed quota for ACLSizePerRole: 2048".
var quotaRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`ACLSizePerRole:\s*(\d+)`) })

// quotaError turns IAM's LimitExceeded on the trust policy into a
// *PolicyTooLargeError (also wrapping the AWS error); other errors pass through.
func quotaError(err error, size int) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "LimitExceeded" || !strings.Contains(ae.ErrorMessage(), "ACLSizePerRole") {
		return err
	}
	limit := 0
	if m := quotaRE().FindStringSubmatch(ae.ErrorMessage()); m != nil {
		limit, _ = strconv.Atoi(m[1])
	}
	return fmt.Errorf("%w (IAM: %w)", &PolicyTooLargeError{Size: size, Limit: limit}, err)
}

// retry runs call until it succeeds, fails with an error retryable does not
// accept, or runs out of attempts, waiting opts.backoff between tries.
func retry(ctx context.Context, opts Options, what string, retryable func(error) bool, call func() error) error {
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || !retryable(err) || attempt >= opts.attempts() {
			return err
		}
		d := opts.backoff(attempt)
		opts.logger().Info("irsa: waiting for IAM eventual consistency", "call", what, "attempt", attempt, "wait", d, "error", err)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}

// roleState is what EnsureRole reads of an existing role.
type roleState struct {
	role     *types.Role
	attached []string
	inline   []string
}

// EnsureRole creates the role or converges it to the spec: trust policy,
// description, max session duration, permissions boundary, tags, managed
// policy attachments and inline policies, merging with what other tools
// added unless spec.Authoritative (see [RoleSpec]). It reads before it writes, so a
// second run on an unchanged role makes no write call. Calls that fail on
// IAM's eventual consistency (the role just created, the trust policy's
// principal just created) are retried per opts. A trust policy over the
// account's quota is refused by IAM with LimitExceeded and reported as a
// *[PolicyTooLargeError].
func EnsureRole(ctx context.Context, api RoleAPI, spec RoleSpec, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("irsa: EnsureRole %s: %w", spec.Name, err) }
	trust, err := spec.trustDocument()
	if err != nil {
		return fail(errors.Join(err, spec.validateRest()))
	}
	if err := spec.validateRest(); err != nil {
		return fail(err)
	}
	trustJSON := trust.String()
	trustSize, _ := trust.Size()
	log := opts.logger().With("role", spec.Name)
	res := &Result{}
	write := func(what string, retryable func(error) bool, call func() error) error {
		if retryable == nil {
			retryable = func(err error) bool { return res.Created && roleNotVisible(err) }
		}
		if err := retry(ctx, opts, what, retryable, call); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		res.Changes = append(res.Changes, what)
		log.Info("irsa: "+what, "role", spec.Name)
		return nil
	}

	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: &spec.Name})
	switch {
	case isNotFound(err):
		created, err := createRole(ctx, api, spec, trustJSON, opts, write)
		if err != nil {
			return fail(quotaError(err, trustSize))
		}
		if created == nil { // lost a race with another creator: converge theirs
			if out, err = api.GetRole(ctx, &iam.GetRoleInput{RoleName: &spec.Name}); err != nil {
				return fail(fmt.Errorf("GetRole: %w", err))
			}
			break
		}
		res.Created = true
		out = &iam.GetRoleOutput{Role: created}
	case err != nil:
		return fail(fmt.Errorf("GetRole: %w", err))
	}
	res.ARN = aws.ToString(out.Role.Arn)
	st := roleState{role: out.Role}
	if !res.Created {
		if err := convergeRoleAttributes(ctx, api, spec, trust, trustSize, st.role, write); err != nil {
			return fail(err)
		}
		if st.attached, err = listAttached(ctx, api, spec.Name); err != nil {
			return fail(err)
		}
		if st.inline, err = listInline(ctx, api, spec.Name); err != nil {
			return fail(err)
		}
	}
	if err := convergePolicies(ctx, api, spec, st, write); err != nil {
		return fail(err)
	}
	if len(res.Changes) == 0 {
		log.Info("irsa: role up to date", "arn", res.ARN)
	}
	return res, nil
}

// writeFunc runs a write call with retries and records it as a change.
type writeFunc func(what string, retryable func(error) bool, call func() error) error

// createRole creates the role with everything CreateRole takes. It returns
// nil, nil when the role appeared meanwhile (EntityAlreadyExists).
func createRole(ctx context.Context, api RoleAPI, spec RoleSpec, trust string, opts Options, write writeFunc) (*types.Role, error) {
	in := &iam.CreateRoleInput{RoleName: &spec.Name, AssumeRolePolicyDocument: &trust, Tags: iamTags(spec.Tags)}
	if spec.Path != "" {
		in.Path = &spec.Path
	}
	if spec.Description != "" {
		in.Description = &spec.Description
	}
	if spec.MaxSessionDuration != 0 {
		in.MaxSessionDuration = aws.Int32(int32(spec.MaxSessionDuration))
	}
	if spec.PermissionsBoundary != "" {
		in.PermissionsBoundary = &spec.PermissionsBoundary
	}
	var role *types.Role
	err := write("CreateRole", invalidPrincipal, func() error {
		out, err := api.CreateRole(ctx, in)
		if err != nil {
			return err
		}
		role = out.Role
		return nil
	})
	if apiCode(err) == "EntityAlreadyExists" {
		opts.logger().Info("irsa: role created concurrently; converging it", "role", spec.Name)
		return nil, nil
	}
	return role, err
}

// convergeRoleAttributes updates the trust policy, description, max session,
// boundary and tags of an existing role where they differ from the spec.
func convergeRoleAttributes(ctx context.Context, api RoleAPI, spec RoleSpec, trust iampolicy.Document, trustSize int, role *types.Role, write writeFunc) error {
	wantPath := cmp(spec.Path, "/")
	if got := aws.ToString(role.Path); got != wantPath {
		return fmt.Errorf("%w: path is %q, spec says %q (IAM cannot move a role; delete it first)", ErrRoleConflict, got, wantPath)
	}
	current, err := decodePolicy(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil || !iampolicy.Equivalent(current, trust) {
		doc := trust.String()
		err := write("UpdateAssumeRolePolicy", invalidPrincipal, func() error {
			_, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: &spec.Name, PolicyDocument: &doc})
			return err
		})
		if err != nil {
			return quotaError(err, trustSize)
		}
	}
	wantSession := int32(cmp(spec.MaxSessionDuration, defaultMaxSession))
	wantDescription := spec.Description
	if !spec.Authoritative { // keep what the spec does not name
		wantSession = cmp(int32(spec.MaxSessionDuration), aws.ToInt32(role.MaxSessionDuration))
		wantDescription = cmp(spec.Description, aws.ToString(role.Description))
		wantSession = cmp(wantSession, defaultMaxSession)
	}
	if aws.ToString(role.Description) != wantDescription || aws.ToInt32(role.MaxSessionDuration) != wantSession {
		// UpdateRole resets an omitted MaxSessionDuration to one hour: send both.
		err := write("UpdateRole", nil, func() error {
			_, err := api.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: &spec.Name, Description: &wantDescription, MaxSessionDuration: &wantSession})
			return err
		})
		if err != nil {
			return err
		}
	}
	var gotBoundary string
	if role.PermissionsBoundary != nil {
		gotBoundary = aws.ToString(role.PermissionsBoundary.PermissionsBoundaryArn)
	}
	switch {
	case gotBoundary == spec.PermissionsBoundary:
	case spec.PermissionsBoundary == "" && !spec.Authoritative: // another tool's boundary stays
	case spec.PermissionsBoundary == "":
		if err := write("DeleteRolePermissionsBoundary", nil, func() error {
			_, err := api.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: &spec.Name})
			return err
		}); err != nil {
			return err
		}
	default:
		if err := write("PutRolePermissionsBoundary "+spec.PermissionsBoundary, nil, func() error {
			_, err := api.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: &spec.Name, PermissionsBoundary: &spec.PermissionsBoundary})
			return err
		}); err != nil {
			return err
		}
	}
	set, remove := diffTags(role.Tags, spec.Tags)
	if !spec.Authoritative {
		remove = removable(remove, spec.Remove.TagKeys)
	}
	if len(set) > 0 {
		if err := write("TagRole", nil, func() error {
			_, err := api.TagRole(ctx, &iam.TagRoleInput{RoleName: &spec.Name, Tags: set})
			return err
		}); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		if err := write("UntagRole", nil, func() error {
			_, err := api.UntagRole(ctx, &iam.UntagRoleInput{RoleName: &spec.Name, TagKeys: remove})
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// convergePolicies attaches and detaches managed policies and puts and deletes
// inline policies so that the role has exactly the spec's.
func convergePolicies(ctx context.Context, api RoleAPI, spec RoleSpec, st roleState, write writeFunc) error {
	for _, a := range spec.PolicyARNs {
		if slices.Contains(st.attached, a) {
			continue
		}
		if err := write("AttachRolePolicy "+a, nil, func() error {
			_, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: &spec.Name, PolicyArn: &a})
			return err
		}); err != nil {
			return err
		}
	}
	for _, a := range st.attached {
		if slices.Contains(spec.PolicyARNs, a) || !spec.Authoritative && !slices.Contains(spec.Remove.PolicyARNs, a) {
			continue
		}
		if err := write("DetachRolePolicy "+a, nil, func() error {
			_, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: &spec.Name, PolicyArn: &a})
			if isNotFound(err) {
				return nil
			}
			return err
		}); err != nil {
			return err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(spec.InlinePolicies)) {
		want, _ := iampolicy.Parse([]byte(spec.InlinePolicies[name])) // validated
		if slices.Contains(st.inline, name) {
			out, err := api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &spec.Name, PolicyName: &name})
			if err != nil {
				return fmt.Errorf("GetRolePolicy %s: %w", name, err)
			}
			if got, err := decodePolicy(aws.ToString(out.PolicyDocument)); err == nil && iampolicy.Equivalent(got, want) {
				continue
			}
		}
		doc := want.String()
		if err := write("PutRolePolicy "+name, nil, func() error {
			_, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &spec.Name, PolicyName: &name, PolicyDocument: &doc})
			return err
		}); err != nil {
			return err
		}
	}
	for _, name := range st.inline {
		if _, ok := spec.InlinePolicies[name]; ok || !spec.Authoritative && !slices.Contains(spec.Remove.InlinePolicies, name) {
			continue
		}
		if err := write("DeleteRolePolicy "+name, nil, func() error {
			_, err := api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: &spec.Name, PolicyName: &name})
			if isNotFound(err) {
				return nil
			}
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// listAttached returns the ARNs of the role's managed policies, every page.
func listAttached(ctx context.Context, api RoleAPI, role string) ([]string, error) {
	var out []string
	in := &iam.ListAttachedRolePoliciesInput{RoleName: &role}
	for {
		page, err := api.ListAttachedRolePolicies(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("ListAttachedRolePolicies: %w", err)
		}
		for _, p := range page.AttachedPolicies {
			out = append(out, aws.ToString(p.PolicyArn))
		}
		if !page.IsTruncated {
			return out, nil
		}
		in.Marker = page.Marker
	}
}

// listInline returns the names of the role's inline policies, every page.
func listInline(ctx context.Context, api RoleAPI, role string) ([]string, error) {
	var out []string
	in := &iam.ListRolePoliciesInput{RoleName: &role}
	for {
		page, err := api.ListRolePolicies(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("ListRolePolicies: %w", err)
		}
		out = append(out, page.PolicyNames...)
		if !page.IsTruncated {
			return out, nil
		}
		in.Marker = page.Marker
	}
}

// decodePolicy parses a policy document as IAM returns it: URL-encoded
// (RFC 3986) by the query API. A document that is already plain JSON is
// accepted too.
func decodePolicy(s string) (iampolicy.Document, error) { return iampolicy.ParseFromIAM(s) }

func iamTags(m map[string]string) []types.Tag {
	var out []types.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// diffTags returns the tags to set (new or changed) and the keys to remove.
func diffTags(have []types.Tag, want map[string]string) ([]types.Tag, []string) {
	got := map[string]string{}
	for _, t := range have {
		got[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	var set []types.Tag
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if v, ok := got[k]; !ok || v != want[k] {
			set = append(set, types.Tag{Key: aws.String(k), Value: aws.String(want[k])})
		}
	}
	var remove []string
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			remove = append(remove, k)
		}
	}
	return set, remove
}

// removable keeps the keys of candidates that the caller asked to remove.
func removable(candidates, asked []string) []string {
	var out []string
	for _, k := range candidates {
		if slices.Contains(asked, k) {
			out = append(out, k)
		}
	}
	return out
}

func cmp[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// DeleteRole deletes the role after detaching its managed policies and
// deleting its inline policies (IAM refuses to delete a role that has any).
// A role that does not exist, or disappears meanwhile, is success.
func DeleteRole(ctx context.Context, api RoleAPI, name string, opts Options) error {
	fail := func(err error) error {
		if isNotFound(err) {
			opts.logger().Info("irsa: role already gone", "role", name)
			return nil
		}
		return fmt.Errorf("irsa: DeleteRole %s: %w", name, err)
	}
	attached, err := listAttached(ctx, api, name)
	if err != nil {
		return fail(err)
	}
	for _, a := range attached {
		if _, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: &name, PolicyArn: &a}); err != nil && !isNotFound(err) {
			return fail(fmt.Errorf("DetachRolePolicy %s: %w", a, err))
		}
	}
	inline, err := listInline(ctx, api, name)
	if err != nil {
		return fail(err)
	}
	for _, p := range inline {
		if _, err := api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: &name, PolicyName: &p}); err != nil && !isNotFound(err) {
			return fail(fmt.Errorf("DeleteRolePolicy %s: %w", p, err))
		}
	}
	if _, err := api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: &name}); err != nil {
		return fail(fmt.Errorf("DeleteRole: %w", err))
	}
	opts.logger().Info("irsa: deleted role", "role", name, "detached", len(attached), "inline", len(inline))
	return nil
}

// EnsureOIDCProvider creates the IAM OIDC provider of an issuer or converges
// an existing one: it adds the spec's client IDs, thumbprints (only when the
// spec gives some: IAM fills them in itself otherwise) and tags, keeping the
// client IDs, thumbprints and tags other tools added, unless
// spec.Authoritative makes them exactly the spec's. A second run makes no
// write call.
func EnsureOIDCProvider(ctx context.Context, api OIDCProviderAPI, spec OIDCProviderSpec, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) {
		return nil, fmt.Errorf("irsa: EnsureOIDCProvider %s: %w", spec.IssuerURL, err)
	}
	if err := spec.Validate(); err != nil {
		return fail(err)
	}
	hostPath, _ := IssuerHostPath(spec.IssuerURL)
	log := opts.logger().With("issuer", spec.IssuerURL)
	res := &Result{}
	arn, err := findProvider(ctx, api, hostPath)
	if err != nil {
		return fail(err)
	}
	if arn == "" {
		in := &iam.CreateOpenIDConnectProviderInput{Url: &spec.IssuerURL, ClientIDList: spec.EffectiveClientIDs(), Tags: iamTags(spec.Tags)}
		if len(spec.Thumbprints) > 0 {
			in.ThumbprintList = spec.Thumbprints
		}
		out, err := api.CreateOpenIDConnectProvider(ctx, in)
		switch {
		case err == nil:
			log.Info("irsa: created OIDC provider", "arn", aws.ToString(out.OpenIDConnectProviderArn))
			return &Result{ARN: aws.ToString(out.OpenIDConnectProviderArn), Created: true, Changes: []string{"CreateOpenIDConnectProvider"}}, nil
		case apiCode(err) != "EntityAlreadyExists":
			return fail(fmt.Errorf("CreateOpenIDConnectProvider: %w", err))
		}
		if arn, err = findProvider(ctx, api, hostPath); err != nil || arn == "" {
			return fail(fmt.Errorf("provider exists but is not listed: %w", err))
		}
	}
	res.ARN = arn
	cur, err := api.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
	if err != nil {
		return fail(fmt.Errorf("GetOpenIDConnectProvider: %w", err))
	}
	record := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		res.Changes = append(res.Changes, what)
		log.Info("irsa: " + what)
		return nil
	}
	for _, c := range spec.EffectiveClientIDs() {
		if !slices.Contains(cur.ClientIDList, c) {
			_, err := api.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, ClientID: &c})
			if err := record("AddClientIDToOpenIDConnectProvider "+c, err); err != nil {
				return fail(err)
			}
		}
	}
	for _, c := range cur.ClientIDList {
		if spec.Authoritative && !slices.Contains(spec.EffectiveClientIDs(), c) {
			_, err := api.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, ClientID: &c})
			if err := record("RemoveClientIDFromOpenIDConnectProvider "+c, err); err != nil {
				return fail(err)
			}
		}
	}
	thumbprints := spec.Thumbprints
	if !spec.Authoritative && len(thumbprints) > 0 {
		thumbprints = unionFold(cur.ThumbprintList, spec.Thumbprints)
		if len(thumbprints) > 5 {
			return fail(fmt.Errorf("%w: the provider has thumbprints %q; adding %q would make more than IAM's 5 (set Authoritative to replace them)",
				ErrInvalidIssuer, cur.ThumbprintList, spec.Thumbprints))
		}
	}
	if len(thumbprints) > 0 && !sameFold(cur.ThumbprintList, thumbprints) {
		_, err := api.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: &arn, ThumbprintList: thumbprints})
		if err := record("UpdateOpenIDConnectProviderThumbprint", err); err != nil {
			return fail(err)
		}
	}
	set, remove := diffTags(cur.Tags, spec.Tags)
	if !spec.Authoritative {
		remove = nil
	}
	if len(set) > 0 {
		_, err := api.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, Tags: set})
		if err := record("TagOpenIDConnectProvider", err); err != nil {
			return fail(err)
		}
	}
	if len(remove) > 0 {
		_, err := api.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, TagKeys: remove})
		if err := record("UntagOpenIDConnectProvider", err); err != nil {
			return fail(err)
		}
	}
	if len(res.Changes) == 0 {
		log.Info("irsa: OIDC provider up to date", "arn", arn)
	}
	return res, nil
}

// findProvider returns the ARN of the account's provider for host/path, or "".
func findProvider(ctx context.Context, api OIDCProviderAPI, hostPath string) (string, error) {
	out, err := api.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return "", fmt.Errorf("ListOpenIDConnectProviders: %w", err)
	}
	for _, p := range out.OpenIDConnectProviderList {
		a := aws.ToString(p.Arn)
		if _, res, ok := strings.Cut(a, ":oidc-provider/"); ok && res == hostPath {
			return a, nil
		}
	}
	return "", nil
}

// unionFold returns have plus the thumbprints of add it lacks, ignoring case.
func unionFold(have, add []string) []string {
	out := slices.Clone(have)
	for _, a := range add {
		if !slices.ContainsFunc(out, func(h string) bool { return strings.EqualFold(h, a) }) {
			out = append(out, a)
		}
	}
	return out
}

// sameFold reports whether two thumbprint lists hold the same set, ignoring case.
func sameFold(a, b []string) bool {
	norm := func(xs []string) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = strings.ToLower(x)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

// DeleteOIDCProvider deletes an IAM OIDC provider; one that does not exist is success.
func DeleteOIDCProvider(ctx context.Context, api OIDCProviderAPI, providerARN string, opts Options) error {
	if _, err := ParseProviderARN(providerARN); err != nil {
		return fmt.Errorf("irsa: DeleteOIDCProvider: %w", err)
	}
	_, err := api.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &providerARN})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("irsa: DeleteOIDCProvider %s: %w", providerARN, err)
	}
	opts.logger().Info("irsa: OIDC provider deleted", "arn", providerARN, "existed", err == nil)
	return nil
}
