// Package stacktest holds the assertions the examples' mock tests share: the
// whole graph's counts by type, parents, and the dependency edges that decide
// the order of create and destroy.
package stacktest

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/examples/catalog"
	"github.com/fargatekit/fargatekit/internal/mockstack"
)

// One returns the single resource of that type and name, or fails the test.
func One(t testing.TB, g *mockstack.Graph, typ, name string) *mockstack.Resource {
	t.Helper()
	r, err := g.One(typ, name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Counts fails the test unless the graph holds exactly want, type by type.
func Counts(t testing.TB, g *mockstack.Graph, want map[string]int) {
	t.Helper()
	got := g.CountByType()
	for _, typ := range slices.Sorted(maps.Keys(want)) {
		if got[typ] != want[typ] {
			t.Errorf("%s: %d registered, want %d", typ, got[typ], want[typ])
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[typ]; !ok {
			t.Errorf("unexpected type %s: %d registered", typ, got[typ])
		}
	}
}

// Parent fails the test unless child's parent is parent (nil: the stack).
func Parent(t testing.TB, g *mockstack.Graph, child, parent *mockstack.Resource) {
	t.Helper()
	got := g.ParentOf(child)
	switch {
	case parent == nil && got != nil:
		t.Errorf("%s %s: parent %s %s, want the stack", child.Type, child.Name, got.Type, got.Name)
	case parent != nil && got != parent:
		name := "the stack"
		if got != nil {
			name = got.Type + " " + got.Name
		}
		t.Errorf("%s %s: parent %s, want %s %s", child.Type, child.Name, name, parent.Type, parent.Name)
	}
}

// DependsOn fails the test unless from waits for to, and logs the path.
func DependsOn(t testing.TB, g *mockstack.Graph, from, to *mockstack.Resource) {
	t.Helper()
	path := g.DependencyPath(from, to)
	if path == nil {
		t.Errorf("%s %s does not depend on %s %s", from.Type, from.Name, to.Type, to.Name)
		return
	}
	var names []string
	for _, r := range path {
		names = append(names, r.Name)
	}
	t.Logf("%s: %s", from.Name, strings.Join(names, " → "))
}

// Independent fails the test if from waits for to.
func Independent(t testing.TB, g *mockstack.Graph, from, to *mockstack.Resource) {
	t.Helper()
	if g.DependsOn(from, to) {
		t.Errorf("%s %s must not wait for %s %s", from.Type, from.Name, to.Type, to.Name)
	}
}

// Cluster asserts what every example's FargateCluster named name guarantees:
// the Fargate profiles are chained in order, CoreDNS waits for the profile
// that selects kube-system (the first, fp-default unless told), and every
// cluster child sits under the component.
func Cluster(t testing.TB, g *mockstack.Graph, name string, profiles ...string) *mockstack.Resource {
	t.Helper()
	comp := One(t, g, "fargatekit:eksfargate:FargateCluster", name)
	Parent(t, g, comp, nil)
	if len(profiles) == 0 {
		profiles = []string{"fp-default"}
	}
	var prev *mockstack.Resource
	for _, p := range profiles {
		fp := One(t, g, "aws:eks/fargateProfile:FargateProfile", name+"-profile-"+p)
		Parent(t, g, fp, comp)
		if prev != nil {
			DependsOn(t, g, fp, prev)
		}
		prev = fp
	}
	coredns := One(t, g, "aws:eks/addon:Addon", name+"-coredns")
	if coredns.InputString("addonName") != "coredns" {
		t.Errorf("addon %s: addonName %q", coredns.Name, coredns.InputString("addonName"))
	}
	DependsOn(t, g, coredns, One(t, g, "aws:eks/fargateProfile:FargateProfile", name+"-profile-"+profiles[0]))
	DependsOn(t, g, coredns, One(t, g, "aws:eks/cluster:Cluster", name+"-cluster"))
	for _, typ := range []string{"aws:eks/cluster:Cluster", "aws:ec2/vpc:Vpc", "pulumi:providers:kubernetes"} {
		for _, r := range g.ByType(typ) {
			if strings.HasPrefix(r.Name, name) {
				Parent(t, g, r, comp)
			}
		}
	}
	return comp
}

// Tagged fails the test unless r's tags input holds every key of want with its value.
func Tagged(t testing.TB, r *mockstack.Resource, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := r.InputString(`tags["` + k + `"]`); got != v {
			t.Errorf("%s %s: tag %s = %q, want %q", r.Type, r.Name, k, got, v)
		}
	}
}

// InREADME fails the test unless a ```go block of the README at readme is,
// up to surrounding blank lines, the Go source at file: the whole file, or,
// when the file marks a region with the lines "// README:begin" and
// "// README:end", that region with its common indentation removed. So the
// README's code is code that compiles and is tested.
func InREADME(t testing.TB, readme, file string) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	want, err := readmeRegion(string(src))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, block := range goBlocks(string(doc)) {
		if strings.TrimSpace(block) == strings.TrimSpace(want) {
			return
		}
	}
	t.Errorf("%s has no ```go block equal to %s; paste this:\n```go\n%s```", readme, file, want)
}

// readmeRegion is the part of src a README shows (see InREADME).
func readmeRegion(src string) (string, error) {
	const begin, end = "// README:begin", "// README:end"
	lines := strings.SplitAfter(src, "\n")
	start, stop := -1, -1
	for i, l := range lines {
		switch strings.TrimSpace(l) {
		case begin:
			start = i + 1
		case end:
			stop = i
		}
	}
	switch {
	case start < 0 && stop < 0:
		return src, nil
	case start < 0 || stop < start:
		return "", fmt.Errorf("%q and %q do not enclose a region", begin, end)
	}
	region := lines[start:stop]
	indent, seen := "", false
	for _, l := range region {
		if strings.TrimSpace(l) == "" {
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, "\t"))]
		if !seen || len(lead) < len(indent) {
			indent, seen = lead, true
		}
	}
	var b strings.Builder
	for _, l := range region {
		b.WriteString(strings.TrimPrefix(l, indent))
	}
	return b.String(), nil
}

// goBlocks returns the bodies of the ```go fenced blocks of a Markdown text.
func goBlocks(doc string) []string {
	var out []string
	var cur *strings.Builder
	for _, l := range strings.SplitAfter(doc, "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case cur == nil && trimmed == "```go":
			cur = new(strings.Builder)
		case cur != nil && trimmed == "```":
			out = append(out, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(l)
		}
	}
	return out
}

// Plan runs the catalog's example name under the mock monitor, as the CLI's
// plan does, with extra options, and fails the test if it errors.
func Plan(t testing.TB, name string, opts ...mockstack.Option) *mockstack.Graph {
	t.Helper()
	e, err := catalog.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.Plan(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// clusterCounts is what one FargateCluster registers, by type, in a VPC of its
// own over two zones with one NAT gateway, apart from the IAM roles, policy
// attachments and Fargate profiles, whose numbers depend on the stack.
var clusterCounts = map[string]int{
	"fargatekit:eksfargate:FargateCluster":                1,
	"aws:ec2/vpc:Vpc":                                     1,
	"aws:ec2/subnet:Subnet":                               4,
	"aws:ec2/internetGateway:InternetGateway":             1,
	"aws:ec2/eip:Eip":                                     1,
	"aws:ec2/natGateway:NatGateway":                       1,
	"aws:ec2/routeTable:RouteTable":                       3,
	"aws:ec2/route:Route":                                 3,
	"aws:ec2/routeTableAssociation:RouteTableAssociation": 4,
	"aws:eks/cluster:Cluster":                             1,
	"aws:eks/addon:Addon":                                 1, // CoreDNS (kube-proxy and vpc-cni: off on Fargate)
	"fargatekit:irsa:OIDCProvider":                        1,
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
	"pulumi:providers:kubernetes":                         1,
}

// WithCluster returns the counts of one FargateCluster in its own two-zone,
// single-NAT VPC plus the stack's own, for [Counts]. The stack's counts give
// totals for the IAM roles, policy attachments and Fargate profiles (the
// cluster's included) and add to the cluster's for any other type.
func WithCluster(stack map[string]int) map[string]int {
	out := maps.Clone(clusterCounts)
	for typ, n := range stack {
		out[typ] += n
	}
	return out
}
