package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/sdk/authmap"
)

const authmapUsage = `usage: fargatekit authmap <command> [flags]   (kube-system/aws-auth, merged safely)

  add-role     --arn ARN | --sso-permission-set SET --sso-account ID   --username U [--group G ...] [--allow-system-masters]
  add-user     --arn ARN --username U [--group G ...] [--allow-system-masters]
  add-account  ID [ID ...]
  remove       --arn ARN ... | --account ID ... | --sso ACCOUNT/SET ... | ARN, ID or sso:ACCOUNT/SET ...
  list         [-o table|yaml|json]
  migrate-plan [--cluster NAME [--region R] [--profile P]]   what access entries must exist before aws-auth can go

every command: [--kubeconfig K] (default $KUBECONFIG, then ~/.kube/config) [--namespace NS] [--name NAME]`

func runAuthmap(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stdout, authmapUsage)
		if len(args) == 0 {
			return fmt.Errorf("%w: name a command", errUsage)
		}
		return nil
	}
	cmds := map[string]func(context.Context, *env, []string) error{
		"add-role": runAuthmapAddRole, "add-user": runAuthmapAddUser, "add-account": runAuthmapAddAccount,
		"remove": runAuthmapRemove, "list": runAuthmapList, "migrate-plan": runAuthmapMigratePlan,
	}
	run, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintln(e.stderr, authmapUsage)
		return fmt.Errorf("%w: unknown authmap command %q", errUsage, args[0])
	}
	return run(ctx, e, args[1:])
}

// authmapTarget is the ConfigMap a command reads and writes.
type authmapTarget struct{ kubeconfig, namespace, name string }

func newAuthmapFlags(e *env, name string) (*flag.FlagSet, *authmapTarget) {
	fs := newFlags(e, "authmap "+name)
	t := &authmapTarget{}
	fs.StringVar(&t.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&t.namespace, "namespace", authmap.DefaultNamespace, "namespace of the ConfigMap")
	fs.StringVar(&t.name, "name", authmap.DefaultName, "name of the ConfigMap")
	return fs, t
}

// client connects to the cluster of --kubeconfig, else $KUBECONFIG (a path
// list), else ~/.kube/config: kubectl's rules.
func (t *authmapTarget) client(e *env) (typedcorev1.ConfigMapsGetter, error) {
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: t.kubeconfig}
	if t.kubeconfig == "" {
		rules.Precedence = []string{clientcmd.RecommendedHomeFile}
		if v := e.getenv("KUBECONFIG"); v != "" {
			rules.Precedence = filepath.SplitList(v)
		}
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return cs.CoreV1(), nil
}

func (t *authmapTarget) options(e *env, allowMasters bool) authmap.ConfigMapOptions {
	return authmap.ConfigMapOptions{Namespace: t.namespace, Name: t.name, AllowSystemMasters: allowMasters, Logger: e.log}
}

// upsert writes add and reports what happened.
func (t *authmapTarget) upsert(ctx context.Context, e *env, add authmap.Mappings, allowMasters bool, what string) error {
	if err := add.Validate(optionsFor(allowMasters)...); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cs, err := t.client(e)
	if err != nil {
		return err
	}
	res, err := authmap.Upsert(ctx, cs, add, t.options(e, allowMasters))
	if err != nil {
		return err
	}
	return reportWrite(e.stdout, res, what, t)
}

func optionsFor(allowMasters bool) []authmap.Option {
	if allowMasters {
		return []authmap.Option{authmap.AllowSystemMasters()}
	}
	return nil
}

func reportWrite(w io.Writer, res authmap.Result, what string, t *authmapTarget) error {
	state := "unchanged (already so)"
	switch {
	case res.Created:
		state = "created the ConfigMap"
	case res.Changed:
		state = "updated"
	}
	_, err := fmt.Fprintf(w, "%s/%s: %s: %s; %d entries, %d attempt(s)\n", t.namespace, t.name, what, state, res.Mappings.Len(), res.Attempts)
	return err
}

func runAuthmapAddRole(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "add-role")
	var groups multiFlag
	arn := fs.String("arn", "", "IAM role ARN (a path is dropped: the authenticator matches path-less ARNs)")
	set := fs.String("sso-permission-set", "", "IAM Identity Center permission set (instead of --arn)")
	ssoAccount := fs.String("sso-account", "", "12-digit account of the permission set's roles")
	username := fs.String("username", "", "Kubernetes username (templates such as {{SessionName}} allowed)")
	fs.Var(&groups, "group", "Kubernetes group (repeatable)")
	masters := fs.Bool("allow-system-masters", false, "permit the system:masters group (cluster-admin)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	r := authmap.RoleMapping{RoleARN: *arn, Username: *username, Groups: groups}
	what := "role " + *arn
	switch {
	case (*arn == "") == (*set == ""):
		return fmt.Errorf("%w: give --arn or --sso-permission-set", errUsage)
	case *set != "":
		r.SSO, what = &authmap.SSO{PermissionSetName: *set, AccountID: *ssoAccount}, "sso "+*ssoAccount+"/"+*set
	}
	return t.upsert(ctx, e, authmap.Mappings{Roles: []authmap.RoleMapping{r}}, *masters, what)
}

func runAuthmapAddUser(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "add-user")
	var groups multiFlag
	arn := fs.String("arn", "", "IAM user ARN")
	username := fs.String("username", "", "Kubernetes username")
	fs.Var(&groups, "group", "Kubernetes group (repeatable)")
	masters := fs.Bool("allow-system-masters", false, "permit the system:masters group (cluster-admin)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *arn == "" {
		return fmt.Errorf("%w: --arn is required", errUsage)
	}
	u := authmap.UserMapping{UserARN: *arn, Username: *username, Groups: groups}
	return t.upsert(ctx, e, authmap.Mappings{Users: []authmap.UserMapping{u}}, *masters, "user "+*arn)
}

// parseInterspersed parses flags before, between and after positional
// arguments (as eksctl and kubectl do) and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

func runAuthmapAddAccount(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "add-account")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("%w: name the account ID(s)", errUsage)
	}
	return t.upsert(ctx, e, authmap.Mappings{Accounts: ids}, false, "account "+strings.Join(ids, ", "))
}

func runAuthmapRemove(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "remove")
	var ids multiFlag
	fs.Var(&ids, "arn", "role or user ARN to remove (repeatable)")
	fs.Var(&ids, "account", "account ID to remove (repeatable)")
	var sso multiFlag
	fs.Var(&sso, "sso", "SSO mapping to remove, ACCOUNT/PERMISSION-SET as list prints it (repeatable)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	for _, id := range pos {
		if rest, ok := strings.CutPrefix(id, "sso:"); ok {
			sso = append(sso, rest)
		} else {
			ids = append(ids, id)
		}
	}
	for _, s := range sso {
		acct, set, ok := strings.Cut(s, "/")
		if !ok {
			return fmt.Errorf("%w: SSO mapping %q: want ACCOUNT/PERMISSION-SET", errUsage, s)
		}
		ids = append(ids, authmap.RoleMapping{SSO: &authmap.SSO{AccountID: acct, PermissionSetName: set}}.Identity())
	}
	if len(ids) == 0 {
		return fmt.Errorf("%w: name what to remove (--arn, --account)", errUsage)
	}
	cs, err := t.client(e)
	if err != nil {
		return err
	}
	res, err := authmap.RemoveFrom(ctx, cs, ids, t.options(e, false))
	if err != nil {
		return err
	}
	return reportWrite(e.stdout, res, "remove "+strings.Join(ids, ", "), t)
}

// listItem is one entry as list prints it (eksctl's get iamidentitymapping shape).
type listItem struct {
	RoleARN  string       `json:"rolearn,omitempty"`
	SSO      *authmap.SSO `json:"sso,omitempty"`
	UserARN  string       `json:"userarn,omitempty"`
	Account  string       `json:"account,omitempty"`
	Username string       `json:"username,omitempty"`
	Groups   []string     `json:"groups,omitempty"`
}

func listItems(m authmap.Mappings) []listItem {
	var items []listItem
	for _, r := range m.Roles {
		items = append(items, listItem{RoleARN: r.RoleARN, SSO: r.SSO, Username: r.Username, Groups: r.Groups})
	}
	for _, u := range m.Users {
		items = append(items, listItem{UserARN: u.UserARN, Username: u.Username, Groups: u.Groups})
	}
	for _, a := range m.Accounts {
		items = append(items, listItem{Account: a})
	}
	return items
}

func runAuthmapList(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "list")
	output := "table"
	fs.StringVar(&output, "o", output, "output: table, yaml or json")
	fs.StringVar(&output, "output", output, "output: table, yaml or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if output != "table" && output != "yaml" && output != "json" {
		return fmt.Errorf("%w: -o %q (table, yaml or json)", errUsage, output)
	}
	cs, err := t.client(e)
	if err != nil {
		return err
	}
	m, cm, err := authmap.Read(ctx, cs, t.options(e, false))
	if err != nil {
		return err
	}
	if cm == nil {
		fmt.Fprintf(e.stderr, "%s/%s does not exist: no mappings\n", t.namespace, t.name)
	}
	items := listItems(m)
	switch output {
	case "json":
		b, err := json.MarshalIndent(items, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "%s\n", b)
		return err
	case "yaml":
		b, err := yaml.Marshal(items)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(b)
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ARN\tUSERNAME\tGROUPS\tACCOUNT")
	for _, it := range items {
		id := it.RoleARN + it.UserARN
		if it.SSO != nil {
			id = "sso:" + it.SSO.AccountID + "/" + it.SSO.PermissionSetName
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", id, it.Username, strings.Join(it.Groups, ","), it.Account)
	}
	return tw.Flush()
}

func runAuthmapMigratePlan(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "migrate-plan")
	cluster := fs.String("cluster", "", "EKS cluster whose access entries to compare with (none: compare with no entries, offline)")
	region := fs.String("region", "", "AWS region of the cluster (default $AWS_REGION, then the profile's)")
	profile := fs.String("profile", "", "AWS profile")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cs, err := t.client(e)
	if err != nil {
		return err
	}
	current, _, err := authmap.Read(ctx, cs, t.options(e, false))
	if err != nil {
		return err
	}
	if *cluster == "" {
		fmt.Fprintf(e.stdout, "# %s/%s against no access entries (pass --cluster to read the cluster's); nothing is changed\n", t.namespace, t.name)
		_, err := fmt.Fprint(e.stdout, authmap.PlanFor(current, nil))
		return err
	}
	cfg, err := loadAWS(ctx, e, *profile, *region)
	if err != nil {
		return err
	}
	if cfg.Region == "" {
		return fmt.Errorf("%w: no AWS region configured: pass --region or set AWS_REGION (fargatekit never guesses one)", errUsage)
	}
	plan, err := authmap.PlanMigration(ctx, eks.NewFromConfig(cfg), iam.NewFromConfig(cfg), *cluster, current)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "# %s/%s against the access entries of %s (%s); nothing is changed\n", t.namespace, t.name, *cluster, cfg.Region)
	_, err = fmt.Fprint(e.stdout, plan)
	return err
}
