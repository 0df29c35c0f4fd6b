package authmap

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Merge returns m with every mapping of add upserted by identity (role:
// path-less ARN or SSO permission set; user: ARN; account: ID, all compared
// as the authenticator does, case-insensitively). A mapping whose identity is
// already present replaces the first entry with it, in place, and further
// entries with that identity (shadowed duplicates) are dropped; a new one is
// appended. Entries add does not name are kept, in order; re-adding an
// identical mapping changes nothing, so Data returns the same text.
//
// Added role ARNs are stored path-less. Two role ARNs with different paths
// and one name are refused with ErrPathCollision: IAM role names are unique
// per account, so one of them is wrong. Merge does not validate the entries:
// call add.Validate first.
func (m Mappings) Merge(add Mappings) (Mappings, error) {
	out := m.clone()
	var errs []error
	roles := newIndex(out.Roles, RoleMapping.Identity)
	written := map[string]string{} // identity -> ARN as the caller gave it
	for i, r := range add.Roles {
		given := r.RoleARN
		if r.RoleARN != "" {
			r.RoleARN = pathlessOrSame(r.RoleARN)
		}
		id := r.Identity()
		seen := []string{written[id]}
		for _, j := range roles.pos[id] {
			seen = append(seen, roles.list[j].RoleARN)
		}
		for _, prev := range seen {
			if p, q := rolePath(prev), rolePath(given); p != "" && q != "" && !strings.EqualFold(p, q) {
				errs = append(errs, &Problem{Key: KeyMapRoles, Index: i, Entry: given,
					Err: fmt.Errorf("%w: %s and %s are both %s", ErrPathCollision, prev, given, r.RoleARN)})
				break
			}
		}
		written[id] = given
		roles.upsert(r, func(a, b RoleMapping) bool { return a.same(b) })
	}
	users := newIndex(out.Users, UserMapping.Identity)
	for _, u := range add.Users {
		users.upsert(u, func(a, b UserMapping) bool { return a.same(b) })
	}
	for _, a := range add.Accounts {
		if !slices.Contains(out.Accounts, a) {
			out.Accounts = append(out.Accounts, a)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return m, err
	}
	out.Roles, out.Users = roles.list, users.list
	return out, nil
}

// index keeps the positions of a list's elements by identity, so that a
// merge of k entries into n costs O(n+k) identity computations.
type index[T any] struct {
	list []T
	id   func(T) string
	pos  map[string][]int
}

func newIndex[T any](list []T, id func(T) string) *index[T] {
	x := &index[T]{list: list, id: id}
	x.rebuild()
	return x
}

func (x *index[T]) rebuild() {
	x.pos = make(map[string][]int, len(x.list))
	for i, e := range x.list {
		k := x.id(e)
		x.pos[k] = append(x.pos[k], i)
	}
}

// upsert replaces the first element with e's identity (unless it is the same)
// and drops later ones, or appends e.
func (x *index[T]) upsert(e T, same func(T, T) bool) {
	key := x.id(e)
	at := x.pos[key]
	if len(at) == 0 {
		x.list = append(x.list, e)
		x.pos[key] = []int{len(x.list) - 1}
		return
	}
	if !same(x.list[at[0]], e) {
		x.list[at[0]] = e
	}
	if len(at) > 1 {
		drop := map[int]bool{}
		for _, j := range at[1:] {
			drop[j] = true
		}
		kept := x.list[:0]
		for j, v := range x.list {
			if !drop[j] {
				kept = append(kept, v)
			}
		}
		x.list = kept
		x.rebuild()
	}
}

// rolePath is the path of a role ARN ("/team/" in role/team/app), "" for none.
func rolePath(roleARN string) string {
	_, res, ok := strings.Cut(roleARN, ":role/")
	if !ok {
		return ""
	}
	if i := strings.LastIndexByte(res, '/'); i >= 0 {
		return "/" + res[:i+1]
	}
	return ""
}

// Remove returns m without the entries named by ids: role ARNs (matched
// path-less), SSO identities (see RoleMapping.Identity), user ARNs, all
// case-insensitively, and account IDs. It also returns how many entries went.
// Every other entry is kept, in order.
func (m Mappings) Remove(ids ...string) (Mappings, int) {
	keys := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		keys[strings.ToLower(id)] = true
		keys[strings.ToLower(pathlessOrSame(id))] = true
	}
	out := m.clone()
	n := len(out.Roles) + len(out.Users) + len(out.Accounts)
	out.Roles = slices.DeleteFunc(out.Roles, func(r RoleMapping) bool { return keys[r.Identity()] })
	out.Users = slices.DeleteFunc(out.Users, func(u UserMapping) bool { return keys[u.Identity()] })
	out.Accounts = slices.DeleteFunc(out.Accounts, func(a string) bool { return keys[strings.ToLower(a)] })
	return out, n - len(out.Roles) - len(out.Users) - len(out.Accounts)
}

// Equal reports whether m and o map the same entries in the same order (a
// nil group list equals an empty one; the remembered text does not count).
func (m Mappings) Equal(o Mappings) bool {
	return slices.EqualFunc(m.Roles, o.Roles, func(a, b RoleMapping) bool { return a.same(b) }) &&
		slices.EqualFunc(m.Users, o.Users, func(a, b UserMapping) bool { return a.same(b) }) &&
		slices.Equal(m.Accounts, o.Accounts)
}

// Len is the number of entries.
func (m Mappings) Len() int { return len(m.Roles) + len(m.Users) + len(m.Accounts) }

func (m Mappings) clone() Mappings {
	out := Mappings{Roles: slices.Clone(m.Roles), Users: slices.Clone(m.Users), Accounts: slices.Clone(m.Accounts), layout: m.layout}
	for i, r := range out.Roles {
		out.Roles[i].Groups = slices.Clone(r.Groups)
		if r.SSO != nil {
			sso := *r.SSO
			out.Roles[i].SSO = &sso
		}
	}
	for i, u := range out.Users {
		out.Users[i].Groups = slices.Clone(u.Groups)
	}
	return out
}

// Identities returns the identity of every entry of m, roles, users, then
// accounts, in order (see RoleMapping.Identity; an account is its ID).
func (m Mappings) Identities() []string {
	var ids []string
	for _, r := range m.Roles {
		ids = append(ids, r.Identity())
	}
	for _, u := range m.Users {
		ids = append(ids, u.Identity())
	}
	return append(ids, m.Accounts...)
}

// Reconciled is what Reconcile computed.
type Reconciled struct {
	// Data holds mapRoles, mapUsers and mapAccounts as they must now be; a key
	// the ConfigMap has but whose list is now empty is "" (an empty list to
	// the authenticator), so that a patch clears it rather than leaving it.
	Data map[string]string
	// Owned are the identities the owner has written, for next time.
	Owned []string
	// Mappings is the resulting content.
	Mappings Mappings
}

// Reconcile is Merge for one declarative owner of some entries (the Pulumi
// component): from the ConfigMap data as it is, the identities the owner
// wrote last time and the mappings it owns now, it removes what the owner
// wrote before and no longer wants, upserts what it wants and the ensured
// mappings (present but not owned, such as the Fargate role, never removed),
// and keeps everything else as it is, byte-for-byte. Content that does not
// parse is an error naming the entry.
func Reconcile(live map[string]string, previouslyOwned []string, owned, ensured Mappings) (Reconciled, error) {
	cur, err := Parse(live)
	if err != nil {
		return Reconciled{}, err
	}
	cur, ownedIDs, err := cur.reconcileOwner(previouslyOwned, owned, ensured)
	if err != nil {
		return Reconciled{}, err
	}
	full, err := cur.ApplyTo(live)
	if err != nil {
		return Reconciled{}, err
	}
	data := map[string]string{}
	for _, kd := range kinds {
		if v, ok := full[kd.key]; ok {
			data[kd.key] = v
		} else if _, had := live[kd.key]; had {
			data[kd.key] = ""
		}
	}
	return Reconciled{Data: data, Owned: ownedIDs, Mappings: cur}, nil
}

// reconcileOwner is the content part of [Reconcile]: m without what the owner
// wrote before and no longer wants, with owned and ensured merged in; and the
// identities the owner now owns.
func (m Mappings) reconcileOwner(previouslyOwned []string, owned, ensured Mappings) (Mappings, []string, error) {
	norm, err := Mappings{}.Merge(owned)
	if err != nil {
		return Mappings{}, nil, err
	}
	keep := map[string]bool{}
	for _, id := range append(norm.Identities(), ensured.Identities()...) {
		keep[strings.ToLower(id)] = true
	}
	var stale []string
	for _, id := range previouslyOwned {
		if !keep[strings.ToLower(id)] && !keep[strings.ToLower(pathlessOrSame(id))] {
			stale = append(stale, id)
		}
	}
	cur, _ := m.Remove(stale...)
	if cur, err = cur.Merge(norm); err != nil {
		return Mappings{}, nil, err
	}
	if cur, err = cur.Merge(ensured); err != nil {
		return Mappings{}, nil, err
	}
	return cur, norm.Identities(), nil
}
