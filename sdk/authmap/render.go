package authmap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	yamlv3 "go.yaml.in/yaml/v3"
)

// ErrRender is wrapped when rendered text would not read back as the
// mappings it was rendered from (a bug: Data refuses to return such text).
var ErrRender = errors.New("authmap: render")

// Data renders m as the data of an aws-auth ConfigMap: the keys mapRoles,
// mapUsers and mapAccounts, each a YAML list, a key omitted when its list is
// empty.
//
// A key whose entries are unchanged since [Parse] comes back exactly as it was
// read. When entries were added, changed or removed, every remaining entry
// that Parse read is written with its original bytes (comments, key order,
// quoting, indentation and keys the authenticator ignores included), and only
// new or changed entries are rendered, in the list's own style (block or
// flow/JSON) and indentation. Rendered role ARNs are path-less. Every
// rendered entry is read back before Data returns it (and so is the whole
// list where the original text could not be cut by construction): Data never
// returns text that Parse would read differently.
func (m Mappings) Data() (map[string]string, error) {
	out := map[string]string{}
	var errs []error
	for k, kd := range kinds {
		text, err := renderSection(kd, m.layout.section(k), m.entries(k))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if text != "" {
			out[kd.key] = text
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// ApplyTo returns a copy of a ConfigMap's data with m as its mapRoles,
// mapUsers and mapAccounts: every other key is kept as it is, a key whose
// list is now empty is removed (a value that already held no entry, such as
// "" or "[]", is left alone).
func (m Mappings) ApplyTo(data map[string]string) (map[string]string, error) {
	rendered, err := m.Data()
	if err != nil {
		return nil, err
	}
	out := maps.Clone(data)
	if out == nil {
		out = map[string]string{}
	}
	for _, kd := range kinds {
		if v, ok := rendered[kd.key]; ok {
			out[kd.key] = v
		} else if old, ok := out[kd.key]; ok {
			if items, errs := kd.decode(old); len(items) > 0 || len(errs) > 0 {
				delete(out, kd.key)
			}
		}
	}
	return out, nil
}

func (m Mappings) entries(k int) []entry {
	var es []entry
	switch k {
	case kRoles:
		for _, r := range m.Roles {
			es = append(es, r)
		}
	case kUsers:
		for _, u := range m.Users {
			es = append(es, u)
		}
	case kAccounts:
		for _, a := range m.Accounts {
			es = append(es, account(a))
		}
	}
	return es
}

// normalized is the entry as fargatekit renders it (role ARNs path-less).
func normalized(e entry) entry {
	if r, ok := e.(RoleMapping); ok {
		r.RoleARN = r.renderedARN()
		return r
	}
	return e
}

// renderSection writes one key: unchanged lists verbatim, otherwise original
// item texts where the entry is unchanged and fresh text elsewhere.
func renderSection(kd kind, sec *section, entries []entry) (string, error) {
	if len(entries) == 0 {
		return "", nil
	}
	if sec != nil && unchanged(sec, entries) {
		return sec.original, nil
	}
	st, indent, eol := styleBlock, 0, "\n"
	if sec != nil {
		if strings.Contains(sec.original, "\r\n") {
			eol = "\r\n"
		}
		if sec.style != styleOpaque {
			st, indent = sec.style, sec.indent
		}
	}
	texts := make([]string, len(entries))
	want := make([]entry, len(entries))
	for i, j := range verbatim(sec, entries) {
		e := entries[i]
		if j >= 0 {
			texts[i], want[i] = sec.items[j].text, e
			continue
		}
		var extras []field
		for _, it := range sec.itemsOrNil() {
			if it.entry.identity() == e.identity() {
				extras = it.extras
				break
			}
		}
		want[i] = normalized(e)
		if st == styleFlow {
			texts[i] = emitFlowItem(want[i], extras)
		} else {
			texts[i] = strings.ReplaceAll(emitBlockItem(indent, want[i], extras), "\n", eol)
		}
		if err := verify(kd, wrapItem(st, texts[i]), want[i:i+1]); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	if st == styleFlow {
		b.WriteString(sec.prefix + strings.Join(texts, sec.sep) + sec.suffix)
	} else {
		if sec != nil && sec.style == styleBlock {
			b.WriteString(sec.prefix)
		}
		for _, t := range texts {
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteString(eol)
			}
			b.WriteString(t)
		}
	}
	text := b.String()
	if sec != nil && !sec.proven && sec.style != styleOpaque {
		return text, verify(kd, text, want)
	}
	return text, nil
}

// unchanged reports whether entries are exactly what sec was parsed into.
func unchanged(sec *section, entries []entry) bool {
	if sec == nil || len(sec.items) != len(entries) {
		return false
	}
	for i, it := range sec.items {
		if !it.entry.same(entries[i]) {
			return false
		}
	}
	return true
}

// verbatim tells, for each entry, which original item's text it is written
// with (-1: rendered afresh). Each original item serves at most one entry.
func verbatim(sec *section, entries []entry) []int {
	out := make([]int, len(entries))
	var used []bool
	if sec != nil {
		used = make([]bool, len(sec.items))
	}
	for i, e := range entries {
		out[i] = -1
		for j := range used {
			if !used[j] && sec.items[j].text != "" && sec.items[j].entry.same(e) {
				used[j], out[i] = true, j
				break
			}
		}
	}
	return out
}

// keptAsWritten reports, for each entry, whether Data writes it exactly as
// given (unchanged list, or original text reused) rather than rendering it.
func keptAsWritten(sec *section, entries []entry) []bool {
	out := make([]bool, len(entries))
	all := unchanged(sec, entries)
	for i, j := range verbatim(sec, entries) {
		out[i] = all || j >= 0
	}
	return out
}

func (s *section) itemsOrNil() []item {
	if s == nil {
		return nil
	}
	return s.items
}

func wrapItem(st style, text string) string {
	if st == styleFlow {
		return "[" + text + "]"
	}
	return text
}

// verify reads text back and checks it is exactly want.
func verify(kd kind, text string, want []entry) error {
	got, errs := kd.decode(text)
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s does not read back: %w", ErrRender, kd.key, errors.Join(errs...))
	}
	if len(got) != len(want) {
		return fmt.Errorf("%w: %s reads back %d entries, want %d", ErrRender, kd.key, len(got), len(want))
	}
	for i := range got {
		if !got[i].entry.same(want[i]) {
			return fmt.Errorf("%w: %s[%d] reads back as %+v, want %+v", ErrRender, kd.key, i, got[i].entry, want[i])
		}
	}
	return nil
}

// emitBlockItem renders "- key: value" lines at the sequence's indentation.
func emitBlockItem(indent int, e entry, extras []field) string {
	pad := strings.Repeat(" ", indent)
	if a, ok := e.(account); ok {
		return pad + "- " + scalar(string(a)) + "\n"
	}
	var b strings.Builder
	lead := pad + "- "
	for _, f := range append(e.fields(), extras...) {
		switch v := f.value.(type) {
		case string:
			b.WriteString(lead + scalar(f.key) + ": " + scalar(v) + "\n")
		case []string:
			if len(v) == 0 {
				continue
			}
			b.WriteString(lead + scalar(f.key) + ":\n")
			for _, s := range v {
				b.WriteString(pad + "    - " + scalar(s) + "\n")
			}
		case []field:
			b.WriteString(lead + scalar(f.key) + ":\n")
			for _, sub := range v {
				b.WriteString(pad + "    " + scalar(sub.key) + ": " + scalar(sub.value.(string)) + "\n")
			}
		case json.RawMessage:
			b.WriteString(lead + scalar(f.key) + ": " + flowJSON(v) + "\n")
		}
		lead = pad + "  "
	}
	return b.String()
}

// emitFlowItem renders a JSON object (valid flow YAML) with quoted strings.
func emitFlowItem(e entry, extras []field) string {
	if a, ok := e.(account); ok {
		return quoteDouble(string(a))
	}
	var parts []string
	for _, f := range append(e.fields(), extras...) {
		var v string
		switch x := f.value.(type) {
		case string:
			v = quoteDouble(x)
		case []string:
			if len(x) == 0 {
				continue
			}
			qs := make([]string, len(x))
			for i, s := range x {
				qs[i] = quoteDouble(s)
			}
			v = "[" + strings.Join(qs, ",") + "]"
		case []field:
			var sub []string
			for _, s := range x {
				sub = append(sub, quoteDouble(s.key)+":"+quoteDouble(s.value.(string)))
			}
			v = "{" + strings.Join(sub, ",") + "}"
		case json.RawMessage:
			v = flowJSON(x)
		}
		parts = append(parts, quoteDouble(f.key)+":"+v)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// flowJSON re-emits a JSON value (an ignored key's value) with YAML-safe strings.
func flowJSON(raw json.RawMessage) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "null"
	}
	var walk func(any) string
	walk = func(v any) string {
		switch x := v.(type) {
		case string:
			return quoteDouble(x)
		case []any:
			s := make([]string, len(x))
			for i, e := range x {
				s[i] = walk(e)
			}
			return "[" + strings.Join(s, ",") + "]"
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			s := make([]string, len(keys))
			for i, k := range keys {
				s[i] = quoteDouble(k) + ":" + walk(x[k])
			}
			return "{" + strings.Join(s, ",") + "}"
		case json.Number:
			return x.String()
		case bool:
			return strconv.FormatBool(x)
		}
		return "null"
	}
	return walk(v)
}

var plainRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_./:@+={}]*$`) })

// scalar renders a string plain when both YAML 1.1 (the authenticator) and
// YAML 1.2 read it back as that same string, double-quoted otherwise.
func scalar(s string) string {
	if plainRE().MatchString(s) && !strings.HasSuffix(s, ":") && readsAsString(s) {
		return s
	}
	return quoteDouble(s)
}

func readsAsString(s string) bool {
	var m1, m2 map[string]any
	if yamlv2.Unmarshal([]byte("k: "+s), &m1) != nil || yamlv3.Unmarshal([]byte("k: "+s), &m2) != nil {
		return false
	}
	s1, ok1 := m1["k"].(string)
	s2, ok2 := m2["k"].(string)
	return ok1 && ok2 && s1 == s && s2 == s
}

// quoteDouble renders a YAML double-quoted scalar that is also a JSON string:
// every character YAML does not allow printed raw, or that is a line break,
// is a \u escape.
func quoteDouble(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case printable(r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// printable is YAML's printable set minus line breaks (NEL, LS, PS), BOM
// and the UTF-8 replacement of invalid bytes.
func printable(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case r >= 0x20 && r <= 0x7e:
		return true
	case r >= 0xa0 && r <= 0xd7ff:
		return r != 0x2028 && r != 0x2029
	case r >= 0xe000 && r <= 0xfffd:
		return r != 0xfeff
	}
	return r >= 0x10000 && r <= 0x10ffff
}
