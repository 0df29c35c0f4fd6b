package catalog

import (
	"sync"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	pulumieksex "github.com/fargatekit/fargatekit/examples/pulumi-eks/stack"
	"github.com/fargatekit/fargatekit/internal/mockstack"
)

// pulumiEKSPlan stands in for the pulumi-eks plugin in an offline plan of the
// pulumi-eks example. The plugin (a separate program) builds the cluster's
// children; under the mock monitor nothing would, so the plan registers the
// children the adapter reads (the EKS cluster, its OIDC provider, the Fargate
// profile and its role), named as pulumi-eks names them, and the mock answers
// the eks:index:Cluster component with references to them, as the plugin's
// outputs would. They show at the top of the plan's tree, not under the
// component.
type pulumiEKSPlan struct {
	mu  sync.Mutex
	ids map[string][2]string // logical name → URN, ID
}

func newPulumiEKSPlan() *pulumiEKSPlan { return &pulumiEKSPlan{ids: map[string][2]string{}} }

// options records the stand-ins and answers the component.
func (p *pulumiEKSPlan) options() []mockstack.Option {
	record := func(r *mockstack.Resource) resource.PropertyMap {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.ids[r.Name] = [2]string{r.URN, r.ID}
		return nil
	}
	return []mockstack.Option{
		mockstack.WithOutputs("aws:eks/cluster:Cluster", record),
		mockstack.WithOutputs("aws:iam/openIdConnectProvider:OpenIdConnectProvider", record),
		mockstack.WithOutputs("aws:eks/fargateProfile:FargateProfile", record),
		mockstack.WithOutputs("eks:index:Cluster", p.component),
	}
}

func (p *pulumiEKSPlan) ref(name string) resource.PropertyValue {
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.ids[name]
	return resource.MakeCustomResourceReference(resource.URN(x[0]), resource.ID(x[1]), "")
}

// component answers eks:index:Cluster like the plugin: core outputs and
// references to the cluster's children.
func (p *pulumiEKSPlan) component(r *mockstack.Resource) resource.PropertyMap {
	n := r.Name
	var private []resource.PropertyValue
	if v, ok := r.Input("privateSubnetIds"); ok {
		for _, s := range v.([]any) {
			private = append(private, resource.NewProperty(s.(string)))
		}
	}
	return resource.PropertyMap{
		"eksCluster": p.ref(n + "-eksCluster"),
		"core": resource.NewProperty(resource.PropertyMap{
			"cluster":          p.ref(n + "-eksCluster"),
			"vpcId":            resource.NewProperty(r.InputString("vpcId")),
			"privateSubnetIds": resource.NewProperty(private),
			"oidcProvider":     p.ref(n + "-oidcProvider"),
			"fargateProfile":   p.ref(n + "-fargateProfile"),
		}),
		"kubeconfigJson": resource.NewProperty(`{"apiVersion":"v1","kind":"Config","clusters":[],"contexts":[],"users":[]}`),
	}
}

// newCluster registers the stand-in children, then the pulumi-eks component.
func (p *pulumiEKSPlan) newCluster(ctx *pulumi.Context, name string, args *eks.ClusterArgs, opts ...pulumi.ResourceOption) (*eks.Cluster, error) {
	role, err := iam.NewRole(ctx, name+"-eksRole", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`)})
	if err != nil {
		return nil, err
	}
	inner, err := awseks.NewCluster(ctx, name+"-eksCluster", &awseks.ClusterArgs{
		Name: args.Name, RoleArn: role.Arn, Tags: args.Tags,
		VpcConfig: awseks.ClusterVpcConfigArgs{SubnetIds: args.PrivateSubnetIds},
	})
	if err != nil {
		return nil, err
	}
	oidc, err := iam.NewOpenIdConnectProvider(ctx, name+"-oidcProvider", &iam.OpenIdConnectProviderArgs{
		Url:           inner.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem(),
		ClientIdLists: pulumi.ToStringArray([]string{"sts.amazonaws.com"}),
	})
	if err != nil {
		return nil, err
	}
	podRole, err := iam.NewRole(ctx, name+"-podExecutionRole", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`)})
	if err != nil {
		return nil, err
	}
	fargate, _ := args.Fargate.(eks.FargateProfileArgs)
	fp, err := awseks.NewFargateProfile(ctx, name+"-fargateProfile", &awseks.FargateProfileArgs{
		ClusterName: inner.Name, PodExecutionRoleArn: podRole.Arn, SubnetIds: args.PrivateSubnetIds, Selectors: fargate.Selectors,
	})
	if err != nil {
		return nil, err
	}
	return eks.NewCluster(ctx, name, args, append(opts, pulumi.DependsOn([]pulumi.Resource{inner, oidc, fp}))...)
}

// program runs the example with the stand-in.
func (p *pulumiEKSPlan) program(ctx *pulumi.Context) error {
	return pulumieksex.Build(ctx, p.newCluster)
}
