// Package kubetest gives tests a real Kubernetes API server.
//
// The server is a kube-apiserver (built from k8s.io/kubernetes by
// integration/kube/build.sh) backed by etcd, both listening on 127.0.0.1
// only and started, detached, by integration/kube/up.sh. It outlives the
// test binary, so later test runs reuse it; integration/kube/down.sh stops
// it. There is no kube-controller-manager and no node: objects are stored
// and validated for real (RBAC, admission, resourceVersion conflicts,
// TokenRequest, OIDC discovery), but nothing reconciles them, so deleted
// namespaces stay Terminating and Deployments never get Pods.
//
// Config, Clientset and Namespace are the entry points:
//
//	cs, cfg := kubetest.Clientset(t)
//	ns := kubetest.Namespace(t, cfg)
//
// If the environment variable FARGATEKIT_TEST_KUBECONFIG (EnvKubeconfig)
// names a kubeconfig file, that server is used and up.sh is not run. Under
// go test -short every test that asks for the server is skipped; otherwise a
// server that cannot be started fails the test. The first start may build
// kube-apiserver, which takes several minutes: run integration/kube/build.sh
// (or up.sh) beforehand to keep it out of go test's timeout.
package kubetest
