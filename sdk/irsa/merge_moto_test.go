package irsa

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/fargatekit/fargatekit/internal/kubetest"
)

// motoPolicy creates a customer managed policy in moto and returns its ARN.
func motoPolicy(t *testing.T, api *iam.Client, name string) string {
	t.Helper()
	out, err := api.CreatePolicy(context.Background(), &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(inlineS3)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Policy.Arn)
}

// motoRoleState reads a role's attachments, inline policy names and tags.
func motoRoleState(t *testing.T, api *iam.Client, name string) (attached, inline []string, tags map[string]string, role *types.Role) {
	t.Helper()
	ctx := context.Background()
	var err error
	if attached, err = listAttached(ctx, api, name); err != nil {
		t.Fatal(err)
	}
	if inline, err = listInline(ctx, api, name); err != nil {
		t.Fatal(err)
	}
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if err != nil {
		t.Fatal(err)
	}
	tags = map[string]string{}
	tl, err := api.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: &name})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range tl.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	slices.Sort(attached)
	slices.Sort(inline)
	return attached, inline, tags, out.Role
}

// EnsureRole merges by default: another tool's tags, attachments, inline
// policies and boundary stay; only Remove or Authoritative take them off. All
// through the real IAM client against moto.
func TestEnsureRoleMergesOnMoto(t *testing.T) {
	ctx := context.Background()
	api := motoIAM(t)
	ours, theirs, boundary := motoPolicy(t, api, "ours"), motoPolicy(t, api, "theirs"), motoPolicy(t, api, "boundary")
	trust, _ := TrustPolicy(testProviderARN, sa("apps", "web"))
	// Another tool made the role first, with its own things.
	if _, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("web"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("made by terraform"), MaxSessionDuration: aws.Int32(7200), PermissionsBoundary: &boundary,
		Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("terraform")}, {Key: aws.String("team"), Value: aws.String("old")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("web"), PolicyArn: &theirs}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("web"), PolicyName: aws.String("theirs"), PolicyDocument: aws.String(inlineS3)}); err != nil {
		t.Fatal(err)
	}
	spec := RoleSpec{Name: "web", Trust: one(testProviderARN, sa("apps", "web")), PolicyARNs: []string{ours},
		InlinePolicies: map[string]string{"ours": inlineS3}, RoleSettings: RoleSettings{Tags: map[string]string{"team": "platform"}}}
	res, err := EnsureRole(ctx, api, spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || !slices.Equal(res.Changes, []string{"TagRole", "AttachRolePolicy " + ours, "PutRolePolicy ours"}) {
		t.Fatalf("changes %v", res.Changes)
	}
	attached, inline, tags, role := motoRoleState(t, api, "web")
	if want := sortedCopy(ours, theirs); !slices.Equal(attached, want) {
		t.Errorf("attached %v, want %v", attached, want)
	}
	if !slices.Equal(inline, []string{"ours", "theirs"}) || tags["owner"] != "terraform" || tags["team"] != "platform" || len(tags) != 2 {
		t.Errorf("inline %v tags %v", inline, tags)
	}
	if aws.ToString(role.Description) != "made by terraform" || aws.ToInt32(role.MaxSessionDuration) != 7200 ||
		role.PermissionsBoundary == nil || aws.ToString(role.PermissionsBoundary.PermissionsBoundaryArn) != boundary {
		t.Errorf("role attributes not kept: %+v", role)
	}
	// Idempotent: a second run writes nothing.
	if res, err := EnsureRole(ctx, api, spec, Options{}); err != nil || len(res.Changes) != 0 {
		t.Fatalf("second run: %v %v", res, err)
	}

	// What the caller names in Remove goes, even though it merges.
	spec.Remove = RoleRemovals{PolicyARNs: []string{theirs}, InlinePolicies: []string{"theirs"}, TagKeys: []string{"owner", "absent"}}
	res, err = EnsureRole(ctx, api, spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Changes, []string{"UntagRole", "DetachRolePolicy " + theirs, "DeleteRolePolicy theirs"}) {
		t.Fatalf("changes %v", res.Changes)
	}
	attached, inline, tags, _ = motoRoleState(t, api, "web")
	if !slices.Equal(attached, []string{ours}) || !slices.Equal(inline, []string{"ours"}) || len(tags) != 1 {
		t.Errorf("after Remove: %v %v %v", attached, inline, tags)
	}
	if res, err := EnsureRole(ctx, api, spec, Options{}); err != nil || len(res.Changes) != 0 {
		t.Fatalf("Remove is idempotent: %v %v", res, err)
	}

	// Authoritative: the spec is the whole role.
	if _, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("web"), PolicyArn: &theirs}); err != nil {
		t.Fatal(err)
	}
	spec.Remove, spec.Authoritative = RoleRemovals{}, true
	if _, err := EnsureRole(ctx, api, spec, Options{}); err != nil {
		t.Fatal(err)
	}
	attached, _, _, role = motoRoleState(t, api, "web")
	if !slices.Equal(attached, []string{ours}) || aws.ToString(role.Description) != "" || aws.ToInt32(role.MaxSessionDuration) != 3600 || role.PermissionsBoundary != nil {
		t.Errorf("authoritative: %v %+v", attached, role)
	}
}

func sortedCopy(xs ...string) []string {
	slices.Sort(xs)
	return xs
}

// EnsureOIDCProvider keeps the client IDs, thumbprints and tags other tools
// added; Authoritative replaces them. moto lacks Add/RemoveClientID, so the
// provider starts with the STS audience here, and the client-ID writes are
// tested on the IAM fake (TestEnsureOIDCProviderMergesClientIDs).
func TestEnsureOIDCProviderMergesOnMoto(t *testing.T) {
	ctx := context.Background()
	api := motoIAM(t)
	theirs := strings.Repeat("a", 40)
	if _, err := api.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(testIssuerURL),
		ClientIDList: []string{"other-tool", Audience}, ThumbprintList: []string{theirs}, Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("eksctl")}}}); err != nil {
		t.Fatal(err)
	}
	ours := strings.Repeat("b", 40)
	spec := OIDCProviderSpec{IssuerURL: testIssuerURL, Thumbprints: []string{ours}, Tags: map[string]string{"cluster": "demo"}}
	res, err := EnsureOIDCProvider(ctx, api, spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || res.ARN != testProviderARN || len(res.Changes) != 2 {
		t.Fatalf("%+v", res)
	}
	get := func() *iam.GetOpenIDConnectProviderOutput {
		out, err := api.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(testProviderARN)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	p := get()
	tags := map[string]string{}
	for _, tg := range p.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if !sameSet(p.ClientIDList, []string{"other-tool", Audience}) || !sameFold(p.ThumbprintList, []string{theirs, ours}) ||
		tags["owner"] != "eksctl" || tags["cluster"] != "demo" {
		t.Fatalf("not merged: %+v", p)
	}
	if res, err := EnsureOIDCProvider(ctx, api, spec, Options{}); err != nil || len(res.Changes) != 0 {
		t.Fatalf("second run: %+v %v", res, err)
	}
	spec.Authoritative, spec.ClientIDs = true, []string{"other-tool", Audience}
	if _, err := EnsureOIDCProvider(ctx, api, spec, Options{}); err != nil {
		t.Fatal(err)
	}
	p = get()
	if !sameFold(p.ThumbprintList, []string{ours}) || len(p.Tags) != 1 {
		t.Fatalf("authoritative: %+v", p)
	}
}

// The client-ID half of the merge, on the IAM fake (moto lacks the calls):
// the STS audience is added, another tool's client ID kept; Authoritative
// removes it.
func TestEnsureOIDCProviderMergesClientIDs(t *testing.T) {
	ctx := context.Background()
	f := newFakeIAM()
	if _, err := f.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(testIssuerURL), ClientIDList: []string{"other-tool"}}); err != nil {
		t.Fatal(err)
	}
	res, err := EnsureOIDCProvider(ctx, f, OIDCProviderSpec{IssuerURL: testIssuerURL}, Options{})
	if err != nil || !slices.Equal(res.Changes, []string{"AddClientIDToOpenIDConnectProvider " + Audience}) {
		t.Fatalf("%+v %v", res, err)
	}
	if got := f.Providers[testProviderARN].ClientIDs; !sameSet(got, []string{"other-tool", Audience}) {
		t.Fatalf("client IDs %v", got)
	}
	before := f.WriteCount()
	if _, err := EnsureOIDCProvider(ctx, f, OIDCProviderSpec{IssuerURL: testIssuerURL}, Options{}); err != nil || f.WriteCount() != before {
		t.Fatalf("second run: %v %v", err, f.Writes[before:])
	}
	if _, err := EnsureOIDCProvider(ctx, f, OIDCProviderSpec{IssuerURL: testIssuerURL, Authoritative: true}, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := f.Providers[testProviderARN].ClientIDs; !slices.Equal(got, []string{Audience}) {
		t.Fatalf("authoritative: %v", got)
	}
}

// One call makes the role, its trust, its attachment and the annotated
// ServiceAccount (moto's IAM, the real API server), a second writes nothing,
// and the chain it built verifies.
func TestEnsureServiceAccountRoleMotoRealServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	issuer := kubetest.Issuer(t, cfg)
	api := motoIAM(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	prov, err := EnsureOIDCProvider(ctx, api, OIDCProviderSpec{IssuerURL: issuer, Thumbprints: []string{strings.Repeat("c", 40)}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	policy := motoPolicy(t, api, "reports")
	spec := ServiceAccountRoleSpec{ServiceAccount: sa(ns, "reports"), ProviderARN: prov.ARN, PolicyARNs: []string{policy},
		Annotate: AnnotateOptions{RegionalSTSEndpoints: true}}
	res, err := EnsureServiceAccountRole(ctx, api, cs, spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:iam::123456789012:role/" + DefaultRoleName(spec.ServiceAccount)
	if !res.Role.Created || res.Role.ARN != wantARN || res.ServiceAccount.Annotations[AnnotationRoleARN] != wantARN ||
		res.ServiceAccount.Annotations[AnnotationSTSRegionalEndpoints] != "true" {
		t.Fatalf("%+v %+v", res.Role, res.ServiceAccount.Annotations)
	}
	if attached, _, _, _ := motoRoleState(t, api, DefaultRoleName(spec.ServiceAccount)); !slices.Equal(attached, []string{policy}) {
		t.Errorf("attached %v", attached)
	}
	again, err := EnsureServiceAccountRole(ctx, api, cs, spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Role.Changes) != 0 || again.ServiceAccount.ResourceVersion != res.ServiceAccount.ResourceVersion {
		t.Fatalf("second run: changes %v, resourceVersion %s -> %s", again.Role.Changes, res.ServiceAccount.ResourceVersion, again.ServiceAccount.ResourceVersion)
	}
	chain, err := VerifyChain(ctx, cs, api, spec.ServiceAccount, ChainOptions{RoleARN: wantARN})
	if err != nil {
		t.Fatal(err)
	}
	if !chain.OK() {
		t.Fatalf("chain:\n%s", chain)
	}
	// Refused whole before any call: a wildcard account and a bad policy ARN.
	_, err = EnsureServiceAccountRole(ctx, api, cs, ServiceAccountRoleSpec{ServiceAccount: sa(ns, "x-*"), ProviderARN: prov.ARN, PolicyARNs: []string{"nope"}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "wildcard") || !strings.Contains(err.Error(), "policy ARN") {
		t.Fatalf("refusal: %v", err)
	}
}

func TestDefaultRoleName(t *testing.T) {
	if got := DefaultRoleName(sa("apps", "web")); got != "irsa-apps-web" {
		t.Errorf("%q", got)
	}
	long := sa("a-very-long-namespace-name-for-testing", "and-an-even-longer-service-account-name")
	got := DefaultRoleName(long)
	if len(got) > 64 || ValidateRoleName(got) != nil || got == DefaultRoleName(sa("a-very-long-namespace-name-for-testing", "and-an-even-longer-service-account-name2")) {
		t.Errorf("%q", got)
	}
}
