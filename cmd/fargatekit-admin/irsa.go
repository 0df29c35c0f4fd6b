package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

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
		return cli.Errorf("irsa needs a subcommand: trust-policy, verify or create (\"fargatekit irsa -h\" lists them)")
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
			"       fargatekit irsa verify --sa ns/name [--sa ...] [--role-arn ARN | --policy-file F] [--kubeconfig K [--context C] | --cluster C] [--provider-arn ARN] [--region R] [--assume] [--skip-signature]\n"+
			"       fargatekit irsa create --cluster C --namespace N --name SA --attach-policy-arn ARN [...] [--role-name R] [--kubeconfig K | --context C]\n"+
			"\"fargatekit irsa <subcommand> -h\" shows examples.")
		return nil
	}
	return cli.Errorf("unknown irsa subcommand %q (trust-policy, verify, create)", args[0])
}

// parseAccounts parses the --sa values.
func parseAccounts(values []string) ([]irsa.ServiceAccount, error) {
	if len(values) == 0 {
		return nil, flagErr("sa", "required: at least one namespace/name")
	}
	var out []irsa.ServiceAccount
	var errs []error
	for _, v := range values {
		sa, err := irsa.ParseServiceAccount(v)
		if err != nil {
			errs = append(errs, flagErr("sa", "%v", err))
			continue
		}
		out = append(out, sa)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
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
	cli.Examples(fs, "--provider-arn ARN --sa ns/name [--sa ...] [--allow-cross-namespace-wildcard] [--max-size N]",
		"fargatekit irsa trust-policy --provider-arn arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE --sa apps/web",
		"fargatekit irsa trust-policy --provider-arn arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE --sa ci/runner-* --sa ci/cache",
		"fargatekit irsa trust-policy --provider-arn arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE --sa 'team-*/deployer' --allow-cross-namespace-wildcard")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Errorf("unexpected arguments %q (flags take --name value)", fs.Args())
	}
	if *providerARN == "" {
		return flagErr("provider-arn", "required: the cluster's IAM OIDC provider ARN (fargatekit irsa create --cluster derives it)")
	}
	sas, err := parseAccounts(accounts)
	if err != nil {
		return err
	}
	doc, err := irsa.TrustSpec{AllowCrossNamespaceWildcard: *crossNS, MaxSize: *maxSize,
		Providers: []irsa.ProviderAccounts{{ProviderARN: *providerARN, ServiceAccounts: sas}}}.Document()
	if errors.Is(err, irsa.ErrInvalidSpec) {
		return irsaSpecError(err, "sa")
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
	t := &authmapTarget{}
	t.registerConnection(fs, "EKS cluster: connect with its endpoint and a native token (instead of a kubeconfig)")
	providerARN := fs.String("provider-arn", "", "the OIDC provider the policy must name (default: the trust policy's provider for the token's issuer)")
	skipSig := fs.Bool("skip-signature", false, "do not check the token's signature against the API server's keys (/openid/v1/jwks)")
	assumeRole := fs.Bool("assume", false, "also exchange the real token for the role's credentials with sts:AssumeRoleWithWebIdentity (the end-to-end proof; the credentials are discarded)")
	cli.Examples(fs, "--sa ns/name [--sa ...] [--role-arn ARN | --policy-file F] [flags]",
		"fargatekit irsa verify --sa kube-system/aws-load-balancer-controller --region eu-west-1",
		"fargatekit irsa verify --sa apps/web --role-arn arn:aws:iam::123456789012:role/web --region eu-west-1",
		"fargatekit irsa verify --sa apps/web --assume --region eu-west-1        # and ask STS itself",
		"fargatekit irsa verify --sa apps/web --context prod --region eu-west-1",
		"fargatekit irsa verify --sa apps/web --cluster prod --region eu-west-1   # no kubeconfig: EKS endpoint, native token",
		"fargatekit irsa verify --sa apps/web --policy-file trust.json   # offline: no AWS call")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Errorf("unexpected arguments %q (flags take --name value)", fs.Args())
	}
	if *roleARN != "" && *policyFile != "" {
		return flagErr("policy-file", "conflicts with --role-arn: give at most one")
	}
	if *assumeRole && *policyFile != "" {
		return flagErr("assume", "asks STS, --policy-file is offline: give one")
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
		cfg, err := t.aws(ctx, e)
		if err != nil {
			return err
		}
		api = awsiam.NewFromConfig(cfg)
		if *assumeRole {
			opts.STS = sts.NewFromConfig(cfg)
		}
	}
	cs, err := t.clientset(ctx, e)
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
	cli.Examples(fs, "--cluster C --namespace N --name SA --attach-policy-arn ARN [...] [flags]",
		"fargatekit irsa create --cluster prod --region eu-west-1 --namespace reports --name writer \\\n"+
			"      --attach-policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
		"fargatekit irsa create --cluster prod --region eu-west-1 --namespace reports --name writer --context prod-admin \\\n"+
			"      --role-name reports-writer --attach-policy-arn arn:aws:iam::123456789012:policy/reports")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Errorf("unexpected arguments %q (flags take --name value)", fs.Args())
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
		return irsaSpecError(err, "role-name")
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

// irsaSpecError names the flag of each problem an irsa spec refused (exit
// code 2): the provider, the service accounts, the quota, or otherwise
// other (the role's flags of irsa create).
func irsaSpecError(err error, other string) error {
	var errs []error
	for _, p := range unjoin(err) {
		flag := other
		switch {
		case errors.Is(p, irsa.ErrInvalidProviderARN), errors.Is(p, irsa.ErrInvalidIssuer):
			flag = "provider-arn"
		case errors.Is(p, irsa.ErrCrossNamespaceWildcard):
			errs = append(errs, flagErr("sa", "%v (add --allow-cross-namespace-wildcard to mean it)", p))
			continue
		case errors.Is(p, irsa.ErrInvalidServiceAccount), errors.Is(p, irsa.ErrNoServiceAccounts), errors.Is(p, irsa.ErrDuplicate):
			flag = "sa"
		case errors.Is(p, irsa.ErrInvalidMaxSize):
			flag = "max-size"
		}
		errs = append(errs, flagErr(flag, "%v", p))
	}
	return errors.Join(errs...)
}

// unjoin returns the errors an errors.Join holds (nested ones flattened),
// or err alone. (fmt.Errorf with two %w also unwraps to a list, but its
// message is not the list's, one a line: it stays whole.)
func unjoin(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var msgs []string
	for _, e := range j.Unwrap() {
		msgs = append(msgs, e.Error())
	}
	if strings.Join(msgs, "\n") != err.Error() {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, unjoin(e)...)
	}
	return out
}
