package helm_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/sdk/lbc"
	"github.com/fargatekit/fargatekit/sdk/lbc/helm"
)

// Render the controller's chart (the embedded archive of the default
// version) client-side with the values fargatekit renders for Fargate.
func ExampleTemplate() {
	src, _ := lbc.DefaultChartSource("")
	vals, err := lbc.Values(lbc.ValuesSpec{ClusterName: "demo", Region: "eu-west-1", VpcID: "vpc-0123456789abcdef0",
		Settings: lbc.Settings{Fargate: true}})
	if err != nil {
		panic(err)
	}
	manifest, err := helm.Template(context.Background(), helm.Options{Chart: src, Values: vals})
	if err != nil {
		panic(err)
	}
	objs, err := lbc.ManifestObjects(manifest)
	if err != nil {
		panic(err)
	}
	for _, o := range objs {
		if o.GetKind() == "Deployment" {
			fmt.Println(o.GetKind(), o.GetName(), strings.Contains(manifest, "--aws-vpc-id=vpc-0123456789abcdef0"))
		}
	}
	// Output:
	// Deployment aws-load-balancer-controller true
}

// Install or upgrade the controller (helm upgrade --install), its CRDs
// applied first and its webhook certificate kept, waiting until the webhook
// serves.
//
// Compiled, not run: Upgrade needs a real API server (Helm and server-side
// apply) and the controller's pods to serve; TestEveryRowOnServer runs it
// on the real API server, row after row.
func ExampleUpgrade() {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		fmt.Println(err)
		return
	}
	src, _ := lbc.DefaultChartSource("")
	vals, err := lbc.Values(lbc.ValuesSpec{ClusterName: "demo", Region: "eu-west-1", VpcID: "vpc-0123456789abcdef0",
		Settings: lbc.Settings{Fargate: true}})
	if err != nil {
		fmt.Println(err)
		return
	}
	rel, err := helm.Upgrade(context.Background(), cfg, helm.Options{Chart: src, Values: vals, Wait: true,
		Timeout: 10 * time.Minute, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rel.Name, rel.Version, rel.Info.Status)
}
