package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

const authmapUsage = `usage: fargatekit authmap <command> [flags]   (kube-system/aws-auth, merged safely; EKS access entries)

  add-role     --arn ARN | --sso-permission-set SET   --username U [--group G[,G...] ...] [--allow-system-masters] [--force] [--create]
  add-user     --arn ARN --username U [--group G[,G...] ...] [--allow-system-masters] [--create]
  add-account  ID [ID ...]
  remove       --arn ARN ... | --account ID ... | --sso ACCOUNT/SET ... | ARN, ID or sso:ACCOUNT/SET ...   [--force]
  list         [-o table|yaml|json]
  migrate-plan [--cluster NAME]   what access entries must exist before aws-auth can go (no changes)
  migrate      --cluster NAME [--dry-run (default) | --apply] [--target-mode API|API_AND_CONFIG_MAP]

the cluster: --kubeconfig K (default $KUBECONFIG, then ~/.kube/config) [--context C], or --cluster NAME [--region R] [--profile P]
(EKS endpoint and a native token); [--namespace NS] [--name NAME]. "fargatekit authmap <command> -h" shows examples.`

func runAuthmap(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stdout, authmapUsage)
		if len(args) == 0 {
			return fmt.Errorf("%w: name a command", cli.ErrUsage)
		}
		return nil
	}
	cmds := map[string]func(context.Context, *env, []string) error{
		"add-role": runAuthmapAddRole, "add-user": runAuthmapAddUser, "add-account": runAuthmapAddAccount,
		"remove": runAuthmapRemove, "list": runAuthmapList, "migrate-plan": runAuthmapMigratePlan, "migrate": runAuthmapMigrate,
	}
	run, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintln(e.stderr, authmapUsage)
		return fmt.Errorf("%w: unknown authmap command %q", cli.ErrUsage, args[0])
	}
	return run(ctx, e, args[1:])
}

// flagError is a caller's mistake with one flag (exit code 2); its message
// names the flag.
type flagError struct{ flag, msg string }

func (e *flagError) Error() string { return "--" + e.flag + ": " + e.msg }
func (e *flagError) Unwrap() error { return cli.ErrUsage }

func flagErr(flag, format string, args ...any) error {
	return &flagError{flag: flag, msg: fmt.Sprintf(format, args...)}
}

// listFlag collects a repeatable flag whose values may be comma lists, as
// eksctl's --group a,b.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// authmapTarget is the cluster and ConfigMap a command reads and writes.
type authmapTarget struct {
	kubeconfig, context, cluster, region, profile, namespace, name string
}

// newAuthmapFlags makes the flag set of one authmap command, whose -h
// prints the usage line, examples and flags.
func newAuthmapFlags(e *env, name, synopsis, examples string) (*flag.FlagSet, *authmapTarget) {
	fs := cli.NewFlags(e.stderr, "authmap "+name)
	t := &authmapTarget{}
	t.registerConnection(fs, "EKS cluster: connect with its endpoint and a native token (instead of a kubeconfig)")
	fs.StringVar(&t.namespace, "namespace", authmap.DefaultNamespace, "namespace of the ConfigMap")
	fs.StringVar(&t.name, "name", authmap.DefaultName, "name of the ConfigMap")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: fargatekit authmap %s %s\n\nexamples:\n%s\nflags:\n", name, synopsis, examples)
		fs.PrintDefaults()
	}
	return fs, t
}

// registerConnection adds the flags that say how to reach the cluster and
// AWS: --kubeconfig, --context, --cluster (described by clusterUsage),
// --region and --profile.
func (t *authmapTarget) registerConnection(fs *flag.FlagSet, clusterUsage string) {
	fs.StringVar(&t.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&t.context, "context", "", "kubeconfig context (default: the current context)")
	fs.StringVar(&t.cluster, "cluster", "", clusterUsage)
	fs.StringVar(&t.region, "region", "", "AWS region (default $AWS_REGION, then the profile's; never guessed)")
	fs.StringVar(&t.profile, "profile", "", "AWS profile")
}

// aws loads the AWS configuration of --profile and --region, refusing no region.
func (t *authmapTarget) aws(ctx context.Context, e *env) (aws.Config, error) {
	cfg, err := loadAWS(ctx, e, t.profile, t.region)
	if err != nil {
		return aws.Config{}, err
	}
	if cfg.Region == "" {
		return aws.Config{}, flagErr("region", "no AWS region configured: pass --region or set AWS_REGION (fargatekit never guesses one)")
	}
	return cfg, nil
}

// client connects to the cluster: --kubeconfig/--context when given (else
// $KUBECONFIG, a path list, else ~/.kube/config: kubectl's rules), or, with
// --cluster and neither, EKS's endpoint and CA with a native token.
func (t *authmapTarget) client(ctx context.Context, e *env) (typedcorev1.ConfigMapsGetter, error) {
	cs, err := t.clientset(ctx, e)
	if err != nil {
		return nil, err
	}
	return cs.CoreV1(), nil
}

// clientset connects to the cluster as client does.
func (t *authmapTarget) clientset(ctx context.Context, e *env) (kubernetes.Interface, error) {
	var cfg *rest.Config
	if t.cluster != "" && t.kubeconfig == "" && t.context == "" {
		awsCfg, err := t.aws(ctx, e)
		if err != nil {
			return nil, err
		}
		info, err := kubeauth.DescribeCluster(ctx, e.eksClient(awsCfg), t.cluster)
		if err != nil {
			return nil, err
		}
		gen, err := kubeauth.NewGenerator(kubeauth.TokenOptions{ClusterName: t.cluster, Region: awsCfg.Region, Credentials: awsCfg.Credentials})
		if err != nil {
			return nil, err
		}
		if cfg, err = kubeauth.RESTConfig(info, kubeauth.ReuseTokenSource(gen, nil)); err != nil {
			return nil, err
		}
	} else {
		rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: t.kubeconfig}
		if t.kubeconfig == "" {
			rules.Precedence = []string{clientcmd.RecommendedHomeFile}
			if v := e.getenv("KUBECONFIG"); v != "" {
				rules.Precedence = filepath.SplitList(v)
			}
		}
		var err error
		cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: t.context}).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("kubeconfig: %w", err)
		}
	}
	return kubernetes.NewForConfig(cfg)
}

func (t *authmapTarget) options(e *env, allowMasters bool) authmap.ConfigMapOptions {
	return authmap.ConfigMapOptions{Namespace: t.namespace, Name: t.name, AllowSystemMasters: allowMasters, Logger: e.log}
}

// writeOptions are the flags every writing command shares.
type writeOptions struct {
	masters, force, create bool
	fargateRole            string
}

func (w *writeOptions) register(fs *flag.FlagSet, masters bool) {
	if masters {
		fs.BoolVar(&w.masters, "allow-system-masters", false, "permit the system:masters group (cluster-admin)")
	}
	fs.BoolVar(&w.force, "force", false, "overwrite or remove a mapping EKS made for Fargate pods or nodes")
	fs.BoolVar(&w.create, "create", false, "create the ConfigMap when it does not exist (with --fargate-role on a Fargate cluster)")
	fs.StringVar(&w.fargateRole, "fargate-role", "", "Fargate pod-execution role ARN: ensure its mapping too (pods get no node without it)")
}

// flagProblem turns a validation problem into an error naming the flag.
func flagProblem(err error, arnFlag string) error {
	var errs []error
	for _, p := range authmap.Problems(err) {
		flag := arnFlag
		switch {
		case errors.Is(p, authmap.ErrSystemMasters):
			errs = append(errs, flagErr("group", "system:masters grants cluster-admin beyond RBAC; add --allow-system-masters to mean it"))
			continue
		case errors.Is(p, authmap.ErrEmptyUsername):
			flag = "username"
		case errors.Is(p, authmap.ErrUnknownTemplate):
			flag = "username"
		case errors.Is(p, authmap.ErrInvalidAccount):
			flag = "account"
		case errors.Is(p, authmap.ErrInvalidSSO):
			flag = "sso-permission-set"
		}
		errs = append(errs, flagErr(flag, "%v", p.Err))
	}
	if len(errs) == 0 {
		return flagErr(arnFlag, "%v", err)
	}
	return errors.Join(errs...)
}

// eksManaged says whether a role mapping is one EKS writes for Fargate pods
// or nodes (a system:node: username with the system:nodes group).
func eksManaged(r authmap.RoleMapping) (string, bool) {
	if !strings.HasPrefix(r.Username, "system:node:") || !slices.Contains(r.Groups, authmap.GroupNodes) {
		return "", false
	}
	if slices.Contains(r.Groups, authmap.GroupNodeProxier) {
		return "the Fargate pod-execution mapping (Fargate pods get no node without it)", true
	}
	return "a node mapping (its nodes cannot join without it)", true
}

// guard refuses, without --force, to change or drop EKS's mappings.
func guard(cur, next authmap.Mappings, force bool) error {
	if force {
		return nil
	}
	var errs []error
	for _, r := range cur.Roles {
		why, ok := eksManaged(r)
		if !ok {
			continue
		}
		i := slices.IndexFunc(next.Roles, func(n authmap.RoleMapping) bool { return n.Identity() == r.Identity() })
		switch {
		case i < 0:
			errs = append(errs, flagErr("force", "%s is %s; removing it needs --force", r.RoleARN, why))
		case next.Roles[i].Username != r.Username || !slices.Equal(next.Roles[i].Groups, r.Groups):
			errs = append(errs, flagErr("force", "%s is %s; overwriting it needs --force", r.RoleARN, why))
		}
	}
	return errors.Join(errs...)
}

// write runs one guarded read-modify-write of aws-auth and reports it.
func (t *authmapTarget) write(ctx context.Context, e *env, w writeOptions, what string, change func(authmap.Mappings) (authmap.Mappings, error)) error {
	cs, err := t.client(ctx, e)
	if err != nil {
		return err
	}
	var ensure authmap.Mappings
	if w.fargateRole != "" {
		if err := authmap.ValidateRoleARN(w.fargateRole); err != nil {
			return flagErr("fargate-role", "%v", err)
		}
		ensure.Roles = []authmap.RoleMapping{authmap.FargateRoleMapping(w.fargateRole)}
	}
	if !w.create {
		if _, cm, err := authmap.Read(ctx, cs, t.options(e, false)); err == nil && cm == nil {
			return flagErr("create", "%s/%s does not exist; EKS makes it with the first node group or Fargate profile. "+
				"Create it with --create (and --fargate-role ARN on a Fargate cluster)", t.namespace, t.name)
		}
	}
	res, err := authmap.Update(ctx, cs, t.options(e, w.masters), func(cur authmap.Mappings) (authmap.Mappings, error) {
		next, err := change(cur)
		if err != nil {
			return next, err
		}
		if next, err = next.Merge(ensure); err != nil {
			return next, err
		}
		return next, guard(cur, next, w.force)
	})
	if err != nil {
		return err
	}
	return reportWrite(e.stdout, res, what, t)
}

// upsert validates add and merges it.
func (t *authmapTarget) upsert(ctx context.Context, e *env, add authmap.Mappings, w writeOptions, what, arnFlag string) error {
	if err := add.Validate(optionsFor(w.masters)...); err != nil {
		return flagProblem(err, arnFlag)
	}
	return t.write(ctx, e, w, what, func(cur authmap.Mappings) (authmap.Mappings, error) { return cur.Merge(add) })
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
	fs, t := newAuthmapFlags(e, "add-role", "--arn ARN | --sso-permission-set SET  --username U [--group G[,G...]]", `  fargatekit authmap add-role --arn arn:aws:iam::111122223333:role/Developer --username dev:{{SessionName}} --group developers,viewers
  fargatekit authmap add-role --sso-permission-set ReadOnly --username ro:{{SessionName}} --group viewers --region eu-west-1
  fargatekit authmap add-role --arn arn:aws:iam::111122223333:role/Admin --username admin --group system:masters --allow-system-masters
  fargatekit authmap add-role --create --fargate-role arn:aws:iam::111122223333:role/pods --arn arn:aws:iam::111122223333:role/ci --username ci
`)
	var groups listFlag
	var w writeOptions
	arn := fs.String("arn", "", "IAM role ARN (a path is dropped: the authenticator matches path-less ARNs)")
	set := fs.String("sso-permission-set", "", "IAM Identity Center permission set: map the roles IAM has for it (found under "+authmap.SSORolePathPrefix+")")
	matcher := fs.Bool("sso-matcher", false, "with --sso-permission-set: write the alpha sso: matcher instead (EKS does not enable it; not recommended)")
	ssoAccount := fs.String("sso-account", "", "with --sso-matcher: the 12-digit account of the permission set's roles")
	username := fs.String("username", "", "Kubernetes username (templates such as {{SessionName}} allowed)")
	fs.Var(&groups, "group", "Kubernetes group (repeatable; a,b is two groups)")
	w.register(fs, true)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case (*arn == "") == (*set == ""):
		return flagErr("arn", "give --arn or --sso-permission-set (one of them)")
	case *arn != "":
		r := authmap.RoleMapping{RoleARN: *arn, Username: *username, Groups: groups}
		return t.upsert(ctx, e, authmap.Mappings{Roles: []authmap.RoleMapping{r}}, w, "role "+*arn, "arn")
	case *matcher:
		fmt.Fprintln(e.stderr, "warning: an sso: matcher needs aws-iam-authenticator's alpha SSORoleMatch feature gate, which EKS does not enable: "+
			"it matches nothing there. Without --sso-matcher the permission set's role ARNs are mapped instead.")
		r := authmap.RoleMapping{SSO: &authmap.SSO{PermissionSetName: *set, AccountID: *ssoAccount}, Username: *username, Groups: groups}
		return t.upsert(ctx, e, authmap.Mappings{Roles: []authmap.RoleMapping{r}}, w, "sso "+*ssoAccount+"/"+*set, "sso-permission-set")
	}
	cfg, err := t.aws(ctx, e)
	if err != nil {
		return err
	}
	roles, err := authmap.FindSSORoles(ctx, iam.NewFromConfig(cfg), *set)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		return flagErr("sso-permission-set", "IAM has no role for permission set %q under %s in this account: is the set assigned to it?", *set, authmap.SSORolePathPrefix)
	}
	var m authmap.Mappings
	for _, r := range roles {
		m.Roles = append(m.Roles, authmap.RoleMapping{RoleARN: r, Username: *username, Groups: groups})
	}
	return t.upsert(ctx, e, m, w, "permission set "+*set+" ("+strings.Join(roles, ", ")+")", "sso-permission-set")
}

func runAuthmapAddUser(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "add-user", "--arn ARN --username U [--group G[,G...]]", `  fargatekit authmap add-user --arn arn:aws:iam::111122223333:user/alice --username alice --group viewers
  fargatekit authmap add-user --arn arn:aws:iam::111122223333:user/ops/bob --username bob --group ops,oncall --context prod
`)
	var groups listFlag
	var w writeOptions
	arn := fs.String("arn", "", "IAM user ARN")
	username := fs.String("username", "", "Kubernetes username")
	fs.Var(&groups, "group", "Kubernetes group (repeatable; a,b is two groups)")
	w.register(fs, true)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *arn == "" {
		return flagErr("arn", "required: the IAM user's ARN")
	}
	u := authmap.UserMapping{UserARN: *arn, Username: *username, Groups: groups}
	return t.upsert(ctx, e, authmap.Mappings{Users: []authmap.UserMapping{u}}, w, "user "+*arn, "arn")
}

// parseInterspersed parses flags before, between and after positional
// arguments (as eksctl and kubectl do) and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := cli.ParseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

func runAuthmapAddAccount(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "add-account", "ID [ID ...]", `  fargatekit authmap add-account 444455556666
`)
	var w writeOptions
	w.register(fs, false)
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return flagErr("account", "name the 12-digit account ID(s) as arguments")
	}
	return t.upsert(ctx, e, authmap.Mappings{Accounts: ids}, w, "account "+strings.Join(ids, ", "), "account")
}

func runAuthmapRemove(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "remove", "--arn ARN ... | --account ID ... | --sso ACCOUNT/SET ... | ARN ...", `  fargatekit authmap remove --arn arn:aws:iam::111122223333:role/Developer
  fargatekit authmap remove arn:aws:iam::111122223333:user/alice 444455556666
  fargatekit authmap remove --arn arn:aws:iam::111122223333:role/old-pods --force   # an EKS Fargate/node mapping
`)
	var ids listFlag
	fs.Var(&ids, "arn", "role or user ARN to remove (repeatable)")
	fs.Var(&ids, "account", "account ID to remove (repeatable)")
	var sso listFlag
	fs.Var(&sso, "sso", "SSO mapping to remove, ACCOUNT/PERMISSION-SET as list prints it (repeatable)")
	var w writeOptions
	w.register(fs, false)
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
			return flagErr("sso", "%q: want ACCOUNT/PERMISSION-SET", s)
		}
		ids = append(ids, authmap.RoleMapping{SSO: &authmap.SSO{AccountID: acct, PermissionSetName: set}}.Identity())
	}
	if len(ids) == 0 {
		return flagErr("arn", "name what to remove (--arn, --account, --sso)")
	}
	w.create = true // removing from a missing ConfigMap changes nothing
	return t.write(ctx, e, w, "remove "+strings.Join(ids, ", "), func(cur authmap.Mappings) (authmap.Mappings, error) {
		next, _ := cur.Remove(ids...)
		return next, nil
	})
}

// listItem is one entry as list prints it (eksctl's get iamidentitymapping
// shape), with what is wrong with it.
type listItem struct {
	RoleARN  string       `json:"rolearn,omitempty"`
	SSO      *authmap.SSO `json:"sso,omitempty"`
	UserARN  string       `json:"userarn,omitempty"`
	Account  string       `json:"account,omitempty"`
	Username string       `json:"username,omitempty"`
	Groups   []string     `json:"groups,omitempty"`
	// Unreadable names an entry the authenticator cannot read by its key,
	// position and what could be made of it, e.g. "mapRoles[1] arn:...".
	Unreadable string `json:"unreadable,omitempty"`
	// Problems say why the entry is broken or has no effect (authmap.Inspect).
	Problems []string `json:"problems,omitempty"`
}

// listItems turns an inspection into list rows: every entry as written,
// an unreadable one named by its key and position.
func listItems(in authmap.Inspection) []listItem {
	var items []listItem
	for _, e := range in.Entries {
		var it listItem
		switch {
		case e.Role != nil:
			it = listItem{RoleARN: e.Role.RoleARN, SSO: e.Role.SSO, Username: e.Role.Username, Groups: e.Role.Groups}
		case e.User != nil:
			it = listItem{UserARN: e.User.UserARN, Username: e.User.Username, Groups: e.User.Groups}
		case e.Account != "":
			it = listItem{Account: e.Account}
		default:
			it.Unreadable = fmt.Sprintf("%s[%d]", e.Key, e.Index)
			if len(e.Problems) > 0 && e.Problems[0].Entry != "" {
				it.Unreadable += " " + e.Problems[0].Entry
			}
		}
		for _, p := range e.Problems {
			it.Problems = append(it.Problems, p.Err.Error())
		}
		items = append(items, it)
	}
	return items
}

func runAuthmapList(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "list", "[-o table|yaml|json]", `  fargatekit authmap list
  fargatekit authmap list --cluster demo --region eu-west-1 -o yaml
  fargatekit authmap list --context staging -o json
`)
	output := "table"
	fs.StringVar(&output, "o", output, "output: table, yaml or json")
	fs.StringVar(&output, "output", output, "output: table, yaml or json")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if output != "table" && output != "yaml" && output != "json" {
		return flagErr("output", "%q: table, yaml or json", output)
	}
	cs, err := t.client(ctx, e)
	if err != nil {
		return err
	}
	// Read fails on entries the authenticator cannot read; list shows them
	// instead, with every other entry and what is wrong with each.
	_, cm, err := authmap.Read(ctx, cs, t.options(e, false))
	if err != nil && (cm == nil || !errors.Is(err, authmap.ErrMalformed)) {
		return err
	}
	if cm == nil {
		fmt.Fprintf(e.stderr, "%s/%s does not exist: no mappings\n", t.namespace, t.name)
		cm = &corev1.ConfigMap{}
	}
	in := authmap.Inspect(cm.Data)
	if len(in.Problems) > 0 {
		fmt.Fprintf(e.stderr, "%s/%s: %d problem(s): broken entries and entries that have no effect\n", t.namespace, t.name, len(in.Problems))
		for _, p := range in.Problems {
			if p.Index < 0 { // a whole key: no row shows it
				fmt.Fprintf(e.stderr, "  %v\n", p)
			}
		}
	}
	items := listItems(in)
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
	header := "ARN\tUSERNAME\tGROUPS\tACCOUNT"
	if len(in.Problems) > 0 {
		header += "\tPROBLEM"
	}
	fmt.Fprintln(tw, header)
	for _, it := range items {
		id := it.RoleARN + it.UserARN
		if it.SSO != nil {
			id = "sso:" + it.SSO.AccountID + "/" + it.SSO.PermissionSetName
		}
		if it.Unreadable != "" {
			id = "(unreadable) " + it.Unreadable
		}
		row := fmt.Sprintf("%s\t%s\t%s\t%s", id, it.Username, strings.Join(it.Groups, ","), it.Account)
		if len(in.Problems) > 0 {
			row += "\t" + strings.Join(it.Problems, "; ")
		}
		fmt.Fprintln(tw, row)
	}
	return tw.Flush()
}

func runAuthmapMigratePlan(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "migrate-plan", "[--cluster NAME [--principal AWS-AUTH-ARN=FULL-ARN ...]]", `  fargatekit authmap migrate-plan                        # against no access entries, offline
  fargatekit authmap migrate-plan --cluster demo --region eu-west-1
`)
	overrides := principalFlag(fs)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	resolve, err := overrides()
	if err != nil {
		return err
	}
	cs, err := t.client(ctx, e)
	if err != nil {
		return err
	}
	current, _, err := authmap.Read(ctx, cs, t.options(e, false))
	if err != nil {
		return err
	}
	if t.cluster == "" {
		fmt.Fprintf(e.stdout, "# %s/%s against no access entries (pass --cluster to read the cluster's); nothing is changed\n", t.namespace, t.name)
		_, err := fmt.Fprint(e.stdout, authmap.PlanFor(current, nil))
		return err
	}
	cfg, err := t.aws(ctx, e)
	if err != nil {
		return err
	}
	api := e.eksClient(cfg)
	if resolve.Account, err = authmap.ClusterAccount(ctx, api, t.cluster); err != nil {
		return err
	}
	plan, err := authmap.PlanMigrationIn(ctx, api, iam.NewFromConfig(cfg), t.cluster, current, resolve)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "# %s/%s against the access entries of %s (%s); nothing is changed\n", t.namespace, t.name, t.cluster, cfg.Region)
	_, err = fmt.Fprint(e.stdout, plan)
	return err
}

func runAuthmapMigrate(ctx context.Context, e *env, args []string) error {
	fs, t := newAuthmapFlags(e, "migrate", "--cluster NAME [--dry-run | --apply] [--target-mode API|API_AND_CONFIG_MAP]", `  fargatekit authmap migrate --cluster demo --region eu-west-1            # dry run: prints the steps
  fargatekit authmap migrate --cluster demo --region eu-west-1 --apply    # carries them out
  fargatekit authmap migrate --cluster demo --apply --target-mode API_AND_CONFIG_MAP --context demo
  fargatekit authmap migrate --cluster demo --region eu-west-1 --apply \
      --principal arn:aws:iam::444455556666:role/Auditor=arn:aws:iam::444455556666:role/audit/Auditor   # another account's role with a path
`)
	dryRun := fs.Bool("dry-run", true, "print the steps and change nothing (the default)")
	apply := fs.Bool("apply", false, "carry the steps out: entries, authentication mode, aws-auth")
	target := fs.String("target-mode", authmap.ModeAPI, "authentication mode to end in: API (aws-auth retired) or API_AND_CONFIG_MAP")
	poll := fs.Duration("poll", 10*time.Second, "how often to check a cluster update")
	principals := principalFlag(fs)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	resolve, err := principals()
	if err != nil {
		return err
	}
	overrides := resolve.Overrides
	explicitDry := false
	fs.Visit(func(f *flag.Flag) { explicitDry = explicitDry || f.Name == "dry-run" })
	switch {
	case t.cluster == "":
		return flagErr("cluster", "required: the EKS cluster to migrate")
	case *apply && explicitDry && *dryRun:
		return flagErr("apply", "conflicts with --dry-run: give one")
	case *target != authmap.ModeAPI && *target != authmap.ModeAPIAndConfigMap:
		return flagErr("target-mode", "%q: API or API_AND_CONFIG_MAP", *target)
	}
	cfg, err := t.aws(ctx, e)
	if err != nil {
		return err
	}
	cs, err := t.client(ctx, e)
	if err != nil {
		return err
	}
	rep, err := authmap.Migrate(ctx, e.eksClient(cfg), cs, t.cluster, authmap.MigrateOptions{
		Apply: *apply, TargetMode: *target, Principals: iam.NewFromConfig(cfg), PrincipalARNs: overrides,
		ConfigMap: t.options(e, false), PollInterval: *poll, Logger: e.log,
	})
	fmt.Fprint(e.stdout, rep)
	if err != nil {
		if errors.Is(err, authmap.ErrMigrationRefused) {
			return fmt.Errorf("%w (nothing was changed)", err)
		}
		return err
	}
	if !*apply && len(rep.Steps) > 0 {
		fmt.Fprintln(e.stdout, "dry run: nothing was changed; run again with --apply to carry these steps out")
	}
	return nil
}

// principalFlag registers --principal (repeatable AWS-AUTH-ARN=FULL-ARN, not
// split at commas: IAM names may hold them) and returns, after parsing, the
// overrides it gives as ResolveOptions.
func principalFlag(fs *flag.FlagSet) func() (authmap.ResolveOptions, error) {
	var principals cli.MultiFlag
	fs.Var(&principals, "principal", "AWS-AUTH-ARN=FULL-ARN: the full ARN (path included) of a principal aws-auth names path-less, "+
		"for another account's role, whose path this account's IAM cannot look up (repeatable)")
	return func() (authmap.ResolveOptions, error) {
		overrides := map[string]string{}
		for _, p := range principals {
			from, to, ok := strings.Cut(p, "=")
			if !ok || from == "" || to == "" {
				return authmap.ResolveOptions{}, flagErr("principal", "%q: want AWS-AUTH-ARN=FULL-ARN", p)
			}
			overrides[from] = to
		}
		return authmap.ResolveOptions{Overrides: overrides}, nil
	}
}
