// Package stack is the access example: who may use a Fargate-only EKS
// cluster, granted both ways fargatekit's authmap supports. An admin role
// (cluster-admin), a read-only role bound to the built-in "view" ClusterRole
// through a Kubernetes group, and the roles IAM Identity Center creates for a
// permission set, mapped once through the aws-auth ConfigMap (merged, never
// overwritten: the Fargate pod-execution mapping and others' entries stay)
// and once as EKS access entries. The cluster runs in API_AND_CONFIG_MAP mode,
// where EKS reads both; a real cluster would pick one (access entries take
// precedence). main.go runs [Program] with pulumi.Run.
package stack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/fargatekit/fargatekit/authmap"
	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// Project is the Pulumi project name (Pulumi.yaml) and the config namespace.
const Project = "access"

// ReadOnlyGroup is the Kubernetes group bound to the "view" ClusterRole.
const ReadOnlyGroup = "fargatekit:readonly"

// SSOPathPrefix is the IAM path of the roles IAM Identity Center creates.
const SSOPathPrefix = "/aws-reserved/sso.amazonaws.com/"

// Config is the stack configuration (keys under the access: namespace).
type Config struct {
	// Region is aws:region (required; never defaulted).
	Region string
	// Cluster holds clusterName, kubernetesVersion and singleNatGateway.
	Cluster stackconf.Cluster
	// Modes are the authmap modes to grant through (config modes, a
	// comma-separated list; default "ConfigMap,AccessEntries").
	Modes []authmap.Mode
	// SSOPermissionSet (config ssoPermissionSet) names an IAM Identity Center
	// permission set whose roles in this account get read-only access.
	SSOPermissionSet string
	// Tags mark every AWS resource.
	Tags map[string]string
}

// LoadConfig reads the stack configuration.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	c := Config{SSOPermissionSet: cfg.Get("ssoPermissionSet")}
	var err error
	if c.Region, err = stackconf.Region(ctx); err != nil {
		return c, err
	}
	if c.Cluster, err = stackconf.ClusterSettings(ctx, cfg); err != nil {
		return c, err
	}
	if c.Tags, err = stackconf.Tags(ctx, cfg); err != nil {
		return c, err
	}
	for _, m := range strings.Split(stackconf.String(cfg, "modes", "ConfigMap,AccessEntries"), ",") {
		mode := authmap.Mode(strings.TrimSpace(m))
		if mode != authmap.ModeConfigMap && mode != authmap.ModeAccessEntries {
			return c, fmt.Errorf("%s: config modes: %q is not ConfigMap or AccessEntries", Project, m)
		}
		if !slices.Contains(c.Modes, mode) {
			c.Modes = append(c.Modes, mode)
		}
	}
	if strings.ContainsAny(c.SSOPermissionSet, " /*") {
		return c, fmt.Errorf("%s: config ssoPermissionSet %q: a permission set name", Project, c.SSOPermissionSet)
	}
	return c, nil
}

// AccountTrust renders a trust policy that lets IAM principals of the account
// (those their own policies allow) assume a role.
func AccountTrust(p partition.Partition, account string) string {
	return iampolicy.Document{Statement: iampolicy.Statements{{
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{AWS: iampolicy.Values{p.ARN("iam", "", account, "root")}},
		Action:    iampolicy.Values{"sts:AssumeRole"},
	}}}.String()
}

// Program is the Pulumi program.
func Program(ctx *pulumi.Context) error {
	c, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	args := c.Cluster.Args(c.Region, c.Tags)
	args.AuthenticationMode = eksfargate.AuthAPIAndConfigMap
	cluster, err := eksfargate.NewFargateCluster(ctx, Project, args)
	if err != nil {
		return err
	}
	p, err := partition.ByID(cluster.PartitionID)
	if err != nil {
		return err
	}
	trust := AccountTrust(p, cluster.AccountID)
	newRole := func(name, what string) (*iam.Role, error) {
		return iam.NewRole(ctx, name, &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(trust),
			Description:      pulumi.String(what + " of EKS cluster " + c.Cluster.Name + " (fargatekit access example)"),
			Tags:             pulumi.ToStringMap(c.Tags),
		})
	}
	admin, err := newRole("platform-admin", "cluster-admin")
	if err != nil {
		return err
	}
	reader, err := newRole("readonly", "read-only access")
	if err != nil {
		return err
	}
	roles := []authmap.RoleMappingArgs{
		{Key: "admin", RoleARN: admin.Arn, Username: "platform-admin:{{SessionName}}", Groups: []string{authmap.GroupMasters}},
		{Key: "readonly", RoleARN: reader.Arn, Username: "readonly:{{SessionName}}", Groups: []string{ReadOnlyGroup}},
	}
	if c.SSOPermissionSet != "" {
		// An access entry needs the role's ARN, and IAM Identity Center names
		// its roles AWSReservedSSO_<set>_<random>: look them up.
		found, err := iam.GetRoles(ctx, &iam.GetRolesArgs{
			PathPrefix: pulumi.StringRef(SSOPathPrefix),
			NameRegex:  pulumi.StringRef("^AWSReservedSSO_" + c.SSOPermissionSet + "_[0-9a-f]+$"),
		})
		if err != nil {
			return fmt.Errorf("%s: looking up the roles of permission set %s: %w", Project, c.SSOPermissionSet, err)
		}
		if len(found.Arns) == 0 {
			return fmt.Errorf("%s: no IAM Identity Center role for permission set %q in this account (is it assigned here?)", Project, c.SSOPermissionSet)
		}
		arns := slices.Sorted(slices.Values(found.Arns))
		for i, arn := range arns {
			roles = append(roles, authmap.RoleMappingArgs{
				Key: fmt.Sprintf("sso-%d", i), RoleARN: pulumi.String(arn),
				Username: "sso:{{SessionName}}", Groups: []string{ReadOnlyGroup},
			})
		}
	}

	// The read-only group may read everything the "view" ClusterRole allows.
	if _, err := rbacv1.NewClusterRoleBinding(ctx, "readonly-view", &rbacv1.ClusterRoleBindingArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("fargatekit-readonly-view")},
		RoleRef: &rbacv1.RoleRefArgs{
			ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: pulumi.String("view"),
		},
		Subjects: rbacv1.SubjectArray{rbacv1.SubjectArgs{
			ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Group"), Name: pulumi.String(ReadOnlyGroup),
		}},
	}, pulumi.Provider(cluster.Provider)); err != nil {
		return err
	}

	for _, mode := range c.Modes {
		name := "aws-auth"
		if mode == authmap.ModeAccessEntries {
			name = "access-entries"
		}
		args := &authmap.AwsAuthMappingArgs{Cluster: cluster, Mode: mode, Roles: roles, AllowSystemMasters: true}
		if mode == authmap.ModeConfigMap {
			// Hooks mode (the default with a FargateCluster, explicit here):
			// resource hooks merge the entries into aws-auth and revoke them
			// on pulumi destroy --run-program.
			args.Kubeconfig = cluster.Kubeconfig
		} else {
			// Access entries also take access policies: the read-only role
			// may view the default namespace through EKS's ViewPolicy.
			args.Roles = slices.Clone(roles)
			args.Roles[1].Policies = []authmap.PolicyAssociation{{Policy: authmap.ViewPolicy, Namespaces: []string{"default"}}}
		}
		m, err := authmap.NewAwsAuthMapping(ctx, name, args)
		if err != nil {
			return err
		}
		if mode == authmap.ModeConfigMap {
			ctx.Export("awsAuthRecord", m.Record)
		} else {
			ctx.Export("accessEntriesOwnerTag", pulumi.String(m.OwnerTag))
		}
	}

	ctx.Export("clusterName", cluster.Ref().Name)
	ctx.Export("region", pulumi.String(c.Region))
	ctx.Export("vpcId", cluster.Ref().VpcID)
	ctx.Export("podExecutionRoleArn", cluster.Ref().PodExecutionRoleARN)
	ctx.Export("adminRoleArn", admin.Arn)
	ctx.Export("readOnlyRoleArn", reader.Arn)
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	return nil
}
