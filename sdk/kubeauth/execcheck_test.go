package kubeauth

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestCheckExec(t *testing.T) {
	found := func(string) (string, error) { return "/usr/local/bin/x", nil }
	missing := func(file string) (string, error) { return "", &exec.Error{Name: file, Err: exec.ErrNotFound} }
	tests := []struct {
		name     string
		mode     ExecMode
		look     func(string) (string, error)
		wantErr  bool
		wantText []string
	}{
		{"fargatekit on PATH", ExecFargatekit, found, false, nil},
		{"default mode missing", "", missing, true, []string{`"fargatekit"`, "go install github.com/fargatekit/fargatekit/cmd/fargatekit@",
			"github.com/fargatekit/fargatekit/cmd/fargatekit-admin@"}},
		{"fargatekit without its admin binary", ExecFargatekit, func(f string) (string, error) {
			if f == "fargatekit-admin" {
				return missing(f)
			}
			return found(f)
		}, true, []string{`"fargatekit-admin"`, "cmd/fargatekit-admin@"}},
		{"aws missing", ExecAWS, missing, true, []string{`"aws"`, "AWS CLI"}},
		{"aws on PATH", ExecAWS, found, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := baseSpec(t)
			spec.Exec = tt.mode
			var asked []string
			err := CheckExec(spec, func(f string) (string, error) { asked = append(asked, f); return tt.look(f) })
			want, _ := ExecCommand(spec)
			if len(asked) == 0 || asked[0] != want {
				t.Errorf("looked up %q, want %q first", asked, want)
			}
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrExecNotFound)) {
				t.Fatalf("err = %v, want error %v wrapping ErrExecNotFound", err, tt.wantErr)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestExecCommandProfileFlag(t *testing.T) {
	for _, mode := range []ExecMode{ExecFargatekit, ExecAWS} {
		spec := baseSpec(t)
		spec.Exec, spec.Profile = mode, "dev"
		_, args := ExecCommand(spec)
		if got := strings.Join(args, " "); !strings.HasSuffix(got, "--profile dev") {
			t.Errorf("%s: args %q do not pass --profile dev", mode, got)
		}
	}
}
