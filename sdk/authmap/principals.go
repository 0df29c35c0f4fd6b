package authmap

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// PrincipalAPI is the part of IAM that resolves principals; *iam.Client
// implements it.
type PrincipalAPI interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetUser(ctx context.Context, in *iam.GetUserInput, optFns ...func(*iam.Options)) (*iam.GetUserOutput, error)
}

// RoleLister is the IAM call FindSSORoles uses; *iam.Client implements it.
type RoleLister interface {
	ListRoles(ctx context.Context, in *iam.ListRolesInput, optFns ...func(*iam.Options)) (*iam.ListRolesOutput, error)
}

var (
	_ PrincipalAPI = (*iam.Client)(nil)
	_ RoleLister   = (*iam.Client)(nil)
)

// ErrPrincipalNotFound is wrapped when IAM has no role or user of that name
// in the caller's account.
var ErrPrincipalNotFound = errors.New("authmap: IAM principal not found")

// SSORolePathPrefix is the path under which IAM Identity Center creates the
// roles of its permission sets.
const SSORolePathPrefix = "/aws-reserved/sso.amazonaws.com/"

// ResolvePrincipalARN returns the ARN EKS access entries want for a role or
// user: the full ARN, path included. aws-auth stores role ARNs path-less
// (the authenticator matches them so), and EKS refuses a path-less ARN of a
// role that has a path; so an ARN without a path is looked up with
// iam:GetRole (iam:GetUser) and IAM's ARN returned. An ARN that has a path
// is returned as it is. A principal IAM does not know, in the caller's
// account, wraps ErrPrincipalNotFound (give the full ARN for another
// account's principal).
func ResolvePrincipalARN(ctx context.Context, api PrincipalAPI, principal string) (string, error) {
	a, err := partition.ParseARN(principal, "iam", "")
	if err != nil {
		return "", fmt.Errorf("authmap: resolving %s: %w: %w", principal, ErrPrincipal, err)
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	if (kind != "role" && kind != "user") || rest == "" {
		return "", fmt.Errorf("authmap: resolving %s: %w: not an IAM role or user", principal, ErrPrincipal)
	}
	if strings.Contains(rest, "/") {
		return principal, nil // has its path already
	}
	var got *string
	if kind == "role" {
		out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(rest)})
		if err != nil {
			return "", notFoundOr(principal, "iam:GetRole", err)
		}
		got = out.Role.Arn
	} else {
		out, err := api.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(rest)})
		if err != nil {
			return "", notFoundOr(principal, "iam:GetUser", err)
		}
		got = out.User.Arn
	}
	full := aws.ToString(got)
	if g, err := partition.ParseARN(full, "iam", ""); err != nil || g.AccountID != a.AccountID {
		// The caller's account is another one: IAM answered for a namesake.
		return "", fmt.Errorf("authmap: resolving %s: %w in the caller's account (IAM answered %s); give the full ARN with its path", principal, ErrPrincipalNotFound, full)
	}
	return full, nil
}

func notFoundOr(principal, call string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "NoSuchEntity" {
		return fmt.Errorf("authmap: resolving %s: %w (%s: %s); give the full ARN with its path", principal, ErrPrincipalNotFound, call, ae.ErrorMessage())
	}
	return fmt.Errorf("authmap: resolving %s with %s: %w", principal, call, err)
}

// ResolvePrincipals returns entries with every principal resolved
// (ResolvePrincipalARN), each looked up once; entries is not changed. Every
// principal that cannot be resolved is reported at once.
func ResolvePrincipals(ctx context.Context, api PrincipalAPI, entries []AccessEntry) ([]AccessEntry, error) {
	out := make([]AccessEntry, len(entries))
	cache := map[string]string{}
	var errs []error
	for i, e := range entries {
		out[i] = e
		full, ok := cache[e.PrincipalARN]
		if !ok {
			var err error
			if full, err = ResolvePrincipalARN(ctx, api, e.PrincipalARN); err != nil {
				errs = append(errs, err)
				continue
			}
			cache[e.PrincipalARN] = full
		}
		out[i].PrincipalARN = full
	}
	return out, errors.Join(errs...)
}

// FindSSORoles returns the ARNs (path included, as EKS access entries and
// aws-auth after PathlessRoleARN want them) of the roles IAM Identity Center
// created in the caller's account for a permission set: the roles under
// SSORolePathPrefix named AWSReservedSSO_<permissionSet>_<suffix>. Use them
// instead of an sso: matcher, which needs an alpha authenticator feature
// gate EKS does not enable.
func FindSSORoles(ctx context.Context, api RoleLister, permissionSet string) ([]string, error) {
	if !permissionSetRE().MatchString(permissionSet) {
		return nil, fmt.Errorf("authmap: %w: permission set %q: want 1-32 of [A-Za-z0-9_+=,.@-]", ErrInvalidSSO, permissionSet)
	}
	prefix := "AWSReservedSSO_" + permissionSet + "_"
	var out []string
	in := &iam.ListRolesInput{PathPrefix: aws.String(SSORolePathPrefix)}
	for {
		page, err := api.ListRoles(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("authmap: listing roles under %s: %w", SSORolePathPrefix, err)
		}
		for _, r := range page.Roles {
			name := aws.ToString(r.RoleName)
			// The suffix is hex: a set named A must not match A_B's roles.
			if rest, ok := strings.CutPrefix(name, prefix); ok && rest != "" && !strings.Contains(rest, "_") {
				out = append(out, aws.ToString(r.Arn))
			}
		}
		if !page.IsTruncated || page.Marker == nil {
			return out, nil
		}
		in.Marker = page.Marker
	}
}

// ErrPrincipalOverride is wrapped when a principal override
// (ResolveOptions.Overrides, MigrateOptions.PrincipalARNs) does not name the
// principal it replaces, or replaces none.
var ErrPrincipalOverride = errors.New("authmap: principal override")

// ResolveOptions adjust ResolvePrincipalsIn.
type ResolveOptions struct {
	// Account is the cluster's account. IAM answers for the caller's
	// account only, so a path-less ARN of another account cannot be looked
	// up: it is kept as written and reported as "path not recoverable"
	// (EKS accepts STANDARD entries for another account's principals; see
	// AccessEntryRulesSource). Empty: every path-less ARN is looked up.
	Account string
	// Overrides maps a principal ARN as aws-auth writes it to the full ARN
	// to use instead (another account's role that has a path, say). The
	// full ARN must be the same principal: same partition, account, kind
	// (role or user) and name; only the path may differ. An override of
	// no entry's principal is refused (a typo would otherwise go unseen).
	Overrides map[string]string
}

// AccessEntryRulesSource is the EKS page that says which principals an
// access entry takes: a role ARN may carry its path; a STANDARD entry's
// principal may be in another account, a node type's must be in the
// cluster's.
const AccessEntryRulesSource = "https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html"

// Resolution is what ResolvePrincipalsIn made of the entries.
type Resolution struct {
	// Entries are the entries with their principals resolved.
	Entries []AccessEntry
	// Notes say, one line per principal, which were kept as written (path
	// not recoverable) or replaced by an override.
	Notes []string
}

// ResolvePrincipalsIn is ResolvePrincipals for a cluster's account, with
// overrides: an overridden principal takes the given ARN; a path-less ARN
// of another account than opts.Account is kept as written, with a note (its
// path, if it has one, cannot be recovered with the caller's IAM: give it as
// an override); a node-type entry (FARGATE_LINUX, EC2_LINUX...) of another
// account is refused, as EKS refuses it (AccessEntryRulesSource); the rest
// are resolved with ResolvePrincipalARN. Every problem is reported at once.
func ResolvePrincipalsIn(ctx context.Context, api PrincipalAPI, entries []AccessEntry, opts ResolveOptions) (Resolution, error) {
	var errs []error
	overrides := map[string]string{}
	for from, to := range opts.Overrides {
		if err := sameName(from, to); err != nil {
			errs = append(errs, err)
			continue
		}
		overrides[principalKey(from)] = to
	}
	used := map[string]bool{}
	var res Resolution
	var rest []AccessEntry
	var restAt []int
	for i, e := range entries {
		res.Entries = append(res.Entries, e)
		a, err := partition.ParseARN(e.PrincipalARN, "iam", "")
		if err != nil {
			errs = append(errs, fmt.Errorf("authmap: resolving %s: %w: %w", e.PrincipalARN, ErrPrincipal, err))
			continue
		}
		foreign := opts.Account != "" && a.AccountID != opts.Account
		if foreign && e.Type != "" && e.Type != EntryStandard {
			errs = append(errs, fmt.Errorf("authmap: resolving %s: %w: a %s entry's principal must be in the cluster's account %s, not %s (%s)",
				e.PrincipalARN, ErrPrincipal, e.Type, opts.Account, a.AccountID, AccessEntryRulesSource))
			continue
		}
		key := principalKey(e.PrincipalARN)
		switch to, ok := overrides[key]; {
		case ok:
			res.Entries[i].PrincipalARN = to
			if !used[key] {
				res.Notes = append(res.Notes, fmt.Sprintf("principal %s: using %s (given)", e.PrincipalARN, to))
			}
			used[key] = true
		case foreign && !strings.Contains(strings.TrimPrefix(a.Resource, "role/"), "/") && !strings.HasPrefix(a.Resource, "user/"):
			res.Notes = append(res.Notes, fmt.Sprintf("principal %s: path not recoverable (account %s is not the cluster's %s, whose IAM cannot be asked); "+
				"kept as written: if the role has a path, give its full ARN as an override (--principal %s=FULL-ARN)", e.PrincipalARN, a.AccountID, opts.Account, e.PrincipalARN))
		case foreign:
			// Another account's user, or a role with its path: as given.
		default:
			rest, restAt = append(rest, e), append(restAt, i)
		}
	}
	for from := range opts.Overrides {
		if k := principalKey(from); overrides[k] != "" && !used[k] {
			errs = append(errs, fmt.Errorf("%w: %s is no entry's principal", ErrPrincipalOverride, from))
		}
	}
	resolved, err := ResolvePrincipals(ctx, api, rest)
	errs = append(errs, err)
	for j, i := range restAt {
		res.Entries[i] = resolved[j]
	}
	return res, errors.Join(errs...)
}

// sameName checks that an override names the principal it replaces.
func sameName(from, to string) error {
	f, err1 := partition.ParseARN(from, "iam", "")
	t, err2 := partition.ParseARN(to, "iam", "")
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%w %s=%s: %w", ErrPrincipalOverride, from, to, err)
	}
	fk, fr, _ := strings.Cut(f.Resource, "/")
	tk, tr, _ := strings.Cut(t.Resource, "/")
	last := func(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }
	if f.Partition != t.Partition || f.AccountID != t.AccountID || fk != tk || (fk != "role" && fk != "user") || !strings.EqualFold(last(fr), last(tr)) {
		return fmt.Errorf("%w %s=%s: not the same principal (only the path may differ)", ErrPrincipalOverride, from, to)
	}
	return nil
}
