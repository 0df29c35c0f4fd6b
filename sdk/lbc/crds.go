package lbc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

// CRDFieldManager is the field manager of ApplyCRDs' server-side applies.
const CRDFieldManager = "fargatekit-lbc"

// CRDResource is the CustomResourceDefinition resource of the API server.
var CRDResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// ControllerCRDGroups are the API groups of the controller's own CRDs.
var ControllerCRDGroups = []string{"elbv2.k8s.aws", "gateway.k8s.aws", "aga.k8s.aws"}

// ErrCRDs is wrapped by the errors of ParseCRDs, CRDsOfFiles and ApplyCRDs.
var ErrCRDs = errors.New("lbc: CRDs")

// CRD is one CustomResourceDefinition of a chart, as the chart ships it.
type CRD struct {
	// Name is metadata.name, e.g. targetgroupbindings.elbv2.k8s.aws.
	Name string
	// Object is the whole definition.
	Object *unstructured.Unstructured
}

// ParseCRDs decodes the CustomResourceDefinitions of a YAML or JSON stream
// (file names it in errors); anything else in it is an error.
func ParseCRDs(file string, data []byte) ([]CRD, error) {
	var out []CRD
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrCRDs, file, err)
		}
		if len(obj) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: obj}
		if u.GetKind() != "CustomResourceDefinition" || u.GetName() == "" {
			return nil, fmt.Errorf("%w: %s: a %s %q is not a named CustomResourceDefinition", ErrCRDs, file, u.GetKind(), u.GetName())
		}
		out = append(out, CRD{Name: u.GetName(), Object: u})
	}
}

// CRDsYAML renders CRDs as one multi-document YAML stream, in order (what the
// Pulumi component gives its ConfigGroup). annotations, when not nil, are
// added to every definition's metadata.annotations.
func CRDsYAML(crds []CRD, annotations map[string]string) (string, error) {
	var b strings.Builder
	for i, c := range crds {
		u := c.Object.DeepCopy()
		if len(annotations) > 0 {
			a := u.GetAnnotations()
			if a == nil {
				a = map[string]string{}
			}
			for k, v := range annotations {
				a[k] = v
			}
			u.SetAnnotations(a)
		}
		y, err := yaml.Marshal(u.Object)
		if err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrCRDs, c.Name, err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.String(), nil
}

// ApplyCRDs server-side applies the CRDs (field manager CRDFieldManager,
// forcing ownership of fields Helm or kubectl set before) and waits until the
// API server reports each Established, so the chart's custom resources can
// be created right after. It is what Upgrade runs before the chart: Helm
// itself never upgrades CRDs, and a controller then runs against the old
// schemas. It changes no CRD it was not given (nothing is removed), and it
// leaves alone a CRD whose server copy has stored versions the given
// definition lacks (a newer controller's, on a downgrade): the API server
// refuses to drop a stored version, and the newer definition serves the
// older controller's version too.
func ApplyCRDs(ctx context.Context, cfg *rest.Config, crds []CRD, log *slog.Logger) error {
	if cfg == nil {
		return fmt.Errorf("%w: apply: %w: nil *rest.Config", ErrCRDs, ErrInvalidSpec)
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("%w: apply: %w", ErrCRDs, err)
	}
	res := dyn.Resource(CRDResource)
	force := true
	var applied []CRD
	for _, c := range crds {
		if live, err := res.Get(ctx, c.Name, metav1.GetOptions{}); err == nil {
			if lost := droppedStoredVersions(live, c.Object); len(lost) > 0 {
				log.Info("lbc: CRD kept: the server's stores versions this definition lacks (newer)", "crd", c.Name, "stored", lost)
				continue
			}
		} else if !apierrors.IsNotFound(err) {
			return fmt.Errorf("%w: apply %s: %w", ErrCRDs, c.Name, err)
		}
		applied = append(applied, c)
		u := c.Object.DeepCopy()
		u.SetResourceVersion("")
		body, err := json.Marshal(u.Object)
		if err != nil {
			return fmt.Errorf("%w: apply %s: %w", ErrCRDs, c.Name, err)
		}
		if _, err := res.Patch(ctx, c.Name, types.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: CRDFieldManager, Force: &force}); err != nil {
			return fmt.Errorf("%w: apply %s: %w", ErrCRDs, c.Name, err)
		}
		log.Info("lbc: CRD applied", "crd", c.Name)
	}
	for _, c := range applied {
		if err := waitEstablished(ctx, res, c.Name); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrCRDs, c.Name, err)
		}
	}
	return nil
}

// waitEstablished polls a CRD until its Established condition is True.
func waitEstablished(ctx context.Context, res dynamic.NamespaceableResourceInterface, name string) error {
	for {
		u, err := res.Get(ctx, name, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		if err == nil && crdEstablished(u) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting until established: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func crdEstablished(u *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

// droppedStoredVersions lists the live CRD's status.storedVersions that the
// definition's spec.versions does not have.
func droppedStoredVersions(live, def *unstructured.Unstructured) []string {
	stored, _, _ := unstructured.NestedStringSlice(live.Object, "status", "storedVersions")
	versions, _, _ := unstructured.NestedSlice(def.Object, "spec", "versions")
	has := map[string]bool{}
	for _, v := range versions {
		if m, ok := v.(map[string]any); ok {
			name, _ := m["name"].(string)
			has[name] = true
		}
	}
	var out []string
	for _, s := range stored {
		if !has[s] {
			out = append(out, s)
		}
	}
	return out
}
