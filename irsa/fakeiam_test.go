package irsa

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

// fakeIAM models the documented behaviour of the IAM operations the package
// uses: NoSuchEntity for missing roles, policies and providers;
// EntityAlreadyExists on a second create; LimitExceeded (ACLSizePerRole) for a
// trust policy over the account's quota; MalformedPolicyDocument for a trust
// policy naming a principal IAM cannot see; DeleteConflict when deleting a role
// that still has policies; documents returned URL-encoded; UpdateRole
// resetting an omitted MaxSessionDuration to one hour; paginated lists. It
// also models eventual consistency: a new role is invisible to the next
// roleLag calls that name it, and a principal listed in lagPrincipals is
// invalid for its first N uses.
type fakeIAM struct {
	mu sync.Mutex

	account   string
	quota     int             // ACLSizePerRole; 0 = 2048
	policies  map[string]bool // managed policies that exist
	roles     map[string]*fakeRole
	providers map[string]*fakeProvider // by ARN

	roleLag       int            // calls a new role stays invisible to
	lag           map[string]int // role name -> remaining invisible calls
	lagPrincipals map[string]int // principal ARN -> remaining refusals
	pageSize      int            // list page size; 0 = 100

	calls  []string // every call, in order
	writes []string // mutating calls that succeeded
	failOn map[string]error
}

type fakeRole struct {
	name, path, trust, description, boundary string
	maxSession                               int32
	tags                                     map[string]string
	attached                                 []string
	inline                                   map[string]string
}

type fakeProvider struct {
	url         string
	clientIDs   []string
	thumbprints []string
	tags        map[string]string
}

func newFakeIAM() *fakeIAM {
	return &fakeIAM{account: "123456789012", policies: map[string]bool{}, roles: map[string]*fakeRole{},
		providers: map[string]*fakeProvider{}, lag: map[string]int{}, lagPrincipals: map[string]int{}, failOn: map[string]error{}}
}

func (f *fakeIAM) begin(op string) error {
	f.calls = append(f.calls, op)
	return f.failOn[op]
}

func (f *fakeIAM) wrote(op string) { f.writes = append(f.writes, op) }

func noSuchEntity(format string, a ...any) error {
	return &types.NoSuchEntityException{Message: aws.String(fmt.Sprintf(format, a...))}
}

// role returns a visible role or NoSuchEntity; it consumes eventual-consistency lag.
func (f *fakeIAM) role(name string) (*fakeRole, error) {
	r, ok := f.roles[aws.ToString(&name)]
	if !ok {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	if f.lag[name] > 0 {
		f.lag[name]--
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

func (f *fakeIAM) roleARN(r *fakeRole) string {
	return "arn:aws:iam::" + f.account + ":role" + r.path + r.name
}

// checkTrust applies IAM's trust-policy checks: grammar, quota, principals.
func (f *fakeIAM) checkTrust(doc string) error {
	d, err := iampolicy.Parse([]byte(doc))
	if err != nil {
		return &types.MalformedPolicyDocumentException{Message: aws.String("This policy contains invalid Json")}
	}
	quota := f.quota
	if quota == 0 {
		quota = 2048
	}
	if n, _ := d.Size(); n > quota {
		return &types.LimitExceededException{Message: aws.String(fmt.Sprintf("Cannot exceed quota for ACLSizePerRole: %d", quota))}
	}
	for _, st := range d.Statement {
		if st.Principal == nil {
			continue
		}
		for _, p := range st.Principal.Federated {
			if f.lagPrincipals[p] > 0 {
				f.lagPrincipals[p]--
				return &types.MalformedPolicyDocumentException{Message: aws.String("Invalid principal in policy: \"Federated\":\"" + p + "\"")}
			}
		}
	}
	return nil
}

func (f *fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetRole"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	return &iam.GetRoleOutput{Role: f.view(r)}, nil
}

// view is the role as IAM returns it: the trust policy URL-encoded.
func (f *fakeIAM) view(r *fakeRole) *types.Role {
	out := &types.Role{RoleName: aws.String(r.name), Path: aws.String(r.path), Arn: aws.String(f.roleARN(r)),
		AssumeRolePolicyDocument: aws.String(url.QueryEscape(r.trust)), MaxSessionDuration: aws.Int32(r.maxSession)}
	if r.description != "" {
		out.Description = aws.String(r.description)
	}
	if r.boundary != "" {
		out.PermissionsBoundary = &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String(r.boundary),
			PermissionsBoundaryType: types.PermissionsBoundaryAttachmentTypePolicy}
	}
	out.Tags = iamTags(r.tags)
	return out
}

func (f *fakeIAM) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("CreateRole"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.RoleName)
	if _, ok := f.roles[name]; ok {
		return nil, &types.EntityAlreadyExistsException{Message: aws.String("Role with name " + name + " already exists.")}
	}
	if err := f.checkTrust(aws.ToString(in.AssumeRolePolicyDocument)); err != nil {
		return nil, err
	}
	r := &fakeRole{name: name, path: "/", trust: aws.ToString(in.AssumeRolePolicyDocument), description: aws.ToString(in.Description),
		boundary: aws.ToString(in.PermissionsBoundary), maxSession: 3600, tags: map[string]string{}, inline: map[string]string{}}
	if in.Path != nil {
		r.path = *in.Path
	}
	if in.MaxSessionDuration != nil {
		r.maxSession = *in.MaxSessionDuration
	}
	for _, t := range in.Tags {
		r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.roles[name] = r
	f.lag[name] = f.roleLag
	f.wrote("CreateRole")
	return &iam.CreateRoleOutput{Role: f.view(r)}, nil
}

func (f *fakeIAM) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("UpdateAssumeRolePolicy"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if err := f.checkTrust(aws.ToString(in.PolicyDocument)); err != nil {
		return nil, err
	}
	r.trust = aws.ToString(in.PolicyDocument)
	f.wrote("UpdateAssumeRolePolicy")
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (f *fakeIAM) UpdateRole(_ context.Context, in *iam.UpdateRoleInput, _ ...func(*iam.Options)) (*iam.UpdateRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("UpdateRole"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if in.Description != nil {
		r.description = *in.Description
	}
	r.maxSession = 3600 // documented: omitted means one hour
	if in.MaxSessionDuration != nil {
		r.maxSession = *in.MaxSessionDuration
	}
	f.wrote("UpdateRole")
	return &iam.UpdateRoleOutput{}, nil
}

func (f *fakeIAM) PutRolePermissionsBoundary(_ context.Context, in *iam.PutRolePermissionsBoundaryInput, _ ...func(*iam.Options)) (*iam.PutRolePermissionsBoundaryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("PutRolePermissionsBoundary"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if !f.policies[aws.ToString(in.PermissionsBoundary)] {
		return nil, noSuchEntity("Policy %s does not exist or is not attachable.", aws.ToString(in.PermissionsBoundary))
	}
	r.boundary = aws.ToString(in.PermissionsBoundary)
	f.wrote("PutRolePermissionsBoundary")
	return &iam.PutRolePermissionsBoundaryOutput{}, nil
}

func (f *fakeIAM) DeleteRolePermissionsBoundary(_ context.Context, in *iam.DeleteRolePermissionsBoundaryInput, _ ...func(*iam.Options)) (*iam.DeleteRolePermissionsBoundaryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteRolePermissionsBoundary"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	r.boundary = ""
	f.wrote("DeleteRolePermissionsBoundary")
	return &iam.DeleteRolePermissionsBoundaryOutput{}, nil
}

func (f *fakeIAM) TagRole(_ context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (*iam.TagRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("TagRole"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.wrote("TagRole")
	return &iam.TagRoleOutput{}, nil
}

func (f *fakeIAM) UntagRole(_ context.Context, in *iam.UntagRoleInput, _ ...func(*iam.Options)) (*iam.UntagRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("UntagRole"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(r.tags, k)
	}
	f.wrote("UntagRole")
	return &iam.UntagRoleOutput{}, nil
}

// page returns items[from:from+size] and the next marker ("" at the end).
func (f *fakeIAM) page(items []string, marker *string) ([]string, bool, *string) {
	size := f.pageSize
	if size == 0 {
		size = 100
	}
	from := 0
	if marker != nil {
		fmt.Sscan(*marker, &from)
	}
	to := min(from+size, len(items))
	if to < len(items) {
		return items[from:to], true, aws.String(fmt.Sprint(to))
	}
	return items[from:to], false, nil
}

func (f *fakeIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListAttachedRolePolicies"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	items, more, next := f.page(r.attached, in.Marker)
	out := &iam.ListAttachedRolePoliciesOutput{IsTruncated: more, Marker: next}
	for _, a := range items {
		out.AttachedPolicies = append(out.AttachedPolicies, types.AttachedPolicy{PolicyArn: aws.String(a), PolicyName: aws.String(a[strings.LastIndex(a, "/")+1:])})
	}
	return out, nil
}

func (f *fakeIAM) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("AttachRolePolicy"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	a := aws.ToString(in.PolicyArn)
	if !f.policies[a] {
		return nil, noSuchEntity("Policy %s does not exist or is not attachable.", a)
	}
	if !slices.Contains(r.attached, a) { // attaching twice is a no-op in IAM
		r.attached = append(r.attached, a)
	}
	f.wrote("AttachRolePolicy")
	return &iam.AttachRolePolicyOutput{}, nil
}

func (f *fakeIAM) DetachRolePolicy(_ context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DetachRolePolicy"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	a := aws.ToString(in.PolicyArn)
	i := slices.Index(r.attached, a)
	if i < 0 {
		return nil, noSuchEntity("Policy %s was not found.", a)
	}
	r.attached = slices.Delete(r.attached, i, i+1)
	f.wrote("DetachRolePolicy")
	return &iam.DetachRolePolicyOutput{}, nil
}

func (f *fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListRolePolicies"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	items, more, next := f.page(slices.Sorted(maps.Keys(r.inline)), in.Marker)
	return &iam.ListRolePoliciesOutput{PolicyNames: items, IsTruncated: more, Marker: next}, nil
}

func (f *fakeIAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetRolePolicy"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	doc, ok := r.inline[aws.ToString(in.PolicyName)]
	if !ok {
		return nil, noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
	}
	return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(url.QueryEscape(doc))}, nil
}

func (f *fakeIAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("PutRolePolicy"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if _, err := iampolicy.Parse([]byte(aws.ToString(in.PolicyDocument))); err != nil {
		return nil, &types.MalformedPolicyDocumentException{Message: aws.String("Syntax errors in policy.")}
	}
	r.inline[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
	f.wrote("PutRolePolicy")
	return &iam.PutRolePolicyOutput{}, nil
}

func (f *fakeIAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteRolePolicy"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if _, ok := r.inline[aws.ToString(in.PolicyName)]; !ok {
		return nil, noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
	}
	delete(r.inline, aws.ToString(in.PolicyName))
	f.wrote("DeleteRolePolicy")
	return &iam.DeleteRolePolicyOutput{}, nil
}

func (f *fakeIAM) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteRole"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if len(r.attached) > 0 || len(r.inline) > 0 {
		return nil, &types.DeleteConflictException{Message: aws.String("Cannot delete entity, must detach all policies first.")}
	}
	delete(f.roles, r.name)
	f.wrote("DeleteRole")
	return &iam.DeleteRoleOutput{}, nil
}

func (f *fakeIAM) providerARN(u string) string {
	return "arn:aws:iam::" + f.account + ":oidc-provider/" + strings.TrimPrefix(u, "https://")
}

func (f *fakeIAM) ListOpenIDConnectProviders(context.Context, *iam.ListOpenIDConnectProvidersInput, ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListOpenIDConnectProviders"); err != nil {
		return nil, err
	}
	out := &iam.ListOpenIDConnectProvidersOutput{}
	for _, a := range slices.Sorted(maps.Keys(f.providers)) {
		out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, types.OpenIDConnectProviderListEntry{Arn: aws.String(a)})
	}
	return out, nil
}

func (f *fakeIAM) provider(arn *string) (*fakeProvider, error) {
	p, ok := f.providers[aws.ToString(arn)]
	if !ok {
		return nil, noSuchEntity("OpenIDConnect Provider not found for arn %s", aws.ToString(arn))
	}
	return p, nil
}

func (f *fakeIAM) GetOpenIDConnectProvider(_ context.Context, in *iam.GetOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	// IAM returns the URL without its scheme.
	return &iam.GetOpenIDConnectProviderOutput{Url: aws.String(strings.TrimPrefix(p.url, "https://")), ClientIDList: slices.Clone(p.clientIDs),
		ThumbprintList: slices.Clone(p.thumbprints), Tags: iamTags(p.tags)}, nil
}

// autoThumbprint is what IAM stores when a provider is created without one:
// the thumbprint of the issuer's top intermediate CA, which it fetches itself.
const autoThumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"

func (f *fakeIAM) CreateOpenIDConnectProvider(_ context.Context, in *iam.CreateOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.CreateOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("CreateOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	u := aws.ToString(in.Url)
	if !strings.HasPrefix(u, "https://") {
		return nil, &types.InvalidInputException{Message: aws.String("The URL must begin with https://")}
	}
	arn := f.providerARN(u)
	if _, ok := f.providers[arn]; ok {
		return nil, &types.EntityAlreadyExistsException{Message: aws.String("Provider with url " + u + " already exists.")}
	}
	p := &fakeProvider{url: u, clientIDs: slices.Clone(in.ClientIDList), thumbprints: slices.Clone(in.ThumbprintList), tags: map[string]string{}}
	if len(p.thumbprints) == 0 {
		p.thumbprints = []string{autoThumbprint}
	}
	for _, t := range in.Tags {
		p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.providers[arn] = p
	f.wrote("CreateOpenIDConnectProvider")
	return &iam.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: aws.String(arn)}, nil
}

func (f *fakeIAM) AddClientIDToOpenIDConnectProvider(_ context.Context, in *iam.AddClientIDToOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.AddClientIDToOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("AddClientIDToOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(p.clientIDs, aws.ToString(in.ClientID)) {
		p.clientIDs = append(p.clientIDs, aws.ToString(in.ClientID))
	}
	f.wrote("AddClientIDToOpenIDConnectProvider")
	return &iam.AddClientIDToOpenIDConnectProviderOutput{}, nil
}

func (f *fakeIAM) RemoveClientIDFromOpenIDConnectProvider(_ context.Context, in *iam.RemoveClientIDFromOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.RemoveClientIDFromOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("RemoveClientIDFromOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	p.clientIDs = slices.DeleteFunc(p.clientIDs, func(c string) bool { return c == aws.ToString(in.ClientID) })
	f.wrote("RemoveClientIDFromOpenIDConnectProvider")
	return &iam.RemoveClientIDFromOpenIDConnectProviderOutput{}, nil
}

func (f *fakeIAM) UpdateOpenIDConnectProviderThumbprint(_ context.Context, in *iam.UpdateOpenIDConnectProviderThumbprintInput, _ ...func(*iam.Options)) (*iam.UpdateOpenIDConnectProviderThumbprintOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("UpdateOpenIDConnectProviderThumbprint"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	p.thumbprints = slices.Clone(in.ThumbprintList)
	f.wrote("UpdateOpenIDConnectProviderThumbprint")
	return &iam.UpdateOpenIDConnectProviderThumbprintOutput{}, nil
}

func (f *fakeIAM) TagOpenIDConnectProvider(_ context.Context, in *iam.TagOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.TagOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("TagOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.wrote("TagOpenIDConnectProvider")
	return &iam.TagOpenIDConnectProviderOutput{}, nil
}

func (f *fakeIAM) UntagOpenIDConnectProvider(_ context.Context, in *iam.UntagOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.UntagOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("UntagOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(p.tags, k)
	}
	f.wrote("UntagOpenIDConnectProvider")
	return &iam.UntagOpenIDConnectProviderOutput{}, nil
}

func (f *fakeIAM) DeleteOpenIDConnectProvider(_ context.Context, in *iam.DeleteOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.DeleteOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	if _, err := f.provider(in.OpenIDConnectProviderArn); err != nil {
		return nil, err
	}
	delete(f.providers, aws.ToString(in.OpenIDConnectProviderArn))
	f.wrote("DeleteOpenIDConnectProvider")
	return &iam.DeleteOpenIDConnectProviderOutput{}, nil
}

// writeCount returns the number of successful writes so far.
func (f *fakeIAM) writeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.writes)
}

var (
	_ RoleAPI         = (*fakeIAM)(nil)
	_ OIDCProviderAPI = (*fakeIAM)(nil)
)
