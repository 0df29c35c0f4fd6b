package lbc_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

func ExampleIAMPolicy() {
	doc, err := lbc.IAMPolicy("v3.5.0", "aws-cn")
	if err != nil {
		panic(err)
	}
	d, _ := iampolicy.Parse([]byte(doc))
	n, _ := d.Size()
	fmt.Println(len(d.Statement), "statements,", n, "characters")
	fmt.Println(d.Statement[len(d.Statement)-2].Resource[0])

	_, err = lbc.IAMPolicy("v2.12.0", "aws")
	fmt.Println(strings.SplitN(err.Error(), "(", 2)[0])
	// Output:
	// 16 statements, 5227 characters
	// arn:aws-cn:elasticloadbalancing:*:*:targetgroup/*/*
	// lbc: unknown controller version v2.12.0
}

func ExampleRenderPolicy_scoped() {
	doc, _ := lbc.RenderPolicy(lbc.PolicySpec{Scope: &lbc.Scope{Region: "eu-west-1", VpcID: "vpc-0123456789abcdef0"}})
	d, _ := iampolicy.Parse([]byte(doc))
	for _, st := range d.Statement {
		if slices.Contains(st.Action, "ec2:CreateSecurityGroup") {
			fmt.Println(st.Resource)
		}
	}
	last := d.Statement[len(d.Statement)-1]
	fmt.Println(last.Sid, last.Effect, last.Condition)
	// Output:
	// [arn:aws:ec2:eu-west-1:*:security-group/* arn:aws:ec2:eu-west-1:*:vpc/vpc-0123456789abcdef0]
	// DenyOtherRegions Deny map[StringNotEquals:map[aws:RequestedRegion:[eu-west-1]]]
}

func ExampleValues() {
	vals, err := lbc.Values(lbc.ValuesSpec{
		ClusterName: "demo", Region: "us-west-2", VpcID: "vpc-0123456789abcdef0",
		Settings: lbc.Settings{Fargate: true, ServiceAccountName: lbc.DefaultServiceAccount, Image: lbc.ImageRegional},
	})
	if err != nil {
		panic(err)
	}
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		fmt.Printf("%s: %v\n", k, vals[k])
	}
	// Output:
	// clusterName: demo
	// defaultTargetType: ip
	// enableServiceMutatorWebhook: true
	// image: map[repository:602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller tag:v3.5.0]
	// keepTLSSecret: true
	// podDisruptionBudget: map[maxUnavailable:1]
	// region: us-west-2
	// replicaCount: 2
	// serviceAccount: map[create:false name:aws-load-balancer-controller]
	// vpcId: vpc-0123456789abcdef0
}

func ExampleIngressAnnotations() {
	delay := 30 * time.Second
	ann, err := lbc.IngressAnnotations{
		LoadBalancer: lbc.LoadBalancer{
			Fargate:             true,
			Scheme:              lbc.SchemeInternetFacing,
			CertificateARNs:     []string{"arn:aws:acm:us-west-2:123456789012:certificate/0d1e"},
			DeregistrationDelay: &delay,
			HealthCheck:         lbc.HealthCheck{Path: "/healthz"},
		},
		ListenPorts: []lbc.ListenPort{{Protocol: "HTTP", Port: 80}, {Protocol: "HTTPS", Port: 443}},
		SSLRedirect: 443,
		GroupName:   "web",
	}.Build()
	if err != nil {
		panic(err)
	}
	for _, k := range slices.Sorted(maps.Keys(ann)) {
		fmt.Printf("%s: %s\n", k, ann[k])
	}

	_, err = lbc.IngressAnnotations{LoadBalancer: lbc.LoadBalancer{Fargate: true, TargetType: lbc.TargetInstance}}.Build()
	fmt.Println(err)
	// Output:
	// alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-west-2:123456789012:certificate/0d1e
	// alb.ingress.kubernetes.io/group.name: web
	// alb.ingress.kubernetes.io/healthcheck-path: /healthz
	// alb.ingress.kubernetes.io/listen-ports: [{"HTTP":80},{"HTTPS":443}]
	// alb.ingress.kubernetes.io/scheme: internet-facing
	// alb.ingress.kubernetes.io/ssl-redirect: 443
	// alb.ingress.kubernetes.io/target-group-attributes: deregistration_delay.timeout_seconds=30
	// alb.ingress.kubernetes.io/target-type: ip
	// lbc: annotation alb.ingress.kubernetes.io/target-type: value "instance": lbc: target type instance is impossible on Fargate (pods have no EC2 node to register); use ip
}

func ExampleServiceAnnotations() {
	ann, err := lbc.ServiceAnnotations{
		LoadBalancer:  lbc.LoadBalancer{Fargate: true, Scheme: lbc.SchemeInternetFacing},
		ProxyProtocol: true,
	}.Build()
	if err != nil {
		panic(err)
	}
	for _, k := range slices.Sorted(maps.Keys(ann)) {
		fmt.Printf("%s: %s\n", k, ann[k])
	}
	// Output:
	// service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
	// service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: *
	// service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
	// service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30
	// service.beta.kubernetes.io/aws-load-balancer-type: external
}

// One setting for the target group and the pods: the load balancer's
// deregistration delay (here fargatekit's default, 30 s) is written as the
// target-group attribute and gives the pods' preStop sleep and grace period.
func ExampleLoadBalancer_Termination() {
	lb := lbc.LoadBalancer{Fargate: true, Scheme: lbc.SchemeInternetFacing}
	ann, _ := lbc.IngressAnnotations{LoadBalancer: lb}.Build()
	fmt.Println(ann["alb.ingress.kubernetes.io/target-group-attributes"])
	t, _ := lb.Termination(lbc.TerminationSpec{})
	fmt.Println(t.PreStopSleep, t.TerminationGracePeriodSeconds)
	// Output:
	// deregistration_delay.timeout_seconds=30
	// 45s 56
}

func ExampleEffectiveDeregistrationDelay() {
	d, _ := lbc.EffectiveDeregistrationDelay(nil)
	fmt.Println(d)
	long := 2 * time.Hour
	_, err := lbc.EffectiveDeregistrationDelay(&long)
	fmt.Println(err)
	// Output:
	// 30s
	// lbc: invalid spec: deregistration delay 2h0m0s is not whole seconds in 0s..1h
}

func ExampleTermination() {
	delay := 30 * time.Second
	t, _ := lbc.Termination(lbc.TerminationSpec{DeregistrationDelay: &delay})
	fmt.Println(t.PreStopSleep, t.TerminationGracePeriodSeconds, t.Lifecycle.PreStop.Sleep.Seconds)
	// Output:
	// 45s 56 45
}

func ExampleImageRepository() {
	for _, region := range []string{"us-west-2", "cn-north-1", "us-gov-west-1"} {
		repo, _ := lbc.ImageRepository("", region)
		fmt.Println(region, repo)
	}
	_, err := lbc.ImageRepository(lbc.ImagePublic, "cn-north-1")
	fmt.Println(errors.Is(err, lbc.ErrImageUnreachable))
	// Output:
	// us-west-2 public.ecr.aws/eks/aws-load-balancer-controller
	// cn-north-1 918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn/amazon/aws-load-balancer-controller
	// us-gov-west-1 013241004608.dkr.ecr.us-gov-west-1.amazonaws.com/amazon/aws-load-balancer-controller
	// true
}
