package authmap

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fargatekit/fargatekit/internal/hookprops"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/kubehook"
	sdk "github.com/fargatekit/fargatekit/sdk/authmap"
)

// ErrNoKubeconfig is returned by the component's resource hooks when the
// kubeconfig they write with is not known: under pulumi destroy without
// --run-program the program, and so the hooks' connection, does not run.
var ErrNoKubeconfig = errors.New("authmap: the hooks' kubeconfig is not known (run pulumi destroy --run-program)")

// ownerRecord is what the hooks-mode patch records in the component's
// annotation on aws-auth: the mappings it owns and the ones it ensures. The
// record is the hooks' input: old and new inputs say what to remove and add.
type ownerRecord struct {
	Owned   sdk.Mappings `json:"owned"`
	Ensured sdk.Mappings `json:"ensured"`
}

// owned returns the identities a record (or the older form, a JSON list of
// identities) names; "" and unreadable values name none.
func ownedIdentities(v string) []string {
	if v == "" {
		return nil
	}
	var rec ownerRecord
	if err := json.Unmarshal([]byte(v), &rec); err == nil {
		return rec.Owned.Identities()
	}
	var ids []string
	_ = json.Unmarshal([]byte(v), &ids) // unreadable: nothing to remove, the safe side
	return ids
}

// recordValue reads the record from a patch's inputs: the annotation key,
// else (old inputs from before a rename changed the key) the one annotation
// with AnnotationOwnedPrefix.
func recordValue(props resource.PropertyMap, key string) string {
	if v := annotationValue(props, key); v != "" {
		return v
	}
	for _, k := range annotationKeys(props) {
		if strings.HasPrefix(k, AnnotationOwnedPrefix) {
			return annotationValue(props, k)
		}
	}
	return ""
}

// annotationKeys lists the metadata.annotations keys of a patch's inputs, sorted.
func annotationKeys(props resource.PropertyMap) []string {
	ann, ok := annotations(props)
	if !ok {
		return nil
	}
	var out []string
	for k := range ann {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

// annotations returns metadata.annotations of a patch's inputs.
func annotations(props resource.PropertyMap) (resource.PropertyMap, bool) {
	md, ok := props[resource.PropertyKey("metadata")]
	if !ok || !hookprops.Unsecret(md).IsObject() {
		return nil, false
	}
	ann, ok := hookprops.Unsecret(md).ObjectValue()[resource.PropertyKey("annotations")]
	if !ok || !hookprops.Unsecret(ann).IsObject() {
		return nil, false
	}
	return hookprops.Unsecret(ann).ObjectValue(), true
}

// annotationValue reads metadata.annotations[key] from a patch's inputs.
func annotationValue(props resource.PropertyMap, key string) string {
	ann, ok := annotations(props)
	if !ok {
		return ""
	}
	v, ok := ann[resource.PropertyKey(key)]
	if !ok || !hookprops.Unsecret(v).IsString() {
		return ""
	}
	return hookprops.Unsecret(v).StringValue()
}

// hookConn is the connection the hooks write with: the kubeconfig, captured
// when the program resolves it, and the ConfigMap's options.
type hookConn struct {
	kube       kubehook.Conn
	opts       sdk.ConfigMapOptions
	annotation string
	timeout    time.Duration
}

func (h *hookConn) set(kubeconfig string) { h.kube.Set(kubeconfig) }

func (h *hookConn) client() (kubernetes.Interface, error) { return h.kube.Client() }

// apply is the before-create and before-update hook: one merge of the
// record's mappings into aws-auth with conflict retries (sdk.ReconcileOwned),
// removing what the old record owned and the new one does not.
func (h *hookConn) apply(args *pulumi.ResourceHookArgs) error {
	var rec ownerRecord
	if err := json.Unmarshal([]byte(recordValue(args.NewInputs, h.annotation)), &rec); err != nil {
		return fmt.Errorf("authmap: %s: reading the component's record: %w", args.Name, err)
	}
	cs, err := h.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	prev := ownedIdentities(recordValue(args.OldInputs, h.annotation))
	if _, hadData := args.OldInputs[resource.PropertyKey("data")]; hadData {
		// The patch wrote the data (ConfigMap mode without Kubeconfig) and
		// stops now: share the keys first, or releasing them empties aws-auth.
		if err := sdk.ShareData(ctx, cs.CoreV1(), h.opts); err != nil {
			return fmt.Errorf("authmap: %s: %w", args.Name, err)
		}
	}
	if _, err := sdk.ReconcileOwned(ctx, cs.CoreV1(), prev, rec.Owned, rec.Ensured, h.opts); err != nil {
		return fmt.Errorf("authmap: %s: %w", args.Name, err)
	}
	return nil
}

// revoke is the before-delete hook: it removes exactly the identities the
// record owned (sdk.RevokeOwned), never the ensured Fargate mapping or what
// others wrote.
func (h *hookConn) revoke(args *pulumi.ResourceHookArgs) error {
	owned := ownedIdentities(recordValue(args.OldInputs, h.annotation))
	if len(owned) == 0 {
		return nil
	}
	cs, err := h.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	if _, err := sdk.RevokeOwned(ctx, cs.CoreV1(), owned, h.opts); err != nil {
		return fmt.Errorf("authmap: %s: revoking on delete: %w", args.Name, err)
	}
	return nil
}

// hooks registers the apply and revoke hooks of the component named name.
func (h *hookConn) hooks(ctx *pulumi.Context, name string) (*pulumi.ResourceHookBinding, error) {
	return registerHooks(ctx, name, h.apply, h.revoke)
}

// registerHooks registers N-apply (before create and update) and N-revoke
// (before delete), the hooks of both hook modes, and binds them.
func registerHooks(ctx *pulumi.Context, name string, applyFn, revokeFn pulumi.ResourceHookFunction) (*pulumi.ResourceHookBinding, error) {
	apply, err := ctx.RegisterResourceHook(name+"-apply", applyFn, nil)
	if err != nil {
		return nil, err
	}
	revoke, err := ctx.RegisterResourceHook(name+"-revoke", revokeFn, nil)
	if err != nil {
		return nil, err
	}
	return &pulumi.ResourceHookBinding{
		BeforeCreate: []*pulumi.ResourceHook{apply},
		BeforeUpdate: []*pulumi.ResourceHook{apply},
		BeforeDelete: []*pulumi.ResourceHook{revoke},
	}, nil
}
