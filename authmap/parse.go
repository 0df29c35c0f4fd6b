package authmap

import (
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
func Parse(data map[string]string) (Mappings, error) {
	m := Mappings{layout: &layout{}}
	var errs []error
	for k, kd := range kinds {
		text, ok := data[kd.key]
		if !ok {
			continue
		}
		sec, err := parseSection(kd, text)
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
	// canon is the item's value as canonical JSON: two texts with the same
	// canon read back the same.
	canon string
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
	err := json.Unmarshal(raw, &w)
	r := RoleMapping{RoleARN: w.RoleARN, Username: w.Username, Groups: w.Groups}
	if w.SSO != nil {
		r.SSO = &SSO{PermissionSetName: w.SSO.PermissionSetName, AccountID: w.SSO.AccountID, Partition: w.SSO.Partition}
	}
	return r, []string{"rolearn", "sso", "username", "groups"}, err
}

func decodeUser(raw json.RawMessage) (entry, []string, error) {
	var w wireUser
	err := json.Unmarshal(raw, &w)
	return UserMapping{UserARN: w.UserARN, Username: w.Username, Groups: w.Groups}, []string{"userarn", "username", "groups"}, err
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
			if err != nil {
				errs = append(errs, malformed(key, i, entryName(e), err))
				continue
			}
			var obj map[string]json.RawMessage
			_ = json.Unmarshal(raw, &obj) // null items have no keys
			var extras []field
			for k, v := range obj {
				if !containsFold(known, k) {
					extras = append(extras, field{k, v})
				}
			}
			sort.Slice(extras, func(a, b int) bool { return extras[a].key < extras[b].key })
			items = append(items, item{entry: e, canon: canonical(raw), extras: extras})
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
		items[i] = item{entry: account(id), canon: id}
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

// canonical re-encodes a JSON value with sorted keys.
func canonical(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// parseSection decodes one key and works out the text of each item.
func parseSection(kd kind, text string) (*section, error) {
	items, errs := kd.decode(text)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sec := &section{original: text, items: items}
	sec.split(kd)
	return sec, nil
}
