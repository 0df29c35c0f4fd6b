package main

import (
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/examples/internal/stacktest"
	"github.com/fargatekit/fargatekit/internal/mockstack"
)

// TestREADME keeps the README's Pulumi program and this one the same file.
func TestREADME(t *testing.T) {
	stacktest.InREADME(t, "../../README.md", "main.go")
}

// TestGraph runs the README's program under the mock monitor: the cluster, the
// controller after CoreDNS, the reader role with its ServiceAccount.
func TestGraph(t *testing.T) {
	g, err := mockstack.Run(program, mockstack.WithStack("quickstart", "dev"), mockstack.WithRegion("eu-west-1"))
	if err != nil {
		t.Fatal(err)
	}
	stacktest.Counts(t, g, stacktest.WithCluster(map[string]int{
		"aws:iam/role:Role": 4,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment":           4,
		"aws:iam/policy:Policy":                                       1,
		"aws:eks/fargateProfile:FargateProfile":                       1,
		"fargatekit:lbc:LBCRelease":                                   1,
		"fargatekit:irsa:IRSARole":                                    2,
		"kubernetes:core/v1:ServiceAccount":                           2,
		"kubernetes:helm.sh/v3:Release":                               1,
		"kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": 7, // the chart's CRDs, applied before the release
	}))
	stacktest.Cluster(t, g, "demo")
	release := stacktest.One(t, g, "kubernetes:helm.sh/v3:Release", "lbc")
	stacktest.DependsOn(t, g, release, stacktest.One(t, g, "aws:eks/addon:Addon", "demo-coredns"))
	if got := release.InputString(`values.region`); got != "eu-west-1" {
		t.Errorf("controller values: region %q", got)
	}
	reader := stacktest.One(t, g, "fargatekit:irsa:IRSARole", "reader")
	stacktest.Parent(t, g, stacktest.One(t, g, "aws:iam/role:Role", "reader"), reader)
	sa := stacktest.One(t, g, "kubernetes:core/v1:ServiceAccount", "reader-sa-default/reader")
	if got := sa.InputString(`metadata.annotations["eks.amazonaws.com/role-arn"]`); !strings.HasPrefix(got, "arn:aws:iam::") {
		t.Errorf("reader ServiceAccount annotation %q", got)
	}
	stacktest.Tagged(t, stacktest.One(t, g, "aws:eks/cluster:Cluster", "demo-cluster"), map[string]string{"team": "platform"})
}
