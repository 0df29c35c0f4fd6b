package authmap

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// AdoptedAnnotationPrefix starts the annotation in which ReconcileOwned and
// RevokeOwned, given ConfigMapOptions.Owner, keep the entries that were in
// the ConfigMap before the owner mapped their identities (the annotation is
// AdoptedAnnotationPrefix + Owner): the owner's mapping replaces such an
// entry while it lasts, and when the owner drops the identity or is revoked
// the entry is put back as it was (its original bytes, where the list's
// layout allows), not deleted.
const AdoptedAnnotationPrefix = "authmap.fargatekit.io/adopted-"

// adoptedEntry is an entry as it was before an owner took its identity over,
// or (Added) the mark of an identity the owner added, absent before.
type adoptedEntry struct {
	Added bool         `json:"added,omitempty"`
	Role  *RoleMapping `json:"role,omitempty"`
	User  *UserMapping `json:"user,omitempty"`
	// Text is the entry's original bytes and Indent its block list's
	// column ("" when the layout was not known).
	Text   string `json:"text,omitempty"`
	Indent int    `json:"indent,omitempty"`
}

// adoptedRecord maps identities (lower-case, path-less) to the entries they had.
type adoptedRecord map[string]adoptedEntry

func idKey(id string) string { return strings.ToLower(pathlessOrSame(strings.TrimSpace(id))) }

// readAdopted reads an owner's record; absent or unreadable is empty (the
// safe side: nothing is put back that was not recorded).
func readAdopted(ann map[string]string, key string) adoptedRecord {
	rec := adoptedRecord{}
	if v, ok := ann[key]; ok {
		_ = json.Unmarshal([]byte(v), &rec)
	}
	return rec
}

// writeAdopted returns ann with the record under key (removed when empty).
func writeAdopted(ann map[string]string, key string, rec adoptedRecord) map[string]string {
	out := maps.Clone(ann)
	if out == nil {
		out = map[string]string{}
	}
	if len(rec) == 0 {
		delete(out, key)
		return out
	}
	b, _ := json.Marshal(rec)
	out[key] = string(b)
	return out
}

// original returns the entry of identity id in m, with its text.
func (m Mappings) original(id string) (adoptedEntry, bool) {
	for _, r := range m.Roles {
		if r.Identity() == id {
			sec := m.layout.section(kRoles)
			return adoptedEntry{Role: &r, Text: itemText(sec, r), Indent: indentOf(sec)}, true
		}
	}
	for _, u := range m.Users {
		if u.Identity() == id {
			sec := m.layout.section(kUsers)
			return adoptedEntry{User: &u, Text: itemText(sec, u), Indent: indentOf(sec)}, true
		}
	}
	return adoptedEntry{}, false
}

// itemText is the original text of e in a block-style section ("" otherwise).
func itemText(sec *section, e entry) string {
	if sec == nil || sec.style != styleBlock {
		return ""
	}
	for _, it := range sec.items {
		if it.text != "" && it.entry.same(e) {
			return it.text
		}
	}
	return ""
}

func indentOf(sec *section) int {
	if sec == nil {
		return 0
	}
	return sec.indent
}

// restore puts an adopted entry back in place of whatever its identity maps
// to now, with its original bytes when the list is still a block list at
// the same column (Data then writes them verbatim).
func (m Mappings) restore(a adoptedEntry) Mappings {
	var add Mappings
	k := kRoles
	var e entry
	switch {
	case a.Role != nil:
		add.Roles, e = []RoleMapping{*a.Role}, *a.Role
	case a.User != nil:
		add.Users, e, k = []UserMapping{*a.User}, *a.User, kUsers
	default:
		return m
	}
	next, err := m.Merge(add)
	if err != nil {
		return m
	}
	sec := next.layout.section(k)
	if a.Text == "" || sec == nil || sec.style != styleBlock || sec.indent != a.Indent || !readsAs(k, a.Text, e) {
		return next
	}
	cp := *sec
	cp.items = append(slices.Clone(sec.items), item{entry: e, text: a.Text})
	l := *next.layout
	l.sections[k] = &cp
	next.layout = &l
	return next
}

// otherAdopters lists the annotation keys of other owners' records that
// hold id.
func otherAdopters(ann map[string]string, own, id string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(ann)) {
		if k != own && strings.HasPrefix(k, AdoptedAnnotationPrefix) {
			if a, ok := readAdopted(ann, k)[id]; ok && !a.Added {
				out = append(out, k)
			}
		}
	}
	return out
}

// release gives up identity id for the owner whose record key is own: an
// entry it adopted is put back; one another owner adopted from it is left
// to that owner (whose record then forgets it: that owner now holds the
// identity outright); otherwise the entry is removed.
func release(m Mappings, ann map[string]string, own string, ids []string) (Mappings, map[string]string) {
	rec := readAdopted(ann, own)
	for _, raw := range ids {
		id := idKey(raw)
		a, ok := rec[id]
		delete(rec, id)
		if ok && !a.Added {
			m = m.restore(a)
			continue
		}
		if others := otherAdopters(ann, own, id); len(others) > 0 {
			for _, k := range others {
				r := readAdopted(ann, k)
				r[id] = adoptedEntry{Added: true} // that owner's now
				ann = writeAdopted(ann, k, r)
			}
			continue
		}
		m, _ = m.Remove(raw)
	}
	return m, writeAdopted(ann, own, rec)
}

// reconcileAdopting is reconcileOwner for an owner with a record of adopted
// entries: identities it newly maps that are already in m are recorded as
// they were; identities it drops are released (put back, handed over or
// removed).
func (m Mappings) reconcileAdopting(ann map[string]string, own string, previouslyOwned []string, owned, ensured Mappings) (Mappings, map[string]string, error) {
	norm, err := Mappings{}.Merge(owned)
	if err != nil {
		return Mappings{}, nil, err
	}
	prev := map[string]bool{}
	for _, id := range previouslyOwned {
		prev[idKey(id)] = true
	}
	rec := readAdopted(ann, own)
	keep := map[string]bool{}
	for _, id := range norm.Identities() {
		id = idKey(id)
		keep[id] = true
		_, had := rec[id]
		switch orig, present := m.original(id); {
		case had:
			// Recorded already.
		case prev[id] || !present:
			// Added by this owner (or owned before records were kept).
			rec[id] = adoptedEntry{Added: true}
		default:
			rec[id] = orig
		}
	}
	for _, id := range ensured.Identities() {
		keep[idKey(id)] = true
	}
	ann = writeAdopted(ann, own, rec)
	var stale []string
	for _, id := range previouslyOwned {
		if !keep[idKey(id)] {
			stale = append(stale, id)
		}
	}
	m, ann = release(m, ann, own, stale)
	if m, err = m.Merge(norm); err != nil {
		return Mappings{}, nil, err
	}
	if m, err = m.Merge(ensured); err != nil {
		return Mappings{}, nil, err
	}
	return m, ann, nil
}

// readsAs reports whether text, read alone as list k, is exactly e.
func readsAs(k int, text string, e entry) bool {
	got, errs := kinds[k].decode(text)
	return len(errs) == 0 && len(got) == 1 && got[0].entry.same(e)
}
