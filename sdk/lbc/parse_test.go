package lbc

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestParseListenPorts(t *testing.T) {
	good := map[string][]ListenPort{
		`[{"HTTP": 80}, {"HTTPS": 443}]`:  {{"HTTP", 80}, {"HTTPS", 443}},
		` [ {"HTTPS":8443} ] `:            {{"HTTPS", 8443}},
		`[{"HTTP":80},{"HTTP":8080}]`:     {{"HTTP", 80}, {"HTTP", 8080}},
		"[{\"HTTPS\":\n 443\n}]":          {{"HTTPS", 443}},
		`[{"HTTP":65535},{"HTTPS":1}]`:    {{"HTTP", 65535}, {"HTTPS", 1}},
		`[{"HTTP":80.0}]`:                 nil, // not an integer
		`[{"HTTP":80,"HTTPS":443}]`:       nil, // two protocols in one object
		`[{"HTTP":80},{"HTTP":80}]`:       nil, // repeated port
		`[{"HTTP":"80"}]`:                 nil,
		`[{"http":80}]`:                   nil,
		`[{"HTTP":0}]`:                    nil,
		`[]`:                              nil,
		`null`:                            nil,
		`[{}]`:                            nil,
		`[80]`:                            nil,
		`[{"HTTP":80}] [{"HTTPS":443}]`:   nil,
		`[{"HTTP":80},{"HTTP":80,"x":1}]`: nil,
	}
	for in, want := range good {
		got, err := ParseListenPorts(in)
		if want == nil {
			if err == nil {
				t.Errorf("%s: accepted as %v", in, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestStringMap(t *testing.T) {
	m, err := ParseStringMap(" a = 1 ,b=, c=x=y")
	if err != nil || !maps.Equal(m, map[string]string{"a": "1", "b": "", "c": "x=y"}) {
		t.Errorf("%v %v", m, err)
	}
	for _, bad := range []string{"a", "=1", "a=1,a=2", "a=1,,b=2"} {
		if _, err := ParseStringMap(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if m, err := ParseStringMap("  "); err != nil || len(m) != 0 {
		t.Errorf("blank: %v %v", m, err)
	}
	s, err := FormatStringMap(map[string]string{"b": "2", "a": "x=y"})
	if err != nil || s != "a=x=y,b=2" {
		t.Errorf("%q %v", s, err)
	}
	for _, bad := range []map[string]string{{"": "x"}, {"a=b": "c"}, {"a": "1,2"}, {" a": "1"}, {"a": "1 "}} {
		if _, err := FormatStringMap(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]string{"v3.5.0": "v3.5.0", "2.13.4": "v2.13.4", "v10.0.12": "v10.0.12"} {
		v, err := ParseVersion(in)
		if err != nil || v.String() != want {
			t.Errorf("%s: %v %v", in, v, err)
		}
	}
	for _, bad := range []string{"", "v3.5", "v3.5.0-rc1", "v03.5.0", "3.5.0.1", "vv3.5.0", "v3.-5.0", "v3.5.+0", " 3.5.0"} {
		if _, err := ParseVersion(bad); !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	a, _ := ParseVersion("v2.17.1")
	b, _ := ParseVersion("v3.0.0")
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare")
	}
}

func TestVersionTable(t *testing.T) {
	rs := Releases()
	if rs[len(rs)-1].Version != DefaultVersion {
		t.Errorf("newest release %s is not the default %s", rs[len(rs)-1].Version, DefaultVersion)
	}
	for i, r := range rs {
		v, err := ParseVersion(r.Version)
		if err != nil || v.String() != r.Version {
			t.Errorf("%s: %v", r.Version, err)
		}
		c, err := ParseVersion(r.Chart)
		if err != nil {
			t.Errorf("%s: chart %s: %v", r.Version, r.Chart, err)
		}
		// Chart 1.MINOR.PATCH installs v2.MINOR.PATCH; from 3.0.0 they are equal.
		switch {
		case v.Major == 2 && (c.Major != 1 || c.Minor != v.Minor || c.Patch != v.Patch):
			t.Errorf("%s: chart %s", r.Version, r.Chart)
		case v.Major >= 3 && c != v:
			t.Errorf("%s: chart %s", r.Version, r.Chart)
		}
		if i > 0 {
			prev, _ := ParseVersion(rs[i-1].Version)
			if prev.Compare(v) >= 0 {
				t.Errorf("table not sorted at %s", r.Version)
			}
		}
		if _, err := policyFS.ReadFile(r.policy); err != nil {
			t.Errorf("%s: %v", r.Version, err)
		}
	}
	if r, err := LookupRelease("2.13.0"); err != nil || r.Chart != "1.13.0" {
		t.Errorf("2.13.0: %v %v", r, err)
	}
	if r, err := LookupRelease(""); err != nil || r.Version != DefaultVersion {
		t.Errorf("default: %v %v", r, err)
	}
	_, err := LookupRelease("v2.12.0")
	if !errors.Is(err, ErrUnknownVersion) || !strings.Contains(err.Error(), strings.Join(SupportedVersions(), ", ")) {
		t.Errorf("unknown: %v", err)
	}
}

func FuzzParseListenPorts(f *testing.F) {
	for _, s := range []string{`[{"HTTP": 80}, {"HTTPS": 443}]`, `[{"HTTP":80,"HTTP":81}]`, `[{"HTTPS":1e3}]`, `[]`, `{`, `[{"HTTP":80}]x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ports, err := ParseListenPorts(s)
		if err != nil {
			return
		}
		out, err := FormatListenPorts(ports)
		if err != nil {
			t.Fatalf("parsed %v from %q but cannot format: %v", ports, s, err)
		}
		again, err := ParseListenPorts(out)
		if err != nil || !slices.Equal(again, ports) {
			t.Fatalf("round trip %q -> %v -> %q -> %v, %v", s, ports, out, again, err)
		}
	})
}

func FuzzStringMap(f *testing.F) {
	for _, s := range []string{"a=1,b=2", " a = 1 ", "a==", "=", ",", "k=v=w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseStringMap(s)
		if err != nil {
			return
		}
		out, err := FormatStringMap(m)
		if err != nil {
			// Only whitespace inside a key or value the controller would keep
			// can make a parsed map unformattable; nothing else.
			t.Fatalf("parsed %v from %q but cannot format: %v", m, s, err)
		}
		again, err := ParseStringMap(out)
		if err != nil || !maps.Equal(again, m) {
			t.Fatalf("round trip %q -> %v -> %q -> %v, %v", s, m, out, again, err)
		}
	})
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"v3.5.0", "2.13.4", "v1.2", "v01.2.3", "v1.2.3-rc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		if s != v.String() && "v"+s != v.String() {
			t.Fatalf("%q parsed as %v", s, v)
		}
		if again, err := ParseVersion(v.String()); err != nil || again != v {
			t.Fatalf("%v does not round-trip: %v %v", v, again, err)
		}
	})
}
