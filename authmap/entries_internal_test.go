package authmap

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awseks "github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/accessfake"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/internal/mototest"
	sdk "github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// entriesEnv is moto (IAM, the EKS cluster) plus the access-entry fake.
type entriesEnv struct {
	ctx     context.Context
	iam     *awsiam.Client
	eks     *accessfake.EKS
	clients awsClients
}

func newEntriesEnv(t *testing.T) entriesEnv {
	t.Helper()
	s := mototest.New(t)
	cfg := s.Config("eu-west-1")
	e := entriesEnv{ctx: context.Background(), iam: awsiam.NewFromConfig(cfg)}
	ec := awseks.NewFromConfig(cfg)
	if _, err := ec.CreateCluster(e.ctx, &awseks.CreateClusterInput{Name: aws.String("demo"), RoleArn: aws.String(e.role(t, "/", "demo-cluster")),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}}}); err != nil {
		t.Fatal(err)
	}
	e.eks = accessfake.New(ec, e.iam)
	if err := e.eks.SetMode(e.ctx, "demo", accessfake.ModeAPI); err != nil {
		t.Fatal(err)
	}
	e.clients = func(_ context.Context, region string) (sdk.EKSAPI, sdk.PrincipalAPI, error) {
		if region != "eu-west-1" {
			t.Errorf("hooks called region %q", region)
		}
		return e.eks, e.iam, nil
	}
	return e
}

func (e entriesEnv) role(t *testing.T, path, name string) string {
	t.Helper()
	out, err := e.iam.CreateRole(e.ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

// runEntries runs a program of one AccessEntries-mode component named name
// and returns it with its record parameter as registered.
func runEntries(t *testing.T, e entriesEnv, name string, args *AwsAuthMappingArgs) (*AwsAuthMapping, *mockstack.Resource) {
	t.Helper()
	var comp *AwsAuthMapping
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		ready, err := iam.NewRole(ctx, "ready-marker", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
		if err != nil {
			return err
		}
		args.Cluster = clusterref.Cluster{Name: pulumi.String("demo"), Region: pulumi.String("eu-west-1"), AuthenticationMode: eksfargate.AuthAPI,
			Ready: []pulumi.Resource{ready}}
		args.awsClients = e.clients
		comp, err = NewAwsAuthMapping(ctx, name, args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := g.One("aws:ssm/parameter:Parameter", name+"-access-entries")
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	return comp, rec
}

// The AccessEntries-mode hooks on moto + the access-entry fake: the cluster
// creator's bootstrap entry is adopted and converged (no ResourceInUse); a
// path-less ARN of a role with a path is created under IAM's full ARN (the
// fake refuses the path-less one, as EKS does); an update that drops a mapping deletes
// the entry the component created; destroy deletes what the component
// created and keeps the creator's entry with its bootstrap admin policy.
func TestEntriesHooksAdoptAndKeepOnDestroy(t *testing.T) {
	e := newEntriesEnv(t)
	creator := e.role(t, "/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_Admin_00ff")
	dev := e.role(t, "/teams/", "developer")
	ops := e.role(t, "/", "ops")
	creatorUser := "arn:aws:sts::" + mototest.AccountID + ":assumed-role/AWSReservedSSO_Admin_00ff/{{SessionName}}"
	adminPolicy := sdk.AccessPolicyARN("aws", sdk.ClusterAdminPolicy)
	if err := e.eks.Put(e.ctx, "demo", creator, "STANDARD", creatorUser, nil, adminPolicy); err != nil {
		t.Fatal(err)
	}
	args := func(roles ...RoleMappingArgs) *AwsAuthMappingArgs { return &AwsAuthMappingArgs{Roles: roles} }
	creatorMapping := RoleMappingArgs{RoleARN: pulumi.String("arn:aws:iam::" + mototest.AccountID + ":role/AWSReservedSSO_Admin_00ff"), // path-less
		Username: "admin:{{SessionName}}", Groups: []string{"platform"}, Policies: []PolicyAssociation{{Policy: ViewPolicy, Namespaces: []string{"team-a"}}}}
	devMapping := RoleMappingArgs{RoleARN: pulumi.String("arn:aws:iam::" + mototest.AccountID + ":role/developer"), Username: "dev:{{SessionName}}", Groups: []string{"developers"}}
	opsMapping := RoleMappingArgs{RoleARN: pulumi.String(ops), Username: "ops", Groups: []string{"ops"}}

	v1, rec1 := runEntries(t, e, "auth", args(creatorMapping, devMapping, opsMapping))
	conn := hooksOf(t, v1)
	if err := conn.apply(&pulumi.ResourceHookArgs{Name: rec1.Name, NewInputs: rec1.Inputs}); err != nil {
		t.Fatal(err)
	}
	ce, pol := e.eks.Entry("demo", creator)
	if ce == nil || aws.ToString(ce.Username) != "admin:{{SessionName}}" || !slices.Equal(ce.KubernetesGroups, []string{"platform"}) ||
		ce.Tags[sdk.OwnerTagKey] != "" || len(pol) != 2 {
		t.Fatalf("creator entry not adopted and converged: %+v %+v", ce, pol)
	}
	if de, _ := e.eks.Entry("demo", dev); de == nil || de.Tags[sdk.OwnerTagKey] != v1.OwnerTag {
		t.Fatalf("dev entry not created with the owner tag %q: %+v", v1.OwnerTag, de)
	}

	// Update: dev dropped; its entry (the component's) goes.
	v2, rec2 := runEntries(t, e, "auth", args(creatorMapping, opsMapping))
	if err := hooksOf(t, v2).apply(&pulumi.ResourceHookArgs{Name: rec2.Name, NewInputs: rec2.Inputs, OldInputs: rec1.Inputs}); err != nil {
		t.Fatal(err)
	}
	if got := e.eks.Principals("demo"); !slices.Equal(got, sortedOf(creator, ops)) {
		t.Fatalf("after update: %v", got)
	}

	// Destroy: ops (created) goes, the creator's entry (adopted) stays, its
	// bootstrap admin policy too.
	if err := hooksOf(t, v2).revoke(&pulumi.ResourceHookArgs{Name: rec2.Name, OldInputs: rec2.Inputs}); err != nil {
		t.Fatal(err)
	}
	if got := e.eks.Principals("demo"); !slices.Equal(got, []string{creator}) {
		t.Fatalf("after destroy: %v, want only the creator's entry", got)
	}
	if _, pol := e.eks.Entry("demo", creator); !slices.ContainsFunc(pol, func(p ekstypes.AssociatedAccessPolicy) bool { return aws.ToString(p.PolicyArn) == adminPolicy }) {
		t.Errorf("the creator lost its admin policy: %+v", pol)
	}
	// A retried destroy is no change.
	if err := hooksOf(t, v2).revoke(&pulumi.ResourceHookArgs{Name: rec2.Name, OldInputs: rec2.Inputs}); err != nil {
		t.Fatal(err)
	}
}

// hooksOf returns the AccessEntries-mode hooks of a component, as bound.
func hooksOf(t *testing.T, c *AwsAuthMapping) *entriesConn {
	t.Helper()
	if c.entries == nil {
		t.Fatal("no AccessEntries-mode hooks")
	}
	return c.entries
}

func sortedOf(s ...string) []string {
	slices.Sort(s)
	return s
}
