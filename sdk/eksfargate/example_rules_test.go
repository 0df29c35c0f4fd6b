package eksfargate_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// Every AWS rule a spec breaks, at once, each with its named error.
func ExampleClusterSpec_Validate_awsRules() {
	spec := eksfargate.ClusterSpec{
		KubernetesVersion: "1.99",
		FargateProfiles: []eksfargate.FargateProfile{
			{Name: "system", Selectors: []eksfargate.Selector{{Namespace: "kube-system"}}},
			{Name: "eks-apps", Selectors: []eksfargate.Selector{{Namespace: "kube-system"}}},
		},
	}
	err := spec.Validate()
	fmt.Println(errors.Is(err, eksfargate.ErrUnsupportedKubernetesVersion), errors.Is(err, eksfargate.ErrReservedProfileName),
		errors.Is(err, eksfargate.ErrDuplicateSelector))
	// Output: true true true
}

// Zones by ID: use1-az3 is skipped.
func ExampleSelectZones() {
	zones, err := eksfargate.SelectZones([]eksfargate.Zone{
		{Name: "us-east-1a", ID: "use1-az4"}, {Name: "us-east-1b", ID: "use1-az3"}, {Name: "us-east-1c", ID: "use1-az1"},
	}, nil, 2)
	if err != nil {
		panic(err)
	}
	fmt.Println(zones)
	// Output: [{us-east-1a use1-az4} {us-east-1c use1-az1}]
}

func ExampleVersionSupport() {
	for _, v := range []string{"1.33", "1.35", eksfargate.DefaultKubernetesVersion} {
		s, err := eksfargate.VersionSupport(v, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			panic(err)
		}
		fmt.Println(v, s)
	}
	// Output:
	// 1.33 extended
	// 1.35 standard
	// 1.36 standard
}

// A profile's physical name changes with its selectors, so a change is
// created before the old profile is deleted.
func ExampleProfileName() {
	p := eksfargate.FargateProfile{Name: "apps", Selectors: []eksfargate.Selector{{Namespace: "apps"}}}
	before := eksfargate.ProfileName(p)
	p.Selectors[0].Labels = map[string]string{"fargate": "true"}
	after := eksfargate.ProfileName(p)
	logical, _ := eksfargate.LogicalProfileName(after)
	fmt.Println(before != after, logical, len(after))
	// Output: true apps 13
}

// The subnet rules on subnets described by EC2.
func ExampleCheckSubnets() {
	err := eksfargate.CheckSubnets("vpc-1", []eksfargate.SubnetInfo{
		{ID: "subnet-a", Described: true, VpcID: "vpc-1", Zone: "eu-west-1a", ZoneID: "euw1-az1"},
		{ID: "subnet-b", Described: true, VpcID: "vpc-1", Zone: "eu-west-1a", ZoneID: "euw1-az1", Public: true},
	}, nil)
	fmt.Println(errors.Is(err, eksfargate.ErrSubnetZones), errors.Is(err, eksfargate.ErrPublicSubnetForPods))
	// Output: true true
}

// An existing network checked against EC2 before anything is created.
func ExampleCheckExistingNetwork() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("eu-west-1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = eksfargate.CheckExistingNetwork(ctx, ec2.NewFromConfig(cfg), eksfargate.ExistingNetwork{
		VpcID: "vpc-0123456789abcdef0", PrivateSubnetIDs: []string{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"},
	})
	if err != nil {
		fmt.Println(err)
	}
}
