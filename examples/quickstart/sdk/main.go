// Command sdk is the SDK snippet of fargatekit's README, as a program: an
// IRSA trust policy rendered offline, an aws-auth merge on the cluster of
// $KUBECONFIG, and an EKS token signed with the caller's AWS credentials.
// The region comes from AWS_REGION or the AWS profile; it is never defaulted.
// examples/sdk-tool is the fuller program.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/irsa"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if cfg.Region == "" {
		log.Fatal(errors.New("no AWS region: set AWS_REGION (nothing defaults one)"))
	}
	rc, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		log.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(ctx, os.Stdout, cfg, cs.CoreV1(), authmap.ConfigMapOptions{}); err != nil {
		log.Fatal(err)
	}
}

// run is the README's snippet; opts only change where aws-auth lives in tests.
func run(ctx context.Context, w io.Writer, cfg aws.Config, k8s typedcorev1.ConfigMapsGetter, opts authmap.ConfigMapOptions) error {
	// README:begin
	// An IRSA trust policy: a pure function, no AWS call.
	policy, err := irsa.TrustPolicy("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
		irsa.ServiceAccount{Namespace: "default", Name: "reader"})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, policy)

	// aws-auth merged on a live cluster (client-go): one read-modify-write,
	// retried on conflict; the entries it does not own keep their bytes.
	res, err := authmap.Upsert(ctx, k8s, authmap.Mappings{Roles: []authmap.RoleMapping{{
		RoleARN: "arn:aws:iam::123456789012:role/admins", Username: "admin", Groups: []string{"platform-admins"},
	}}}, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "aws-auth: changed=%v, %d role mappings\n", res.Changed, len(res.Mappings.Roles))

	// An EKS token, signed locally with the caller's AWS credentials.
	tok, err := kubeauth.GetToken(ctx, kubeauth.TokenOptions{ClusterName: "demo", Region: cfg.Region, Credentials: cfg.Credentials})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "EKS token valid until", tok.Expiration.Format(time.RFC3339))
	// README:end
	return nil
}
