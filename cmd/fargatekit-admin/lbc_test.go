package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/lbc"
)

func TestLBCCommands(t *testing.T) {
	code, out, errs := runCLI(t, nil, "lbc", "versions")
	if code != 0 || !strings.Contains(out, "v3.5.0     3.5.0  (default)") || !strings.Contains(out, "v2.13.0    1.13.0") {
		t.Errorf("versions: %d %q %q", code, out, errs)
	}

	code, out, _ = runCLI(t, nil, "lbc", "policy", "--partition", "aws-cn")
	want, _ := lbc.IAMPolicy("", "aws-cn")
	if code != 0 || strings.TrimSpace(out) != want {
		t.Errorf("policy: %d %q", code, out)
	}
	code, out, _ = runCLI(t, nil, "lbc", "policy", "--region", "eu-west-1", "--vpc-id", "vpc-0123456789abcdef0", "--indent")
	d, err := iampolicy.Parse([]byte(out))
	if code != 0 || err != nil || d.Statement[len(d.Statement)-1].Sid != lbc.DenyOtherRegionsSid || !strings.Contains(out, "\n  ") {
		t.Errorf("scoped policy: %d %v %q", code, err, out)
	}

	code, out, _ = runCLI(t, nil, "lbc", "values", "--cluster-name", "demo", "--region", "us-west-2", "--vpc-id", "vpc-0123456789abcdef0", "--image", "regional")
	var vals map[string]any
	if err := yaml.Unmarshal([]byte(out), &vals); code != 0 || err != nil {
		t.Fatalf("values: %d %v %q", code, err, out)
	}
	if vals["defaultTargetType"] != "ip" || vals["image"].(map[string]any)["repository"] != "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller" {
		t.Errorf("values %v", vals)
	}

	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"lbc"}, "needs a subcommand"},
		{[]string{"lbc", "nope"}, "unknown lbc subcommand"},
		{[]string{"lbc", "policy", "--version", "v2.12.0"}, "unknown controller version v2.12.0"},
		{[]string{"lbc", "policy", "--vpc-id", "vpc-0123456789abcdef0"}, "needs --region"},
		{[]string{"lbc", "policy", "--region", "us-west-2"}, "together with --vpc-id"},
		{[]string{"lbc", "values", "--cluster-name", "demo"}, "region"},
		{[]string{"lbc", "values", "--cluster-name", "d", "--region", "us-west-2", "--vpc-id", "vpc-0123456789abcdef0", "x"}, "unexpected arguments"},
		{[]string{"lbc", "subnets"}, "--vpc-id is required"},
	} {
		code, _, errs := runCLI(t, nil, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tt.args, code, errs, tt.msg)
		}
	}
	if code, out, _ := runCLI(t, nil, "lbc", "help"); code != 0 || !strings.Contains(out, "fargatekit lbc teardown") {
		t.Errorf("help: %d %q", code, out)
	}
}

func TestLBCTeardownCommandRealServer(t *testing.T) {
	cfg := kubetest.Config(t)
	kubetest.Lock(t, cfg, kubetest.LockLBC) // a real chart's webhooks would refuse the LoadBalancer Services
	ns := kubetest.Namespace(t, cfg)
	kubeconfig := kubetest.KubeconfigFile(t, cfg)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, class := range map[string]*string{"managed": ptrTo(lbc.LoadBalancerClass), "other": nil} {
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeLoadBalancer, LoadBalancerClass: class,
			Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(80)}}}}
		if _, err := cs.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runCLI(t, nil, "lbc", "teardown", "--kubeconfig", kubeconfig, "--namespace", ns,
		"--release-namespace", ns, "--timeout", "1m")
	if code != 0 || !strings.Contains(out, "teardown complete") || !strings.Contains(errs, "the controller stays") {
		t.Fatalf("teardown: %d %q %q", code, out, errs)
	}
	if _, err := cs.CoreV1().Services(ns).Get(ctx, "managed", metav1.GetOptions{}); err == nil {
		t.Error("the controller's Service survived")
	}
	if _, err := cs.CoreV1().Services(ns).Get(ctx, "other", metav1.GetOptions{}); err != nil {
		t.Errorf("the in-tree Service was deleted: %v", err)
	}
}

func ptrTo[T any](v T) *T { return &v }

// lbc sweep on moto_server: a target group tagged for the cluster is
// reported (exit 1), deleted with --delete (exit 0), and gone after.
func TestLBCSweepCommand(t *testing.T) {
	moto := mototest.New(t)
	environ := isolatedAWSEnv(t, envCreds)
	for k, v := range envCreds {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ENDPOINT_URL", moto.URL)
	ctx := context.Background()
	cfg := moto.Config("eu-west-1")
	vpc, err := ec2.NewFromConfig(cfg).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := elasticloadbalancingv2.NewFromConfig(cfg).CreateTargetGroup(ctx, &elasticloadbalancingv2.CreateTargetGroupInput{
		Name: aws.String("k8s-shop-web-abcdef0123"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: vpc.Vpc.VpcId,
		TargetType: elbtypes.TargetTypeEnumIp, Tags: []elbtypes.Tag{{Key: aws.String(lbc.ClusterTagKey), Value: aws.String("demo")},
			{Key: aws.String("ingress.k8s.aws/stack"), Value: aws.String("shop/web")}}}); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, environ, "lbc", "sweep", "--cluster-name", "demo", "--region", "eu-west-1")
	if code != 1 || !strings.Contains(out, "left     TargetGroup k8s-shop-web-abcdef0123 (shop/web)") || !strings.Contains(out, "1 tagged elbv2.k8s.aws/cluster=demo in eu-west-1, 1 remaining") {
		t.Fatalf("report: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, environ, "lbc", "sweep", "--cluster-name", "demo", "--region", "eu-west-1", "--delete")
	if code != 0 || !strings.Contains(out, "deleted  TargetGroup k8s-shop-web-abcdef0123") {
		t.Fatalf("delete: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = runCLI(t, environ, "lbc", "sweep", "--cluster-name", "demo", "--region", "eu-west-1")
	if code != 0 || !strings.Contains(out, "0 tagged") {
		t.Errorf("after: %d %s", code, out)
	}
	if code, _, errs := runCLI(t, environ, "lbc", "sweep"); code != 2 || !strings.Contains(errs, "--cluster-name is required") {
		t.Errorf("no cluster: %d %s", code, errs)
	}
}
