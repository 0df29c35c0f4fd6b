package eksfargate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// Fargate logging (ClusterSpec.Logging) in Apply, Plan and Delete: the
// pods' log group and the logs policy on the pod-execution role (stage
// loggingAWS, after the roles), then the aws-observability namespace and
// the aws-logging ConfigMap once the cluster is ACTIVE and its profiles
// exist, before the add-ons (stage loggingKube): CoreDNS's pods log from
// their first line, as with the Pulumi component. Everything comes from
// [Resolved.Logging], the component's model.

// maxPolicyVersions is IAM's limit of versions per managed policy.
const maxPolicyVersions = 5

// loggingRun is what the AWS stage found, for the Kubernetes stage.
type loggingRun struct {
	model LoggingModel
	on    bool
	// staleGroups are the log groups an earlier version of the policy named
	// and the spec no longer does: deleted once the ConfigMap stops naming
	// them (create before delete, as Pulumi replaces).
	staleGroups []string
}

// loggingPolicyARN is the ARN of the SDK's logs policy of the cluster.
func (x *runner) loggingPolicyARN() string {
	return x.r.Partition.ARN("iam", "", x.r.AccountID, "policy/"+LoggingPolicyName(x.r.Name()))
}

func (x *runner) loggingNS() string {
	if x.loggingNamespace != "" {
		return x.loggingNamespace
	}
	return ObservabilityNamespace
}

// loggingAWS converges the log group and the policy, attached to the
// pod-execution role (the created one or the spec's own, as the component
// does).
func (x *runner) loggingAWS(ctx context.Context) error {
	m, on, err := x.r.Logging()
	if err != nil {
		return err
	}
	x.logging = loggingRun{model: m, on: on}
	if !on {
		return nil
	}
	if g := m.LogGroup; g != nil {
		x.out.FargateLogGroup = g.Name
		if err := x.ensureLogGroup(ctx, "log group "+PartFargateLogs, *g, false); err != nil {
			return err
		}
	}
	arn := x.loggingPolicyARN()
	x.out.LoggingPolicyARN = arn
	stale, err := x.ensureLoggingPolicy(ctx, arn, m.Policy)
	if err != nil {
		return err
	}
	x.logging.staleGroups = stale
	role, err := x.r.PodExecutionRoleName()
	if err != nil {
		return err
	}
	return x.attachPolicy(ctx, role, arn)
}

// loggingKube applies the namespace and ConfigMap when they differ (a
// converged cluster gets no write), then deletes the stale log groups. With
// logging off, it removes what an earlier Apply made.
func (x *runner) loggingKube(ctx context.Context) error {
	if !x.logging.on {
		return x.loggingOff(ctx)
	}
	ns := x.loggingNS()
	res := "ConfigMap " + ns + "/" + LoggingConfigMapName
	data := x.logging.model.Data
	if x.out.ClusterARN == "" { // dry run: the cluster is yet to be created
		x.step(Change{Action: ActionCreate, Resource: res, Detail: "with namespace " + ns})
		return nil
	}
	cs, err := x.kubernetes(ctx)
	if err != nil {
		return err
	}
	action, detail, err := loggingDrift(ctx, cs, ns, data)
	if err != nil {
		return err
	}
	if action == ActionExists {
		x.step(Change{Action: ActionExists, Resource: res})
	} else if _, err := x.write(action, res, detail, func() (string, error) {
		out, err := ApplyLogging(ctx, cs, data, func(s *loggingSettings) { s.namespace = ns })
		return out.ResourceVersion, err
	}); err != nil {
		return err
	}
	for _, g := range x.logging.staleGroups {
		if err := x.deleteOwnedLogGroup(ctx, g, PartFargateLogs); err != nil {
			return err
		}
	}
	return nil
}

// kubernetes connects to the cluster once (Clients.Kubernetes).
func (x *runner) kubernetes(ctx context.Context) (kubernetes.Interface, error) {
	if x.kube != nil {
		return x.kube, nil
	}
	if x.c.Kubernetes == nil {
		return nil, errNoKubernetes
	}
	cs, err := x.c.Kubernetes(ctx, kubeauth.ClusterInfo{Name: x.r.Name(), ARN: x.out.ClusterARN, Endpoint: x.out.Endpoint,
		CAData: x.out.CertificateAuthority, Region: x.r.Region})
	if err != nil {
		return nil, fmt.Errorf("connect to cluster %s: %w", x.r.Name(), err)
	}
	x.kube = cs
	return cs, nil
}

// ErrNoClusterAccess is returned by [Apply] and [Plan], before anything is
// written, for a cluster that does not exist yet whose spec needs its
// Kubernetes API (Logging) while BootstrapClusterCreatorAdminPermissions is
// false: EKS then grants no identity access to the new cluster (EKS user
// guide, access entries: "bootstrapClusterCreatorAdminPermissions"), so the
// step would fail with Unauthorized after the cluster's 10-15 minutes.
var ErrNoClusterAccess = errors.New("eksfargate: no identity can reach the new cluster's Kubernetes API")

var errNoKubernetes = errors.New("clients: Kubernetes is required for Fargate logging (ClusterSpec.Logging): NewClients sets it")

// loggingDrift compares the namespace and the ConfigMap with what
// [ApplyLogging] would apply: ActionCreate when the ConfigMap is missing,
// ActionUpdate with what differs, ActionExists when applying would change
// nothing (data keys of other field managers are not compared).
func loggingDrift(ctx context.Context, cs kubernetes.Interface, ns string, data map[string]string) (Action, string, error) {
	var diffs []string
	n, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		diffs = append(diffs, "namespace "+ns+" missing")
	case err != nil:
		return "", "", fmt.Errorf("get namespace %s: %w", ns, err)
	case n.Labels[ObservabilityLabel] != ObservabilityLabelValue:
		diffs = append(diffs, "namespace label "+ObservabilityLabel+"="+ObservabilityLabelValue)
	}
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, LoggingConfigMapName, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return ActionCreate, strings.Join(append(diffs, "keys "+strings.Join(slices.Sorted(maps.Keys(data)), ", ")), "; "), nil
	case err != nil:
		return "", "", fmt.Errorf("get configmap %s/%s: %w", ns, LoggingConfigMapName, err)
	}
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if v, ok := cm.Data[k]; !ok || v != data[k] {
			diffs = append(diffs, k)
		}
	}
	for _, k := range appliedKeys(cm.ManagedFields, "f:data") {
		if _, ok := data[k]; !ok {
			diffs = append(diffs, k+" removed")
		}
	}
	if len(diffs) == 0 {
		return ActionExists, "", nil
	}
	return ActionUpdate, strings.Join(diffs, "; "), nil
}

// appliedKeys returns the keys under field (e.g. "f:data") that
// [FieldManager] owns by server-side apply, sorted.
func appliedKeys(entries []metav1.ManagedFieldsEntry, field string) []string {
	var out []string
	for _, e := range entries {
		if e.Manager != FieldManager || e.Operation != metav1.ManagedFieldsOperationApply || e.FieldsV1 == nil {
			continue
		}
		var top map[string]json.RawMessage
		if json.Unmarshal(e.FieldsV1.GetRawBytes(), &top) != nil {
			continue
		}
		var sub map[string]json.RawMessage
		if json.Unmarshal(top[field], &sub) != nil {
			continue
		}
		for k := range sub {
			if strings.HasPrefix(k, "f:") {
				out = append(out, strings.TrimPrefix(k, "f:"))
			}
		}
	}
	sort.Strings(out)
	return out
}

// appliedByUsOnly reports whether [FieldManager] applied the object and no
// other manager (the API server's own aside) owns a field of it.
func appliedByUsOnly(entries []metav1.ManagedFieldsEntry) bool {
	ours := false
	for _, e := range entries {
		switch {
		case e.Manager == FieldManager && e.Operation == metav1.ManagedFieldsOperationApply:
			ours = true
		case e.Manager != "kube-apiserver":
			return false
		}
	}
	return ours
}

// loggingOff removes the logging an earlier Apply turned on, found by the
// SDK's policy (made whenever logging is on; one of the name without the
// cluster's tags is not a trace of it): the ConfigMap (when
// [FieldManager] applied it) and the namespace (when nothing but this
// package made it), then the log groups and the policy ([runner.removeLogging]).
// With no such policy nothing is read from the cluster.
func (x *runner) loggingOff(ctx context.Context) error {
	arn := x.loggingPolicyARN()
	p, err := x.ownedPolicy(ctx, arn)
	if errors.Is(err, ErrNotOwned) { // someone else's policy of the name: not a trace of ours
		return nil
	}
	if err != nil || p == nil {
		return err
	}
	if x.out.ClusterARN != "" {
		cs, err := x.kubernetes(ctx)
		if err != nil {
			return err
		}
		if err := x.removeLoggingKube(ctx, cs); err != nil {
			return err
		}
	}
	return x.removeLogging(ctx, nil)
}

// removeLoggingKube deletes the aws-logging ConfigMap [ApplyLogging]
// applied, and the namespace when this package alone made it.
func (x *runner) removeLoggingKube(ctx context.Context, cs kubernetes.Interface) error {
	ns := x.loggingNS()
	res := "ConfigMap " + ns + "/" + LoggingConfigMapName
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, LoggingConfigMapName, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		x.step(Change{Action: ActionGone, Resource: res})
	case err != nil:
		return fmt.Errorf("get configmap %s: %w", res, err)
	case len(appliedKeys(cm.ManagedFields, "f:data")) == 0:
		x.step(Change{Action: ActionExists, Resource: res, Detail: "left: not applied by " + FieldManager})
	default:
		if _, err := x.write(ActionDelete, res, "logging turned off", func() (string, error) {
			err := cs.CoreV1().ConfigMaps(ns).Delete(ctx, LoggingConfigMapName, metav1.DeleteOptions{})
			if apierrors.IsNotFound(err) {
				err = nil
			}
			return cm.Name, err
		}); err != nil {
			return err
		}
	}
	n, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("get namespace %s: %w", ns, err)
	case n.DeletionTimestamp != nil:
		return nil
	case !appliedByUsOnly(n.ManagedFields):
		x.step(Change{Action: ActionExists, Resource: "namespace " + ns, Detail: "left: other managers own fields of it"})
		return nil
	}
	_, err = x.write(ActionDelete, "namespace "+ns, "logging turned off", func() (string, error) {
		err := cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
		if apierrors.IsNotFound(err) {
			err = nil
		}
		return ns, err
	})
	return err
}

// ---- the logs policy ----

// ownedPolicy returns the policy arn when it exists with the cluster's
// tags, nil when it does not exist; one without them is ErrNotOwned.
func (x *runner) ownedPolicy(ctx context.Context, arn string) (*iamtypes.Policy, error) {
	got, err := x.c.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	switch {
	case isNoSuchEntity(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("GetPolicy %s: %w", arn, err)
	}
	tags, err := x.policyTags(ctx, arn)
	if err != nil {
		return nil, err
	}
	if !owned(tags, x.r.Name(), PartFargateLogging) {
		return nil, fmt.Errorf("%w: policy %s has no %s=%s tag", ErrNotOwned, arn, TagCluster, x.r.Name())
	}
	return got.Policy, nil
}

func (x *runner) policyTags(ctx context.Context, arn string) (map[string]string, error) {
	out := map[string]string{}
	in := &iam.ListPolicyTagsInput{PolicyArn: aws.String(arn)}
	for {
		page, err := x.c.IAM.ListPolicyTags(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("ListPolicyTags %s: %w", arn, err)
		}
		for _, t := range page.Tags {
			out[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		if !page.IsTruncated {
			return out, nil
		}
		in.Marker = page.Marker
	}
}

// policyDocument reads a version of a policy (IAM returns it URL-encoded).
func (x *runner) policyDocument(ctx context.Context, arn, version string) (iampolicy.Document, error) {
	out, err := x.c.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(version)})
	if err != nil {
		return iampolicy.Document{}, fmt.Errorf("GetPolicyVersion %s %s: %w", arn, version, err)
	}
	doc, err := iampolicy.ParseFromIAM(aws.ToString(out.PolicyVersion.Document))
	if err != nil {
		return iampolicy.Document{}, fmt.Errorf("policy %s %s: %w", arn, version, err)
	}
	return doc, nil
}

// ensureLoggingPolicy creates the policy, or makes its default version the
// model's document and adds the tags it lacks. It returns the log groups the
// replaced document named and the new one does not.
func (x *runner) ensureLoggingPolicy(ctx context.Context, arn string, m LoggingPolicyModel) ([]string, error) {
	res := "policy " + PartFargateLogging
	p, err := x.ownedPolicy(ctx, arn)
	if err != nil {
		return nil, err
	}
	if p == nil {
		_, err := x.write(ActionCreate, res, m.Name, func() (string, error) {
			out, err := x.c.IAM.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(m.Name), PolicyDocument: aws.String(m.Document.String()),
				Description: aws.String(m.Description), Tags: iamTags(m.Tags)})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Policy.Arn), nil
		})
		return nil, err
	}
	x.step(Change{Action: ActionExists, Resource: res, ID: arn})
	doc, err := x.policyDocument(ctx, arn, aws.ToString(p.DefaultVersionId))
	if err != nil {
		return nil, err
	}
	var stale []string
	if !iampolicy.Equivalent(doc, m.Document) {
		want := loggingPolicyLogGroups(m.Document)
		for _, g := range loggingPolicyLogGroups(doc) {
			if !slices.Contains(want, g) {
				stale = append(stale, g)
			}
		}
		if _, err := x.write(ActionUpdate, res, "document (a new default version)", func() (string, error) {
			return arn, x.newPolicyVersion(ctx, arn, m.Document)
		}); err != nil {
			return nil, err
		}
	}
	tags, err := x.policyTags(ctx, arn)
	if err != nil {
		return nil, err
	}
	if miss := missingTags(tags, m.Tags); len(miss) > 0 {
		if _, err := x.write(ActionUpdate, res, "tags "+strings.Join(slices.Sorted(maps.Keys(miss)), ", "), func() (string, error) {
			_, err := x.c.IAM.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(arn), Tags: iamTags(miss)})
			return arn, err
		}); err != nil {
			return nil, err
		}
	}
	return stale, nil
}

// policyVersions lists a policy's versions.
func (x *runner) policyVersions(ctx context.Context, arn string) ([]iamtypes.PolicyVersion, error) {
	var out []iamtypes.PolicyVersion
	in := &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)}
	for {
		page, err := x.c.IAM.ListPolicyVersions(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("ListPolicyVersions %s: %w", arn, err)
		}
		out = append(out, page.Versions...)
		if !page.IsTruncated {
			return out, nil
		}
		in.Marker = page.Marker
	}
}

// newPolicyVersion makes doc the default version, first deleting the
// oldest other version when the policy has IAM's 5.
func (x *runner) newPolicyVersion(ctx context.Context, arn string, doc iampolicy.Document) error {
	versions, err := x.policyVersions(ctx, arn)
	if err != nil {
		return err
	}
	versions = slices.DeleteFunc(versions, func(v iamtypes.PolicyVersion) bool { return v.IsDefaultVersion })
	slices.SortFunc(versions, func(a, b iamtypes.PolicyVersion) int {
		return aws.ToTime(a.CreateDate).Compare(aws.ToTime(b.CreateDate))
	})
	if len(versions) >= maxPolicyVersions-1 {
		if _, err := x.c.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: versions[0].VersionId}); err != nil {
			return fmt.Errorf("DeletePolicyVersion %s: %w", aws.ToString(versions[0].VersionId), err)
		}
	}
	_, err = x.c.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(doc.String()), SetAsDefault: true})
	return err
}

// attachPolicy attaches arn to the role unless it is.
func (x *runner) attachPolicy(ctx context.Context, role, arn string) error {
	res := "policy " + PartFargateLogging + " attachment"
	attached := false
	in := &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)}
	for {
		page, err := x.c.IAM.ListAttachedRolePolicies(ctx, in)
		if isNoSuchEntity(err) && x.dry { // the role is yet to be created
			break
		}
		if err != nil {
			return fmt.Errorf("ListAttachedRolePolicies %s: %w", role, err)
		}
		attached = attached || slices.ContainsFunc(page.AttachedPolicies, func(p iamtypes.AttachedPolicy) bool { return aws.ToString(p.PolicyArn) == arn })
		if !page.IsTruncated || attached {
			break
		}
		in.Marker = page.Marker
	}
	if attached {
		x.step(Change{Action: ActionExists, Resource: res, ID: arn, Detail: "on role " + role})
		return nil
	}
	_, err := x.write(ActionCreate, res, "on role "+role, func() (string, error) {
		_, err := x.c.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(arn)})
		return arn, err
	})
	return err
}

// removeLogging deletes the pods' log groups Apply created (the default
// name, the ones in extra, and the ones the policy names; each only with
// the cluster's tags), then detaches the policy from every role it is on
// (before the roles go: eksctl#3705) and deletes it. What is gone is skipped.
func (x *runner) removeLogging(ctx context.Context, extra []string) error {
	arn := x.loggingPolicyARN()
	p, err := x.ownedPolicy(ctx, arn)
	var notOwned bool
	if errors.Is(err, ErrNotOwned) {
		notOwned, err = true, nil
	}
	if err != nil {
		return err
	}
	groups := append([]string{LoggingSpec{}.LogGroupName(x.r.Name())}, extra...)
	if p != nil {
		doc, err := x.policyDocument(ctx, arn, aws.ToString(p.DefaultVersionId))
		if err != nil {
			return err
		}
		groups = append(groups, loggingPolicyLogGroups(doc)...)
	}
	slices.Sort(groups)
	for _, g := range slices.Compact(groups) {
		if err := x.deleteOwnedLogGroup(ctx, g, PartFargateLogs); err != nil {
			return err
		}
	}
	res := "policy " + PartFargateLogging
	switch {
	case notOwned:
		x.step(Change{Action: ActionExists, Resource: res, ID: arn, Detail: "left: not tagged " + TagCluster + "=" + x.r.Name()})
		return nil
	case p == nil:
		x.step(Change{Action: ActionGone, Resource: res, ID: arn})
		return nil
	}
	var roles []string
	in := &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)}
	for {
		page, err := x.c.IAM.ListEntitiesForPolicy(ctx, in)
		if err != nil && !isNoSuchEntity(err) {
			return fmt.Errorf("ListEntitiesForPolicy %s: %w", arn, err)
		}
		if err != nil {
			break
		}
		for _, r := range page.PolicyRoles {
			roles = append(roles, aws.ToString(r.RoleName))
		}
		if !page.IsTruncated {
			break
		}
		in.Marker = page.Marker
	}
	for _, role := range roles {
		if _, err := x.write(ActionDelete, res+" attachment", "from role "+role, func() (string, error) {
			_, err := x.c.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(arn)})
			if isNoSuchEntity(err) {
				err = nil
			}
			return arn, err
		}); err != nil {
			return err
		}
	}
	_, err = x.write(ActionDelete, res, "", func() (string, error) {
		// IAM deletes a policy only without its other versions.
		versions, err := x.policyVersions(ctx, arn)
		if err != nil {
			return "", err
		}
		for _, v := range versions {
			if v.IsDefaultVersion {
				continue
			}
			if _, err := x.c.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: v.VersionId}); err != nil && !isNoSuchEntity(err) {
				return "", fmt.Errorf("DeletePolicyVersion %s: %w", aws.ToString(v.VersionId), err)
			}
		}
		if _, err := x.c.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil && !isNoSuchEntity(err) {
			return "", err
		}
		return arn, nil
	})
	return err
}

// ---- log groups ----

// ensureLogGroup creates the log group, or converges the retention and
// tags of the one found. adopt takes over a group of the name without the
// cluster's tags (the control plane's, which EKS names); otherwise such a
// group is ErrNotOwned (someone else's: Delete would remove it).
func (x *runner) ensureLogGroup(ctx context.Context, res string, m LogGroupModel, adopt bool) error {
	g, err := findLogGroup(ctx, x.c.Logs, m.Name)
	if err != nil {
		return err
	}
	if g == nil {
		_, err := x.write(ActionCreate, res, fmt.Sprintf("%s, %d days", m.Name, m.RetentionDays), func() (string, error) {
			if _, err := x.c.Logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(m.Name), Tags: m.Tags}); err != nil {
				return "", err
			}
			_, err := x.c.Logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(m.Name), RetentionInDays: aws.Int32(int32(m.RetentionDays))})
			return m.Name, err
		})
		return err
	}
	arn := logGroupARN(g)
	tags, err := x.c.Logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("ListTagsForResource %s: %w", m.Name, err)
	}
	if !adopt && !owned(tags.Tags, x.r.Name(), m.Tags[TagPart]) {
		return fmt.Errorf("%w: %s %s has no %s=%s tag (delete it, or tag it to adopt it)", ErrNotOwned, res, m.Name, TagCluster, x.r.Name())
	}
	x.step(Change{Action: ActionExists, Resource: res, ID: m.Name})
	if int(aws.ToInt32(g.RetentionInDays)) != m.RetentionDays {
		if _, err := x.write(ActionUpdate, res, fmt.Sprintf("retention %d days", m.RetentionDays), func() (string, error) {
			_, err := x.c.Logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(m.Name), RetentionInDays: aws.Int32(int32(m.RetentionDays))})
			return m.Name, err
		}); err != nil {
			return err
		}
	}
	if miss := missingTags(tags.Tags, m.Tags); len(miss) > 0 {
		_, err := x.write(ActionUpdate, res, "tags "+strings.Join(slices.Sorted(maps.Keys(miss)), ", "), func() (string, error) {
			_, err := x.c.Logs.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: miss})
			return m.Name, err
		})
		return err
	}
	return nil
}

// deleteOwnedLogGroup deletes the log group name when it carries the
// cluster's tags with part (Apply created or adopted it); one without
// them is left.
func (x *runner) deleteOwnedLogGroup(ctx context.Context, name, part string) error {
	res := "log group " + part
	g, err := findLogGroup(ctx, x.c.Logs, name)
	if err != nil || g == nil {
		return err
	}
	tags, err := x.c.Logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(logGroupARN(g))})
	if err != nil {
		return fmt.Errorf("ListTagsForResource %s: %w", name, err)
	}
	if !owned(tags.Tags, x.r.Name(), part) {
		x.step(Change{Action: ActionExists, Resource: res, ID: name, Detail: "left: not tagged " + TagCluster + "=" + x.r.Name()})
		return nil
	}
	_, err = x.write(ActionDelete, res, "", func() (string, error) {
		_, err := x.c.Logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
		if gone(err) {
			err = nil
		}
		return name, err
	})
	return err
}

// iamTags converts a tag map, sorted by key.
func iamTags(m map[string]string) []iamtypes.Tag {
	return tagList(m, func(k, v *string) iamtypes.Tag { return iamtypes.Tag{Key: k, Value: v} })
}
