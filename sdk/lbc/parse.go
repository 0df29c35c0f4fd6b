package lbc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// FormatListenPorts writes listeners as the listen-ports annotation's JSON,
// e.g. [{"HTTP":80},{"HTTPS":443}]. Protocols must be HTTP or HTTPS, ports
// 1-65535 and distinct.
func FormatListenPorts(ports []ListenPort) (string, error) {
	if err := checkListenPorts(ports); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, p := range ports {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{%q:%d}`, p.Protocol, p.Port)
	}
	b.WriteByte(']')
	return b.String(), nil
}

// ParseListenPorts reads the listen-ports annotation: a JSON list of
// one-key objects mapping HTTP or HTTPS to a port number.
func ParseListenPorts(s string) ([]ListenPort, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var raw []json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("listen-ports: %w", err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("listen-ports: trailing data after the list")
	}
	if raw == nil {
		return nil, errors.New("listen-ports: not a list")
	}
	out := make([]ListenPort, 0, len(raw))
	for i, r := range raw {
		lp, err := parseListenPort(r)
		if err != nil {
			return nil, fmt.Errorf("listen-ports[%d]: %w", i, err)
		}
		out = append(out, lp)
	}
	if err := checkListenPorts(out); err != nil {
		return nil, err
	}
	return out, nil
}

// parseListenPort reads one {"PROTOCOL": port} object token by token, so that
// a repeated key is seen rather than silently collapsed.
func parseListenPort(r json.RawMessage) (ListenPort, error) {
	d := json.NewDecoder(bytes.NewReader(r))
	d.UseNumber()
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return ListenPort{}, errors.New("not an object")
	}
	var lp ListenPort
	for n := 0; d.More(); n++ {
		if n > 0 {
			return ListenPort{}, errors.New("want exactly one protocol")
		}
		k, err := d.Token()
		if err != nil {
			return ListenPort{}, err
		}
		v, err := d.Token()
		if err != nil {
			return ListenPort{}, err
		}
		num, ok := v.(json.Number)
		if !ok {
			return ListenPort{}, fmt.Errorf("port %v is not a number", v)
		}
		port, err := strconv.Atoi(num.String())
		if err != nil {
			return ListenPort{}, fmt.Errorf("port %s is not an integer", num)
		}
		lp = ListenPort{Protocol: k.(string), Port: port}
	}
	if lp.Protocol == "" && lp.Port == 0 {
		return ListenPort{}, errors.New("want exactly one protocol")
	}
	return lp, nil
}

func checkListenPorts(ports []ListenPort) error {
	if len(ports) == 0 {
		return errors.New("listen-ports: no listeners")
	}
	seen := map[int]bool{}
	for i, p := range ports {
		if p.Protocol != "HTTP" && p.Protocol != "HTTPS" {
			return fmt.Errorf("listen-ports[%d]: protocol %q is neither HTTP nor HTTPS", i, p.Protocol)
		}
		if !validPort(p.Port) {
			return fmt.Errorf("listen-ports[%d]: port %d outside 1..65535", i, p.Port)
		}
		if seen[p.Port] {
			return fmt.Errorf("listen-ports[%d]: port %d repeats", i, p.Port)
		}
		seen[p.Port] = true
	}
	return nil
}

// FormatStringMap writes the controller's stringMap annotation format,
// "k1=v1,k2=v2", keys sorted. Keys must be non-empty and free of ',' and '=';
// values free of ','; neither may start or end with whitespace (the
// controller trims it).
func FormatStringMap(m map[string]string) (string, error) {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := m[k]
		switch {
		case k == "" || strings.ContainsAny(k, ",="):
			return "", fmt.Errorf("key %q is empty or contains ',' or '='", k)
		case strings.Contains(v, ","):
			return "", fmt.Errorf("value of %q contains ','", k)
		case strings.TrimSpace(k) != k || strings.TrimSpace(v) != v:
			return "", fmt.Errorf("key or value of %q starts or ends with whitespace", k)
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ","), nil
}

// ParseStringMap reads "k1=v1,k2=v2" as the controller does: pairs split on
// ',', key and value on the first '=', whitespace around each trimmed. A
// missing '=', an empty key or a repeated key is an error.
func ParseStringMap(s string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for i, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok:
			return nil, fmt.Errorf("pair %d %q has no '='", i, pair)
		case k == "":
			return nil, fmt.Errorf("pair %d %q has an empty key", i, pair)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("key %q repeats", k)
		}
		out[k] = v
	}
	return out, nil
}
