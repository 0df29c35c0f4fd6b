package lbc

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AnnotationPatchForce is the annotation that makes the Kubernetes provider's
// server-side apply take over fields another manager owns (Helm, kubectl, the
// SDK's fargatekit-lbc): the CRD children carry it, so that a cluster whose
// CRDs an earlier install created is upgraded rather than refused.
const AnnotationPatchForce = "pulumi.com/patchForce"

// registerCRDs registers one CustomResourceDefinition child per CRD of the
// chart, named N-<CRD name>, applied by the provider's server-side apply
// (forced) and retained on delete: Helm never deletes CRDs either, and
// deleting one deletes every custom resource of its kind (a downgrade that
// drops a CRD, or pulumi destroy, leaves it in place).
func (c *LBCRelease) registerCRDs(ctx *pulumi.Context, name string, r resolved) ([]pulumi.Resource, error) {
	c.CRDs = map[string]*apiextensions.CustomResource{}
	var out []pulumi.Resource
	for _, crd := range r.crds {
		obj := crd.Object.DeepCopy()
		annotations := obj.GetAnnotations()
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations[AnnotationPatchForce] = "true"
		meta := &metav1.ObjectMetaArgs{Name: pulumi.String(crd.Name), Annotations: pulumi.ToStringMap(annotations)}
		if l := obj.GetLabels(); len(l) > 0 {
			meta.Labels = pulumi.ToStringMap(l)
		}
		other := map[string]any{}
		for k, v := range obj.Object {
			switch k {
			case "apiVersion", "kind", "metadata", "status":
			default:
				other[k] = v
			}
		}
		res, err := apiextensions.NewCustomResource(ctx, name+"-"+crd.Name, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String("apiextensions.k8s.io/v1"),
			Kind:        pulumi.String("CustomResourceDefinition"),
			Metadata:    meta,
			OtherFields: other,
		}, pulumi.Parent(c), pulumi.Provider(r.provider), pulumi.RetainOnDelete(true))
		if err != nil {
			return nil, err
		}
		c.CRDs[crd.Name] = res
		out = append(out, res)
	}
	return out, nil
}
