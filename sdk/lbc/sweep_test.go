package lbc

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/fargatekit/fargatekit/internal/mototest"
)

var _ ELBv2API = (*elbv2.Client)(nil)

// leftovers creates, on moto_server, what a controller removed too early
// leaves: for cluster demo an ALB of an Ingress with a listener forwarding
// to its target group, and a target group of a Service; for cluster other an
// ALB; and an untagged target group.
func leftovers(t *testing.T, moto *mototest.Server) *elbv2.Client {
	t.Helper()
	ctx := context.Background()
	cfg := moto.Config("eu-west-1")
	n := newNetwork(t, ec2.NewFromConfig(cfg))
	subnets := []string{n.subnet("a", 1, "eu-west-1a", true), n.subnet("b", 2, "eu-west-1b", true)}
	api := elbv2.NewFromConfig(cfg)
	tags := func(kv ...string) []elbtypes.Tag {
		var out []elbtypes.Tag
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, elbtypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		return out
	}
	lb := func(name string, tg ...string) string {
		out, err := api.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String(name), Subnets: subnets, Tags: tags(tg...)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.LoadBalancers[0].LoadBalancerArn)
	}
	group := func(name string, tg ...string) string {
		out, err := api.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(80), VpcId: &n.vpc, TargetType: elbtypes.TargetTypeEnumIp, Tags: tags(tg...)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	alb := lb("k8s-shop-web-0123456789", ClusterTagKey, "demo", "ingress.k8s.aws/stack", "shop/web", "ingress.k8s.aws/resource", "LoadBalancer")
	tg := group("k8s-shop-web-abcdef0123", ClusterTagKey, "demo", "ingress.k8s.aws/stack", "shop/web")
	if _, err := api.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: &alb, Port: aws.Int32(80), Protocol: elbtypes.ProtocolEnumHttp,
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: &tg}}}); err != nil {
		t.Fatal(err)
	}
	group("k8s-apps-api-fedcba9876", ClusterTagKey, "demo", "service.k8s.aws/stack", "apps/api")
	lb("k8s-other-web-0123456789", ClusterTagKey, "other", "ingress.k8s.aws/stack", "other/web")
	group("hand-made", "team", "platform")
	return api
}

// Sweep on moto_server: it reports exactly the demo cluster's load balancer
// and target groups with their owners, deletes them with Delete (the load
// balancer first, so its target group is no longer in use), leaves the
// other cluster's and untagged resources, and a second run finds nothing.
func TestSweep(t *testing.T) {
	api := leftovers(t, mototest.New(t))
	ctx := context.Background()
	report, err := Sweep(ctx, api, "demo", SweepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range report.Resources {
		got = append(got, r.String())
		if r.Deleted || r.Tags[ClusterTagKey] != "demo" || !strings.HasPrefix(r.ARN, "arn:aws:elasticloadbalancing:eu-west-1:") {
			t.Errorf("%+v", r)
		}
	}
	want := []string{"LoadBalancer k8s-shop-web-0123456789 (shop/web)", "TargetGroup k8s-apps-api-fedcba9876 (apps/api)", "TargetGroup k8s-shop-web-abcdef0123 (shop/web)"}
	if !slices.Equal(got, want) {
		t.Fatalf("report %q, want %q", got, want)
	}
	// A report deletes nothing.
	if again, err := Sweep(ctx, api, "demo", SweepOptions{}); err != nil || len(again.Resources) != 3 {
		t.Fatalf("after a report: %v %v", again, err)
	}

	report, err = Sweep(ctx, api, "demo", SweepOptions{Delete: true, PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Remaining()) != 0 || len(report.Resources) != 3 {
		t.Errorf("remaining %v of %v", report.Remaining(), report.Resources)
	}
	if again, err := Sweep(ctx, api, "demo", SweepOptions{Delete: true}); err != nil || len(again.Resources) != 0 {
		t.Errorf("second sweep: %+v %v", again, err)
	}
	lbs, _ := api.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
	tgs, _ := api.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{})
	if len(lbs.LoadBalancers) != 1 || aws.ToString(lbs.LoadBalancers[0].LoadBalancerName) != "k8s-other-web-0123456789" ||
		len(tgs.TargetGroups) != 1 || aws.ToString(tgs.TargetGroups[0].TargetGroupName) != "hand-made" {
		t.Errorf("left: %d load balancers, %d target groups", len(lbs.LoadBalancers), len(tgs.TargetGroups))
	}
}

// A target group that stays in use (its listener's load balancer is not
// tagged, so Sweep does not delete it) is retried until the context ends,
// and reported as remaining.
func TestSweepTargetGroupInUse(t *testing.T) {
	moto := mototest.New(t)
	api := leftovers(t, moto)
	ctx := context.Background()
	// The other cluster's ALB now forwards to a demo target group.
	lbs, _ := api.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"k8s-other-web-0123456789"}})
	tgs, _ := api.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{"k8s-apps-api-fedcba9876"}})
	if _, err := api.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn, Port: aws.Int32(80),
		Protocol: elbtypes.ProtocolEnumHttp, DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgs.TargetGroups[0].TargetGroupArn}}}); err != nil {
		t.Fatal(err)
	}
	// Long enough for the other deletions on a loaded machine; the in-use
	// one never succeeds.
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	report, err := Sweep(c, api, "demo", SweepOptions{Delete: true, PollInterval: 20 * time.Millisecond})
	if !errors.Is(err, ErrSweepIncomplete) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "k8s-apps-api-fedcba9876") {
		t.Fatalf("error %v", err)
	}
	if rem := report.Remaining(); len(rem) != 1 || rem[0].Name != "k8s-apps-api-fedcba9876" {
		t.Errorf("remaining %v", rem)
	}
	if _, err := Sweep(ctx, api, "-bad", SweepOptions{}); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("bad cluster name: %v", err)
	}
}

// ListELB on moto_server: every load balancer, then every target group, by
// name, with VPC, tags and owner; a VPC filter keeps only that VPC's.
func TestListELB(t *testing.T) {
	api := leftovers(t, mototest.New(t))
	ctx := context.Background()
	all, err := ListELB(ctx, api, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range all {
		got = append(got, r.Kind+" "+r.Name+" "+r.Owner)
		if r.VPC == "" || r.Tags == nil {
			t.Errorf("%s: VPC %q tags %v", r.Name, r.VPC, r.Tags)
		}
	}
	want := []string{
		"LoadBalancer k8s-other-web-0123456789 other/web",
		"LoadBalancer k8s-shop-web-0123456789 shop/web",
		"TargetGroup hand-made ",
		"TargetGroup k8s-apps-api-fedcba9876 apps/api",
		"TargetGroup k8s-shop-web-abcdef0123 shop/web",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ListELB:\n got %q\nwant %q", got, want)
	}
	none, err := ListELB(ctx, api, func(vpc string) bool { return vpc == "vpc-elsewhere" })
	if err != nil || len(none) != 0 {
		t.Errorf("another VPC: %v, %v", none, err)
	}
}
