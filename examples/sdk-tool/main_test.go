package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/internal/awsfake"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

const (
	providerARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	issuer      = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
)

// fakeEKS answers DescribeCluster for one ACTIVE cluster.
type fakeEKS struct{ name, ca string }

func (f fakeEKS) DescribeCluster(_ context.Context, in *eks.DescribeClusterInput, _ ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	if aws.ToString(in.Name) != f.name {
		return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found for name: " + aws.ToString(in.Name))}
	}
	return &eks.DescribeClusterOutput{Cluster: &ekstypes.Cluster{
		Name:                 in.Name,
		Arn:                  aws.String("arn:aws:eks:eu-west-1:123456789012:cluster/" + f.name),
		Endpoint:             aws.String("https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com"),
		CertificateAuthority: &ekstypes.Certificate{Data: aws.String(f.ca)},
		Status:               ekstypes.ClusterStatusActive,
	}}, nil
}

// fakes returns an AWS of fakes and records the region it was asked for.
func fakes(region *string, iamAPI *awsfake.IAM, ec2API *awsfake.EC2) func(context.Context, string) (awsClients, error) {
	return func(_ context.Context, r string) (awsClients, error) {
		*region = r
		return awsClients{
			credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
			iam:         iamAPI, ec2: ec2API, eks: fakeEKS{name: "demo", ca: testCA()},
		}, nil
	}
}

func noEnv(string) string { return "" }

func TestUsageAndRefusals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		usage   bool
		contain string
	}{
		{"no command", nil, nil, true, "no command"},
		{"unknown command", []string{"frobnicate", "--region", "eu-west-1"}, nil, true, `unknown command "frobnicate"`},
		{"unknown flag", []string{"token", "--bogus"}, nil, true, "bogus"},
		{"trust policy without sa", []string{"trust-policy", "--provider-arn", providerARN}, nil, true, "--sa"},
		{"bad service account", []string{"trust-policy", "--provider-arn", providerARN, "--sa", "nonamespace"}, nil, false, "nonamespace"},
		{"bad provider", []string{"trust-policy", "--provider-arn", "arn:aws:iam::123456789012:role/x", "--sa", "default/a"}, nil, false, "oidc-provider"},
		{"token without region", []string{"token", "--cluster", "demo"}, nil, false, "never defaults"},
		{"token without cluster", []string{"token", "--region", "eu-west-1"}, nil, true, "--cluster"},
		{"subnets without vpc", []string{"subnets"}, map[string]string{"AWS_REGION": "eu-west-1"}, true, "--vpc-id"},
		{"ensure-role without name", []string{"ensure-role", "--region", "eu-west-1", "--provider-arn", providerARN, "--sa", "default/a"}, nil, true, "--name"},
		{"aws-auth without kubeconfig", []string{"aws-auth", "list"}, nil, true, "--kubeconfig"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var region string
			called := false
			newAWS := func(ctx context.Context, r string) (awsClients, error) {
				called = true
				return fakes(&region, awsfake.NewIAM("123456789012"), awsfake.NewEC2(nil, nil))(ctx, r)
			}
			err := run(context.Background(), tc.args, new(bytes.Buffer), func(k string) string { return tc.env[k] }, newAWS)
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, errUsage); got != tc.usage {
				t.Errorf("errors.Is(err, errUsage) = %v: %v", got, err)
			}
			if !strings.Contains(err.Error(), tc.contain) {
				t.Errorf("error %q lacks %q", err, tc.contain)
			}
			if strings.Contains(tc.name, "without region") && called {
				t.Error("AWS clients built without a region")
			}
		})
	}
}

func TestTrustPolicy(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"trust-policy", "--provider-arn", providerARN, "--sa", "default/reader", "--sa", "jobs/batch-*"},
		&out, noEnv, nil)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Principal struct{ Federated string }
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if len(doc.Statement) == 0 || doc.Statement[0].Principal.Federated != providerARN {
		t.Fatalf("statements:\n%s", out.String())
	}
	all := out.String()
	for _, want := range []string{`"StringEquals"`, `"StringLike"`, "system:serviceaccount:default:reader", "system:serviceaccount:jobs:batch-*", issuer + ":aud"} {
		if !strings.Contains(all, want) {
			t.Errorf("trust policy lacks %s:\n%s", want, all)
		}
	}
}

func TestTokenAndKubeconfig(t *testing.T) {
	var region string
	newAWS := fakes(&region, awsfake.NewIAM("123456789012"), awsfake.NewEC2(nil, nil))
	var out bytes.Buffer
	env := map[string]string{"AWS_REGION": "eu-west-1"}
	if err := run(context.Background(), []string{"token", "--cluster", "demo"}, &out, func(k string) string { return env[k] }, newAWS); err != nil {
		t.Fatal(err)
	}
	if region != "eu-west-1" {
		t.Errorf("clients for region %q", region)
	}
	var cred struct {
		Kind   string
		Status struct{ Token string }
	}
	if err := json.Unmarshal(out.Bytes(), &cred); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	u, err := ekstoken.ParseToken(cred.Status.Token)
	if cred.Kind != "ExecCredential" || err != nil {
		t.Fatalf("kind %q, token: %v", cred.Kind, err)
	}
	if u.Host != "sts.eu-west-1.amazonaws.com" {
		t.Errorf("token presigned for %s", u.Host)
	}

	out.Reset()
	if err := run(context.Background(), []string{"kubeconfig", "--cluster", "demo", "--region", "eu-west-1"}, &out, noEnv, newAWS); err != nil {
		t.Fatal(err)
	}
	kc, err := clientcmd.Load(out.Bytes())
	if err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	ctx := kc.Contexts[kc.CurrentContext]
	if ctx == nil || kc.Clusters[ctx.Cluster].Server != "https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com" {
		t.Fatalf("kubeconfig:\n%s", out.String())
	}
	if exec := kc.AuthInfos[ctx.AuthInfo].Exec; exec == nil || !strings.Contains(strings.Join(exec.Args, " "), "demo") {
		t.Errorf("kubeconfig user: %+v", kc.AuthInfos[ctx.AuthInfo])
	}

	err = run(context.Background(), []string{"kubeconfig", "--cluster", "missing", "--region", "eu-west-1"}, &out, noEnv, newAWS)
	var notFound *ekstypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("missing cluster: %v", err)
	}
}

func TestEnsureRole(t *testing.T) {
	var region string
	api := awsfake.NewIAM("123456789012")
	api.AddPolicies("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	newAWS := fakes(&region, api, nil)
	args := []string{"ensure-role", "--region", "eu-west-1", "--name", "reader", "--provider-arn", providerARN,
		"--sa", "default/reader", "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}
	var out bytes.Buffer
	if err := run(context.Background(), args, &out, noEnv, newAWS); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "role arn:aws:iam::123456789012:role/reader: created=true") {
		t.Errorf("first run:\n%s", out.String())
	}
	role := api.Roles["reader"]
	if role == nil || !strings.Contains(role.Trust, "system:serviceaccount:default:reader") ||
		len(role.Attached) != 1 {
		t.Fatalf("role in IAM: %+v", role)
	}
	writes := api.WriteCount()
	out.Reset()
	if err := run(context.Background(), args, &out, noEnv, newAWS); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "created=false, 0 changes") || api.WriteCount() != writes {
		t.Errorf("second run wrote %d times:\n%s", api.WriteCount()-writes, out.String())
	}
}

func TestSubnets(t *testing.T) {
	var region string
	vpc := "vpc-0aaaaaaaaaaaaaaaa"
	api := awsfake.NewEC2(
		[]ec2types.Subnet{
			awsfake.Subnet("subnet-pub-a", vpc, "eu-west-1a", "kubernetes.io/role/elb", "1"),
			awsfake.Subnet("subnet-priv-a", vpc, "eu-west-1a"),
			awsfake.Subnet("subnet-priv-b", vpc, "eu-west-1b", "kubernetes.io/role/internal-elb", "1"),
		},
		[]ec2types.RouteTable{
			awsfake.RouteTable("rtb-main", vpc, true, nil, awsfake.NATGatewayRoute("nat-0123")),
			awsfake.RouteTable("rtb-public", vpc, false, []string{"subnet-pub-a"}, awsfake.InternetGatewayRoute("igw-0123")),
		})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"subnets", "--region", "eu-west-1", "--vpc-id", vpc}, &out, noEnv, fakes(&region, nil, api)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("output:\n%s", out.String())
	}
	// Another private subnet has the role tag: discovery goes by tag, and
	// this one lacks it.
	if !strings.Contains(lines[0], "subnet-priv-a") || !strings.Contains(lines[0], "private") || !strings.Contains(lines[0], "lacks kubernetes.io/role/internal-elb") {
		t.Errorf("private subnet: %q", lines[0])
	}
	if !strings.Contains(lines[1], "subnet-pub-a") || !strings.Contains(lines[1], "public") || !strings.HasSuffix(lines[1], "ok") {
		t.Errorf("public subnet: %q", lines[1])
	}
}

// TestAWSAuth edits aws-auth on the real API server through a kubeconfig file.
func TestAWSAuth(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	path := kubetest.KubeconfigFile(t, cfg)
	aws := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		all := append([]string{"aws-auth", "--kubeconfig", path, "--namespace", ns}, args...)
		if err := run(context.Background(), all, &out, noEnv, nil); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	if got := aws("add-role", "arn:aws:iam::123456789012:role/teams/admins", "admin", "platform-admins"); !strings.Contains(got, "changed=true created=true") {
		t.Errorf("add-role:\n%s", got)
	}
	if got := aws("add-role", "arn:aws:iam::123456789012:role/viewer", "viewer", "viewers"); !strings.Contains(got, "changed=true created=false") {
		t.Errorf("second add-role:\n%s", got)
	}
	list := aws("list")
	for _, want := range []string{"arn:aws:iam::123456789012:role/admins", "platform-admins", "role/viewer"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %s (path-less ARN):\n%s", want, list)
		}
	}
	if got := aws("remove", "arn:aws:iam::123456789012:role/teams/admins"); !strings.Contains(got, "changed=true") || strings.Contains(got, "admins ") {
		t.Errorf("remove:\n%s", got)
	}
	if list := aws("list"); strings.Contains(list, "role/admins") || !strings.Contains(list, "role/viewer") {
		t.Errorf("after remove:\n%s", list)
	}
}

// testCA returns a self-signed CA certificate, PEM then base64, as EKS
// reports a cluster's certificateAuthority.data.
func testCA() string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
