package textout

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestIndent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a\n", "  a\n"},
		{"a\n\nb", "  a\n\n  b"},
		{"a\n  \n", "  a\n  \n"},
	}
	for _, tt := range tests {
		if got := Indent(tt.in, "  "); got != tt.want {
			t.Errorf("Indent(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPolicy(t *testing.T) {
	short := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	var stmts []string
	for i := range 40 {
		stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Action":["ec2:Describe%02da","ec2:Describe%02db","ec2:Describe%02dc","ec2:Describe%02dd"],"Resource":"*"}`, i, i, i, i))
	}
	long := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	tests := []struct {
		name, in string
		want     []string
	}{
		{"short is printed", short, []string{`  "Version": "2012-10-17"`, "s3:GetObject"}},
		{"long is summarised", long, []string{"40 statements, 160 actions", "1. Allow ec2:Describe00a, ec2:Describe00b, ec2:Describe00c, … (4) on *", "(a summary"}},
		{"not a policy", "nope", []string{"(not a policy document:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			Policy(&b, tt.in)
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}

func TestJSONAndYAML(t *testing.T) {
	var b bytes.Buffer
	JSON(&b, `{"a":1}`)
	JSON(&b, `not json`)
	YAML(&b, map[string]any{"k": "v"})
	want := "  {\n    \"a\": 1\n  }\n  not json\n  k: v\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
