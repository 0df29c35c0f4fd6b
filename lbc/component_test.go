package lbc

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/lbcref/eksref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	sdkirsa "github.com/fargatekit/fargatekit/sdk/irsa"
	sdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

const (
	testProviderARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789"
	testVpc         = "vpc-0123456789abcdef0"
	crdType         = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"
)

// program builds a stand-in cluster (a Kubernetes provider and a CoreDNS
// add-on as its Ready resource), the controller, and two user Ingresses: one
// with the DependsOn() option, one with dependsOn Ready().
func program(args LBCReleaseArgs, ctl **LBCRelease) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cluster, err := standInCluster(ctx, clusterref.Cluster{
			OIDCIssuerURL: pulumi.String("https://oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789"),
			FargateOnly:   true, HasFargateProfiles: true,
		})
		if err != nil {
			return err
		}
		k8s := cluster.KubernetesProvider
		args.Cluster = cluster
		c, err := NewLBCRelease(ctx, "lbc", &args)
		if err != nil {
			return err
		}
		if ctl != nil {
			*ctl = c
		}
		ann, err := sdk.IngressAnnotations{LoadBalancer: sdk.LoadBalancer{Fargate: true, Scheme: sdk.SchemeInternetFacing}}.Build()
		if err != nil {
			return err
		}
		for name, opt := range map[string]pulumi.ResourceOption{
			"web-ready": c.DependsOn(), "web-ready-list": pulumi.DependsOn(c.Ready()),
		} {
			_, err = networkingv1.NewIngress(ctx, name, &networkingv1.IngressArgs{
				Metadata: metav1.ObjectMetaArgs{Annotations: pulumi.ToStringMap(ann)},
				Spec:     networkingv1.IngressSpecArgs{IngressClassName: pulumi.String(sdk.IngressClassName)},
			}, pulumi.Provider(k8s), opt)
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func one(t *testing.T, g *mockstack.Graph, typ, name string) *mockstack.Resource {
	t.Helper()
	r, err := g.One(typ, name)
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	return r
}

// plainJSON normalises a value through JSON (ints and float64s compare equal).
func plainJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestComponent(t *testing.T) {
	g, err := mockstack.Run(program(LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Settings: Settings{DefaultTags: map[string]string{"team": "platform"}}}}, nil))
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	comp := one(t, g, TypeToken, "lbc")

	// Policy document: the official policy for v3.5.0 in the commercial partition.
	policy := one(t, g, "aws:iam/policy:Policy", "lbc-policy")
	want, _ := sdk.IAMPolicy(DefaultVersion, "aws")
	if got := policy.InputString("policy"); got != want {
		t.Errorf("policy\n%s\nwant\n%s", got, want)
	}
	if d := policy.InputString("description"); !strings.Contains(d, "v3.5.0") || !strings.Contains(d, "demo") {
		t.Errorf("policy description %q", d)
	}

	// Role trust: the controller's ServiceAccount through the cluster's provider.
	role := one(t, g, "aws:iam/role:Role", "lbc-irsa")
	trust, err := sdkirsa.TrustPolicy(testProviderARN, sdkirsa.ServiceAccount{Namespace: "kube-system", Name: "aws-load-balancer-controller"})
	if err != nil {
		t.Fatal(err)
	}
	gotTrust, err := iampolicy.Parse([]byte(role.InputString("assumeRolePolicy")))
	if err != nil {
		t.Fatal(err)
	}
	wantTrust, _ := iampolicy.Parse([]byte(trust))
	if !iampolicy.Equivalent(gotTrust, wantTrust) {
		t.Errorf("trust policy %s\nwant %s", role.InputString("assumeRolePolicy"), trust)
	}
	if !strings.Contains(role.InputString("assumeRolePolicy"), "system:serviceaccount:kube-system:aws-load-balancer-controller") {
		t.Errorf("trust policy does not name the controller's ServiceAccount: %s", role.InputString("assumeRolePolicy"))
	}
	var attached bool
	for _, a := range g.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if a.InputString("policyArn") == "arn:aws:iam::123456789012:policy/lbc-policy" && g.IsDescendant(a, comp) {
			attached = true
		}
	}
	if !attached {
		t.Errorf("policy not attached to the role\n%s", g.Tree("policyArn"))
	}

	// ServiceAccount: kube-system/aws-load-balancer-controller, annotated with the role.
	sas := g.ByType("kubernetes:core/v1:ServiceAccount")
	if len(sas) != 1 {
		t.Fatalf("%d ServiceAccounts\n%s", len(sas), g.Tree())
	}
	sa := sas[0]
	if sa.InputString("metadata.name") != "aws-load-balancer-controller" || sa.InputString("metadata.namespace") != "kube-system" {
		t.Errorf("ServiceAccount %v", sa.Inputs)
	}
	if got := sa.InputString(`metadata.annotations["eks.amazonaws.com/role-arn"]`); got != "arn:aws:iam::123456789012:role/lbc-irsa" {
		t.Errorf("ServiceAccount role annotation %q", got)
	}
	if !g.IsDescendant(sa, comp) || !strings.HasPrefix(sa.Provider, "urn:pulumi:test::fargatekit::pulumi:providers:kubernetes::k8s::") {
		t.Errorf("ServiceAccount parent/provider: %s %s", sa.Parent, sa.Provider)
	}

	// Helm release: pinned chart, values from the renderer, awaited.
	rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	for path, want := range map[string]any{
		"chart": "aws-load-balancer-controller", "version": "3.5.0", "repositoryOpts.repo": "https://aws.github.io/eks-charts",
		"namespace": "kube-system", "name": "aws-load-balancer-controller", "skipAwait": false, "timeout": float64(600),
	} {
		if got, _ := rel.Input(path); got != want {
			t.Errorf("release %s = %v, want %v", path, got, want)
		}
	}
	if g.ParentOf(rel) != comp || !strings.Contains(rel.Provider, "::k8s::") {
		t.Errorf("release parent %s provider %s", rel.Parent, rel.Provider)
	}
	gotValues, _ := rel.Input("values")
	wantValues, err := sdk.Values(sdk.ValuesSpec{ClusterName: "demo", Region: "us-west-2", VpcID: testVpc, Settings: Settings{
		Fargate: true, ServiceAccountName: DefaultServiceAccount, DefaultTags: map[string]string{"team": "platform"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plainJSON(t, gotValues), plainJSON(t, wantValues)) {
		t.Errorf("release values\n%v\nwant\n%v", gotValues, wantValues)
	}

	// Dependency edges: the release waits for CoreDNS and for the role (its
	// policy attachment and ServiceAccount); user Ingresses wait for the release.
	coredns := one(t, g, "aws:eks/addon:Addon", "coredns")
	if !g.DependsOn(rel, coredns) {
		t.Error("release does not depend on the cluster's Ready resources (CoreDNS)")
	}
	if !g.DependsOn(rel, sa) {
		t.Error("release does not depend on the controller's ServiceAccount")
	}
	for _, a := range g.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if !g.DependsOn(rel, a) {
			t.Error("release does not depend on the role's policy attachment")
		}
	}
	for _, name := range []string{"web-ready", "web-ready-list"} {
		ing := one(t, g, "kubernetes:networking.k8s.io/v1:Ingress", name)
		if path := g.DependencyPath(ing, rel); path == nil {
			t.Errorf("Ingress %s does not reach the release", name)
		}
		if got := ing.InputString(`metadata.annotations["alb.ingress.kubernetes.io/target-type"]`); got != "ip" {
			t.Errorf("Ingress %s target-type %q", name, got)
		}
	}
	for _, r := range []*mockstack.Resource{policy, role, rel} {
		if !g.IsDescendant(r, comp) {
			t.Errorf("%s %s is not under the component", r.Type, r.Name)
		}
	}
	// The CRDs of chart 3.5.0 (the embedded archive: no download), one
	// child each, named by the CRD, applied before the release, retained on
	// delete; the release skips Helm's own CRD install.
	wantCRDs, err := sdk.SourceCRDs(context.Background(), sdk.ChartSource{RepoURL: ChartRepo, Name: ChartName, Version: "3.5.0"}, "")
	if err != nil {
		t.Fatal(err)
	}
	crds := g.ByType(crdType)
	if len(crds) != len(wantCRDs) || len(wantCRDs) != 7 {
		t.Fatalf("%d CRD children, want %d\n%s", len(crds), len(wantCRDs), g.Tree())
	}
	for _, c := range wantCRDs {
		r := one(t, g, crdType, "lbc-"+c.Name)
		if g.ParentOf(r) != comp || !r.RetainOnDelete || !strings.Contains(r.Provider, "::k8s::") {
			t.Errorf("CRD %s: parent %s retain %v provider %s", c.Name, r.Parent, r.RetainOnDelete, r.Provider)
		}
		if r.InputString("metadata.name") != c.Name || r.InputString(`metadata.annotations["pulumi.com/patchForce"]`) != "true" {
			t.Errorf("CRD %s metadata %v", c.Name, r.Inputs["metadata"])
		}
		wantSpec, _, _ := unstructured.NestedMap(c.Object.Object, "spec")
		if got, _ := r.Input("spec"); !reflect.DeepEqual(plainJSON(t, got), plainJSON(t, wantSpec)) {
			t.Errorf("CRD %s spec differs from the chart's", c.Name)
		}
		if _, ok := r.Input("status"); ok {
			t.Errorf("CRD %s carries a status", c.Name)
		}
		if !g.DependsOn(rel, r) {
			t.Errorf("release does not wait for CRD %s", c.Name)
		}
	}
	if v, _ := rel.Input("skipCrds"); v != true {
		t.Errorf("release skipCrds = %v", v)
	}
	if n := len(g.Children(comp)); n != 3+7 {
		t.Errorf("component has %d children, want policy, irsa role, release and 7 CRDs\n%s", n, g.Tree())
	}
	if len(g.Find("kubernetes:core/v1:Namespace", "lbc-namespace")) != 0 {
		t.Error("a namespace child for kube-system")
	}
	// No kubeconfig: no destroy hook.
	if len(rel.BeforeDelete) != 0 {
		t.Errorf("release hooks %v without a kubeconfig", rel.BeforeDelete)
	}
}

// referenceCharts makes the component read the CRDs of other versions than
// the embedded one from the reference archives (skipping without them).
func referenceCharts(t *testing.T, args LBCReleaseArgs) LBCReleaseArgs {
	t.Helper()
	eksref.Ref("").Require(t)
	args.loadCRDs = func(src sdk.ChartSource) ([]sdk.CRD, error) {
		return sdk.LoadChartCRDs(eksref.Ref("").Chart(t, src.Version))
	}
	return args
}

func TestComponentScopedAndCustom(t *testing.T) {
	g, err := mockstack.Run(program(referenceCharts(t, LBCReleaseArgs{ReleaseSpec: ReleaseSpec{ScopedPolicy: true, Settings: Settings{Version: "2.13.4", Image: ImageRegional, Replicas: 3}}}), nil))
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	want, _ := sdk.RenderPolicy(sdk.PolicySpec{Version: "v2.13.4", Scope: &sdk.Scope{Region: "us-west-2", VpcID: testVpc, Account: "123456789012"}})
	if got := one(t, g, "aws:iam/policy:Policy", "lbc-policy").InputString("policy"); got != want {
		t.Errorf("scoped policy\n%s\nwant\n%s", got, want)
	}
	rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	if v, _ := rel.Input("version"); v != "1.13.4" {
		t.Errorf("chart version %v", v)
	}
	if r := rel.InputString("values.image.repository"); r != "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller" {
		t.Errorf("image %s", r)
	}
	if v, _ := rel.Input("values.replicaCount"); v != float64(3) {
		t.Errorf("replicas %v", v)
	}

	// Chart 1.13.4's four CRDs.
	if n := len(g.ByType(crdType)); n != 4 {
		t.Errorf("%d CRDs for chart 1.13.4\n%s", n, g.Tree())
	}

	custom := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"elasticloadbalancing:*","Resource":"*"}]}`
	g, err = mockstack.Run(program(LBCReleaseArgs{ReleaseSpec: ReleaseSpec{PolicyJSON: custom, ChartVersion: "9.0.0", SkipCRDs: true, Settings: Settings{Version: "v9.0.0"}}}, nil))
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	if got := one(t, g, "aws:iam/policy:Policy", "lbc-policy").InputString("policy"); got != custom {
		t.Errorf("custom policy %s", got)
	}
	if v, _ := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc").Input("version"); v != "9.0.0" {
		t.Errorf("chart version %v", v)
	}
	if n := len(g.ByType(crdType)); n != 0 {
		t.Errorf("SkipCRDs registered %d CRDs", n)
	}
}

func TestComponentInGovCloud(t *testing.T) {
	var ctl *LBCRelease
	run := func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
		if err != nil {
			return err
		}
		ctl, err = NewLBCRelease(ctx, "lbc", &LBCReleaseArgs{Cluster: clusterref.Cluster{
			Name: pulumi.String("gov"), Region: pulumi.String("us-gov-west-1"), VpcID: pulumi.String(testVpc),
			OIDCProviderARN:    pulumi.String("arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/AB"),
			KubernetesProvider: k8s, FargateOnly: true,
		}})
		return err
	}
	g, err := mockstack.Run(run, mockstack.WithRegion("us-gov-west-1"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sdk.IAMPolicy(DefaultVersion, "aws-us-gov")
	if got := one(t, g, "aws:iam/policy:Policy", "lbc-policy").InputString("policy"); got != want {
		t.Errorf("GovCloud policy %s", got)
	}
	if ctl.Version != "v3.5.0" || ctl.ChartVersion != "3.5.0" || ctl.Namespace != "kube-system" || len(ctl.Ready()) != 1 {
		t.Errorf("component fields %+v", ctl)
	}
}

func TestComponentRefused(t *testing.T) {
	tests := []struct {
		name string
		args LBCReleaseArgs
		is   error
		want string
	}{
		{"instance on fargate", LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Settings: Settings{DefaultTargetType: TargetInstance}}}, ErrInstanceOnFargate, "impossible on Fargate"},
		{"unknown version", LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Settings: Settings{Version: "v2.12.0"}}}, ErrUnknownVersion, "needs PolicyJSON and ChartVersion"},
		{"role arn", LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Settings: Settings{ServiceAccountRoleARN: "arn:aws:iam::123456789012:role/x"}}}, ErrInvalidSpec, "creates the controller's role"},
		{"namespace", LBCReleaseArgs{ReleaseSpec: ReleaseSpec{Namespace: "Kube_System"}}, ErrInvalidSpec, "Kube_System"},
		{"bad custom policy", LBCReleaseArgs{ReleaseSpec: ReleaseSpec{PolicyJSON: "{}"}}, ErrInvalidSpec, "custom policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := mockstack.Run(program(tt.args, nil))
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %v mentioning %q", err, tt.is, tt.want)
			}
			for _, r := range g.Resources {
				if r.Type == TypeToken || r.Parent != "" && strings.Contains(r.Parent, TypeToken) {
					t.Errorf("refused spec registered %s %s", r.Type, r.Name)
				}
			}
		})
	}
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewLBCRelease(ctx, "lbc", &LBCReleaseArgs{})
		return err
	})
	if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "Cluster is required") || g.Len() != 0 {
		t.Errorf("no cluster: %v, %d resources", err, g.Len())
	}
}
