package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/fargatekit/fargatekit/examples/catalog"
	"github.com/fargatekit/fargatekit/internal/deploytime"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/internal/textout"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// defaultPlanExample is the example planned unless told otherwise.
const defaultPlanExample = "fargate-alb"

// treeKeys are the inputs the resource tree shows where a resource has them.
var treeKeys = []string{
	"name", "fargateProfileName", "addonName", "cidrBlock", "availabilityZone",
	"metadata.namespace", "metadata.name", "chart", "version", "spec.replicas",
}

// errUsage marks errors that are the caller's words being off (exit code 2).
var errUsage = errors.New("usage")

// run parses args, plans, and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	err := plan(args, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "fargatekit-plan:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "fargatekit-plan:", err)
		return 1
	}
}

// plan prints an example's resource tree and deploy-time estimate, planned
// offline under the mock monitor: nothing is deployed, no AWS account is used.
func plan(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fargatekit-plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: fargatekit-plan [--example NAME] [--documents] [--demo]\n\n"+
			"Plans an example offline under a mock Pulumi monitor (the real components run; nothing is deployed).")
		fs.PrintDefaults()
	}
	example := fs.String("example", defaultPlanExample, "example to plan: "+strings.Join(catalog.Names(), ", "))
	docs := fs.Bool("documents", false, "also print the rendered documents (trust and permission policies, Helm values, aws-auth)")
	demo := fs.Bool("demo", false, "print as part 1 of `make demo`: a title, the planning time and the documents")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	ex, err := catalog.Lookup(*example)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	w := stdout
	if *demo {
		title := "Part 1 — offline plan of examples/" + ex.Name
		fmt.Fprintf(w, "fargatekit demo — no AWS account needed: part 1 plans offline, part 2 drives a local Kubernetes API server.\n")
		fmt.Fprintf(w, "\n%s\n%s\n", title, strings.Repeat("═", len([]rune(title))))
	}
	t0 := time.Now()
	g, err := ex.Plan()
	if err != nil {
		return fmt.Errorf("planning examples/%s: %w", ex.Name, err)
	}
	if *demo {
		fmt.Fprintf(w, "  (%d resources registered by the real components in %s)\n\n", g.Len(), time.Since(t0).Round(time.Millisecond))
	}
	if err := writeTree(w, ex, g); err != nil {
		return err
	}
	if *docs || *demo {
		if *demo {
			fmt.Fprintf(w, "\nRendered documents\n")
		}
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
	_, err := io.WriteString(w, textout.Indent(g.Tree(treeKeys...), "  "))
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

// writeDocuments prints the documents the plan rendered: IAM trust and
// permission policies, add-on configuration, Helm values, Ingress annotations
// and aws-auth.
func writeDocuments(w io.Writer, g *mockstack.Graph) error {
	section := func(title string) { fmt.Fprintf(w, "\n── %s\n", title) }
	for _, r := range g.ByType("aws:iam/role:Role") {
		section("Trust policy of IAM role " + r.Name)
		textout.Policy(w, r.InputString("assumeRolePolicy"))
	}
	for _, typ := range []string{"aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"} {
		for _, r := range g.ByType(typ) {
			section("Permission policy " + r.Name + " (" + typ + ")")
			textout.Policy(w, r.InputString("policy"))
		}
	}
	for _, r := range g.ByType("aws:eks/addon:Addon") {
		if v := r.InputString("configurationValues"); v != "" {
			section("Configuration of EKS add-on " + r.InputString("addonName"))
			textout.JSON(w, v)
		}
	}
	for _, r := range g.ByType("kubernetes:helm.sh/v3:Release") {
		section(fmt.Sprintf("Helm values of release %s (chart %s %s)", r.Name, r.InputString("chart"), r.InputString("version")))
		v, _ := r.Input("values")
		textout.YAML(w, v)
	}
	for _, r := range g.ByType("kubernetes:networking.k8s.io/v1:Ingress") {
		section("Annotations of Ingress " + r.Name)
		v, _ := r.Input("metadata.annotations")
		textout.YAML(w, v)
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
		fmt.Fprintf(w, "  %s: |\n%s", k, textout.Indent(fmt.Sprint(m[k]), "    "))
	}
}
