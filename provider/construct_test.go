package provider_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration/fake"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	comProvider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"k8s.io/apimachinery/pkg/types"

	"github.com/fargatekit/fargatekit/authmap"
	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/fargatekit/fargatekit/irsa"
	"github.com/fargatekit/fargatekit/lbc"
	"github.com/fargatekit/fargatekit/provider"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// The stack both paths run in: the fake monitor names URNs after
// project and stack, so the Go program runs under the same names.
const (
	project = "project"
	stack   = "stack"
)

// onPath puts executables with the given names in a directory on PATH for
// the test. The components check at construction that the kubeconfig's exec
// plugin exists (kubeauth.CheckExec, skipped under Go mocks but not in a
// provider's Construct); nothing runs it here, and it fails if run.
func onPath(t *testing.T, names ...string) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\necho 'stands in for the exec plugin in provider tests; not to be run' >&2\nexit 1\n"
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// hookMonitor is pulumi-go-provider's fake resource monitor (recording
// into a mockstack monitor) that also accepts resource and error hook
// registrations, as the engine does: the fake answers them Unimplemented,
// and a component whose children bind hooks (FargateCluster's busy retry,
// deletion protection, profile roll and sweeps; LBCRelease's teardown) then
// fails to register them. The bindings themselves are recorded by the
// mockstack monitor with each registration, by hook name, as under Go's
// mocks.
type hookMonitor struct {
	*fake.ResourceMonitorServer
}

// RegisterResourceHook accepts a resource hook.
func (hookMonitor) RegisterResourceHook(context.Context, *pulumirpc.RegisterResourceHookRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// RegisterErrorHook accepts an error hook.
func (hookMonitor) RegisterErrorHook(context.Context, *pulumirpc.RegisterErrorHookRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// viaProvider constructs one component through the plugin's gRPC server
// (p.RawServer, as the engine reaches it), with pulumi-go-provider's fake
// engine and a hookMonitor recording into a mockstack monitor, and returns
// what it registered and the component's state.
func viaProvider(t *testing.T, typ, name string, inputs map[string]any) (*mockstack.Graph, property.Map, error) {
	t.Helper()
	prov, err := provider.New()
	if err != nil {
		t.Fatal(err)
	}
	mon := mockstack.NewMonitor(mockstack.WithStack(project, stack))
	ctx := t.Context()
	engineAddr, engineDone, err := fake.StartEngineServer(ctx, fake.NewEngineServer())
	if err != nil {
		t.Fatal(err)
	}
	monCtx, stop := context.WithCancel(ctx)
	monitorAddr, monitorDone, err := fake.StartMonitorServer(monCtx, hookMonitor{fake.NewResourceMonitorServer(mon)})
	if err != nil {
		t.Fatal(err)
	}
	host, err := comProvider.NewHostClient(engineAddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop()
		<-monitorDone
		_ = host.Close()
		<-engineDone // stopped with the test's context
	})
	srv, err := p.RawServer(provider.Name, "0.0.0", prov)(host)
	if err != nil {
		t.Fatal(err)
	}
	in, err := plugin.MarshalProperties(resource.NewPropertyMapFromMap(inputs), plugin.MarshalOptions{KeepSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Construct(ctx, &pulumirpc.ConstructRequest{
		Project: project, Stack: stack, Type: typ, Name: name, Inputs: in, Parallel: 1,
		MonitorEndpoint: monitorAddr, AcceptsOutputValues: true, Config: map[string]string{},
	})
	if err != nil {
		return mon.Graph(), property.Map{}, err
	}
	state, err := plugin.UnmarshalProperties(resp.GetState(), plugin.MarshalOptions{
		KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return mon.Graph(), resource.FromResourcePropertyMap(state), nil
}

// viaGo runs a Go program under the same recording mocks.
func viaGo(t *testing.T, program pulumi.RunFunc) (*mockstack.Graph, error) {
	t.Helper()
	return mockstack.Run(program, mockstack.WithStack(project, stack))
}

// canon is a property value as comparable JSON: secrets and output values
// unwrapped (a secret kept as {"<secret>": v}), unknowns "<unknown>".
func canon(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return map[string]any{"<secret>": canon(v.SecretValue().Element)}
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return "<unknown>"
		}
		if o.Secret {
			return map[string]any{"<secret>": canon(o.Element)}
		}
		return canon(o.Element)
	case v.IsComputed():
		return "<unknown>"
	case v.IsNull():
		return nil
	case v.IsObject():
		m := map[string]any{}
		for k, x := range v.ObjectValue() {
			m[string(k)] = canon(x)
		}
		return m
	case v.IsArray():
		var a []any
		for _, x := range v.ArrayValue() {
			a = append(a, canon(x))
		}
		return a
	case v.IsResourceReference():
		return "<ref " + string(v.ResourceReferenceValue().URN) + ">"
	}
	return v.V
}

// dump renders a graph one resource a line, sorted by URN: everything a
// registration carries (type, name, parent, provider, dependencies, options,
// hook bindings by name, inputs), so that two graphs are equal iff their
// dumps are.
func dump(g *mockstack.Graph) []string {
	var out []string
	for _, r := range g.Resources {
		if r.Type == string(resource.RootStackType) {
			continue
		}
		parent := r.Parent
		if parent != "" && resource.URN(parent).QualifiedType() == resource.RootStackType {
			parent = ""
		}
		deps := slices.Compact(slices.Sorted(slices.Values(r.DependsOn)))
		propDeps := map[string][]string{}
		for k, v := range r.PropertyDeps {
			if len(v) > 0 {
				propDeps[k] = slices.Compact(slices.Sorted(slices.Values(v)))
			}
		}
		inputs, _ := json.Marshal(canon(resource.NewObjectProperty(r.Inputs)))
		pd, _ := json.Marshal(propDeps)
		out = append(out, fmt.Sprintf("%s custom=%v parent=%s provider=%s read=%v deps=%v propDeps=%s "+
			"protect=%v retain=%v dbr=%v ignore=%v roc=%v deletedWith=%s beforeCreate=%v afterCreate=%v "+
			"beforeUpdate=%v afterUpdate=%v beforeDelete=%v afterDelete=%v onError=%v inputs=%s",
			r.URN, r.Custom, parent, r.Provider, r.Read, deps, pd, r.Protect, r.RetainOnDelete, r.DeleteBeforeReplace,
			r.IgnoreChanges, r.ReplaceOnChanges, r.DeletedWith, r.BeforeCreate, r.AfterCreate, r.BeforeUpdate, r.AfterUpdate,
			r.BeforeDelete, r.AfterDelete, r.OnError, inputs))
	}
	slices.Sort(out)
	return out
}

// sameGraph fails the test where the two graphs differ.
func sameGraph(t *testing.T, goGraph, provGraph *mockstack.Graph) {
	t.Helper()
	g, pr := dump(goGraph), dump(provGraph)
	if len(g) == 0 {
		t.Fatal("the Go program registered nothing")
	}
	for _, l := range g {
		if !slices.Contains(pr, l) {
			t.Errorf("only in Go:\n  %s", l)
		}
	}
	for _, l := range pr {
		if !slices.Contains(g, l) {
			t.Errorf("only through the provider:\n  %s", l)
		}
	}
}

// A cluster as another stack would describe it, in both forms.
const (
	clusterName = "shop"
	region      = "us-west-2"
	vpcID       = "vpc-0123456789abcdef0"
	oidcARN     = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"
	issuer      = "https://oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"
	podRole     = "arn:aws:iam::123456789012:role/shop-pod-execution"
	kubeconfig  = "apiVersion: v1\nkind: Config\nclusters: []\n"
)

func clusterInputs(mode string) map[string]any {
	return map[string]any{
		"name": clusterName, "region": region, "vpcId": vpcID, "oidcProviderArn": oidcARN, "oidcIssuerUrl": issuer,
		"podExecutionRoleArn": podRole, "kubeconfig": kubeconfig, "fargateOnly": true, "hasFargateProfiles": true,
		"authenticationMode": mode,
	}
}

// withProfiles adds fargateProfiles to clusterInputs.
func withProfiles(cluster map[string]any, profiles ...any) map[string]any {
	cluster["fargateProfiles"] = profiles
	return cluster
}

// goCluster is clusterInputs for a Go program: the provider makes the
// Kubernetes provider <component>-k8s from the kubeconfig, so the Go
// program makes the same one.
func goCluster(ctx *pulumi.Context, component, mode string) (clusterref.Cluster, error) {
	k, err := kubernetes.NewProvider(ctx, component+"-k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String(kubeconfig)})
	if err != nil {
		return clusterref.Cluster{}, err
	}
	return clusterref.Cluster{
		Name: pulumi.String(clusterName), Region: pulumi.String(region), VpcID: pulumi.String(vpcID),
		OIDCProviderARN: pulumi.String(oidcARN), OIDCIssuerURL: pulumi.String(issuer),
		PodExecutionRoleARN: pulumi.String(podRole), KubernetesProvider: k, FargateOnly: true, HasFargateProfiles: true, Kubeconfig: pulumi.String(kubeconfig),
		AuthenticationMode: mode,
	}, nil
}

func TestFargateClusterConstruct(t *testing.T) {
	onPath(t, "fargatekit", "fargatekit-admin")
	inputs := map[string]any{
		"clusterName": "demo", "kubernetesVersion": "1.35",
		"vpc": map[string]any{"cidr": "10.20.0.0/16", "azCount": 3, "singleNatGateway": true},
		"fargateProfiles": []any{
			map[string]any{"name": "system", "selectors": []any{map[string]any{"namespace": "kube-system"}}},
			map[string]any{"name": "app", "selectors": []any{map[string]any{"namespace": "game", "labels": map[string]any{"tier": "web"}}},
				"tags": map[string]any{"team": "games"}},
		},
		"secretsEncryption": map[string]any{"createKey": true},
		"logTypes":          []any{"api", "audit"}, "controlPlaneLogRetentionDays": 30, "deletionProtection": true,
		"busyRetry":         map[string]any{"attempts": 3, "backoffSeconds": 5, "maxBackoffSeconds": 60},
		"addons":            map[string]any{"kubeProxy": true, "coreDns": map[string]any{"replicas": 3, "resources": map[string]any{"requests": map[string]any{"cpu": "250m", "memory": "256Mi"}}}},
		"kubeconfigOptions": map[string]any{"profile": "ops"},
		"logging":           map[string]any{"cloudWatch": map[string]any{"retentionDays": 14}, "kubernetesMetadata": true},
		"tags":              map[string]any{"env": "test"},
	}
	goArgs := &eksfargate.FargateClusterArgs{ClusterSpec: eksfargate.ClusterSpec{
		ClusterName: "demo", KubernetesVersion: "1.35",
		VPC: &eksfargate.VPCSpec{CIDR: "10.20.0.0/16", AZCount: 3, SingleNATGateway: true},
		FargateProfiles: []eksfargate.FargateProfile{
			{Name: "system", Selectors: []eksfargate.Selector{{Namespace: "kube-system"}}},
			{Name: "app", Selectors: []eksfargate.Selector{{Namespace: "game", Labels: map[string]string{"tier": "web"}}},
				Tags: map[string]string{"team": "games"}},
		},
		SecretsEncryption: &eksfargate.SecretsEncryption{CreateKey: true},
		LogTypes:          []string{"api", "audit"}, ControlPlaneLogRetentionDays: 30, DeletionProtection: true,
		Addons: eksfargate.Addons{KubeProxy: true, CoreDNS: eksfargate.CoreDNSConfig{Replicas: 3, Resources: &eksfargate.Resources{
			Requests: &eksfargate.ResourceList{CPU: "250m", Memory: "256Mi"}}}},
		Kubeconfig: eksfargate.KubeconfigOptions{Profile: "ops"},
		Logging:    &eksfargate.LoggingSpec{CloudWatch: &eksfargate.CloudWatchLogs{RetentionDays: 14}, KubernetesMetadata: true},
		Tags:       map[string]string{"env": "test"},
	}, BusyRetry: eksfargate.BusyRetry{Attempts: 3, Backoff: 5 * time.Second, MaxBackoff: time.Minute}}
	goGraph, err := viaGo(t, func(ctx *pulumi.Context) error {
		_, err := eksfargate.NewFargateCluster(ctx, "demo", goArgs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	provGraph, state, err := viaProvider(t, eksfargate.TypeToken, "demo", inputs)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, goGraph, provGraph)
	// The new day-2 inputs reach the children: the control plane's log
	// group with its retention, kube-proxy, the deletion-protection tag.
	if lg, err := provGraph.One("aws:cloudwatch/logGroup:LogGroup", "demo-control-plane-logs"); err != nil {
		t.Error(err)
	} else if d, _ := lg.Input("retentionInDays"); d != 30.0 {
		t.Errorf("control-plane log group through the provider: retention %v, want 30", d)
	}
	if _, err := provGraph.One("aws:eks/addon:Addon", "demo-kube-proxy"); err != nil {
		t.Error(err)
	}
	// The hook bindings are part of what is compared: the cluster's reach
	// the provider's graph.
	cl, err := provGraph.One("aws:eks/cluster:Cluster", "demo-cluster")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cl.OnError, []string{"demo-busy-retry"}) || !slices.Equal(cl.AfterCreate, []string{"demo-deletion-protection-created"}) ||
		!slices.Equal(cl.AfterDelete, []string{"demo-sweep-after-cluster"}) {
		t.Errorf("cluster hooks through the provider: onError %v afterCreate %v afterDelete %v", cl.OnError, cl.AfterCreate, cl.AfterDelete)
	}
	if cl.InputString(`tags["fargatekit.io/deletion-protection"]`) != "on" {
		t.Errorf("cluster tags through the provider: %v", cl.Inputs["tags"])
	}

	// The outputs, clusterRef among them, as another language sees them.
	ref := state.Get("clusterRef")
	if !ref.IsMap() {
		t.Fatalf("clusterRef is %v", ref)
	}
	for k, want := range map[string]any{"name": "demo", "region": region, "fargateOnly": true,
		"hasFargateProfiles": true, "authenticationMode": eksfargate.AuthAPIAndConfigMap} {
		if got := canon(resource.ToResourcePropertyValue(ref.AsMap().Get(k))); got != want {
			t.Errorf("clusterRef.%s = %v, want %v", k, got, want)
		}
	}
	for _, k := range []string{"oidcProviderArn", "oidcIssuerUrl", "podExecutionRoleArn", "vpcId", "endpoint", "certificateAuthority"} {
		if s, _ := canon(resource.ToResourcePropertyValue(ref.AsMap().Get(k))).(string); s == "" {
			t.Errorf("clusterRef.%s is empty", k)
		}
	}
	kc := ref.AsMap().Get("kubeconfig")
	if kc.Secret() || !kc.IsString() || !strings.Contains(kc.AsString(), "fargatekit") || !strings.Contains(kc.AsString(), "--profile") {
		t.Errorf("clusterRef.kubeconfig: want a plain kubeconfig running fargatekit token --profile, got %v", kc)
	}
	if v := state.Get("kubeconfig"); !v.Secret() {
		t.Errorf("kubeconfig output is not secret")
	}
	for _, k := range []string{"clusterName", "clusterArn", "endpoint", "oidcProviderArn", "privateSubnetIds", "publicSubnetIds", "clusterSecurityGroupId", "accountId", "partition"} {
		if v := state.Get(k); v.IsNull() {
			t.Errorf("output %s missing", k)
		}
	}
}

// TestFargateClusterConstructBYO: a cluster on a network given as values of
// other resources (network), with a KMS key of its own (secretsKeyArn), a
// pod-execution role of its own, a private endpoint, API authentication,
// pod logs to Kinesis, and no delete hooks; the provider registers the graph
// the Go component does. (hookTimeoutSeconds and rollOntoReplacement live
// in the hooks' functions, not in the graph: TestInputsReachTheirGoField
// follows them.)
func TestFargateClusterConstructBYO(t *testing.T) {
	onPath(t, "fargatekit", "fargatekit-admin")
	const (
		roleARN = "arn:aws:iam::123456789012:role/platform/fargate-pods"
		keyARN  = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	)
	inputs := map[string]any{
		"clusterName": "byo", "endpointAccess": "private",
		"network": map[string]any{"vpcId": "vpc-0123456789abcdef0",
			"privateSubnetIds": []any{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"},
			"publicSubnetIds":  []any{"subnet-0a1b2c3d4e5f60003"}},
		"secretsKeyArn":      keyARN,
		"podExecutionRole":   map[string]any{"arn": roleARN},
		"authenticationMode": "API",
		"fargateProfiles":    []any{map[string]any{"name": "system", "selectors": []any{map[string]any{"namespace": "kube-system"}, map[string]any{"namespace": "apps"}}}},
		"logging":            map[string]any{"kinesis": map[string]any{"stream": "pod-logs"}},
		"noDeleteHooks":      true,
	}
	goArgs := &eksfargate.FargateClusterArgs{
		ClusterSpec: eksfargate.ClusterSpec{
			ClusterName: "byo", EndpointAccess: eksfargate.EndpointPrivate, AuthenticationMode: eksfargate.AuthAPI,
			FargateProfiles: []eksfargate.FargateProfile{{Name: "system", Selectors: []eksfargate.Selector{{Namespace: "kube-system"}, {Namespace: "apps"}}}},
			Logging:         &eksfargate.LoggingSpec{Kinesis: &eksfargate.KinesisLogs{Stream: "pod-logs"}},
		},
		Network: &eksfargate.NetworkArgs{VpcID: pulumi.String("vpc-0123456789abcdef0"),
			PrivateSubnetIDs: pulumi.StringArray{pulumi.String("subnet-0a1b2c3d4e5f60001"), pulumi.String("subnet-0a1b2c3d4e5f60002")},
			PublicSubnetIDs:  pulumi.StringArray{pulumi.String("subnet-0a1b2c3d4e5f60003")}},
		SecretsKeyARN: pulumi.String(keyARN),
		NoDeleteHooks: true,
	}
	goArgs.PodExecutionRole.ARN = roleARN
	goGraph, err := viaGo(t, func(ctx *pulumi.Context) error {
		_, err := eksfargate.NewFargateCluster(ctx, "byo", goArgs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	provGraph, _, err := viaProvider(t, eksfargate.TypeToken, "byo", inputs)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, goGraph, provGraph)
	// What this spec changes is in the provider's graph: no VPC and no key
	// made, the key and the private endpoint on the cluster, no delete hooks.
	for _, typ := range []string{"aws:ec2/vpc:Vpc", "aws:kms/key:Key"} {
		if n := len(provGraph.ByType(typ)); n != 0 {
			t.Errorf("%d %s through the provider, want none (given by the program)", n, typ)
		}
	}
	cl, err := provGraph.One("aws:eks/cluster:Cluster", "byo-cluster")
	if err != nil {
		t.Fatal(err)
	}
	if public, _ := cl.Input("vpcConfig.endpointPublicAccess"); cl.InputString("encryptionConfig.provider.keyArn") != keyARN || public != false {
		t.Errorf("cluster through the provider: encryptionConfig %v, vpcConfig %v", cl.Inputs["encryptionConfig"], cl.Inputs["vpcConfig"])
	}
	if len(cl.AfterDelete) != 0 || len(cl.BeforeDelete) != 0 {
		t.Errorf("cluster through the provider with noDeleteHooks: delete hooks %v %v", cl.BeforeDelete, cl.AfterDelete)
	}
}

func TestIRSARoleConstruct(t *testing.T) {
	onPath(t, "fargatekit", "fargatekit-admin")
	inputs := map[string]any{
		"cluster":         clusterInputs(""),
		"serviceAccounts": []any{map[string]any{"namespace": "shop", "name": "orders"}, map[string]any{"namespace": "shop", "name": "batch-*"}},
		"extraProviders": []any{map[string]any{
			"oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
			"serviceAccounts": []any{map[string]any{"namespace": "shop", "name": "orders"}},
		}},
		"policyArns":           []any{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		"inlinePolicies":       map[string]any{"queue": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`},
		"path":                 "/apps/",
		"maxSessionDuration":   7200,
		"tags":                 map[string]any{"team": "shop"},
		"regionalStsEndpoints": true,
		"serviceAccountLabels": map[string]any{"app": "orders"},
	}
	goGraph, err := viaGo(t, func(ctx *pulumi.Context) error {
		c, err := goCluster(ctx, "orders", "")
		if err != nil {
			return err
		}
		_, err = irsa.NewIRSARole(ctx, "orders", &irsa.IRSARoleArgs{
			Cluster:         c,
			ServiceAccounts: []irsa.ServiceAccount{{Namespace: "shop", Name: "orders"}, {Namespace: "shop", Name: "batch-*"}},
			ExtraProviders: []irsa.ExtraProvider{{
				OIDCProviderARN: pulumi.String("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"),
				ServiceAccounts: []irsa.ServiceAccount{{Namespace: "shop", Name: "orders"}},
			}},
			PolicyARNs: []pulumi.StringInput{pulumi.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")},
			InlinePolicies: map[string]pulumi.StringInput{
				"queue": pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`)},
			Path: "/apps/", MaxSessionDuration: 7200, Tags: map[string]string{"team": "shop"},
			RegionalSTSEndpoints: true, ServiceAccountLabels: map[string]string{"app": "orders"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	provGraph, state, err := viaProvider(t, irsa.TypeToken, "orders", inputs)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, goGraph, provGraph)
	if s := state.Get("trustPolicy"); !s.IsString() || !strings.Contains(s.AsString(), "system:serviceaccount:shop:orders") {
		t.Errorf("trustPolicy output: %v", s)
	}
}

// TestLBCReleaseConstruct compares the graphs with the Kubernetes provider
// made from the cluster's kubeconfig (the Go component then registers its
// teardown hook, BeforeDelete, with that kubeconfig) and given as
// providerKubeconfig with a cluster without one (no hook).
func TestLBCReleaseConstruct(t *testing.T) {
	for _, viaCluster := range []bool{true, false} {
		t.Run(fmt.Sprintf("kubeconfig from the cluster %v", viaCluster), func(t *testing.T) {
			cluster := clusterInputs("")
			inputs := map[string]any{
				"cluster": cluster, "replicas": 3, "pdbMaxUnavailable": 1,
				"defaultTags": map[string]any{"env": "test"}, "scopedPolicy": true, "timeoutSeconds": 900,
				"extraValues":        map[string]any{"podLabels": map[string]any{"team": "platform"}},
				"featureGates":       map[string]any{"ALBGatewayAPI": true, "EnableCertificateManagement": true},
				"additionalPolicies": []any{"certificate-management"},
				"gatewayApi": map[string]any{"classes": []any{map[string]any{"name": "alb-public", "controller": "gateway.k8s.aws/alb",
					"loadBalancerConfiguration": map[string]any{"namespace": "games", "name": "web"}}}},
			}
			if !viaCluster {
				delete(cluster, "kubeconfig")
				inputs["providerKubeconfig"] = kubeconfig
			}
			goGraph, err := viaGo(t, func(ctx *pulumi.Context) error {
				c, err := goCluster(ctx, "lbc", "")
				if err != nil {
					return err
				}
				var k pulumi.ProviderResource
				if !viaCluster {
					k = c.KubernetesProvider
					c.KubernetesProvider, c.Kubeconfig = nil, nil
				}
				_, err = lbc.NewLBCRelease(ctx, "lbc", &lbc.LBCReleaseArgs{Cluster: c, KubernetesProvider: k, ReleaseSpec: lbc.ReleaseSpec{
					Settings: lbc.Settings{Replicas: 3, PDBMaxUnavailable: 1, DefaultTags: map[string]string{"env": "test"},
						ExtraValues:  map[string]any{"podLabels": map[string]any{"team": "platform"}},
						FeatureGates: lbc.FeatureGateSettings{"ALBGatewayAPI": true, "EnableCertificateManagement": true}},
					ScopedPolicy: true, Timeout: 900 * time.Second, AdditionalPolicies: []lbc.AdditionalPolicy{lbc.PolicyCertificateManagement},
				}, GatewayAPI: &lbc.GatewayAPISpec{Classes: []lbc.GatewayClassSpec{{Name: "alb-public", Controller: lbc.ALBGateway,
					LoadBalancerConfiguration: &types.NamespacedName{Namespace: "games", Name: "web"}}}}})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			provGraph, state, err := viaProvider(t, lbc.TypeToken, "lbc", inputs)
			if err != nil {
				t.Fatal(err)
			}
			sameGraph(t, goGraph, provGraph)
			if v := state.Get("chartVersion"); !v.IsString() || v.AsString() == "" {
				t.Errorf("chartVersion output: %v", v)
			}
			hooked := 0
			for _, r := range provGraph.Resources {
				hooked += len(r.BeforeDelete)
			}
			if (hooked > 0) != viaCluster {
				t.Errorf("%d before-delete hook bindings through the provider; want some iff the cluster gives the kubeconfig", hooked)
			}
		})
	}
}

func TestAwsAuthMappingConstruct(t *testing.T) {
	inputs := map[string]any{
		"cluster": clusterInputs(eksfargate.AuthAPI),
		"roles": []any{
			map[string]any{"roleArn": "arn:aws:iam::123456789012:role/ops/Admins", "username": "admin:{{SessionName}}",
				"policies": []any{map[string]any{"policy": authmap.ClusterAdminPolicy}}},
			map[string]any{"roleArn": "arn:aws:iam::123456789012:role/Readers", "username": "reader", "key": "readers",
				"policies": []any{map[string]any{"policy": authmap.ViewPolicy, "namespaces": []any{"shop", "dev-*"}}}},
		},
		"users": []any{map[string]any{"userArn": "arn:aws:iam::123456789012:user/alice", "username": "alice",
			"groups": []any{"developers"}}},
	}
	goGraph, err := viaGo(t, func(ctx *pulumi.Context) error {
		c, err := goCluster(ctx, "access", eksfargate.AuthAPI)
		if err != nil {
			return err
		}
		_, err = authmap.NewAwsAuthMapping(ctx, "access", &authmap.AwsAuthMappingArgs{
			Cluster: c,
			Roles: []authmap.RoleMappingArgs{
				{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/ops/Admins"), Username: "admin:{{SessionName}}",
					Policies: []authmap.PolicyAssociation{{Policy: authmap.ClusterAdminPolicy}}},
				{RoleARN: pulumi.String("arn:aws:iam::123456789012:role/Readers"), Username: "reader", Key: "readers",
					Policies: []authmap.PolicyAssociation{{Policy: authmap.ViewPolicy, Namespaces: []string{"shop", "dev-*"}}}},
			},
			Users: []authmap.UserMappingArgs{{UserARN: pulumi.String("arn:aws:iam::123456789012:user/alice"), Username: "alice",
				Groups: []string{"developers"}}},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	provGraph, state, err := viaProvider(t, authmap.TypeToken, "access", inputs)
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, goGraph, provGraph)
	if v := state.Get("mode"); !v.IsString() || v.AsString() != string(authmap.ModeAccessEntries) {
		t.Errorf("mode output: %v", v)
	}
}

// TestRefusedSpecs: a bad spec from another language gets the error a Go
// program gets, and registers nothing (not even the Kubernetes provider
// the plugin would make).
func TestRefusedSpecs(t *testing.T) {
	onPath(t, "fargatekit", "fargatekit-admin")
	for _, tc := range []struct {
		name, typ string
		inputs    map[string]any
		goProgram func(ctx *pulumi.Context) error
		sentinel  error
	}{{
		name: "no CoreDNS profile", typ: eksfargate.TypeToken,
		inputs: map[string]any{"clusterName": "demo", "fargateProfiles": []any{
			map[string]any{"name": "app", "selectors": []any{map[string]any{"namespace": "app"}}}}},
		goProgram: func(ctx *pulumi.Context) error {
			_, err := eksfargate.NewFargateCluster(ctx, "demo", &eksfargate.FargateClusterArgs{ClusterSpec: eksfargate.ClusterSpec{
				ClusterName: "demo", FargateProfiles: []eksfargate.FargateProfile{{Name: "app", Selectors: []eksfargate.Selector{{Namespace: "app"}}}}}})
			return err
		},
		sentinel: eksfargate.ErrNoCoreDNSProfile,
	}, {
		name: "cross-namespace wildcard", typ: irsa.TypeToken,
		inputs: map[string]any{"cluster": clusterInputs(""), "serviceAccounts": []any{map[string]any{"namespace": "team-*", "name": "app"}}},
		goProgram: func(ctx *pulumi.Context) error {
			c := clusterref.Cluster{OIDCProviderARN: pulumi.String(oidcARN), KubernetesProvider: &kubernetes.Provider{}}
			_, err := irsa.NewIRSARole(ctx, "app", &irsa.IRSARoleArgs{Cluster: c,
				ServiceAccounts: []irsa.ServiceAccount{{Namespace: "team-*", Name: "app"}}})
			return err
		},
		sentinel: irsa.ErrCrossNamespaceWildcard,
	}, {
		name: "instance targets on Fargate", typ: lbc.TypeToken,
		inputs: map[string]any{"cluster": clusterInputs(""), "defaultTargetType": "instance"},
		goProgram: func(ctx *pulumi.Context) error {
			c := clusterref.Cluster{FargateOnly: true, KubernetesProvider: &kubernetes.Provider{}}
			_, err := lbc.NewLBCRelease(ctx, "app", &lbc.LBCReleaseArgs{Cluster: c,
				ReleaseSpec: lbc.ReleaseSpec{Settings: lbc.Settings{DefaultTargetType: lbc.TargetInstance}}})
			return err
		},
		sentinel: lbc.ErrInstanceOnFargate,
	}, {
		name: "no Fargate profile for the controller", typ: lbc.TypeToken,
		inputs: map[string]any{"cluster": withProfiles(clusterInputs(""), map[string]any{"name": "app",
			"selectors": []any{map[string]any{"namespace": "shop"}}})},
		goProgram: func(ctx *pulumi.Context) error {
			c := clusterref.Cluster{FargateOnly: true, KubernetesProvider: &kubernetes.Provider{},
				FargateProfiles: []clusterref.FargateProfile{{Name: "app", Selectors: []clusterref.FargateSelector{{Namespace: "shop"}}}}}
			_, err := lbc.NewLBCRelease(ctx, "app", &lbc.LBCReleaseArgs{Cluster: c})
			return err
		},
		sentinel: lbc.ErrNoFargateProfile,
	}, {
		name: "system:masters", typ: authmap.TypeToken,
		inputs: map[string]any{"cluster": clusterInputs(eksfargate.AuthConfigMap), "roles": []any{map[string]any{
			"roleArn": "arn:aws:iam::123456789012:role/Admins", "username": "admin", "groups": []any{authmap.GroupMasters}}}},
		goProgram: func(ctx *pulumi.Context) error {
			c := clusterref.Cluster{AuthenticationMode: eksfargate.AuthConfigMap, HasFargateProfiles: true, FargateOnly: true,
				KubernetesProvider: &kubernetes.Provider{}}
			_, err := authmap.NewAwsAuthMapping(ctx, "app", &authmap.AwsAuthMappingArgs{Cluster: c, Roles: []authmap.RoleMappingArgs{{
				RoleARN: pulumi.String("arn:aws:iam::123456789012:role/Admins"), Username: "admin", Groups: []string{authmap.GroupMasters}}}})
			return err
		},
		sentinel: authmap.ErrSystemMasters,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var goErr error // the component's error (RunErr wraps it)
			goGraph, _ := viaGo(t, func(ctx *pulumi.Context) error { goErr = tc.goProgram(ctx); return goErr })
			if !errors.Is(goErr, tc.sentinel) {
				t.Fatalf("Go: %v, want %v", goErr, tc.sentinel)
			}
			name := "demo"
			if tc.typ != eksfargate.TypeToken {
				name = "app"
			}
			provGraph, _, err := viaProvider(t, tc.typ, name, tc.inputs)
			if err == nil || !strings.Contains(err.Error(), goErr.Error()) {
				t.Fatalf("provider: %v\nwant the Go error: %v", err, goErr)
			}
			if n := len(dump(provGraph)); n != 0 || len(dump(goGraph)) != 0 {
				t.Errorf("a refused spec registered %d resources through the provider, %d in Go:\n%s", n, len(dump(goGraph)),
					strings.Join(dump(provGraph), "\n"))
			}
		})
	}
}

// TestExecPluginMissing: FargateCluster refuses, before registering
// anything, a kubeconfig whose exec plugin is not on PATH (the check Go
// programs get at preview; Go mocks skip it).
func TestExecPluginMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	g, _, err := viaProvider(t, eksfargate.TypeToken, "demo", map[string]any{"kubeconfigOptions": map[string]any{"exec": "aws"}})
	if err == nil || !strings.Contains(err.Error(), kubeauth.ErrExecNotFound.Error()) || !strings.Contains(err.Error(), `"aws"`) {
		t.Fatalf("got %v, want %v naming aws", err, kubeauth.ErrExecNotFound)
	}
	if len(dump(g)) != 0 {
		t.Errorf("registered: %v", dump(g))
	}
}
