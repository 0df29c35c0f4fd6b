package lbc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
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

// ErrTeardownIncomplete is wrapped when objects still carry the controller's
// finalizers when the context ends; the controller is then left installed.
var ErrTeardownIncomplete = errors.New("lbc: teardown incomplete")

// ManagedObject is an object whose AWS resources the controller manages.
type ManagedObject struct {
	// Kind is Ingress, Service or TargetGroupBinding.
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
	// Namespaces limits the objects deleted to these namespaces; none means all.
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
// TargetGroupBindings, when their resource is served.
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
// deletes the managed Ingresses, Services and TargetGroupBindings (see
// Managed), waits, logging progress, until the controller has deleted their
// load balancers and removed their finalizers, and then uninstalls the
// controller's release, waiting for its objects to go. If the context ends
// first, it returns an error wrapping ErrTeardownIncomplete and the context's
// error that lists the objects left, and does not uninstall (the controller
// is still needed to finish).
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
	case "TargetGroupBinding":
		err = dyn.Resource(TargetGroupBindingResource).Namespace(o.Namespace).Delete(ctx, o.Name, pre)
	default:
		return fmt.Errorf("unknown kind %s", o.Kind)
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
		case "TargetGroupBinding":
			meta, err = dyn.Resource(TargetGroupBindingResource).Namespace(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
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
