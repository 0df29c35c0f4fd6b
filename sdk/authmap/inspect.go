package authmap

import (
	"errors"
	"sort"
)

// Inspection is an aws-auth ConfigMap read leniently by [Inspect].
type Inspection struct {
	// Mappings are the entries the authenticator can read, in order. They
	// are for reading only: they carry no layout, so writes must go through
	// [Update] (which parses with [Parse] again and refuses a partial read).
	Mappings Mappings
	// Entries lists every entry as written (mapRoles, then mapUsers, then
	// mapAccounts), readable or not, each with its problems.
	Entries []InspectedEntry
	// Problems are every problem found, sorted by key and index; a problem
	// of a whole key (a value that is not a list) has Index -1.
	Problems []*Problem
}

// InspectedEntry is one list item of an aws-auth ConfigMap as written.
type InspectedEntry struct {
	// Key is mapRoles, mapUsers or mapAccounts; Index the entry's position
	// in that list as written.
	Key   string
	Index int
	// Role, User or Account is the entry as the authenticator reads it; all
	// are empty for an entry it cannot read (see Problems).
	Role    *RoleMapping
	User    *UserMapping
	Account string
	// Problems say why the entry is broken or has no effect; empty when it
	// works as written.
	Problems []*Problem
}

// Inspect reads the data of an aws-auth ConfigMap leniently, for showing it
// to a person: every entry the authenticator can read, and a [*Problem] for
// each entry that is broken or has no effect, so that one bad entry does not
// hide the others (as it does for [Parse], which refuses the whole ConfigMap
// so that nothing is written back from a partial read):
//   - entries the authenticator cannot read (ErrMalformed);
//   - entries it reads but never matches or refuses: role ARNs with a path
//     (ErrRolePath), malformed ARNs, invalid accounts and SSO matchers, empty
//     usernames, unknown template variables ([Mappings.Validate]'s rules;
//     system:masters is valid, only unwise, and not reported);
//   - mappings a later mapping of the same identity overrides (ErrShadowed,
//     see [Shadowed]).
//
// Every Problem's Index is the entry's position in its list as written
// (unreadable entries counted). Inspect never fails.
func Inspect(data map[string]string) Inspection {
	// The layout holds the readable items as written, so that Validate
	// judges each entry as the authenticator reads it (a role ARN with a
	// path is a problem as written); it is dropped before returning.
	m := Mappings{layout: &layout{}}
	var entries []InspectedEntry
	var problems []*Problem
	// at maps an entry's index among the readable ones of its key to its
	// place in entries.
	at := map[string][]int{}
	for k, kd := range kinds {
		text, ok := data[kd.key]
		if !ok {
			continue
		}
		items, errs := kd.decode(text)
		bad := map[int]*Problem{}
		n := len(items)
		for _, p := range Problems(errors.Join(errs...)) {
			problems = append(problems, p)
			if p.Index >= 0 {
				bad[p.Index] = p
				n++
			}
		}
		m.layout.sections[k] = &section{original: text, items: items}
		next := 0
		for i := range n {
			e := InspectedEntry{Key: kd.key, Index: i}
			if p, ok := bad[i]; ok {
				e.Problems = []*Problem{p}
				entries = append(entries, e)
				continue
			}
			switch v := items[next].entry.(type) {
			case RoleMapping:
				m.Roles = append(m.Roles, v)
				e.Role = &v
			case UserMapping:
				m.Users = append(m.Users, v)
				e.User = &v
			case account:
				m.Accounts = append(m.Accounts, string(v))
				e.Account = string(v)
			}
			next++
			at[kd.key] = append(at[kd.key], len(entries))
			entries = append(entries, e)
		}
	}
	var found []*Problem
	for _, p := range Problems(m.Validate(AllowSystemMasters())) {
		if !errors.Is(p.Err, ErrShadowed) { // reported on the shadowed entry below
			found = append(found, p)
		}
	}
	for _, p := range append(found, Shadowed(m)...) {
		if idx := at[p.Key]; p.Index >= 0 && p.Index < len(idx) {
			e := &entries[idx[p.Index]]
			p.Index = e.Index
			e.Problems = append(e.Problems, p)
		}
		problems = append(problems, p)
	}
	m.layout = nil
	order := map[string]int{KeyMapRoles: 0, KeyMapUsers: 1, KeyMapAccounts: 2}
	sort.SliceStable(problems, func(i, j int) bool {
		a, b := problems[i], problems[j]
		if order[a.Key] != order[b.Key] {
			return order[a.Key] < order[b.Key]
		}
		return a.Index < b.Index
	})
	return Inspection{Mappings: m, Entries: entries, Problems: problems}
}
