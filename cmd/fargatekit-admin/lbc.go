package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

// errSubnetProblems is returned by "lbc subnets" when a subnet lacks tags
// (exit code 1, after the report is printed).
var errSubnetProblems = errors.New("the VPC's subnets are not all discoverable by the controller")

const lbcUsage = `usage: fargatekit lbc versions
       fargatekit lbc policy [--version V] [--partition P] [--region R --vpc-id VPC [--account A]] [--indent]
       fargatekit lbc values --cluster-name C --region R --vpc-id VPC [--version V] [--fargate=false] [--image public|regional] [--replicas N]
       fargatekit lbc subnets --vpc-id VPC [--cluster-name C] [--region R] [--profile P]
       fargatekit lbc teardown [--kubeconfig K] [--namespace NS ...] [--release-namespace NS] [--timeout D] [--skip-uninstall] [--cluster-name C [--region R] [--profile P]]
       fargatekit lbc sweep --cluster-name C [--delete] [--region R] [--profile P] [--timeout D]`

// runLBC dispatches the "lbc" subcommands.
func runLBC(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: lbc needs a subcommand: versions, policy, values, subnets, teardown or sweep", cli.ErrUsage)
	}
	switch args[0] {
	case "versions":
		return runLBCVersions(e, args[1:])
	case "policy":
		return runLBCPolicy(e, args[1:])
	case "values":
		return runLBCValues(e, args[1:])
	case "subnets":
		return runLBCSubnets(ctx, e, args[1:])
	case "teardown":
		return runLBCTeardown(ctx, e, args[1:])
	case "sweep":
		return runLBCSweep(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, lbcUsage)
		return nil
	}
	return fmt.Errorf("%w: unknown lbc subcommand %q (versions, policy, values, subnets, teardown, sweep)", cli.ErrUsage, args[0])
}

// parseNoArgs parses flags and refuses positional arguments.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", cli.ErrUsage, fs.Args())
	}
	return nil
}

func runLBCVersions(e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "lbc versions")
	cli.Examples(fs, "", "fargatekit lbc versions   # the pinned controller versions, their charts, the default")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%-10s %s\n", "CONTROLLER", "CHART")
	for _, r := range lbc.Releases() {
		mark := ""
		if r.Version == lbc.DefaultVersion {
			mark = "  (default)"
		}
		fmt.Fprintf(e.stdout, "%-10s %s%s\n", r.Version, r.Chart, mark)
	}
	return nil
}

func runLBCPolicy(e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "lbc policy")
	version := fs.String("version", lbc.DefaultVersion, "controller version")
	part := fs.String("partition", "aws", "partition: aws, aws-cn or aws-us-gov")
	region := fs.String("region", "", "with --vpc-id: scope the policy to this region")
	vpc := fs.String("vpc-id", "", "scope the policy to this VPC (needs --region)")
	account := fs.String("account", "", "with --vpc-id: the account in the scoped ARNs (default *)")
	indent := fs.Bool("indent", false, "indent the JSON")
	cli.Examples(fs, "[--version V] [--partition P] [--region R --vpc-id VPC [--account A]] [--indent]",
		"fargatekit lbc policy --indent > lbc-policy.json",
		"fargatekit lbc policy --region eu-west-1 --vpc-id vpc-0abc1234 --account 123456789012   # scoped to one VPC",
		"fargatekit lbc policy --partition aws-cn --version "+lbc.DefaultVersion)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	spec := lbc.PolicySpec{Version: *version, Partition: *part}
	switch {
	case *vpc != "" && *region == "":
		return fmt.Errorf("%w: --vpc-id needs --region", cli.ErrUsage)
	case *vpc != "":
		spec.Scope = &lbc.Scope{Region: *region, VpcID: *vpc, Account: *account}
	case *region != "" || *account != "":
		return fmt.Errorf("%w: --region and --account scope the policy together with --vpc-id", cli.ErrUsage)
	}
	doc, err := lbc.PolicyDocument(spec)
	if err != nil {
		return fmt.Errorf("%w: %w", cli.ErrUsage, err)
	}
	var out []byte
	if *indent {
		out, err = doc.Indent()
	} else {
		out, err = doc.Marshal()
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, string(out))
	return err
}

func runLBCValues(e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "lbc values")
	var spec lbc.ValuesSpec
	fs.StringVar(&spec.ClusterName, "cluster-name", "", "EKS cluster name (required)")
	fs.StringVar(&spec.Region, "region", "", "the cluster's region (required)")
	fs.StringVar(&spec.VpcID, "vpc-id", "", "the cluster's VPC (required)")
	fs.StringVar(&spec.Version, "version", lbc.DefaultVersion, "controller version (image tag)")
	fs.BoolVar(&spec.Fargate, "fargate", true, "pods run on Fargate (ip targets)")
	image := fs.String("image", "", "image source: public or regional (default: public in aws, regional in aws-cn and aws-us-gov)")
	fs.IntVar(&spec.Replicas, "replicas", lbc.DefaultReplicas, "controller replicas")
	sa := fs.String("service-account", lbc.DefaultServiceAccount, "existing IRSA ServiceAccount (\"\" lets the chart create one)")
	cli.Examples(fs, "--cluster-name C --region R --vpc-id VPC [--version V] [--fargate=false] [--image public|regional] [--replicas N]",
		"fargatekit lbc values --cluster-name demo --region eu-west-1 --vpc-id vpc-0abc1234 > values.yaml",
		"fargatekit lbc values --cluster-name demo --region cn-north-1 --vpc-id vpc-0abc1234 --image regional --replicas 1")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	spec.Image, spec.ServiceAccountName = lbc.ImageSource(*image), *sa
	vals, err := lbc.Values(spec)
	if err != nil {
		return fmt.Errorf("%w: %w", cli.ErrUsage, err)
	}
	out, err := yaml.Marshal(vals)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}

func runLBCSubnets(ctx context.Context, e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "lbc subnets")
	vpc := fs.String("vpc-id", "", "the VPC to check (required)")
	cluster := fs.String("cluster-name", "", "the cluster: subnets tagged only for other clusters are skipped, its own preferred")
	region := fs.String("region", "", "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's; never guessed)")
	profile := fs.String("profile", "", "AWS profile")
	cli.Examples(fs, "--vpc-id VPC [--cluster-name C] [--region R] [--profile P]",
		"fargatekit lbc subnets --vpc-id vpc-0abc1234 --cluster-name demo --region eu-west-1")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *vpc == "" {
		return fmt.Errorf("%w: --vpc-id is required", cli.ErrUsage)
	}
	cfg, err := loadAWS(ctx, e, *profile, *region)
	if err != nil {
		return err
	}
	if cfg.Region == "" {
		return fmt.Errorf("%w: no region: set --region, AWS_REGION or the profile's region", cli.ErrUsage)
	}
	var so []lbc.SubnetOption
	if *cluster != "" {
		so = append(so, lbc.ForCluster(*cluster))
	}
	report, err := lbc.CheckSubnets(ctx, ec2.NewFromConfig(cfg), *vpc, so...)
	if err != nil {
		return err
	}
	printSubnetReport(e, report)
	if len(report.Problems()) > 0 {
		return errSubnetProblems
	}
	return nil
}

func printSubnetReport(e *env, r *lbc.SubnetReport) {
	fmt.Fprintf(e.stdout, "%-26s %-16s %-8s %-24s %s\n", "SUBNET", "ZONE", "KIND", "ROUTE TABLE", "NOT DISCOVERED BECAUSE")
	for _, s := range r.Subnets {
		kind, rt := "private", s.RouteTableID
		if s.Public {
			kind = "public"
		}
		if s.MainRouteTable {
			rt += " (main)"
		}
		reason := s.Reason()
		if reason == "" {
			reason = "-"
		}
		fmt.Fprintf(e.stdout, "%-26s %-16s %-8s %-24s %s\n", s.ID, s.AvailabilityZone, kind, rt, reason)
	}
	for _, d := range []lbc.Discovery{r.InternetFacing, r.Internal} {
		how := "by tag " + d.RoleTag
		if d.ByReachability {
			how = "by route table (no subnet has " + d.RoleTag + ")"
		}
		fmt.Fprintf(e.stdout, "%s: %s: %s\n", d.Scheme, how, strings.Join(d.Chosen, " "))
	}
	for _, p := range r.Problems() {
		fmt.Fprintln(e.stdout, "problem:", p)
	}
}

func runLBCTeardown(ctx context.Context, e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "lbc teardown")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig file (default: KUBECONFIG, else ~/.kube/config)")
	var namespaces cli.MultiFlag
	fs.Var(&namespaces, "namespace", "only delete managed objects in this namespace (repeatable; default all); the controller is then kept")
	release := fs.String("release", lbc.ReleaseName, "the controller's Helm release")
	releaseNS := fs.String("release-namespace", lbc.DefaultNamespace, "the controller's namespace")
	timeout := fs.Duration("timeout", 15*time.Minute, "give up (and keep the controller) after this long")
	skip := fs.Bool("skip-uninstall", false, "delete the managed objects but keep the controller (a --namespace run always keeps it)")
	cluster := fs.String("cluster-name", "", "after the teardown, report load balancers and target groups still tagged for this cluster (lbc sweep)")
	region := fs.String("region", "", "with --cluster-name: AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's)")
	profile := fs.String("profile", "", "with --cluster-name: AWS profile")
	cli.Examples(fs, "[--kubeconfig K] [--namespace NS ...] [--release-namespace NS] [--timeout D] [--skip-uninstall] [--cluster-name C [--region R] [--profile P]]",
		"fargatekit lbc teardown --cluster-name demo --region eu-west-1   # before pulumi destroy: no orphaned load balancers",
		"fargatekit lbc teardown --namespace shop --timeout 5m   # only shop's Ingresses, Services and routes; the controller stays")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if *kubeconfig != "" {
		rules.ExplicitPath = *kubeconfig
	} else if k := e.getenv("KUBECONFIG"); k != "" {
		rules.Precedence = strings.Split(k, ":")
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := lbc.Teardown(ctx, cfg, lbc.TeardownOptions{Namespaces: namespaces, ReleaseName: *release,
		ReleaseNamespace: *releaseNS, SkipUninstall: *skip, Logger: e.log}); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "teardown complete")
	if *cluster == "" {
		return nil
	}
	return sweep(ctx, e, *cluster, *profile, *region, false)
}

// errLeftovers is returned by "lbc sweep" (and teardown --cluster-name)
// when tagged resources remain (exit code 1, after the report is printed).
var errLeftovers = errors.New("load balancers or target groups tagged for the cluster remain")

func runLBCSweep(ctx context.Context, e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "lbc sweep")
	cluster := fs.String("cluster-name", "", "the cluster whose elbv2.k8s.aws/cluster tag to look for (required)")
	del := fs.Bool("delete", false, "delete what is found (load balancers, then target groups); without it only report")
	region := fs.String("region", "", "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's; never guessed)")
	profile := fs.String("profile", "", "AWS profile")
	timeout := fs.Duration("timeout", 10*time.Minute, "with --delete: give up on target groups still in use after this long")
	cli.Examples(fs, "--cluster-name C [--delete] [--region R] [--profile P] [--timeout D]",
		"fargatekit lbc sweep --cluster-name demo --region eu-west-1            # report what is left",
		"fargatekit lbc sweep --cluster-name demo --region eu-west-1 --delete   # and delete it")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *cluster == "" {
		return fmt.Errorf("%w: --cluster-name is required", cli.ErrUsage)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	return sweep(ctx, e, *cluster, *profile, *region, *del)
}

// sweep runs lbc.Sweep and prints what it found: one line per resource,
// "deleted" or "left".
func sweep(ctx context.Context, e *env, cluster, profile, region string, del bool) error {
	cfg, err := loadAWS(ctx, e, profile, region)
	if err != nil {
		return err
	}
	if cfg.Region == "" {
		return fmt.Errorf("%w: no region: set --region, AWS_REGION or the profile's region", cli.ErrUsage)
	}
	report, err := lbc.Sweep(ctx, elasticloadbalancingv2.NewFromConfig(cfg), cluster, lbc.SweepOptions{Delete: del, Logger: e.log})
	if report != nil {
		for _, r := range report.Resources {
			state := "left"
			if r.Deleted {
				state = "deleted"
			}
			fmt.Fprintf(e.stdout, "%-8s %s  %s\n", state, r, r.ARN)
		}
		fmt.Fprintf(e.stdout, "%d tagged %s=%s in %s, %d remaining\n", len(report.Resources), lbc.ClusterTagKey, cluster, cfg.Region, len(report.Remaining()))
	}
	if err != nil {
		return err
	}
	if len(report.Remaining()) > 0 {
		return errLeftovers
	}
	return nil
}
