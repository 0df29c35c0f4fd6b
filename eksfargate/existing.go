package eksfargate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// describeExisting describes the subnets of ClusterSpec.Existing with the
// AWS provider's invokes, as the SDK's DescribeExistingNetwork does with
// EC2: getSubnets lists the VPC's subnets (one it does not list is not in
// the VPC), getSubnet gives each one's zone, zone ID and tags, and
// getRouteTables + getRouteTable its route table (its own, else the VPC's
// main one) for the private subnets, which must not route to an internet
// gateway. The tags are kept for TagSubnets.
func (c *FargateCluster) describeExisting(ctx *pulumi.Context) (private, public []sdk.SubnetInfo, err error) {
	x := c.spec.Existing
	parent := pulumi.Parent(c)
	inVPC, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{Filters: []ec2.GetSubnetsFilter{{Name: "vpc-id", Values: []string{x.VpcID}}}}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("getSubnets of %s: %w", x.VpcID, err)
	}
	c.subnetTags = map[string]map[string]string{}
	var mainTable *string // the VPC's main route table, looked up once
	routeTable := func(id string) (string, error) {
		own, err := ec2.GetRouteTables(ctx, &ec2.GetRouteTablesArgs{VpcId: pulumi.StringRef(x.VpcID),
			Filters: []ec2.GetRouteTablesFilter{{Name: "association.subnet-id", Values: []string{id}}}}, parent)
		if err != nil {
			return "", fmt.Errorf("getRouteTables of %s: %w", id, err)
		}
		if len(own.Ids) > 0 {
			return own.Ids[0], nil
		}
		if mainTable == nil {
			main, err := ec2.GetRouteTables(ctx, &ec2.GetRouteTablesArgs{VpcId: pulumi.StringRef(x.VpcID),
				Filters: []ec2.GetRouteTablesFilter{{Name: "association.main", Values: []string{"true"}}}}, parent)
			if err != nil {
				return "", fmt.Errorf("getRouteTables (main) of %s: %w", x.VpcID, err)
			}
			mainTable = new("")
			if len(main.Ids) > 0 {
				*mainTable = main.Ids[0]
			}
		}
		return *mainTable, nil
	}
	describe := func(ids []string, needRoutes bool) ([]sdk.SubnetInfo, error) {
		var out []sdk.SubnetInfo
		for _, id := range ids {
			if !slices.Contains(inVPC.Ids, id) {
				out = append(out, sdk.SubnetInfo{ID: id, Described: true, VpcID: "no VPC (EC2 does not list it in " + x.VpcID + ")"})
				continue
			}
			s, err := ec2.LookupSubnet(ctx, &ec2.LookupSubnetArgs{Id: pulumi.StringRef(id)}, parent)
			if err != nil {
				return nil, fmt.Errorf("getSubnet %s: %w", id, err)
			}
			c.subnetTags[id] = s.Tags
			info := sdk.SubnetInfo{ID: id, Described: true, VpcID: s.VpcId, Zone: s.AvailabilityZone, ZoneID: s.AvailabilityZoneId}
			if needRoutes {
				rt, err := routeTable(id)
				if err != nil {
					return nil, err
				}
				if rt != "" {
					got, err := ec2.LookupRouteTable(ctx, &ec2.LookupRouteTableArgs{RouteTableId: pulumi.StringRef(rt)}, parent)
					if err != nil {
						return nil, fmt.Errorf("getRouteTable %s: %w", rt, err)
					}
					// lbc.CheckSubnets' classification: a route to an internet gateway.
					info.Public = slices.ContainsFunc(got.Routes, func(r ec2.GetRouteTableRoute) bool { return strings.HasPrefix(r.GatewayId, "igw-") })
				}
			}
			out = append(out, info)
		}
		return out, nil
	}
	if private, err = describe(x.PrivateSubnetIDs, true); err != nil {
		return nil, nil, err
	}
	if public, err = describe(x.PublicSubnetIDs, false); err != nil {
		return nil, nil, err
	}
	return private, public, nil
}

// checkExisting applies the SDK's bring-your-own network rules
// (sdk.CheckSubnets: in the VPC, private subnets in at least two zones EKS
// supports, none routing to an internet gateway) to ClusterSpec.Existing,
// described with the provider's invokes, before any child registers.
func (c *FargateCluster) checkExisting(ctx *pulumi.Context) error {
	x := c.spec.Existing
	if x == nil {
		return nil
	}
	private, public, err := c.describeExisting(ctx)
	if err != nil {
		return err
	}
	if err := sdk.CheckSubnets(x.VpcID, private, public); err != nil {
		return fmt.Errorf("check network %s: %w", x.VpcID, err)
	}
	return nil
}
