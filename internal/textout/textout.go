// Package textout formats documents for the terminal: IAM policies (summarised
// when long), JSON, YAML and indented blocks. It is shared by cmd/fargatekit-admin and
// cmd/fargatekit-plan and imports no Pulumi package.
package textout

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

// LongPolicy is the size above which [Policy] summarises a policy instead of
// printing it.
const LongPolicy = 1200

// Indent prefixes every non-empty line of s.
func Indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			b.WriteString(prefix)
		}
		b.WriteString(l)
	}
	return b.String()
}

// Policy prints an IAM policy indented, or a summary when it is longer than
// [LongPolicy] characters as IAM counts them.
func Policy(w io.Writer, text string) {
	doc, err := iampolicy.Parse([]byte(text))
	if err != nil {
		fmt.Fprintf(w, "  (not a policy document: %v)\n", err)
		return
	}
	size, _ := doc.Size()
	if size <= LongPolicy {
		b, _ := doc.Indent()
		io.WriteString(w, Indent(string(b)+"\n", "  "))
		return
	}
	actions := map[string]bool{}
	for _, s := range doc.Statement {
		for _, a := range s.Action {
			actions[a] = true
		}
	}
	fmt.Fprintf(w, "  %d statements, %d actions, %d characters as IAM counts them (managed-policy quota 6144); first statements:\n",
		len(doc.Statement), len(actions), size)
	for i, s := range doc.Statement[:min(3, len(doc.Statement))] {
		acts := strings.Join(s.Action[:min(3, len(s.Action))], ", ")
		if len(s.Action) > 3 {
			acts += fmt.Sprintf(", … (%d)", len(s.Action))
		}
		fmt.Fprintf(w, "    %d. %s %s on %s\n", i+1, s.Effect, acts, strings.Join(s.Resource, ", "))
	}
	fmt.Fprintln(w, "    (a summary: the whole document is the policy input of that resource)")
}

// JSON prints JSON text indented; text that is not JSON is printed as is.
func JSON(w io.Writer, text string) {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		fmt.Fprintf(w, "  %s\n", text)
		return
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	io.WriteString(w, Indent(string(b)+"\n", "  "))
}

// YAML prints a value as indented YAML.
func YAML(w io.Writer, v any) {
	b, err := yaml.Marshal(v)
	if err != nil {
		fmt.Fprintf(w, "  %v\n", v)
		return
	}
	io.WriteString(w, Indent(string(b), "  "))
}
