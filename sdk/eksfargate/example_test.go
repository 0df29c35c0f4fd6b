package eksfargate_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

func ExampleSubnetLayout() {
	l, err := eksfargate.SubnetLayout("10.0.0.0/16", 3)
	if err != nil {
		panic(err)
	}
	for i := range l.Private {
		fmt.Printf("zone %d: private %-14s public %s\n", i, l.Private[i], l.Public[i])
	}
	// Output:
	// zone 0: private 10.0.0.0/18    public 10.0.192.0/20
	// zone 1: private 10.0.64.0/18   public 10.0.208.0/20
	// zone 2: private 10.0.128.0/18  public 10.0.224.0/20
}

func ExamplePodExecutionRoleTrust() {
	p, _ := partition.ForRegion("cn-northwest-1")
	doc, err := eksfargate.PodExecutionRoleTrust(p, "cn-northwest-1", "123456789012", "demo")
	if err != nil {
		panic(err)
	}
	b, _ := doc.Indent()
	fmt.Println(string(b))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Service": "eks-fargate-pods.amazonaws.com"
	//       },
	//       "Action": "sts:AssumeRole",
	//       "Condition": {
	//         "ArnLike": {
	//           "aws:SourceArn": "arn:aws-cn:eks:cn-northwest-1:123456789012:fargateprofile/demo/*"
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleSubnetTags() {
	tags := eksfargate.SubnetTags("demo", eksfargate.Private, map[string]string{"team": "platform"})
	fmt.Println(tags)
	// Output:
	// map[kubernetes.io/cluster/demo:shared kubernetes.io/role/internal-elb:1 team:platform]
}

func ExampleCoreDNSConfigurationValues() {
	v, _ := eksfargate.CoreDNSConfigurationValues(eksfargate.CoreDNSConfig{
		Resources: &eksfargate.Resources{Requests: &eksfargate.ResourceList{CPU: "250m", Memory: "256Mi"}},
	})
	fmt.Println(v)
	// Output:
	// {"computeType":"Fargate","resources":{"requests":{"cpu":"250m","memory":"256Mi"}}}
}

func ExampleClusterSpec_Validate() {
	spec := eksfargate.ClusterSpec{
		ClusterName: "demo",
		FargateProfiles: []eksfargate.FargateProfile{
			{Name: "apps", Selectors: []eksfargate.Selector{{Namespace: "apps"}}},
		},
		LogTypes: []string{"api", "kubelet"},
	}
	err := spec.Validate()
	fmt.Println(errors.Is(err, eksfargate.ErrInvalidSpec), errors.Is(err, eksfargate.ErrNoCoreDNSProfile))
	fmt.Println(err)
	// Output:
	// true true
	// eksfargate: LogTypes[1]: "kubelet" is not one of api, audit, authenticator, controllerManager, scheduler
	// eksfargate: FargateProfiles: no profile selects the CoreDNS pods (namespace kube-system, labels k8s-app=kube-dns, eks.amazonaws.com/component=coredns)
}

// Profiles added to a running cluster with the AWS SDK, one at a time.
func ExampleEnsureFargateProfiles() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("eu-west-1"))
	if err != nil {
		panic(err)
	}
	res, err := eksfargate.EnsureFargateProfiles(ctx, eks.NewFromConfig(cfg), "demo",
		[]eksfargate.FargateProfile{{Name: "apps", Selectors: []eksfargate.Selector{{Namespace: "apps"}}}},
		eksfargate.WithPodExecutionRole("arn:aws:iam::123456789012:role/demo-pod-execution-role"),
		eksfargate.WithSubnets("subnet-0a", "subnet-0b"),
		eksfargate.WithLogger(slog.Default()))
	if err != nil {
		panic(err)
	}
	fmt.Println("created:", res.Created, "already there:", res.Unchanged)
}
