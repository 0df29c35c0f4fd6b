package irsa

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	sdk "github.com/fargatekit/fargatekit/sdk/irsa"
)

const (
	typeRole       = "aws:iam/role:Role"
	typeAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeRolePolicy = "aws:iam/rolePolicy:RolePolicy"
	typeSA         = "kubernetes:core/v1:ServiceAccount"
	typeOIDC       = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	typeAssoc      = "aws:eks/podIdentityAssociation:PodIdentityAssociation"

	testProviderARN  = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	testProviderARN2 = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C1DD1C0FFEE5C1DD1C0FFEE5C1DD1C0"
)

// rawProvider is a provider resource registered by type token.
type rawProvider struct{ pulumi.ProviderResourceState }

// testCluster is a Static ClusterRef with a Kubernetes provider created in ctx.
func testCluster(ctx *pulumi.Context, fargateOnly bool) (clusterref.Cluster, error) {
	k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
	if err != nil {
		return clusterref.Cluster{}, err
	}
	return clusterref.Cluster{
		Name: pulumi.String("demo"), Region: pulumi.String("us-west-2"),
		OIDCProviderARN:    pulumi.String(testProviderARN),
		OIDCIssuerURL:      pulumi.String("https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"),
		KubernetesProvider: k8s, FargateOnly: fargateOnly, HasFargateProfiles: true,
	}, nil
}

func mustOne(t *testing.T, g *mockstack.Graph, typ, name string) *mockstack.Resource {
	t.Helper()
	r, err := g.One(typ, name)
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Tree())
	}
	return r
}

func TestNewIRSARoleFull(t *testing.T) {
	sas := []ServiceAccount{{Namespace: "kube-system", Name: "aws-load-balancer-controller"}, {Namespace: "apps", Name: "web"}}
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		c, err := testCluster(ctx, true)
		if err != nil {
			return err
		}
		// An explicit AWS provider, registered directly so the test does not
		// compile pulumi-aws's root package.
		awsp := &rawProvider{}
		if err := ctx.RegisterResource("pulumi:providers:aws", "aws", pulumi.Map{"region": pulumi.String("us-west-2")}, awsp); err != nil {
			return err
		}
		r, err := NewIRSARole(ctx, "lbc", &IRSARoleArgs{
			Cluster: c, ServiceAccounts: sas, Path: "/irsa/", MaxSessionDuration: 7200,
			Tags:                 map[string]string{"team": "platform"},
			PolicyARNs:           []pulumi.StringInput{pulumi.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), pulumi.String("arn:aws:iam::123456789012:policy/lbc")},
			InlinePolicies:       map[string]pulumi.StringInput{"s3": pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)},
			PermissionsBoundary:  pulumi.String("arn:aws:iam::123456789012:policy/boundary"),
			RegionalSTSEndpoints: true,
			ServiceAccountLabels: map[string]string{"app": "lbc"},
		}, pulumi.Provider(awsp))
		if err != nil {
			return err
		}
		if len(r.ServiceAccounts) != 2 || len(r.Attachments) != 2 || len(r.InlinePolicies) != 1 {
			t.Errorf("result: %d SAs, %d attachments, %d inline", len(r.ServiceAccounts), len(r.Attachments), len(r.InlinePolicies))
		}
		if n := len(r.Ready()); n != 6 {
			t.Errorf("Ready() has %d resources, want 6", n)
		}
		// A user of the role, registered right away: it must wait for every
		// child, which a dependency on the component does not guarantee.
		return ctx.RegisterResource("test:index:User", "user", pulumi.Map{}, &rawResource{}, r.DependsOn())
	})
	if err != nil {
		t.Fatal(err)
	}
	comp := mustOne(t, g, TypeToken, "lbc")
	role := mustOne(t, g, typeRole, "lbc")
	want, err := sdk.TrustPolicy(testProviderARN, sas...)
	if err != nil {
		t.Fatal(err)
	}
	if got := role.InputString("assumeRolePolicy"); got != want {
		t.Errorf("trust policy:\n got %s\nwant %s", got, want)
	}
	for path, want := range map[string]any{"path": "/irsa/", "maxSessionDuration": 7200.0, "tags.team": "platform",
		"permissionsBoundary": "arn:aws:iam::123456789012:policy/boundary"} {
		if got, _ := role.Input(path); got != want {
			t.Errorf("role %s = %v, want %v", path, got, want)
		}
	}
	if !strings.Contains(role.Provider, "pulumi:providers:aws::aws::") {
		t.Errorf("aws provider not passed through to the role: %q", role.Provider)
	}
	roleARN := "arn:aws:iam::123456789012:role/irsa/lbc"
	for i, arn := range []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/lbc"} {
		a := mustOne(t, g, typeAttachment, "lbc-attach-"+string(rune('0'+i)))
		if a.InputString("policyArn") != arn || a.InputString("role") != "lbc" || g.ParentOf(a) != comp || !g.DependsOn(a, role) {
			t.Errorf("attachment %d: %v parent %v", i, a.Inputs, a.Parent)
		}
	}
	inl := mustOne(t, g, typeRolePolicy, "lbc-inline-s3")
	if inl.InputString("name") != "s3" || !strings.Contains(inl.InputString("policy"), "s3:ListAllMyBuckets") || g.ParentOf(inl) != comp {
		t.Errorf("inline policy: %v", inl.Inputs)
	}
	for _, sa := range sas {
		r := mustOne(t, g, typeSA, "lbc-sa-"+sa.String())
		if g.ParentOf(r) != comp {
			t.Errorf("%s: parent %s", sa, r.Parent)
		}
		if !strings.Contains(r.Provider, "pulumi:providers:kubernetes::k8s::") {
			t.Errorf("%s: kubernetes provider not used: %q", sa, r.Provider)
		}
		if r.InputString("metadata.name") != sa.Name || r.InputString("metadata.namespace") != sa.Namespace {
			t.Errorf("%s: metadata %v", sa, r.Inputs)
		}
		if got := r.InputString(`metadata.annotations["eks.amazonaws.com/role-arn"]`); got != roleARN {
			t.Errorf("%s: role-arn annotation %q, want %q", sa, got, roleARN)
		}
		if got := r.InputString(`metadata.annotations["eks.amazonaws.com/sts-regional-endpoints"]`); got != "true" {
			t.Errorf("%s: sts-regional-endpoints %q", sa, got)
		}
		if r.InputString("metadata.labels.app") != "lbc" || !g.DependsOn(r, role) {
			t.Errorf("%s: labels or dependency missing", sa)
		}
	}
	if n := len(g.Children(comp)); n != 6 {
		t.Errorf("%d children, want 6\n%s", n, g.Tree())
	}
	user := mustOne(t, g, "test:index:User", "user")
	for _, child := range g.Children(comp) {
		if !g.DependsOn(user, child) {
			t.Errorf("user does not wait for %s %s", child.Type, child.Name)
		}
	}
}

func TestNewIRSARoleVariants(t *testing.T) {
	tests := []struct {
		name      string
		args      func(c clusterref.Cluster) *IRSARoleArgs
		sas       []string // ServiceAccount children expected
		trustHas  []string
		roleNamed string
	}{
		{
			name: "role only, no provider needed",
			args: func(clusterref.Cluster) *IRSARoleArgs {
				return &IRSARoleArgs{OIDCProviderARN: pulumi.String(testProviderARN), RoleOnly: true,
					ServiceAccounts: []ServiceAccount{{Namespace: "kube-system", Name: "x"}}, RoleName: "fixed-name"}
			},
			trustHas:  []string{`"StringEquals":{"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":"sts.amazonaws.com","oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":"system:serviceaccount:kube-system:x"}`},
			roleNamed: "fixed-name",
		},
		{
			name: "wildcard: SA objects only for exact names, StringLike sub",
			args: func(c clusterref.Cluster) *IRSARoleArgs {
				return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "ci", Name: "runner-*"}, {Namespace: "ci", Name: "controller"}}}
			},
			sas:      []string{"ci/controller"},
			trustHas: []string{`"StringLike":{`, `"system:serviceaccount:ci:runner-*"`, `"StringEquals":{"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":"sts.amazonaws.com"}`},
		},
		{
			name: "explicit provider ARN and Kubernetes provider override the cluster's",
			args: func(c clusterref.Cluster) *IRSARoleArgs {
				return &IRSARoleArgs{Cluster: c, OIDCProviderARN: pulumi.String(testProviderARN2), KubernetesProvider: c.KubernetesProvider,
					ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}}
			},
			sas:      []string{"a/b"},
			trustHas: []string{testProviderARN2, "oidc.eks.eu-west-1.amazonaws.com/id/5C1DD1C0FFEE5C1DD1C0FFEE5C1DD1C0:sub"},
		},
		{
			name: "extra provider: one statement per cluster",
			args: func(c clusterref.Cluster) *IRSARoleArgs {
				return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}},
					ExtraProviders: []ExtraProvider{{OIDCProviderARN: pulumi.String(testProviderARN2), ServiceAccounts: []ServiceAccount{{Namespace: "c", Name: "d"}}}}}
			},
			sas:      []string{"a/b"},
			trustHas: []string{`"Federated":"` + testProviderARN + `"`, `"Federated":"` + testProviderARN2 + `"`, "system:serviceaccount:c:d"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := mockstack.Run(func(ctx *pulumi.Context) error {
				c, err := testCluster(ctx, true)
				if err != nil {
					return err
				}
				_, err = NewIRSARole(ctx, "r", tt.args(c))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			role := mustOne(t, g, typeRole, "r")
			trust := role.InputString("assumeRolePolicy")
			for _, s := range tt.trustHas {
				if !strings.Contains(trust, s) {
					t.Errorf("trust policy lacks %s:\n%s", s, trust)
				}
			}
			var got []string
			for _, r := range g.ByType(typeSA) {
				got = append(got, strings.TrimPrefix(r.Name, "r-sa-"))
			}
			if strings.Join(got, ",") != strings.Join(tt.sas, ",") {
				t.Errorf("ServiceAccounts %v, want %v", got, tt.sas)
			}
			if tt.roleNamed != "" && role.InputString("name") != tt.roleNamed {
				t.Errorf("role name %q", role.InputString("name"))
			}
		})
	}
}

func TestNewIRSARoleRefusedRegistersNothing(t *testing.T) {
	var many []ServiceAccount
	for i := range 40 {
		many = append(many, ServiceAccount{Namespace: "namespace-number-" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Name: "service-account"})
	}
	tests := []struct {
		name string
		args func(c clusterref.Cluster) *IRSARoleArgs
		want error
	}{
		{"nil args", func(clusterref.Cluster) *IRSARoleArgs { return nil }, ErrInvalidSpec},
		{"no provider ARN", func(clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}, RoleOnly: true}
		}, ErrInvalidProviderARN},
		{"no service accounts", func(c clusterref.Cluster) *IRSARoleArgs { return &IRSARoleArgs{Cluster: c} }, ErrNoServiceAccounts},
		{"bad name", func(c clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "B_ad"}}}
		}, ErrInvalidServiceAccount},
		{"cross-namespace wildcard", func(c clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "team-*", Name: "b"}}}
		}, ErrCrossNamespaceWildcard},
		{"duplicate", func(c clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}, {Namespace: "a", Name: "b"}}}
		}, ErrDuplicate},
		{"over the quota whatever the ARN", func(c clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{Cluster: c, ServiceAccounts: many}
		}, ErrPolicyTooLarge},
		{"quota above IAM's limit", func(c clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}, MaxTrustPolicySize: 10000}
		}, ErrInvalidMaxSize},
		{"no Kubernetes provider", func(clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{OIDCProviderARN: pulumi.String(testProviderARN), ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}}
		}, ErrInvalidSpec},
		{"bad role settings", func(c clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}, MaxSessionDuration: 60, Path: "nope",
				InlinePolicies: map[string]pulumi.StringInput{"bad name": pulumi.String("{}")}, RoleName: strings.Repeat("r", 65)}
		}, ErrInvalidRole},
		{"nil policy ARN", func(c clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}, PolicyARNs: []pulumi.StringInput{nil}}
		}, ErrInvalidRole},
		{"extra provider without ARN", func(c clusterref.Cluster) *IRSARoleArgs {
			return &IRSARoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}, ExtraProviders: []ExtraProvider{{ServiceAccounts: []ServiceAccount{{Namespace: "c", Name: "d"}}}}}
		}, ErrInvalidProviderARN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var newErr error
			g, err := mockstack.Run(func(ctx *pulumi.Context) error {
				c, err := testCluster(ctx, true)
				if err != nil {
					return err
				}
				_, newErr = NewIRSARole(ctx, "r", tt.args(c))
				return newErr
			})
			if err == nil || !errors.Is(newErr, tt.want) {
				t.Fatalf("err = %v, want %v", newErr, tt.want)
			}
			if !strings.HasPrefix(newErr.Error(), "irsa: NewIRSARole r: ") {
				t.Errorf("error not prefixed: %v", newErr)
			}
			for _, r := range g.Resources {
				if !strings.HasPrefix(r.Type, "pulumi:providers:") {
					t.Errorf("refused spec registered %s %s", r.Type, r.Name)
				}
			}
		})
	}
}

func TestNewIRSARoleBadProviderARNOutput(t *testing.T) {
	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewIRSARole(ctx, "r", &IRSARoleArgs{RoleOnly: true,
			OIDCProviderARN: pulumi.String("arn:aws:iam::123456789012:role/not-a-provider"),
			ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "invalid OIDC provider ARN") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewOIDCProvider(t *testing.T) {
	const issuer = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	tests := []struct {
		name        string
		args        *OIDCProviderArgs
		thumbprints []any
		clientIDs   []any
	}{
		{"no thumbprint", &OIDCProviderArgs{IssuerURL: pulumi.String(issuer)}, nil, []any{"sts.amazonaws.com"}},
		{"thumbprint and client IDs", &OIDCProviderArgs{IssuerURL: pulumi.String(issuer),
			Thumbprints: []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}, ClientIDs: []string{"sts.amazonaws.com", "other"}},
			[]any{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}, []any{"sts.amazonaws.com", "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var arn pulumi.StringOutput
			var roleTrust string
			g, err := mockstack.Run(func(ctx *pulumi.Context) error {
				p, err := NewOIDCProvider(ctx, "oidc", tt.args)
				if err != nil {
					return err
				}
				arn = p.Arn
				_, err = NewIRSARole(ctx, "r", &IRSARoleArgs{OIDCProviderARN: p.Arn, RoleOnly: true, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			_ = arn
			comp := mustOne(t, g, OIDCProviderTypeToken, "oidc")
			p := mustOne(t, g, typeOIDC, "oidc")
			if g.ParentOf(p) != comp || p.InputString("url") != issuer {
				t.Errorf("provider: parent %s url %q", p.Parent, p.InputString("url"))
			}
			if got, _ := p.Input("thumbprintLists"); !equalAny(got, tt.thumbprints) {
				t.Errorf("thumbprintLists = %v, want %v", got, tt.thumbprints)
			}
			if got, _ := p.Input("clientIdLists"); !equalAny(got, tt.clientIDs) {
				t.Errorf("clientIdLists = %v, want %v", got, tt.clientIDs)
			}
			roleTrust = mustOne(t, g, typeRole, "r").InputString("assumeRolePolicy")
			want, _ := sdk.TrustPolicy("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", ServiceAccount{Namespace: "a", Name: "b"})
			if roleTrust != want {
				t.Errorf("trust from the provider's Arn output:\n got %s\nwant %s", roleTrust, want)
			}
			if !g.DependsOn(mustOne(t, g, typeRole, "r"), comp) {
				t.Error("role does not wait for the provider")
			}
		})
	}
}

func equalAny(got any, want []any) bool {
	g, _ := got.([]any)
	if len(g) != len(want) {
		return false
	}
	for i := range g {
		if g[i] != want[i] {
			return false
		}
	}
	return true
}

func TestNewOIDCProviderRefused(t *testing.T) {
	tests := []struct {
		name string
		args *OIDCProviderArgs
		want error
	}{
		{"nil", nil, ErrInvalidSpec},
		{"no issuer", &OIDCProviderArgs{}, ErrInvalidIssuer},
		{"bad thumbprint", &OIDCProviderArgs{IssuerURL: pulumi.String("https://x"), Thumbprints: []string{"abc"}}, ErrInvalidIssuer},
		{"empty client IDs", &OIDCProviderArgs{IssuerURL: pulumi.String("https://x"), ClientIDs: []string{}}, ErrInvalidIssuer},
		{"duplicate client IDs", &OIDCProviderArgs{IssuerURL: pulumi.String("https://x"), ClientIDs: []string{"a", "a"}}, ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var newErr error
			g, _ := mockstack.Run(func(ctx *pulumi.Context) error {
				_, newErr = NewOIDCProvider(ctx, "oidc", tt.args)
				return newErr
			})
			if !errors.Is(newErr, tt.want) || g.Len() != 0 {
				t.Fatalf("err = %v, registered %d", newErr, g.Len())
			}
		})
	}
	// An issuer URL known only as an output is checked when it resolves.
	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		_, err := NewOIDCProvider(ctx, "oidc", &OIDCProviderArgs{IssuerURL: pulumi.String("http://insecure.example.com")})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "https://") {
		t.Fatalf("http issuer accepted: %v", err)
	}
}

func TestNewPodIdentityRole(t *testing.T) {
	sas := []ServiceAccount{{Namespace: "apps", Name: "web"}, {Namespace: "apps", Name: "worker"}}
	g, err := mockstack.Run(func(ctx *pulumi.Context) error {
		c, err := testCluster(ctx, false)
		if err != nil {
			return err
		}
		r, err := NewPodIdentityRole(ctx, "pi", &PodIdentityRoleArgs{Cluster: c, ServiceAccounts: sas,
			PolicyARNs: []pulumi.StringInput{pulumi.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}})
		if err != nil {
			return err
		}
		if len(r.Associations) != 2 || len(r.ServiceAccounts) != 2 {
			t.Errorf("%d associations, %d SAs", len(r.Associations), len(r.ServiceAccounts))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	comp := mustOne(t, g, PodIdentityRoleTypeToken, "pi")
	role := mustOne(t, g, typeRole, "pi")
	want, _ := sdk.PodIdentityTrustPolicy()
	if got := role.InputString("assumeRolePolicy"); got != want {
		t.Errorf("trust = %s", got)
	}
	mustOne(t, g, typeAttachment, "pi-attach-0")
	for _, sa := range sas {
		a := mustOne(t, g, typeAssoc, "pi-assoc-"+sa.String())
		if a.InputString("clusterName") != "demo" || a.InputString("namespace") != sa.Namespace ||
			a.InputString("serviceAccount") != sa.Name || a.InputString("roleArn") != "arn:aws:iam::123456789012:role/pi" || g.ParentOf(a) != comp {
			t.Errorf("association %s: %v", sa, a.Inputs)
		}
		k := mustOne(t, g, typeSA, "pi-sa-"+sa.String())
		if v, ok := k.Input("metadata.annotations"); ok && v != nil {
			t.Errorf("Pod Identity SA annotated: %v", v)
		}
	}
}

func TestNewPodIdentityRoleRefused(t *testing.T) {
	tests := []struct {
		name        string
		fargateOnly bool
		args        func(c clusterref.Cluster) *PodIdentityRoleArgs
		want        error
	}{
		{"fargate-only cluster", true, func(c clusterref.Cluster) *PodIdentityRoleArgs {
			return &PodIdentityRoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}}
		}, ErrPodIdentityUnavailable},
		{"no cluster", false, func(clusterref.Cluster) *PodIdentityRoleArgs {
			return &PodIdentityRoleArgs{ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b"}}, RoleOnly: true}
		}, ErrInvalidSpec},
		{"wildcard", false, func(c clusterref.Cluster) *PodIdentityRoleArgs {
			return &PodIdentityRoleArgs{Cluster: c, ServiceAccounts: []ServiceAccount{{Namespace: "a", Name: "b-*"}}}
		}, ErrInvalidServiceAccount},
		{"nil", false, func(clusterref.Cluster) *PodIdentityRoleArgs { return nil }, ErrInvalidSpec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var newErr error
			g, _ := mockstack.Run(func(ctx *pulumi.Context) error {
				c, err := testCluster(ctx, tt.fargateOnly)
				if err != nil {
					return err
				}
				_, newErr = NewPodIdentityRole(ctx, "pi", tt.args(c))
				return newErr
			})
			if !errors.Is(newErr, tt.want) {
				t.Fatalf("err = %v, want %v", newErr, tt.want)
			}
			if tt.want == ErrPodIdentityUnavailable && !strings.Contains(newErr.Error(), "Fargate") {
				t.Errorf("error does not say why: %v", newErr)
			}
			if n := g.Len(); n != 1 { // only the test's Kubernetes provider
				t.Errorf("refused spec registered %d resources\n%s", n-1, g.Tree())
			}
		})
	}
}

// rawResource is a custom resource of any type, for registering test users.
type rawResource struct{ pulumi.CustomResourceState }
