// Package stack is the pulumi-eks example: a cluster created with pulumi-eks
// (github.com/pulumi/pulumi-eks/sdk/v2, eks.Cluster, with a Fargate profile
// and an IAM OIDC provider) in a VPC you already have, and fargatekit's
// add-ons on top of it through the eksfargate/pulumieks adapter: the AWS Load
// Balancer Controller (lbc), an IRSA role with its ServiceAccount (irsa), and
// an admin role granted through an EKS access entry (authmap). main.go runs
// [Program] with pulumi.Run.
package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"

	"github.com/fargatekit/fargatekit/authmap"
	"github.com/fargatekit/fargatekit/eksfargate/pulumieks"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/irsa"
	"github.com/fargatekit/fargatekit/lbc"
)

// Project is the Pulumi project name (Pulumi.yaml) and the config namespace.
const Project = "pulumi-eks"

// Config is the stack configuration (keys under the pulumi-eks: namespace).
type Config struct {
	// Region is aws:region (required; never defaulted).
	Region string
	// ClusterName is config clusterName, default "pulumi-eks-<stack>".
	ClusterName string
	// VpcID, PrivateSubnetIDs and PublicSubnetIDs (config vpcId,
	// privateSubnetIds, publicSubnetIds: required) are an existing VPC: Fargate
	// pods need private subnets with a NAT route, which the default VPC lacks.
	VpcID                             string
	PrivateSubnetIDs, PublicSubnetIDs []string
	// Tags mark every AWS resource.
	Tags map[string]string
}

// LoadConfig reads the stack configuration.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	c := Config{VpcID: cfg.Get("vpcId")}
	var err error
	if c.Region, err = stackconf.Region(ctx); err != nil {
		return c, err
	}
	cl, err := stackconf.ClusterSettings(ctx, cfg)
	if err != nil {
		return c, err
	}
	c.ClusterName = cl.Name
	if c.Tags, err = stackconf.Tags(ctx, cfg); err != nil {
		return c, err
	}
	var errs []string
	for key, dst := range map[string]*[]string{"privateSubnetIds": &c.PrivateSubnetIDs, "publicSubnetIds": &c.PublicSubnetIDs} {
		if err := cfg.TryObject(key, dst); err != nil || len(*dst) < 2 {
			errs = append(errs, fmt.Sprintf("%s (a list of at least two subnet IDs)", key))
		}
	}
	if !strings.HasPrefix(c.VpcID, "vpc-") {
		errs = append(errs, "vpcId")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("%s: config needs an existing VPC: %s", Project, strings.Join(errs, ", "))
	}
	return c, nil
}

// ClusterArgs are the pulumi-eks arguments: Fargate only (no node group), an
// OIDC provider for IRSA, access entries (authentication mode API).
func (c Config) ClusterArgs() *eks.ClusterArgs {
	mode := eks.AuthenticationModeApi
	return &eks.ClusterArgs{
		Name:                 pulumi.String(c.ClusterName),
		VpcId:                pulumi.String(c.VpcID),
		PrivateSubnetIds:     pulumi.ToStringArray(c.PrivateSubnetIDs),
		PublicSubnetIds:      pulumi.ToStringArray(c.PublicSubnetIDs),
		Fargate:              eks.FargateProfileArgs{Selectors: fargateSelectors()},
		SkipDefaultNodeGroup: boolPtr(true),
		CreateOidcProvider:   pulumi.Bool(true),
		AuthenticationMode:   &mode,
		Tags:                 pulumi.ToStringMap(c.Tags),
	}
}

// profileNamespaces are the namespaces the cluster's Fargate profile selects.
func profileNamespaces() []string { return []string{"kube-system", "default"} }

func fargateSelectors() awseks.FargateProfileSelectorArray {
	var out awseks.FargateProfileSelectorArray
	for _, ns := range profileNamespaces() {
		out = append(out, awseks.FargateProfileSelectorArgs{Namespace: pulumi.String(ns)})
	}
	return out
}

func boolPtr(b bool) *bool { return &b }

// NewClusterFunc creates the pulumi-eks cluster: eks.NewCluster, or a
// stand-in for an offline plan (the pulumi-eks plugin is not there).
type NewClusterFunc func(ctx *pulumi.Context, name string, args *eks.ClusterArgs, opts ...pulumi.ResourceOption) (*eks.Cluster, error)

// Program is the Pulumi program.
func Program(ctx *pulumi.Context) error { return Build(ctx, eks.NewCluster) }

// Build is the program with the cluster constructor given.
func Build(ctx *pulumi.Context, newCluster NewClusterFunc) error {
	c, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	p, err := partition.ForRegion(c.Region)
	if err != nil {
		return err
	}
	args := c.ClusterArgs()
	cluster, err := newCluster(ctx, Project, args)
	if err != nil {
		return err
	}
	ref, err := pulumieks.New(ctx, Project, cluster, pulumieks.OptionsFromArgs(args))
	if err != nil {
		return err
	}

	// The adapter's ref carries the cluster's kubeconfig (the controller's
	// release hooks reach the cluster with it: N-teardown before pulumi
	// destroy --run-program deletes the release, N-webhook-ready after each
	// install and upgrade) and the Fargate profile's plain selectors (the
	// component checks that a profile runs the controller's pods).
	controller, err := lbc.NewLBCRelease(ctx, "lbc", &lbc.LBCReleaseArgs{Cluster: ref, ReleaseSpec: lbc.ReleaseSpec{Settings: lbc.Settings{DefaultTags: c.Tags}}})
	if err != nil {
		return err
	}
	reader, err := irsa.NewIRSARole(ctx, "reader", &irsa.IRSARoleArgs{
		Cluster:         ref,
		ServiceAccounts: []irsa.ServiceAccount{{Namespace: "default", Name: "s3-reader"}},
		PolicyARNs:      []pulumi.StringInput{pulumi.String(p.ManagedPolicyARN("AmazonS3ReadOnlyAccess"))},
		Tags:            c.Tags,
	})
	if err != nil {
		return err
	}
	adminTrust := ref.Ref().OIDCProviderARN.ToStringOutput().ApplyT(func(arn string) (string, error) {
		a, err := partition.ParseARN(arn, "iam", "oidc-provider/")
		if err != nil {
			return "", err
		}
		return iampolicy.Document{Statement: iampolicy.Statements{{
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{p.ARN("iam", "", a.AccountID, "root")}},
			Action:    iampolicy.Values{"sts:AssumeRole"},
		}}}.String(), nil
	}).(pulumi.StringOutput)
	admin, err := iam.NewRole(ctx, "platform-admin", &iam.RoleArgs{
		AssumeRolePolicy: adminTrust,
		Description:      pulumi.String("cluster-admin of " + c.ClusterName + " (fargatekit pulumi-eks example)"),
		Tags:             pulumi.ToStringMap(c.Tags),
	})
	if err != nil {
		return err
	}
	if _, err := authmap.NewAwsAuthMapping(ctx, "access", &authmap.AwsAuthMappingArgs{
		Cluster:            ref,
		Roles:              []authmap.RoleMappingArgs{{Key: "admin", RoleARN: admin.Arn, Username: "platform-admin:{{SessionName}}", Groups: []string{authmap.GroupMasters}}},
		AllowSystemMasters: true,
	}); err != nil {
		return err
	}

	ctx.Export("clusterName", ref.Ref().Name)
	ctx.Export("region", pulumi.String(c.Region))
	ctx.Export("oidcProviderArn", ref.Ref().OIDCProviderARN)
	ctx.Export("lbcRoleArn", controller.RoleArn)
	ctx.Export("readerRoleArn", reader.RoleArn)
	ctx.Export("adminRoleArn", admin.Arn)
	ctx.Export("kubeconfig", pulumi.ToSecret(cluster.KubeconfigJson))
	return nil
}
