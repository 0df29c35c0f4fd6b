package authmap_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/fargatekit/fargatekit/internal/accessfake"
	"github.com/fargatekit/fargatekit/internal/mototest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// awsEnv is moto (IAM, EKS clusters) plus the access-entry fake over it.
type awsEnv struct {
	t       *testing.T
	ctx     context.Context
	iam     *iam.Client
	eks     *accessfake.EKS
	cluster string
}

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func newAWS(t *testing.T, mode string) awsEnv {
	t.Helper()
	s := mototest.New(t)
	cfg := s.Config("eu-west-1")
	a := awsEnv{t: t, ctx: context.Background(), iam: iam.NewFromConfig(cfg), cluster: "demo"}
	ec := eks.NewFromConfig(cfg)
	clusterRole := a.role("/", "demo-cluster")
	if _, err := ec.CreateCluster(a.ctx, &eks.CreateClusterInput{Name: aws.String("demo"), RoleArn: aws.String(clusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}}}); err != nil {
		t.Fatal(err)
	}
	a.eks = accessfake.New(ec, a.iam)
	if err := a.eks.SetMode(a.ctx, "demo", mode); err != nil {
		t.Fatal(err)
	}
	return a
}

// role creates an IAM role in moto and returns IAM's ARN (path included).
func (a awsEnv) role(path, name string) string {
	a.t.Helper()
	out, err := a.iam.CreateRole(a.ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		a.t.Fatal(err)
	}
	return aws.ToString(out.Role.Arn)
}

func (a awsEnv) user(path, name string) string {
	a.t.Helper()
	out, err := a.iam.CreateUser(a.ctx, &iam.CreateUserInput{UserName: aws.String(name), Path: aws.String(path)})
	if err != nil {
		a.t.Fatal(err)
	}
	return aws.ToString(out.User.Arn)
}

func (a awsEnv) put(principal, typ, username string, groups []string, policies ...string) {
	a.t.Helper()
	if err := a.eks.Put(a.ctx, a.cluster, principal, typ, username, groups, policies...); err != nil {
		a.t.Fatal(err)
	}
}

const acct = mototest.AccountID

func policyARN(name string) string { return authmap.AccessPolicyARN("aws", name) }

// TestFakeEnforcesPrincipalRules: the fake refuses what EKS refuses, so the
// tests below can fail: a path-less ARN of a role with a path (the
// aws-auth form), an STS session, a user for a node type, system: groups,
// reserved usernames, and entries while the cluster is CONFIG_MAP.
func TestFakeEnforcesPrincipalRules(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPIAndConfigMap)
	sso := a.role("/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_Admin_0123456789abcdef")
	alice := a.user("/ops/", "alice")
	create := func(p, typ, user string, groups ...string) error {
		in := &eks.CreateAccessEntryInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(p), Type: aws.String(typ), KubernetesGroups: groups}
		if user != "" {
			in.Username = aws.String(user)
		}
		_, err := a.eks.CreateAccessEntry(a.ctx, in)
		return err
	}
	for name, tc := range map[string]struct {
		p, typ, user string
		groups       []string
	}{
		"path-less ARN of a path role": {"arn:aws:iam::" + acct + ":role/AWSReservedSSO_Admin_0123456789abcdef", "STANDARD", "", nil},
		"sts session":                  {"arn:aws:sts::" + acct + ":assumed-role/AWSReservedSSO_Admin_0123456789abcdef/bob", "STANDARD", "", nil},
		"user as node":                 {alice, "FARGATE_LINUX", "", nil},
		"system group":                 {alice, "STANDARD", "", []string{"system:masters"}},
		"reserved username":            {alice, "STANDARD", "eks:alice", nil},
		"unknown type":                 {alice, "WINDOWS", "", nil},
		"no such role":                 {"arn:aws:iam::" + acct + ":role/nobody", "STANDARD", "", nil},
	} {
		if err := create(tc.p, tc.typ, tc.user, tc.groups...); !accessfake.IsInvalid(err) {
			t.Errorf("%s: err = %v, want InvalidParameterException", name, err)
		}
	}
	if err := create(sso, "STANDARD", ""); err != nil {
		t.Errorf("full SSO role ARN refused: %v", err)
	}
	var inUse *ekstypes.ResourceInUseException
	if err := create(sso, "STANDARD", ""); !errors.As(err, &inUse) {
		t.Errorf("second entry for one principal: %v", err)
	}
	b := newAWS(t, accessfake.ModeConfigMap)
	if err := b.eks.Put(b.ctx, "demo", "x", "STANDARD", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.eks.ListAccessEntries(b.ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String("demo")}); !accessfake.IsInvalid(err) {
		t.Errorf("access entries on a CONFIG_MAP cluster: %v", err)
	}
}

// TestResolvePrincipals: path-less aws-auth ARNs become IAM's full ARNs
// (iam:GetRole / iam:GetUser against moto); ARNs with a path are kept;
// unknown principals are named.
func TestResolvePrincipals(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPI)
	sso := a.role("/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_ReadOnly_abc123")
	plain := a.role("/", "Developer")
	alice := a.user("/ops/", "alice")
	in := []authmap.AccessEntry{
		{PrincipalARN: "arn:aws:iam::" + acct + ":role/AWSReservedSSO_ReadOnly_abc123"},
		{PrincipalARN: "arn:aws:iam::" + acct + ":role/Developer"},
		{PrincipalARN: "arn:aws:iam::" + acct + ":user/alice"},
		{PrincipalARN: alice},
		{PrincipalARN: "arn:aws:iam::" + acct + ":role/AWSReservedSSO_ReadOnly_abc123"},
	}
	got, err := authmap.ResolvePrincipals(a.ctx, a.iam, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{sso, plain, alice, alice, sso}
	for i := range want {
		if got[i].PrincipalARN != want[i] {
			t.Errorf("%d: %s, want %s", i, got[i].PrincipalARN, want[i])
		}
	}
	if in[0].PrincipalARN == sso {
		t.Error("input changed")
	}
	_, err = authmap.ResolvePrincipals(a.ctx, a.iam, []authmap.AccessEntry{{PrincipalARN: "arn:aws:iam::" + acct + ":role/gone"}, {PrincipalARN: "arn:aws:iam::" + acct + ":user/ghost"}})
	if !errors.Is(err, authmap.ErrPrincipalNotFound) || !strings.Contains(err.Error(), "role/gone") || !strings.Contains(err.Error(), "user/ghost") {
		t.Errorf("unknown principals: %v", err)
	}
	roles, err := authmap.FindSSORoles(a.ctx, a.iam, "ReadOnly")
	if err != nil || !slices.Equal(roles, []string{sso}) {
		t.Errorf("FindSSORoles = %v, %v", roles, err)
	}
	a.role("/aws-reserved/sso.amazonaws.com/", "AWSReservedSSO_ReadOnly_Extra_ffff")
	if roles, _ := authmap.FindSSORoles(a.ctx, a.iam, "ReadOnly"); len(roles) != 1 {
		t.Errorf("a set named ReadOnly matched ReadOnly_Extra's role: %v", roles)
	}
}

func writes(a awsEnv) int { return a.eks.Writes(a.cluster) }

// TestApplyAccessEntriesMoto: aws-auth mappings (path-less ARNs) become
// entries with full ARNs; the creator's bootstrap entry is adopted (no
// ResourceInUse); a second run writes nothing; others' entries are kept.
func TestApplyAccessEntriesMoto(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPIAndConfigMap)
	admin := a.role("/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_Admin_00ff")
	dev := a.role("/teams/", "Developer")
	fargate := a.role("/", "demo-pod-execution")
	alice := a.user("/", "alice")
	other := a.role("/", "someone-else")
	a.put(admin, "STANDARD", "arn:aws:sts::"+acct+":assumed-role/AWSReservedSSO_Admin_00ff/{{SessionName}}", nil, policyARN(authmap.ClusterAdminPolicy)) // the cluster creator
	a.put(other, "STANDARD", "x", []string{"theirs"}, policyARN(authmap.ViewPolicy))
	m := authmap.Mappings{
		Roles: []authmap.RoleMapping{
			authmap.FargateRoleMapping(fargate),
			{RoleARN: "arn:aws:iam::" + acct + ":role/Developer", Username: "dev:{{SessionName}}", Groups: []string{"developers"}},
			{RoleARN: "arn:aws:iam::" + acct + ":role/AWSReservedSSO_Admin_00ff", Username: "admin:{{SessionName}}", Groups: []string{authmap.GroupMasters}},
		},
		Users: []authmap.UserMapping{{UserARN: alice, Username: "alice", Groups: []string{"viewers"}}},
	}
	opts := authmap.AccessEntryOptions{AllowSystemMasters: true, Principals: a.iam}
	// Without resolution EKS (the fake) refuses the path-less ARN.
	if _, err := authmap.ApplyAccessEntries(a.ctx, a.eks, "demo", authmap.Mappings{Roles: m.Roles[1:2]}, authmap.AccessEntryOptions{}); !accessfake.IsInvalid(err) {
		t.Errorf("path-less ARN without Principals: %v", err)
	}
	res, err := authmap.ApplyAccessEntries(a.ctx, a.eks, "demo", m, opts)
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := a.eks.Entry("demo", dev); e == nil || !slices.Equal(e.KubernetesGroups, []string{"developers"}) {
		t.Errorf("developer entry under its full ARN: %+v", e)
	}
	if e, _ := a.eks.Entry("demo", fargate); e == nil || aws.ToString(e.Type) != "FARGATE_LINUX" {
		t.Errorf("fargate entry: %+v", e)
	}
	if e, pol := a.eks.Entry("demo", admin); aws.ToString(e.Username) != "admin:{{SessionName}}" || len(pol) != 1 {
		t.Errorf("adopted creator entry: %+v %+v", e, pol)
	}
	if e, pol := a.eks.Entry("demo", other); !slices.Equal(e.KubernetesGroups, []string{"theirs"}) || len(pol) != 1 {
		t.Error("an entry nobody asked about changed")
	}
	if len(res.Plan.Create) != 3 || len(res.Plan.Update) != 1 {
		t.Errorf("plan %+v", res.Plan)
	}
	before := writes(a)
	res, err = authmap.ApplyAccessEntries(a.ctx, a.eks, "demo", m, opts)
	if err != nil || res.Writes != 0 || writes(a) != before || len(res.Plan.Satisfied) != 4 {
		t.Errorf("second apply: %v, %d writes, plan %+v", err, writes(a)-before, res.Plan)
	}
}

// TestApplyEntriesPoliciesAndScopes: every managed policy a customer role
// may use, at cluster or namespace scope; a changed scope is re-associated;
// service-linked-only policies and node-type associations are refused
// before any write.
func TestApplyEntriesPoliciesAndScopes(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPI)
	dev := a.role("/", "dev")
	nodes := a.role("/", "auto-nodes")
	want := []authmap.AccessEntry{
		{PrincipalARN: dev, Policies: []authmap.PolicyAssociation{{Policy: authmap.EditPolicy, Namespaces: []string{"team-a", "team-b-*"}}, {Policy: authmap.ViewPolicy}}},
		{PrincipalARN: nodes, Type: authmap.EntryEC2, Policies: []authmap.PolicyAssociation{{Policy: authmap.AutoNodePolicy}}},
	}
	if _, err := authmap.ApplyEntries(a.ctx, a.eks, "demo", want, authmap.AccessEntryOptions{}); err != nil {
		t.Fatal(err)
	}
	_, pol := a.eks.Entry("demo", dev)
	if len(pol) != 2 || pol[0].AccessScope.Type != ekstypes.AccessScopeTypeNamespace || !slices.Equal(pol[0].AccessScope.Namespaces, []string{"team-a", "team-b-*"}) {
		t.Errorf("dev policies %+v", pol)
	}
	want[0].Policies[0].Namespaces = []string{"team-a"}
	res, err := authmap.ApplyEntries(a.ctx, a.eks, "demo", want, authmap.AccessEntryOptions{})
	if err != nil || len(res.Plan.Associate) != 1 || res.Writes != 1 {
		t.Errorf("re-scope: %v %+v", err, res.Plan)
	}
	if _, pol := a.eks.Entry("demo", dev); !slices.Equal(pol[len(pol)-1].AccessScope.Namespaces, []string{"team-a"}) {
		t.Errorf("scope after re-scope %+v", pol)
	}
	before := writes(a)
	for name, bad := range map[string]authmap.AccessEntry{
		"service-linked only": {PrincipalARN: dev, Policies: []authmap.PolicyAssociation{{Policy: "AmazonEKSComputePolicy"}}},
		"unknown policy":      {PrincipalARN: dev, Policies: []authmap.PolicyAssociation{{Policy: "AmazonEKSGodPolicy"}}},
		"bad namespace":       {PrincipalARN: dev, Policies: []authmap.PolicyAssociation{{Policy: authmap.ViewPolicy, Namespaces: []string{"Team_A"}}}},
		"fargate policy":      {PrincipalARN: dev, Type: authmap.EntryFargateLinux, Policies: []authmap.PolicyAssociation{{Policy: authmap.ViewPolicy}}},
		"sts":                 {PrincipalARN: "arn:aws:sts::" + acct + ":assumed-role/dev/x"},
		"node user":           {PrincipalARN: "arn:aws:iam::" + acct + ":user/bob", Type: authmap.EntryHybridLinux},
		"node groups":         {PrincipalARN: nodes, Type: authmap.EntryHyperPodLinux, KubernetesGroups: []string{"x"}},
	} {
		_, err := authmap.ApplyEntries(a.ctx, a.eks, "demo", []authmap.AccessEntry{bad}, authmap.AccessEntryOptions{})
		if err == nil || !(errors.Is(err, authmap.ErrAccessPolicy) || errors.Is(err, authmap.ErrPrincipal) || errors.Is(err, authmap.ErrEntryTypeInvalid)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if writes(a) != before {
		t.Error("a refused apply wrote")
	}
}

// TestApplyEntriesConcurrentCreate: an entry created between our list and
// our create (ResourceInUseException) is converged instead.
func TestApplyEntriesConcurrentCreate(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPI)
	dev := a.role("/x/", "dev")
	a.eks.BeforeCreate = func(_, p string) {
		if p == dev {
			a.eks.BeforeCreate = nil
			a.put(dev, "STANDARD", "dev", []string{"other"})
		}
	}
	if _, err := authmap.ApplyEntries(a.ctx, a.eks, "demo", []authmap.AccessEntry{{PrincipalARN: dev, Username: "dev", KubernetesGroups: []string{"developers"}}}, authmap.AccessEntryOptions{}); err != nil {
		t.Fatal(err)
	}
	if e, _ := a.eks.Entry("demo", dev); !slices.Equal(e.KubernetesGroups, []string{"developers"}) {
		t.Errorf("groups %v after a concurrent create", e.KubernetesGroups)
	}
}

// TestApplyAccessEntriesRefuses: nothing is written when a mapping cannot
// be an access entry, when a type would have to change, or without the
// system:masters opt-in.
func TestApplyAccessEntriesRefuses(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPI)
	fargate := a.role("/", "pods")
	dev := a.role("/", "dev")
	a.put(fargate, "STANDARD", "x", nil)
	for name, tc := range map[string]struct {
		m    authmap.Mappings
		want error
	}{
		"system group":  {authmap.Mappings{Roles: []authmap.RoleMapping{{RoleARN: dev, Username: "dev", Groups: []string{"system:x"}}}}, authmap.ErrNotMigratable},
		"account":       {authmap.Mappings{Accounts: []string{"111122223333"}}, authmap.ErrNotMigratable},
		"masters":       {authmap.Mappings{Roles: []authmap.RoleMapping{{RoleARN: dev, Username: "dev", Groups: []string{"system:masters"}}}}, authmap.ErrSystemMasters},
		"type conflict": {authmap.Mappings{Roles: []authmap.RoleMapping{authmap.FargateRoleMapping(fargate)}}, authmap.ErrEntryType},
	} {
		before := writes(a)
		_, err := authmap.ApplyAccessEntries(a.ctx, a.eks, "demo", tc.m, authmap.AccessEntryOptions{Principals: a.iam})
		if !errors.Is(err, tc.want) || writes(a) != before {
			t.Errorf("%s: err = %v after %d writes; want %v and none", name, err, writes(a)-before, tc.want)
		}
	}
}

// TestPlanMigrationMoto: from a real-looking aws-auth, what to create (full
// ARNs), what is fine, what cannot move, and shadowed duplicates resolved
// as the authenticator resolves them (the last wins); no writes.
func TestPlanMigrationMoto(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPIAndConfigMap)
	node := a.role("/", "eksctl-demo-NodeInstanceRole-1A2B")
	fargate := a.role("/", "demo-pod-execution")
	admin := a.role("/people/", "Admin")
	dev := a.role("/", "Developer")
	alice := a.user("/", "alice")
	r := func(n string) string { return "arn:aws:iam::" + acct + ":role/" + n }
	current, err := authmap.Parse(map[string]string{
		"mapRoles": `- rolearn: ` + node + `
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: ` + fargate + `
  username: system:node:{{SessionName}}
  groups: [system:bootstrappers, system:nodes, system:node-proxier]
- rolearn: ` + r("Admin") + `
  username: viewer
  groups: [viewers]
- rolearn: ` + r("Admin") + `
  username: admin
  groups: [system:masters]
- rolearn: ` + dev + `
  username: "{{SessionName}}"
  groups: [developers]
- sso: {permissionSetName: ReadOnly, accountID: "` + acct + `"}
  username: ro:{{SessionName}}
`,
		"mapUsers":    "- userarn: " + alice + "\n  username: alice\n  groups: [viewers]\n",
		"mapAccounts": "- \"444455556666\"\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	a.put(fargate, "FARGATE_LINUX", "system:node:{{SessionName}}", nil)
	a.put(alice, "STANDARD", "alice", []string{"viewers"})
	plan, err := authmap.PlanMigration(a.ctx, a.eks, a.iam, "demo", current)
	if err != nil {
		t.Fatal(err)
	}
	if writes(a) != 0 {
		t.Errorf("planning wrote %d times", writes(a))
	}
	got := plan.String()
	t.Log("\n" + got)
	for _, want := range []string{
		"create     EC2_LINUX " + node,
		"create     STANDARD " + admin + " username=admin policies=AmazonEKSClusterAdminPolicy",
		"associate  " + admin + " " + policyARN(authmap.ClusterAdminPolicy) + " (cluster scope)",
		"ok         FARGATE_LINUX " + fargate,
		"ok         STANDARD " + alice + " username=alice groups=viewers",
		"manual     mapRoles[4] " + dev + ": authmap: no access-entry equivalent: username \"{{SessionName}}\": EKS wants a colon",
		"manual     mapRoles[5] sso " + acct + "/ReadOnly",
		"manual     mapAccounts[0] 444455556666",
		"shadowed   mapRoles[2] " + r("Admin"),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	if strings.Contains(got, "username=viewer") {
		t.Error("the shadowed (first) Admin mapping was planned")
	}
	if plan.Ready() {
		t.Error("plan with steps reports Ready")
	}
}

func TestRemoveAccessEntriesMoto(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPI)
	dev := a.role("/team/", "developer")
	alice := a.user("/", "alice")
	a.put(dev, "STANDARD", "dev", nil)
	a.put(alice, "STANDARD", "alice", nil)
	got, err := authmap.RemoveAccessEntries(a.ctx, a.eks, "demo", []string{"arn:aws:iam::" + acct + ":role/developer", "arn:aws:iam::" + acct + ":user/nobody"})
	if err != nil || !slices.Equal(got, []string{dev}) || !slices.Equal(a.eks.Principals("demo"), []string{alice}) {
		t.Errorf("removed %v, %v; left %v", got, err, a.eks.Principals("demo"))
	}
}
