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
