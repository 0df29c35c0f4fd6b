package stack_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/fargatekit/fargatekit/examples/catalog"
	"github.com/fargatekit/fargatekit/examples/internal/stackconf"
	"github.com/fargatekit/fargatekit/examples/internal/stacktest"
	"github.com/fargatekit/fargatekit/examples/irsa-s3/stack"
	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/mockstack"
)

func plan(t *testing.T, opts ...mockstack.Option) *mockstack.Graph {
	t.Helper()
	return stacktest.Plan(t, stack.Project, opts...)
}

func policy(t *testing.T, r *mockstack.Resource, key string) iampolicy.Document {
	t.Helper()
	d, err := iampolicy.Parse([]byte(r.InputString(key)))
	if err != nil {
		t.Fatalf("%s %s: %s: %v", r.Type, r.Name, key, err)
	}
	return d
}

func TestGraph(t *testing.T) {
	g := plan(t)
	stacktest.Counts(t, g, stacktest.WithCluster(map[string]int{
		"aws:iam/role:Role": 3,
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment": 2,
		"aws:iam/rolePolicy:RolePolicy":                     1,
		"aws:eks/fargateProfile:FargateProfile":             1,
		"aws:s3/bucketV2:BucketV2":                          1,
		"aws:s3/bucketObjectv2:BucketObjectv2":              1,
		"fargatekit:irsa:IRSARole":                          1,
		"kubernetes:core/v1:ServiceAccount":                 1,
		"kubernetes:core/v1:Pod":                            1,
	}))
	stacktest.Cluster(t, g, stack.Project)

	cluster := stacktest.One(t, g, "aws:eks/cluster:Cluster", stack.Project+"-cluster")
	if got := cluster.InputString("name"); got != "irsa-s3-plan" {
		t.Errorf("cluster name %q, want the default <project>-<stack>", got)
	}
	stacktest.Tagged(t, cluster, map[string]string{stackconf.TagExample: "irsa-s3", stackconf.TagStack: "irsa-s3/plan"})

	comp := stacktest.One(t, g, "fargatekit:irsa:IRSARole", "reader")
	role := stacktest.One(t, g, "aws:iam/role:Role", "reader")
	inline := stacktest.One(t, g, "aws:iam/rolePolicy:RolePolicy", "reader-inline-s3-read")
	sa := stacktest.One(t, g, "kubernetes:core/v1:ServiceAccount", "reader-sa-default/s3-reader")
	pod := stacktest.One(t, g, "kubernetes:core/v1:Pod", "s3-lister")
	bucket := stacktest.One(t, g, "aws:s3/bucketV2:BucketV2", "data")
	oidc := stacktest.One(t, g, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", stack.Project+"-oidc")
	coredns := stacktest.One(t, g, "aws:eks/addon:Addon", stack.Project+"-coredns")
	stacktest.Parent(t, g, comp, nil)
	for _, r := range []*mockstack.Resource{role, inline, sa} {
		stacktest.Parent(t, g, r, comp)
	}
	stacktest.Parent(t, g, pod, nil)
	stacktest.Parent(t, g, bucket, nil)
	stacktest.Tagged(t, role, map[string]string{stackconf.TagStack: "irsa-s3/plan"})
	stacktest.Tagged(t, bucket, map[string]string{stackconf.TagStack: "irsa-s3/plan"})

	// The trust policy admits exactly default/s3-reader through the cluster's provider.
	trust := policy(t, role, "assumeRolePolicy")
	oidcARN, _ := oidc.Output("arn")
	if len(trust.Statement) != 1 || !slices.Equal(trust.Statement[0].Principal.Federated, iampolicy.Values{oidcARN.(string)}) {
		t.Fatalf("trust policy %s: want one statement for %v", trust, oidcARN)
	}
	var sub string
	for k, v := range trust.Statement[0].Condition["StringEquals"] {
		if len(k) > 4 && k[len(k)-4:] == ":sub" {
			sub = v[0]
		}
	}
	if sub != "system:serviceaccount:default:s3-reader" {
		t.Errorf("trust policy sub %q", sub)
	}

	// The inline policy reads the created bucket and nothing else.
	bucketARN, _ := bucket.Output("arn")
	perm := policy(t, inline, "policy")
	var actions, resources []string
	for _, s := range perm.Statement {
		if s.Effect != iampolicy.Allow {
			t.Errorf("statement %s: effect %s", s.Sid, s.Effect)
		}
		actions = append(actions, s.Action...)
		resources = append(resources, s.Resource...)
	}
	slices.Sort(actions)
	if !slices.Equal(actions, []string{"s3:GetObject", "s3:ListBucket"}) {
		t.Errorf("actions %v", actions)
	}
	if !slices.Equal(resources, []string{bucketARN.(string), bucketARN.(string) + "/*"}) {
		t.Errorf("resources %v, want the bucket %v and its objects", resources, bucketARN)
	}

	// The ServiceAccount carries the role; the Pod uses it, after CoreDNS runs.
	roleARN, _ := role.Output("arn")
	if got := sa.InputString(`metadata.annotations["eks.amazonaws.com/role-arn"]`); got != roleARN {
		t.Errorf("SA role-arn annotation %q, want %v", got, roleARN)
	}
	if got := sa.InputString(`metadata.annotations["eks.amazonaws.com/sts-regional-endpoints"]`); got != "true" {
		t.Errorf("SA sts-regional-endpoints %q", got)
	}
	if got := pod.InputString("spec.serviceAccountName"); got != "s3-reader" {
		t.Errorf("pod serviceAccountName %q", got)
	}
	stacktest.DependsOn(t, g, pod, sa)
	stacktest.DependsOn(t, g, pod, inline)
	stacktest.DependsOn(t, g, pod, coredns)
	k8s := stacktest.One(t, g, "pulumi:providers:kubernetes", stack.Project+"-k8s")
	for _, r := range []*mockstack.Resource{sa, pod} {
		if len(r.Provider) < len(k8s.URN) || r.Provider[:len(k8s.URN)] != k8s.URN {
			t.Errorf("%s %s: provider %q, want the cluster's %s", r.Type, r.Name, r.Provider, k8s.URN)
		}
	}
}

func TestExistingBucket(t *testing.T) {
	g := plan(t, mockstack.WithConfig("irsa-s3:bucketName", "my-data"), mockstack.WithConfig("irsa-s3:clusterName", "readers"))
	if n := len(g.ByType("aws:s3/bucketV2:BucketV2")) + len(g.ByType("aws:s3/bucketObjectv2:BucketObjectv2")); n != 0 {
		t.Errorf("%d S3 resources created for an existing bucket", n)
	}
	perm := policy(t, stacktest.One(t, g, "aws:iam/rolePolicy:RolePolicy", "reader-inline-s3-read"), "policy")
	if got := perm.Statement[0].Resource; !slices.Equal(got, iampolicy.Values{"arn:aws:s3:::my-data"}) {
		t.Errorf("ListBucket resource %v", got)
	}
	if got := stacktest.One(t, g, "aws:eks/cluster:Cluster", stack.Project+"-cluster").InputString("name"); got != "readers" {
		t.Errorf("cluster name %q", got)
	}
}

func TestRefused(t *testing.T) {
	for name, opt := range map[string]mockstack.Option{
		"no region":       mockstack.WithConfig("aws:region", ""),
		"bad namespace":   mockstack.WithConfig("irsa-s3:namespace", "Not_A_Namespace"),
		"wildcard SA":     mockstack.WithConfig("irsa-s3:serviceAccount", "reader-*"),
		"bad clusterName": mockstack.WithConfig("irsa-s3:clusterName", "-x"),
	} {
		t.Run(name, func(t *testing.T) {
			e, _ := catalog.Lookup(stack.Project)
			g, err := e.Plan(opt)
			if err == nil {
				t.Fatal("accepted")
			}
			if name == "no region" && !errors.Is(err, stackconf.ErrNoRegion) {
				t.Errorf("error %v, want ErrNoRegion", err)
			}
			if g.Len() != 0 {
				t.Errorf("%d resources registered", g.Len())
			}
		})
	}
}
