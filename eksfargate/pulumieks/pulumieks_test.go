package pulumieks

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
)

const kubeconfigJSON = `{"apiVersion":"v1","kind":"Config","clusters":[{"name":"demo","cluster":{"server":"https://example.eks"}}]}`

// registry remembers the URN and ID the mock gave each AWS resource, so that
// the pulumi-eks cluster's outputs can refer to them.
type registry struct {
	mu  sync.Mutex
	ids map[string][2]string // type -> {urn, id}
}

func (reg *registry) record(typ string) mockstack.Option {
	return mockstack.WithOutputs(typ, func(r *mockstack.Resource) resource.PropertyMap {
		reg.mu.Lock()
		defer reg.mu.Unlock()
		reg.ids[typ] = [2]string{r.URN, r.ID}
		return nil
	})
}

func (reg *registry) ref(typ string) resource.PropertyValue {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	x := reg.ids[typ]
	return resource.MakeCustomResourceReference(resource.URN(x[0]), resource.ID(x[1]), "")
}

const (
	tAwsCluster = "aws:eks/cluster:Cluster"
	tOIDC       = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	tProfile    = "aws:eks/fargateProfile:FargateProfile"
)

// build registers what a pulumi-eks cluster would contain, the pulumi-eks
// cluster itself (a remote component whose outputs the mock supplies, as the
// real pulumi-eks plugin would), the adapter over it, and a probe role whose
// tags hold the ClusterRef values.
func build(t *testing.T, args *eks.ClusterArgs, withOIDC, withFargate bool, opts ...mockstack.Option) (*mockstack.Graph, *Cluster) {
	t.Helper()
	reg := &registry{ids: map[string][2]string{}}
	opts = append(opts, reg.record(tAwsCluster), reg.record(tOIDC), reg.record(tProfile),
		mockstack.WithOutputs("eks:index:Cluster", func(r *mockstack.Resource) resource.PropertyMap {
			core := resource.PropertyMap{
				"cluster":          reg.ref(tAwsCluster),
				"vpcId":            resource.NewProperty("vpc-0pulumieks"),
				"endpoint":         resource.NewProperty("https://example.eks"),
				"subnetIds":        resource.NewProperty([]resource.PropertyValue{resource.NewProperty("subnet-1"), resource.NewProperty("subnet-2")}),
				"privateSubnetIds": resource.NewProperty([]resource.PropertyValue{resource.NewProperty("subnet-1")}),
			}
			if withOIDC {
				core["oidcProvider"] = reg.ref(tOIDC)
			}
			if withFargate {
				core["fargateProfile"] = reg.ref(tProfile)
			}
			return resource.PropertyMap{
				"eksCluster":     reg.ref(tAwsCluster),
				"core":           resource.NewProperty(core),
				"kubeconfigJson": resource.NewProperty(kubeconfigJSON),
			}
		}))
	var ref *Cluster
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		inner, err := awseks.NewCluster(ctx, "demo-eksCluster", &awseks.ClusterArgs{
			Name: pulumi.String("demo-eks"), RoleArn: pulumi.String("arn:aws:iam::123456789012:role/demo-eks"),
			VpcConfig: awseks.ClusterVpcConfigArgs{SubnetIds: pulumi.ToStringArray([]string{"subnet-1", "subnet-2"})},
		})
		if err != nil {
			return err
		}
		deps := []pulumi.Resource{inner}
		issuer := inner.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()
		oidc, err := iam.NewOpenIdConnectProvider(ctx, "demo-oidcProvider", &iam.OpenIdConnectProviderArgs{
			Url: issuer, ClientIdLists: pulumi.ToStringArray([]string{"sts.amazonaws.com"}),
		})
		if err != nil {
			return err
		}
		fp, err := awseks.NewFargateProfile(ctx, "demo-fargateProfile", &awseks.FargateProfileArgs{
			ClusterName: inner.Name, PodExecutionRoleArn: pulumi.String("arn:aws:iam::123456789012:role/demo-fargate"),
			SubnetIds: pulumi.ToStringArray([]string{"subnet-1"}),
			Selectors: awseks.FargateProfileSelectorArray{awseks.FargateProfileSelectorArgs{Namespace: pulumi.String("default")}},
		})
		if err != nil {
			return err
		}
		deps = append(deps, oidc, fp)
		cluster, err := eks.NewCluster(ctx, "demo", args, pulumi.DependsOn(deps))
		if err != nil {
			return err
		}
		ref, err = New(ctx, "demo", cluster, OptionsFromArgs(args))
		if err != nil {
			return err
		}
		_, err = iam.NewRole(ctx, "probe", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Tags: pulumi.StringMap{
			"name": ref.Ref().Name, "region": ref.Ref().Region, "vpc": ref.Ref().VpcID, "oidcArn": ref.Ref().OIDCProviderARN,
			"issuer": ref.Ref().OIDCIssuerURL, "podRole": ref.Ref().PodExecutionRoleARN,
		}})
		return err
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return g, ref
}

func probe(t *testing.T, g *mockstack.Graph) map[string]string {
	t.Helper()
	r, err := g.One("aws:iam/role:Role", "probe")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, k := range []string{"name", "region", "vpc", "oidcArn", "issuer", "podRole"} {
		out[k] = r.InputString(`tags["` + k + `"]`)
	}
	return out
}

func TestAdapterResolvesClusterRef(t *testing.T) {
	mode := eks.AuthenticationModeApi
	args := &eks.ClusterArgs{Fargate: pulumi.Bool(true), CreateOidcProvider: pulumi.Bool(true), AuthenticationMode: &mode}
	g, ref := build(t, args, true, true)
	got := probe(t, g)
	oidc, _ := g.One(tOIDC, "demo-oidcProvider")
	issuer, _ := oidc.Input("url")
	want := map[string]string{
		"name": "demo-eks", "region": "us-west-2", "vpc": "vpc-0pulumieks",
		"oidcArn": oidc.ID, "issuer": issuer.(string), "podRole": "arn:aws:iam::123456789012:role/demo-fargate",
	}
	for k, w := range want {
		if got[k] != w || w == "" {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if !strings.HasPrefix(got["issuer"], "https://oidc.eks.us-west-2.amazonaws.com/id/") ||
		!strings.HasPrefix(got["oidcArn"], "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/") {
		t.Errorf("issuer %s, provider %s", got["issuer"], got["oidcArn"])
	}
	if !ref.Ref().FargateOnly || !ref.Ref().HasFargateProfiles || ref.Ref().Mode() != eksfargate.AuthAPI {
		t.Errorf("plain values: %v %v %s", ref.Ref().FargateOnly, ref.Ref().HasFargateProfiles, ref.Ref().Mode())
	}
	k8s, err := g.One("pulumi:providers:kubernetes", "demo-k8s")
	if err != nil {
		t.Fatal(err)
	}
	if k8s.InputString("kubeconfig") != kubeconfigJSON {
		t.Errorf("provider kubeconfig = %q", k8s.InputString("kubeconfig"))
	}
	if p, ok := ref.Ref().KubernetesProvider.(*kubernetes.Provider); !ok || p == nil {
		t.Error("KubernetesProvider is not the created provider")
	}
	if len(ref.Ref().Ready) != 1 || ref.Ref().Ready[0] != ref.Source {
		t.Error("Ready is not the pulumi-eks cluster")
	}
}

func TestAdapterPartitionAndMissingParts(t *testing.T) {
	g, ref := build(t, &eks.ClusterArgs{}, false, false, mockstack.WithRegion("cn-north-1"))
	got := probe(t, g)
	if got["region"] != "cn-north-1" || !strings.HasPrefix(got["issuer"], "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/") {
		t.Errorf("values = %v", got)
	}
	if got["oidcArn"] != "" || got["podRole"] != "" {
		t.Errorf("without OIDC provider and Fargate: %v", got)
	}
	if ref.Ref().FargateOnly || ref.Ref().HasFargateProfiles || ref.Ref().Mode() != eksfargate.AuthConfigMap {
		t.Error("defaults of a plain pulumi-eks cluster")
	}
	if ref.Ref().Kubeconfig == nil {
		t.Error("the ref has no kubeconfig: lbc's and authmap's hooks could not reach the cluster")
	}
}

func TestOptions(t *testing.T) {
	if o := OptionsFromArgs(nil); !reflect.DeepEqual(o, Options{}) {
		t.Errorf("nil args = %+v", o)
	}
	mode := eks.AuthenticationModeApi
	if o := OptionsFromArgs(&eks.ClusterArgs{Fargate: pulumi.Bool(true), AuthenticationMode: &mode}); !o.Fargate || !o.FargateOnly || o.AuthenticationMode != "API" || o.FargateProfiles != nil {
		t.Errorf("options = %+v (fargate true: pulumi-eks's default selectors, unknown here)", o)
	}
	// Plain selectors become the ref's Fargate profile; outputs leave it unknown.
	plain := &eks.ClusterArgs{Fargate: eks.FargateProfileArgs{Selectors: awseks.FargateProfileSelectorArray{
		awseks.FargateProfileSelectorArgs{Namespace: pulumi.String("kube-system")},
		awseks.FargateProfileSelectorArgs{Namespace: pulumi.String("apps"), Labels: pulumi.StringMap{"tier": pulumi.String("web")}},
	}}}
	want := []clusterref.FargateProfile{{Name: "pulumi-eks fargate profile", Selectors: []clusterref.FargateSelector{
		{Namespace: "kube-system"}, {Namespace: "apps", Labels: map[string]string{"tier": "web"}}}}}
	if o := OptionsFromArgs(plain); !reflect.DeepEqual(o.FargateProfiles, want) {
		t.Errorf("plain selectors: %+v, want %+v", o.FargateProfiles, want)
	}
	computed := &eks.ClusterArgs{Fargate: &eks.FargateProfileArgs{Selectors: awseks.FargateProfileSelectorArray{
		awseks.FargateProfileSelectorArgs{Namespace: pulumi.String("x").ToStringOutput()},
	}}}
	if o := OptionsFromArgs(computed); o.FargateProfiles != nil {
		t.Errorf("selectors from outputs: %+v, want unknown", o.FargateProfiles)
	}
	err := Options{FargateOnly: true, AuthenticationMode: "IAM"}.Validate()
	if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), "FargateOnly without Fargate") || !strings.Contains(err.Error(), `"IAM"`) {
		t.Errorf("err = %v", err)
	}
}

func TestNewRefusesAndReusesProvider(t *testing.T) {
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "demo", nil, Options{})
		return err
	})
	if !errors.Is(err, ErrInvalidOptions) || g.Len() != 0 {
		t.Errorf("nil cluster: err %v, %d resources", err, g.Len())
	}
	g, err = mockstack.Run(func(ctx *pulumi.Context) error {
		p, err := kubernetes.NewProvider(ctx, "mine", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
		if err != nil {
			return err
		}
		ref, err := New(ctx, "demo", &eks.Cluster{}, Options{KubernetesProvider: p})
		if err != nil {
			return err
		}
		if ref.provider != p {
			return errors.New("given provider not used")
		}
		return nil
	})
	if err != nil || len(g.ByType("pulumi:providers:kubernetes")) != 1 {
		t.Errorf("err %v, providers %d", err, len(g.ByType("pulumi:providers:kubernetes")))
	}
}
