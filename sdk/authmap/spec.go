package authmap

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// The data keys of the aws-auth ConfigMap that aws-iam-authenticator reads.
// They are case-sensitive: "maproles" is ignored by the authenticator.
const (
	KeyMapRoles    = "mapRoles"
	KeyMapUsers    = "mapUsers"
	KeyMapAccounts = "mapAccounts"
)

// Where EKS's authenticator looks for the ConfigMap.
const (
	DefaultNamespace = "kube-system"
	DefaultName      = "aws-auth"
)

// Kubernetes groups with a meaning for aws-auth.
const (
	// GroupMasters is bound to cluster-admin by every cluster; mapping it needs an explicit opt-in.
	GroupMasters = "system:masters"
	// GroupBootstrappers, GroupNodes and GroupNodeProxier are the groups of node and Fargate roles.
	GroupBootstrappers = "system:bootstrappers"
	GroupNodes         = "system:nodes"
	GroupNodeProxier   = "system:node-proxier"
)

// The template variables aws-iam-authenticator substitutes in usernames and
// groups. Anything else between double braces is kept literally, which is
// never what was meant, so Validate refuses it.
const (
	// VarEC2PrivateDNSName is the private DNS name of the EC2 instance whose
	// ID is the session name (node roles).
	VarEC2PrivateDNSName = "{{EC2PrivateDNSName}}"
	// VarSessionName is the role session name with "@" replaced by "-".
	VarSessionName = "{{SessionName}}"
	// VarSessionNameRaw is the role session name unchanged.
	VarSessionNameRaw = "{{SessionNameRaw}}"
	// VarAccountID is the 12-digit account of the caller.
	VarAccountID = "{{AccountID}}"
	// VarAccessKeyID is the access key ID the request was signed with.
	VarAccessKeyID = "{{AccessKeyID}}"
)

// Usernames of the mappings EKS writes for nodes and Fargate pods.
const (
	// NodeUsername is the username of EC2 node roles.
	NodeUsername = "system:node:" + VarEC2PrivateDNSName
	// FargateUsername is the username of Fargate pod-execution roles.
	FargateUsername = "system:node:" + VarSessionName
)

// Sentinel errors, wrapped by every [Problem]; test them with errors.Is.
var (
	// ErrMalformed: the authenticator cannot read the content (bad YAML, wrong types).
	ErrMalformed = errors.New("authmap: malformed")
	// ErrInvalidARN: an ARN does not parse, names an unknown partition or has a bad account.
	ErrInvalidARN = errors.New("authmap: invalid ARN")
	// ErrWrongResource: a valid ARN of the wrong kind (a user in mapRoles, a session ARN, ...).
	ErrWrongResource = errors.New("authmap: wrong resource type")
	// ErrRolePath: a rolearn with a path, which the authenticator never matches.
	ErrRolePath = errors.New("authmap: role ARN has a path")
	// ErrPathCollision: two different role ARNs collapse to one path-less ARN.
	ErrPathCollision = errors.New("authmap: role ARNs collapse to one path-less ARN")
	// ErrInvalidAccount: an account ID is not 12 digits.
	ErrInvalidAccount = errors.New("authmap: invalid account ID")
	// ErrInvalidSSO: an sso matcher the authenticator refuses or never matches.
	ErrInvalidSSO = errors.New("authmap: invalid sso mapping")
	// ErrEmptyUsername: a mapping without a username.
	ErrEmptyUsername = errors.New("authmap: empty username")
	// ErrUnknownTemplate: a {{...}} variable the authenticator does not substitute.
	ErrUnknownTemplate = errors.New("authmap: unknown template variable")
	// ErrShadowed: one identity mapped twice with different usernames or groups.
	ErrShadowed = errors.New("authmap: duplicate identity")
	// ErrSystemMasters: system:masters without AllowSystemMasters.
	ErrSystemMasters = errors.New("authmap: system:masters not allowed")
)

// SSO matches the roles AWS IAM Identity Center creates for a permission set
// (arn:<partition>:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<set>_<suffix>)
// whatever their random suffix. It is an alpha feature of aws-iam-authenticator
// (feature gate SSORoleMatch). YAML keys permissionSetName, accountID, partition.
type SSO struct {
	// PermissionSetName is the permission set (1-32 of [A-Za-z0-9_+=,.@-]).
	PermissionSetName string
	// AccountID is the 12-digit account whose roles match.
	AccountID string
	// Partition must stay empty: the authenticator builds its pattern with an
	// empty partition whenever this is set, so such a mapping never matches.
	Partition string
}

// RoleMapping maps an IAM role (or an SSO permission set) to a Kubernetes
// username and groups. YAML keys rolearn, sso, username, groups.
type RoleMapping struct {
	// RoleARN is the role's ARN without its path: arn:aws:iam::111122223333:role/Name.
	RoleARN string
	// SSO replaces RoleARN for IAM Identity Center permission sets.
	SSO *SSO
	// Username may use the template variables (VarSessionName, ...).
	Username string
	// Groups may use the template variables too.
	Groups []string
}

// UserMapping maps an IAM user to a Kubernetes username and groups. YAML keys
// userarn, username, groups.
type UserMapping struct {
	// UserARN is the user's ARN, path included: arn:aws:iam::111122223333:user/ops/alice.
	UserARN string
	// Username is the Kubernetes username.
	Username string
	// Groups are the Kubernetes groups.
	Groups []string
}

// Mappings is the content of an aws-auth ConfigMap: mapRoles, mapUsers and
// mapAccounts. A Mappings returned by [Parse] remembers the text it came from,
// so that [Mappings.Data] writes every entry it did not change byte-for-byte
// as it was (see the package documentation). The zero value is empty.
type Mappings struct {
	// Roles is mapRoles, in order.
	Roles []RoleMapping
	// Users is mapUsers, in order.
	Users []UserMapping
	// Accounts is mapAccounts: 12-digit IDs whose every principal may sign
	// in as its own ARN, without groups.
	Accounts []string

	layout *layout
}

// FargateRoleMapping is the mapping EKS writes for a Fargate pod-execution
// role; without it Fargate pods never get a node. The ARN is made path-less.
func FargateRoleMapping(podExecutionRoleARN string) RoleMapping {
	return RoleMapping{RoleARN: pathlessOrSame(podExecutionRoleARN), Username: FargateUsername,
		Groups: []string{GroupBootstrappers, GroupNodes, GroupNodeProxier}}
}

// NodeRoleMapping is the mapping EKS writes for the role of EC2 Linux nodes.
func NodeRoleMapping(nodeRoleARN string) RoleMapping {
	return RoleMapping{RoleARN: pathlessOrSame(nodeRoleARN), Username: NodeUsername,
		Groups: []string{GroupBootstrappers, GroupNodes}}
}

// PathlessRoleARN returns the form of an IAM role ARN that aws-iam-authenticator
// compares against: the session's assumed-role ARN carries no path, so neither
// does the ARN it matches. arn:aws:iam::1:role/team/app becomes arn:aws:iam::1:role/app.
func PathlessRoleARN(roleARN string) (string, error) {
	a, err := partition.ParseARN(roleARN, "iam", "role/")
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidARN, err)
	}
	name := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	if name == "" {
		return "", fmt.Errorf("%w %q: no role name", ErrInvalidARN, roleARN)
	}
	a.Resource = "role/" + name
	return a.String(), nil
}

func pathlessOrSame(roleARN string) string {
	if p, err := PathlessRoleARN(roleARN); err == nil {
		return p
	}
	return roleARN
}

// Identity is the key the authenticator looks the role up by: the lower-case
// path-less ARN, or for SSO the lower-case pattern
// arn:<partition>:iam::<account>:role/awsreservedsso_<set>_*.
func (r RoleMapping) Identity() string {
	if r.SSO != nil && r.RoleARN == "" {
		p := r.SSO.Partition
		if p == "" {
			p = partition.AWS.ID
		}
		return strings.ToLower("arn:" + p + ":iam::" + r.SSO.AccountID + ":role/AWSReservedSSO_" + r.SSO.PermissionSetName + "_*")
	}
	return strings.ToLower(pathlessOrSame(r.RoleARN))
}

// Identity is the key the authenticator looks the user up by: the lower-case ARN.
func (u UserMapping) Identity() string { return strings.ToLower(u.UserARN) }

// label names the entry in messages: its ARN or SSO permission set.
func (r RoleMapping) label() string {
	if r.RoleARN == "" && r.SSO != nil {
		return fmt.Sprintf("sso %s/%s", r.SSO.AccountID, r.SSO.PermissionSetName)
	}
	return r.RoleARN
}

// Problem is one thing wrong with one entry. Validate and Parse return all of
// them joined with errors.Join; errors.As finds each, errors.Is its sentinel.
type Problem struct {
	// Key is mapRoles, mapUsers or mapAccounts.
	Key string
	// Index is the entry's position in its list, -1 for the whole key.
	Index int
	// Entry names the entry: its ARN, SSO permission set or account ID.
	Entry string
	// Err wraps one of the sentinel errors with the detail.
	Err error
}

// Error names the key, index and entry, then the problem.
func (p *Problem) Error() string {
	where := p.Key
	if p.Index >= 0 {
		where = fmt.Sprintf("%s[%d]", p.Key, p.Index)
	}
	if p.Entry != "" {
		where += " " + p.Entry
	}
	return where + ": " + p.Err.Error()
}

// Unwrap returns the wrapped sentinel error.
func (p *Problem) Unwrap() error { return p.Err }

// Problems returns the Problems in err (as returned by Validate or Parse).
func Problems(err error) []*Problem {
	var out []*Problem
	var walk func(error)
	walk = func(e error) {
		if p, ok := e.(*Problem); ok {
			out = append(out, p)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

// Option adjusts validation.
type Option func(*options)

type options struct{ allowMasters bool }

// AllowSystemMasters accepts mappings to system:masters (cluster-admin on
// every cluster, beyond the reach of RBAC). Without it Validate refuses them.
func AllowSystemMasters() Option { return func(o *options) { o.allowMasters = true } }

func buildOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}

var (
	templateRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{[^{}]*\}\}`) })
	permissionSetRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{1,32}$`) })
	knownVars       = []string{VarEC2PrivateDNSName, VarSessionName, VarSessionNameRaw, VarAccountID, VarAccessKeyID}
	sessionVars     = []string{VarEC2PrivateDNSName, VarSessionName, VarSessionNameRaw}
)

// Validate returns every problem of m at once (errors.Join of [*Problem]),
// each naming its entry: malformed ARNs, ARNs of the wrong kind, role ARNs
// with a path, roles that collapse to one path-less ARN, invalid account IDs
// and SSO matchers, empty usernames, unknown template variables, one identity
// mapped twice differently, and system:masters unless AllowSystemMasters.
//
// It judges what [Mappings.Data] would write: a role ARN with a path is a
// problem only in an entry kept as Parse read it (the authenticator never
// matches it); a new or changed entry is rendered path-less.
func (m Mappings) Validate(opts ...Option) error {
	o := buildOptions(opts)
	var errs []error
	add := func(key string, i int, entry string, err error) {
		errs = append(errs, &Problem{Key: key, Index: i, Entry: entry, Err: err})
	}
	asWritten := keptAsWritten(m.layout.section(kRoles), m.entries(kRoles))
	for i, r := range m.Roles {
		if !asWritten[i] && r.RoleARN != "" {
			r.RoleARN = r.renderedARN() // Data writes it path-less
		}
		for _, err := range r.problems(o) {
			add(KeyMapRoles, i, r.label(), err)
		}
	}
	for i, u := range m.Users {
		for _, err := range u.problems(o) {
			add(KeyMapUsers, i, u.UserARN, err)
		}
	}
	for i, a := range m.Accounts {
		if !partition.ValidAccount(a) {
			add(KeyMapAccounts, i, a, fmt.Errorf("%w %q: want 12 digits", ErrInvalidAccount, a))
		}
	}
	type seen struct {
		i        int
		written  string
		username string
		groups   []string
	}
	roles := map[string]seen{}
	for i, r := range m.Roles {
		id := r.Identity()
		prev, dup := roles[id]
		roles[id] = seen{i, r.RoleARN, r.Username, r.Groups}
		switch {
		case !dup:
		case !strings.EqualFold(prev.written, r.RoleARN):
			add(KeyMapRoles, i, r.label(), fmt.Errorf("%w: %s (entry %d) and %s both match %s; an IAM role name is unique in its account, so one of them is wrong",
				ErrPathCollision, prev.written, prev.i, r.RoleARN, pathlessOrSame(r.RoleARN)))
		case prev.username != r.Username || !sameGroups(prev.groups, r.Groups):
			add(KeyMapRoles, i, r.label(), fmt.Errorf("%w: also entry %d with another username or groups; the authenticator uses the last one, entry %d", ErrShadowed, prev.i, i))
		}
	}
	users := map[string]seen{}
	for i, u := range m.Users {
		id := u.Identity()
		if prev, dup := users[id]; dup && (prev.username != u.Username || !sameGroups(prev.groups, u.Groups)) {
			add(KeyMapUsers, i, u.UserARN, fmt.Errorf("%w: also entry %d with another username or groups; the authenticator uses the last one, entry %d", ErrShadowed, prev.i, i))
		}
		users[id] = seen{i, u.UserARN, u.Username, u.Groups}
	}
	return errors.Join(errs...)
}

func (r RoleMapping) problems(o options) []error {
	var errs []error
	switch {
	case r.RoleARN != "" && r.SSO != nil:
		errs = append(errs, fmt.Errorf("%w: both rolearn and sso are set; give one", ErrInvalidSSO))
	case r.SSO != nil:
		errs = append(errs, r.SSO.problems()...)
	case r.RoleARN == "":
		errs = append(errs, fmt.Errorf("%w: no rolearn (or sso)", ErrInvalidARN))
	default:
		errs = append(errs, roleARNProblems(r.RoleARN)...)
	}
	return append(errs, subjectProblems(r.Username, r.Groups, false, o)...)
}

func roleARNProblems(s string) []error {
	a, err := partition.ParseARN(s, "", "")
	if err != nil {
		return []error{fmt.Errorf("%w: %w", ErrInvalidARN, err)}
	}
	switch {
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		return []error{fmt.Errorf("%w: %s is a role session; map the role arn:%s:iam::%s:role/%s",
			ErrWrongResource, s, a.Partition, a.AccountID, strings.Split(a.Resource, "/")[1])}
	case a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/"):
		return []error{fmt.Errorf("%w: %s is not an IAM role (in mapRoles)", ErrWrongResource, s)}
	}
	pathless, err := PathlessRoleARN(s)
	if err != nil {
		return []error{err}
	}
	if pathless != s {
		return []error{fmt.Errorf("%w: the authenticator compares path-less ARNs, so this entry never matches; use %s", ErrRolePath, pathless)}
	}
	return nil
}

func (s *SSO) problems() []error {
	var errs []error
	if !partition.ValidAccount(s.AccountID) {
		errs = append(errs, fmt.Errorf("%w: accountID %q: want 12 digits", ErrInvalidSSO, s.AccountID))
	}
	if !permissionSetRE().MatchString(s.PermissionSetName) {
		errs = append(errs, fmt.Errorf("%w: permissionSetName %q: want 1-32 of [A-Za-z0-9_+=,.@-]", ErrInvalidSSO, s.PermissionSetName))
	}
	if s.Partition != "" {
		errs = append(errs, fmt.Errorf("%w: partition %q: aws-iam-authenticator builds an empty partition into its pattern whenever partition is set, so the mapping never matches; omit it (aws) or map the role ARN", ErrInvalidSSO, s.Partition))
	}
	return errs
}

func (u UserMapping) problems(o options) []error {
	return append(userARNProblems(u.UserARN), subjectProblems(u.Username, u.Groups, true, o)...)
}

func userARNProblems(s string) []error {
	if s == "" {
		return []error{fmt.Errorf("%w: no userarn", ErrInvalidARN)}
	}
	a, err := partition.ParseARN(s, "", "")
	if err != nil {
		return []error{fmt.Errorf("%w: %w", ErrInvalidARN, err)}
	}
	if a.Service != "iam" || !(strings.HasPrefix(a.Resource, "user/") || a.Resource == "root") {
		return []error{fmt.Errorf("%w: %s is not an IAM user (in mapUsers)", ErrWrongResource, s)}
	}
	return nil
}

// ValidateRoleARN checks the ARN of a role to map, with or without its path:
// an IAM role (not a role session), in a known partition. Every problem wraps
// [ErrInvalidARN] or [ErrWrongResource].
func ValidateRoleARN(s string) error { return errors.Join(roleARNProblems(pathlessOrSame(s))...) }

// ValidateUserARN checks the ARN of an IAM user (or account root) to map.
func ValidateUserARN(s string) error { return errors.Join(userARNProblems(s)...) }

// subjectProblems checks a username and groups.
func subjectProblems(username string, groups []string, user bool, o options) []error {
	var errs []error
	if strings.TrimSpace(username) == "" {
		errs = append(errs, ErrEmptyUsername)
	}
	for _, s := range append([]string{username}, groups...) {
		for _, v := range templateRE().FindAllString(s, -1) {
			switch {
			case !slices.Contains(knownVars, v):
				errs = append(errs, fmt.Errorf("%w %s in %q (known: %s)", ErrUnknownTemplate, v, s, strings.Join(knownVars, " ")))
			case user && slices.Contains(sessionVars, v):
				errs = append(errs, fmt.Errorf("%w %s in %q: IAM users have no role session", ErrUnknownTemplate, v, s))
			}
		}
	}
	if !o.allowMasters && slices.Contains(groups, GroupMasters) {
		errs = append(errs, fmt.Errorf("%w: the group grants cluster-admin beyond RBAC; opt in with AllowSystemMasters", ErrSystemMasters))
	}
	return errs
}

// sameGroups compares group lists, nil equal to empty.
func sameGroups(a, b []string) bool { return slices.Equal(a, b) }
