package lbc

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/types"

	"github.com/fargatekit/fargatekit/internal/mockstack"
	sdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

const classType = "kubernetes:gateway.networking.k8s.io/v1:GatewayClass"

// TestComponentGatewayAPI: with GatewayAPI the component registers one
// child per Gateway API CRD, named by CRD name, before the release (which
// depends on each), and one per GatewayClass, named by class name, after
// it; all parented to the component, through the cluster's provider.
func TestComponentGatewayAPI(t *testing.T) {
	var ctl *LBCRelease
	g, err := mockstack.Run(program(LBCReleaseArgs{GatewayAPI: &GatewayAPISpec{}}, &ctl))
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	comp := one(t, g, TypeToken, "lbc")
	rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	crds, _ := sdk.GatewayAPICRDs()
	n := 0
	for _, r := range g.ByType(crdType) {
		if strings.HasPrefix(r.Name, "lbc-gatewayapi-") {
			n++
		}
	}
	if n != len(crds) {
		t.Errorf("%d Gateway API CRD children, want %d\n%s", n, len(crds), g.Tree())
	}
	var crdRes []*mockstack.Resource
	for _, c := range crds {
		r := one(t, g, crdType, "lbc-gatewayapi-"+c.Name)
		crdRes = append(crdRes, r)
		if g.ParentOf(r) != comp || !strings.Contains(r.Provider, "::k8s::") {
			t.Errorf("%s: parent %s provider %s", c.Name, r.Parent, r.Provider)
		}
		if r.InputString("metadata.name") != c.Name || r.InputString("spec.group") != "gateway.networking.k8s.io" {
			t.Errorf("%s: inputs name %q group %q", c.Name, r.InputString("metadata.name"), r.InputString("spec.group"))
		}
		if r.InputString(`metadata.annotations["gateway.networking.k8s.io/bundle-version"]`) != sdk.GatewayAPIBundleVersion {
			t.Errorf("%s: bundle annotation lost", c.Name)
		}
		if !g.DependsOn(rel, r) {
			t.Errorf("release does not wait for %s", c.Name)
		}
		if ctl.GatewayAPI.CRDs[c.Name] == nil {
			t.Errorf("LBCRelease.GatewayAPI.CRDs lacks %s", c.Name)
		}
	}
	for name, controller := range map[string]string{"alb": sdk.GatewayControllerALB, "nlb": sdk.GatewayControllerNLB} {
		gc := one(t, g, classType, "lbc-gatewayclass-"+name)
		if gc.InputString("metadata.name") != name || gc.InputString("spec.controllerName") != controller {
			t.Errorf("GatewayClass %s: %v", name, gc.Inputs)
		}
		if g.ParentOf(gc) != comp || !strings.Contains(gc.Provider, "::k8s::") {
			t.Errorf("GatewayClass %s: parent %s provider %s", name, gc.Parent, gc.Provider)
		}
		if !g.DependsOn(gc, rel) || !g.DependsOn(gc, crdRes[0]) {
			t.Errorf("GatewayClass %s is not ordered after the release and the CRDs", name)
		}
		if gc.Order < rel.Order {
			t.Errorf("GatewayClass %s registered before the release", name)
		}
		if ctl.GatewayAPI.Classes[name] == nil {
			t.Errorf("LBCRelease.GatewayAPI.Classes lacks %s", name)
		}
	}
	// Ready is still the release: Gateways created after it find the CRDs.
	if r := ctl.Ready(); len(r) != 1 || r[0] != ctl.Release {
		t.Errorf("Ready() = %v", r)
	}
}

// TestComponentGatewayAPINames: child names come from class names, never
// list positions; SkipCRDs registers no CRD; without GatewayAPI nothing.
func TestComponentGatewayAPINames(t *testing.T) {
	classes := []GatewayClassSpec{
		{Name: "public", Controller: ALBGateway, LoadBalancerConfiguration: &types.NamespacedName{Namespace: "edge", Name: "public"}},
		{Name: "internal", Controller: ALBGateway},
	}
	names := func(spec *GatewayAPISpec) []string {
		g, err := mockstack.Run(program(LBCReleaseArgs{GatewayAPI: spec}, nil))
		if err != nil {
			t.Fatalf("%v\n%s", err, g.Tree())
		}
		var out []string
		for _, typ := range []string{crdType, classType} {
			for _, r := range g.ByType(typ) {
				if strings.HasPrefix(r.Name, "lbc-gatewayapi-") || strings.HasPrefix(r.Name, "lbc-gatewayclass-") {
					out = append(out, r.Name) // not the chart's CRDs, children with or without GatewayAPI
				}
			}
		}
		slices.Sort(out)
		return out
	}
	a := names(&GatewayAPISpec{Classes: classes, SkipCRDs: true})
	b := names(&GatewayAPISpec{Classes: []GatewayClassSpec{classes[1], classes[0]}, SkipCRDs: true})
	if want := []string{"lbc-gatewayclass-internal", "lbc-gatewayclass-public"}; !slices.Equal(a, want) || !slices.Equal(b, want) {
		t.Errorf("children %v and %v, want %v", a, b, want)
	}
	if got := names(nil); len(got) != 0 {
		t.Errorf("without GatewayAPI: %v", got)
	}
}

// TestComponentGatewayAPIRefused: a spec the Gateway API cannot serve
// registers nothing.
func TestComponentGatewayAPIRefused(t *testing.T) {
	for name, args := range map[string]LBCReleaseArgs{
		"v3.4.3 is built for another Gateway API": {ReleaseSpec: ReleaseSpec{Settings: Settings{Version: "v3.4.3"}}, GatewayAPI: &GatewayAPISpec{}},
		"ALB gate off": {ReleaseSpec: ReleaseSpec{Settings: Settings{FeatureGates: FeatureGateSettings{"ALBGatewayAPI": false}}},
			GatewayAPI: &GatewayAPISpec{}},
	} {
		t.Run(name, func(t *testing.T) {
			g, err := mockstack.Run(program(args, nil))
			if !errors.Is(err, ErrInvalidSpec) && !errors.Is(err, sdk.ErrGatewayAPIVersion) {
				t.Fatalf("error %v", err)
			}
			if n := len(g.ByType(TypeToken)); n != 0 {
				t.Errorf("refused spec registered %d components\n%s", n, g.Tree())
			}
		})
	}
}

// TestComponentAdditionalPolicies: asked for, or implied by a feature gate,
// each optional policy is a child named after it, rendered by the SDK for
// the cluster's partition and attached to the controller's role before the
// release.
func TestComponentAdditionalPolicies(t *testing.T) {
	g, err := mockstack.Run(program(LBCReleaseArgs{ReleaseSpec: ReleaseSpec{
		AdditionalPolicies: []AdditionalPolicy{PolicyCertificateManagement},
		Settings:           Settings{FeatureGates: FeatureGateSettings{"GlobalAcceleratorController": true}},
	}}, nil))
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	comp := one(t, g, TypeToken, "lbc")
	rel := one(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	for _, p := range []AdditionalPolicy{PolicyCertificateManagement, PolicyGlobalAccelerator} {
		pol := one(t, g, "aws:iam/policy:Policy", "lbc-policy-"+string(p))
		want, _ := sdk.AdditionalPolicyDocument(p, "", "aws")
		if pol.InputString("policy") != want || g.ParentOf(pol) != comp {
			t.Errorf("%s: policy %s parent %s", p, pol.InputString("policy"), pol.Parent)
		}
		arn := "arn:aws:iam::123456789012:policy/lbc-policy-" + string(p)
		attached := false
		for _, a := range g.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
			if a.InputString("policyArn") == arn {
				attached = true
				if !g.DependsOn(rel, a) {
					t.Errorf("%s: release does not wait for the attachment", p)
				}
			}
		}
		if !attached {
			t.Errorf("%s not attached\n%s", p, g.Tree("policyArn"))
		}
	}
	if g.DependsOn(rel, one(t, g, "aws:iam/policy:Policy", "lbc-policy")) == false {
		t.Error("release does not reach the base policy")
	}
}
