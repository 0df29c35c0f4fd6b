// Package stack is the irsa-s3 example: a Fargate-only EKS cluster, an S3
// bucket with one object, an IAM role for service accounts (IRSA) that may
// only read that bucket, and a Pod that lists the bucket with the annotated
// ServiceAccount. main.go runs [Program] with pulumi.Run; tests run it under
// internal/mockstack and the integration suite through the Automation API.
package stack

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/fargatekit/fargatekit/eksfargate"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/irsa"
)

// Project is the Pulumi project name (Pulumi.yaml) and the config namespace.
const Project = "irsa-s3"

// DefaultImage runs the AWS CLI in the lister Pod.
const DefaultImage = "public.ecr.aws/aws-cli/aws-cli:2.27.26"

// SampleKey is the object the stack puts into a bucket it creates.
const SampleKey = "hello.txt"

// ListedMarker is the line the lister Pod prints after listing the bucket.
const ListedMarker = "fargatekit-irsa-s3: listed"

// Config is the stack configuration (keys under the irsa-s3: namespace).
type Config struct {
	// Region is aws:region (required; never defaulted).
	Region string
	// Cluster holds clusterName, kubernetesVersion and singleNatGateway.
	Cluster stackconf.Cluster
	// BucketName is an existing bucket to read (config bucketName); empty
	// creates one with a sample object.
	BucketName string
	// Namespace and ServiceAccount name the reader (config namespace, default
	// "default", which the cluster's default Fargate profile selects; and
	// serviceAccount, default "s3-reader").
	Namespace, ServiceAccount string
	// Image is the lister's image (config image, default [DefaultImage]).
	Image string
	// Tags mark every AWS resource (config tags plus the fargatekit tags).
	Tags map[string]string
}

// LoadConfig reads the stack configuration.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	var c Config
	var err error
	if c.Region, err = stackconf.Region(ctx); err != nil {
		return c, err
	}
	if c.Cluster, err = stackconf.ClusterSettings(ctx, cfg); err != nil {
		return c, err
	}
	if c.Tags, err = stackconf.Tags(ctx, cfg); err != nil {
		return c, err
	}
	c.BucketName = cfg.Get("bucketName")
	c.Namespace = stackconf.String(cfg, "namespace", "default")
	c.ServiceAccount = stackconf.String(cfg, "serviceAccount", "s3-reader")
	c.Image = stackconf.String(cfg, "image", DefaultImage)
	sa := irsa.ServiceAccount{Namespace: c.Namespace, Name: c.ServiceAccount}
	if err := sa.Validate(); err != nil || sa.HasWildcard() {
		return c, fmt.Errorf("%s: namespace/serviceAccount %s: an exact, valid service account is needed (%v)", Project, sa, err)
	}
	return c, nil
}

// ReadOnlyPolicy renders the reader's permissions: list the bucket and get its
// objects, nothing else.
func ReadOnlyPolicy(bucketARN string) (string, error) {
	doc := iampolicy.Document{Statement: iampolicy.Statements{
		{Sid: "ListBucket", Effect: iampolicy.Allow, Action: iampolicy.Values{"s3:ListBucket"}, Resource: iampolicy.Values{bucketARN}},
		{Sid: "GetObjects", Effect: iampolicy.Allow, Action: iampolicy.Values{"s3:GetObject"}, Resource: iampolicy.Values{bucketARN + "/*"}},
	}}
	if err := doc.Validate(); err != nil {
		return "", err
	}
	b, err := doc.Marshal()
	return string(b), err
}

// Program is the Pulumi program.
func Program(ctx *pulumi.Context) error {
	c, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	p, err := partition.ForRegion(c.Region)
	if err != nil {
		return err
	}
	cluster, err := eksfargate.NewFargateCluster(ctx, Project, c.Cluster.Args(c.Region, c.Tags))
	if err != nil {
		return err
	}

	bucketName := pulumi.String(c.BucketName).ToStringOutput()
	if c.BucketName == "" {
		bucket, err := s3.NewBucketV2(ctx, "data", &s3.BucketV2Args{
			BucketPrefix: pulumi.String("fargatekit-irsa-s3-"),
			ForceDestroy: pulumi.Bool(true),
			Tags:         pulumi.ToStringMap(c.Tags),
		})
		if err != nil {
			return err
		}
		if _, err := s3.NewBucketObjectv2(ctx, "sample", &s3.BucketObjectv2Args{
			Bucket:  bucket.Bucket,
			Key:     pulumi.String(SampleKey),
			Content: pulumi.String("hello from fargatekit\n"),
			Tags:    pulumi.ToStringMap(c.Tags),
		}); err != nil {
			return err
		}
		bucketName = bucket.Bucket
	}
	policy := bucketName.ApplyT(func(name string) (string, error) {
		return ReadOnlyPolicy(p.ARN("s3", "", "", name))
	}).(pulumi.StringOutput)

	reader, err := irsa.NewIRSARole(ctx, "reader", &irsa.IRSARoleArgs{
		Cluster:              cluster,
		ServiceAccounts:      []irsa.ServiceAccount{{Namespace: c.Namespace, Name: c.ServiceAccount}},
		InlinePolicies:       map[string]pulumi.StringInput{"s3-read": policy},
		RegionalSTSEndpoints: true,
		Description:          "irsa-s3 example: read-only access to one bucket (fargatekit)",
		Tags:                 c.Tags,
	})
	if err != nil {
		return err
	}

	// The Pod lists the bucket once (it fails, and so does the deployment, if
	// the role does not work), prints ListedMarker and stays up so that its
	// logs can be read. It needs DNS (CoreDNS on Fargate) and its ServiceAccount.
	script := pulumi.Sprintf("set -e; aws s3 ls s3://%s/; echo '%s'; exec sleep 2147483647", bucketName, ListedMarker)
	pod, err := corev1.NewPod(ctx, "s3-lister", &corev1.PodArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String("s3-lister"),
			Namespace: pulumi.String(c.Namespace),
			Labels:    pulumi.StringMap{"app": pulumi.String("s3-lister")},
		},
		Spec: &corev1.PodSpecArgs{
			ServiceAccountName: pulumi.String(c.ServiceAccount),
			RestartPolicy:      pulumi.String("Never"),
			Containers: corev1.ContainerArray{corev1.ContainerArgs{
				Name:    pulumi.String("aws"),
				Image:   pulumi.String(c.Image),
				Command: pulumi.StringArray{pulumi.String("/bin/sh"), pulumi.String("-c"), script},
				Env: corev1.EnvVarArray{
					corev1.EnvVarArgs{Name: pulumi.String("AWS_REGION"), Value: pulumi.String(c.Region)},
				},
			}},
		},
	}, pulumi.Provider(cluster.Provider), pulumi.DependsOn(append(cluster.Ready(), reader.Ready()...)))
	if err != nil {
		return err
	}

	ctx.Export("clusterName", cluster.Ref().Name)
	ctx.Export("region", pulumi.String(c.Region))
	ctx.Export("vpcId", cluster.Ref().VpcID)
	ctx.Export("bucketName", bucketName)
	ctx.Export("roleArn", reader.RoleArn)
	ctx.Export("roleName", reader.RoleName)
	ctx.Export("podExecutionRoleArn", cluster.Ref().PodExecutionRoleARN)
	ctx.Export("podNamespace", pod.Metadata.Namespace().Elem())
	ctx.Export("podName", pod.Metadata.Name().Elem())
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	return nil
}
