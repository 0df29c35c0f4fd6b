package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Version is the current IAM policy language version, the only one fargatekit writes.
const Version = "2012-10-17"

// Effect is a statement's effect: [Allow] or [Deny].
type Effect string

const (
	// Allow grants the statement's actions.
	Allow Effect = "Allow"
	// Deny refuses the statement's actions, overriding any Allow.
	Deny Effect = "Deny"
)

// ErrInvalid is wrapped by every validation and parse error of this package.
var ErrInvalid = errors.New("iampolicy: invalid policy")

// Document is an IAM policy document.
type Document struct {
	// Version is the policy language version; [Version] when empty on marshal.
	Version string `json:"Version"`
	// ID is the optional policy identifier ("Id").
	ID string `json:"Id,omitempty"`
	// Statement lists the policy's statements in order.
	Statement Statements `json:"Statement"`
}

// Statements is a document's statement list. On parse it also accepts the single
// statement object that IAM's grammar allows; it always marshals as a list.
type Statements []Statement

// UnmarshalJSON accepts a list of statements or one statement object.
func (s *Statements) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		st, err := decodeStatement(b)
		if err != nil {
			return err
		}
		*s = Statements{st}
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Statements, 0, len(raw))
	for _, r := range raw {
		st, err := decodeStatement(r)
		if err != nil {
			return err
		}
		out = append(out, st)
	}
	*s = out
	return nil
}

// exactKeys refuses object keys outside allowed: encoding/json matches field
// names case-insensitively, IAM does not.
func exactKeys(b []byte, what string, allowed ...string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalid, what, err)
	}
	for k := range m {
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("%w: %s: unknown key %q", ErrInvalid, what, k)
		}
	}
	return nil
}

var statementKeys = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func decodeStatement(b []byte) (Statement, error) {
	if err := exactKeys(b, "statement", statementKeys...); err != nil {
		return Statement{}, err
	}
	var st Statement
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return Statement{}, err
	}
	return st, nil
}

// Statement is one statement of a policy document.
type Statement struct {
	// Sid is the statement's optional identifier.
	Sid string `json:"Sid,omitempty"`
	// Effect is Allow or Deny.
	Effect Effect `json:"Effect"`
	// Principal (trust and resource policies) is who the statement applies
	// to; NotPrincipal everyone but them.
	Principal    *Principal `json:"Principal,omitempty"`
	NotPrincipal *Principal `json:"NotPrincipal,omitempty"`
	// Action lists the actions the statement covers; NotAction every action
	// but these. One of the two is set.
	Action    Values `json:"Action,omitempty"`
	NotAction Values `json:"NotAction,omitempty"`
	// Resource lists the resource ARNs (patterns) the statement covers;
	// NotResource every resource but these. Trust policies set neither.
	Resource    Values `json:"Resource,omitempty"`
	NotResource Values `json:"NotResource,omitempty"`
	// Condition maps a condition operator (StringEquals, StringLike, Null, ...)
	// to condition keys and their values. JSON object keys marshal sorted.
	Condition Condition `json:"Condition,omitempty"`
}

// Condition maps condition operators to their key/value blocks.
type Condition map[string]map[string]Values

// Principal names who a statement applies to. All set means the wildcard "*".
type Principal struct {
	// All is the anonymous wildcard principal, written as "Principal": "*".
	All bool `json:"-"`
	// AWS lists accounts, IAM roles and users (ARNs or account IDs).
	AWS Values `json:"AWS,omitempty"`
	// CanonicalUser lists S3 canonical user IDs.
	CanonicalUser Values `json:"CanonicalUser,omitempty"`
	// Federated lists identity providers, e.g. an IAM OIDC provider ARN.
	Federated Values `json:"Federated,omitempty"`
	// Service lists AWS service principals, e.g. eks.amazonaws.com.
	Service Values `json:"Service,omitempty"`
}

// Values is IAM's string-or-list: one value marshals as a bare string, several as
// a JSON list. On parse it accepts a string, a list of strings, and booleans and
// numbers (condition values), which it keeps in their JSON text form.
type Values []string

// MarshalJSON writes one value as a string and several as a list.
func (v Values) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return marshalNoEscape(v[0])
	}
	return marshalNoEscape([]string(v))
}

// UnmarshalJSON accepts a string, a number, a boolean, or a list of those.
func (v *Values) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make(Values, 0, len(raw))
		for _, r := range raw {
			s, err := scalar(r)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		*v = out
		return nil
	}
	s, err := scalar(b)
	if err != nil {
		return err
	}
	*v = Values{s}
	return nil
}

func scalar(b json.RawMessage) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", fmt.Errorf("%w: empty value", ErrInvalid)
	}
	switch b[0] {
	case '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case 't', 'f':
		var x bool
		if err := json.Unmarshal(b, &x); err != nil {
			return "", err
		}
		return strconv.FormatBool(x), nil
	case 'n':
		return "", fmt.Errorf("%w: null is not a policy value", ErrInvalid)
	case '[', '{':
		return "", fmt.Errorf("%w: nested %c is not a policy value", ErrInvalid, b[0])
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	}
}

// MarshalJSON writes "*" for the wildcard principal and an object otherwise.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.All {
		return []byte(`"*"`), nil
	}
	type plain Principal
	return marshalNoEscape(plain(p))
}

// UnmarshalJSON accepts "*" or an object of principal types.
func (p *Principal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s != "*" {
			return fmt.Errorf("%w: principal string must be \"*\", got %q", ErrInvalid, s)
		}
		*p = Principal{All: true}
		return nil
	}
	if err := exactKeys(b, "principal", "AWS", "CanonicalUser", "Federated", "Service"); err != nil {
		return err
	}
	type plain Principal
	var q plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return fmt.Errorf("%w: principal: %v", ErrInvalid, err)
	}
	*p = Principal(q)
	return nil
}

func (p *Principal) empty() bool {
	return !p.All && len(p.AWS)+len(p.CanonicalUser)+len(p.Federated)+len(p.Service) == 0
}

// Validate reports every grammatical problem of the document at once.
func (d Document) Validate() error {
	var errs []error
	if d.Version != "" && d.Version != Version && d.Version != "2008-10-17" {
		errs = append(errs, fmt.Errorf("%w: Version %q", ErrInvalid, d.Version))
	}
	if len(d.Statement) == 0 {
		errs = append(errs, fmt.Errorf("%w: no statements", ErrInvalid))
	}
	sids := map[string]int{}
	for i, s := range d.Statement {
		where := fmt.Sprintf("Statement[%d]", i)
		if s.Sid != "" {
			where += " (" + s.Sid + ")"
			if j, dup := sids[s.Sid]; dup {
				errs = append(errs, fmt.Errorf("%w: %s: Sid repeats Statement[%d]", ErrInvalid, where, j))
			}
			sids[s.Sid] = i
		}
		if s.Effect != Allow && s.Effect != Deny {
			errs = append(errs, fmt.Errorf("%w: %s: Effect %q is neither Allow nor Deny", ErrInvalid, where, s.Effect))
		}
		if (len(s.Action) == 0) == (len(s.NotAction) == 0) {
			errs = append(errs, fmt.Errorf("%w: %s: exactly one of Action and NotAction is required", ErrInvalid, where))
		}
		if len(s.Resource) > 0 && len(s.NotResource) > 0 {
			errs = append(errs, fmt.Errorf("%w: %s: Resource and NotResource are exclusive", ErrInvalid, where))
		}
		if s.Principal != nil && s.NotPrincipal != nil {
			errs = append(errs, fmt.Errorf("%w: %s: Principal and NotPrincipal are exclusive", ErrInvalid, where))
		}
		for _, p := range []*Principal{s.Principal, s.NotPrincipal} {
			if p != nil && p.empty() {
				errs = append(errs, fmt.Errorf("%w: %s: empty principal", ErrInvalid, where))
			}
		}
		for op, block := range s.Condition {
			if len(block) == 0 {
				errs = append(errs, fmt.Errorf("%w: %s: condition %s has no keys", ErrInvalid, where, op))
			}
			for k, vals := range block {
				if len(vals) == 0 {
					errs = append(errs, fmt.Errorf("%w: %s: condition %s %s has no values", ErrInvalid, where, op, k))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Marshal returns the canonical compact JSON of the document. Version defaults
// to [Version].
func (d Document) Marshal() ([]byte, error) {
	if d.Version == "" {
		d.Version = Version
	}
	return marshalNoEscape(d)
}

// String returns the canonical compact JSON, or "" when the document cannot
// marshal (it always can when Validate passes).
func (d Document) String() string {
	b, err := d.Marshal()
	if err != nil {
		return ""
	}
	return string(b)
}

// Indent returns the canonical JSON indented by two spaces, for display and
// golden files.
func (d Document) Indent() ([]byte, error) {
	b, err := d.Marshal()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Size is the number of characters IAM counts against its policy-size quotas:
// the compact JSON, with whitespace outside strings removed.
func (d Document) Size() (int, error) {
	b, err := d.Marshal()
	if err != nil {
		return 0, err
	}
	return len([]rune(string(b))), nil
}

// Parse reads a policy document in any grammatical form IAM accepts. Unknown
// top-level or statement keys are errors (IAM refuses them too).
func Parse(data []byte) (Document, error) {
	var d Document
	if err := exactKeys(bytes.TrimSpace(data), "document", "Version", "Id", "Statement"); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
			return Document{}, fmt.Errorf("iampolicy: parse: %w", err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, ErrInvalid) {
			return Document{}, fmt.Errorf("iampolicy: parse: %w", err)
		}
		return Document{}, fmt.Errorf("iampolicy: parse: %w: %v", ErrInvalid, err)
	}
	if dec.More() {
		return Document{}, fmt.Errorf("iampolicy: parse: %w: trailing data after document", ErrInvalid)
	}
	return d, nil
}

// ParseFromIAM reads a document as IAM's Get* calls return it: URL-encoded
// (RFC 3986), or plain JSON from some endpoints and emulators.
func ParseFromIAM(s string) (Document, error) {
	if u, err := url.QueryUnescape(s); err == nil && !strings.HasPrefix(strings.TrimSpace(s), "{") {
		s = u
	}
	return Parse([]byte(s))
}

// Normalized returns a copy in which every value list is sorted and free of
// duplicates, the order-insensitive form IAM evaluates. Statement order is kept.
func (d Document) Normalized() Document {
	out := d
	if out.Version == "" {
		out.Version = Version
	}
	out.Statement = make(Statements, len(d.Statement))
	for i, s := range d.Statement {
		s.Action, s.NotAction = sortedSet(s.Action), sortedSet(s.NotAction)
		s.Resource, s.NotResource = sortedSet(s.Resource), sortedSet(s.NotResource)
		s.Principal, s.NotPrincipal = normPrincipal(s.Principal), normPrincipal(s.NotPrincipal)
		if s.Condition != nil {
			c := make(Condition, len(s.Condition))
			for op, block := range s.Condition {
				nb := make(map[string]Values, len(block))
				for k, v := range block {
					nb[k] = sortedSet(v)
				}
				c[op] = nb
			}
			s.Condition = c
		}
		out.Statement[i] = s
	}
	return out
}

// Equivalent reports whether two documents grant the same thing statement by
// statement, ignoring the order and repetition of values within a list.
func Equivalent(a, b Document) bool {
	return Equal(a.Normalized(), b.Normalized())
}

func normPrincipal(p *Principal) *Principal {
	if p == nil {
		return nil
	}
	q := *p
	q.AWS, q.CanonicalUser = sortedSet(q.AWS), sortedSet(q.CanonicalUser)
	q.Federated, q.Service = sortedSet(q.Federated), sortedSet(q.Service)
	return &q
}

func sortedSet(v Values) Values {
	if v == nil {
		return nil
	}
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// Equal reports whether two documents mean the same policy in the same
// statement order: both canonicalise to the same JSON.
func Equal(a, b Document) bool {
	x, err1 := a.Marshal()
	y, err2 := b.Marshal()
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
