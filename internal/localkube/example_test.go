package localkube_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/internal/localkube"
)

// Start (or reuse) the local API server from a program run inside the
// checkout, and connect to it. Not run as a test: the first call builds
// kube-apiserver, which takes minutes.
func ExampleUp() {
	root, err := localkube.RepoRoot()
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	kubeconfig, err := localkube.Up(ctx, root, func(line string) { log.Print(line) })
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("API server at", cfg.Host)
}
