package lbc

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	sdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// GatewayAPIResources are the children LBCRelease registers for the Gateway
// API (LBCReleaseArgs.GatewayAPI), by the names that key them: the Gateway
// API CRDs, created before the release, and the controller's GatewayClasses,
// created after it. The controller's own gateway.k8s.aws CRDs ship in its
// chart's crds/ and come with the chart's CRDs.
type GatewayAPIResources struct {
	// CRDs are the Gateway API CRDs by CRD name (none with SkipCRDs).
	CRDs map[string]*apiextensions.CustomResource
	// Classes are the GatewayClasses by class name.
	Classes map[string]*apiextensions.CustomResource
}

// NewObject registers a Kubernetes object the SDK renders (a CRD, a
// GatewayClass, a Gateway, an HTTPRoute, one of the controller's gateway
// configurations: anything with apiVersion, kind and metadata) as a
// kubernetes resource of its own apiVersion and kind; status is dropped.
// Pass the cluster's provider (pulumi.Provider) and, for objects the
// controller serves, LBCRelease.DependsOn.
func NewObject(ctx *pulumi.Context, name string, obj *unstructured.Unstructured, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	if obj == nil || obj.GetAPIVersion() == "" || obj.GetKind() == "" || obj.GetName() == "" {
		return nil, fmt.Errorf("%w: NewObject %s: an object with apiVersion, kind and metadata.name", ErrInvalidSpec, name)
	}
	meta := metav1.ObjectMetaArgs{Name: pulumi.String(obj.GetName())}
	if ns := obj.GetNamespace(); ns != "" {
		meta.Namespace = pulumi.String(ns)
	}
	if l := obj.GetLabels(); len(l) > 0 {
		meta.Labels = pulumi.ToStringMap(l)
	}
	if a := obj.GetAnnotations(); len(a) > 0 {
		meta.Annotations = pulumi.ToStringMap(a)
	}
	fields := kubernetes.UntypedArgs{}
	for k, v := range obj.Object {
		switch k {
		case "apiVersion", "kind", "metadata", "status":
		default:
			fields[k] = v
		}
	}
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(obj.GetAPIVersion()), Kind: pulumi.String(obj.GetKind()),
		Metadata: meta, OtherFields: fields,
	}, opts...)
}

// gatewayCRDs registers the Gateway API CRDs of the spec (named
// <name>-gatewayapi-<CRD name>), parented to the component, through the
// release's provider; it returns them for the release to depend on. A nil
// spec registers nothing.
func gatewayCRDs(ctx *pulumi.Context, name string, comp *LBCRelease, spec *GatewayAPISpec, r resolved) ([]pulumi.Resource, error) {
	if spec == nil {
		return nil, nil
	}
	comp.GatewayAPI = &GatewayAPIResources{CRDs: map[string]*apiextensions.CustomResource{}, Classes: map[string]*apiextensions.CustomResource{}}
	if spec.SkipCRDs {
		return nil, nil
	}
	crds, err := sdk.GatewayCRDs(r.Version) // validated in resolve
	if err != nil {
		return nil, err
	}
	var deps []pulumi.Resource
	for _, c := range crds {
		res, err := NewObject(ctx, name+"-gatewayapi-"+c.Name, c.Object, pulumi.Parent(comp), pulumi.Provider(r.provider))
		if err != nil {
			return nil, err
		}
		comp.GatewayAPI.CRDs[c.Name] = res
		deps = append(deps, res)
	}
	return deps, nil
}

// gatewayClasses registers the spec's GatewayClasses (named
// <name>-gatewayclass-<class>) after the release and the Gateway API CRDs.
func gatewayClasses(ctx *pulumi.Context, name string, comp *LBCRelease, spec *GatewayAPISpec, r resolved, crds []pulumi.Resource) error {
	if spec == nil {
		return nil
	}
	objs, err := sdk.GatewayObjects(*spec)
	if err != nil {
		return err
	}
	deps := append([]pulumi.Resource{comp.Release}, crds...)
	for _, o := range objs {
		res, err := NewObject(ctx, name+"-gatewayclass-"+o.GetName(), o, pulumi.Parent(comp), pulumi.Provider(r.provider), pulumi.DependsOn(deps))
		if err != nil {
			return err
		}
		comp.GatewayAPI.Classes[o.GetName()] = res
	}
	return nil
}
