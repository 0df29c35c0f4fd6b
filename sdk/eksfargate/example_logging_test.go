package eksfargate_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

func ExampleRenderLoggingConfig() {
	spec := eksfargate.LoggingSpec{CloudWatch: &eksfargate.CloudWatchLogs{RetentionDays: 14}}
	data, err := eksfargate.RenderLoggingConfig(spec, "demo", "eu-west-1")
	if err != nil {
		panic(err)
	}
	fmt.Print(data[eksfargate.LoggingKeyOutput])
	fmt.Println("flb_log_cw:", data[eksfargate.LoggingKeyProcessLogs])
	// Output:
	// [OUTPUT]
	//     Name cloudwatch_logs
	//     Match kube.*
	//     region eu-west-1
	//     log_group_name /aws/eks/demo/fargate
	//     log_stream_prefix fargate-
	//     auto_create_group false
	// flb_log_cw: false
}

func ExampleValidateLoggingConfig() {
	err := eksfargate.ValidateLoggingConfig(map[string]string{
		"output.conf":  "[OUTPUT]\n    Name s3\n    Match *\n",
		"filters.conf": "[INPUT]\n    Name tail\n",
	})
	fmt.Println(err)
	// Output:
	// eksfargate: aws-logging filters.conf:1: [INPUT] is not allowed in filters.conf (only [FILTER]; the log router owns [SERVICE] and [INPUT])
	// eksfargate: aws-logging output.conf:1: output "s3" is not supported on Fargate (es, firehose, kinesis_firehose, cloudwatch, cloudwatch_logs, kinesis)
}

func ExampleLoggingPolicy() {
	doc, err := eksfargate.LoggingPolicy(partition.AWS, "eu-west-1", "123456789012", "demo",
		eksfargate.LoggingSpec{Firehose: &eksfargate.FirehoseLogs{DeliveryStream: "pods"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(doc)
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Sid":"FargateLogsFirehose","Effect":"Allow","Action":"firehose:PutRecordBatch","Resource":"arn:aws:firehose:eu-west-1:123456789012:deliverystream/pods"}]}
}

// Apply the logging configuration, then roll the pods so that they read it
// (Fargate reads the ConfigMap when a pod starts).
func ExampleApplyLogging() {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		panic(err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	ctx := context.Background()
	data, err := eksfargate.RenderLoggingConfig(eksfargate.LoggingSpec{CloudWatch: &eksfargate.CloudWatchLogs{}}, "demo", "eu-west-1")
	if err != nil {
		panic(err)
	}
	if _, err := eksfargate.ApplyLogging(ctx, cs, data); err != nil {
		panic(err)
	}
	res, err := eksfargate.RollDeployments(ctx, cs, "shop", eksfargate.WithRollTimeout(15*time.Minute),
		eksfargate.WithRollLogger(slog.Default()))
	if err != nil {
		panic(err)
	}
	fmt.Println("rolled", res.Rolled)
}

// After a control-plane upgrade: plan, then roll every namespace, one
// deployment at a time.
func ExampleRollDeployments() {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		panic(err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	ctx := context.Background()
	plan, err := eksfargate.RollDeployments(ctx, cs, "", eksfargate.WithRollDryRun(true))
	if err != nil {
		panic(err)
	}
	fmt.Println("would restart", plan.Planned)
	_, err = eksfargate.RollDeployments(ctx, cs, "", eksfargate.WithRollProgress(func(p eksfargate.RollProgress) {
		fmt.Printf("[%d/%d] %s/%s %s %s\n", p.Index, p.Total, p.Namespace, p.Deployment, p.Event, p.Message)
	}))
	if err != nil {
		panic(err)
	}
}

// What Fargate logging makes for a cluster: the models Apply converges and
// the Pulumi component registers.
func ExampleResolved_Logging() {
	r := &eksfargate.Resolved{
		Location: eksfargate.Location{Region: "eu-west-1", AccountID: "123456789012", Partition: partition.AWS},
		Spec: eksfargate.ClusterSpec{ClusterName: "demo",
			Logging: &eksfargate.LoggingSpec{CloudWatch: &eksfargate.CloudWatchLogs{RetentionDays: 14}}},
	}
	m, on, err := r.Logging()
	if err != nil || !on {
		panic(err)
	}
	fmt.Println("log group:", m.LogGroup.Name, m.LogGroup.RetentionDays, "days,", m.LogGroup.Tags[eksfargate.TagPart])
	fmt.Println("policy:", m.Policy.Name, "("+m.Policy.Tags[eksfargate.TagPart]+")", "=", eksfargate.LoggingPolicyName("demo"))
	fmt.Println("configmap keys:", len(m.Data))
	role, err := r.PodExecutionRoleName()
	if err != nil {
		panic(err)
	}
	fmt.Println("attached to:", role)
	// Output:
	// log group: /aws/eks/demo/fargate 14 days, fargate-logs
	// policy: demo-fargate-logging (fargate-logging) = demo-fargate-logging
	// configmap keys: 2
	// attached to: demo-pod-execution-role
}

// A pod-execution role the spec brings is named by its ARN's last part.
func ExampleResolved_PodExecutionRoleName() {
	r := &eksfargate.Resolved{Spec: eksfargate.ClusterSpec{ClusterName: "demo",
		PodExecutionRole: eksfargate.PodExecutionRoleSpec{ARN: "arn:aws:iam::123456789012:role/platform/pods"}}}
	name, err := r.PodExecutionRoleName()
	fmt.Println(name, err)
	// Output:
	// pods <nil>
}

// Apply reaches the cluster's API server with EKS tokens signed by the AWS
// configuration's credentials (NewClients sets this); a tool with its own
// way in (a kubeconfig, a proxy) sets Clients.Kubernetes instead.
func ExampleKubernetesFromAWS() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("eu-west-1"))
	if err != nil {
		panic(err)
	}
	clients := eksfargate.NewClients(cfg)
	clients.Kubernetes = eksfargate.KubernetesFromAWS(cfg) // the default, shown
	spec := eksfargate.ClusterSpec{ClusterName: "demo",
		Logging: &eksfargate.LoggingSpec{CloudWatch: &eksfargate.CloudWatchLogs{}, KubernetesMetadata: true}}
	out, err := eksfargate.Apply(ctx, clients, spec, eksfargate.LogTo(slog.Default()))
	if err != nil {
		panic(err)
	}
	fmt.Println("pods log to", out.FargateLogGroup)
}
