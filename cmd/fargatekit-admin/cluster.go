package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

const clusterUsage = `usage: fargatekit create cluster [-f cluster.yaml] [flags]   create or converge a Fargate-only EKS cluster
       fargatekit plan cluster   [-f cluster.yaml] [flags]   what create would do, without writing
       fargatekit delete cluster [-f cluster.yaml | --name N] [--region R] [--dry-run] [--sweep]

The spec comes from -f (the ClusterSpec as YAML or JSON, see sdk/eksfargate)
and the flags, which win over the file. create runs again safely: what
exists is kept, a second run changes nothing. Progress lines go to stderr
during the waits (a cluster takes about 10 minutes, a NAT gateway 2).

examples:
  fargatekit create cluster --name demo --region eu-west-1
  fargatekit create cluster -f cluster.yaml --kubeconfig ~/.kube/config
  fargatekit create cluster --name demo --region eu-west-1 --zones eu-west-1a,eu-west-1b --single-nat --dry-run
  fargatekit create cluster --name demo --region eu-west-1 --vpc-id vpc-0abc --private-subnets subnet-1,subnet-2 --tag-subnets
  fargatekit plan cluster -f cluster.yaml
  fargatekit delete cluster --name demo --region eu-west-1

cluster.yaml:
  clusterName: demo
  region: eu-west-1
  kubernetesVersion: "1.36"
  vpc: {cidr: 10.0.0.0/16, azCount: 2, singleNATGateway: true}
  fargateProfiles:
    - name: system
      selectors: [{namespace: kube-system}, {namespace: default}]
  tags: {team: platform}`

// runCreate, runPlan and runDelete dispatch "<verb> cluster".
func runCreate(ctx context.Context, e *env, args []string) error {
	return clusterVerb(ctx, e, "create", args)
}

func runPlan(ctx context.Context, e *env, args []string) error {
	return clusterVerb(ctx, e, "plan", args)
}

func runDelete(ctx context.Context, e *env, args []string) error {
	return clusterVerb(ctx, e, "delete", args)
}

func clusterVerb(ctx context.Context, e *env, verb string, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s needs what: fargatekit %s cluster (see fargatekit %s --help)", cli.ErrUsage, verb, verb, verb)
	}
	switch args[0] {
	case "cluster":
		return runCluster(ctx, e, verb, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, clusterUsage)
		return nil
	}
	return fmt.Errorf("%w: fargatekit %s %q: only cluster (fargatekit %s cluster)", cli.ErrUsage, verb, args[0], verb)
}

// clusterVerbFlags are the flags of the three verbs; each one set wins over the file.
type clusterVerbFlags struct {
	file, name, region, profile, version                string
	zones, vpcCIDR, vpcID, private, public, endpoint    string
	publicCIDRs, namespaces, secretsKey, tags, logTypes string
	kubeconfig                                          string
	singleNAT, tagSubnets, dryRun, sweep                bool
	azCount                                             int
	timeout                                             time.Duration
	set                                                 map[string]bool
}

func (f *clusterVerbFlags) register(fs *flag.FlagSet, verb string) {
	fs.StringVar(&f.file, "f", "", "spec file: the ClusterSpec as YAML or JSON")
	fs.StringVar(&f.file, "config-file", "", "same as -f")
	fs.StringVar(&f.name, "name", "", "cluster name (clusterName)")
	fs.StringVar(&f.region, "region", "", "AWS region (else AWS_REGION, AWS_DEFAULT_REGION or the profile's; never guessed)")
	fs.StringVar(&f.profile, "profile", "", "AWS shared-config profile")
	fs.DurationVar(&f.timeout, "timeout", 40*time.Minute, "bound on each wait (cluster ACTIVE, NAT gateway, add-on, deletion)")
	if verb == "delete" {
		fs.BoolVar(&f.dryRun, "dry-run", false, "list what would be deleted; delete nothing")
		fs.BoolVar(&f.sweep, "sweep", false, "once the cluster is gone, also delete the load balancers, target groups, interfaces and security groups its load balancer controller left (tagged elbv2.k8s.aws/cluster)")
		return
	}
	fs.StringVar(&f.version, "version", "", "Kubernetes version, e.g. 1.36 (kubernetesVersion; default "+eksfargate.DefaultKubernetesVersion+")")
	fs.StringVar(&f.zones, "zones", "", "comma-separated availability zones of a created VPC (vpc.availabilityZones)")
	fs.IntVar(&f.azCount, "az-count", 0, "zones of a created VPC when --zones is not given (vpc.azCount, default 2)")
	fs.StringVar(&f.vpcCIDR, "vpc-cidr", "", "CIDR of a created VPC (vpc.cidr, default "+eksfargate.DefaultVPCCIDR+")")
	fs.BoolVar(&f.singleNAT, "single-nat", false, "one NAT gateway instead of one per zone (vpc.singleNATGateway)")
	fs.StringVar(&f.vpcID, "vpc-id", "", "use this existing VPC (existing.vpcId; needs --private-subnets)")
	fs.StringVar(&f.private, "private-subnets", "", "comma-separated private subnet IDs of the existing VPC (existing.privateSubnetIds)")
	fs.StringVar(&f.public, "public-subnets", "", "comma-separated public subnet IDs of the existing VPC (existing.publicSubnetIds)")
	fs.BoolVar(&f.tagSubnets, "tag-subnets", false, "add the cluster's subnet tags the existing subnets lack (existing.tagSubnets)")
	fs.StringVar(&f.endpoint, "endpoint", "", "API endpoint access: public, private or both (endpointAccess, default both)")
	fs.StringVar(&f.publicCIDRs, "public-access-cidrs", "", "comma-separated CIDRs allowed to the public endpoint (publicAccessCIDRs)")
	fs.StringVar(&f.namespaces, "fargate-namespaces", "", "comma-separated namespaces of the one Fargate profile "+eksfargate.DefaultProfileName+" (default kube-system,default)")
	fs.StringVar(&f.secretsKey, "secrets-key", "", `"create" or a KMS key ARN: envelope encryption of secrets (secretsEncryption)`)
	fs.StringVar(&f.logTypes, "log-types", "", "comma-separated control-plane log types: api, audit, authenticator, controllerManager, scheduler")
	fs.StringVar(&f.tags, "tags", "", "comma-separated key=value tags of every resource (tags)")
	if verb == "create" {
		fs.BoolVar(&f.dryRun, "dry-run", false, "print what would be created or changed; write nothing (same as fargatekit plan cluster)")
		fs.StringVar(&f.kubeconfig, "kubeconfig", "", "merge the cluster's kubeconfig entry into this file")
	}
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// spec builds the ClusterSpec from the file and the flags set.
func (f *clusterVerbFlags) spec() (eksfargate.ClusterSpec, error) {
	var s eksfargate.ClusterSpec
	if f.file != "" {
		b, err := os.ReadFile(f.file)
		if err != nil {
			return s, fmt.Errorf("%w: -f: %v", cli.ErrUsage, err)
		}
		if err := yaml.UnmarshalStrict(b, &s); err != nil {
			return s, fmt.Errorf("%w: -f %s: %v", cli.ErrUsage, f.file, err)
		}
	}
	set := f.set
	if set["name"] {
		s.ClusterName = f.name
	}
	if set["version"] {
		s.KubernetesVersion = f.version
	}
	if set["zones"] || set["az-count"] || set["vpc-cidr"] || set["single-nat"] {
		if set["vpc-id"] || s.Existing != nil {
			return s, fmt.Errorf("%w: --zones, --az-count, --vpc-cidr and --single-nat describe a created VPC; not with --vpc-id or existing", cli.ErrUsage)
		}
		if s.VPC == nil {
			s.VPC = &eksfargate.VPCSpec{}
		}
		if set["zones"] {
			s.VPC.AvailabilityZones = splitList(f.zones)
		}
		if set["az-count"] {
			s.VPC.AZCount = f.azCount
		}
		if set["vpc-cidr"] {
			s.VPC.CIDR = f.vpcCIDR
		}
		if set["single-nat"] {
			s.VPC.SingleNATGateway = f.singleNAT
		}
	}
	if set["vpc-id"] || set["private-subnets"] || set["public-subnets"] || set["tag-subnets"] {
		if s.Existing == nil {
			s.Existing = &eksfargate.ExistingNetwork{}
		}
		s.VPC = nil
		if set["vpc-id"] {
			s.Existing.VpcID = f.vpcID
		}
		if set["private-subnets"] {
			s.Existing.PrivateSubnetIDs = splitList(f.private)
		}
		if set["public-subnets"] {
			s.Existing.PublicSubnetIDs = splitList(f.public)
		}
		if set["tag-subnets"] {
			s.Existing.TagSubnets = f.tagSubnets
		}
		if s.Existing.VpcID == "" {
			return s, fmt.Errorf("%w: --private-subnets, --public-subnets and --tag-subnets need --vpc-id", cli.ErrUsage)
		}
	}
	if set["endpoint"] {
		s.EndpointAccess = eksfargate.EndpointAccess(f.endpoint)
	}
	if set["public-access-cidrs"] {
		s.PublicAccessCIDRs = splitList(f.publicCIDRs)
	}
	if set["fargate-namespaces"] {
		p := eksfargate.FargateProfile{Name: eksfargate.DefaultProfileName}
		for _, ns := range splitList(f.namespaces) {
			p.Selectors = append(p.Selectors, eksfargate.Selector{Namespace: ns})
		}
		s.FargateProfiles = []eksfargate.FargateProfile{p}
	}
	switch {
	case !set["secrets-key"]:
	case f.secretsKey == "create":
		s.SecretsEncryption = &eksfargate.SecretsEncryption{CreateKey: true}
	case strings.HasPrefix(f.secretsKey, "arn:"):
		s.SecretsEncryption = &eksfargate.SecretsEncryption{KeyARN: f.secretsKey}
	default:
		return s, fmt.Errorf("%w: --secrets-key %q: \"create\" or a KMS key ARN", cli.ErrUsage, f.secretsKey)
	}
	if set["log-types"] {
		s.LogTypes = splitList(f.logTypes)
	}
	if set["tags"] {
		if s.Tags == nil {
			s.Tags = map[string]string{}
		}
		for _, kv := range splitList(f.tags) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return s, fmt.Errorf("%w: --tags %q: key=value pairs, comma-separated", cli.ErrUsage, kv)
			}
			s.Tags[k] = v
		}
	}
	if set["region"] {
		if s.Region != "" && s.Region != f.region {
			return s, fmt.Errorf("%w: --region %s, but the spec file says region %s", cli.ErrUsage, f.region, s.Region)
		}
	}
	if s.ClusterName == "" {
		return s, fmt.Errorf("%w: --name (or clusterName in -f) is required", cli.ErrUsage)
	}
	return s, nil
}

// flagOf names the flag that sets a spec field, for errors.
var flagOf = map[string]string{
	"ClusterName": "--name", "KubernetesVersion": "--version", "VPC.AvailabilityZones": "--zones", "VPC.AZCount": "--az-count",
	"VPC.CIDR": "--vpc-cidr", "Existing.VpcID": "--vpc-id", "Existing.PrivateSubnetIDs": "--private-subnets",
	"Existing.PublicSubnetIDs": "--public-subnets", "EndpointAccess": "--endpoint", "PublicAccessCIDRs": "--public-access-cidrs",
	"FargateProfiles": "--fargate-namespaces", "SecretsEncryption": "--secrets-key", "LogTypes": "--log-types", "Tags": "--tags",
	"Region": "--region",
}

// explain rewrites spec errors to name the flag (or the file) that set the field.
func (f *clusterVerbFlags) explain(err error) error {
	var fe *eksfargate.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	var lines []string
	for _, one := range flattenErrors(err) {
		if !errors.As(one, &fe) {
			lines = append(lines, one.Error())
			continue
		}
		where := ""
		for field, fl := range flagOf {
			if (fe.Field == field || strings.HasPrefix(fe.Field, field+"[") || strings.HasPrefix(fe.Field, field+".")) && f.set[strings.TrimPrefix(fl, "--")] {
				where = fl + ": "
				break
			}
		}
		if where == "" && f.file != "" {
			where = f.file + ": "
		}
		lines = append(lines, where+fe.Field+": "+fe.Problem)
	}
	return fmt.Errorf("%w: invalid cluster spec:\n  %s", cli.ErrUsage, strings.Join(lines, "\n  "))
}

// flattenErrors unwraps wrapped and joined errors down to the field errors.
func flattenErrors(err error) []error {
	if _, ok := err.(*eksfargate.FieldError); ok {
		return []error{err}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	if w := errors.Unwrap(err); w != nil {
		return flattenErrors(w)
	}
	return []error{err}
}

func runCluster(ctx context.Context, e *env, verb string, args []string) error {
	fs := cli.NewFlags(e.stderr, verb+" cluster")
	fs.Usage = func() { fmt.Fprintln(e.stderr, clusterUsage+"\n\nflags:"); fs.PrintDefaults() }
	var f clusterVerbFlags
	f.register(fs, verb)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	spec, err := f.spec()
	if err != nil {
		return err
	}
	if verb != "delete" {
		if err := spec.Validate(); err != nil {
			return f.explain(err)
		}
	}
	region := f.region
	if region == "" {
		region = spec.Region
	}
	cfg, err := loadAWS(ctx, e, f.profile, region)
	if err != nil {
		return err
	}
	if cfg.Region == "" {
		return fmt.Errorf("%w: no region: pass --region, set region in -f, or set AWS_REGION", cli.ErrUsage)
	}
	clients := eksfargate.NewClients(cfg)
	if e.clients != nil {
		clients = e.clients(cfg)
	}
	start := time.Now()
	opts := []eksfargate.RunOption{eksfargate.WaitAtMost(f.timeout), eksfargate.OnProgress(func(c eksfargate.Change) {
		if verb == "plan" || f.dryRun {
			return // the plan is printed at the end
		}
		if c.Action != eksfargate.ActionExists {
			fmt.Fprintf(e.stderr, "[%s] %s\n", fmtElapsed(time.Since(start)), c)
		}
	})}
	switch {
	case verb == "delete":
		if f.dryRun {
			opts = append(opts, eksfargate.DryRun())
		}
		if f.sweep {
			opts = append(opts, eksfargate.SweepLeftovers())
		}
		fmt.Fprintf(e.stderr, "deleting cluster %s in %s\n", spec.ClusterName, cfg.Region)
		changes, err := eksfargate.Delete(ctx, clients, spec, opts...)
		if f.dryRun {
			printChanges(e, "would delete", changes)
		}
		if err != nil {
			return err
		}
		if !f.dryRun {
			fmt.Fprintf(e.stdout, "cluster %s deleted (%d resources) in %s\n", spec.ClusterName, eksfargate.Writes(changes), fmtElapsed(time.Since(start)))
		}
		return nil
	case verb == "plan" || f.dryRun:
		changes, err := eksfargate.Plan(ctx, clients, spec, opts...)
		if err != nil {
			return f.explain(err)
		}
		printChanges(e, "plan", changes)
		return nil
	}
	fmt.Fprintf(e.stderr, "creating cluster %s in %s (Kubernetes %s)\n", spec.ClusterName, cfg.Region, spec.WithDefaults().KubernetesVersion)
	out, err := eksfargate.Apply(ctx, clients, spec, opts...)
	if err != nil {
		return f.explain(err)
	}
	printOutputs(e, out, time.Since(start))
	if f.kubeconfig != "" {
		ctxName, _, err := kubeauth.UpdateKubeconfigFile(f.kubeconfig, eksfargate.KubeconfigSpec(spec, cfg.Region, out.ClusterARN, out.Endpoint, out.CertificateAuthority))
		if err != nil {
			return fmt.Errorf("--kubeconfig %s: %w", f.kubeconfig, err)
		}
		fmt.Fprintf(e.stdout, "kubeconfig: context %s in %s\n", ctxName, f.kubeconfig)
	}
	return nil
}

func fmtElapsed(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func printChanges(e *env, title string, changes []eksfargate.Change) {
	writes := eksfargate.Writes(changes)
	fmt.Fprintf(e.stdout, "%s: %d to write, %d unchanged\n", title, writes, len(changes)-writes)
	for _, c := range changes {
		switch c.Action {
		case eksfargate.ActionCreate:
			fmt.Fprintf(e.stdout, "  + %s\n", c)
		case eksfargate.ActionUpdate:
			fmt.Fprintf(e.stdout, "  ~ %s\n", c)
		case eksfargate.ActionDelete:
			fmt.Fprintf(e.stdout, "  - %s\n", c)
		case eksfargate.ActionExists, eksfargate.ActionGone:
			fmt.Fprintf(e.stdout, "    %s\n", c)
		}
	}
}

func printOutputs(e *env, out *eksfargate.Outputs, took time.Duration) {
	w := e.stdout
	fmt.Fprintf(w, "cluster %s is ACTIVE (%d changes, %s)\n", out.ClusterName, eksfargate.Writes(out.Changes), fmtElapsed(took))
	for _, kv := range [][2]string{
		{"arn", out.ClusterARN}, {"endpoint", out.Endpoint}, {"version", out.Version}, {"oidc issuer", out.OIDCIssuerURL},
		{"oidc provider", out.OIDCProviderARN}, {"pod-execution role", out.PodExecutionRoleARN}, {"security group", out.ClusterSecurityGroupID}, {"vpc", out.VpcID},
		{"private subnets", strings.Join(out.PrivateSubnetIDs, ",")}, {"public subnets", strings.Join(out.PublicSubnetIDs, ",")},
		{"fargate profiles", strings.Join(out.Profiles, ",")}, {"add-ons", strings.Join(out.Addons, ",")},
	} {
		if kv[1] != "" {
			fmt.Fprintf(w, "  %-19s %s\n", kv[0]+":", kv[1])
		}
	}
}
