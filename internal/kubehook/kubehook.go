// Package kubehook is the connection a Pulumi program's resource hooks
// reach a Kubernetes cluster with: the kubeconfig, an output, captured when
// the program resolves it and read when a hook runs (the hooks of
// eksfargate, authmap and lbc).
package kubehook

import (
	"fmt"
	"sync"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Conn holds the kubeconfig. The zero value connects with [FromKubeconfig].
type Conn struct {
	// Connect makes the client from a kubeconfig; nil means a clientset for
	// RESTConfig.
	Connect func(kubeconfig string) (kubernetes.Interface, error)
	// ConnectREST makes the REST config from a kubeconfig, for RESTConfig
	// and the default Connect; nil means RESTConfigFromKubeconfig.
	ConnectREST func(kubeconfig string) (*rest.Config, error)
	// Missing is what Client returns while the kubeconfig is not known
	// (a hook run under pulumi destroy without --run-program).
	Missing error

	mu         sync.Mutex
	kubeconfig string
}

// Set records the kubeconfig (call it from the output's ApplyT).
func (c *Conn) Set(kubeconfig string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kubeconfig = kubeconfig
}

// Kubeconfig returns the recorded kubeconfig, or "".
func (c *Conn) Kubeconfig() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kubeconfig
}

// Client connects with the recorded kubeconfig, or returns Missing.
func (c *Conn) Client() (kubernetes.Interface, error) {
	kc := c.Kubeconfig()
	if kc == "" {
		return nil, c.Missing
	}
	if c.Connect != nil {
		return c.Connect(kc)
	}
	cfg, err := c.RESTConfig()
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(cfg)
}

// RESTConfig is the REST config of the recorded kubeconfig (for code that
// takes one, as sdk/lbc's Teardown), or Missing.
func (c *Conn) RESTConfig() (*rest.Config, error) {
	kc := c.Kubeconfig()
	if kc == "" {
		return nil, c.Missing
	}
	if c.ConnectREST == nil {
		return RESTConfigFromKubeconfig(kc)
	}
	return c.ConnectREST(kc)
}

// RESTConfigFromKubeconfig is the REST config of a kubeconfig's current
// context (client-go runs its exec plugin, e.g. fargatekit token, for
// tokens).
func RESTConfigFromKubeconfig(kubeconfig string) (*rest.Config, error) {
	cfg, err := clientcmd.RESTConfigFromKubeConfig([]byte(kubeconfig))
	if err != nil {
		return nil, fmt.Errorf("kubehook: the hooks' kubeconfig: %w", err)
	}
	return cfg, nil
}
