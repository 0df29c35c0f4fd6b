package lbc

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// GatewayAPIBundleVersion is the Gateway API release whose standard-channel
// CRDs fargatekit embeds (gatewayapi/<version>/, copies of
// config/crd/standard/*.yaml of the sigs.k8s.io/gateway-api module at the
// version go.mod requires; a test fails when they differ).
const GatewayAPIBundleVersion = "v1.6.3"

// GatewayAPIGroup is the API group of the Gateway API.
const GatewayAPIGroup = gatewayv1.GroupName

// ControllerGatewayGroup is the API group of the controller's own Gateway API
// extensions (LoadBalancerConfiguration, TargetGroupConfiguration,
// ListenerRuleConfiguration).
const ControllerGatewayGroup = "gateway.k8s.aws"

// Default GatewayClass names, one per controller (see DefaultGatewayClasses).
const (
	// DefaultGatewayClassALB is the GatewayClass of Application Load Balancers.
	DefaultGatewayClassALB = "alb"
	// DefaultGatewayClassNLB is the GatewayClass of Network Load Balancers.
	DefaultGatewayClassNLB = "nlb"
)

//go:embed gatewayapi/*/*.yaml
var gatewayAPIFS embed.FS

// ErrGatewayAPIVersion is wrapped when the Gateway API CRDs fargatekit embeds
// are not the ones a controller version is built for.
var ErrGatewayAPIVersion = errors.New("lbc: Gateway API version")

// GatewayAPIRequirement is one row of the table of the Gateway API versions
// the controller is built for, with where that is documented.
type GatewayAPIRequirement struct {
	// Controller is the controller version, e.g. "v3.5.0".
	Controller string
	// GatewayAPI is the Gateway API minor version it is built for, e.g. "v1.6".
	GatewayAPI string
	// Source is where the pairing is documented.
	Source string
}

// gatewayAPIRequirements is every pairing fargatekit has a source for.
// Versions between rows are not interpolated: a controller's Gateway API
// version changes within a major line (v3.3.0 needs v1.5, v3.5.0 v1.6, whose
// standard channel no longer serves the v1alpha2 routes that v3.4 uses).
var gatewayAPIRequirements = []GatewayAPIRequirement{
	{Controller: "v2.14.0", GatewayAPI: "v1.3", Source: "aws-load-balancer-controller#4381 (go.mod of v2.14.0: sigs.k8s.io/gateway-api v1.3.0)"},
	{Controller: "v3.3.0", GatewayAPI: "v1.5", Source: "aws-load-balancer-controller#4866 (v3.3 Gateway API guide: \"built for Gateway API version v1.5.0\"; go.mod of v3.3.0)"},
	{Controller: "v3.5.0", GatewayAPI: "v1.6", Source: "v3.5.0 release notes, eks-charts#1354: \"This release requires Gateway API CRDs v1.6.0\""},
}

// GatewayAPIRequirements returns the table of the Gateway API versions
// controller versions are built for, oldest first.
func GatewayAPIRequirements() []GatewayAPIRequirement { return slices.Clone(gatewayAPIRequirements) }

// GatewayAPIFor returns the Gateway API minor version a controller version
// ("" means DefaultVersion) is built for, or an error wrapping
// ErrGatewayAPIVersion when the table has no source for it.
func GatewayAPIFor(version string) (GatewayAPIRequirement, error) {
	if version == "" {
		version = DefaultVersion
	}
	v, err := ParseVersion(version)
	if err != nil {
		return GatewayAPIRequirement{}, err
	}
	for _, r := range gatewayAPIRequirements {
		if r.Controller == v.String() {
			return r, nil
		}
	}
	var known []string
	for _, r := range gatewayAPIRequirements {
		known = append(known, r.Controller+"="+r.GatewayAPI)
	}
	return GatewayAPIRequirement{}, fmt.Errorf("%w: no documented Gateway API version for controller %s (known: %s)",
		ErrGatewayAPIVersion, v, strings.Join(known, ", "))
}

// GatewayAPICRDs returns the standard-channel Gateway API CRDs fargatekit
// embeds (GatewayAPIBundleVersion), sorted by name: BackendTLSPolicy,
// GatewayClass, Gateway, GRPCRoute, HTTPRoute, ListenerSet, ReferenceGrant,
// TCPRoute, TLSRoute and UDPRoute. The standard install's safe-upgrades
// ValidatingAdmissionPolicy is not among them (it is no CRD).
func GatewayAPICRDs() ([]CRD, error) {
	dir := path.Join("gatewayapi", GatewayAPIBundleVersion)
	files, err := fs.Glob(gatewayAPIFS, dir+"/*.yaml")
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("%w: embedded Gateway API %s: no files (%v)", ErrCRDs, GatewayAPIBundleVersion, err)
	}
	var out []CRD
	for _, f := range files {
		raw, err := gatewayAPIFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCRDs, err)
		}
		crds, err := ParseCRDs(f, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, crds...)
	}
	slices.SortFunc(out, func(a, b CRD) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// GatewayCRDs returns the Gateway API CRDs a controller version ("" means
// DefaultVersion) needs: GatewayAPICRDs when the version is built for the
// embedded bundle's minor version, else an error wrapping
// ErrGatewayAPIVersion (install that version's CRDs yourself and set
// GatewayAPISpec.SkipCRDs). Pass them as the helm package's Options.ExtraCRDs, or apply them
// with ApplyGatewayAPI.
//
// The controller's own gateway CRDs (group ControllerGatewayGroup) are not
// among them: every chart of the version table from 1.13.4 (v2.13.4) ships
// them in its crds/ directory (ListenerRuleConfiguration from 1.14.0), so they come with the chart's CRDs (ChartCRDs),
// which Install and Upgrade apply before the chart, at the chart's version.
func GatewayCRDs(version string) ([]CRD, error) {
	req, err := GatewayAPIFor(version)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(GatewayAPIBundleVersion, req.GatewayAPI+".") {
		return nil, fmt.Errorf("%w: controller %s is built for Gateway API %s (%s); fargatekit embeds %s",
			ErrGatewayAPIVersion, req.Controller, req.GatewayAPI, req.Source, GatewayAPIBundleVersion)
	}
	return GatewayAPICRDs()
}

// GatewayControllerName is the spec.controllerName of a GatewayClass the
// controller answers to: GatewayControllerALB or GatewayControllerNLB.
type GatewayControllerName string

// The two gateway controllers of the AWS Load Balancer Controller.
const (
	// ALBGateway provisions Application Load Balancers (HTTPRoute, GRPCRoute).
	ALBGateway GatewayControllerName = GatewayControllerALB
	// NLBGateway provisions Network Load Balancers (TCPRoute, UDPRoute, TLSRoute).
	NLBGateway GatewayControllerName = GatewayControllerNLB
)

// GatewayClassSpec is one GatewayClass of the controller.
type GatewayClassSpec struct {
	// Name is the GatewayClass name (cluster-scoped), a DNS subdomain.
	Name string
	// Controller is ALBGateway or NLBGateway.
	Controller GatewayControllerName
	// LoadBalancerConfiguration, when set, is the namespace/name of a
	// LoadBalancerConfiguration applied to every Gateway of the class
	// (spec.parametersRef).
	LoadBalancerConfiguration *types.NamespacedName
}

// DefaultGatewayClasses are the classes GatewayAPISpec creates when it names
// none: DefaultGatewayClassALB for ALBGateway and DefaultGatewayClassNLB for
// NLBGateway.
func DefaultGatewayClasses() []GatewayClassSpec {
	return []GatewayClassSpec{
		{Name: DefaultGatewayClassALB, Controller: ALBGateway},
		{Name: DefaultGatewayClassNLB, Controller: NLBGateway},
	}
}

// Validate reports every problem of the class at once.
func (c GatewayClassSpec) Validate() error {
	var errs []error
	if !validSubdomain(c.Name) {
		errs = append(errs, fmt.Errorf("%w: GatewayClass name %q is not a DNS subdomain", ErrInvalidSpec, c.Name))
	}
	switch c.Controller {
	case ALBGateway, NLBGateway:
	default:
		errs = append(errs, fmt.Errorf("%w: GatewayClass %q: controller %q is neither %s nor %s", ErrInvalidSpec, c.Name, c.Controller, ALBGateway, NLBGateway))
	}
	if p := c.LoadBalancerConfiguration; p != nil && (!validLabel(p.Namespace) || !validSubdomain(p.Name)) {
		errs = append(errs, fmt.Errorf("%w: GatewayClass %q: LoadBalancerConfiguration %q is not namespace/name", ErrInvalidSpec, c.Name, p.String()))
	}
	return errors.Join(errs...)
}

// GatewayClass renders the class as a typed gateway.networking.k8s.io/v1
// GatewayClass. It is pure.
func GatewayClass(c GatewayClassSpec) (*gatewayv1.GatewayClass, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	gc := &gatewayv1.GatewayClass{
		TypeMeta:   metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: "GatewayClass"},
		ObjectMeta: metav1.ObjectMeta{Name: c.Name, Labels: map[string]string{"app.kubernetes.io/managed-by": "fargatekit"}},
		Spec:       gatewayv1.GatewayClassSpec{ControllerName: gatewayv1.GatewayController(c.Controller)},
	}
	if p := c.LoadBalancerConfiguration; p != nil {
		ns := gatewayv1.Namespace(p.Namespace)
		gc.Spec.ParametersRef = &gatewayv1.ParametersReference{Group: ControllerGatewayGroup,
			Kind: KindLoadBalancerConfiguration, Name: p.Name, Namespace: &ns}
	}
	return gc, nil
}

// GatewayAPISpec turns on the Gateway API: its CRDs and the controller's
// GatewayClasses. The LBCRelease component takes it as
// LBCReleaseArgs.GatewayAPI; the SDK applies it with ApplyGatewayAPI.
type GatewayAPISpec struct {
	// Classes are the GatewayClasses to create; nil means
	// DefaultGatewayClasses, an empty non-nil slice none.
	Classes []GatewayClassSpec
	// SkipCRDs leaves the Gateway API CRDs to someone else (another Gateway
	// API implementation, or a version other than the embedded one).
	SkipCRDs bool
}

// ResolvedClasses returns the classes the spec creates (the defaults for nil).
func (s GatewayAPISpec) ResolvedClasses() []GatewayClassSpec {
	if s.Classes == nil {
		return DefaultGatewayClasses()
	}
	return slices.Clone(s.Classes)
}

// Validate reports every problem of the spec for a controller's settings at
// once: classes valid and uniquely named; a controller version whose Gateway
// API version is the embedded one (unless SkipCRDs); and no class of a
// gateway controller whose feature gate (ALBGatewayAPI, NLBGatewayAPI) the
// settings turn off, or of a version whose chart lacks the controller's
// gateway CRDs (before v2.13.4), since nothing would ever accept it.
func (s GatewayAPISpec) Validate(settings Settings) error {
	var errs []error
	seen := map[string]bool{}
	for _, c := range s.ResolvedClasses() {
		if err := c.Validate(); err != nil {
			errs = append(errs, err)
		}
		if seen[c.Name] {
			errs = append(errs, fmt.Errorf("%w: GatewayClass %q defined twice", ErrInvalidSpec, c.Name))
		}
		seen[c.Name] = true
		gate := FeatureALBGatewayAPI
		if c.Controller == NLBGateway {
			gate = FeatureNLBGatewayAPI
		}
		if on, set := settings.FeatureGates[gate]; set && !on {
			errs = append(errs, fmt.Errorf("%w: GatewayClass %q: feature gate %s is off, so the controller ignores the class", ErrInvalidSpec, c.Name, gate))
		}
	}
	version := settings.Version
	if version == "" {
		version = DefaultVersion
	}
	if v, err := ParseVersion(version); err == nil && v.Compare(Version{2, 13, 4}) < 0 {
		errs = append(errs, fmt.Errorf("%w: controller %s: its chart ships no gateway.k8s.aws CRDs (from chart 1.13.4, v2.13.4)", ErrGatewayAPIVersion, v))
	}
	if !s.SkipCRDs {
		if _, err := GatewayCRDs(version); err != nil {
			errs = append(errs, fmt.Errorf("%w (or set SkipCRDs and install them yourself)", err))
		}
	}
	return errors.Join(errs...)
}

// ToUnstructured converts a typed Kubernetes object (a Gateway API type, or
// any with TypeMeta set) to its unstructured form, without status.
func ToUnstructured(obj runtime.Object) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("lbc: to unstructured: %w", err)
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
		if len(md) == 0 {
			delete(m, "metadata")
		}
	}
	return &unstructured.Unstructured{Object: m}, nil
}

// GatewayObjects renders what the spec creates after the CRDs: its
// GatewayClasses, in order, as unstructured objects (what the Pulumi
// component registers, one child per class name). It is pure.
func GatewayObjects(s GatewayAPISpec) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, c := range s.ResolvedClasses() {
		gc, err := GatewayClass(c)
		if err != nil {
			return nil, err
		}
		u, err := ToUnstructured(gc)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// GatewayFieldManager is the field manager of ApplyGatewayAPI's and
// ApplyObjects' server-side applies.
const GatewayFieldManager = "fargatekit-lbc-gateway"

// ApplyGatewayAPI installs the Gateway API for the controller version of
// settings: it validates spec, server-side applies the Gateway API CRDs
// (GatewayCRDs, unless SkipCRDs) through ApplyCRDs, waiting until they are
// established, then the GatewayClasses. Calling it again changes nothing. Run
// it before or after Install/Upgrade (which apply the chart's own gateway
// CRDs); a GatewayClass is accepted once the controller runs.
func ApplyGatewayAPI(ctx context.Context, cfg *rest.Config, settings Settings, spec GatewayAPISpec, log *slog.Logger) error {
	if err := spec.Validate(settings); err != nil {
		return fmt.Errorf("lbc: gateway API: %w", err)
	}
	if !spec.SkipCRDs {
		crds, err := GatewayCRDs(settings.Version)
		if err != nil {
			return fmt.Errorf("lbc: gateway API: %w", err)
		}
		if err := ApplyCRDs(ctx, cfg, crds, log); err != nil {
			return fmt.Errorf("lbc: gateway API: %w", err)
		}
	}
	objs, err := GatewayObjects(spec)
	if err != nil {
		return fmt.Errorf("lbc: gateway API: %w", err)
	}
	if err := ApplyObjects(ctx, cfg, objs, log); err != nil {
		return fmt.Errorf("lbc: gateway API: %w", err)
	}
	return nil
}

// ApplyObjects server-side applies objects (GatewayClasses, Gateways, routes,
// the controller's gateway configurations) with field manager
// GatewayFieldManager, forcing ownership of the fields it sets. An object
// whose live copy already has every field as given is left alone, so a
// second run writes nothing. The resource
// of each object is its kind's, lower-cased and pluralized the Kubernetes way
// (policies, classes, ...), in its apiVersion; namespaced objects need
// metadata.namespace. The API server validates each against its CRD schema;
// a refusal is returned as the server's error (apierrors.IsInvalid).
func ApplyObjects(ctx context.Context, cfg *rest.Config, objs []*unstructured.Unstructured, log *slog.Logger) error {
	if cfg == nil {
		return fmt.Errorf("lbc: apply: %w: nil *rest.Config", ErrInvalidSpec)
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("lbc: apply: %w", err)
	}
	force := true
	for _, o := range objs {
		gvr := o.GroupVersionKind().GroupVersion().WithResource(pluralize(o.GetKind()))
		body, err := json.Marshal(o.Object)
		if err != nil {
			return fmt.Errorf("lbc: apply %s %s: %w", o.GetKind(), o.GetName(), err)
		}
		var ri dynamic.ResourceInterface = dyn.Resource(gvr)
		if ns := o.GetNamespace(); ns != "" {
			ri = dyn.Resource(gvr).Namespace(ns)
		}
		if live, err := ri.Get(ctx, o.GetName(), metav1.GetOptions{}); err == nil && subsetOf(o.Object, live.Object) {
			continue // nothing to change: an apply would still write (defaulted fields), so none is sent
		}
		if _, err := ri.Patch(ctx, o.GetName(), types.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: GatewayFieldManager, Force: &force}); err != nil {
			return fmt.Errorf("lbc: apply %s %s: %w", o.GetKind(), o.GetName(), err)
		}
		log.Info("lbc: applied", "kind", o.GetKind(), "namespace", o.GetNamespace(), "name", o.GetName())
	}
	return nil
}

// subsetOf reports whether every field of want has the same value in got
// (maps compared key by key, lists element by element, numbers as JSON
// numbers).
func subsetOf(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !subsetOf(v, g[k]) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !subsetOf(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	a, err1 := json.Marshal(want)
	b, err2 := json.Marshal(got)
	return err1 == nil && err2 == nil && string(a) == string(b)
}

// pluralize is the resource name of a kind: lower case, consonant + "y" ->
// "ies", "s"/"x" -> "es", else "s" (true of every kind this package renders).
func pluralize(kind string) string {
	k := strings.ToLower(kind)
	switch {
	case strings.HasSuffix(k, "y") && len(k) > 1 && !strings.ContainsRune("aeiou", rune(k[len(k)-2])):
		return strings.TrimSuffix(k, "y") + "ies"
	case strings.HasSuffix(k, "s"), strings.HasSuffix(k, "x"):
		return k + "es"
	}
	return k + "s"
}
