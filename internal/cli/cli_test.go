package cli

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

func TestUsageErrorsCarryNoLabel(t *testing.T) {
	inner := errors.New("inner")
	fs := NewFlags(io.Discard, "x")
	fs.String("region", "", "")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"Errorf", Errorf("--region: no AWS region configured"), "--region: no AWS region configured"},
		{"Errorf wraps", Errorf("--sa: %w", inner), "--sa: inner"},
		{"unknown flag", ParseFlags(fs, []string{"--nope"}), "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, ErrUsage) || tt.err.Error() != tt.want || strings.Contains(tt.err.Error(), "usage") {
			t.Errorf("%s: %q (is ErrUsage: %v), want %q", tt.name, tt.err, errors.Is(tt.err, ErrUsage), tt.want)
		}
	}
	if err := Errorf("--sa: %w", inner); !errors.Is(err, inner) {
		t.Errorf("Errorf does not wrap %%w: %v", err)
	}
	if err := ParseFlags(fs, []string{"-h"}); !errors.Is(err, flag.ErrHelp) || errors.Is(err, ErrUsage) {
		t.Errorf("-h: %v", err)
	}
}
