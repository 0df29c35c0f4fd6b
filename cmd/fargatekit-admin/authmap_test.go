package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

type authmapCLI struct {
	t       *testing.T
	environ map[string]string
	common  []string
}

// run runs "fargatekit authmap <args> <common flags>" and checks the exit code.
func (c authmapCLI) run(code int, args ...string) string {
	c.t.Helper()
	got, out, errs := runCLI(c.t, c.environ, append(append([]string{"authmap"}, args...), c.common...)...)
	if got != code {
		c.t.Fatalf("authmap %v: exit %d, want %d\nstdout %s\nstderr %s", args, got, code, out, errs)
	}
	return out + errs
}

func TestAuthmapCommandsRealServer(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	kc := kubetest.KubeconfigFile(t, cfg)
	// The kubeconfig comes from $KUBECONFIG here, from --kubeconfig below.
	cli := authmapCLI{t: t, environ: map[string]string{"KUBECONFIG": kc}, common: []string{"--namespace", ns}}

	if out := cli.run(2, "add-role", "--arn", "arn:aws:iam::111122223333:role/team/Developer", "--username", "dev"); !strings.Contains(out, "--create") || strings.Contains(out, "usage:") {
		t.Errorf("missing ConfigMap without --create: %s", out)
	}
	out := cli.run(0, "add-role", "--create", "--arn", "arn:aws:iam::111122223333:role/team/Developer", "--username", "dev:{{SessionName}}", "--group", "developers,viewers")
	if !strings.Contains(out, "created the ConfigMap") {
		t.Errorf("first add: %s", out)
	}
	if out := cli.run(0, "add-role", "--arn", "arn:aws:iam::111122223333:role/Developer", "--username", "dev:{{SessionName}}", "--group", "developers", "--group", "viewers"); !strings.Contains(out, "unchanged") {
		t.Errorf("identical re-add (path-less ARN): %s", out)
	}
	cli.run(0, "add-user", "--arn", "arn:aws:iam::111122223333:user/alice", "--username", "alice", "--group", "viewers")
	cli.run(0, "add-account", "444455556666")
	if out := cli.run(0, "add-role", "--sso-permission-set", "ReadOnly", "--sso-matcher", "--sso-account", "111122223333", "--username", "ro:{{SessionName}}", "--group", "viewers"); !strings.Contains(out, "EKS does not enable") {
		t.Errorf("sso matcher without a warning: %s", out)
	}
	if out := cli.run(2, "add-role", "--arn", "arn:aws:iam::111122223333:role/Admin", "--username", "admin", "--group", "system:masters"); !strings.Contains(out, "--allow-system-masters") ||
		strings.Contains(out, "AllowSystemMasters") || strings.Contains(out, "usage:") {
		t.Errorf("masters without opt-in: %s", out)
	}
	cli.run(0, "add-role", "--arn", "arn:aws:iam::111122223333:role/Admin", "--username", "admin", "--group", "system:masters", "--allow-system-masters")
	if out := cli.run(2, "add-role", "--arn", "arn:aws:iam::111122223333:user/bob", "--username", "bob"); !strings.Contains(out, "--arn: ") {
		t.Errorf("a user as a role: %s", out)
	}
	if out := cli.run(2, "add-account", "12345"); !strings.Contains(out, "--account: ") {
		t.Errorf("bad account: %s", out)
	}
	if out := cli.run(2, "add-role", "--username", "x"); !strings.Contains(out, "--arn: ") {
		t.Errorf("no ARN: %s", out)
	}
	if out := cli.run(2, "add-user", "--arn", "arn:aws:iam::111122223333:user/x"); !strings.Contains(out, "--username: ") {
		t.Errorf("no username: %s", out)
	}

	table := cli.run(0, "list")
	for _, want := range []string{"ARN", "arn:aws:iam::111122223333:role/Developer", "dev:{{SessionName}}", "developers,viewers",
		"sso:111122223333/ReadOnly", "arn:aws:iam::111122223333:user/alice", "444455556666"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(cli.run(0, "list", "-o", "json")), &items); err != nil || len(items) != 5 || items[0]["rolearn"] != "arn:aws:iam::111122223333:role/Developer" {
		t.Errorf("json list: %v %v", items, err)
	}
	if y := cli.run(0, "list", "--output", "yaml"); !strings.Contains(y, "- groups:\n  - developers\n  - viewers\n  rolearn: arn:aws:iam::111122223333:role/Developer") {
		t.Errorf("yaml list:\n%s", y)
	}
	cli.run(2, "list", "-o", "xml")

	cli.run(0, "remove", "--arn", "arn:aws:iam::111122223333:role/team/developer", "--account", "444455556666")
	if out := cli.run(0, "remove", "arn:aws:iam::111122223333:user/nobody"); !strings.Contains(out, "unchanged") {
		t.Errorf("removing an absent entry: %s", out)
	}
	m := readAwsAuth(t, cfg, ns)
	if len(m.Roles) != 2 || len(m.Users) != 1 || len(m.Accounts) != 0 {
		t.Errorf("after remove: %+v", m)
	}
	cli.run(0, "add-role", "--sso-permission-set", "Ops", "--sso-matcher", "--sso-account", "111122223333", "--username", "ops:{{SessionName}}")
	cli.run(0, "remove", "sso:111122223333/Ops")
	cli.run(2, "remove", "--sso", "111122223333")
	if m := readAwsAuth(t, cfg, ns); len(m.Roles) != 2 {
		t.Errorf("sso remove: %+v", m.Roles)
	}

	plan := cli.run(0, "migrate-plan")
	for _, want := range []string{"against no access entries", "create     STANDARD arn:aws:iam::111122223333:role/Admin username=admin policies=AmazonEKSClusterAdminPolicy",
		"create     STANDARD arn:aws:iam::111122223333:user/alice username=alice groups=viewers", "manual     mapRoles[0] sso 111122223333/ReadOnly"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}

	// --kubeconfig and --name; unknown commands; no server.
	other := authmapCLI{t: t, environ: map[string]string{}, common: []string{"--kubeconfig", kc, "--namespace", ns, "--name", "other-auth"}}
	if out := other.run(0, "list"); !strings.Contains(out, "does not exist") {
		t.Errorf("absent ConfigMap: %s", out)
	}
	cli.run(2, "nope")
	missing := authmapCLI{t: t, environ: map[string]string{}, common: []string{"--kubeconfig", filepath.Join(t.TempDir(), "none")}}
	missing.run(1, "list")
}

// TestAuthmapMalformedRealServer: the CLI refuses to write an aws-auth it
// cannot read, naming the entry, and leaves it byte-identical; list shows
// the readable entries and names the broken one.
func TestAuthmapMalformedRealServer(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n- rolearn: arn:aws:iam::111122223333:role/b\n  username: yes\n"}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"}, Data: bad}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cli := authmapCLI{t: t, environ: map[string]string{}, common: []string{"--kubeconfig", kubetest.KubeconfigFile(t, cfg), "--namespace", ns}}
	for _, args := range [][]string{{"add-account", "111122223333"}, {"remove", "--arn", "arn:aws:iam::111122223333:role/a"}} {
		if out := cli.run(1, args...); !strings.Contains(out, "mapRoles[1] arn:aws:iam::111122223333:role/b") {
			t.Errorf("%v: %s", args, out)
		}
	}
	out := cli.run(0, "list")
	for _, want := range []string{"1 problem(s)", "PROBLEM", "arn:aws:iam::111122223333:role/a ",
		"(unreadable) mapRoles[1] arn:aws:iam::111122223333:role/b", "authmap: malformed"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "aws-auth", metav1.GetOptions{})
	if err != nil || cm.Data["mapRoles"] != bad["mapRoles"] {
		t.Errorf("aws-auth changed: %q %v", cm.Data, err)
	}
}

func readAwsAuth(t *testing.T, cfg *rest.Config, ns string) authmap.Mappings {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := authmap.Read(context.Background(), cs.CoreV1(), authmap.ConfigMapOptions{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fakeAccessEntriesServer answers ListAccessEntries, DescribeAccessEntry and
// ListAssociatedAccessPolicies (EKS REST-JSON) for cluster demo.
func fakeAccessEntriesServer(t *testing.T, entries map[string]map[string]any) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var parts []string
		for _, p := range strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/") {
			u, _ := url.PathUnescape(p)
			parts = append(parts, u)
		}
		fail := func(code int, typ, msg string) {
			w.Header().Set("X-Amzn-Errortype", typ)
			w.WriteHeader(code)
			json.NewEncoder(w).Encode(map[string]string{"message": msg})
		}
		if r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "clusters" && parts[1] == "demo" { // DescribeCluster
			json.NewEncoder(w).Encode(map[string]any{"cluster": map[string]any{"name": "demo", "arn": "arn:aws:eks:eu-west-1:123456789012:cluster/demo",
				"accessConfig": map[string]any{"authenticationMode": "API_AND_CONFIG_MAP"}}})
			return
		}
		if r.Method != http.MethodGet || len(parts) < 3 || parts[0] != "clusters" || parts[1] != "demo" || parts[2] != "access-entries" {
			fail(http.StatusNotFound, "ResourceNotFoundException", "No cluster found for name: "+r.URL.Path)
			return
		}
		switch len(parts) {
		case 3:
			var list []string
			for p := range entries {
				list = append(list, p)
			}
			json.NewEncoder(w).Encode(map[string]any{"accessEntries": list})
		case 4, 5:
			e, ok := entries[parts[3]]
			if !ok {
				fail(http.StatusNotFound, "ResourceNotFoundException", "The specified access entry resource could not be found.")
				return
			}
			if len(parts) == 5 {
				json.NewEncoder(w).Encode(map[string]any{"clusterName": "demo", "principalArn": parts[3], "associatedAccessPolicies": []any{}})
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"accessEntry": e})
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestAuthmapMigratePlanAgainstEKS: migrate-plan reads the cluster's access
// entries with the real SDK client (pointed at a fake EKS endpoint).
func TestAuthmapMigratePlanAgainstEKS(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	srv := fakeAccessEntriesServer(t, map[string]map[string]any{
		"arn:aws:iam::123456789012:user/alice":     {"principalArn": "arn:aws:iam::123456789012:user/alice", "type": "STANDARD", "username": "alice", "kubernetesGroups": []string{"viewers"}},
		"arn:aws:iam::123456789012:role/team/Lead": {"principalArn": "arn:aws:iam::123456789012:role/team/Lead", "type": "STANDARD", "username": "lead", "kubernetesGroups": []string{"leads"}},
	})
	// IAM is moto's: the path-less aws-auth ARNs are resolved to full ones.
	moto := mototest.New(t)
	ic := iam.NewFromConfig(moto.Config("eu-west-1"))
	for _, r := range [][2]string{{"/", "Developer"}, {"/team/", "Lead"}} {
		if _, err := ic.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String(r[1]), Path: aws.String(r[0]), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ic.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_IAM", moto.URL)
	environ := isolatedAWSEnv(t, envCreds)
	for k, v := range envCreds {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ENDPOINT_URL_EKS", srv.URL)
	kc := kubetest.KubeconfigFile(t, cfg)
	cli := authmapCLI{t: t, environ: environ, common: []string{"--kubeconfig", kc, "--namespace", ns}}
	cli.run(0, "add-user", "--create", "--arn", "arn:aws:iam::123456789012:user/alice", "--username", "alice", "--group", "viewers")
	cli.run(0, "add-role", "--arn", "arn:aws:iam::123456789012:role/Developer", "--username", "dev:{{SessionName}}", "--group", "developers")
	cli.run(0, "add-role", "--arn", "arn:aws:iam::123456789012:role/team/Lead", "--username", "lead", "--group", "leads")
	out := cli.run(0, "migrate-plan", "--cluster", "demo", "--region", "eu-west-1")
	for _, want := range []string{"access entries of demo (eu-west-1)",
		"create     STANDARD arn:aws:iam::123456789012:role/Developer username=dev:{{SessionName}} groups=developers",
		"ok         STANDARD arn:aws:iam::123456789012:role/team/Lead username=lead groups=leads",
		"ok         STANDARD arn:aws:iam::123456789012:user/alice username=alice groups=viewers"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if out := cli.run(2, "migrate-plan", "--cluster", "demo"); !strings.Contains(out, "region") {
		t.Errorf("no region: %s", out)
	}
	if out := cli.run(1, "migrate-plan", "--cluster", "nope", "--region", "eu-west-1"); !strings.Contains(out, "ResourceNotFoundException") {
		t.Errorf("unknown cluster: %s", out)
	}
}

// TestAuthmapHabitsRealServer: --group lists, EKS's Fargate and node
// mappings guarded by --force, --context, aws-auth created with the Fargate
// mapping, --sso-permission-set resolved to role ARNs (IAM on moto), and
// examples in every subcommand's help.
func TestAuthmapHabitsRealServer(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	kc := kubetest.KubeconfigFile(t, cfg)
	// A kubeconfig whose current context is unreachable: --context picks the good one.
	two, good := deadCurrentContext(t, kc)
	moto := mototest.New(t)
	ic := iam.NewFromConfig(moto.Config("eu-west-1"))
	for _, n := range []string{"AWSReservedSSO_ReadOnly_0123abcd", "AWSReservedSSO_ReadOnly_Extra_4567"} {
		if _, err := ic.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String(n), Path: aws.String("/aws-reserved/sso.amazonaws.com/eu-west-1/"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	environ := isolatedAWSEnv(t, envCreds)
	for k, v := range envCreds {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ENDPOINT_URL_IAM", moto.URL)
	cli := authmapCLI{t: t, environ: environ, common: []string{"--kubeconfig", two, "--context", good, "--namespace", ns}}
	dead := authmapCLI{t: t, environ: environ, common: []string{"--kubeconfig", two, "--namespace", ns}}
	dead.run(1, "list")

	const pods = "arn:aws:iam::123456789012:role/demo-pods"
	const nodes = "arn:aws:iam::123456789012:role/demo-nodes"
	cli.run(0, "add-role", "--create", "--fargate-role", pods, "--arn", "arn:aws:iam::123456789012:role/ci", "--username", "ci", "--group", "deployers, ops", "--group", "viewers")
	m := readAwsAuth(t, cfg, ns)
	if len(m.Roles) != 2 || m.Roles[1].RoleARN != pods || m.Roles[1].Username != authmap.FargateUsername || !slices.Equal(m.Roles[0].Groups, []string{"deployers", "ops", "viewers"}) {
		t.Fatalf("created aws-auth: %+v", m.Roles)
	}
	cli.run(0, "add-role", "--arn", nodes, "--username", authmap.NodeUsername, "--group", "system:bootstrappers,system:nodes")
	for _, args := range [][]string{
		{"add-role", "--arn", pods, "--username", "admin", "--group", "admins"},
		{"add-role", "--arn", nodes, "--username", authmap.NodeUsername, "--group", "system:nodes"},
		{"remove", "--arn", pods},
		{"remove", nodes},
	} {
		out := cli.run(2, args...)
		if !strings.Contains(out, "--force") || !(strings.Contains(out, "Fargate") || strings.Contains(out, "node mapping")) {
			t.Errorf("%v: %s", args, out)
		}
	}
	if m := readAwsAuth(t, cfg, ns); len(m.Roles) != 3 || m.Roles[1].Username != authmap.FargateUsername {
		t.Fatalf("a refused write changed aws-auth: %+v", m.Roles)
	}
	cli.run(0, "remove", "--arn", nodes, "--force")

	out := cli.run(0, "add-role", "--sso-permission-set", "ReadOnly", "--username", "ro:{{SessionName}}", "--group", "viewers", "--region", "eu-west-1")
	if !strings.Contains(out, "AWSReservedSSO_ReadOnly_0123abcd") {
		t.Errorf("sso: %s", out)
	}
	cm, err := kubernetes.NewForConfigOrDie(cfg).CoreV1().ConfigMaps(ns).Get(context.Background(), "aws-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := cm.Data["mapRoles"]; !strings.Contains(r, "rolearn: arn:aws:iam::123456789012:role/AWSReservedSSO_ReadOnly_0123abcd") || strings.Contains(r, "sso:") || strings.Contains(r, "Extra") {
		t.Errorf("mapRoles after --sso-permission-set:\n%s", r)
	}
	if out := cli.run(2, "add-role", "--sso-permission-set", "Nobody", "--username", "x", "--region", "eu-west-1"); !strings.Contains(out, "--sso-permission-set: ") {
		t.Errorf("unknown permission set: %s", out)
	}

	for _, sub := range []string{"add-role", "add-user", "add-account", "remove", "list", "migrate-plan", "migrate"} {
		code, stdout, stderr := runCLI(t, environ, "authmap", sub, "-h")
		if help := stdout + stderr; code != 0 || !strings.Contains(help, "examples:\n  fargatekit authmap "+sub) || !strings.Contains(help, "-context") {
			t.Errorf("%s -h (exit %d):\n%s", sub, code, help)
		}
	}
}

// deadCurrentContext writes a copy of kubeconfig kc whose current context,
// "dead", points at a closed port; good names kc's own context.
func deadCurrentContext(t *testing.T, kc string) (path, good string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "two")
	raw, err := os.ReadFile(kc)
	if err != nil {
		t.Fatal(err)
	}
	kcfg, err := clientcmd.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	for name := range kcfg.Contexts {
		good = name
	}
	kcfg.Clusters["dead"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:1"}
	kcfg.Contexts["dead"] = &clientcmdapi.Context{Cluster: "dead", AuthInfo: kcfg.Contexts[good].AuthInfo}
	kcfg.CurrentContext = "dead"
	if err := clientcmd.WriteToFile(*kcfg, path); err != nil {
		t.Fatal(err)
	}
	return path, good
}

// TestAuthmapListShowsBrokenEntriesRealServer: list shows, instead of
// refusing, an entry whose role ARN has a path (it never matches) and a
// shadowed duplicate (the authenticator uses the last), each on its row
// with its problem, in every output format; the other rows have none.
func TestAuthmapListShowsBrokenEntriesRealServer(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	data := map[string]string{"mapRoles": `- rolearn: arn:aws:iam::111122223333:role/admins
  username: admin
  groups: [platform-admins]
- rolearn: arn:aws:iam::111122223333:role/teams/devs
  username: dev
  groups: [developers]
- rolearn: arn:aws:iam::111122223333:role/ci
  username: ci
- rolearn: arn:aws:iam::111122223333:role/admins
  username: admin
  groups: [viewers]
`}
	if _, err := kubernetes.NewForConfigOrDie(cfg).CoreV1().ConfigMaps(ns).Create(context.Background(),
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth"}, Data: data}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cli := authmapCLI{t: t, environ: map[string]string{}, common: []string{"--kubeconfig", kubetest.KubeconfigFile(t, cfg), "--namespace", ns}}
	out := cli.run(0, "list")
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 2 && strings.HasPrefix(f[0], "arn:") {
			rows[f[0]+" "+f[2]] = line
		}
	}
	for row, want := range map[string]string{
		"arn:aws:iam::111122223333:role/admins platform-admins": "duplicate identity: a later entry maps the same role; the authenticator uses the last one",
		"arn:aws:iam::111122223333:role/teams/devs developers":  "role ARN has a path: the authenticator compares path-less ARNs, so this entry never matches; use arn:aws:iam::111122223333:role/devs",
	} {
		if !strings.Contains(rows[row], want) {
			t.Errorf("row %s lacks %q:\n%s", row, want, out)
		}
	}
	for _, row := range []string{"arn:aws:iam::111122223333:role/admins viewers"} {
		if line, ok := rows[row]; !ok || strings.Contains(line, "authmap:") {
			t.Errorf("row %s (the one the authenticator uses) is missing or has a problem:\n%s", row, out)
		}
	}
	if !strings.Contains(out, "PROBLEM") || !strings.Contains(out, "2 problem(s)") || !strings.Contains(out, "arn:aws:iam::111122223333:role/ci") {
		t.Errorf("list:\n%s", out)
	}
	var items []listItem
	_, stdout, _ := runCLI(t, cli.environ, append([]string{"authmap", "list", "-o", "json"}, cli.common...)...)
	if err := json.Unmarshal([]byte(stdout), &items); err != nil || len(items) != 4 ||
		len(items[0].Problems) != 1 || len(items[1].Problems) != 1 || len(items[2].Problems) != 0 || len(items[3].Problems) != 0 {
		t.Errorf("json: %+v %v", items, err)
	}
}
