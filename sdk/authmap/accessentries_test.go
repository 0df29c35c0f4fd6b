package authmap_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// fakeEKS models the access-entry API as documented: one entry per
// principal (ResourceInUseException on a second create), ResourceNotFound
// for missing entries, paginated lists, InvalidParameterException for
// system: groups, reserved username prefixes, and usernames, groups or
// policies on node and Fargate entries. It counts write calls.
type fakeEKS struct {
	mu       sync.Mutex
	cluster  string
	entries  map[string]*ekstypes.AccessEntry
	policies map[string][]ekstypes.AssociatedAccessPolicy
	pageSize int
	writes   int
	calls    []string
	// beforeCreate runs before a create is processed (to model a concurrent writer).
	beforeCreate func(principal string)
}

func newFakeEKS(cluster string) *fakeEKS {
	return &fakeEKS{cluster: cluster, entries: map[string]*ekstypes.AccessEntry{}, policies: map[string][]ekstypes.AssociatedAccessPolicy{}, pageSize: 2}
}

var _ authmap.EKSAPI = (*fakeEKS)(nil)

func notFound(p string) error {
	return &ekstypes.ResourceNotFoundException{Message: aws.String("The specified access entry resource " + p + " could not be found.")}
}

func invalid(msg string) error { return &ekstypes.InvalidParameterException{Message: aws.String(msg)} }

func (f *fakeEKS) call(name string, cluster *string, write bool) error {
	f.calls = append(f.calls, name)
	if write {
		f.writes++
	}
	if aws.ToString(cluster) != f.cluster {
		return &ekstypes.ResourceNotFoundException{Message: aws.String("No cluster found for name: " + aws.ToString(cluster))}
	}
	return nil
}

// page returns items[from:from+size] and the next token.
func page[T any](items []T, token *string, size int) ([]T, *string, error) {
	from := 0
	if token != nil {
		n, err := strconv.Atoi(*token)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, invalid("bad nextToken")
		}
		from = n
	}
	to := min(from+size, len(items))
	var next *string
	if to < len(items) {
		next = aws.String(strconv.Itoa(to))
	}
	return items[from:to], next, nil
}

func (f *fakeEKS) ListAccessEntries(_ context.Context, in *eks.ListAccessEntriesInput, _ ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListAccessEntries", in.ClusterName, false); err != nil {
		return nil, err
	}
	var all []string
	for p := range f.entries {
		all = append(all, p)
	}
	sort.Strings(all)
	items, next, err := page(all, in.NextToken, f.pageSize)
	return &eks.ListAccessEntriesOutput{AccessEntries: items, NextToken: next}, err
}

func (f *fakeEKS) DescribeAccessEntry(_ context.Context, in *eks.DescribeAccessEntryInput, _ ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeAccessEntry", in.ClusterName, false); err != nil {
		return nil, err
	}
	e, ok := f.entries[aws.ToString(in.PrincipalArn)]
	if !ok {
		return nil, notFound(aws.ToString(in.PrincipalArn))
	}
	c := *e
	c.KubernetesGroups = slices.Clone(e.KubernetesGroups)
	return &eks.DescribeAccessEntryOutput{AccessEntry: &c}, nil
}

func checkSubject(typ string, username *string, groups []string) error {
	if typ != authmap.EntryStandard && (username != nil || len(groups) > 0) {
		return invalid("The kubernetesGroups and username can't be set for access entries of type " + typ)
	}
	for _, p := range []string{"system:", "eks:", "aws:", "amazon:", "iam:"} {
		if strings.HasPrefix(aws.ToString(username), p) {
			return invalid("username can't start with " + p)
		}
	}
	for _, g := range groups {
		if strings.HasPrefix(g, "system:") {
			return invalid("The kubernetes group name " + g + " is invalid, it cannot start with system:")
		}
	}
	return nil
}

func (f *fakeEKS) CreateAccessEntry(_ context.Context, in *eks.CreateAccessEntryInput, _ ...func(*eks.Options)) (*eks.CreateAccessEntryOutput, error) {
	if f.beforeCreate != nil {
		f.beforeCreate(aws.ToString(in.PrincipalArn))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("CreateAccessEntry", in.ClusterName, true); err != nil {
		return nil, err
	}
	p := aws.ToString(in.PrincipalArn)
	if _, ok := f.entries[p]; ok {
		return nil, &ekstypes.ResourceInUseException{Message: aws.String("The specified access entry resource is already in use on this cluster.")}
	}
	a, err := arn.Parse(p)
	if err != nil || a.Service != "iam" {
		return nil, invalid("The principalArn parameter format is not valid")
	}
	typ := aws.ToString(in.Type)
	if typ == "" {
		typ = authmap.EntryStandard
	}
	if !slices.Contains([]string{authmap.EntryStandard, authmap.EntryEC2Linux, authmap.EntryEC2Windows, authmap.EntryFargateLinux}, typ) {
		return nil, invalid("bad type " + typ)
	}
	if typ != authmap.EntryStandard && !strings.HasPrefix(a.Resource, "role/") {
		return nil, invalid("only IAM roles can be node entries")
	}
	if err := checkSubject(typ, in.Username, in.KubernetesGroups); err != nil {
		return nil, err
	}
	user := aws.ToString(in.Username)
	switch {
	case user != "":
	case typ == authmap.EntryEC2Linux || typ == authmap.EntryEC2Windows:
		user = "system:node:{{EC2PrivateDNSName}}"
	case typ == authmap.EntryFargateLinux:
		user = "system:node:{{SessionName}}"
	case strings.HasPrefix(a.Resource, "role/"):
		user = fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/{{SessionName}}", a.Partition, a.AccountID, a.Resource[strings.LastIndexByte(a.Resource, '/')+1:])
	default:
		user = p
	}
	f.entries[p] = &ekstypes.AccessEntry{PrincipalArn: aws.String(p), Type: aws.String(typ), Username: aws.String(user),
		KubernetesGroups: slices.Clone(in.KubernetesGroups), ClusterName: in.ClusterName}
	return &eks.CreateAccessEntryOutput{AccessEntry: f.entries[p]}, nil
}

func (f *fakeEKS) UpdateAccessEntry(_ context.Context, in *eks.UpdateAccessEntryInput, _ ...func(*eks.Options)) (*eks.UpdateAccessEntryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("UpdateAccessEntry", in.ClusterName, true); err != nil {
		return nil, err
	}
	e, ok := f.entries[aws.ToString(in.PrincipalArn)]
	if !ok {
		return nil, notFound(aws.ToString(in.PrincipalArn))
	}
	if err := checkSubject(aws.ToString(e.Type), in.Username, in.KubernetesGroups); err != nil {
		return nil, err
	}
	if in.KubernetesGroups != nil {
		e.KubernetesGroups = slices.Clone(in.KubernetesGroups)
	}
	if in.Username != nil {
		e.Username = in.Username
	}
	return &eks.UpdateAccessEntryOutput{AccessEntry: e}, nil
}

func (f *fakeEKS) DeleteAccessEntry(_ context.Context, in *eks.DeleteAccessEntryInput, _ ...func(*eks.Options)) (*eks.DeleteAccessEntryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DeleteAccessEntry", in.ClusterName, true); err != nil {
		return nil, err
	}
	p := aws.ToString(in.PrincipalArn)
	if _, ok := f.entries[p]; !ok {
		return nil, notFound(p)
	}
	delete(f.entries, p)
	delete(f.policies, p)
	return &eks.DeleteAccessEntryOutput{}, nil
}

func (f *fakeEKS) ListAssociatedAccessPolicies(_ context.Context, in *eks.ListAssociatedAccessPoliciesInput, _ ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListAssociatedAccessPolicies", in.ClusterName, false); err != nil {
		return nil, err
	}
	p := aws.ToString(in.PrincipalArn)
	if _, ok := f.entries[p]; !ok {
		return nil, notFound(p)
	}
	items, next, err := page(f.policies[p], in.NextToken, 1)
	return &eks.ListAssociatedAccessPoliciesOutput{AssociatedAccessPolicies: items, NextToken: next, PrincipalArn: in.PrincipalArn, ClusterName: in.ClusterName}, err
}

func (f *fakeEKS) AssociateAccessPolicy(_ context.Context, in *eks.AssociateAccessPolicyInput, _ ...func(*eks.Options)) (*eks.AssociateAccessPolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("AssociateAccessPolicy", in.ClusterName, true); err != nil {
		return nil, err
	}
	p := aws.ToString(in.PrincipalArn)
	e, ok := f.entries[p]
	if !ok {
		return nil, notFound(p)
	}
	if aws.ToString(e.Type) != authmap.EntryStandard {
		return nil, invalid("You can't associate an access policy to an access entry of type " + aws.ToString(e.Type))
	}
	pa, err := arn.Parse(aws.ToString(in.PolicyArn))
	if err != nil || pa.Service != "eks" || pa.AccountID != "aws" || !strings.HasPrefix(pa.Resource, "cluster-access-policy/") {
		return nil, invalid("The policyArn parameter format is not valid")
	}
	if in.AccessScope == nil || in.AccessScope.Type == "" {
		return nil, invalid("accessScope is required")
	}
	assoc := ekstypes.AssociatedAccessPolicy{PolicyArn: in.PolicyArn, AccessScope: in.AccessScope}
	list := slices.DeleteFunc(f.policies[p], func(x ekstypes.AssociatedAccessPolicy) bool {
		return aws.ToString(x.PolicyArn) == aws.ToString(in.PolicyArn)
	})
	f.policies[p] = append(list, assoc)
	return &eks.AssociateAccessPolicyOutput{AssociatedAccessPolicy: &assoc}, nil
}

// put adds an entry directly (as EKS or another tool would have).
func (f *fakeEKS) put(p, typ, user string, groups []string, policies ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries[p] = &ekstypes.AccessEntry{PrincipalArn: aws.String(p), Type: aws.String(typ), Username: aws.String(user), KubernetesGroups: groups}
	for _, pol := range policies {
		f.policies[p] = append(f.policies[p], ekstypes.AssociatedAccessPolicy{PolicyArn: aws.String(pol), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
	}
}

const (
	adminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
	viewPolicy  = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	devRole     = "arn:aws:iam::111122223333:role/Developer"
	adminRole   = "arn:aws:iam::111122223333:role/Admin"
	aliceUser   = "arn:aws:iam::111122223333:user/alice"
	fargateRole = "arn:aws:iam::111122223333:role/demo-pod-execution"
	nodeRole    = "arn:aws:iam::111122223333:role/eksctl-demo-NodeInstanceRole-1A2B"
)

func TestAccessEntryConversion(t *testing.T) {
	tests := []struct {
		name string
		r    authmap.RoleMapping
		want authmap.AccessEntry
		err  string
	}{
		{"node", authmap.NodeRoleMapping(nodeRole), authmap.AccessEntry{PrincipalARN: nodeRole, Type: authmap.EntryEC2Linux}, ""},
		{"windows node", authmap.RoleMapping{RoleARN: nodeRole, Username: authmap.NodeUsername, Groups: []string{"system:bootstrappers", "system:nodes", "eks:kube-proxy-windows"}},
			authmap.AccessEntry{PrincipalARN: nodeRole, Type: authmap.EntryEC2Windows}, ""},
		{"fargate", authmap.FargateRoleMapping(fargateRole), authmap.AccessEntry{PrincipalARN: fargateRole, Type: authmap.EntryFargateLinux}, ""},
		{"fargate with an extra group", authmap.RoleMapping{RoleARN: fargateRole, Username: authmap.FargateUsername, Groups: []string{"system:bootstrappers", "system:nodes", "system:node-proxier", "extra"}},
			authmap.AccessEntry{}, "extra would be lost"},
		{"admin", authmap.RoleMapping{RoleARN: adminRole, Username: "admin:{{SessionName}}", Groups: []string{"system:masters", "ops"}},
			authmap.AccessEntry{PrincipalARN: adminRole, Type: authmap.EntryStandard, Username: "admin:{{SessionName}}", KubernetesGroups: []string{"ops"}, AccessPolicies: []string{authmap.ClusterAdminPolicy}}, ""},
		{"raw session name", authmap.RoleMapping{RoleARN: devRole, Username: "sso:{{SessionNameRaw}}"},
			authmap.AccessEntry{PrincipalARN: devRole, Type: authmap.EntryStandard, Username: "sso:{{SessionNameRaw}}"}, ""},
		{"system group", authmap.RoleMapping{RoleARN: devRole, Username: "dev", Groups: []string{"system:monitoring"}}, authmap.AccessEntry{}, "EKS refuses system: groups"},
		{"reserved username", authmap.RoleMapping{RoleARN: devRole, Username: "system:admin"}, authmap.AccessEntry{}, "EKS reserves the prefix system:"},
		{"template without colon", authmap.RoleMapping{RoleARN: devRole, Username: "dev-{{SessionName}}"}, authmap.AccessEntry{}, "colon before"},
		{"account template", authmap.RoleMapping{RoleARN: devRole, Username: "dev:{{AccountID}}"}, authmap.AccessEntry{}, "not {{AccountID}}"},
		{"templated group", authmap.RoleMapping{RoleARN: devRole, Username: "dev", Groups: []string{"team-{{AccountID}}"}}, authmap.AccessEntry{}, "groups are literal"},
		{"sso", authmap.RoleMapping{SSO: &authmap.SSO{PermissionSetName: "Admin", AccountID: "111122223333"}, Username: "a"}, authmap.AccessEntry{}, "AWSReservedSSO_Admin_<suffix>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.AccessEntry()
			if tt.err != "" {
				if !errors.Is(err, authmap.ErrNotMigratable) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want ErrNotMigratable containing %q", err, tt.err)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	u, err := authmap.UserMapping{UserARN: aliceUser, Username: "alice:{{SessionName}}"}.AccessEntry()
	if !errors.Is(err, authmap.ErrNotMigratable) {
		t.Errorf("session template for a user: %+v %v", u, err)
	}
	if got := (authmap.AccessEntry{PrincipalARN: "arn:aws-cn:iam::111122223333:role/x", AccessPolicies: []string{authmap.ClusterAdminPolicy}}).PolicyARNs(); got[0] != "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" {
		t.Errorf("aws-cn policy ARN %s", got[0])
	}
}

func wantMappings() authmap.Mappings {
	return authmap.Mappings{
		Roles: []authmap.RoleMapping{
			authmap.FargateRoleMapping(fargateRole),
			{RoleARN: devRole, Username: "dev:{{SessionName}}", Groups: []string{"developers"}},
			{RoleARN: adminRole, Username: "admin:{{SessionName}}", Groups: []string{authmap.GroupMasters}},
		},
		Users: []authmap.UserMapping{{UserARN: aliceUser, Username: "alice", Groups: []string{"viewers", "developers"}}},
	}
}

// TestApplyAccessEntriesIdempotent: the first apply creates what is missing
// (leaving the EKS-made Fargate entry and others' entries alone), the
// second makes no write call.
func TestApplyAccessEntriesIdempotent(t *testing.T) {
	f := newFakeEKS("demo")
	f.put(fargateRole, authmap.EntryFargateLinux, "system:node:{{SessionName}}", nil)
	f.put("arn:aws:iam::111122223333:role/someone-else", authmap.EntryStandard, "x", []string{"theirs"}, viewPolicy)
	f.put("arn:aws:iam::111122223333:role/another", authmap.EntryStandard, "y", nil)
	opts := authmap.AccessEntryOptions{AllowSystemMasters: true}
	res, err := authmap.ApplyAccessEntries(context.Background(), f, "demo", wantMappings(), opts)
	if err != nil {
		t.Fatal(err)
	}
	// dev, admin, alice created; admin associated.
	if res.Writes != 4 || f.writes != 4 || len(res.Plan.Create) != 3 || len(res.Plan.Satisfied) != 1 {
		t.Errorf("first apply: %d writes (fake %d), plan %+v", res.Writes, f.writes, res.Plan)
	}
	admin := f.entries[adminRole]
	if aws.ToString(admin.Username) != "admin:{{SessionName}}" || len(admin.KubernetesGroups) != 0 ||
		len(f.policies[adminRole]) != 1 || aws.ToString(f.policies[adminRole][0].PolicyArn) != adminPolicy {
		t.Errorf("admin entry %+v policies %+v", admin, f.policies[adminRole])
	}
	if g := f.entries[aliceUser].KubernetesGroups; !slices.Equal(g, []string{"viewers", "developers"}) {
		t.Errorf("alice groups %v", g)
	}
	if g := f.entries["arn:aws:iam::111122223333:role/someone-else"].KubernetesGroups; !slices.Equal(g, []string{"theirs"}) || len(f.policies["arn:aws:iam::111122223333:role/someone-else"]) != 1 {
		t.Error("an entry nobody asked about was changed")
	}

	f.writes, f.calls = 0, nil
	res, err = authmap.ApplyAccessEntries(context.Background(), f, "demo", wantMappings(), opts)
	if err != nil || res.Writes != 0 || f.writes != 0 || len(res.Plan.Satisfied) != 4 {
		t.Errorf("second apply: %v, %d writes (fake %d), calls %v", err, res.Writes, f.writes, f.calls)
	}
	if n := strings.Count(strings.Join(f.calls, " "), "ListAccessEntries"); n != 3 {
		t.Errorf("%d list pages for 6 entries at 2 per page, want 3", n)
	}
}

// TestApplyAccessEntriesConverges: drifted groups are updated, a missing
// admin association added; nothing else written.
func TestApplyAccessEntriesConverges(t *testing.T) {
	f := newFakeEKS("demo")
	f.put(devRole, authmap.EntryStandard, "dev:{{SessionName}}", []string{"developers", "old"})
	f.put(adminRole, authmap.EntryStandard, "someone", nil, viewPolicy)
	res, err := authmap.ApplyAccessEntries(context.Background(), f, "demo", wantMappings(), authmap.AccessEntryOptions{AllowSystemMasters: true})
	if err != nil {
		t.Fatal(err)
	}
	if g := f.entries[devRole].KubernetesGroups; !slices.Equal(g, []string{"developers"}) {
		t.Errorf("dev groups %v", g)
	}
	if u := aws.ToString(f.entries[adminRole].Username); u != "admin:{{SessionName}}" {
		t.Errorf("admin username %s", u)
	}
	if n := len(f.policies[adminRole]); n != 2 {
		t.Errorf("admin has %d policies, want view kept + admin added", n)
	}
	// creates: fargate + alice (2 + 0 assoc); updates: dev, admin; associate admin.
	if res.Writes != 5 {
		t.Errorf("%d writes, plan %+v", res.Writes, res.Plan)
	}
}

// TestApplyAccessEntriesConcurrentCreate: an entry created between our list
// and our create (ResourceInUseException) is converged instead.
func TestApplyAccessEntriesConcurrentCreate(t *testing.T) {
	f := newFakeEKS("demo")
	f.beforeCreate = func(p string) {
		if p == devRole {
			f.put(devRole, authmap.EntryStandard, "dev:{{SessionName}}", []string{"other"})
		}
	}
	m := authmap.Mappings{Roles: []authmap.RoleMapping{{RoleARN: devRole, Username: "dev:{{SessionName}}", Groups: []string{"developers"}}}}
	if _, err := authmap.ApplyAccessEntries(context.Background(), f, "demo", m, authmap.AccessEntryOptions{}); err != nil {
		t.Fatal(err)
	}
	if g := f.entries[devRole].KubernetesGroups; !slices.Equal(g, []string{"developers"}) {
		t.Errorf("groups %v after a concurrent create", g)
	}
}

// TestApplyAccessEntriesRefuses: nothing is written when any mapping cannot
// be an access entry, when a type would have to change, or without the
// system:masters opt-in.
func TestApplyAccessEntriesRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		m    authmap.Mappings
		prep func(*fakeEKS)
		want error
	}{
		"system group":  {authmap.Mappings{Roles: []authmap.RoleMapping{{RoleARN: devRole, Username: "dev", Groups: []string{"system:x"}}}}, nil, authmap.ErrNotMigratable},
		"account":       {authmap.Mappings{Roles: wantMappings().Roles[:1], Accounts: []string{"111122223333"}}, nil, authmap.ErrNotMigratable},
		"masters":       {wantMappings(), nil, authmap.ErrSystemMasters},
		"type conflict": {authmap.Mappings{Roles: wantMappings().Roles[:1]}, func(f *fakeEKS) { f.put(fargateRole, authmap.EntryStandard, "x", nil) }, authmap.ErrEntryType},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeEKS("demo")
			if tc.prep != nil {
				tc.prep(f)
			}
			_, err := authmap.ApplyAccessEntries(context.Background(), f, "demo", tc.m, authmap.AccessEntryOptions{})
			if !errors.Is(err, tc.want) || f.writes != 0 {
				t.Errorf("err = %v after %d writes; want %v and none", err, f.writes, tc.want)
			}
		})
	}
}

// TestPlanMigration: from a real-looking aws-auth and the cluster's entries,
// what to create, what is fine, and what cannot move as written; no writes.
func TestPlanMigration(t *testing.T) {
	current, err := authmap.Parse(map[string]string{
		"mapRoles": `- rolearn: ` + nodeRole + `
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: ` + fargateRole + `
  username: system:node:{{SessionName}}
  groups: [system:bootstrappers, system:nodes, system:node-proxier]
- rolearn: ` + adminRole + `
  username: admin
  groups: [system:masters]
- rolearn: ` + devRole + `
  username: "{{SessionName}}"
  groups: [developers]
- sso: {permissionSetName: ReadOnly, accountID: "111122223333"}
  username: ro:{{SessionName}}
`,
		"mapUsers":    "- userarn: " + aliceUser + "\n  username: alice\n  groups: [viewers]\n",
		"mapAccounts": "- \"444455556666\"\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeEKS("demo")
	f.put(fargateRole, authmap.EntryFargateLinux, "system:node:{{SessionName}}", nil)
	f.put(aliceUser, authmap.EntryStandard, "alice", []string{"viewers"})
	plan, err := authmap.PlanMigration(context.Background(), f, "demo", current)
	if err != nil {
		t.Fatal(err)
	}
	if f.writes != 0 {
		t.Errorf("planning wrote %d times", f.writes)
	}
	got := plan.String()
	t.Log("\n" + got)
	for _, want := range []string{
		"create     EC2_LINUX " + nodeRole,
		"create     STANDARD " + adminRole + " username=admin policies=AmazonEKSClusterAdminPolicy",
		"associate  " + adminRole + " " + adminPolicy,
		"ok         FARGATE_LINUX " + fargateRole,
		"ok         STANDARD " + aliceUser + " username=alice groups=viewers",
		"manual     mapRoles[3] " + devRole + ": authmap: no access-entry equivalent: username \"{{SessionName}}\": EKS wants a colon",
		"manual     mapRoles[4] sso 111122223333/ReadOnly",
		"manual     mapAccounts[0] 444455556666",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	if plan.Ready() {
		t.Error("plan with steps reports Ready")
	}
	offline := authmap.PlanFor(current, nil)
	if len(offline.Create) != 4 || len(offline.Manual) != 3 {
		t.Errorf("offline plan: %d creates, %d manual", len(offline.Create), len(offline.Manual))
	}
	done := authmap.PlanFor(authmap.Mappings{Users: current.Users}, []authmap.ExistingEntry{{PrincipalARN: aliceUser, Type: authmap.EntryStandard, Username: "alice", KubernetesGroups: []string{"viewers"}}})
	if !done.Ready() || !strings.Contains(done.String(), "ready:") {
		t.Errorf("satisfied plan not ready: %s", done)
	}
}

func TestRemoveAccessEntries(t *testing.T) {
	f := newFakeEKS("demo")
	f.put(devRole, authmap.EntryStandard, "dev", nil)
	f.put(aliceUser, authmap.EntryStandard, "alice", nil)
	got, err := authmap.RemoveAccessEntries(context.Background(), f, "demo", []string{"arn:aws:iam::111122223333:role/team/developer", "arn:aws:iam::111122223333:user/nobody"})
	if err != nil || !slices.Equal(got, []string{devRole}) || len(f.entries) != 1 {
		t.Errorf("removed %v, %v; left %d", got, err, len(f.entries))
	}
}
