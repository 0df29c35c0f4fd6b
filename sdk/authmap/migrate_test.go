package authmap_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/internal/accessfake"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// migrationFixture is a CONFIG_MAP cluster (moto + the fake) whose aws-auth,
// on the real API server, maps a Fargate role, a node role, an SSO admin
// (path-less, system:masters), a developer twice (the last wins) and a user.
type migrationFixture struct {
	awsEnv
	kube                             kubernetes.Interface
	ns                               string
	fargate, node, admin, dev, alice string
}

func newMigration(t *testing.T, extra string) migrationFixture {
	a := newAWS(t, accessfake.ModeConfigMap)
	a.eks.UpdatePolls = 1
	cfg := kubetest.Config(t)
	f := migrationFixture{awsEnv: a, ns: kubetest.Namespace(t, cfg)}
	var err error
	if f.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		t.Fatal(err)
	}
	f.fargate = a.role("/", "demo-pod-execution")
	f.node = a.role("/", "demo-nodes")
	f.admin = a.role("/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_Admin_0a1b")
	f.dev = a.role("/teams/", "Developer")
	f.alice = a.user("/", "alice")
	r := func(n string) string { return "arn:aws:iam::" + acct + ":role/" + n }
	data := map[string]string{
		"mapRoles": `- rolearn: ` + f.fargate + `
  username: system:node:{{SessionName}}
  groups: [system:bootstrappers, system:nodes, system:node-proxier]
- rolearn: ` + f.node + `
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: ` + r("AWSReservedSSO_Admin_0a1b") + `
  username: admin:{{SessionName}}
  groups: [system:masters]
- rolearn: ` + r("Developer") + `
  username: dev:{{SessionName}}
  groups: [old-developers]
- rolearn: ` + r("Developer") + `
  username: dev:{{SessionName}}
  groups: [developers]
` + extra,
		"mapUsers": "- userarn: " + f.alice + "\n  username: alice\n  groups: [viewers]\n",
		"other":    "kept",
	}
	if _, err := f.kube.CoreV1().ConfigMaps(f.ns).Create(a.ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"}, Data: data}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f migrationFixture) opts(apply bool) authmap.MigrateOptions {
	return authmap.MigrateOptions{Apply: apply, Principals: f.iam, ConfigMap: authmap.ConfigMapOptions{Namespace: f.ns}, PollInterval: time.Millisecond}
}

func (f migrationFixture) mode() string {
	out, err := f.eks.DescribeCluster(f.ctx, &eks.DescribeClusterInput{Name: aws.String("demo")})
	if err != nil {
		f.t.Fatal(err)
	}
	return string(out.Cluster.AccessConfig.AuthenticationMode)
}

// TestMigrate: the dry run writes nothing; the apply switches the mode
// (waited), creates the entries under full ARNs (the last of the shadowed
// developer mappings), removes the migrated aws-auth mappings only after,
// keeps other keys, and ends in API; a second run has nothing to do.
func TestMigrate(t *testing.T) {
	f := newMigration(t, "")
	rep, err := authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", f.opts(false))
	if err != nil {
		t.Fatal(err)
	}
	out := rep.String()
	t.Log("\n" + out)
	for _, want := range []string{
		"authentication mode: CONFIG_MAP -> CONFIG_MAP",
		"1. (would) switch authentication mode CONFIG_MAP -> API_AND_CONFIG_MAP",
		"create access entry FARGATE_LINUX " + f.fargate,
		"create access entry EC2_LINUX " + f.node,
		"create access entry STANDARD " + f.admin + " username=admin:{{SessionName}} policies=AmazonEKSClusterAdminPolicy",
		"create access entry STANDARD " + f.dev + " username=dev:{{SessionName}} groups=developers",
		"remove from aws-auth, once the entries above exist",
		"switch authentication mode API_AND_CONFIG_MAP -> API",
		"note: mapRoles[3]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if writes(f.awsEnv) != 0 || f.mode() != "CONFIG_MAP" || len(readAuth(t, f)) != 6 {
		t.Fatalf("the dry run changed something")
	}

	rep, err = authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", f.opts(true))
	if err != nil {
		t.Fatal(err)
	}
	if f.mode() != "API" || rep.ModeAfter != "API" || !rep.Applied {
		t.Errorf("mode %s, report %+v", f.mode(), rep)
	}
	if got := f.eks.Principals("demo"); !slices.Equal(got, []string{f.admin, f.node, f.fargate, f.dev, f.alice}) {
		t.Errorf("entries %v", got)
	}
	if e, _ := f.eks.Entry("demo", f.dev); e == nil || !slices.Equal(e.KubernetesGroups, []string{"developers"}) {
		t.Errorf("developer (last mapping wins): %+v", e)
	}
	if _, pol := f.eks.Entry("demo", f.admin); len(pol) != 1 || !strings.HasSuffix(aws.ToString(pol[0].PolicyArn), "/AmazonEKSClusterAdminPolicy") {
		t.Errorf("admin policies %+v", pol)
	}
	cm, err := f.kube.CoreV1().ConfigMaps(f.ns).Get(f.ctx, "aws-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := authmap.Parse(cm.Data); m.Len() != 0 || cm.Data["other"] != "kept" {
		t.Errorf("aws-auth after migration: %q", cm.Data)
	}
	// Order: the aws-auth write came after the entries (calls), the mode last.
	calls := strings.Join(f.eks.Calls(), " ")
	if i, j := strings.Index(calls, "CreateAccessEntry"), strings.LastIndex(calls, "UpdateClusterConfig"); i < 0 || j < i {
		t.Errorf("call order %s", calls)
	}
	before := writes(f.awsEnv)
	rep, err = authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", f.opts(true))
	if err != nil || len(rep.Steps) != 0 || writes(f.awsEnv) != before {
		t.Errorf("second run: %v %+v", err, rep)
	}
}

// TestMigrateRefuses: account mappings and custom system: groups are named
// and nothing is written; a run to API_AND_CONFIG_MAP stops there.
func TestMigrateRefuses(t *testing.T) {
	f := newMigration(t, `- rolearn: arn:aws:iam::`+acct+`:role/demo-nodes-monitor
  username: monitor
  groups: [system:monitoring]
`)
	f.put("x", "STANDARD", "", nil) // makes the cluster known to the fake
	_, err := authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", f.opts(true))
	if !errors.Is(err, authmap.ErrMigrationRefused) || !errors.Is(err, authmap.ErrNotMigratable) || !strings.Contains(err.Error(), "system:monitoring") {
		t.Errorf("err = %v", err)
	}
	if writes(f.awsEnv) != 0 || f.mode() != "CONFIG_MAP" || len(readAuth(t, f)) != 7 {
		t.Error("a refused migration wrote")
	}
	if _, err := f.kube.CoreV1().ConfigMaps(f.ns).Update(f.ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"},
		Data: map[string]string{"mapAccounts": "- \"444455556666\"\n"}}, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", f.opts(true)); !errors.Is(err, authmap.ErrNotMigratable) || !strings.Contains(err.Error(), "444455556666") {
		t.Errorf("account mapping: %v", err)
	}
	g := newMigration(t, "")
	o := g.opts(true)
	o.TargetMode = authmap.ModeAPIAndConfigMap
	if _, err := authmap.Migrate(g.ctx, g.eks, g.kube.CoreV1(), "demo", o); err != nil || g.mode() != "API_AND_CONFIG_MAP" {
		t.Errorf("to API_AND_CONFIG_MAP: %v, mode %s", err, g.mode())
	}
	if err := authmap.SetAuthMode(g.ctx, g.eks, "demo", authmap.ModeConfigMap, time.Millisecond, nil); err == nil || !strings.Contains(err.Error(), "cannot move it back") {
		t.Errorf("moving back: %v", err)
	}
	ctx, cancel := context.WithCancel(g.ctx)
	cancel()
	if err := authmap.SetAuthMode(ctx, g.eks, "demo", authmap.ModeAPI, time.Millisecond, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func readAuth(t *testing.T, f migrationFixture) []string {
	t.Helper()
	m, _, err := authmap.Read(f.ctx, f.kube.CoreV1(), authmap.ConfigMapOptions{Namespace: f.ns})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range m.Roles {
		out = append(out, r.RoleARN)
	}
	for _, u := range m.Users {
		out = append(out, u.UserARN)
	}
	return out
}

const partnerAcct = "999988887777"

// TestMigrateCrossAccount: another account's role mappings migrate (EKS
// takes STANDARD entries for another account's principals): a path-less ARN
// is kept as written and noted "path not recoverable", an override gives a
// role its path; an override that names another principal, or none, and a
// node mapping of another account are refused before anything is written.
func TestMigrateCrossAccount(t *testing.T) {
	partner := "arn:aws:iam::" + partnerAcct + ":role/Partner"
	auditor := "arn:aws:iam::" + partnerAcct + ":role/Auditor"
	auditorFull := "arn:aws:iam::" + partnerAcct + ":role/audit/Auditor"
	f := newMigration(t, `- rolearn: `+partner+`
  username: partner:{{SessionName}}
  groups: [partners]
- rolearn: `+auditor+`
  username: auditor
  groups: [auditors]
`)
	rep, err := authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", f.opts(false))
	if err != nil {
		t.Fatal(err)
	}
	out := rep.String()
	for _, want := range []string{"create access entry STANDARD " + partner + " username=partner:{{SessionName}} groups=partners",
		"note: principal " + partner + ": path not recoverable", "note: principal " + auditor + ": path not recoverable", "--principal " + auditor + "=FULL-ARN"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []map[string]string{
		{auditor: "arn:aws:iam::" + partnerAcct + ":role/audit/Other"},
		{auditor: "arn:aws:iam::" + acct + ":role/audit/Auditor"},
		{"arn:aws:iam::" + partnerAcct + ":role/Nobody": "arn:aws:iam::" + partnerAcct + ":role/x/Nobody"},
	} {
		o := f.opts(true)
		o.PrincipalARNs = bad
		if _, err := authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", o); !errors.Is(err, authmap.ErrPrincipalOverride) || !errors.Is(err, authmap.ErrMigrationRefused) {
			t.Errorf("override %v: %v", bad, err)
		}
	}
	if writes(f.awsEnv) != 0 || f.mode() != "CONFIG_MAP" {
		t.Fatal("a refused migration wrote")
	}
	o := f.opts(true)
	o.PrincipalARNs = map[string]string{auditor: auditorFull}
	if rep, err = authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.String(), "note: principal "+auditor+": using "+auditorFull+" (given)") {
		t.Errorf("report:\n%s", rep)
	}
	if e, _ := f.eks.Entry("demo", partner); e == nil || !slices.Equal(e.KubernetesGroups, []string{"partners"}) {
		t.Errorf("partner entry %+v", e)
	}
	if e, _ := f.eks.Entry("demo", auditorFull); e == nil || aws.ToString(e.Username) != "auditor" {
		t.Errorf("auditor entry %+v (entries %v)", e, f.eks.Principals("demo"))
	}
	if f.mode() != "API" || len(readAuth(t, f)) != 0 {
		t.Errorf("mode %s, aws-auth %v", f.mode(), readAuth(t, f))
	}

	g := newMigration(t, `- rolearn: arn:aws:iam::`+partnerAcct+`:role/partner-nodes
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
`)
	if _, err := authmap.Migrate(g.ctx, g.eks, g.kube.CoreV1(), "demo", g.opts(true)); !errors.Is(err, authmap.ErrPrincipal) || !strings.Contains(err.Error(), "cluster's account "+acct) {
		t.Errorf("another account's node role: %v", err)
	}
	if writes(g.awsEnv) != 0 || g.mode() != "CONFIG_MAP" {
		t.Error("a refused migration wrote")
	}
}

// TestMigrateKeepsNodeMappingsUntilEntriesExist: while the FARGATE_LINUX
// and EC2_LINUX entries are created, aws-auth on the API server still holds
// the Fargate and node mappings (pods and nodes keep authenticating); every
// create sees aws-auth whole.
func TestMigrateKeepsNodeMappingsUntilEntriesExist(t *testing.T) {
	f := newMigration(t, "")
	before := readAuth(t, f)
	seen := map[string][]string{}
	f.eks.BeforeCreate = func(_, principal string) {
		m, _, err := authmap.Read(f.ctx, f.kube.CoreV1(), authmap.ConfigMapOptions{Namespace: f.ns})
		if err != nil {
			t.Error(err)
			return
		}
		for _, r := range m.Roles {
			seen[principal] = append(seen[principal], r.RoleARN)
		}
		for _, u := range m.Users {
			seen[principal] = append(seen[principal], u.UserARN)
		}
	}
	if _, err := authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", f.opts(true)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f.fargate, f.node} {
		got, ok := seen[p]
		if !ok {
			t.Fatalf("no CreateAccessEntry for %s (creates: %v)", p, seen)
		}
		if !slices.Contains(got, p) {
			t.Errorf("aws-auth lacked %s while its entry was created: %v", p, got)
		}
	}
	for p, got := range seen {
		if !slices.Equal(got, before) {
			t.Errorf("creating %s: aws-auth was %v, want it whole %v", p, got, before)
		}
	}
	if len(readAuth(t, f)) != 0 {
		t.Errorf("aws-auth after: %v", readAuth(t, f))
	}
}

// failingCreate makes CreateAccessEntry fail for one principal, as EKS
// would on a throttle or an outage, after the fake's checks.
type failingCreate struct {
	*accessfake.EKS
	principal string
}

func (f failingCreate) CreateAccessEntry(ctx context.Context, in *eks.CreateAccessEntryInput, opts ...func(*eks.Options)) (*eks.CreateAccessEntryOutput, error) {
	if aws.ToString(in.PrincipalArn) == f.principal {
		return nil, &ekstypes.ServiceUnavailableException{Message: aws.String("injected")}
	}
	return f.EKS.CreateAccessEntry(ctx, in, opts...)
}

// TestMigrateCreateFailureLeavesAwsAuth: a CreateAccessEntry that fails for
// the node role stops the migration with aws-auth byte-identical and the
// authentication mode where it was (no UpdateClusterConfig); a run after
// the outage finishes the migration.
func TestMigrateCreateFailureLeavesAwsAuth(t *testing.T) {
	f := newMigration(t, "")
	if err := f.eks.SetMode(f.ctx, "demo", accessfake.ModeAPIAndConfigMap); err != nil {
		t.Fatal(err)
	}
	get := func() (map[string]string, string) {
		cm, err := f.kube.CoreV1().ConfigMaps(f.ns).Get(f.ctx, "aws-auth", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return cm.Data, cm.ResourceVersion
	}
	data, rv := get()
	_, err := authmap.Migrate(f.ctx, failingCreate{f.eks, f.node}, f.kube.CoreV1(), "demo", f.opts(true))
	var unavailable *ekstypes.ServiceUnavailableException
	if !errors.As(err, &unavailable) {
		t.Fatalf("err = %v", err)
	}
	if after, rv2 := get(); rv2 != rv || !maps.Equal(after, data) {
		t.Errorf("aws-auth changed (resourceVersion %s -> %s):\n%q\n%q", rv, rv2, data, after)
	}
	if f.mode() != "API_AND_CONFIG_MAP" || slices.Contains(f.eks.Calls(), "UpdateClusterConfig") {
		t.Errorf("mode %s, calls %v", f.mode(), f.eks.Calls())
	}
	if _, err := authmap.Migrate(f.ctx, f.eks, f.kube.CoreV1(), "demo", f.opts(true)); err != nil || f.mode() != "API" || len(readAuth(t, f)) != 0 {
		t.Errorf("the run after the outage: %v, mode %s, aws-auth %v", err, f.mode(), readAuth(t, f))
	}
}

// TestSetAuthModeLogsProgress: each poll of a cluster update that is still
// InProgress is logged, with the update and the elapsed time, and its end
// too: a long wait is never silent.
func TestSetAuthModeLogsProgress(t *testing.T) {
	a := newAWS(t, accessfake.ModeConfigMap)
	a.eks.UpdatePolls = 3
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	if err := authmap.SetAuthMode(a.ctx, a.eks, "demo", authmap.ModeAPI, time.Millisecond, log); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, `msg="authmap: waiting for cluster update" cluster=demo update=update-`); n != 6 {
		t.Errorf("%d progress lines for 2 updates of 3 polls each:\n%s", n, out)
	}
	if strings.Count(out, "status=InProgress elapsed=") != 6 || strings.Count(out, "cluster update done") != 2 ||
		strings.Count(out, "switching authentication mode") != 2 {
		t.Errorf("log:\n%s", out)
	}
}

// TestPlanAndApplyEntriesCrossAccount: PlanMigrationIn and ApplyEntries
// given the cluster's account keep another account's path-less role as
// written (noted), where a lookup in the caller's account refuses it.
func TestPlanAndApplyEntriesCrossAccount(t *testing.T) {
	partner := "arn:aws:iam::" + partnerAcct + ":role/Partner"
	f := newMigration(t, `- rolearn: `+partner+`
  username: partner
  groups: [partners]
`)
	if err := authmap.SetAuthMode(f.ctx, f.eks, "demo", authmap.ModeAPIAndConfigMap, time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	current, _, err := authmap.Read(f.ctx, f.kube.CoreV1(), authmap.ConfigMapOptions{Namespace: f.ns})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := authmap.PlanMigration(f.ctx, f.eks, f.iam, "demo", current); !errors.Is(err, authmap.ErrPrincipalNotFound) {
		t.Errorf("PlanMigration without the account: %v, want the caller's account's lookup to refuse it", err)
	}
	account, err := authmap.ClusterAccount(f.ctx, f.eks, "demo")
	if err != nil || account != acct {
		t.Fatalf("ClusterAccount = %q, %v; want %s", account, err, acct)
	}
	resolve := authmap.ResolveOptions{Account: account}
	plan, err := authmap.PlanMigrationIn(f.ctx, f.eks, f.iam, "demo", current, resolve)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(plan.Create, func(e authmap.AccessEntry) bool { return e.PrincipalARN == partner }) ||
		!strings.Contains(plan.String(), "note       principal "+partner+": path not recoverable") {
		t.Errorf("plan:\n%s", plan)
	}
	want, err := authmap.AccessEntriesFor(current)
	if err != nil {
		t.Fatal(err)
	}
	res, err := authmap.ApplyEntries(f.ctx, f.eks, "demo", want, authmap.AccessEntryOptions{Principals: f.iam, Resolve: resolve})
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := f.eks.Entry("demo", partner); e == nil || !slices.Equal(e.KubernetesGroups, []string{"partners"}) || len(res.Plan.Notes) != 1 {
		t.Errorf("partner entry %+v, notes %v", e, res.Plan.Notes)
	}
}
