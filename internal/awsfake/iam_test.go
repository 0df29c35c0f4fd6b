package awsfake

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const (
	account  = "123456789012"
	provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
	trust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
)

func createRole(t *testing.T, f *IAM, name string) {
	t.Helper()
	if _, err := f.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
}

func TestIAMRoleLifecycle(t *testing.T) {
	ctx := context.Background()
	f := NewIAM(account)
	f.AddPolicies(readOnly)
	out, err := f.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), Path: aws.String("/irsa/"),
		AssumeRolePolicyDocument: aws.String(trust), Tags: []types.Tag{{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("1")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.Role.Arn); got != "arn:aws:iam::123456789012:role/irsa/r" {
		t.Errorf("ARN %s", got)
	}
	if aws.ToInt32(out.Role.MaxSessionDuration) != 3600 || aws.ToString(out.Role.Tags[0].Key) != "a" {
		t.Errorf("defaults or tag order: %+v", out.Role)
	}
	// Documents come back URL-encoded.
	got, err := f.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	if err != nil {
		t.Fatal(err)
	}
	if doc := aws.ToString(got.Role.AssumeRolePolicyDocument); doc == trust || func() string { s, _ := url.QueryUnescape(doc); return s }() != trust {
		t.Errorf("trust policy not URL-encoded: %s", doc)
	}
	var exists *types.EntityAlreadyExistsException
	if _, err := f.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); !errors.As(err, &exists) {
		t.Errorf("second create: %v", err)
	}
	// UpdateRole without MaxSessionDuration resets it to an hour.
	if _, err := f.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(7200)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("r"), Description: aws.String("d")}); err != nil {
		t.Fatal(err)
	}
	if r := f.Roles["r"]; r.MaxSessionDuration != 3600 || r.Description != "d" {
		t.Errorf("after UpdateRole: %+v", r)
	}
	// Only existing policies attach; a role with policies cannot be deleted.
	var nse *types.NoSuchEntityException
	if _, err := f.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")}); !errors.As(err, &nse) {
		t.Errorf("missing policy attached: %v", err)
	}
	for range 2 {
		if _, err := f.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(readOnly)}); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(f.Roles["r"].Attached, []string{readOnly}) {
		t.Errorf("attached %v", f.Roles["r"].Attached)
	}
	var conflict *types.DeleteConflictException
	if _, err := f.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")}); !errors.As(err, &conflict) {
		t.Errorf("delete with policies: %v", err)
	}
	if _, err := f.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(readOnly)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}); !errors.As(err, &nse) {
		t.Errorf("deleted role: %v", err)
	}
	want := []string{"CreateRole", "UpdateRole", "UpdateRole", "AttachRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "DeleteRole"}
	if !slices.Equal(f.Writes, want) || f.WriteCount() != len(want) {
		t.Errorf("writes %v", f.Writes)
	}
	if len(f.Calls) != len(want)+5 {
		t.Errorf("calls %v", f.Calls)
	}
}

func TestIAMTrustChecks(t *testing.T) {
	ctx := context.Background()
	create := func(f *IAM, doc string) error {
		_, err := f.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc)})
		return err
	}
	var mal *types.MalformedPolicyDocumentException
	var lim *types.LimitExceededException
	f := NewIAM(account)
	if err := create(f, "{"); !errors.As(err, &mal) {
		t.Errorf("bad JSON: %v", err)
	}
	big := strings.Replace(trust, `"Action"`, `"Sid":"`+strings.Repeat("x", 2048)+`","Action"`, 1)
	if err := create(f, big); !errors.As(err, &lim) || !strings.Contains(err.Error(), "ACLSizePerRole: 2048") {
		t.Errorf("over quota: %v", err)
	}
	f.Quota = 4096
	if err := create(f, big); err != nil {
		t.Errorf("raised quota: %v", err)
	}
	// A principal IAM cannot see yet is refused as many times as told.
	f = NewIAM(account)
	f.LagPrincipals[provider] = 2
	for i := range 2 {
		if err := create(f, trust); !errors.As(err, &mal) || !strings.Contains(err.Error(), "Invalid principal") {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if err := create(f, trust); err != nil {
		t.Fatal(err)
	}
	if len(f.Roles) != 1 || f.WriteCount() != 1 {
		t.Errorf("roles %v writes %v", f.Roles, f.Writes)
	}
}

func TestIAMEventualConsistency(t *testing.T) {
	ctx := context.Background()
	f := NewIAM(account)
	f.RoleLag = 2
	createRole(t, f, "r")
	var nse *types.NoSuchEntityException
	for i := range 2 {
		if _, err := f.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}); !errors.As(err, &nse) {
			t.Fatalf("call %d saw the new role: %v", i, err)
		}
	}
	if _, err := f.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}); err != nil {
		t.Fatal(err)
	}
	// A test hides an existing role; CreateRole still reports it exists.
	f.Lag["r"] = 1
	var exists *types.EntityAlreadyExistsException
	if _, err := f.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); !errors.As(err, &exists) {
		t.Errorf("create of a hidden role: %v", err)
	}
}

func TestIAMPaging(t *testing.T) {
	ctx := context.Background()
	f := NewIAM(account)
	f.PageSize = 2
	createRole(t, f, "r")
	var policies, inline []string
	for _, p := range []string{"a", "b", "c", "d", "e"} {
		a := "arn:aws:iam::123456789012:policy/" + p
		policies = append(policies, a)
		f.AddPolicies(a)
		if _, err := f.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(a)}); err != nil {
			t.Fatal(err)
		}
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
		if _, err := f.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(p), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
		inline = append(inline, p)
	}
	var got []string
	pages := 0
	ap := iam.NewListAttachedRolePoliciesPaginator(f, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("r")})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, p := range page.AttachedPolicies {
			got = append(got, aws.ToString(p.PolicyArn))
		}
	}
	if !slices.Equal(got, policies) || pages != 3 {
		t.Errorf("%d pages: %v", pages, got)
	}
	got, pages = nil, 0
	ip := iam.NewListRolePoliciesPaginator(f, &iam.ListRolePoliciesInput{RoleName: aws.String("r")})
	for ip.HasMorePages() {
		page, err := ip.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, page.PolicyNames...)
	}
	if !slices.Equal(got, inline) || pages != 3 {
		t.Errorf("%d pages: %v", pages, got)
	}
	var mal *types.MalformedPolicyDocumentException
	if _, err := f.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("x"), PolicyDocument: aws.String("[")}); !errors.As(err, &mal) {
		t.Errorf("bad inline policy: %v", err)
	}
}

func TestIAMOIDCProvider(t *testing.T) {
	ctx := context.Background()
	f := NewIAM(account)
	var invalid *types.InvalidInputException
	if _, err := f.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("http://x")}); !errors.As(err, &invalid) {
		t.Errorf("http URL: %v", err)
	}
	issuer := "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"
	out, err := f.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if arn := aws.ToString(out.OpenIDConnectProviderArn); arn != provider || arn != f.ProviderARN(issuer) {
		t.Fatalf("ARN %s", arn)
	}
	var exists *types.EntityAlreadyExistsException
	if _, err := f.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer)}); !errors.As(err, &exists) {
		t.Errorf("second create: %v", err)
	}
	got, err := f.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provider)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Url) != strings.TrimPrefix(issuer, "https://") || !slices.Equal(got.ThumbprintList, []string{AutoThumbprint}) {
		t.Errorf("%+v", got)
	}
	list, _ := f.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if len(list.OpenIDConnectProviderList) != 1 {
		t.Errorf("list %+v", list)
	}
	if _, err := f.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provider)}); err != nil {
		t.Fatal(err)
	}
	var nse *types.NoSuchEntityException
	if _, err := f.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provider)}); !errors.As(err, &nse) {
		t.Errorf("second delete: %v", err)
	}
}

func TestIAMFailOnAndPartition(t *testing.T) {
	f := NewIAM(account)
	f.Partition = "aws-cn"
	boom := &types.ServiceFailureException{Message: aws.String("boom")}
	f.FailOn["CreateRole"] = boom
	if _, err := f.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); !errors.Is(err, boom) {
		t.Errorf("err %v", err)
	}
	if len(f.Roles) != 0 || !slices.Equal(f.Calls, []string{"CreateRole"}) || f.WriteCount() != 0 {
		t.Errorf("failed call had effects: %v %v", f.Roles, f.Writes)
	}
	delete(f.FailOn, "CreateRole")
	createRole(t, f, "r")
	if got := f.RoleARN(f.Roles["r"]); got != "arn:aws-cn:iam::123456789012:role/r" {
		t.Errorf("ARN %s", got)
	}
}
