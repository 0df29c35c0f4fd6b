package eksfargate

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// The Fargate logging types of the plain spec (ClusterSpec.Logging).
type (
	// LoggingSpec turns on Fargate logging.
	LoggingSpec = sdk.LoggingSpec
	// CloudWatchLogs is the CloudWatch Logs output.
	CloudWatchLogs = sdk.CloudWatchLogs
	// FirehoseLogs is the Amazon Data Firehose output.
	FirehoseLogs = sdk.FirehoseLogs
	// KinesisLogs is the Kinesis data stream output.
	KinesisLogs = sdk.KinesisLogs
	// OpenSearchLogs is the Amazon OpenSearch Service output.
	OpenSearchLogs = sdk.OpenSearchLogs
)

// FargateLogging are the children of Fargate logging (ClusterSpec.Logging):
// LogGroup is nil without a CloudWatch output.
type FargateLogging struct {
	// LogGroup is the pods' CloudWatch log group, with retention.
	LogGroup *cloudwatch.LogGroup
	// Policy allows the configured destinations (sdk.LoggingPolicy);
	// Attachment attaches it to the pod-execution role. The attachment
	// depends on the role, so destroy detaches it before deleting the role
	// (eksctl#3705: a role with a policy attached cannot be deleted).
	Policy     *iam.Policy
	Attachment *iam.RolePolicyAttachment
	// Namespace is aws-observability (label aws-observability=enabled);
	// ConfigMap is its aws-logging ConfigMap (sdk.RenderLoggingConfig).
	Namespace *corev1.Namespace
	ConfigMap *corev1.ConfigMap
}

// ready is what pods must wait for to log from their first line: Fargate
// reads the ConfigMap (and the role's permissions) when a pod starts.
func (l *FargateLogging) ready() []pulumi.Resource {
	if l == nil {
		return nil
	}
	return []pulumi.Resource{l.ConfigMap, l.Attachment}
}

// logging registers the Fargate logging children when the spec asks for
// them: the log group, the policy and its attachment, the namespace and the
// ConfigMap (through the cluster's Kubernetes provider), rendered by the
// same functions as the SDK path.
func (c *FargateCluster) logging(ctx *pulumi.Context, name string) error {
	m, on, err := c.res.Logging()
	if err != nil || !on {
		return err
	}
	parent := pulumi.Parent(c)
	out := &FargateLogging{}
	var deps []pulumi.Resource
	if lg := m.LogGroup; lg != nil {
		out.LogGroup, err = cloudwatch.NewLogGroup(ctx, name+"-fargate-logs", &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(lg.Name),
			RetentionInDays: pulumi.Int(lg.RetentionDays),
			Tags:            pulumi.ToStringMap(lg.Tags),
		}, parent)
		if err != nil {
			return err
		}
		deps = append(deps, out.LogGroup)
	}
	// Pulumi names the policy (sdk.LoggingPolicyName is the SDK's name).
	out.Policy, err = iam.NewPolicy(ctx, name+"-fargate-logging", &iam.PolicyArgs{
		Description: pulumi.String(m.Policy.Description),
		Policy:      pulumi.String(m.Policy.Document.String()),
		Tags:        pulumi.ToStringMap(m.Policy.Tags),
	}, parent)
	if err != nil {
		return err
	}
	role := pulumi.StringInput(nil)
	if c.PodExecutionRole != nil {
		role = c.PodExecutionRole.Name
	} else {
		n, err := c.res.PodExecutionRoleName() // the spec's own role
		if err != nil {
			return err
		}
		role = pulumi.String(n)
	}
	out.Attachment, err = iam.NewRolePolicyAttachment(ctx, name+"-pod-execution-role-fargate-logging", &iam.RolePolicyAttachmentArgs{
		Role: role, PolicyArn: out.Policy.Arn,
	}, parent)
	if err != nil {
		return err
	}
	k8s := []pulumi.ResourceOption{parent, pulumi.Provider(c.Provider)}
	out.Namespace, err = corev1.NewNamespace(ctx, name+"-aws-observability", &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:   pulumi.String(sdk.ObservabilityNamespace),
			Labels: pulumi.StringMap{sdk.ObservabilityLabel: pulumi.String(sdk.ObservabilityLabelValue)},
		},
	}, k8s...)
	if err != nil {
		return err
	}
	out.ConfigMap, err = corev1.NewConfigMap(ctx, name+"-aws-logging", &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(sdk.LoggingConfigMapName), Namespace: out.Namespace.Metadata.Name()},
		Data:     pulumi.ToStringMap(m.Data),
	}, append(k8s, pulumi.DependsOn(append(deps, out.Attachment)))...)
	if err != nil {
		return err
	}
	c.Logging = out
	return nil
}
