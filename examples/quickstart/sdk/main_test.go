package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fargatekit/fargatekit/examples/internal/stacktest"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// TestREADME keeps the README's SDK snippet and run's body the same code.
func TestREADME(t *testing.T) {
	stacktest.InREADME(t, "../../../README.md", "main.go")
}

// TestRun runs the snippet against the real API server, on an aws-auth that
// already maps the Fargate role and someone else's user, with static AWS
// credentials (the token is signed locally; nothing calls AWS).
func TestRun(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx := context.Background()
	foreign := "- userarn: arn:aws:iam::123456789012:user/alice   # kept verbatim\n  username: alice\n  groups: [viewers]\n"
	fargate := "- rolearn: arn:aws:iam::123456789012:role/pod-execution\n  username: system:node:{{SessionName}}\n  groups: [system:bootstrappers, system:nodes, system:node-proxier]\n"
	_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: authmap.DefaultName},
		Data:       map[string]string{"mapUsers": foreign, "mapRoles": fargate},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	awsCfg := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}
	opts := authmap.ConfigMapOptions{Namespace: ns}

	var out bytes.Buffer
	if err := run(ctx, &out, awsCfg, cs.CoreV1(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"`,
		`"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub":"system:serviceaccount:default:reader"`,
		"aws-auth: changed=true, 2 role mappings",
		"EKS token valid until",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, authmap.DefaultName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.Data["mapUsers"] != foreign {
		t.Errorf("someone else's mapUsers changed:\n%s", cm.Data["mapUsers"])
	}
	for _, want := range []string{"role/pod-execution", "role/admins", "platform-admins"} {
		if !strings.Contains(cm.Data["mapRoles"], want) {
			t.Errorf("mapRoles lacks %s:\n%s", want, cm.Data["mapRoles"])
		}
	}

	// A second run changes nothing and still signs a well-formed token.
	out.Reset()
	if err := run(ctx, &out, awsCfg, cs.CoreV1(), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "aws-auth: changed=false, 2 role mappings") {
		t.Errorf("second run:\n%s", out.String())
	}
	tok, err := kubeauth.GetToken(ctx, kubeauth.TokenOptions{ClusterName: "demo", Region: awsCfg.Region, Credentials: awsCfg.Credentials})
	if err != nil {
		t.Fatal(err)
	}
	u, err := ekstoken.ParseToken(tok.Value)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "sts.eu-west-1.amazonaws.com" {
		t.Errorf("token for %s", u.Host)
	}
}
