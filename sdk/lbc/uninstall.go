package lbc

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// ErrUninstall is wrapped by the errors of Uninstall.
var ErrUninstall = errors.New("lbc: uninstall")

// UninstallOptions configure Uninstall.
type UninstallOptions struct {
	// ReleaseName defaults to ReleaseName and Namespace to DefaultNamespace.
	ReleaseName, Namespace string
	// Wait waits until the release's resources are gone, up to Timeout.
	Wait bool
	// Timeout bounds the wait; 0 means DefaultTimeout.
	Timeout time.Duration
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// HelmRelease is what Uninstall reads of one revision of a Helm 3 release,
// from its record (a Secret of type helm.sh/release.v1, Helm's default
// storage driver).
type HelmRelease struct {
	// Name, Namespace and Revision identify the revision; Status is Helm's
	// (deployed, superseded, failed, uninstalling...).
	Name, Namespace, Status string
	Revision                int
	// Manifest is the rendered chart, CRDs excluded: what the revision
	// created.
	Manifest string
	// DeleteHooks counts the release's pre-delete and post-delete hooks.
	DeleteHooks int
	// Record is the name of the Secret that holds the revision.
	Record string
}

// helmRecord is the part of Helm's stored release (helm.sh/helm/v3/pkg/
// release.Release, as JSON) that HelmRelease needs.
type helmRecord struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Version   int    `json:"version"`
	Manifest  string `json:"manifest"`
	Info      struct {
		Status string `json:"status"`
	} `json:"info"`
	Hooks []struct {
		Events []string `json:"events"`
	} `json:"hooks"`
}

// DecodeHelmRelease decodes a Helm 3 release record's release data: base64
// of (optionally gzipped) JSON, as Helm's storage drivers write it.
func DecodeHelmRelease(data []byte) (HelmRelease, error) {
	raw, err := base64.StdEncoding.DecodeString(string(data))
	if err != nil {
		return HelmRelease{}, fmt.Errorf("%w: release record: %w", ErrUninstall, err)
	}
	if len(raw) > 3 && bytes.Equal(raw[:3], []byte{0x1f, 0x8b, 0x08}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return HelmRelease{}, fmt.Errorf("%w: release record: %w", ErrUninstall, err)
		}
		if raw, err = io.ReadAll(io.LimitReader(zr, maxChartBytes)); err != nil {
			return HelmRelease{}, fmt.Errorf("%w: release record: %w", ErrUninstall, err)
		}
	}
	var rec helmRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return HelmRelease{}, fmt.Errorf("%w: release record: %w", ErrUninstall, err)
	}
	r := HelmRelease{Name: rec.Name, Namespace: rec.Namespace, Status: rec.Info.Status, Revision: rec.Version, Manifest: rec.Manifest}
	for _, h := range rec.Hooks {
		if slices.Contains(h.Events, "pre-delete") || slices.Contains(h.Events, "post-delete") {
			r.DeleteHooks++
		}
	}
	return r, nil
}

// HelmReleaseHistory reads every revision of a Helm 3 release from its
// records in namespace, oldest first; none when the release is not
// installed.
func HelmReleaseHistory(ctx context.Context, cs kubernetes.Interface, name, namespace string) ([]HelmRelease, error) {
	list, err := cs.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + name})
	if err != nil {
		return nil, fmt.Errorf("%w: listing the records of %s/%s: %w", ErrUninstall, namespace, name, err)
	}
	var out []HelmRelease
	for _, s := range list.Items {
		if s.Type != "helm.sh/release.v1" {
			continue
		}
		r, err := DecodeHelmRelease(s.Data["release"])
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", namespace, s.Name, err)
		}
		r.Record = s.Name
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b HelmRelease) int { return a.Revision - b.Revision })
	return out, nil
}

// helmUninstallOrder is Helm's uninstall order by kind
// (helm.sh/helm/v3/pkg/releaseutil.UninstallOrder); kinds not in it go after.
var helmUninstallOrder = []string{"APIService", "Ingress", "IngressClass", "Service", "CronJob", "Job", "StatefulSet",
	"HorizontalPodAutoscaler", "Deployment", "ReplicaSet", "ReplicationController", "Pod", "DaemonSet", "RoleBindingList",
	"RoleBinding", "RoleList", "Role", "ClusterRoleBindingList", "ClusterRoleBinding", "ClusterRoleList", "ClusterRole",
	"CustomResourceDefinition", "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap", "SecretList",
	"Secret", "ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange", "ResourceQuota", "NetworkPolicy",
	"Namespace", "PriorityClass"}

// uninstallRank orders kinds for deletion: the admission webhook
// configurations first (so that nothing is refused by a webhook whose
// Service is already gone: the controller's fail closed), then Helm's
// order, then the rest by name.
func uninstallRank(kind string) int {
	switch kind {
	case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration":
		return -1
	}
	if i := slices.Index(helmUninstallOrder, kind); i >= 0 {
		return i
	}
	return len(helmUninstallOrder)
}

// ManifestObjects decodes a release manifest (a YAML stream) into its
// objects, empty documents skipped and lists flattened into their items,
// sorted for uninstalling: webhook
// configurations first, then Helm's uninstall order by kind, then by kind
// and name.
func ManifestObjects(manifest string) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	var out []*unstructured.Unstructured
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%w: manifest: %w", ErrUninstall, err)
		}
		if len(obj) == 0 {
			continue
		}
		flat, err := flattenList(&unstructured.Unstructured{Object: obj})
		if err != nil {
			return nil, err
		}
		out = append(out, flat...)
	}
	slices.SortStableFunc(out, func(a, b *unstructured.Unstructured) int {
		if d := uninstallRank(a.GetKind()) - uninstallRank(b.GetKind()); d != 0 {
			return d
		}
		if c := strings.Compare(a.GetKind(), b.GetKind()); c != 0 {
			return c
		}
		return strings.Compare(a.GetName(), b.GetName())
	})
	return out, nil
}

// flattenList returns an object, or the items of a list (kind List or
// <Kind>List with items, as a chart may render: the controller's charts wrap
// their IngressClass and IngressClassParams in a v1 List), recursively, as
// Helm's resource builder flattens them.
func flattenList(u *unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	items, isList := u.Object["items"].([]any)
	if strings.HasSuffix(u.GetKind(), "List") && (isList || u.Object["items"] == nil) {
		var out []*unstructured.Unstructured
		for _, it := range items {
			m, ok := it.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: manifest: a %s item is not an object", ErrUninstall, u.GetKind())
			}
			flat, err := flattenList(&unstructured.Unstructured{Object: m})
			if err != nil {
				return nil, err
			}
			out = append(out, flat...)
		}
		return out, nil
	}
	if u.GetKind() == "" || u.GetName() == "" {
		return nil, fmt.Errorf("%w: manifest: an object without kind or name", ErrUninstall)
	}
	return []*unstructured.Unstructured{u}, nil
}

// deletedObject is one object Uninstall deleted, to wait for.
type deletedObject struct {
	res       dynamic.ResourceInterface
	desc, uid string
	name      string
}

// Uninstall removes a Helm 3 release without Helm, as helm uninstall does
// for a chart without delete hooks (the controller's charts have none): it
// reads the latest revision's record, deletes the objects of its manifest
// (background propagation; objects annotated helm.sh/resource-policy: keep
// are kept, as Helm keeps them) with the admission webhook configurations
// first, waits until they are gone when Wait is set, then deletes every
// revision's record. The CRDs of the chart's crds/ directory are never
// deleted (Helm does not either). A release that does not exist is not an
// error: uninstalling twice is the same as once. A release with delete hooks
// is refused before anything is deleted (use Helm for it). Before
// uninstalling the controller itself, run Teardown so that no load balancer
// is left behind.
func Uninstall(ctx context.Context, cfg *rest.Config, opts UninstallOptions) error {
	if opts.ReleaseName == "" {
		opts.ReleaseName = ReleaseName
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	name, ns := opts.ReleaseName, opts.Namespace
	if err := ValidateRelease(name, ns, opts.Timeout); err != nil {
		return fmt.Errorf("%w: %w", ErrUninstall, err)
	}
	cs, dyn, err := clients(cfg)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUninstall, err)
	}
	history, err := HelmReleaseHistory(ctx, cs, name, ns)
	if err != nil {
		return err
	}
	if len(history) == 0 {
		log.Info("lbc: release not installed", "release", name, "namespace", ns)
		return nil
	}
	latest := history[len(history)-1]
	if latest.DeleteHooks > 0 {
		return fmt.Errorf("%w: %s/%s revision %d has %d delete hooks: uninstall it with helm", ErrUninstall, ns, name,
			latest.Revision, latest.DeleteHooks)
	}
	objs, err := ManifestObjects(latest.Manifest)
	if err != nil {
		return fmt.Errorf("%s/%s revision %d: %w", ns, name, latest.Revision, err)
	}
	log.Info("lbc: uninstalling", "release", name, "namespace", ns, "revision", latest.Revision, "objects", len(objs), "wait", opts.Wait)
	var mapper meta.RESTMapper
	if len(objs) > 0 {
		groups, err := restmapper.GetAPIGroupResources(cs.Discovery())
		if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
			return fmt.Errorf("%w: discovery: %w", ErrUninstall, err)
		}
		mapper = restmapper.NewDiscoveryRESTMapper(groups)
	}
	var deleted []deletedObject
	var errs []error
	for _, u := range objs {
		desc := u.GetKind() + " " + u.GetName()
		if u.GetAnnotations()["helm.sh/resource-policy"] == "keep" {
			log.Info("lbc: kept by its resource policy", "object", desc)
			continue
		}
		gvk := schema.FromAPIVersionAndKind(u.GetAPIVersion(), u.GetKind())
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if meta.IsNoMatchError(err) {
			log.Info("lbc: kind no longer served: nothing to delete", "object", desc, "apiVersion", u.GetAPIVersion())
			continue
		} else if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", desc, err))
			continue
		}
		var res dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			objNS := u.GetNamespace()
			if objNS == "" {
				objNS = ns
			}
			res = dyn.Resource(m.Resource).Namespace(objNS)
			desc = u.GetKind() + " " + objNS + "/" + u.GetName()
		}
		live, err := res.Get(ctx, u.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		} else if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", desc, err))
			continue
		}
		uid := live.GetUID()
		bg := metav1.DeletePropagationBackground
		err = res.Delete(ctx, u.GetName(), metav1.DeleteOptions{PropagationPolicy: &bg, Preconditions: &metav1.Preconditions{UID: &uid}})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			continue // gone already, or someone else's new object of that name
		} else if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", desc, err))
			continue
		}
		log.Info("lbc: deleted", "object", desc)
		deleted = append(deleted, deletedObject{res: res, desc: desc, uid: string(uid), name: u.GetName()})
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s/%s: %w", ErrUninstall, ns, name, errors.Join(errs...))
	}
	if opts.Wait {
		wctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		err := waitDeleted(wctx, deleted, log)
		cancel()
		if err != nil {
			return fmt.Errorf("%w: %s/%s: %w", ErrUninstall, ns, name, err)
		}
	}
	for _, r := range history {
		err := cs.CoreV1().Secrets(ns).Delete(ctx, r.Record, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("%w: %s/%s: deleting record %s: %w", ErrUninstall, ns, name, r.Record, err)
		}
	}
	log.Info("lbc: uninstalled", "release", name, "namespace", ns, "revisions", len(history))
	return nil
}

// waitDeleted polls the deleted objects until none remains (same UID).
func waitDeleted(ctx context.Context, objs []deletedObject, log *slog.Logger) error {
	for {
		var left []string
		for _, o := range objs {
			live, err := o.res.Get(ctx, o.name, metav1.GetOptions{})
			switch {
			case apierrors.IsNotFound(err):
			case err != nil && ctx.Err() == nil:
				return fmt.Errorf("checking %s: %w", o.desc, err)
			case err == nil && live.GetUID() != types.UID(o.uid):
			default:
				left = append(left, o.desc)
			}
		}
		if len(left) == 0 {
			return nil
		}
		log.Info("lbc: uninstall: waiting for objects to go", "remaining", len(left), "objects", left)
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for deletion: %w: still present: %s", ctx.Err(), strings.Join(left, "; "))
		case <-time.After(time.Second):
		}
	}
}
