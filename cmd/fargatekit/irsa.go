package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/sdk/irsa"
)

// errNotAdmitted is returned by "irsa verify" when the policy does not admit
// the token (exit code 1, after the explanation is printed).
var errNotAdmitted = errors.New("the trust policy does not admit the service account's token")

// runIRSA dispatches "irsa trust-policy" and "irsa verify".
func runIRSA(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: irsa needs a subcommand: trust-policy or verify", errUsage)
	}
	switch args[0] {
	case "trust-policy":
		return runIRSATrustPolicy(e, args[1:])
	case "verify":
		return runIRSAVerify(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, "usage: fargatekit irsa trust-policy --provider-arn ARN --sa ns/name [--sa ...] [--allow-cross-namespace-wildcard] [--max-size N]\n"+
			"       fargatekit irsa verify (--role-arn ARN | --policy-file F) --sa ns/name [--sa ...] [--kubeconfig K] [--provider-arn ARN] [--region R] [--skip-signature]")
		return nil
	}
	return fmt.Errorf("%w: unknown irsa subcommand %q (trust-policy, verify)", errUsage, args[0])
}

// parseAccounts parses the --sa values.
func parseAccounts(values []string) ([]irsa.ServiceAccount, error) {
	if len(values) == 0 {
		return nil, fmt.Errorf("%w: at least one --sa namespace/name is required", errUsage)
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
		return nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	return out, nil
}

// runIRSATrustPolicy prints the trust policy for service accounts of one cluster.
func runIRSATrustPolicy(e *env, args []string) error {
	fs := newFlags(e, "irsa trust-policy")
	providerARN := fs.String("provider-arn", "", "the cluster's IAM OIDC provider ARN (required)")
	var accounts multiFlag
	fs.Var(&accounts, "sa", "service account namespace/name (repeatable; * and ? allowed in the name)")
	crossNS := fs.Bool("allow-cross-namespace-wildcard", false, "allow * and ? in namespaces")
	maxSize := fs.Int("max-size", 0, fmt.Sprintf("the account's trust-policy quota (default %d, at most %d)", irsa.DefaultMaxTrustPolicySize, irsa.MaxTrustPolicySizeLimit))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *providerARN == "" {
		return fmt.Errorf("%w: --provider-arn is required", errUsage)
	}
	sas, err := parseAccounts(accounts)
	if err != nil {
		return err
	}
	doc, err := irsa.TrustSpec{AllowCrossNamespaceWildcard: *crossNS, MaxSize: *maxSize,
		Providers: []irsa.ProviderAccounts{{ProviderARN: *providerARN, ServiceAccounts: sas}}}.Document()
	if errors.Is(err, irsa.ErrInvalidSpec) {
		return fmt.Errorf("%w: %w", errUsage, err)
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

// runIRSAVerify asks the cluster for each service account's token and
// evaluates the trust policy (from a file or from the role in IAM) against it.
func runIRSAVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "irsa verify")
	roleARN := fs.String("role-arn", "", "read the trust policy of this IAM role (AWS credentials and a region needed)")
	policyFile := fs.String("policy-file", "", "read the trust policy from this file")
	var accounts multiFlag
	fs.Var(&accounts, "sa", "service account namespace/name (repeatable)")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig file (default $KUBECONFIG, then ~/.kube/config)")
	providerARN := fs.String("provider-arn", "", "the OIDC provider the policy must name (default: any provider of the token's issuer)")
	region := fs.String("region", "", "AWS region for the IAM client (default: the AWS configuration's; never guessed)")
	skipSig := fs.Bool("skip-signature", false, "do not check the token's signature against the API server's keys (/openid/v1/jwks)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if (*roleARN == "") == (*policyFile == "") {
		return fmt.Errorf("%w: give exactly one of --role-arn and --policy-file", errUsage)
	}
	sas, err := parseAccounts(accounts)
	if err != nil {
		return err
	}
	policy, err := readTrustPolicy(ctx, e, *roleARN, *policyFile, *region)
	if err != nil {
		return err
	}
	cs, err := kubeClient(e, *kubeconfig)
	if err != nil {
		return err
	}
	admitted := true
	for _, sa := range sas {
		res, err := irsa.Verify(ctx, cs, sa, policy, irsa.VerifyOptions{ProviderARN: *providerARN, SkipSignature: *skipSig})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", sa, res)
		admitted = admitted && res.Admitted
	}
	if !admitted {
		return errNotAdmitted
	}
	return nil
}

// readTrustPolicy reads the policy from the file, or from IAM for the role.
func readTrustPolicy(ctx context.Context, e *env, roleARN, file, region string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	cfg, err := loadAWS(ctx, e, "", region)
	if err != nil {
		return "", err
	}
	if cfg.Region == "" {
		return "", fmt.Errorf("%w: no AWS region configured: pass --region or set AWS_REGION (fargatekit never guesses one)", errUsage)
	}
	return irsa.GetTrustPolicy(ctx, awsiam.NewFromConfig(cfg), roleARN)
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
