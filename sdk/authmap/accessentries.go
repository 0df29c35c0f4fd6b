package authmap

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// Access-entry types (the CreateAccessEntry type values fargatekit uses).
const (
	EntryStandard     = "STANDARD"
	EntryEC2Linux     = "EC2_LINUX"
	EntryEC2Windows   = "EC2_WINDOWS"
	EntryFargateLinux = "FARGATE_LINUX"
)

// ClusterAdminPolicy is the EKS access policy that stands in for system:masters.
const ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"

// GroupKubeProxyWindows is the extra group of Windows node roles in aws-auth.
const GroupKubeProxyWindows = "eks:kube-proxy-windows"

// ErrNotMigratable is wrapped by the [*Problem] for each mapping that has no
// access-entry equivalent as it is written.
var ErrNotMigratable = errors.New("authmap: no access-entry equivalent")

// reservedUsernamePrefixes may not start an access entry's username.
var reservedUsernamePrefixes = []string{"system:", "eks:", "aws:", "amazon:", "iam:"}

// AccessEntry is one EKS access entry, as fargatekit would create it.
type AccessEntry struct {
	// PrincipalARN is the IAM role or user.
	PrincipalARN string
	// Type is EntryStandard, EntryEC2Linux, EntryEC2Windows or EntryFargateLinux.
	Type string
	// Username is the Kubernetes username; "" lets EKS choose (the user's ARN,
	// or arn:<p>:sts::<account>:assumed-role/<role>/{{SessionName}}).
	// Only STANDARD entries have one.
	Username string
	// KubernetesGroups are the groups (STANDARD entries only; never system:).
	KubernetesGroups []string
	// AccessPolicies are names of EKS access policies to associate with
	// cluster scope, e.g. ClusterAdminPolicy.
	AccessPolicies []string
}

// AccessPolicyARN is the ARN of an EKS access policy in a partition:
// arn:<partition>:eks::aws:cluster-access-policy/<name>.
func AccessPolicyARN(partitionID, name string) string {
	return arn.ARN{Partition: partitionID, Service: "eks", AccountID: "aws", Resource: "cluster-access-policy/" + name}.String()
}

// PolicyARNs returns the ARNs of e's access policies, in the principal's partition.
func (e AccessEntry) PolicyARNs() []string {
	p := partition.AWS.ID
	if a, err := arn.Parse(e.PrincipalARN); err == nil {
		p = a.Partition
	}
	out := make([]string, len(e.AccessPolicies))
	for i, name := range e.AccessPolicies {
		out[i] = AccessPolicyARN(p, name)
	}
	return out
}

// AccessEntry converts a role mapping: EKS's node and Fargate mappings become
// EC2_LINUX/EC2_WINDOWS and FARGATE_LINUX entries (EKS sets their username and
// groups); any other becomes a STANDARD entry with its username and groups,
// system:masters turned into the ClusterAdminPolicy association. The error
// ([ErrNotMigratable]) says what has no equivalent: SSO matchers, system:
// groups, templated groups, usernames EKS reserves or cannot template.
func (r RoleMapping) AccessEntry() (AccessEntry, error) {
	if r.SSO != nil {
		return AccessEntry{}, fmt.Errorf("%w: an access entry names one role ARN, and an SSO matcher names every role of a permission set; "+
			"map the role IAM Identity Center created (arn:aws:iam::%s:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_%s_<suffix>)",
			ErrNotMigratable, r.SSO.AccountID, r.SSO.PermissionSetName)
	}
	e := AccessEntry{PrincipalARN: r.RoleARN, Type: EntryStandard}
	switch {
	case r.Username == NodeUsername && hasAll(r.Groups, GroupBootstrappers, GroupNodes):
		e.Type = EntryEC2Linux
		if slices.Contains(r.Groups, GroupKubeProxyWindows) {
			e.Type = EntryEC2Windows
		}
		return e, nodeExtras(e.Type, r.Groups, GroupBootstrappers, GroupNodes, GroupKubeProxyWindows)
	case r.Username == FargateUsername && hasAll(r.Groups, GroupBootstrappers, GroupNodes, GroupNodeProxier):
		e.Type = EntryFargateLinux
		return e, nodeExtras(e.Type, r.Groups, GroupBootstrappers, GroupNodes, GroupNodeProxier)
	}
	return standardEntry(e, r.Username, r.Groups, true)
}

// AccessEntry converts a user mapping into a STANDARD entry (see RoleMapping.AccessEntry).
func (u UserMapping) AccessEntry() (AccessEntry, error) {
	return standardEntry(AccessEntry{PrincipalARN: u.UserARN, Type: EntryStandard}, u.Username, u.Groups, false)
}

func hasAll(groups []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(groups, w) {
			return false
		}
	}
	return true
}

func nodeExtras(typ string, groups []string, known ...string) error {
	var extra []string
	for _, g := range groups {
		if !slices.Contains(known, g) {
			extra = append(extra, g)
		}
	}
	if len(extra) > 0 {
		return fmt.Errorf("%w: a %s entry takes no groups, so %s would be lost; grant them another way", ErrNotMigratable, typ, strings.Join(extra, ", "))
	}
	return nil
}

func standardEntry(e AccessEntry, username string, groups []string, role bool) (AccessEntry, error) {
	var errs []error
	for _, p := range reservedUsernamePrefixes {
		if strings.HasPrefix(username, p) {
			errs = append(errs, fmt.Errorf("%w: username %q: EKS reserves the prefix %s; choose another username (or none, for EKS's default) and rebind RBAC to it", ErrNotMigratable, username, p))
		}
	}
	if vars := templateRE.FindAllString(username, -1); len(vars) > 0 {
		for _, v := range vars {
			if !role || (v != VarSessionName && v != VarSessionNameRaw) {
				errs = append(errs, fmt.Errorf("%w: username %q: access entries substitute only {{SessionName}} and {{SessionNameRaw}} (role entries), not %s", ErrNotMigratable, username, v))
			}
		}
		if !strings.Contains(username[:strings.Index(username, vars[0])], ":") {
			errs = append(errs, fmt.Errorf("%w: username %q: EKS wants a colon before %s, as in name:%s", ErrNotMigratable, username, vars[0], vars[0]))
		}
	}
	e.Username = username
	for _, g := range groups {
		switch {
		case g == GroupMasters:
			e.AccessPolicies = append(e.AccessPolicies, ClusterAdminPolicy)
		case strings.HasPrefix(g, "system:"):
			errs = append(errs, fmt.Errorf("%w: group %s: EKS refuses system: groups in access entries; bind its permissions to a group of your own", ErrNotMigratable, g))
		case templateRE.MatchString(g):
			errs = append(errs, fmt.Errorf("%w: group %q: access-entry groups are literal, templates are not substituted", ErrNotMigratable, g))
		default:
			e.KubernetesGroups = append(e.KubernetesGroups, g)
		}
	}
	return e, errors.Join(errs...)
}

// AccessEntriesFor converts every mapping of m (see RoleMapping.AccessEntry).
// It returns the entries that have an equivalent and, joined, a [*Problem]
// (ErrNotMigratable) for each mapping that has none, mapAccounts included:
// no access entry admits a whole account.
func AccessEntriesFor(m Mappings) ([]AccessEntry, error) {
	var out []AccessEntry
	var errs []error
	collect := func(key string, i int, name string, e AccessEntry, err error) {
		if err != nil {
			for _, one := range splitJoined(err) {
				errs = append(errs, &Problem{Key: key, Index: i, Entry: name, Err: one})
			}
			return
		}
		out = append(out, e)
	}
	for i, r := range m.Roles {
		e, err := r.AccessEntry()
		collect(KeyMapRoles, i, r.label(), e, err)
	}
	for i, u := range m.Users {
		e, err := u.AccessEntry()
		collect(KeyMapUsers, i, u.UserARN, e, err)
	}
	for i, a := range m.Accounts {
		errs = append(errs, &Problem{Key: KeyMapAccounts, Index: i, Entry: a,
			Err: fmt.Errorf("%w: mapAccounts admits every principal of account %s; create an access entry for each principal that needs access", ErrNotMigratable, a)})
	}
	return out, errors.Join(errs...)
}

func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// principalKey compares principals as EKS and the authenticator would:
// lower-case, roles path-less.
func principalKey(a string) string { return strings.ToLower(pathlessOrSame(a)) }
