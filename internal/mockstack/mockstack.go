package mockstack

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// Resource is one registered resource as the monitor saw it.
type Resource struct {
	// Type is the type token, e.g. "aws:iam/role:Role" or "fargatekit:irsa:IRSARole".
	Type string
	// Name is the logical name.
	Name string
	// URN is the resource's URN.
	URN string
	// ID is the physical ID the mock assigned ("" for components).
	ID string
	// Custom is true for provider-managed resources, false for components.
	Custom bool
	// Parent is the parent's URN ("" or the stack's URN at top level).
	Parent string
	// Provider is the provider reference "urn::id" ("" for the default provider).
	Provider string
	// DependsOn holds the URNs of all dependencies (explicit and through inputs).
	DependsOn []string
	// PropertyDeps maps an input property to the URNs its value came from.
	PropertyDeps map[string][]string
	// Inputs are the resolved inputs; Outputs what the mock returned.
	Inputs, Outputs resource.PropertyMap
	// IgnoreChanges, ReplaceOnChanges and DeletedWith echo resource options.
	IgnoreChanges, ReplaceOnChanges []string
	DeletedWith                     string
	// Protect, RetainOnDelete and DeleteBeforeReplace echo resource options.
	Protect, RetainOnDelete, DeleteBeforeReplace bool
	// BeforeDelete names the resource hooks bound to run before its deletion.
	BeforeDelete []string
	// BeforeCreate, AfterCreate, BeforeUpdate, AfterUpdate and AfterDelete
	// name the other resource hooks bound to it, OnError its error hooks
	// (pulumi.ResourceHookBinding), in binding order.
	BeforeCreate, AfterCreate, BeforeUpdate, AfterUpdate, AfterDelete, OnError []string
	// Read is true for a resource read with Get (ReadResource) rather than
	// registered; ID is then the ID asked for.
	Read bool
	// Order is the registration sequence number.
	Order int
}

// OutputsFunc computes extra outputs for a resource type; its result is merged
// over the defaults.
type OutputsFunc func(r *Resource) resource.PropertyMap

// CallFunc answers an invoke.
type CallFunc func(args pulumi.MockCallArgs) (resource.PropertyMap, error)

type settings struct {
	project, stack, region, account string
	config                          map[string]string
	outputs                         map[string]OutputsFunc
	calls                           map[string]CallFunc
	subnets                         []Subnet
}

// Subnet is a subnet that exists in the mock account before the program
// runs ([WithSubnets]), as the getSubnets, getSubnet, getRouteTables and
// getRouteTable invokes describe it.
type Subnet struct {
	// ID and VpcID identify it.
	ID, VpcID string
	// Zone and ZoneID locate it, e.g. "us-west-2a", "usw2-az1".
	Zone, ZoneID string
	// Public gives its route table a 0.0.0.0/0 route to an internet gateway
	// (igw-mock); otherwise the route goes to a NAT gateway.
	Public bool
	// MainRouteTable: it has no route table of its own and uses its VPC's
	// main one, which routes to the internet gateway when any subnet using
	// it is Public.
	MainRouteTable bool
	// Tags are its tags.
	Tags map[string]string
}

// WithSubnets makes subnets exist in the mock account. getSubnet of a
// subnet not given fails, as the AWS provider's does.
func WithSubnets(subnets ...Subnet) Option {
	return func(s *settings) { s.subnets = append(s.subnets, subnets...) }
}

// Option configures Run.
type Option func(*settings)

// WithRegion sets the region the mock AWS reports (default "us-west-2" for tests;
// library code never defaults a region, the harness only stands in for a stack
// configuration). It also sets the "aws:region" config key.
func WithRegion(region string) Option { return func(s *settings) { s.region = region } }

// WithAccount sets the 12-digit account ID of the mock AWS (default 123456789012).
func WithAccount(id string) Option { return func(s *settings) { s.account = id } }

// WithStack sets the project and stack names (default "fargatekit", "test").
func WithStack(project, stack string) Option {
	return func(s *settings) { s.project, s.stack = project, stack }
}

// WithConfig sets a stack configuration key, e.g. "fargate-alb:certificateArn".
func WithConfig(key, value string) Option { return func(s *settings) { s.config[key] = value } }

// WithOutputs adds outputs for one resource type token. For a remote
// component (RegisterRemoteComponentResource, e.g. pulumi-eks's eks:index:Cluster)
// they are all the outputs it gets; resource references in them
// (resource.MakeCustomResourceReference) must name resources the program
// registered before the component.
func WithOutputs(typeToken string, f OutputsFunc) Option {
	return func(s *settings) { s.outputs[typeToken] = f }
}

// WithCall answers one invoke token, replacing the default answer.
func WithCall(token string, f CallFunc) Option { return func(s *settings) { s.calls[token] = f } }

// newSettings applies opts to the defaults.
func newSettings(opts []Option) *settings {
	s := &settings{project: "fargatekit", stack: "test", region: "us-west-2", account: "123456789012",
		config: map[string]string{}, outputs: map[string]OutputsFunc{}, calls: map[string]CallFunc{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Run runs program under the recording mocks and returns what it registered.
// The graph is returned even when the program fails, so that tests can assert
// that a refused spec registered nothing.
func Run(program pulumi.RunFunc, opts ...Option) (*Graph, error) {
	s := newSettings(opts)
	if _, ok := s.config["aws:region"]; !ok {
		s.config["aws:region"] = s.region
	}
	m := &monitor{s: s}
	err := pulumi.RunErr(program, pulumi.WithMocks(s.project, s.stack, m), func(info *pulumi.RunInfo) {
		info.Config = s.config
	})
	return newGraph(m.snapshot()), err
}

// Monitor is Run's recording mock monitor on its own, for harnesses that
// host the Pulumi program themselves: a component provider's Construct,
// behind pulumi-go-provider's fake resource monitor (fake.NewResourceMonitorServer,
// as the provider's Construct tests serve it), records into it what Run
// would record for the same program in Go.
type Monitor struct{ m *monitor }

// NewMonitor returns a recording mock monitor configured as Run's (region,
// account, stack, outputs, invokes; WithConfig does not apply: the host
// passes the configuration).
func NewMonitor(opts ...Option) *Monitor {
	s := newSettings(opts)
	return &Monitor{m: &monitor{s: s}}
}

// Call answers invokes (pulumi.MockResourceMonitor).
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) { return m.m.Call(args) }

// NewResource records a registration (pulumi.MockResourceMonitor).
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return m.m.NewResource(args)
}

// Graph returns what was registered so far.
func (m *Monitor) Graph() *Graph { return newGraph(m.m.snapshot()) }

type monitor struct {
	s   *settings
	mu  sync.Mutex
	res []*Resource
}

func (m *monitor) snapshot() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.res)
}

// Call answers invokes.
func (m *monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if f, ok := m.s.calls[args.Token]; ok {
		return f(args)
	}
	p, err := partition.ForRegion(m.s.region)
	if err != nil {
		return nil, err
	}
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": m.s.account, "id": m.s.account, "userId": "AIDAMOCKUSER",
			"arn": p.ARN("iam", "", m.s.account, "user/mock"),
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{
			"partition": p.ID, "dnsSuffix": p.DNSSuffix, "id": p.ID, "reverseDnsPrefix": "com.amazonaws",
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": m.s.region, "id": m.s.region, "region": m.s.region, "endpoint": "ec2." + m.s.region + "." + p.DNSSuffix,
		}), nil
	case "aws:eks/getAddonVersion:getAddonVersion":
		// The mock's own versions, tied to the Kubernetes minor version so
		// that an upgrade shows: v1.<minor>.0-eksbuild.1 (the default) and
		// -eksbuild.2 (mostRecent).
		minor := strings.TrimPrefix(args.Args["kubernetesVersion"].StringValue(), "1.")
		build := "1"
		if v, ok := args.Args["mostRecent"]; ok && v.IsBool() && v.BoolValue() {
			build = "2"
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"addonName": args.Args["addonName"].StringValue(), "kubernetesVersion": args.Args["kubernetesVersion"].StringValue(),
			"id": args.Args["addonName"].StringValue(), "version": "v1." + minor + ".0-eksbuild." + build,
		}), nil
	case "aws:ec2/getSubnets:getSubnets", "aws:ec2/getSubnet:getSubnet", "aws:ec2/getRouteTables:getRouteTables", "aws:ec2/getRouteTable:getRouteTable":
		return m.s.network(args)
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		names := []any{m.s.region + "a", m.s.region + "b", m.s.region + "c"}
		return resource.NewPropertyMapFromMap(map[string]any{
			"names": names, "zoneIds": []any{"az1", "az2", "az3"}, "id": m.s.region,
		}), nil
	}
	return nil, fmt.Errorf("mockstack: no answer for invoke %s (add one WithCall)", args.Token)
}

// NewResource records a registration and returns deterministic AWS-shaped outputs.
func (m *monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := &Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Provider: args.Provider, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.DependsOn = slices.Clone(rpc.GetDependencies())
		r.PropertyDeps = map[string][]string{}
		for k, v := range rpc.GetPropertyDependencies() {
			r.PropertyDeps[k] = slices.Clone(v.GetUrns())
		}
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		h := rpc.GetHooks()
		r.BeforeDelete = slices.Clone(h.GetBeforeDelete())
		r.BeforeCreate, r.AfterCreate = slices.Clone(h.GetBeforeCreate()), slices.Clone(h.GetAfterCreate())
		r.BeforeUpdate, r.AfterUpdate = slices.Clone(h.GetBeforeUpdate()), slices.Clone(h.GetAfterUpdate())
		r.AfterDelete, r.OnError = slices.Clone(h.GetAfterDelete()), slices.Clone(h.GetOnError())
		r.ReplaceOnChanges = rpc.GetReplaceOnChanges()
		r.DeletedWith = rpc.GetDeletedWith()
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
	} else if rpc := args.ReadRPC; rpc != nil {
		// A Get (ReadResource) of an existing resource: the SDK reports it as
		// non-custom; WithOutputs supplies the state read.
		r.Read, r.ID = true, args.ID
		r.Parent = rpc.GetParent()
		r.DependsOn = slices.Clone(rpc.GetDependencies())
	}
	r.URN = urnOf(m.s, r.Parent, r.Type, r.Name)
	if args.Custom {
		r.ID = args.ID
		if r.ID == "" {
			r.ID = m.physicalID(r)
		}
		r.Outputs = m.outputs(r)
	} else if f, ok := m.s.outputs[r.Type]; ok {
		// Remote components (multi-language packages such as pulumi-eks) take
		// their outputs from the monitor; WithOutputs supplies them.
		r.Outputs = f(r)
	}
	m.mu.Lock()
	r.Order = len(m.res)
	m.res = append(m.res, r)
	m.mu.Unlock()
	return r.ID, r.Outputs, nil
}

func urnOf(s *settings, parent, typ, name string) string {
	qual := typ
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		qual = string(p.QualifiedType()) + "$" + typ
	}
	return "urn:pulumi:" + s.stack + "::" + s.project + "::" + qual + "::" + name
}

// hexID is a deterministic hex string derived from the URN.
func hexID(urn string, n int) string {
	h := sha256.Sum256([]byte(urn))
	return hex.EncodeToString(h[:])[:n]
}

func (m *monitor) physicalID(r *Resource) string {
	x := hexID(r.URN, 17)
	prefix := map[string]string{
		"aws:ec2/vpc:Vpc": "vpc-", "aws:ec2/subnet:Subnet": "subnet-", "aws:ec2/securityGroup:SecurityGroup": "sg-",
		"aws:ec2/internetGateway:InternetGateway": "igw-", "aws:ec2/natGateway:NatGateway": "nat-",
		"aws:ec2/eip:Eip": "eipalloc-", "aws:ec2/routeTable:RouteTable": "rtb-",
		"aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-", "aws:ec2/route:Route": "r-rtb-",
	}
	if p, ok := prefix[r.Type]; ok {
		return p + x
	}
	switch {
	case strings.HasPrefix(r.Type, "pulumi:providers:"):
		return x[:8] + "-" + x[8:12] + "-4" + x[13:16] + "-8" + x[14:17] + "-" + hexID(r.URN+"p", 12)
	case r.Type == "aws:iam/role:Role", r.Type == "aws:iam/policy:Policy", r.Type == "aws:eks/cluster:Cluster":
		return m.physicalName(r)
	case r.Type == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		return m.arnOf(r)
	}
	return r.Name + "-" + x[:8]
}

// physicalName is the "name" input, else the logical name (no random suffix, so
// that tests are deterministic).
func (m *monitor) physicalName(r *Resource) string {
	if v, ok := r.Inputs["name"]; ok && v.IsString() && v.StringValue() != "" {
		return v.StringValue()
	}
	return r.Name
}

func (m *monitor) str(r *Resource, key string) string {
	if v, ok := r.Inputs[resource.PropertyKey(key)]; ok {
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if v.IsString() {
			return v.StringValue()
		}
	}
	return ""
}

func (m *monitor) arnOf(r *Resource) string {
	p, _ := partition.ForRegion(m.s.region)
	name := m.physicalName(r)
	path := m.str(r, "path")
	if path == "" {
		path = "/"
	}
	region, acct := m.s.region, m.s.account
	switch r.Type {
	case "aws:iam/role:Role":
		return p.ARN("iam", "", acct, "role"+path+name)
	case "aws:iam/policy:Policy":
		return p.ARN("iam", "", acct, "policy"+path+name)
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		return p.OIDCProviderARN(acct, m.str(r, "url"))
	case "aws:eks/cluster:Cluster":
		return p.ARN("eks", region, acct, "cluster/"+name)
	case "aws:eks/fargateProfile:FargateProfile":
		return p.ARN("eks", region, acct, "fargateprofile/"+m.str(r, "clusterName")+"/"+m.str(r, "fargateProfileName")+"/"+hexID(r.URN, 8))
	case "aws:eks/addon:Addon":
		return p.ARN("eks", region, acct, "addon/"+m.str(r, "clusterName")+"/"+m.str(r, "addonName")+"/"+hexID(r.URN, 8))
	case "aws:kms/key:Key":
		return p.ARN("kms", region, acct, "key/"+r.ID)
	}
	if strings.HasPrefix(r.Type, "aws:ec2/") {
		kind := strings.ToLower(r.Type[strings.LastIndex(r.Type, ":")+1:])
		return p.ARN("ec2", region, acct, kind+"/"+r.ID)
	}
	return ""
}

func (m *monitor) outputs(r *Resource) resource.PropertyMap {
	out := r.Inputs.Copy()
	if strings.HasPrefix(r.Type, "aws:") {
		if a := m.arnOf(r); a != "" {
			out["arn"] = resource.NewProperty(a)
		}
		switch r.Type {
		case "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:eks/cluster:Cluster":
			out["name"] = resource.NewProperty(m.physicalName(r))
		}
		if r.Type == "aws:iam/role:Role" {
			out["uniqueId"] = resource.NewProperty("AROA" + strings.ToUpper(hexID(r.URN, 17)))
		}
		if r.Type == "aws:eks/cluster:Cluster" {
			m.clusterOutputs(r, out)
		}
	}
	if f, ok := m.s.outputs[r.Type]; ok {
		for k, v := range f(r) {
			out[k] = v
		}
	}
	return out
}

func (m *monitor) clusterOutputs(r *Resource, out resource.PropertyMap) {
	p, _ := partition.ForRegion(m.s.region)
	oidcID := strings.ToUpper(hexID(r.URN, 32))
	// A well-formed PEM block (its body is not a real certificate), base64
	// encoded as EKS returns it, so that kubeconfig renderers accept it.
	ca := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("MOCK " + r.Name)}))
	vpc := map[string]any{"clusterSecurityGroupId": "sg-" + hexID(r.URN+"sg", 17)}
	if v, ok := r.Inputs["vpcConfig"]; ok && v.IsObject() {
		for k, x := range v.ObjectValue().Mappable() {
			vpc[k] = x
		}
	}
	vpc["vpcId"] = "vpc-" + hexID(r.URN+"vpc", 17)
	version := m.str(r, "version")
	if version == "" {
		version = "1.36"
	}
	for k, v := range map[string]any{
		"endpoint":             "https://" + strings.ToUpper(hexID(r.URN, 32)) + ".gr7." + m.s.region + ".eks." + p.DNSSuffix,
		"certificateAuthority": map[string]any{"data": ca},
		"identities":           []any{map[string]any{"oidcs": []any{map[string]any{"issuer": p.OIDCIssuer(m.s.region, oidcID)}}}},
		"status":               "ACTIVE",
		"version":              version,
		"platformVersion":      "eks.1",
		"vpcConfig":            vpc,
	} {
		out[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
}

// network answers the subnet and route table invokes from WithSubnets. Each
// subnet without MainRouteTable has the route table rtb-<subnet ID>; a VPC's
// main table is rtb-main-<VPC ID>.
func (s *settings) network(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	str := func(key string) string {
		if v, ok := args.Args[resource.PropertyKey(key)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	filters := map[string][]string{}
	if v, ok := args.Args["filters"]; ok && v.IsArray() {
		for _, f := range v.ArrayValue() {
			name := f.ObjectValue()["name"].StringValue()
			for _, x := range f.ObjectValue()["values"].ArrayValue() {
				filters[name] = append(filters[name], x.StringValue())
			}
		}
	}
	ids := func(v []string) resource.PropertyMap {
		out := make([]any, 0, len(v))
		for _, id := range v {
			out = append(out, id)
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": s.region, "ids": out})
	}
	switch args.Token {
	case "aws:ec2/getSubnets:getSubnets":
		var out []string
		for _, n := range s.subnets {
			if vpcs, ok := filters["vpc-id"]; !ok || slices.Contains(vpcs, n.VpcID) {
				out = append(out, n.ID)
			}
		}
		return ids(out), nil
	case "aws:ec2/getSubnet:getSubnet":
		i := slices.IndexFunc(s.subnets, func(n Subnet) bool { return n.ID == str("id") })
		if i < 0 {
			return nil, fmt.Errorf("no matching EC2 Subnet found (mockstack: %q not given WithSubnets)", str("id"))
		}
		n := s.subnets[i]
		tags := map[string]any{}
		for k, v := range n.Tags {
			tags[k] = v
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": n.ID, "vpcId": n.VpcID,
			"availabilityZone": n.Zone, "availabilityZoneId": n.ZoneID, "tags": tags}), nil
	case "aws:ec2/getRouteTables:getRouteTables":
		var out []string
		vpc := str("vpcId")
		for _, n := range s.subnets {
			if vpc != "" && n.VpcID != vpc {
				continue
			}
			switch {
			case slices.Contains(filters["association.subnet-id"], n.ID) && !n.MainRouteTable:
				out = append(out, "rtb-"+n.ID)
			case slices.Contains(filters["association.main"], "true") && n.MainRouteTable && !slices.Contains(out, "rtb-main-"+n.VpcID):
				out = append(out, "rtb-main-"+n.VpcID)
			}
		}
		return ids(out), nil
	default: // getRouteTable
		id := str("routeTableId")
		public, found := false, false
		for _, n := range s.subnets {
			if id == "rtb-"+n.ID || (n.MainRouteTable && id == "rtb-main-"+n.VpcID) {
				found, public = true, public || n.Public
			}
		}
		if !found {
			return nil, fmt.Errorf("no matching Route Table found (mockstack: %q)", id)
		}
		route := map[string]any{"cidrBlock": "0.0.0.0/0", "natGatewayId": "nat-mock"}
		if public {
			route = map[string]any{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-mock"}
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "routeTableId": id,
			"routes": []any{map[string]any{"cidrBlock": "10.0.0.0/16", "gatewayId": "local"}, route}}), nil
	}
}
