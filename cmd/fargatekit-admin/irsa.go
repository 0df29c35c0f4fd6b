package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/internal/textout"
	"github.com/fargatekit/fargatekit/sdk/irsa"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// errNotAdmitted is returned by "irsa verify" when a link of an IRSA chain is
// broken (exit code 1, after the links are printed).
var errNotAdmitted = errors.New("IRSA chain broken")

// runIRSA dispatches "irsa trust-policy", "irsa verify" and "irsa create".
func runIRSA(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: irsa needs a subcommand: trust-policy, verify or create", cli.ErrUsage)
	}
	switch args[0] {
	case "trust-policy":
		return runIRSATrustPolicy(e, args[1:])
	case "verify":
		return runIRSAVerify(ctx, e, args[1:])
	case "create":
		return runIRSACreate(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, "usage: fargatekit irsa trust-policy --provider-arn ARN --sa ns/name [--sa ...] [--allow-cross-namespace-wildcard] [--max-size N]\n"+
			"       fargatekit irsa verify --sa ns/name [--sa ...] [--role-arn ARN | --policy-file F] [--kubeconfig K] [--provider-arn ARN] [--region R] [--skip-signature]\n"+
			"       fargatekit irsa create --cluster C --namespace N --name SA --attach-policy-arn ARN [...] [--role-name R] [--kubeconfig K | --context C]\n"+
			"\"fargatekit irsa <subcommand> -h\" shows examples.")
		return nil
	}
	return fmt.Errorf("%w: unknown irsa subcommand %q (trust-policy, verify, create)", cli.ErrUsage, args[0])
}

// parseAccounts parses the --sa values.
func parseAccounts(values []string) ([]irsa.ServiceAccount, error) {
	if len(values) == 0 {
		return nil, fmt.Errorf("%w: at least one --sa namespace/name is required", cli.ErrUsage)
	}
	var out []irsa.ServiceAccount
	var errs []error
	for _, v := range values {
		sa, err := irsa.ParseServiceAccount(v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, sa)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: %w", cli.ErrUsage, err)
	}
	return out, nil
}

// runIRSATrustPolicy prints the trust policy for service accounts of one cluster.
func runIRSATrustPolicy(e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "irsa trust-policy")
	providerARN := fs.String("provider-arn", "", "the cluster's IAM OIDC provider ARN (required)")
	var accounts cli.MultiFlag
	fs.Var(&accounts, "sa", "service account namespace/name (repeatable; * and ? allowed in the name)")
	crossNS := fs.Bool("allow-cross-namespace-wildcard", false, "allow * and ? in namespaces")
	maxSize := fs.Int("max-size", 0, fmt.Sprintf("the account's trust-policy quota (default %d, at most %d)", irsa.DefaultMaxTrustPolicySize, irsa.MaxTrustPolicySizeLimit))
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", cli.ErrUsage, fs.Args())
	}
	if *providerARN == "" {
		return fmt.Errorf("%w: --provider-arn is required", cli.ErrUsage)
	}
	sas, err := parseAccounts(accounts)
	if err != nil {
		return err
	}
	doc, err := irsa.TrustSpec{AllowCrossNamespaceWildcard: *crossNS, MaxSize: *maxSize,
		Providers: []irsa.ProviderAccounts{{ProviderARN: *providerARN, ServiceAccounts: sas}}}.Document()
	if errors.Is(err, irsa.ErrInvalidSpec) {
		return fmt.Errorf("%w: %w", cli.ErrUsage, err)
	}
	if err != nil {
		return err
	}
	out, err := doc.Indent()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", out)
	return err
}

// runIRSAVerify checks each service account's whole IRSA chain (irsa.VerifyChain):
// the ServiceAccount and its role annotation, the role and its trust policy
// against a real token, the OIDC provider and its client ID. With
// --policy-file it evaluates that policy offline instead (no AWS call).
func runIRSAVerify(ctx context.Context, e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "irsa verify")
	roleARN := fs.String("role-arn", "", "the role the service accounts must be annotated with (default: the role each annotation names)")
	policyFile := fs.String("policy-file", "", "evaluate this trust policy offline instead of the role's (no AWS call: the role and OIDC provider are not checked)")
	var accounts cli.MultiFlag
	fs.Var(&accounts, "sa", "service account namespace/name (repeatable)")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config)")
	providerARN := fs.String("provider-arn", "", "the OIDC provider the policy must name (default: the trust policy's provider for the token's issuer)")
	region := fs.String("region", "", "AWS region for the IAM client (default: the AWS configuration's; never guessed)")
	profile := fs.String("profile", "", "AWS profile")
	skipSig := fs.Bool("skip-signature", false, "do not check the token's signature against the API server's keys (/openid/v1/jwks)")
	assumeRole := fs.Bool("assume", false, "also exchange the real token for the role's credentials with sts:AssumeRoleWithWebIdentity (the end-to-end proof; the credentials are discarded)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: fargatekit irsa verify --sa ns/name [--sa ...] [--role-arn ARN | --policy-file F] [flags]\n\n"+
			"examples:\n"+
			"  fargatekit irsa verify --sa kube-system/aws-load-balancer-controller --region eu-west-1\n"+
			"  fargatekit irsa verify --sa apps/web --role-arn arn:aws:iam::123456789012:role/web --region eu-west-1\n"+
			"  fargatekit irsa verify --sa apps/web --assume --region eu-west-1        # and ask STS itself\n"+
			"  fargatekit irsa verify --sa apps/web --policy-file trust.json   # offline: no AWS call\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", cli.ErrUsage, fs.Args())
	}
	if *roleARN != "" && *policyFile != "" {
		return fmt.Errorf("%w: give at most one of --role-arn and --policy-file", cli.ErrUsage)
	}
	if *assumeRole && *policyFile != "" {
		return fmt.Errorf("%w: --assume asks STS, --policy-file is offline: give one", cli.ErrUsage)
	}
	sas, err := parseAccounts(accounts)
	if err != nil {
		return err
	}
	opts := irsa.ChainOptions{RoleARN: *roleARN, VerifyOptions: irsa.VerifyOptions{ProviderARN: *providerARN, SkipSignature: *skipSig}}
	var api irsa.ChainAPI
	if *policyFile != "" {
		b, err := os.ReadFile(*policyFile)
		if err != nil {
			return err
		}
		opts.Policy = string(b)
	} else {
		cfg, err := loadAWS(ctx, e, *profile, *region)
		if err != nil {
			return err
		}
		if cfg.Region == "" {
			return fmt.Errorf("%w: --region: no AWS region configured: pass --region or set AWS_REGION (fargatekit never guesses one)", cli.ErrUsage)
		}
		api = awsiam.NewFromConfig(cfg)
		if *assumeRole {
			opts.STS = sts.NewFromConfig(cfg)
		}
	}
	cs, err := kubeClient(e, *kubeconfig)
	if err != nil {
		return err
	}
	var broken []error
	for _, sa := range sas {
		res, err := irsa.VerifyChain(ctx, cs, api, sa, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s (role %s):\n%s\n", sa, orNone(res.RoleARN), strings.TrimSuffix(textout.Indent(res.String()+"\n", "  "), "\n"))
		if err := res.Err(); err != nil {
			broken = append(broken, err)
		}
	}
	if len(broken) > 0 {
		return fmt.Errorf("%w: %w", errNotAdmitted, errors.Join(broken...))
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// kubeClient builds a clientset from --kubeconfig, else $KUBECONFIG (a
// path list), else ~/.kube/config.
func kubeClient(e *env, path string) (kubernetes.Interface, error) {
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: path}
	if path == "" {
		if env := e.getenv("KUBECONFIG"); env != "" {
			rules.Precedence = filepath.SplitList(env)
		} else {
			rules.Precedence = []string{clientcmd.RecommendedHomeFile}
		}
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	return kubernetes.NewForConfig(cfg)
}

// runIRSACreate is eksctl's create iamserviceaccount in one step: the role,
// its trust for the service account, its policy attachments and the
// annotated ServiceAccount (irsa.EnsureServiceAccountRole).
func runIRSACreate(ctx context.Context, e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "irsa create")
	t := &authmapTarget{}
	t.registerConnection(fs, "EKS cluster (required): its OIDC provider, and its endpoint with a native token unless --kubeconfig or --context is given")
	namespace := fs.String("namespace", "", "the ServiceAccount's namespace (required)")
	name := fs.String("name", "", "the ServiceAccount's name (required)")
	roleName := fs.String("role-name", "", "the role's name (default irsa-<namespace>-<name>)")
	providerARN := fs.String("provider-arn", "", "the cluster's IAM OIDC provider (default: derived from the cluster's issuer)")
	var policies, remove cli.MultiFlag
	fs.Var(&policies, "attach-policy-arn", "managed policy to attach (repeatable)")
	fs.Var(&remove, "detach-policy-arn", "managed policy to detach (repeatable; others' attachments are kept otherwise)")
	boundary := fs.String("permissions-boundary", "", "permissions boundary policy ARN")
	authoritative := fs.Bool("authoritative", false, "detach, delete and untag what the flags do not name (default: keep what other tools added)")
	regional := fs.Bool("sts-regional-endpoints", false, "annotate eks.amazonaws.com/sts-regional-endpoints: \"true\"")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: fargatekit irsa create --cluster C --namespace N --name SA --attach-policy-arn ARN [...] [flags]\n\n"+
			"examples:\n"+
			"  fargatekit irsa create --cluster prod --region eu-west-1 --namespace reports --name writer \\\n"+
			"      --attach-policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n"+
			"  fargatekit irsa create --cluster prod --region eu-west-1 --namespace reports --name writer --context prod-admin \\\n"+
			"      --role-name reports-writer --attach-policy-arn arn:aws:iam::123456789012:policy/reports\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", cli.ErrUsage, fs.Args())
	}
	var missing []error
	for _, f := range []struct{ flag, v string }{{"namespace", *namespace}, {"name", *name}} {
		if f.v == "" {
			missing = append(missing, flagErr(f.flag, "is required"))
		}
	}
	if t.cluster == "" && *providerARN == "" {
		missing = append(missing, flagErr("cluster", "is required (or --provider-arn with --kubeconfig/--context)"))
	}
	if err := errors.Join(missing...); err != nil {
		return err
	}
	spec := irsa.ServiceAccountRoleSpec{
		ServiceAccount: irsa.ServiceAccount{Namespace: *namespace, Name: *name}, ProviderARN: *providerARN, RoleName: *roleName,
		PolicyARNs: policies, PermissionsBoundary: *boundary, Authoritative: *authoritative,
		Remove: irsa.RoleRemovals{PolicyARNs: remove}, Annotate: irsa.AnnotateOptions{RegionalSTSEndpoints: *regional},
	}
	if spec.ProviderARN == "" {
		spec.ProviderARN = irsaProviderPlaceholder
	}
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("%w: %w", cli.ErrUsage, err)
	}
	cfg, err := t.aws(ctx, e)
	if err != nil {
		return err
	}
	if *providerARN == "" {
		if spec.ProviderARN, err = clusterProviderARN(ctx, e.eksClient(cfg), t.cluster); err != nil {
			return err
		}
	} else {
		spec.ProviderARN = *providerARN
	}
	cs, err := t.clientset(ctx, e)
	if err != nil {
		return err
	}
	res, err := irsa.EnsureServiceAccountRole(ctx, awsiam.NewFromConfig(cfg), cs, spec, irsa.Options{Logger: e.log})
	if err != nil {
		return err
	}
	verb := "up to date"
	switch {
	case res.Role.Created:
		verb = "created"
	case len(res.Role.Changes) > 0:
		verb = "updated"
	}
	fmt.Fprintf(e.stdout, "role %s %s (%d changes)\n", res.Role.ARN, verb, len(res.Role.Changes))
	for _, c := range res.Role.Changes {
		fmt.Fprintf(e.stdout, "  %s\n", c)
	}
	fmt.Fprintf(e.stdout, "serviceaccount %s annotated %s=%s\n", spec.ServiceAccount, irsa.AnnotationRoleARN, res.Role.ARN)
	return nil
}

// irsaProviderPlaceholder stands in for the provider ARN while the flags are
// checked, before the cluster is described.
const irsaProviderPlaceholder = "arn:aws:iam::000000000000:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/PLACEHOLDER"

// clusterProviderARN derives the IAM OIDC provider ARN of an EKS cluster
// from its issuer and the account and partition of its ARN.
func clusterProviderARN(ctx context.Context, api kubeauth.EKSDescriber, cluster string) (string, error) {
	out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: &cluster})
	if err != nil {
		return "", fmt.Errorf("describe cluster %s: %w", cluster, err)
	}
	c := out.Cluster
	if c == nil || c.Identity == nil || c.Identity.Oidc == nil || aws.ToString(c.Identity.Oidc.Issuer) == "" {
		return "", fmt.Errorf("cluster %s has no OIDC issuer", cluster)
	}
	a, err := arn.Parse(aws.ToString(c.Arn))
	if err != nil {
		return "", fmt.Errorf("cluster %s: ARN %q: %w", cluster, aws.ToString(c.Arn), err)
	}
	return irsa.ProviderARNFromIssuer(a.Partition, a.AccountID, aws.ToString(c.Identity.Oidc.Issuer))
}
