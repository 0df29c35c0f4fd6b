package mockstack

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Graph is the set of resources a program registered.
type Graph struct {
	// Resources in registration order.
	Resources []*Resource
	byURN     map[string]*Resource
}

func newGraph(rs []*Resource) *Graph {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Order < rs[j].Order })
	g := &Graph{Resources: rs, byURN: map[string]*Resource{}}
	for _, r := range rs {
		g.byURN[r.URN] = r
	}
	return g
}

// Len is the number of registered resources.
func (g *Graph) Len() int { return len(g.Resources) }

// ByURN returns the resource with the URN, or nil.
func (g *Graph) ByURN(urn string) *Resource { return g.byURN[urn] }

// Find returns the resources of a type token whose logical name is name.
// An empty typ matches any type.
func (g *Graph) Find(typ, name string) []*Resource {
	var out []*Resource
	for _, r := range g.Resources {
		if (typ == "" || r.Type == typ) && r.Name == name {
			out = append(out, r)
		}
	}
	return out
}

// One returns the single resource of that type and name, or an error naming
// what was found instead.
func (g *Graph) One(typ, name string) (*Resource, error) {
	rs := g.Find(typ, name)
	if len(rs) == 1 {
		return rs[0], nil
	}
	var names []string
	for _, r := range g.ByType(typ) {
		names = append(names, r.Name)
	}
	return nil, fmt.Errorf("mockstack: %d resources %s %q (of that type: %v)", len(rs), typ, name, names)
}

// ByType returns every resource of a type token, in registration order.
func (g *Graph) ByType(typ string) []*Resource {
	var out []*Resource
	for _, r := range g.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// CountByType maps each type token to how many resources of it were registered.
func (g *Graph) CountByType() map[string]int {
	out := map[string]int{}
	for _, r := range g.Resources {
		out[r.Type]++
	}
	return out
}

// Children returns the direct children of r.
func (g *Graph) Children(r *Resource) []*Resource {
	var out []*Resource
	for _, c := range g.Resources {
		if c.Parent == r.URN {
			out = append(out, c)
		}
	}
	return out
}

// ParentOf returns r's parent, or nil at the top level.
func (g *Graph) ParentOf(r *Resource) *Resource { return g.byURN[r.Parent] }

// IsDescendant reports whether r sits (transitively) under ancestor.
func (g *Graph) IsDescendant(r, ancestor *Resource) bool {
	for p := g.ParentOf(r); p != nil; p = g.ParentOf(p) {
		if p == ancestor {
			return true
		}
	}
	return false
}

// deps returns the direct dependency URNs of r: explicit dependsOn and
// property dependencies.
func (r *Resource) deps() []string {
	out := slices.Clone(r.DependsOn)
	for _, us := range r.PropertyDeps {
		out = append(out, us...)
	}
	return out
}

// DependsOn reports whether from waits for to: a path of dependency edges leads
// from from to to, or to one of to's descendants (the SDK expands a dependency
// on a component into its children). As in Pulumi, a child does not inherit its
// parent's dependencies: only recorded edges count.
func (g *Graph) DependsOn(from, to *Resource) bool {
	return g.DependencyPath(from, to) != nil
}

// DependencyPath returns the chain of resources from from to to (both
// included) along dependency edges, or nil when there is none.
func (g *Graph) DependencyPath(from, to *Resource) []*Resource {
	reached := func(r *Resource) bool { return r == to || g.IsDescendant(r, to) }
	prev := map[*Resource]*Resource{from: nil}
	queue := []*Resource{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, u := range cur.deps() {
			n := g.byURN[u]
			if n == nil {
				continue
			}
			if _, seen := prev[n]; seen {
				continue
			}
			prev[n] = cur
			if reached(n) {
				var path []*Resource
				for x := n; x != nil; x = prev[x] {
					path = append(path, x)
				}
				slices.Reverse(path)
				return path
			}
			queue = append(queue, n)
		}
	}
	return nil
}

// Input returns the resolved input at a dotted path with [i] indices and
// ["quoted"] keys, e.g. "vpcConfig.subnetIds[0]" or
// `metadata.annotations["eks.amazonaws.com/role-arn"]`, as plain Go values
// (string, float64, bool, []any, map[string]any). Secrets are unwrapped.
func (r *Resource) Input(path string) (any, bool) { return lookup(r.Inputs, path) }

// Output is Input for the mock's outputs.
func (r *Resource) Output(path string) (any, bool) { return lookup(r.Outputs, path) }

// InputString returns the input at path when it is a string, else "".
func (r *Resource) InputString(path string) string {
	v, _ := r.Input(path)
	s, _ := v.(string)
	return s
}

// IsSecretInput reports whether the top-level input key was marked secret.
func (r *Resource) IsSecretInput(key string) bool {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	return ok && v.ContainsSecrets()
}

func lookup(m resource.PropertyMap, path string) (any, bool) {
	var cur any = plain(resource.NewObjectProperty(m))
	for _, part := range splitPath(path) {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// splitPath splits "a.b[0][\"x.y/z\"]" into a, b, 0, x.y/z.
func splitPath(path string) []string {
	var out []string
	for path != "" {
		switch {
		case strings.HasPrefix(path, "[\""):
			end := strings.Index(path[2:], "\"]")
			if end < 0 {
				return append(out, path)
			}
			out = append(out, path[2:2+end])
			path = path[2+end+2:]
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(out, path)
			}
			out = append(out, path[1:end])
			path = path[end+1:]
		case path[0] == '.':
			path = path[1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			out = append(out, path[:end])
			path = path[end:]
		}
	}
	return out
}

// plain converts a property value to plain Go values, unwrapping secrets and
// output values; unknown values become nil.
func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		if !v.OutputValue().Known {
			return nil
		}
		return plain(v.OutputValue().Element)
	case v.IsComputed(), v.IsNull():
		return nil
	case v.IsObject():
		out := map[string]any{}
		for k, x := range v.ObjectValue() {
			out[string(k)] = plain(x)
		}
		return out
	case v.IsArray():
		var out []any
		for _, x := range v.ArrayValue() {
			out = append(out, plain(x))
		}
		return out
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	}
	return v.V
}

// Tree renders the parent/child tree, one resource a line: type, name, and the
// values of keys (input paths) where a resource has them. Siblings are sorted by
// type then name so the output is stable.
func (g *Graph) Tree(keys ...string) string {
	var b strings.Builder
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		var kids []*Resource
		for _, r := range g.Resources {
			if r.Parent == parent || (depth == 0 && g.byURN[r.Parent] == nil && parent == "") {
				kids = append(kids, r)
			}
		}
		sort.SliceStable(kids, func(i, j int) bool {
			if kids[i].Type != kids[j].Type {
				return kids[i].Type < kids[j].Type
			}
			return kids[i].Name < kids[j].Name
		})
		for _, r := range kids {
			fmt.Fprintf(&b, "%s%s %s", strings.Repeat("  ", depth), r.Type, r.Name)
			for _, k := range keys {
				if v, ok := r.Input(k); ok && v != nil {
					fmt.Fprintf(&b, "  %s=%v", k, v)
				}
			}
			b.WriteByte('\n')
			walk(r.URN, depth+1)
		}
	}
	walk("", 0)
	return b.String()
}

// DestroyOrder returns the resources in an order pulumi destroy may delete
// them: each after every resource that depends on it (its recorded
// dependency edges) and after its children. The engine deletes in parallel
// where the edges allow; this is one sequence it allows, with ties broken
// by type and name so that it is the same every run (registration order
// is not: the SDK registers concurrently).
func (g *Graph) DestroyOrder() []*Resource {
	blockers := map[*Resource]int{}
	unblocks := map[*Resource][]*Resource{} // r -> what may go once r is gone
	for _, r := range g.Resources {
		for _, u := range slices.Compact(slices.Sorted(slices.Values(r.deps()))) {
			if d := g.byURN[u]; d != nil && d != r {
				blockers[d]++
				unblocks[r] = append(unblocks[r], d)
			}
		}
		if p := g.byURN[r.Parent]; p != nil {
			blockers[p]++
			unblocks[r] = append(unblocks[r], p)
		}
	}
	var ready, out []*Resource
	for _, r := range g.Resources {
		if blockers[r] == 0 {
			ready = append(ready, r)
		}
	}
	for len(ready) > 0 {
		sort.Slice(ready, func(i, j int) bool {
			if ready[i].Type != ready[j].Type {
				return ready[i].Type < ready[j].Type
			}
			return ready[i].Name < ready[j].Name
		})
		r := ready[0]
		ready = ready[1:]
		out = append(out, r)
		for _, d := range unblocks[r] {
			if blockers[d]--; blockers[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	return out
}
