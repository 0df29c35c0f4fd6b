package kubehook

import (
	"errors"
	"fmt"
	"testing"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
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

// A hook's connection: the kubeconfig is set when the program resolves it
// (in a component: kubeconfig.ApplyT(func(kc string) string { c.Set(kc);
// return kc })); a hook run without it says what to do.
func ExampleConn() {
	c := &Conn{Missing: errors.New("kubeconfig not known: run pulumi destroy --run-program")}
	_, err := c.Client()
	fmt.Println(err)
	// Output: kubeconfig not known: run pulumi destroy --run-program
}
