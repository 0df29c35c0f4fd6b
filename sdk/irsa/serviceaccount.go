package irsa

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
)

// ServiceAccountRoleSpec is one service account and its IAM role, for
// [EnsureServiceAccountRole]: what eksctl's create iamserviceaccount makes.
type ServiceAccountRoleSpec struct {
	// ServiceAccount is the account (no wildcards); it is created when missing.
	ServiceAccount ServiceAccount
	// ProviderARN is the cluster's IAM OIDC provider.
	ProviderARN string
	// RoleName is the role's name; "" means [DefaultRoleName] of the account.
	RoleName string
	// RoleSettings are the path, description, max session duration and tags.
	RoleSettings
	// PermissionsBoundary, PolicyARNs, InlinePolicies, Authoritative and
	// Remove are as in [RoleSpec].
	PermissionsBoundary string
	PolicyARNs          []string
	InlinePolicies      map[string]string
	Authoritative       bool
	Remove              RoleRemovals
	// Annotate tunes the ServiceAccount's annotation.
	Annotate AnnotateOptions
}

// RoleSpec returns the role the spec describes: its trust admits exactly the
// service account through the provider.
func (s ServiceAccountRoleSpec) RoleSpec() RoleSpec {
	name := s.RoleName
	if name == "" {
		name = DefaultRoleName(s.ServiceAccount)
	}
	return RoleSpec{
		Name:         name,
		Trust:        TrustSpec{Providers: []ProviderAccounts{{ProviderARN: s.ProviderARN, ServiceAccounts: []ServiceAccount{s.ServiceAccount}}}},
		RoleSettings: s.RoleSettings, PermissionsBoundary: s.PermissionsBoundary, PolicyARNs: s.PolicyARNs,
		InlinePolicies: s.InlinePolicies, Authoritative: s.Authoritative, Remove: s.Remove,
	}
}

// Validate reports every problem of the spec at once.
func (s ServiceAccountRoleSpec) Validate() error {
	return errors.Join(exactAccount(s.ServiceAccount), s.RoleSpec().Validate())
}

// DefaultRoleName is the role name [EnsureServiceAccountRole] uses when the
// spec gives none: "irsa-<namespace>-<name>", shortened to IAM's 64
// characters with a hash of the account when longer.
func DefaultRoleName(sa ServiceAccount) string {
	name := "irsa-" + sa.Namespace + "-" + sa.Name
	if len(name) <= 64 {
		return name
	}
	h := sha256.Sum256([]byte(sa.String()))
	return strings.TrimRight(name[:55], "-.") + "-" + hex.EncodeToString(h[:4])
}

// ServiceAccountRoleResult reports what [EnsureServiceAccountRole] did.
type ServiceAccountRoleResult struct {
	// Role is [EnsureRole]'s result.
	Role *Result
	// ServiceAccount is the annotated ServiceAccount as the API server returned it.
	ServiceAccount *corev1.ServiceAccount
}

// EnsureServiceAccountRole does in one call what eksctl's create
// iamserviceaccount does: it ensures the role with a trust policy admitting
// exactly the service account through the cluster's OIDC provider, its
// policy attachments and inline policies ([EnsureRole], merging with what
// other tools added unless the spec is authoritative), then creates or
// annotates the ServiceAccount with the role ARN ([AnnotateServiceAccount]:
// server-side apply, other fields kept). A second run writes nothing to IAM
// and leaves the ServiceAccount unchanged. The spec is checked whole before
// any call.
func EnsureServiceAccountRole(ctx context.Context, api RoleAPI, cs kubernetes.Interface, spec ServiceAccountRoleSpec, opts Options) (*ServiceAccountRoleResult, error) {
	fail := func(err error) (*ServiceAccountRoleResult, error) {
		return nil, fmt.Errorf("irsa: EnsureServiceAccountRole %s: %w", spec.ServiceAccount, err)
	}
	if err := spec.Validate(); err != nil {
		return fail(err)
	}
	role, err := EnsureRole(ctx, api, spec.RoleSpec(), opts)
	if err != nil {
		return fail(err)
	}
	obj, err := AnnotateServiceAccount(ctx, cs, spec.ServiceAccount, role.ARN, spec.Annotate)
	if err != nil {
		return fail(err)
	}
	opts.logger().Info("irsa: service account bound to its role", "serviceAccount", spec.ServiceAccount.String(), "role", role.ARN)
	return &ServiceAccountRoleResult{Role: role, ServiceAccount: obj}, nil
}
