package authmap

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/fargatekit/fargatekit/internal/partition"
)

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
	// Type is one of EntryTypes(); "" means EntryStandard.
	Type string
	// Username is the Kubernetes username; "" lets EKS choose (the user's ARN,
	// or arn:<p>:sts::<account>:assumed-role/<role>/{{SessionName}}).
	// Only STANDARD entries have one.
	Username string
	// KubernetesGroups are the groups (STANDARD entries only; never system:).
	KubernetesGroups []string
	// Policies are the access policies to associate, each at cluster or
	// namespace scope (STANDARD entries; EC2 takes AutoNodePolicy).
	Policies []PolicyAssociation
}

// AccessPolicyARN is the ARN of an EKS access policy in a partition:
// arn:<partition>:eks::aws:cluster-access-policy/<name>.
func AccessPolicyARN(partitionID, name string) string {
	return arn.ARN{Partition: partitionID, Service: "eks", AccountID: "aws", Resource: "cluster-access-policy/" + name}.String()
}

// partitionOf is the partition of an ARN, aws when it does not parse.
func partitionOf(principal string) string {
	if a, err := arn.Parse(principal); err == nil {
		return a.Partition
	}
	return partition.AWS.ID
}

// PolicyARNs returns the ARNs of e's access policies, in the principal's partition.
func (e AccessEntry) PolicyARNs() []string {
	out := make([]string, len(e.Policies))
	for i, a := range e.Policies {
		out[i] = a.PolicyARN(partitionOf(e.PrincipalARN))
	}
	return out
}

// associations returns e's policies as Associations addressed to its principal.
func (e AccessEntry) associations() []Association {
	out := make([]Association, len(e.Policies))
	for i, a := range e.Policies {
		out[i] = Association{PrincipalARN: e.PrincipalARN, PolicyARN: a.PolicyARN(partitionOf(e.PrincipalARN)), Namespaces: a.Namespaces}
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
	if vars := templateRE().FindAllString(username, -1); len(vars) > 0 {
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
			e.Policies = append(e.Policies, PolicyAssociation{Policy: ClusterAdminPolicy})
		case strings.HasPrefix(g, "system:"):
			errs = append(errs, fmt.Errorf("%w: group %s: EKS refuses system: groups in access entries; bind its permissions to a group of your own", ErrNotMigratable, g))
		case templateRE().MatchString(g):
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
// no access entry admits a whole account. An identity mapped more than once
// is converted as the authenticator reads it: the last mapping wins, the
// earlier ones are skipped (see Shadowed).
func AccessEntriesFor(m Mappings) ([]AccessEntry, error) {
	var out []AccessEntry
	var errs []error
	lastRole, lastUser := lastByIdentity(m)
	collect := func(key string, i int, name string, e AccessEntry, err error) {
		if (key == KeyMapRoles && lastRole[i]) || (key == KeyMapUsers && lastUser[i]) {
			return // shadowed by a later mapping of the same identity
		}
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

// lastByIdentity marks the mappings a later one of the same identity shadows
// (aws-iam-authenticator fills a map by identity in list order: the last wins).
func lastByIdentity(m Mappings) (roles, users map[int]bool) {
	roles, users = map[int]bool{}, map[int]bool{}
	seen := map[string]int{}
	for i, r := range m.Roles {
		if prev, ok := seen[r.Identity()]; ok {
			roles[prev] = true
		}
		seen[r.Identity()] = i
	}
	seen = map[string]int{}
	for i, u := range m.Users {
		if prev, ok := seen[u.Identity()]; ok {
			users[prev] = true
		}
		seen[u.Identity()] = i
	}
	return roles, users
}

// Shadowed returns a [*Problem] (ErrShadowed) for each mapping of m that a
// later mapping of the same identity overrides, naming the one that wins.
func Shadowed(m Mappings) []*Problem {
	roles, users := lastByIdentity(m)
	var out []*Problem
	for i, r := range m.Roles {
		if roles[i] {
			out = append(out, &Problem{Key: KeyMapRoles, Index: i, Entry: r.label(), Err: fmt.Errorf("%w: a later entry maps the same role; the authenticator uses the last one", ErrShadowed)})
		}
	}
	for i, u := range m.Users {
		if users[i] {
			out = append(out, &Problem{Key: KeyMapUsers, Index: i, Entry: u.UserARN, Err: fmt.Errorf("%w: a later entry maps the same user; the authenticator uses the last one", ErrShadowed)})
		}
	}
	return out
}

func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// principalKey compares principals as the authenticator would: lower-case,
// roles path-less. (EKS stores the full ARN; resolve path-less aws-auth
// ARNs with ResolvePrincipals before creating entries.)
func principalKey(a string) string { return strings.ToLower(pathlessOrSame(a)) }

var namespaceRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([a-z0-9][-a-z0-9]{0,62}\*?|\*)$`) })
