package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/examples/catalog"
	irsas3 "github.com/fargatekit/fargatekit/examples/irsa-s3/stack"
	"github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// The AWS suite's switches. It never defaults a region.
const (
	// envOptIn must be "1": the suite creates EKS clusters, NAT gateways and
	// load balancers that cost money, for about half an hour per example.
	envOptIn = "FARGATEKIT_AWS_E2E"
	// envExamples limits the examples run (comma-separated); default all that
	// deploy on their own (fargate-alb, irsa-s3).
	envExamples = "FARGATEKIT_AWS_E2E_EXAMPLES"
	// needs is the one line printed when the suite is skipped.
	needs = "AWS e2e skipped: needs " + envOptIn + "=1, AWS credentials (env or profile) and AWS_REGION; " +
		"it deploys and destroys real EKS clusters (~30 min and some dollars per example), builds the pulumi CLI once " +
		"(integration/pulumi/build.sh) and downloads provider plugins"
)

// e2eExamples are the examples the suite deploys by default.
var e2eExamples = []string{"fargate-alb", "irsa-s3"}

// awsEnv is what the suite found.
type awsEnv struct {
	cfg    aws.Config
	region string
}

// requireAWS skips with the one line when the suite is not asked for or
// cannot run.
func requireAWS(t *testing.T) awsEnv {
	t.Helper()
	if os.Getenv(envOptIn) != "1" {
		t.Skip(needs)
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		t.Skip(needs + " (AWS_REGION is not set)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
	if err == nil {
		_, err = cfg.Credentials.Retrieve(ctx)
	}
	if err != nil {
		t.Skip(needs + fmt.Sprintf(" (no credentials: %v)", err))
	}
	return awsEnv{cfg: cfg, region: region}
}

// TestAWSExamples deploys each example through the Automation API with a
// local file backend, checks it, destroys it (always), and checks that
// nothing it created is left.
func TestAWSExamples(t *testing.T) {
	env := requireAWS(t)
	pulumiRoot := buildPulumiCLI(t)
	names := e2eExamples
	if v := os.Getenv(envExamples); v != "" {
		names = strings.Split(v, ",")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ex, err := catalog.Lookup(strings.TrimSpace(name))
			if err != nil {
				t.Fatal(err)
			}
			runExample(t, env, pulumiRoot, ex)
		})
	}
}

// buildPulumiCLI runs integration/pulumi/build.sh and returns the CLI's root.
func buildPulumiCLI(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "pulumi", "build.sh")
	cmd := exec.Command("bash", script)
	cmd.Stderr = testWriter{t}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return strings.TrimSpace(string(out))
}

// testWriter sends lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	sc := bufio.NewScanner(strings.NewReader(string(p)))
	for sc.Scan() {
		w.t.Log(sc.Text())
	}
	return len(p), nil
}

// deployed is what the checks and the leak check need of a stack.
type deployed struct {
	outputs   auto.OutputMap
	roles     []string // IAM role names in the stack's state
	vpcID     string
	cluster   string
	stackTag  string
	clientset kubernetes.Interface
}

func (d deployed) output(t *testing.T, key string) string {
	t.Helper()
	v, ok := d.outputs[key]
	if !ok {
		t.Fatalf("stack output %s missing", key)
	}
	s, _ := v.Value.(string)
	return s
}

func runExample(t *testing.T, env awsEnv, pulumiRoot string, ex catalog.Example) {
	ctx := context.Background()
	stackName := fmt.Sprintf("e2e%06x", rand.IntN(1<<24))
	state := t.TempDir()
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: pulumiRoot, SkipVersionCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	stack, err := auto.UpsertStackInlineSource(ctx, stackName, ex.Name, ex.Program,
		auto.Pulumi(cli),
		auto.Project(workspace.Project{Name: tokens.PackageName(ex.Name), Runtime: workspace.NewProjectRuntimeInfo("go", nil)}),
		auto.EnvVars(map[string]string{
			"PULUMI_BACKEND_URL":       "file://" + state,
			"PULUMI_CONFIG_PASSPHRASE": "fargatekit-e2e",
			"PULUMI_SKIP_UPDATE_CHECK": "true",
		}))
	if err != nil {
		t.Fatal(err)
	}
	if err := stack.SetConfig(ctx, "aws:region", auto.ConfigValue{Value: env.region}); err != nil {
		t.Fatal(err)
	}
	progress := optup.ProgressStreams(testWriter{t})
	d := deployed{stackTag: ex.Name + "/" + stackName}

	// Destroy always, then look for leftovers.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		if d.roles == nil {
			d.roles, d.vpcID = stateFacts(ctx, t, stack)
		}
		t.Logf("destroying %s", stackName)
		// --run-program: the controller's release has a delete hook (the
		// teardown of what it manages), which the engine runs only then.
		if _, err := stack.Destroy(ctx, optdestroy.ProgressStreams(testWriter{t}), optdestroy.RunProgram(true)); err != nil {
			t.Errorf("destroy: %v", err)
			return
		}
		leakCheck(ctx, t, env, d)
		_ = stack.Workspace().RemoveStack(ctx, stackName)
	})

	upCtx, cancel := context.WithTimeout(ctx, 75*time.Minute)
	defer cancel()
	res, err := stack.Up(upCtx, progress)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	d.outputs = res.Outputs
	d.roles, d.vpcID = stateFacts(ctx, t, stack)
	d.cluster = d.output(t, "clusterName")

	checkCluster(ctx, t, env, &d)
	switch ex.Name {
	case "fargate-alb":
		checkHTTP(ctx, t, d.output(t, "url"))
	case "irsa-s3":
		checkIRSAPod(ctx, t, d)
	}
	checkAwsAuth(ctx, t, d)
}

// stateFacts reads the role names and the VPC of the stack's state.
func stateFacts(ctx context.Context, t *testing.T, stack auto.Stack) (roles []string, vpc string) {
	dep, err := stack.Export(ctx)
	if err != nil {
		t.Logf("export: %v", err)
		return nil, ""
	}
	var state struct {
		Resources []struct {
			Type    string         `json:"type"`
			ID      string         `json:"id"`
			Outputs map[string]any `json:"outputs"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(dep.Deployment, &state); err != nil {
		t.Logf("state: %v", err)
		return nil, ""
	}
	for _, r := range state.Resources {
		switch r.Type {
		case "aws:iam/role:Role":
			if n, ok := r.Outputs["name"].(string); ok {
				roles = append(roles, n)
			}
		case "aws:ec2/vpc:Vpc":
			vpc = r.ID
		}
	}
	return roles, vpc
}

// checkCluster: the cluster is ACTIVE and CoreDNS runs on Fargate nodes.
func checkCluster(ctx context.Context, t *testing.T, env awsEnv, d *deployed) {
	t.Helper()
	api := eks.NewFromConfig(env.cfg)
	out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: &d.cluster})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out.Cluster.Status); s != "ACTIVE" {
		t.Errorf("cluster %s is %s", d.cluster, s)
	}
	info, err := kubeauth.DescribeCluster(ctx, api, d.cluster)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := kubeauth.NewGenerator(kubeauth.TokenOptions{ClusterName: d.cluster, Region: env.region, Credentials: env.cfg.Credentials})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := kubeauth.RESTConfig(info, kubeauth.ReuseTokenSource(gen, nil))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	d.clientset = cs
	pods, err := cs.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "k8s-app=kube-dns"})
	if err != nil {
		t.Fatal(err)
	}
	running := 0
	for _, p := range pods.Items {
		if p.Status.Phase == corev1.PodRunning && strings.HasPrefix(p.Spec.NodeName, "fargate-") {
			running++
		} else {
			t.Errorf("CoreDNS pod %s: %s on node %q", p.Name, p.Status.Phase, p.Spec.NodeName)
		}
	}
	if running == 0 {
		t.Error("no CoreDNS pod runs on a fargate- node")
	}
}

// checkHTTP: the ALB answers 200 (its DNS name takes a few minutes to resolve).
func checkHTTP(ctx context.Context, t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	client := &http.Client{Timeout: 10 * time.Second}
	var last string
	for time.Now().Before(deadline) {
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("%s answered 200", url)
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(15 * time.Second)
	}
	t.Errorf("%s never answered 200 (last: %s)", url, last)
}

// checkIRSAPod: the lister pod listed the bucket with its IRSA role.
func checkIRSAPod(ctx context.Context, t *testing.T, d deployed) {
	t.Helper()
	ns, name := d.output(t, "podNamespace"), d.output(t, "podName")
	deadline := time.Now().Add(5 * time.Minute)
	var logs string
	for time.Now().Before(deadline) {
		b, err := d.clientset.CoreV1().Pods(ns).GetLogs(name, &corev1.PodLogOptions{}).DoRaw(ctx)
		logs = string(b)
		if err == nil && strings.Contains(logs, irsas3.ListedMarker) {
			if !strings.Contains(logs, irsas3.SampleKey) {
				t.Errorf("the listing lacks %s:\n%s", irsas3.SampleKey, logs)
			}
			return
		}
		time.Sleep(10 * time.Second)
	}
	t.Errorf("pod %s/%s did not list the bucket:\n%s", ns, name, logs)
}

// checkAwsAuth: aws-auth still maps the Fargate pod-execution role.
func checkAwsAuth(ctx context.Context, t *testing.T, d deployed) {
	t.Helper()
	m, _, err := authmap.Read(ctx, d.clientset.CoreV1(), authmap.ConfigMapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := authmap.PathlessRoleARN(d.output(t, "podExecutionRoleArn"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Roles {
		if strings.EqualFold(r.RoleARN, want) {
			return
		}
	}
	t.Errorf("aws-auth no longer maps the Fargate pod-execution role %s", want)
}

// leakCheck looks, after destroy, for what the stack or its controller made:
// load balancers and target groups tagged for the stack or the cluster,
// network interfaces and the VPC, and the roles the state held.
func leakCheck(ctx context.Context, t *testing.T, env awsEnv, d deployed) {
	t.Helper()
	var leaks []string
	elb := elbv2.NewFromConfig(env.cfg)
	tagged := func(arns []string) []string {
		var out []string
		for i := 0; i < len(arns); i += 20 {
			tags, err := elb.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: arns[i:min(i+20, len(arns))]})
			if err != nil {
				t.Errorf("leak check: DescribeTags: %v", err)
				return out
			}
			for _, td := range tags.TagDescriptions {
				for _, tag := range td.Tags {
					k, v := aws.ToString(tag.Key), aws.ToString(tag.Value)
					if (k == catalog.TagStack && v == d.stackTag) || (k == "elbv2.k8s.aws/cluster" && v == d.cluster) {
						out = append(out, aws.ToString(td.ResourceArn))
						break
					}
				}
			}
		}
		return out
	}
	var lbs, tgs []string
	for p := elbv2.NewDescribeLoadBalancersPaginator(elb, &elbv2.DescribeLoadBalancersInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Errorf("leak check: DescribeLoadBalancers: %v", err)
			break
		}
		for _, lb := range page.LoadBalancers {
			lbs = append(lbs, aws.ToString(lb.LoadBalancerArn))
		}
	}
	for p := elbv2.NewDescribeTargetGroupsPaginator(elb, &elbv2.DescribeTargetGroupsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Errorf("leak check: DescribeTargetGroups: %v", err)
			break
		}
		for _, tg := range page.TargetGroups {
			tgs = append(tgs, aws.ToString(tg.TargetGroupArn))
		}
	}
	for _, a := range append(tagged(lbs), tagged(tgs)...) {
		leaks = append(leaks, "load balancer resource "+a)
	}

	if d.vpcID != "" {
		api := ec2.NewFromConfig(env.cfg)
		enis, err := api.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
			Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{d.vpcID}}}})
		if err != nil {
			t.Errorf("leak check: DescribeNetworkInterfaces: %v", err)
		} else {
			for _, n := range enis.NetworkInterfaces {
				leaks = append(leaks, fmt.Sprintf("network interface %s (%s)", aws.ToString(n.NetworkInterfaceId), aws.ToString(n.Description)))
			}
		}
		vpcs, err := api.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{d.vpcID}}}})
		if err == nil && len(vpcs.Vpcs) > 0 {
			leaks = append(leaks, "VPC "+d.vpcID)
		}
	}

	roles := iam.NewFromConfig(env.cfg)
	for _, name := range d.roles {
		_, err := roles.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		var nse *iamtypes.NoSuchEntityException
		if !errors.As(err, &nse) {
			leaks = append(leaks, fmt.Sprintf("IAM role %s (%v)", name, err))
		}
	}
	for _, l := range leaks {
		t.Errorf("left after destroy: %s", l)
	}
	if len(leaks) == 0 {
		t.Logf("leak check: no load balancer, target group, network interface, VPC or role of %s left", d.stackTag)
	}
}
