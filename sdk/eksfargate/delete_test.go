package eksfargate_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

func TestPlanOnMoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	spec := testSpec()
	plan, err := sdk.Plan(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	if w := append(e.log.writes(), addonWrites(e.addons, 0)...); len(w) != 0 {
		t.Fatalf("Plan wrote %v", w)
	}
	for _, want := range []string{"vpc", "internet gateway", "subnet private-eu-west-1a", "NAT gateway nat-eu-west-1b", "role cluster-role",
		"KMS key secrets", "cluster prod", "OIDC provider", "Fargate profile system-", "addon coredns"} {
		if indexOf(plan, sdk.ActionCreate, want) < 0 {
			t.Errorf("plan on an empty account lacks create %q:\n%v", want, plan)
		}
	}
	out, err := sdk.Apply(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	// Plan counts exactly the writes Apply reports.
	if sdk.Writes(plan) != sdk.Writes(out.Changes) {
		t.Errorf("plan has %d writes, Apply made %d", sdk.Writes(plan), sdk.Writes(out.Changes))
	}
	e.log.writes()
	plan, err = sdk.Plan(ctx, e.clients, spec, fast...)
	if err != nil || sdk.Writes(plan) != 0 {
		t.Fatalf("plan after Apply: %v, %v", err, plan)
	}
	// A changed profile: created under its new name, the old one deleted after.
	spec.FargateProfiles[0].Selectors = append(spec.FargateProfiles[0].Selectors, sdk.Selector{Namespace: "batch"})
	plan, err = sdk.Plan(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	create, del := indexOf(plan, sdk.ActionCreate, "Fargate profile apps-"), indexOf(plan, sdk.ActionDelete, "Fargate profile "+out.Profiles[0])
	if sdk.Writes(plan) != 2 || create < 0 || del < create {
		t.Errorf("plan of a changed profile:\n%v", plan)
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Fatalf("Plan wrote %v", w)
	}
}

func TestDeleteOnMoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	spec := testSpec()
	out, err := sdk.Apply(ctx, e.clients, spec, fast...)
	if err != nil {
		t.Fatal(err)
	}
	// A network interface someone else left in a private subnet (a load
	// balancer's) blocks the subnet and the VPC: reported, everything else goes.
	ec2c := ec2.NewFromConfig(e.cfg)
	eni, err := ec2c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(out.PrivateSubnetIDs[0]), Description: aws.String("ELB app/k8s-apps")})
	if err != nil {
		t.Fatal(err)
	}
	eniID := aws.ToString(eni.NetworkInterface.NetworkInterfaceId)
	_, err = sdk.Delete(ctx, e.clients, spec, fast...)
	var inc *sdk.DeleteIncompleteError
	if !errors.Is(err, sdk.ErrDeleteIncomplete) || !errors.As(err, &inc) {
		t.Fatalf("Delete with a foreign ENI: %v", err)
	}
	var left []string
	for _, l := range inc.Leftovers {
		left = append(left, l.Resource+" "+l.ID)
	}
	if got := strings.Join(left, "; "); !strings.Contains(got, "network interface "+eniID) || !strings.Contains(got, "subnet private-eu-west-1a "+out.PrivateSubnetIDs[0]) ||
		!strings.Contains(got, "vpc "+out.VpcID) || len(inc.Leftovers) != 3 {
		t.Errorf("leftovers: %s", got)
	}
	if _, err := ec2c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(eniID)}); err != nil {
		t.Fatal(err)
	}
	// Again: what is gone is skipped, the rest goes.
	if _, err := sdk.Delete(ctx, e.clients, spec, fast...); err != nil {
		t.Fatal(err)
	}
	assertNothingTagged(t, e, "prod")
	// A third time: nothing to do, no error.
	e.log.writes()
	changes, err := sdk.Delete(ctx, e.clients, spec, fast...)
	if err != nil || sdk.Writes(changes) != 0 {
		t.Errorf("Delete of nothing: %v, %v", err, changes)
	}
	if w := e.log.writes(); len(w) != 0 {
		t.Errorf("Delete of nothing wrote %v", w)
	}
}

// assertNothingTagged checks moto holds nothing of the cluster: no tagged EC2
// resource (NAT gateways stay listed as deleted, as in AWS), no role, no OIDC
// provider, no cluster, and the KMS key pending deletion.
func assertNothingTagged(t *testing.T, e *env, cluster string) {
	t.Helper()
	ctx := context.Background()
	ec2c, iamc, kmsc, eksc := ec2.NewFromConfig(e.cfg), iam.NewFromConfig(e.cfg), kms.NewFromConfig(e.cfg), eks.NewFromConfig(e.cfg)
	owner := []ec2types.Filter{{Name: aws.String("tag:" + sdk.TagCluster), Values: []string{cluster}}}
	count := func(what string, n int, err error) {
		if err != nil || n != 0 {
			t.Errorf("%s left: %d (%v)", what, n, err)
		}
	}
	vpcs, err := ec2c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: owner})
	count("VPCs", len(vpcs.Vpcs), err)
	subnets, err := ec2c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: owner})
	count("subnets", len(subnets.Subnets), err)
	rts, err := ec2c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: owner})
	count("route tables", len(rts.RouteTables), err)
	igws, err := ec2c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: owner})
	count("internet gateways", len(igws.InternetGateways), err)
	addrs, err := ec2c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: owner})
	count("elastic IPs", len(addrs.Addresses), err)
	nats, err := ec2c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{})
	live := 0
	for _, n := range nats.NatGateways {
		if n.State != ec2types.NatGatewayStateDeleted {
			live++
		}
	}
	count("NAT gateways not deleted", live, err)
	for _, part := range []string{sdk.PartClusterRole, sdk.PartPodExecutionRole} {
		if _, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(sdk.RoleName(cluster, part))}); err == nil {
			t.Errorf("role %s left", part)
		}
	}
	providers, err := iamc.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	count("OIDC providers", len(providers.OpenIDConnectProviderList), err)
	clusters, err := eksc.ListClusters(ctx, &eks.ListClustersInput{})
	count("clusters", len(clusters.Clusters), err)
	keys, err := kmsc.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.Keys {
		d, err := kmsc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
		if err != nil || d.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion {
			t.Errorf("KMS key %s: %v %v", aws.ToString(k.KeyId), err, d)
		}
	}
	aliases, err := kmsc.ListAliases(ctx, &kms.ListAliasesInput{})
	for _, a := range aliases.Aliases {
		if strings.HasPrefix(aws.ToString(a.AliasName), "alias/fargatekit/") {
			t.Errorf("alias %s left (%v)", aws.ToString(a.AliasName), err)
		}
	}
}
