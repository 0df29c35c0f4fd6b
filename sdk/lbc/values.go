package lbc

// IRSARoleAnnotation is the ServiceAccount annotation naming the IAM role that
// EKS's pod identity webhook injects credentials for.
const IRSARoleAnnotation = "eks.amazonaws.com/role-arn"

// Values renders the chart values of a spec:
//
//   - clusterName, region and vpcId, always (Fargate has no instance metadata);
//   - serviceAccount.create=false and serviceAccount.name when someone else
//     owns the ServiceAccount, else the chart's own one with the IRSA annotation;
//   - defaultTargetType ip on Fargate;
//   - keepTLSSecret true, so that the webhook certificate the chart generates
//     is reused on every render instead of changing (a perpetual diff), on
//     every chart that has the value (all but 3.0.0, see Release.KeepTLSSecret);
//   - webhookTLS.caCert, cert and key when Settings.WebhookTLS is set;
//   - replicaCount and, with more than one replica, podDisruptionBudget;
//   - enableServiceMutatorWebhook, always explicit;
//   - image.repository (ImageRepository: ECR Public in the aws partition,
//     the region's Amazon EKS registry in aws-cn and aws-us-gov or when
//     regional is chosen, or your ImageRepository) and image.tag (the
//     controller version);
//   - defaultTags when given;
//   - controllerConfig.featureGates, the gates set in FeatureGates;
//   - then ExtraValues, deep-merged last.
//
// It is pure: the same spec always gives the same values.
func Values(spec ValuesSpec) (map[string]any, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	version := spec.Version
	if version == "" {
		version = DefaultVersion
	}
	v, _ := ParseVersion(version)
	tag := spec.ImageTag
	if tag == "" {
		tag = v.String()
	}
	repo := spec.ImageRepository
	if repo == "" {
		repo, _ = ImageRepository(spec.Image, spec.Region) // validated
	}
	out := map[string]any{
		"clusterName":                 spec.ClusterName,
		"region":                      spec.Region,
		"vpcId":                       spec.VpcID,
		"replicaCount":                spec.replicas(),
		"enableServiceMutatorWebhook": !spec.DisableServiceMutatorWebhook,
		"image":                       map[string]any{"repository": repo, "tag": tag},
	}
	if keepTLSSecret(v) {
		out["keepTLSSecret"] = true
	}
	if spec.WebhookTLS != nil {
		out["webhookTLS"] = spec.WebhookTLS.values()
	}
	if spec.ServiceAccountName != "" {
		out["serviceAccount"] = map[string]any{"create": false, "name": spec.ServiceAccountName}
	} else {
		sa := map[string]any{"create": true, "name": DefaultServiceAccount}
		if spec.ServiceAccountRoleARN != "" {
			sa["annotations"] = map[string]any{IRSARoleAnnotation: spec.ServiceAccountRoleARN}
		}
		out["serviceAccount"] = sa
	}
	switch {
	case spec.DefaultTargetType != "":
		out["defaultTargetType"] = string(spec.DefaultTargetType)
	case spec.Fargate:
		out["defaultTargetType"] = string(TargetIP)
	}
	if spec.replicas() > 1 {
		maxUnavailable := spec.PDBMaxUnavailable
		if maxUnavailable == 0 {
			maxUnavailable = 1
		}
		out["podDisruptionBudget"] = map[string]any{"maxUnavailable": maxUnavailable}
	}
	if len(spec.DefaultTags) > 0 {
		tags := make(map[string]any, len(spec.DefaultTags))
		for k, v := range spec.DefaultTags {
			tags[k] = v
		}
		out["defaultTags"] = tags
	}
	out = MergeValues(out, spec.FeatureGates.values())
	return MergeValues(out, spec.ExtraValues), nil
}

// MergeValues returns base with over deep-merged on top, Helm's way: maps merge
// key by key, any other value (lists included) replaces. Neither argument is
// modified and the result shares no maps or lists with them.
func MergeValues(base, over map[string]any) map[string]any {
	out := deepCopy(base).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range over {
		if vm, ok := v.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = MergeValues(bm, vm)
				continue
			}
		}
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return map[string]any(nil)
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// keepTLSSecret reports whether the chart of a controller version has the
// keepTLSSecret value: the table's answer, and true outside the table (only
// 3.0.0 lacks it).
func keepTLSSecret(v Version) bool {
	if r, err := LookupRelease(v.String()); err == nil {
		return r.KeepTLSSecret
	}
	return true
}
