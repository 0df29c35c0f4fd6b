// Package catalog lists fargatekit's Pulumi examples as values: their names,
// programs, and the stack configuration an offline plan runs them with. The
// CLI's plan and demo commands and the examples' mock tests use it to run a
// program under internal/mockstack; the integration suite uses the programs
// through the Automation API.
package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/examples/access/stack"
	fargatealb "github.com/fargatekit/fargatekit/examples/fargate-alb/stack"
	fargategateway "github.com/fargatekit/fargatekit/examples/fargate-gateway/stack"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	irsas3 "github.com/fargatekit/fargatekit/examples/irsa-s3/stack"
	pulumieksex "github.com/fargatekit/fargatekit/examples/pulumi-eks/stack"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// PlanRegion is the region an offline plan pretends to deploy to. It is a
// labelled demo value standing in for the stack's aws:region; the examples
// themselves never default a region.
const PlanRegion = "us-west-2"

// Tag keys every example puts on what it creates, "fargatekit:example" =
// the example's name and "fargatekit:stack" = "<project>/<stack>".
const (
	TagExample = stackconf.TagExample
	TagStack   = stackconf.TagStack
)

// PlanStack is the stack name of an offline plan.
const PlanStack = "plan"

// Example is one Pulumi example under examples/.
type Example struct {
	// Name is the example's directory and its Pulumi project name.
	Name string
	// Summary says what the stack builds, in one line.
	Summary string
	// Program is the example's Pulumi program.
	Program pulumi.RunFunc
	// PlanConfig is stack configuration for an offline plan, keys without the
	// project prefix (e.g. "certificateArn").
	PlanConfig map[string]string
	// planWith, when set, gives the program and mock options an offline plan
	// runs instead of Program (a stand-in for a plugin the mock lacks).
	planWith func() (pulumi.RunFunc, []mockstack.Option)
}

// PlanCertificateARN is the made-up ACM certificate the offline plan of
// fargate-alb configures, so that the plan shows the HTTPS listener.
const PlanCertificateARN = "arn:aws:acm:" + PlanRegion + ":123456789012:certificate/00000000-0000-4000-8000-000000000000"

// PlanSSOPermissionSet is the permission set the offline plan of access maps;
// the mock answers the role lookup with one role for it.
const PlanSSOPermissionSet = "ReadOnly"

var examples = []Example{
	{
		Name:    pulumieksex.Project,
		Summary: "a pulumi-eks cluster (Fargate, OIDC) with fargatekit's LBC, IRSA and access entries on top (offline: pulumi-eks's own children stood in)",
		Program: pulumieksex.Program,
		PlanConfig: map[string]string{
			"vpcId":            "vpc-0a1b2c3d4e5f60718",
			"privateSubnetIds": `["subnet-0aaaaaaaaaaaaaaa1","subnet-0aaaaaaaaaaaaaaa2"]`,
			"publicSubnetIds":  `["subnet-0bbbbbbbbbbbbbbb1","subnet-0bbbbbbbbbbbbbbb2"]`,
		},
		planWith: func() (pulumi.RunFunc, []mockstack.Option) {
			p := newPulumiEKSPlan()
			return p.program, p.options()
		},
	},
	{
		Name:       stack.Project,
		Summary:    "Fargate cluster with an admin role, a read-only group and an SSO permission set, via aws-auth and access entries",
		Program:    stack.Program,
		PlanConfig: map[string]string{"ssoPermissionSet": PlanSSOPermissionSet},
	},
	{
		Name:       fargatealb.Project,
		Summary:    "Fargate cluster, AWS Load Balancer Controller, and the 2048 game behind an internet-facing ALB",
		Program:    fargatealb.Program,
		PlanConfig: map[string]string{"certificateArn": PlanCertificateARN},
	},
	{
		Name:    fargategateway.Project,
		Summary: "Fargate cluster, AWS Load Balancer Controller with the Gateway API, and the 2048 game behind an ALB made from a Gateway",
		Program: fargategateway.Program,
	},
	{
		Name:    irsas3.Project,
		Summary: "Fargate cluster, an S3 bucket, an IRSA role that may only read it, and a Pod that lists it",
		Program: irsas3.Program,
	},
}

// All returns every example, sorted by name.
func All() []Example {
	out := append([]Example(nil), examples...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the examples' names, sorted.
func Names() []string {
	var out []string
	for _, e := range All() {
		out = append(out, e.Name)
	}
	return out
}

// Lookup returns the example with that name.
func Lookup(name string) (Example, error) {
	for _, e := range examples {
		if e.Name == name {
			return e, nil
		}
	}
	return Example{}, fmt.Errorf("catalog: no example %q (have %s)", name, strings.Join(Names(), ", "))
}

// Plan runs the example's program under internal/mockstack in [PlanRegion]
// with its PlanConfig and [MockOptions]; opts come last and win.
func (e Example) Plan(opts ...mockstack.Option) (*mockstack.Graph, error) {
	all := []mockstack.Option{mockstack.WithStack(e.Name, PlanStack), mockstack.WithRegion(PlanRegion)}
	for k, v := range e.PlanConfig {
		if !strings.Contains(k, ":") {
			k = e.Name + ":" + k
		}
		all = append(all, mockstack.WithConfig(k, v))
	}
	all = append(all, MockOptions()...)
	program := e.Program
	if e.planWith != nil {
		var extra []mockstack.Option
		program, extra = e.planWith()
		all = append(all, extra...)
	}
	return mockstack.Run(program, append(all, opts...)...)
}

// MockOptions answer, for the examples' resources, what internal/mockstack
// does not by default: an S3 bucket's generated name and ARN, and the IAM
// Identity Center role of [PlanSSOPermissionSet].
func MockOptions() []mockstack.Option {
	return []mockstack.Option{
		mockstack.WithOutputs("aws:s3/bucketV2:BucketV2", bucketOutputs),
		mockstack.WithCall("aws:iam/getRoles:getRoles", ssoRoles),
	}
}

// ssoRoles answers iam.getRoles with one IAM Identity Center role.
func ssoRoles(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	name := "AWSReservedSSO_" + PlanSSOPermissionSet + "_0123456789abcdef"
	arn := partition.AWS.ARN("iam", "", "123456789012", "role"+stack.SSOPathPrefix+PlanRegion+"/"+name)
	return resource.NewPropertyMapFromMap(map[string]any{
		"arns": []any{arn}, "names": []any{name}, "id": PlanRegion, "pathPrefix": stack.SSOPathPrefix,
	}), nil
}

// bucketOutputs names a bucket like AWS does from its prefix (a
// deterministic suffix here) and gives its partition-aware ARN.
func bucketOutputs(r *mockstack.Resource) resource.PropertyMap {
	name := r.InputString("bucket")
	if name == "" {
		sum := sha256.Sum256([]byte(r.URN))
		name = r.InputString("bucketPrefix") + hex.EncodeToString(sum[:])[:12]
	}
	p := partition.AWS // the plan runs in PlanRegion, in the aws partition
	return resource.NewPropertyMapFromMap(map[string]any{
		"bucket": name, "id": name, "arn": p.ARN("s3", "", "", name),
		"bucketDomainName": name + ".s3.amazonaws.com",
	})
}
