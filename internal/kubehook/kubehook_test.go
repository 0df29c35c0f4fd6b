package kubehook

import (
	"errors"
	"fmt"
	"testing"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
)

func TestConn(t *testing.T) {
	missing := errors.New("no kubeconfig yet")
	c := &Conn{Missing: missing}
	if _, err := c.Client(); !errors.Is(err, missing) {
		t.Errorf("before Set: %v", err)
	}
	c.Set("not: [a kubeconfig")
	if _, err := c.Client(); err == nil {
		t.Error("a broken kubeconfig connected")
	}
	var got string
	c.Connect = func(kc string) (kubernetes.Interface, error) { got = kc; return fake.NewClientset(), nil }
	c.Set("apiVersion: v1\nkind: Config\n")
	if cs, err := c.Client(); err != nil || cs == nil || got != c.Kubeconfig() {
		t.Errorf("Connect: %v, %q", err, got)
	}
}

// RESTConfig: Missing before Set, the kubeconfig's server after, and
// ConnectREST (tests) in its place; the default Connect builds on it.
func TestRESTConfig(t *testing.T) {
	missing := errors.New("no kubeconfig yet")
	c := &Conn{Missing: missing}
	if _, err := c.RESTConfig(); !errors.Is(err, missing) {
		t.Errorf("before Set: %v", err)
	}
	c.Set(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`)
	if cfg, err := c.RESTConfig(); err != nil || cfg.Host != "https://127.0.0.1:6443" || cfg.BearerToken != "t" {
		t.Errorf("RESTConfig = %+v, %v", cfg, err)
	}
	if cs, err := c.Client(); err != nil || cs == nil {
		t.Errorf("Client: %v", err)
	}
	c.ConnectREST = func(string) (*rest.Config, error) { return &rest.Config{Host: "https://elsewhere"}, nil }
	if cfg, err := c.RESTConfig(); err != nil || cfg.Host != "https://elsewhere" {
		t.Errorf("ConnectREST: %+v, %v", cfg, err)
	}
}

// A hook's connection: the kubeconfig is set when the program resolves it
// (in a component: kubeconfig.ApplyT(func(kc string) string { c.Set(kc);
// return kc })); a hook run without it says what to do.
func ExampleConn() {
	c := &Conn{Missing: errors.New("kubeconfig not known: run pulumi destroy --run-program")}
	_, err := c.Client()
	fmt.Println(err)
	// Output: kubeconfig not known: run pulumi destroy --run-program
}
