package lbc

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/fargatekit/fargatekit/internal/mototest"
)

var _ EKSAPI = (*eks.Client)(nil)

func TestControllerPodLabels(t *testing.T) {
	got := ControllerPodLabels(nil, "")
	if len(got) != 2 || got["app.kubernetes.io/name"] != ChartName || got["app.kubernetes.io/instance"] != ReleaseName {
		t.Errorf("defaults %v", got)
	}
	got = ControllerPodLabels(map[string]any{"nameOverride": "lbc", "podLabels": map[string]any{"team": "platform", "tier": 1}}, "edge")
	if got["app.kubernetes.io/name"] != "lbc" || got["app.kubernetes.io/instance"] != "edge" || got["team"] != "platform" || got["tier"] != "1" {
		t.Errorf("overrides %v", got)
	}
	// podLabels cannot displace the selector labels (the chart writes them first).
	got = ControllerPodLabels(map[string]any{"podLabels": map[string]any{"app.kubernetes.io/name": "x"}}, "")
	if got["app.kubernetes.io/name"] != ChartName {
		t.Errorf("podLabels override the name label: %v", got)
	}
}

func TestCheckFargateProfiles(t *testing.T) {
	pods := ControllerPodLabels(nil, "")
	sel := func(ns string, labels map[string]string) []FargateSelector {
		return []FargateSelector{{Namespace: ns, Labels: labels}}
	}
	tests := []struct {
		name     string
		profiles []FargateProfile
		ns       string
		want     string // the selecting profile; "" for none
		why      string
	}{
		{"namespace", []FargateProfile{{Name: "apps", Selectors: sel("apps", nil)}, {Name: "system", Selectors: sel("kube-system", nil)}}, "kube-system", "system", ""},
		{"wildcards", []FargateProfile{{Name: "w", Selectors: sel("kube-*", map[string]string{"app.kubernetes.io/*": "aws-load-balancer-?ontroller"})}}, "kube-system", "w", ""},
		{"creating", []FargateProfile{{Name: "new", Status: "CREATING", Selectors: sel("kube-system", nil)}}, "kube-system", "new", ""},
		{"deleting", []FargateProfile{{Name: "old", Status: "DELETING", Selectors: sel("kube-system", nil)}}, "kube-system", "", "old selects them but is DELETING"},
		{"labels", []FargateProfile{{Name: "coredns", Selectors: sel("kube-system", map[string]string{"k8s-app": "kube-dns"})}}, "kube-system",
			"", "coredns selects kube-system{k8s-app=kube-dns}"},
		{"other namespace", []FargateProfile{{Name: "system", Selectors: sel("kube-system", nil)}}, "lbc", "", "system selects kube-system"},
		{"none", nil, "kube-system", "", "the cluster has no Fargate profiles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := CheckFargateProfiles(tt.profiles, tt.ns, pods)
			if tt.want != "" {
				if err != nil || p.Name != tt.want {
					t.Fatalf("%+v %v, want %s", p, err, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrNoFargateProfile) || !strings.Contains(err.Error(), tt.why) || !strings.Contains(err.Error(), "namespace "+tt.ns) {
				t.Fatalf("error %v, want one saying %q", err, tt.why)
			}
		})
	}
}

// fargateCluster creates an EKS cluster on moto_server with profiles
// (name, then namespace selectors).
func fargateCluster(t *testing.T, api *eks.Client, name string, profiles map[string][]ekstypes.FargateProfileSelector) {
	t.Helper()
	ctx := context.Background()
	role := "arn:aws:iam::123456789012:role/eks"
	if _, err := api.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String(name), RoleArn: aws.String(role),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-0a", "subnet-0b"}}}); err != nil {
		t.Fatal(err)
	}
	for p, sels := range profiles {
		if _, err := api.CreateFargateProfile(ctx, &eks.CreateFargateProfileInput{ClusterName: aws.String(name), FargateProfileName: aws.String(p),
			PodExecutionRoleArn: aws.String("arn:aws:iam::123456789012:role/pods"), Selectors: sels, Subnets: []string{"subnet-0a"}}); err != nil {
			t.Fatal(err)
		}
	}
}

// FargateProfiles and CheckFargate read the profiles through the real EKS
// client from moto_server.
func TestCheckFargateOnMoto(t *testing.T) {
	api := eks.NewFromConfig(mototest.New(t).Config("eu-west-1"))
	ctx := context.Background()
	fargateCluster(t, api, "demo", map[string][]ekstypes.FargateProfileSelector{
		"apps":    {{Namespace: aws.String("apps")}},
		"coredns": {{Namespace: aws.String("kube-system"), Labels: map[string]string{"k8s-app": "kube-dns"}}},
	})
	profiles, err := FargateProfiles(ctx, api, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 2 || profiles[0].Name != "apps" || profiles[1].Selectors[0].Labels["k8s-app"] != "kube-dns" || profiles[0].Status == "" {
		t.Fatalf("profiles %+v", profiles)
	}
	if _, err := CheckFargate(ctx, api, "demo", "", nil); !errors.Is(err, ErrNoFargateProfile) || !strings.Contains(err.Error(), "lbc: cluster demo:") {
		t.Fatalf("kube-system not selected: %v", err)
	}
	if p, err := CheckFargate(ctx, api, "demo", "apps", nil); err != nil || p.Name != "apps" {
		t.Errorf("controller in apps: %+v %v", p, err)
	}
	if _, err := CheckFargate(ctx, api, "nope", "", nil); err == nil || !strings.Contains(err.Error(), "ListFargateProfiles") {
		t.Errorf("unknown cluster: %v", err)
	}
	if _, err := FargateProfiles(ctx, api, "-x"); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("bad name: %v", err)
	}
}
