package lbc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Names the controller uses on the objects it manages.
const (
	// IngressController is the spec.controller of the controller's IngressClasses.
	IngressController = "ingress.k8s.aws/alb"
	// IngressFinalizer is the finalizer on Ingresses of an implicit group;
	// explicit IngressGroups use group.ingress.k8s.aws/<group name>.
	IngressFinalizer = "ingress.k8s.aws/resources"
	// IngressGroupFinalizerPrefix starts the finalizer of an explicit IngressGroup.
	IngressGroupFinalizerPrefix = "group.ingress.k8s.aws/"
	// ServiceFinalizer is the finalizer on the Services the controller serves.
	ServiceFinalizer = "service.k8s.aws/resources"
	// TargetGroupBindingFinalizer is the finalizer on TargetGroupBindings.
	TargetGroupBindingFinalizer = "elbv2.k8s.aws/resources"
	// legacyIngressClassAnnotation is the pre-IngressClass way to pick a controller.
	legacyIngressClassAnnotation = "kubernetes.io/ingress.class"
)

// TargetGroupBindingResource is the controller's TargetGroupBinding custom resource.
var TargetGroupBindingResource = schema.GroupVersionResource{Group: "elbv2.k8s.aws", Version: "v1beta1", Resource: "targetgroupbindings"}

// The Gateway API names the controller (v2.13+, GA in v3.0.0) answers to.
const (
	// GatewayControllerALB is the GatewayClass spec.controllerName of the ALB gateway controller.
	GatewayControllerALB = "gateway.k8s.aws/alb"
	// GatewayControllerNLB is the GatewayClass spec.controllerName of the NLB gateway controller.
	GatewayControllerNLB = "gateway.k8s.aws/nlb"
	// GatewayFinalizerPrefix starts the controller's finalizers on Gateway API objects.
	GatewayFinalizerPrefix = "gateway.k8s.aws/"
)

// Gateway API resources Teardown knows.
var (
	// GatewayClassResource is gateway.networking.k8s.io/v1 gatewayclasses.
	GatewayClassResource = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "gatewayclasses"}
	// GatewayResource is gateway.networking.k8s.io/v1 gateways.
	GatewayResource = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "gateways"}
)

// routeResources are the Gateway API route kinds the controller attaches to
// its Gateways, in the version the Gateway API v1.6 standard CRDs serve (v1
// for all five; v1.6 no longer serves v1alpha2).
var routeResources = map[string]schema.GroupVersionResource{
	"HTTPRoute": {Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"},
	"GRPCRoute": {Group: "gateway.networking.k8s.io", Version: "v1", Resource: "grpcroutes"},
	"TLSRoute":  {Group: "gateway.networking.k8s.io", Version: "v1", Resource: "tlsroutes"},
	"TCPRoute":  {Group: "gateway.networking.k8s.io", Version: "v1", Resource: "tcproutes"},
	"UDPRoute":  {Group: "gateway.networking.k8s.io", Version: "v1", Resource: "udproutes"},
}

// legacyRouteVersions are the versions older Gateway API CRDs (the
// experimental channel before v1.5) serve the L4 routes in instead of v1.
var legacyRouteVersions = map[string]string{"TLSRoute": "v1alpha2", "TCPRoute": "v1alpha2", "UDPRoute": "v1alpha2"}

// servedResource is the resource of a kind Teardown handles through the
// dynamic client, in the version the server serves: a route kind the server
// does not serve in v1 is looked up in its legacy version.
func servedResource(disc discovery.DiscoveryInterface, kind string) schema.GroupVersionResource {
	gvr := ManagedResources()[kind]
	legacy, ok := legacyRouteVersions[kind]
	if !ok {
		return gvr
	}
	if list, err := disc.ServerResourcesForGroupVersion(gvr.GroupVersion().String()); err == nil &&
		slices.ContainsFunc(list.APIResources, func(r metav1.APIResource) bool { return r.Name == gvr.Resource }) {
		return gvr
	}
	gvr.Version = legacy
	return gvr
}

// ManagedResources maps the kinds Teardown handles through the dynamic client
// (TargetGroupBinding, Gateway and the Gateway API routes) to their
// resources (the L4 routes at v1; older CRDs serve them at v1alpha2, which
// Teardown finds by discovery).
func ManagedResources() map[string]schema.GroupVersionResource {
	m := map[string]schema.GroupVersionResource{"TargetGroupBinding": TargetGroupBindingResource, "Gateway": GatewayResource}
	for k, v := range routeResources {
		m[k] = v
	}
	return m
}

// ErrManagedObjectsRemain is wrapped when a cluster-wide Teardown, listing
// the managed objects again right before uninstalling the controller, finds
// some (created while it waited): their load balancers would be orphaned and
// the objects stuck deleting, so the controller stays.
var ErrManagedObjectsRemain = errors.New("lbc: teardown: the controller still manages objects: not uninstalling")

// ErrTeardownIncomplete is wrapped when objects still carry the controller's
// finalizers when the context ends; the controller is then left installed.
var ErrTeardownIncomplete = errors.New("lbc: teardown incomplete")

// ManagedObject is an object whose AWS resources the controller manages.
type ManagedObject struct {
	// Kind is Ingress, Service, TargetGroupBinding, Gateway or a route kind
	// (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute).
	Kind, Namespace, Name string
	// UID tells a deleted object from a new one of the same name.
	UID types.UID
	// Finalizers are the object's finalizers when last seen.
	Finalizers []string
}

// String is "Kind namespace/name [finalizers]".
func (o ManagedObject) String() string {
	s := o.Kind + " " + o.Namespace + "/" + o.Name
	if len(o.Finalizers) > 0 {
		s += " [" + strings.Join(o.Finalizers, ",") + "]"
	}
	return s
}

// TeardownOptions configure Teardown.
type TeardownOptions struct {
	// Namespaces limits the objects deleted to these namespaces, and then
	// the controller is never uninstalled; none means all.
	Namespaces []string
	// ReleaseName and ReleaseNamespace locate the controller's Helm release
	// (default ReleaseName in DefaultNamespace).
	ReleaseName, ReleaseNamespace string
	// SkipUninstall leaves the controller installed.
	SkipUninstall bool
	// UninstallTimeout bounds the wait for the controller's own objects to go;
	// 0 means DefaultTimeout.
	UninstallTimeout time.Duration
	// PollInterval is how often the remaining objects are checked; 0 means 2s.
	PollInterval time.Duration
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// Managed lists the objects the controller manages in the namespaces (all when
// none): Ingresses of its IngressClasses (spec.ingressClassName, or the legacy
// kubernetes.io/ingress.class annotation) or carrying its finalizers; Services
// of type LoadBalancer with spec.loadBalancerClass service.k8s.aws/nlb, the
// aws-load-balancer-type annotation external or nlb-ip, or its finalizer; and
// TargetGroupBindings, when their resource is served; and, when the Gateway
// API is served, Gateways of a GatewayClass whose controllerName is
// GatewayControllerALB or GatewayControllerNLB (or carrying a gateway.k8s.aws/
// finalizer) and the routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute,
// UDPRoute) attached to them.
func Managed(ctx context.Context, cfg *rest.Config, namespaces ...string) ([]ManagedObject, error) {
	cs, dyn, err := clients(cfg)
	if err != nil {
		return nil, fmt.Errorf("lbc: managed objects: %w", err)
	}
	return managed(ctx, cs, dyn, namespaces)
}

func clients(cfg *rest.Config) (kubernetes.Interface, dynamic.Interface, error) {
	if cfg == nil {
		return nil, nil, fmt.Errorf("%w: nil *rest.Config", ErrInvalidSpec)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	return cs, dyn, nil
}

func managed(ctx context.Context, cs kubernetes.Interface, dyn dynamic.Interface, namespaces []string) ([]ManagedObject, error) {
	classes := map[string]bool{IngressClassName: true}
	ics, err := cs.NetworkingV1().IngressClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing IngressClasses: %w", err)
	}
	for _, ic := range ics.Items {
		if ic.Spec.Controller == IngressController {
			classes[ic.Name] = true
		}
	}
	if len(namespaces) == 0 {
		namespaces = []string{metav1.NamespaceAll}
	}
	var out []ManagedObject
	for _, ns := range namespaces {
		ings, err := cs.NetworkingV1().Ingresses(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing Ingresses: %w", err)
		}
		for _, ing := range ings.Items {
			if ingressManaged(&ing, classes) {
				out = append(out, ManagedObject{"Ingress", ing.Namespace, ing.Name, ing.UID, ing.Finalizers})
			}
		}
		svcs, err := cs.CoreV1().Services(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing Services: %w", err)
		}
		for _, svc := range svcs.Items {
			if serviceManaged(&svc) {
				out = append(out, ManagedObject{"Service", svc.Namespace, svc.Name, svc.UID, svc.Finalizers})
			}
		}
		tgbs, err := dyn.Resource(TargetGroupBindingResource).Namespace(ns).List(ctx, metav1.ListOptions{})
		switch {
		case apierrors.IsNotFound(err):
			// The controller's CRDs are not installed: no TargetGroupBindings.
		case err != nil:
			return nil, fmt.Errorf("listing TargetGroupBindings: %w", err)
		default:
			for _, tgb := range tgbs.Items {
				out = append(out, ManagedObject{"TargetGroupBinding", tgb.GetNamespace(), tgb.GetName(), tgb.GetUID(), tgb.GetFinalizers()})
			}
		}
		gws, err := managedGateways(ctx, cs.Discovery(), dyn, ns)
		if err != nil {
			return nil, err
		}
		out = append(out, gws...)
	}
	return out, nil
}

// managedGateways lists the controller's Gateways in ns and the routes in ns
// attached to one of the controller's Gateways in any namespace (nothing
// when the Gateway API is not served). A route in another namespace is
// left to a run that covers its namespace.
func managedGateways(ctx context.Context, disc discovery.DiscoveryInterface, dyn dynamic.Interface, ns string) ([]ManagedObject, error) {
	classes := map[string]bool{}
	gcs, err := dyn.Resource(GatewayClassResource).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil // no Gateway API
	} else if err != nil {
		return nil, fmt.Errorf("listing GatewayClasses: %w", err)
	}
	for _, gc := range gcs.Items {
		if c, _, _ := unstructured.NestedString(gc.Object, "spec", "controllerName"); c == GatewayControllerALB || c == GatewayControllerNLB {
			classes[gc.GetName()] = true
		}
	}
	gws, err := dyn.Resource(GatewayResource).Namespace(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("listing Gateways: %w", err)
	}
	var out []ManagedObject
	mine := map[string]bool{} // namespace/name of the controller's Gateways, in every namespace
	for _, gw := range gws.Items {
		class, _, _ := unstructured.NestedString(gw.Object, "spec", "gatewayClassName")
		if classes[class] || slices.ContainsFunc(gw.GetFinalizers(), func(f string) bool { return strings.HasPrefix(f, GatewayFinalizerPrefix) }) {
			mine[gw.GetNamespace()+"/"+gw.GetName()] = true
			if ns == metav1.NamespaceAll || gw.GetNamespace() == ns {
				out = append(out, ManagedObject{"Gateway", gw.GetNamespace(), gw.GetName(), gw.GetUID(), gw.GetFinalizers()})
			}
		}
	}
	if len(mine) == 0 {
		return out, nil
	}
	kinds := slices.Sorted(maps.Keys(routeResources))
	for _, kind := range kinds {
		routes, err := dyn.Resource(servedResource(disc, kind)).Namespace(ns).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			continue // this route kind is not served
		} else if err != nil {
			return nil, fmt.Errorf("listing %ss: %w", kind, err)
		}
		for _, rt := range routes.Items {
			parents, _, _ := unstructured.NestedSlice(rt.Object, "spec", "parentRefs")
			for _, p := range parents {
				m, _ := p.(map[string]any)
				name, _ := m["name"].(string)
				pns, _ := m["namespace"].(string)
				if pns == "" {
					pns = rt.GetNamespace()
				}
				if k, _ := m["kind"].(string); (k == "" || k == "Gateway") && mine[pns+"/"+name] {
					out = append(out, ManagedObject{kind, rt.GetNamespace(), rt.GetName(), rt.GetUID(), rt.GetFinalizers()})
					break
				}
			}
		}
	}
	return out, nil
}

func ingressManaged(ing *networkingv1.Ingress, classes map[string]bool) bool {
	if c := ing.Spec.IngressClassName; c != nil && classes[*c] {
		return true
	}
	if c, ok := ing.Annotations[legacyIngressClassAnnotation]; ok && classes[c] {
		return true
	}
	return slices.ContainsFunc(ing.Finalizers, func(f string) bool {
		return f == IngressFinalizer || strings.HasPrefix(f, IngressGroupFinalizerPrefix)
	})
}

func serviceManaged(svc *corev1.Service) bool {
	if slices.Contains(svc.Finalizers, ServiceFinalizer) {
		return true
	}
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return false
	}
	if c := svc.Spec.LoadBalancerClass; c != nil && *c == LoadBalancerClass {
		return true
	}
	switch svc.Annotations[ServiceAnnotationPrefix+"type"] {
	case "external", "nlb-ip":
		return true
	}
	return false
}

// Teardown removes what the controller manages, then the controller: it
// deletes the managed Ingresses, Services, TargetGroupBindings, Gateways and
// routes (see Managed) in opts.Namespaces (all when none), waits, logging
// progress, until the controller has deleted their load balancers and
// removed their finalizers, and then, for a cluster-wide run, uninstalls
// the controller's release, waiting for its objects to go.
//
// A run scoped to namespaces never uninstalls: the controller still serves
// the other namespaces. It deletes only objects in those namespaces (a
// route elsewhere attached to one of their Gateways is left). A cluster-wide
// run lists the managed objects again right before uninstalling: when some
// were created while it waited, it returns an error wrapping
// ErrManagedObjectsRemain that lists them, and the controller stays. If the
// context ends first, it returns an error wrapping ErrTeardownIncomplete and
// the context's error that lists the objects left, and does not uninstall
// (the controller is still needed to finish).
func Teardown(ctx context.Context, cfg *rest.Config, opts TeardownOptions) error {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	poll := opts.PollInterval
	if poll <= 0 {
		poll = 2 * time.Second
	}
	cs, dyn, err := clients(cfg)
	if err != nil {
		return fmt.Errorf("lbc: teardown: %w", err)
	}
	objs, err := managed(ctx, cs, dyn, opts.Namespaces)
	if err != nil {
		return fmt.Errorf("lbc: teardown: %w", err)
	}
	log.Info("lbc: teardown: deleting managed objects", "count", len(objs))
	for _, o := range objs {
		if err := deleteObject(ctx, cs, dyn, o); err != nil {
			return fmt.Errorf("lbc: teardown: deleting %s: %w", o, err)
		}
		log.Info("lbc: teardown: deleted", "object", o.String())
	}
	remaining := objs
	for len(remaining) > 0 {
		remaining, err = stillThere(ctx, cs, dyn, remaining)
		if err != nil {
			return fmt.Errorf("lbc: teardown: %w", err)
		}
		if len(remaining) == 0 {
			break
		}
		names := make([]string, len(remaining))
		for i, o := range remaining {
			names[i] = o.String()
		}
		log.Info("lbc: teardown: waiting for the controller to clear finalizers", "remaining", len(remaining), "objects", names)
		select {
		case <-ctx.Done():
			return fmt.Errorf("lbc: teardown: %w: %w: still present: %s", ErrTeardownIncomplete, ctx.Err(), strings.Join(names, "; "))
		case <-time.After(poll):
		}
	}
	log.Info("lbc: teardown: managed objects gone", "count", len(objs))
	if opts.SkipUninstall {
		return nil
	}
	if len(opts.Namespaces) > 0 {
		log.Info("lbc: teardown: scoped to namespaces: the controller stays (a cluster-wide run uninstalls it)",
			"namespaces", strings.Join(opts.Namespaces, ","))
		return nil
	}
	// Objects created while this run waited would lose their controller.
	rest, err := managed(ctx, cs, dyn, nil)
	if err != nil {
		return fmt.Errorf("lbc: teardown: %w", err)
	}
	if len(rest) > 0 {
		names := make([]string, len(rest))
		for i, o := range rest {
			names[i] = o.String()
		}
		return fmt.Errorf("%w: %d created during the teardown: %s", ErrManagedObjectsRemain, len(rest), strings.Join(names, "; "))
	}
	return Uninstall(ctx, cfg, UninstallOptions{ReleaseName: opts.ReleaseName, Namespace: opts.ReleaseNamespace,
		Wait: true, Timeout: opts.UninstallTimeout, Logger: log})
}

func deleteObject(ctx context.Context, cs kubernetes.Interface, dyn dynamic.Interface, o ManagedObject) error {
	pre := metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &o.UID}}
	var err error
	switch o.Kind {
	case "Ingress":
		err = cs.NetworkingV1().Ingresses(o.Namespace).Delete(ctx, o.Name, pre)
	case "Service":
		err = cs.CoreV1().Services(o.Namespace).Delete(ctx, o.Name, pre)
	default:
		if _, ok := ManagedResources()[o.Kind]; !ok {
			return fmt.Errorf("unknown kind %s", o.Kind)
		}
		gvr := servedResource(cs.Discovery(), o.Kind)
		err = dyn.Resource(gvr).Namespace(o.Namespace).Delete(ctx, o.Name, pre)
	}
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil // gone already, or replaced by a new object we did not list
	}
	return err
}

// stillThere returns the objects that still exist (same UID), with their
// current finalizers.
func stillThere(ctx context.Context, cs kubernetes.Interface, dyn dynamic.Interface, objs []ManagedObject) ([]ManagedObject, error) {
	var out []ManagedObject
	for _, o := range objs {
		var (
			meta metav1.Object
			err  error
		)
		switch o.Kind {
		case "Ingress":
			meta, err = cs.NetworkingV1().Ingresses(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
		case "Service":
			meta, err = cs.CoreV1().Services(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
		default:
			meta, err = dyn.Resource(servedResource(cs.Discovery(), o.Kind)).Namespace(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
		}
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return objs, nil // let the caller report the deadline with the objects
			}
			return nil, fmt.Errorf("checking %s: %w", o, err)
		}
		if meta.GetUID() != o.UID {
			continue
		}
		o.Finalizers = meta.GetFinalizers()
		out = append(out, o)
	}
	return out, nil
}
