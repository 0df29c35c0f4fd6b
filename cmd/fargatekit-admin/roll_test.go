package main

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

func TestRollPodsFlags(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"roll"}, 2, "name a command: pods"},
		{[]string{"roll", "--help"}, 0, "fargatekit roll pods --all-namespaces --dry-run"},
		{[]string{"roll", "nodes"}, 2, `unknown roll command "nodes"`},
		{[]string{"roll", "pods", "-h"}, 0, "--deployment"},
		{[]string{"roll", "pods", "--all-namespaces", "--namespace", "x"}, 2, "--all-namespaces: exclusive with --namespace"},
		{[]string{"roll", "pods", "--all-namespaces", "--deployment", "coredns"}, 2, "--deployment: names a deployment of one namespace"},
		{[]string{"roll", "pods", "--selector", "a in ("}, 2, "--selector:"},
		{[]string{"roll", "pods", "--timeout", "0s"}, 2, "--timeout: 0s: must be positive"},
		{[]string{"roll", "pods", "web"}, 2, "name deployments with --deployment"},
		{[]string{"roll", "pods", "--kubeconfig", "/nonexistent/kubeconfig"}, 2, "--kubeconfig:"},
	}
	for _, tt := range tests {
		code, out, errs := runCLI(t, map[string]string{}, tt.args...)
		if code != tt.code || !strings.Contains(out+errs, tt.contains) {
			t.Errorf("%v: code %d, out %q, err %q; want %d and %q", tt.args, code, out, errs, tt.code, tt.contains)
		}
	}
}

// TestRollPodsOnAPIServer runs the command against the real API server.
// Without a controller manager no rollout ever completes, so the real run
// is expected to time out waiting for the deployment controller: that
// proves the restart was written and the wait is honest, not that pods moved
// (the SDK's tests play the controller).
func TestRollPodsOnAPIServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	kc := kubetest.KubeconfigFile(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, name := range []string{"web", "api"} {
		one := int32(1)
		l := map[string]string{"app": name}
		if _, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l},
			Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: l},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}}}}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runCLI(t, map[string]string{"KUBECONFIG": kc}, "roll", "pods", "--namespace", ns, "--dry-run")
	if code != 0 || !strings.Contains(out, "[1/2] "+ns+"/api: planned\n[2/2] "+ns+"/web: planned") || !strings.Contains(out, "2 deployments would be restarted") {
		t.Errorf("dry run: code %d out %q err %q", code, out, errs)
	}
	code, out, errs = runCLI(t, nil, "roll", "pods", "--kubeconfig", kc, "--namespace", ns, "--selector", "app=web", "--timeout", "300ms", "--poll", "20ms")
	if code != 1 || !strings.Contains(out, ns+"/web: restarting") || !strings.Contains(errs, "waiting for the deployment controller") {
		t.Errorf("roll: code %d out %q err %q", code, out, errs)
	}
	for name, restarted := range map[string]bool{"web": true, "api": false} {
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Spec.Template.Annotations[eksfargate.AnnotationRestartedAt] != ""; got != restarted {
			t.Errorf("%s restarted = %v, want %v", name, got, restarted)
		}
	}
}
