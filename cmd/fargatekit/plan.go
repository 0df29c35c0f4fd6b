package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/examples/catalog"
	"github.com/fargatekit/fargatekit/internal/deploytime"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// defaultPlanExample is the example plan and demo show unless told otherwise.
const defaultPlanExample = "fargate-alb"

// treeKeys are the inputs the resource tree shows where a resource has them.
var treeKeys = []string{
	"name", "fargateProfileName", "addonName", "cidrBlock", "availabilityZone",
	"metadata.namespace", "metadata.name", "chart", "version", "spec.replicas",
}

// runPlan prints an example's resource tree and deploy-time estimate, planned
// offline under the mock monitor: nothing is deployed, no AWS account is used.
func runPlan(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "plan")
	example := fs.String("example", defaultPlanExample, "example to plan: "+strings.Join(catalog.Names(), ", "))
	docs := fs.Bool("documents", false, "also print the rendered documents (trust and permission policies, Helm values, aws-auth)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	ex, err := catalog.Lookup(*example)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	g, err := ex.Plan()
	if err != nil {
		return fmt.Errorf("planning examples/%s: %w", ex.Name, err)
	}
	w := e.stdout
	if err := writeTree(w, ex, g); err != nil {
		return err
	}
	if *docs {
		if err := writeDocuments(w, g); err != nil {
			return err
		}
	}
	return writeEstimate(w, g)
}

// writeTree prints the plan's header and the parent/child resource tree.
func writeTree(w io.Writer, ex catalog.Example, g *mockstack.Graph) error {
	custom := 0
	for _, r := range g.Resources {
		if r.Custom {
			custom++
		}
	}
	fmt.Fprintf(w, "Plan of examples/%s — %s\n", ex.Name, ex.Summary)
	fmt.Fprintf(w, "(offline: the real components ran under a mock Pulumi monitor in region %s, a demo value standing in\n"+
		" for the stack's aws:region; nothing was deployed)\n\n", catalog.PlanRegion)
	fmt.Fprintf(w, "Resource tree: %d resources (%d components), children indented under their parent\n", g.Len(), g.Len()-custom)
	_, err := io.WriteString(w, indent(g.Tree(treeKeys...), "  "))
	return err
}

// writeEstimate prints the deploy-time estimate of the plan.
func writeEstimate(w io.Writer, g *mockstack.Graph) error {
	est, err := deploytime.Compute(g, deploytime.DefaultTable())
	if err != nil {
		return fmt.Errorf("deploy-time estimate: %w", err)
	}
	fmt.Fprintln(w)
	return est.Format(w)
}

// longPolicy is the size above which a policy is summarised, not printed.
const longPolicy = 1200

// writeDocuments prints the documents the plan rendered: IAM trust and
// permission policies, add-on configuration, Helm values, Ingress annotations
// and aws-auth.
func writeDocuments(w io.Writer, g *mockstack.Graph) error {
	section := func(title string) { fmt.Fprintf(w, "\n── %s\n", title) }
	for _, r := range g.ByType("aws:iam/role:Role") {
		section("Trust policy of IAM role " + r.Name)
		writePolicy(w, r.InputString("assumeRolePolicy"))
	}
	for _, typ := range []string{"aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"} {
		for _, r := range g.ByType(typ) {
			section("Permission policy " + r.Name + " (" + typ + ")")
			writePolicy(w, r.InputString("policy"))
		}
	}
	for _, r := range g.ByType("aws:eks/addon:Addon") {
		if v := r.InputString("configurationValues"); v != "" {
			section("Configuration of EKS add-on " + r.InputString("addonName"))
			writeJSON(w, v)
		}
	}
	for _, r := range g.ByType("kubernetes:helm.sh/v3:Release") {
		section(fmt.Sprintf("Helm values of release %s (chart %s %s)", r.Name, r.InputString("chart"), r.InputString("version")))
		v, _ := r.Input("values")
		writeYAML(w, v)
	}
	for _, r := range g.ByType("kubernetes:networking.k8s.io/v1:Ingress") {
		section("Annotations of Ingress " + r.Name)
		v, _ := r.Input("metadata.annotations")
		writeYAML(w, v)
	}
	if entries := g.ByType("aws:eks/accessEntry:AccessEntry"); len(entries) > 0 {
		section("EKS access entries")
		for _, r := range entries {
			groups, ok := r.Input("kubernetesGroups")
			if !ok || groups == nil {
				groups = "none"
			}
			fmt.Fprintf(w, "  %-32s %s  username=%s  groups=%v\n", r.Name, r.InputString("principalArn"), r.InputString("userName"), groups)
		}
		for _, r := range g.ByType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation") {
			fmt.Fprintf(w, "  %-32s %s  %s  scope=%s\n", r.Name, r.InputString("principalArn"), r.InputString("policyArn"), r.InputString("accessScope.type"))
		}
	}
	return writeAwsAuth(w, g, section)
}

// writeAwsAuth prints the aws-auth data the plan writes, or, when it writes
// none, the mapping EKS adds for the cluster's Fargate pod-execution role,
// rendered by authmap.
func writeAwsAuth(w io.Writer, g *mockstack.Graph, section func(string)) error {
	found := false
	for _, r := range g.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:core/v1:ConfigMap") && r.InputString("metadata.name") == authmap.DefaultName {
			section(fmt.Sprintf("aws-auth written by %s (%s)", r.Name, r.Type))
			v, _ := r.Input("data")
			writeData(w, v)
			found = true
		}
	}
	if found {
		return nil
	}
	for _, r := range g.ByType("aws:iam/role:Role") {
		if !strings.HasSuffix(r.Name, "-pod-execution-role") {
			continue
		}
		arn, _ := r.Output("arn")
		s, _ := arn.(string)
		data, err := authmap.Mappings{Roles: []authmap.RoleMapping{authmap.FargateRoleMapping(s)}}.Data()
		if err != nil {
			return fmt.Errorf("rendering aws-auth: %w", err)
		}
		section("aws-auth: the mapping EKS keeps for the Fargate pod-execution role " + r.Name + " (rendered by authmap)")
		writeData(w, map[string]any{"mapRoles": data[authmap.KeyMapRoles]})
	}
	return nil
}

// writeData prints a ConfigMap's data: each key, then its (multi-line) value indented.
func writeData(w io.Writer, v any) {
	m, _ := v.(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(w, "  %s: |\n%s", k, indent(fmt.Sprint(m[k]), "    "))
	}
}

// writePolicy prints an IAM policy indented, or a summary when it is long.
func writePolicy(w io.Writer, text string) {
	doc, err := iampolicy.Parse([]byte(text))
	if err != nil {
		fmt.Fprintf(w, "  (not a policy document: %v)\n", err)
		return
	}
	size, _ := doc.Size()
	if size <= longPolicy {
		b, _ := doc.Indent()
		io.WriteString(w, indent(string(b)+"\n", "  "))
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

// writeJSON prints JSON text indented.
func writeJSON(w io.Writer, text string) {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		fmt.Fprintf(w, "  %s\n", text)
		return
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	io.WriteString(w, indent(string(b)+"\n", "  "))
}

// writeYAML prints a value as YAML.
func writeYAML(w io.Writer, v any) {
	b, err := yaml.Marshal(v)
	if err != nil {
		fmt.Fprintf(w, "  %v\n", v)
		return
	}
	io.WriteString(w, indent(string(b), "  "))
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
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
