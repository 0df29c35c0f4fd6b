// Command sdk-tool is fargatekit without Pulumi: a plain Go program on the SDK
// functions. See README.md.
//
//	sdk-tool trust-policy --provider-arn ARN --sa NS/NAME...       offline
//	sdk-tool aws-auth --kubeconfig PATH list|add-role|remove ...   any Kubernetes API server
//	sdk-tool token --cluster NAME --region R                        AWS credentials (signs locally)
//	sdk-tool kubeconfig --cluster NAME --region R                   AWS: eks:DescribeCluster
//	sdk-tool ensure-role --name N --provider-arn ARN --sa NS/NAME   AWS: IAM
//	sdk-tool subnets --vpc-id VPC --region R [--cluster NAME]       AWS: ec2:Describe*
//
// Nothing defaults a region: the AWS commands need --region (or AWS_REGION).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"github.com/fargatekit/fargatekit/sdk/irsa"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

const usage = `usage: sdk-tool <command> [flags]

offline:
  trust-policy --provider-arn ARN --sa NS/NAME...      render an IRSA trust policy
any Kubernetes API server (--kubeconfig, e.g. the one integration/kube/up.sh prints):
  aws-auth --kubeconfig PATH [--namespace NS] list
  aws-auth --kubeconfig PATH add-role ARN USERNAME [GROUP...]
  aws-auth --kubeconfig PATH remove ARN
AWS (credentials from the usual chain, and --region or AWS_REGION: never defaulted):
  token --cluster NAME                                 an EKS token (signed locally, no call)
  kubeconfig --cluster NAME                            a kubeconfig (eks:DescribeCluster)
  ensure-role --name N --provider-arn ARN --sa NS/NAME [--policy-arn ARN...]   create or converge an IRSA role
  subnets --vpc-id VPC [--cluster NAME]                which subnets lack the load-balancer tags
`

// errUsage marks a caller's mistake.
var errUsage = errors.New("usage")

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Getenv, loadAWS); err != nil {
		fmt.Fprintln(os.Stderr, "sdk-tool:", err)
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// awsClients are the AWS APIs the commands call: the SDK's clients, or fakes
// in tests.
type awsClients struct {
	credentials aws.CredentialsProvider
	iam         irsa.RoleAPI
	ec2         lbc.EC2API
	eks         kubeauth.EKSDescriber
}

// loadAWS builds the clients from the default credential chain, in region.
func loadAWS(ctx context.Context, region string) (awsClients, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
	if err != nil {
		return awsClients{}, err
	}
	return awsClients{credentials: cfg.Credentials, iam: iam.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), eks: eks.NewFromConfig(cfg)}, nil
}

// run dispatches one command; newAWS is called only by the commands that
// need AWS, once the region is known.
func run(ctx context.Context, args []string, w io.Writer, getenv func(string) string,
	newAWS func(ctx context.Context, region string) (awsClients, error)) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command", errUsage)
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var sas, policyARNs multi
	providerARN := fs.String("provider-arn", "", "IAM OIDC provider ARN")
	fs.Var(&sas, "sa", "service account NS/NAME (repeatable)")
	kubeconfig := fs.String("kubeconfig", getenv("KUBECONFIG"), "kubeconfig of the API server")
	namespace := fs.String("namespace", authmap.DefaultNamespace, "namespace of aws-auth")
	cluster := fs.String("cluster", "", "EKS cluster name")
	region := fs.String("region", firstOf(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION")), "AWS region (required for AWS commands)")
	name := fs.String("name", "", "IAM role name")
	fs.Var(&policyARNs, "policy-arn", "managed policy to attach (repeatable)")
	vpcID := fs.String("vpc-id", "", "VPC ID")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	rest := fs.Args()

	switch args[0] {
	case "trust-policy":
		policy, err := trustPolicy(*providerARN, sas)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, policy)
		return err
	case "aws-auth":
		return awsAuth(ctx, w, *kubeconfig, *namespace, rest)
	}

	// The rest needs AWS.
	if *region == "" {
		return fmt.Errorf("%s needs an AWS region: pass --region or set AWS_REGION (sdk-tool never defaults one)", args[0])
	}
	switch args[0] {
	case "token", "kubeconfig", "ensure-role", "subnets":
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	api, err := newAWS(ctx, *region)
	if err != nil {
		return fmt.Errorf("%s needs AWS credentials: %w", args[0], err)
	}
	switch args[0] {
	case "token":
		if *cluster == "" {
			return fmt.Errorf("%w: token needs --cluster", errUsage)
		}
		tok, err := kubeauth.GetToken(ctx, kubeauth.TokenOptions{ClusterName: *cluster, Region: *region, Credentials: api.credentials})
		if err != nil {
			return err
		}
		_, err = w.Write(ekstoken.MarshalExecCredential(tok, kubeauth.ExecAPIVersion))
		return err
	case "kubeconfig":
		if *cluster == "" {
			return fmt.Errorf("%w: kubeconfig needs --cluster", errUsage)
		}
		info, err := kubeauth.DescribeCluster(ctx, api.eks, *cluster)
		if err != nil {
			return err
		}
		out, err := kubeauth.RenderKubeconfig(kubeauth.KubeconfigSpec{ClusterName: info.Name, ClusterARN: info.ARN,
			Endpoint: info.Endpoint, CAData: info.CAData, Region: *region})
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, out)
		return err
	case "ensure-role":
		return ensureRole(ctx, w, api.iam, *name, *providerARN, sas, policyARNs)
	case "subnets":
		return subnets(ctx, w, api.ec2, *vpcID, *cluster)
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

// trustPolicy renders the IRSA trust policy of the service accounts.
func trustPolicy(providerARN string, sas []string) (string, error) {
	accounts, err := parseSAs(sas)
	if err != nil {
		return "", err
	}
	return irsa.TrustPolicy(providerARN, accounts...)
}

func parseSAs(sas []string) ([]irsa.ServiceAccount, error) {
	if len(sas) == 0 {
		return nil, fmt.Errorf("%w: at least one --sa NS/NAME", errUsage)
	}
	var out []irsa.ServiceAccount
	for _, s := range sas {
		sa, err := irsa.ParseServiceAccount(s)
		if err != nil {
			return nil, err
		}
		out = append(out, sa)
	}
	return out, nil
}

// awsAuth lists or edits aws-auth with authmap's safe read-modify-write.
func awsAuth(ctx context.Context, w io.Writer, kubeconfig, namespace string, args []string) error {
	if kubeconfig == "" {
		return fmt.Errorf("%w: aws-auth needs --kubeconfig (or KUBECONFIG)", errUsage)
	}
	if len(args) == 0 {
		return fmt.Errorf("%w: aws-auth needs list, add-role or remove", errUsage)
	}
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return err
	}
	opts := authmap.ConfigMapOptions{Namespace: namespace, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var res authmap.Result
	switch args[0] {
	case "list":
		m, _, err := authmap.Read(ctx, cs.CoreV1(), opts)
		if err != nil {
			return err
		}
		res.Mappings = m
	case "add-role":
		if len(args) < 3 {
			return fmt.Errorf("%w: add-role ARN USERNAME [GROUP...]", errUsage)
		}
		res, err = authmap.Upsert(ctx, cs.CoreV1(), authmap.Mappings{Roles: []authmap.RoleMapping{{
			RoleARN: args[1], Username: args[2], Groups: args[3:]}}}, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "aws-auth: changed=%v created=%v attempts=%d\n", res.Changed, res.Created, res.Attempts)
	case "remove":
		if len(args) != 2 {
			return fmt.Errorf("%w: remove ARN", errUsage)
		}
		id, err := authmap.PathlessRoleARN(args[1])
		if err != nil {
			id = strings.ToLower(args[1]) // a user ARN or an account
		}
		res, err = authmap.RemoveFrom(ctx, cs.CoreV1(), []string{strings.ToLower(id)}, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "aws-auth: changed=%v attempts=%d\n", res.Changed, res.Attempts)
	default:
		return fmt.Errorf("%w: aws-auth %s", errUsage, args[0])
	}
	for _, r := range res.Mappings.Roles {
		arn := r.RoleARN
		if r.SSO != nil {
			arn = "sso:" + r.SSO.PermissionSetName + "@" + r.SSO.AccountID
		}
		fmt.Fprintf(w, "role  %-60s %-36s %s\n", arn, r.Username, strings.Join(r.Groups, ","))
	}
	for _, u := range res.Mappings.Users {
		fmt.Fprintf(w, "user  %-60s %-36s %s\n", u.UserARN, u.Username, strings.Join(u.Groups, ","))
	}
	for _, a := range res.Mappings.Accounts {
		fmt.Fprintf(w, "account %s\n", a)
	}
	return nil
}

// ensureRole creates or converges an IRSA role; a second run makes no write.
func ensureRole(ctx context.Context, w io.Writer, api irsa.RoleAPI, name, providerARN string, sas, policyARNs []string) error {
	accounts, err := parseSAs(sas)
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("%w: ensure-role needs --name", errUsage)
	}
	res, err := irsa.EnsureRole(ctx, api, irsa.RoleSpec{
		Name:       name,
		Trust:      irsa.TrustSpec{Providers: []irsa.ProviderAccounts{{ProviderARN: providerARN, ServiceAccounts: accounts}}},
		PolicyARNs: policyARNs,
	}, irsa.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "role %s: created=%v, %d changes\n", res.ARN, res.Created, len(res.Changes))
	for _, c := range res.Changes {
		fmt.Fprintf(w, "  %s\n", c)
	}
	return nil
}

// subnets reports the subnets of a VPC and why the controller would not
// discover one for its scheme (the role tag it lacks, another cluster's tag).
func subnets(ctx context.Context, w io.Writer, api lbc.EC2API, vpcID, cluster string) error {
	if vpcID == "" {
		return fmt.Errorf("%w: subnets needs --vpc-id", errUsage)
	}
	var opts []lbc.SubnetOption
	if cluster != "" {
		opts = append(opts, lbc.ForCluster(cluster))
	}
	rep, err := lbc.CheckSubnets(ctx, api, vpcID, opts...)
	if err != nil {
		return err
	}
	for _, s := range rep.Subnets {
		tier := "private"
		if s.Public {
			tier = "public"
		}
		status := "ok"
		if !s.OK() {
			status = s.Reason()
		}
		fmt.Fprintf(w, "%-26s %-12s %-8s %-18s %s\n", s.ID, s.AvailabilityZone, tier, s.CIDR, status)
	}
	return nil
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
