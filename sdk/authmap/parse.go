package authmap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Parse reads the data of an aws-auth ConfigMap exactly as aws-iam-authenticator
// does: mapRoles and mapUsers through YAML-to-JSON and encoding/json (so entry
// keys match case-insensitively and YAML 1.1 scalars like yes/on are booleans),
// mapAccounts with YAML 1.1 into strings; a value that is blank, two backquotes or two double quotes is
// an empty list. Other keys are ignored (and kept by [Mappings.ApplyTo]).
//
// Content the authenticator cannot read is an error naming each bad entry
// ([*Problem] wrapping ErrMalformed), and then Parse returns empty Mappings so
// that nothing built on a partial read can be written back. Parse does not
// validate: see [Mappings.Validate].
func Parse(data map[string]string) (Mappings, error) { return parseWith(data, nil) }

// parseWith is Parse with a cache of decoded block-list items by their
// text, so that a read-modify-write loop decodes on each retry only the
// entries that others changed in between.
func parseWith(data map[string]string, cache itemCache) (Mappings, error) {
	m := Mappings{layout: &layout{}}
	var errs []error
	for k, kd := range kinds {
		text, ok := data[kd.key]
		if !ok {
			continue
		}
		sec, err := parseSection(kd, text, cache)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.layout.sections[k] = sec
		for _, it := range sec.items {
			switch e := it.entry.(type) {
			case RoleMapping:
				m.Roles = append(m.Roles, e)
			case UserMapping:
				m.Users = append(m.Users, e)
			case account:
				m.Accounts = append(m.Accounts, string(e))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Mappings{}, err
	}
	return m, nil
}

// entry is one list item of any of the three keys.
type entry interface {
	identity() string
	// same reports whether two entries read back identically.
	same(entry) bool
	// fields returns the entry's known keys in rendering order.
	fields() []field
}

type field struct {
	key   string
	value any // string, []string or []field
}

type account string

func (a account) identity() string  { return string(a) }
func (a account) same(o entry) bool { b, ok := o.(account); return ok && a == b }
func (a account) fields() []field   { return nil }

func (r RoleMapping) identity() string { return r.Identity() }
func (r RoleMapping) same(o entry) bool {
	b, ok := o.(RoleMapping)
	return ok && r.RoleARN == b.RoleARN && reflect.DeepEqual(r.SSO, b.SSO) && r.Username == b.Username && sameGroups(r.Groups, b.Groups)
}
func (r RoleMapping) fields() []field {
	var fs []field
	if r.RoleARN != "" || r.SSO == nil {
		fs = append(fs, field{"rolearn", r.renderedARN()})
	}
	if r.SSO != nil {
		sso := []field{{"permissionSetName", r.SSO.PermissionSetName}, {"accountID", r.SSO.AccountID}}
		if r.SSO.Partition != "" {
			sso = append(sso, field{"partition", r.SSO.Partition})
		}
		fs = append(fs, field{"sso", sso})
	}
	return append(fs, field{"username", r.Username}, field{"groups", r.Groups})
}

// renderedARN is the rolearn fargatekit writes: the path-less form.
func (r RoleMapping) renderedARN() string { return pathlessOrSame(r.RoleARN) }

func (u UserMapping) identity() string { return u.Identity() }
func (u UserMapping) same(o entry) bool {
	b, ok := o.(UserMapping)
	return ok && u.UserARN == b.UserARN && u.Username == b.Username && sameGroups(u.Groups, b.Groups)
}
func (u UserMapping) fields() []field {
	return []field{{"userarn", u.UserARN}, {"username", u.Username}, {"groups", u.Groups}}
}

// kind describes one of the three keys.
type kind struct {
	key string
	// decode reads a whole value the way the authenticator does.
	decode func(text string) ([]item, []error)
}

const (
	kRoles = iota
	kUsers
	kAccounts
)

var kinds = [3]kind{
	kRoles:    {KeyMapRoles, decodeObjects(KeyMapRoles, decodeRole)},
	kUsers:    {KeyMapUsers, decodeObjects(KeyMapUsers, decodeUser)},
	kAccounts: {KeyMapAccounts, decodeAccounts},
}

// item is one parsed list item and, once the layout is known, its text.
type item struct {
	entry entry
	// raw is the item's JSON (the account ID for mapAccounts).
	raw string
	// extras are keys the authenticator ignores, kept when the entry is re-rendered.
	extras []field
	// text is the item's original bytes ("" when the layout is unknown).
	text string
}

// wire types mirror aws-iam-authenticator's config.RoleMapping/UserMapping/SSOARNMatcher.
type wireSSO struct {
	PermissionSetName string `json:"permissionSetName"`
	AccountID         string `json:"accountID"`
	Partition         string `json:"partition"`
}

type wireRole struct {
	RoleARN  string   `json:"rolearn"`
	SSO      *wireSSO `json:"sso"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

type wireUser struct {
	UserARN  string   `json:"userarn"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

func decodeRole(raw json.RawMessage) (entry, []string, error) {
	var w wireRole
	err := decodeJSON(raw, &w)
	r := RoleMapping{RoleARN: w.RoleARN, Username: w.Username, Groups: w.Groups}
	if w.SSO != nil {
		r.SSO = &SSO{PermissionSetName: w.SSO.PermissionSetName, AccountID: w.SSO.AccountID, Partition: w.SSO.Partition}
	}
	return r, []string{"rolearn", "sso", "username", "groups"}, err
}

func decodeUser(raw json.RawMessage) (entry, []string, error) {
	var w wireUser
	err := decodeJSON(raw, &w)
	return UserMapping(w), []string{"userarn", "username", "groups"}, err
}

// errHasExtras says an entry has keys the wire type does not know.
var errHasExtras = errors.New("entry has other keys")

// decodeJSON is json.Unmarshal into v, plus errHasExtras when raw has keys v
// lacks (found cheaply: most entries have none).
func decodeJSON(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil || !strings.HasPrefix(err.Error(), "json: unknown field ") {
		return err
	}
	reflect.ValueOf(v).Elem().SetZero()
	if err := json.Unmarshal(raw, v); err != nil {
		return err
	}
	return errHasExtras
}

// isSkippable is the authenticator's test for "no list at all".
func isSkippable(text string) bool {
	t := strings.TrimSpace(text)
	return t == "" || t == "``" || t == `""`
}

func malformed(key string, i int, name string, err error) error {
	return &Problem{Key: key, Index: i, Entry: name, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
}

// decodeObjects decodes mapRoles or mapUsers: YAML to JSON (utilyaml.ToJSON,
// as the authenticator) into a list, then each item with encoding/json.
func decodeObjects(key string, one func(json.RawMessage) (entry, []string, error)) func(string) ([]item, []error) {
	return func(text string) ([]item, []error) {
		if isSkippable(text) {
			return nil, nil
		}
		js, err := utilyaml.ToJSON([]byte(text))
		if err != nil {
			return nil, []error{malformed(key, -1, "", err)}
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(js, &raws); err != nil {
			return nil, []error{malformed(key, -1, "", fmt.Errorf("not a YAML list: %v", err))}
		}
		var items []item
		var errs []error
		for i, raw := range raws {
			e, known, err := one(raw)
			var extras []field
			if errors.Is(err, errHasExtras) {
				var obj map[string]json.RawMessage
				err = json.Unmarshal(raw, &obj)
				for k, v := range obj {
					if !containsFold(known, k) {
						extras = append(extras, field{k, v})
					}
				}
				sort.Slice(extras, func(a, b int) bool { return extras[a].key < extras[b].key })
			}
			if err != nil {
				errs = append(errs, malformed(key, i, entryName(e), explainJSON(err)))
				continue
			}
			items = append(items, item{entry: e, raw: string(raw), extras: extras})
		}
		return items, errs
	}
}

func entryName(e entry) string {
	switch e := e.(type) {
	case RoleMapping:
		return e.label()
	case UserMapping:
		return e.UserARN
	}
	return ""
}

// decodeAccounts decodes mapAccounts as the authenticator: YAML 1.1 into []string.
func decodeAccounts(text string) ([]item, []error) {
	if isSkippable(text) {
		return nil, nil
	}
	var ids []string
	if err := yamlv2.Unmarshal([]byte(text), &ids); err != nil {
		return nil, []error{malformed(KeyMapAccounts, -1, "", err)}
	}
	items := make([]item, len(ids))
	for i, id := range ids {
		items[i] = item{entry: account(id), raw: id}
	}
	return items, nil
}

// containsFold matches a key the way encoding/json matches field names.
func containsFold(known []string, k string) bool {
	for _, x := range known {
		if strings.EqualFold(x, k) {
			return true
		}
	}
	return false
}

// sameValue reports whether two items read back as the same value: equal
// JSON after re-encoding with sorted keys (accounts compare as strings).
func (it item) sameValue(o item) bool {
	if it.raw == o.raw {
		return true
	}
	var a, b any
	if json.Unmarshal([]byte(it.raw), &a) != nil || json.Unmarshal([]byte(o.raw), &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

// parseSection decodes one key and works out the text of each item.
func parseSection(kd kind, text string, cache itemCache) (*section, error) {
	if sec, ok := parseBlockByItem(kd, text, cache); ok {
		return sec, nil
	}
	items, errs := kd.decode(text)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sec := &section{original: text, items: items}
	sec.split(kd)
	return sec, nil
}

// itemCache holds decoded items by key and text; nil disables it.
type itemCache map[string]item

// parseBlockByItem decodes a plain block list one item at a time: cut at its
// dash lines (see section.split), each piece decoded alone. For a block list
// without anchors, aliases or a second document, that reads exactly what
// decoding the whole value reads (FuzzParse checks it), and an item seen
// before is not decoded again. It declines (false) whatever it cannot read
// that way, and the whole value is then decoded at once, errors included.
func parseBlockByItem(kd kind, text string, cache itemCache) (*section, bool) {
	start := firstContent(text)
	if isSkippable(text) || start < 0 || text[start] != '-' || strings.ContainsAny(text, "&*") || hasDocumentMarker(text[start:]) {
		return nil, false
	}
	sec := &section{original: text}
	texts := sec.splitBlock(start)
	if len(texts) == 0 {
		return nil, false
	}
	sec.items = make([]item, len(texts))
	for i, t := range texts {
		piece := t
		if i == 0 {
			piece = sec.prefix + t // comments, directives and the stream start are read too
		}
		key := kd.key + "\x00" + piece
		it, ok := cache[key]
		if !ok {
			got, errs := kd.decode(piece)
			if len(errs) > 0 || len(got) != 1 {
				return nil, false
			}
			it = got[0]
			if cache != nil {
				cache[key] = it
			}
		}
		it.text = t
		sec.items[i] = it
	}
	sec.proven = true
	return sec, true
}

// hasDocumentMarker reports a line starting a new YAML document or ending one.
func hasDocumentMarker(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		for _, m := range []string{"---", "..."} {
			if line == m || strings.HasPrefix(line, m+" ") || strings.HasPrefix(line, m+"\t") {
				return true
			}
		}
	}
	return false
}

// explainJSON words encoding/json's type errors for people editing YAML.
func explainJSON(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	want := "a string"
	switch te.Type.Kind() {
	case reflect.Slice:
		want = "a list"
	case reflect.Struct, reflect.Pointer:
		want = "a mapping"
	}
	got := map[string]string{"object": "mapping", "array": "list"}[te.Value]
	if got == "" {
		got = te.Value
	}
	msg := fmt.Sprintf("%s: a YAML %s where %s is wanted", te.Field, got, want)
	if te.Field == "" {
		msg = fmt.Sprintf("the entry is a YAML %s, not a mapping", got)
	}
	switch te.Value {
	case "bool":
		msg += " (YAML 1.1 reads unquoted yes/no/on/off/y/n/true/false as booleans: quote it)"
	case "number":
		msg += " (quote it)"
	}
	return errors.New(msg)
}
