package mockstack

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// pair is a tiny component: a role, then a ServiceAccount annotated with the
// role's ARN, which explicitly depends on a marker role too.
type pair struct {
	pulumi.ResourceState
	Role, Marker *iam.Role
	SA           *corev1.ServiceAccount
}

func newPair(ctx *pulumi.Context, name string, refuse bool, opts ...pulumi.ResourceOption) (*pair, error) {
	if refuse {
		return nil, errors.New("refused spec")
	}
	c := &pair{}
	if err := ctx.RegisterComponentResource("fargatekit:test:Pair", name, c, opts...); err != nil {
		return nil, err
	}
	var err error
	c.Marker, err = iam.NewRole(ctx, name+"-marker", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	c.Role, err = iam.NewRole(ctx, name, &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Path: pulumi.String("/x/")}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	c.SA, err = corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(name), Annotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": c.Role.Arn}},
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{c.Marker}))
	if err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"roleArn": c.Role.Arn})
}

func TestRecordsParentsDependenciesAndInputs(t *testing.T) {
	g, err := Run(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
		if err != nil {
			return err
		}
		p, err := newPair(ctx, "app", false, pulumi.Providers(k8s))
		if err != nil {
			return err
		}
		// The SDK expands a dependency on a component into the children that
		// have called addChild so far, which each does in its registration
		// goroutine before its URN resolves: wait for the URNs, or the edge
		// below is racy (it failed in a CI rehearsal).
		done := make(chan struct{})
		pulumi.All(p.Role.URN(), p.Marker.URN(), p.SA.URN()).ApplyT(func([]any) error { close(done); return nil })
		<-done
		_, err = iam.NewRole(ctx, "after", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")}, pulumi.DependsOn([]pulumi.Resource{p}))
		return err
	}, WithAccount("210987654321"))
	if err != nil {
		t.Fatal(err)
	}
	comp, err := g.One("fargatekit:test:Pair", "app")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.Children(comp)); n != 3 {
		t.Fatalf("component has %d children, want 3\n%s", n, g.Tree())
	}
	role, _ := g.One("aws:iam/role:Role", "app")
	sa, _ := g.One("kubernetes:core/v1:ServiceAccount", "app")
	marker, _ := g.One("aws:iam/role:Role", "app-marker")
	after, _ := g.One("aws:iam/role:Role", "after")
	if g.ParentOf(sa) != comp || !g.IsDescendant(role, comp) {
		t.Fatal("parent edges not recorded")
	}
	if !strings.HasPrefix(sa.Provider, "urn:pulumi:test::fargatekit::pulumi:providers:kubernetes::k8s::") {
		t.Fatalf("provider not passed through: %q", sa.Provider)
	}
	if got := sa.InputString(`metadata.annotations["eks.amazonaws.com/role-arn"]`); got != "arn:aws:iam::210987654321:role/x/app" {
		t.Fatalf("annotation = %q", got)
	}
	if !g.DependsOn(sa, marker) || !g.DependsOn(sa, role) {
		t.Fatal("explicit and property dependencies not recorded")
	}
	if g.DependsOn(marker, sa) {
		t.Fatal("reverse edge reported")
	}
	if path := g.DependencyPath(after, comp); path == nil {
		t.Fatal("dependsOn a component is not a path to it")
	}
	if !strings.Contains(g.Tree(), "fargatekit:test:Pair app\n  aws:iam/role:Role app\n") {
		t.Fatalf("tree:\n%s", g.Tree())
	}
}

func TestRefusedSpecRegistersNothing(t *testing.T) {
	g, err := Run(func(ctx *pulumi.Context) error {
		_, err := newPair(ctx, "bad", true)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "refused spec") {
		t.Fatalf("err = %v", err)
	}
	if g.Len() != 0 {
		t.Fatalf("registered %d resources", g.Len())
	}
}

func TestInvokes(t *testing.T) {
	g, err := Run(func(ctx *pulumi.Context) error {
		_, err := iam.NewRole(ctx, "r", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Name: pulumi.String("fixed")})
		return err
	}, WithRegion("cn-north-1"))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := g.One("aws:iam/role:Role", "r")
	if a, _ := r.Output("arn"); a != "arn:aws-cn:iam::123456789012:role/fixed" {
		t.Fatalf("arn = %v", a)
	}
	m := &monitor{s: &settings{region: "us-east-1", account: "123456789012", calls: map[string]CallFunc{}}}
	out, err := m.Call(pulumiCall("aws:index/getCallerIdentity:getCallerIdentity"))
	if err != nil || out["accountId"].StringValue() != "123456789012" {
		t.Fatalf("getCallerIdentity: %v %v", out, err)
	}
	if _, err := m.Call(pulumiCall("aws:nope")); err == nil {
		t.Fatal("unknown invoke answered")
	}
}

func pulumiCall(tok string) pulumi.MockCallArgs { return pulumi.MockCallArgs{Token: tok} }

// The subnets given WithSubnets answer the provider's subnet and route
// table invokes: listed by VPC, described with zone and tags, each with its
// own route table or the VPC's main one, public ones routing to an
// internet gateway; an unknown subnet is not found.
func TestSubnetInvokes(t *testing.T) {
	net := WithSubnets(
		Subnet{ID: "subnet-a", VpcID: "vpc-1", Zone: "us-west-2a", ZoneID: "usw2-az1", Tags: map[string]string{"team": "x"}},
		Subnet{ID: "subnet-b", VpcID: "vpc-1", Zone: "us-west-2b", ZoneID: "usw2-az2", Public: true, MainRouteTable: true},
		Subnet{ID: "subnet-c", VpcID: "vpc-2"},
	)
	_, err := Run(func(ctx *pulumi.Context) error {
		in, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{Filters: []ec2.GetSubnetsFilter{{Name: "vpc-id", Values: []string{"vpc-1"}}}})
		if err != nil || !slices.Equal(in.Ids, []string{"subnet-a", "subnet-b"}) {
			t.Errorf("getSubnets = %v, %v", in, err)
		}
		a, err := ec2.LookupSubnet(ctx, &ec2.LookupSubnetArgs{Id: pulumi.StringRef("subnet-a")})
		if err != nil || a.VpcId != "vpc-1" || a.AvailabilityZone != "us-west-2a" || a.AvailabilityZoneId != "usw2-az1" || a.Tags["team"] != "x" {
			t.Errorf("getSubnet = %+v, %v", a, err)
		}
		if _, err := ec2.LookupSubnet(ctx, &ec2.LookupSubnetArgs{Id: pulumi.StringRef("subnet-x")}); err == nil {
			t.Error("unknown subnet found")
		}
		tables := func(filter, value string) []string {
			got, err := ec2.GetRouteTables(ctx, &ec2.GetRouteTablesArgs{VpcId: pulumi.StringRef("vpc-1"), Filters: []ec2.GetRouteTablesFilter{{Name: filter, Values: []string{value}}}})
			if err != nil {
				t.Fatal(err)
			}
			return got.Ids
		}
		if own, none, main := tables("association.subnet-id", "subnet-a"), tables("association.subnet-id", "subnet-b"), tables("association.main", "true"); !slices.Equal(own, []string{"rtb-subnet-a"}) || len(none) != 0 || !slices.Equal(main, []string{"rtb-main-vpc-1"}) {
			t.Errorf("route tables: own %v, none %v, main %v", own, none, main)
		}
		for id, igw := range map[string]bool{"rtb-subnet-a": false, "rtb-main-vpc-1": true} {
			rt, err := ec2.LookupRouteTable(ctx, &ec2.LookupRouteTableArgs{RouteTableId: pulumi.StringRef(id)})
			if err != nil {
				t.Fatal(err)
			}
			got := slices.ContainsFunc(rt.Routes, func(r ec2.GetRouteTableRoute) bool { return r.GatewayId == "igw-mock" })
			if got != igw {
				t.Errorf("%s routes %+v, internet gateway %v", id, rt.Routes, igw)
			}
		}
		return nil
	}, net)
	if err != nil {
		t.Fatal(err)
	}
}

func TestSplitPath(t *testing.T) {
	tests := map[string]string{
		"a.b[0].c":            "a|b|0|c",
		`m["x.y/z"].k`:        "m|x.y/z|k",
		`m["x"]["y"][2]`:      "m|x|y|2",
		"":                    "",
		"vpcConfig.subnetIds": "vpcConfig|subnetIds",
	}
	for in, want := range tests {
		if got := strings.Join(splitPath(in), "|"); got != want {
			t.Errorf("splitPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// A child does not inherit its component's dependsOn: the harness must not
// report a path that the engine would not honour.
func TestChildrenDoNotInheritParentDependencies(t *testing.T) {
	g, err := Run(func(ctx *pulumi.Context) error {
		first, err := iam.NewRole(ctx, "first", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
		if err != nil {
			return err
		}
		_, err = newPair(ctx, "late", false, pulumi.DependsOn([]pulumi.Resource{first}))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := g.One("aws:iam/role:Role", "first")
	comp, _ := g.One("fargatekit:test:Pair", "late")
	child, _ := g.One("aws:iam/role:Role", "late")
	if !g.DependsOn(comp, first) {
		t.Fatal("component's own dependency not recorded")
	}
	if g.DependsOn(child, first) {
		t.Fatal("child reported as waiting for its parent's dependency")
	}
}

// remoteThing is a remote (multi-language) component, like pulumi-eks's Cluster.
type remoteThing struct {
	pulumi.ResourceState
	Greeting pulumi.StringOutput `pulumi:"greeting"`
	Role     iam.RoleOutput      `pulumi:"role"`
}

func TestRemoteComponentOutputs(t *testing.T) {
	var got, roleName string
	roleURN := "urn:pulumi:test::fargatekit::aws:iam/role:Role::inner"
	g, err := Run(func(ctx *pulumi.Context) error {
		inner, err := iam.NewRole(ctx, "inner", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
		if err != nil {
			return err
		}
		var r remoteThing
		if err := ctx.RegisterRemoteComponentResource("pkg:index:Thing", "t", pulumi.Map{}, &r, pulumi.DependsOn([]pulumi.Resource{inner})); err != nil {
			return err
		}
		pulumi.All(r.Greeting, r.Role.ApplyT(func(x *iam.Role) pulumi.StringOutput { return x.Name })).ApplyT(func(v []any) error {
			got, roleName = v[0].(string), v[1].(string)
			return nil
		})
		return nil
	}, WithOutputs("pkg:index:Thing", func(r *Resource) resource.PropertyMap {
		return resource.PropertyMap{
			"greeting": resource.NewProperty("hello " + r.Name),
			"role":     resource.MakeCustomResourceReference(resource.URN(roleURN), "inner", ""),
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got != "hello t" || roleName != "inner" {
		t.Errorf("remote outputs: greeting %q, role name %q", got, roleName)
	}
	if r, _ := g.One("pkg:index:Thing", "t"); r == nil || r.Custom {
		t.Errorf("remote component not recorded: %+v", r)
	}
}

// TestGetRecordsReads: a Get (ReadResource) is recorded with its parent, the
// ID asked for and Read set; WithOutputs supplies the state read.
func TestGetRecordsReads(t *testing.T) {
	g, err := Run(func(ctx *pulumi.Context) error {
		p, err := newPair(ctx, "p", false)
		if err != nil {
			return err
		}
		cm, err := corev1.GetConfigMap(ctx, "live", pulumi.ID("kube-system/aws-auth"), nil, pulumi.Parent(p))
		if err != nil {
			return err
		}
		cm.Data.ApplyT(func(d map[string]string) error {
			if d["mapRoles"] != "- rolearn: x\n" {
				t.Errorf("read data %q", d)
			}
			return nil
		})
		return nil
	}, WithOutputs("kubernetes:core/v1:ConfigMap", func(r *Resource) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"data": map[string]any{"mapRoles": "- rolearn: x\n"}})
	}))
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.One("kubernetes:core/v1:ConfigMap", "live")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Read || r.ID != "kube-system/aws-auth" || g.ParentOf(r) == nil || g.ParentOf(r).Name != "p" {
		t.Errorf("read recorded as %+v", r)
	}
}

// Every kind of hook a resource is bound to is recorded by name, error hooks included.
func TestRecordsHooks(t *testing.T) {
	g, err := Run(func(ctx *pulumi.Context) error {
		noop := func(*pulumi.ResourceHookArgs) error { return nil }
		hook := func(name string) *pulumi.ResourceHook {
			h, err := ctx.RegisterResourceHook(name, noop, nil)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		retry, err := ctx.RegisterErrorHook("retry", func(*pulumi.ErrorHookArgs) (bool, error) { return false, nil })
		if err != nil {
			return err
		}
		_, err = iam.NewRole(ctx, "hooked", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")}, pulumi.ResourceHooks(&pulumi.ResourceHookBinding{
			BeforeCreate: []*pulumi.ResourceHook{hook("bc")}, AfterCreate: []*pulumi.ResourceHook{hook("ac")},
			BeforeUpdate: []*pulumi.ResourceHook{hook("bu")}, AfterUpdate: []*pulumi.ResourceHook{hook("au")},
			BeforeDelete: []*pulumi.ResourceHook{hook("bd")}, AfterDelete: []*pulumi.ResourceHook{hook("ad")},
			OnError: []*pulumi.ErrorHook{retry},
		}))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.One("aws:iam/role:Role", "hooked")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join([]string{strings.Join(r.BeforeCreate, ","), strings.Join(r.AfterCreate, ","), strings.Join(r.BeforeUpdate, ","),
		strings.Join(r.AfterUpdate, ","), strings.Join(r.BeforeDelete, ","), strings.Join(r.AfterDelete, ","), strings.Join(r.OnError, ",")}, " ")
	if got != "bc ac bu au bd ad retry" {
		t.Errorf("hooks recorded: %q", got)
	}
}

// Destroy goes dependents first, children before their parent.
func TestDestroyOrder(t *testing.T) {
	g, err := Run(func(ctx *pulumi.Context) error {
		p, err := newPair(ctx, "app", false)
		if err != nil {
			return err
		}
		_, err = iam.NewRole(ctx, "user", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}"), Description: p.Role.Arn})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range g.DestroyOrder() {
		names = append(names, r.Name)
	}
	// user needs app's role; the ServiceAccount needs the role and the
	// marker; the component goes after its children.
	pos := func(n string) int { return slices.Index(names, n) }
	if len(names) != g.Len() || pos("user") > pos("app") || pos("app-marker") < 0 {
		t.Fatalf("order %v", names)
	}
	role, sa, comp := -1, -1, -1
	for i, r := range g.DestroyOrder() {
		switch {
		case r.Type == "aws:iam/role:Role" && r.Name == "app":
			role = i
		case r.Type == "kubernetes:core/v1:ServiceAccount":
			sa = i
		case r.Type == "fargatekit:test:Pair":
			comp = i
		}
	}
	if !(sa < role && role < comp && sa < pos("app-marker") && pos("app-marker") < comp) {
		t.Errorf("order %v", names)
	}
}
