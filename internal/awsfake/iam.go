package awsfake

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

// IAM is an in-memory IAM account. It models the documented behaviour of the
// role and OpenID Connect provider operations: NoSuchEntity for missing roles,
// policies and providers; EntityAlreadyExists on a second create; LimitExceeded
// (ACLSizePerRole) for a trust policy over the account's quota;
// MalformedPolicyDocument for a document that does not parse or a trust policy
// naming a principal IAM cannot see yet; DeleteConflict when deleting a role
// that still has policies; documents returned URL-encoded; UpdateRole
// resetting an omitted MaxSessionDuration to one hour; paginated lists with an
// opaque Marker. It also models eventual consistency: a new role is invisible
// to the next RoleLag calls that name it (see Lag), and a principal listed in
// LagPrincipals is refused for its first N uses.
//
// The zero value is not usable: create one with [NewIAM].
type IAM struct {
	mu sync.Mutex

	// Account is the 12-digit account ID in the ARNs the fake returns.
	Account string
	// Partition is the partition in those ARNs; "" means aws.
	Partition string
	// Quota is the account's ACLSizePerRole quota, the most characters a
	// trust policy may have (whitespace outside strings not counted); 0 means
	// IAM's default, 2048.
	Quota int
	// Policies holds the ARNs of the managed policies that exist: only these
	// can be attached or set as a permissions boundary. See [IAM.AddPolicies].
	Policies map[string]bool
	// Roles holds the account's roles by name.
	Roles map[string]*Role
	// Providers holds the account's OpenID Connect providers by ARN.
	Providers map[string]*OIDCProvider

	// RoleLag is how many calls naming a role created by CreateRole find it
	// missing (NoSuchEntity) before it becomes visible.
	RoleLag int
	// Lag is, by role name, how many more calls naming the role will find it
	// missing; CreateRole sets it to RoleLag, and a test may set it directly
	// (for example to hide a role another process has just created).
	Lag map[string]int
	// LagPrincipals is, by federated principal ARN, how many more trust
	// policies naming it IAM refuses with MalformedPolicyDocument ("Invalid
	// principal"), as for an OIDC provider created moments ago.
	LagPrincipals map[string]int
	// PageSize is the number of items a list call returns at most; 0 means
	// IAM's default, 100.
	PageSize int

	// Calls lists every operation called, by name, in order.
	Calls []string
	// Writes lists the mutating operations that succeeded, in order.
	Writes []string
	// FailOn makes the named operation fail with the error, before it has any
	// effect (the call is still recorded in Calls).
	FailOn map[string]error
}

// Role is a role as the fake IAM stores it.
type Role struct {
	// Name and Path make up the role's ARN; Path is "/" unless given.
	Name, Path string
	// Trust is the trust policy (AssumeRolePolicyDocument) as written, not
	// URL-encoded.
	Trust string
	// Description is the role's description.
	Description string
	// Boundary is the ARN of the permissions boundary, "" for none.
	Boundary string
	// MaxSessionDuration is in seconds; IAM's default is 3600.
	MaxSessionDuration int32
	// Tags are the role's tags.
	Tags map[string]string
	// Attached lists the ARNs of the attached managed policies, in attach order.
	Attached []string
	// Inline holds the inline policies by name, as written.
	Inline map[string]string
}

// OIDCProvider is an OpenID Connect provider as the fake IAM stores it.
type OIDCProvider struct {
	// URL is the issuer URL, with its https:// scheme.
	URL string
	// ClientIDs are the audiences the provider accepts.
	ClientIDs []string
	// Thumbprints are the server certificate thumbprints; [AutoThumbprint]
	// when the provider was created without one.
	Thumbprints []string
	// Tags are the provider's tags.
	Tags map[string]string
}

// AutoThumbprint is what IAM stores when an OIDC provider is created without a
// thumbprint: the thumbprint of the issuer's top intermediate CA, which IAM
// fetches itself.
const AutoThumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"

// NewIAM returns an empty IAM account with the given 12-digit account ID: no
// roles, providers or managed policies, no lag, default quota and page size.
func NewIAM(account string) *IAM {
	return &IAM{Account: account, Policies: map[string]bool{}, Roles: map[string]*Role{}, Providers: map[string]*OIDCProvider{},
		Lag: map[string]int{}, LagPrincipals: map[string]int{}, FailOn: map[string]error{}}
}

// AddPolicies makes managed policies exist, so that roles can attach them or
// use them as a permissions boundary.
func (f *IAM) AddPolicies(arns ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range arns {
		f.Policies[a] = true
	}
}

// WriteCount returns the number of mutating operations that succeeded so far.
func (f *IAM) WriteCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.Writes)
}

// RoleARN returns the ARN of the role.
func (f *IAM) RoleARN(r *Role) string {
	return "arn:" + f.partition() + ":iam::" + f.Account + ":role" + r.Path + r.Name
}

// ProviderARN returns the ARN IAM gives the OpenID Connect provider of an
// issuer URL (with or without its https:// scheme).
func (f *IAM) ProviderARN(issuerURL string) string {
	return "arn:" + f.partition() + ":iam::" + f.Account + ":oidc-provider/" + strings.TrimPrefix(issuerURL, "https://")
}

func (f *IAM) partition() string {
	if f.Partition == "" {
		return "aws"
	}
	return f.Partition
}

func (f *IAM) begin(op string) error {
	f.Calls = append(f.Calls, op)
	return f.FailOn[op]
}

func (f *IAM) wrote(op string) { f.Writes = append(f.Writes, op) }

func noSuchEntity(format string, a ...any) error {
	return &types.NoSuchEntityException{Message: aws.String(fmt.Sprintf(format, a...))}
}

// role returns a visible role or NoSuchEntity; it consumes eventual-consistency lag.
func (f *IAM) role(name string) (*Role, error) {
	r, ok := f.Roles[name]
	if !ok {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	if f.Lag[name] > 0 {
		f.Lag[name]--
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

// checkTrust applies IAM's trust-policy checks: grammar, quota, principals.
func (f *IAM) checkTrust(doc string) error {
	d, err := iampolicy.Parse([]byte(doc))
	if err != nil {
		return &types.MalformedPolicyDocumentException{Message: aws.String("This policy contains invalid Json")}
	}
	quota := f.Quota
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
			if f.LagPrincipals[p] > 0 {
				f.LagPrincipals[p]--
				return &types.MalformedPolicyDocumentException{Message: aws.String("Invalid principal in policy: \"Federated\":\"" + p + "\"")}
			}
		}
	}
	return nil
}

// view is the role as IAM returns it: the trust policy URL-encoded.
func (f *IAM) view(r *Role) *types.Role {
	out := &types.Role{RoleName: aws.String(r.Name), Path: aws.String(r.Path), Arn: aws.String(f.RoleARN(r)),
		AssumeRolePolicyDocument: aws.String(url.QueryEscape(r.Trust)), MaxSessionDuration: aws.Int32(r.MaxSessionDuration)}
	if r.Description != "" {
		out.Description = aws.String(r.Description)
	}
	if r.Boundary != "" {
		out.PermissionsBoundary = &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String(r.Boundary),
			PermissionsBoundaryType: types.PermissionsBoundaryAttachmentTypePolicy}
	}
	out.Tags = tags(r.Tags)
	return out
}

func tags(m map[string]string) []types.Tag {
	var out []types.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// GetRole returns a visible role, its trust policy URL-encoded.
func (f *IAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
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

// CreateRole creates a role after checking its trust policy; the new role
// stays invisible to the next RoleLag calls that name it.
func (f *IAM) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("CreateRole"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.RoleName)
	if _, ok := f.Roles[name]; ok {
		return nil, &types.EntityAlreadyExistsException{Message: aws.String("Role with name " + name + " already exists.")}
	}
	if err := f.checkTrust(aws.ToString(in.AssumeRolePolicyDocument)); err != nil {
		return nil, err
	}
	r := &Role{Name: name, Path: "/", Trust: aws.ToString(in.AssumeRolePolicyDocument), Description: aws.ToString(in.Description),
		Boundary: aws.ToString(in.PermissionsBoundary), MaxSessionDuration: 3600, Tags: map[string]string{}, Inline: map[string]string{}}
	if in.Path != nil {
		r.Path = *in.Path
	}
	if in.MaxSessionDuration != nil {
		r.MaxSessionDuration = *in.MaxSessionDuration
	}
	for _, t := range in.Tags {
		r.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.Roles[name] = r
	f.Lag[name] = f.RoleLag
	f.wrote("CreateRole")
	return &iam.CreateRoleOutput{Role: f.view(r)}, nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy after checking it.
func (f *IAM) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
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
	r.Trust = aws.ToString(in.PolicyDocument)
	f.wrote("UpdateAssumeRolePolicy")
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

// UpdateRole sets a role's description (when given) and maximum session
// duration: as documented, an omitted MaxSessionDuration resets it to one hour.
func (f *IAM) UpdateRole(_ context.Context, in *iam.UpdateRoleInput, _ ...func(*iam.Options)) (*iam.UpdateRoleOutput, error) {
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
		r.Description = *in.Description
	}
	r.MaxSessionDuration = 3600 // documented: omitted means one hour
	if in.MaxSessionDuration != nil {
		r.MaxSessionDuration = *in.MaxSessionDuration
	}
	f.wrote("UpdateRole")
	return &iam.UpdateRoleOutput{}, nil
}

// PutRolePermissionsBoundary sets a role's boundary to an existing managed policy.
func (f *IAM) PutRolePermissionsBoundary(_ context.Context, in *iam.PutRolePermissionsBoundaryInput, _ ...func(*iam.Options)) (*iam.PutRolePermissionsBoundaryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("PutRolePermissionsBoundary"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if !f.Policies[aws.ToString(in.PermissionsBoundary)] {
		return nil, noSuchEntity("Policy %s does not exist or is not attachable.", aws.ToString(in.PermissionsBoundary))
	}
	r.Boundary = aws.ToString(in.PermissionsBoundary)
	f.wrote("PutRolePermissionsBoundary")
	return &iam.PutRolePermissionsBoundaryOutput{}, nil
}

// DeleteRolePermissionsBoundary removes a role's boundary.
func (f *IAM) DeleteRolePermissionsBoundary(_ context.Context, in *iam.DeleteRolePermissionsBoundaryInput, _ ...func(*iam.Options)) (*iam.DeleteRolePermissionsBoundaryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteRolePermissionsBoundary"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	r.Boundary = ""
	f.wrote("DeleteRolePermissionsBoundary")
	return &iam.DeleteRolePermissionsBoundaryOutput{}, nil
}

// TagRole adds or overwrites tags of a role.
func (f *IAM) TagRole(_ context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (*iam.TagRoleOutput, error) {
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
		r.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.wrote("TagRole")
	return &iam.TagRoleOutput{}, nil
}

// UntagRole removes tags of a role by key.
func (f *IAM) UntagRole(_ context.Context, in *iam.UntagRoleInput, _ ...func(*iam.Options)) (*iam.UntagRoleOutput, error) {
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
		delete(r.Tags, k)
	}
	f.wrote("UntagRole")
	return &iam.UntagRoleOutput{}, nil
}

// page returns items[from:from+size], whether more follow, and the next marker.
func (f *IAM) page(items []string, marker *string) ([]string, bool, *string) {
	size := f.PageSize
	if size == 0 {
		size = 100
	}
	from := 0
	if marker != nil {
		fmt.Sscan(*marker, &from)
	}
	from = min(max(from, 0), len(items))
	to := min(from+size, len(items))
	if to < len(items) {
		return items[from:to], true, aws.String(fmt.Sprint(to))
	}
	return items[from:to], false, nil
}

// ListAttachedRolePolicies lists a role's managed policies, a page at a time.
func (f *IAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListAttachedRolePolicies"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	items, more, next := f.page(r.Attached, in.Marker)
	out := &iam.ListAttachedRolePoliciesOutput{IsTruncated: more, Marker: next}
	for _, a := range items {
		out.AttachedPolicies = append(out.AttachedPolicies, types.AttachedPolicy{PolicyArn: aws.String(a), PolicyName: aws.String(a[strings.LastIndex(a, "/")+1:])})
	}
	return out, nil
}

// AttachRolePolicy attaches an existing managed policy; attaching it twice is
// a no-op, as in IAM.
func (f *IAM) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
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
	if !f.Policies[a] {
		return nil, noSuchEntity("Policy %s does not exist or is not attachable.", a)
	}
	if !slices.Contains(r.Attached, a) {
		r.Attached = append(r.Attached, a)
	}
	f.wrote("AttachRolePolicy")
	return &iam.AttachRolePolicyOutput{}, nil
}

// DetachRolePolicy detaches a managed policy; NoSuchEntity if it is not attached.
func (f *IAM) DetachRolePolicy(_ context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
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
	i := slices.Index(r.Attached, a)
	if i < 0 {
		return nil, noSuchEntity("Policy %s was not found.", a)
	}
	r.Attached = slices.Delete(r.Attached, i, i+1)
	f.wrote("DetachRolePolicy")
	return &iam.DetachRolePolicyOutput{}, nil
}

// ListRolePolicies lists the names of a role's inline policies, sorted, a
// page at a time.
func (f *IAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListRolePolicies"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	items, more, next := f.page(slices.Sorted(maps.Keys(r.Inline)), in.Marker)
	return &iam.ListRolePoliciesOutput{PolicyNames: items, IsTruncated: more, Marker: next}, nil
}

// GetRolePolicy returns an inline policy, URL-encoded.
func (f *IAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetRolePolicy"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	doc, ok := r.Inline[aws.ToString(in.PolicyName)]
	if !ok {
		return nil, noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
	}
	return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(url.QueryEscape(doc))}, nil
}

// PutRolePolicy creates or replaces an inline policy after checking its grammar.
func (f *IAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
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
	r.Inline[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
	f.wrote("PutRolePolicy")
	return &iam.PutRolePolicyOutput{}, nil
}

// DeleteRolePolicy deletes an inline policy; NoSuchEntity if there is none.
func (f *IAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteRolePolicy"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if _, ok := r.Inline[aws.ToString(in.PolicyName)]; !ok {
		return nil, noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
	}
	delete(r.Inline, aws.ToString(in.PolicyName))
	f.wrote("DeleteRolePolicy")
	return &iam.DeleteRolePolicyOutput{}, nil
}

// DeleteRole deletes a role; DeleteConflict while it still has attached or
// inline policies.
func (f *IAM) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteRole"); err != nil {
		return nil, err
	}
	r, err := f.role(aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if len(r.Attached) > 0 || len(r.Inline) > 0 {
		return nil, &types.DeleteConflictException{Message: aws.String("Cannot delete entity, must detach all policies first.")}
	}
	delete(f.Roles, r.Name)
	delete(f.Lag, r.Name)
	f.wrote("DeleteRole")
	return &iam.DeleteRoleOutput{}, nil
}

// ListOpenIDConnectProviders lists every provider's ARN, sorted (IAM does not
// paginate this call).
func (f *IAM) ListOpenIDConnectProviders(context.Context, *iam.ListOpenIDConnectProvidersInput, ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("ListOpenIDConnectProviders"); err != nil {
		return nil, err
	}
	out := &iam.ListOpenIDConnectProvidersOutput{}
	for _, a := range slices.Sorted(maps.Keys(f.Providers)) {
		out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, types.OpenIDConnectProviderListEntry{Arn: aws.String(a)})
	}
	return out, nil
}

func (f *IAM) provider(arn *string) (*OIDCProvider, error) {
	p, ok := f.Providers[aws.ToString(arn)]
	if !ok {
		return nil, noSuchEntity("OpenIDConnect Provider not found for arn %s", aws.ToString(arn))
	}
	return p, nil
}

// GetOpenIDConnectProvider returns a provider; as IAM does, its URL without
// the https:// scheme.
func (f *IAM) GetOpenIDConnectProvider(_ context.Context, in *iam.GetOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	return &iam.GetOpenIDConnectProviderOutput{Url: aws.String(strings.TrimPrefix(p.URL, "https://")), ClientIDList: slices.Clone(p.ClientIDs),
		ThumbprintList: slices.Clone(p.Thumbprints), Tags: tags(p.Tags)}, nil
}

// CreateOpenIDConnectProvider creates a provider for an https:// issuer URL;
// without thumbprints IAM stores [AutoThumbprint].
func (f *IAM) CreateOpenIDConnectProvider(_ context.Context, in *iam.CreateOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.CreateOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("CreateOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	u := aws.ToString(in.Url)
	if !strings.HasPrefix(u, "https://") {
		return nil, &types.InvalidInputException{Message: aws.String("The URL must begin with https://")}
	}
	arn := f.ProviderARN(u)
	if _, ok := f.Providers[arn]; ok {
		return nil, &types.EntityAlreadyExistsException{Message: aws.String("Provider with url " + u + " already exists.")}
	}
	p := &OIDCProvider{URL: u, ClientIDs: slices.Clone(in.ClientIDList), Thumbprints: slices.Clone(in.ThumbprintList), Tags: map[string]string{}}
	if len(p.Thumbprints) == 0 {
		p.Thumbprints = []string{AutoThumbprint}
	}
	for _, t := range in.Tags {
		p.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.Providers[arn] = p
	f.wrote("CreateOpenIDConnectProvider")
	return &iam.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: aws.String(arn)}, nil
}

// AddClientIDToOpenIDConnectProvider adds an audience; adding one twice is a no-op.
func (f *IAM) AddClientIDToOpenIDConnectProvider(_ context.Context, in *iam.AddClientIDToOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.AddClientIDToOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("AddClientIDToOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(p.ClientIDs, aws.ToString(in.ClientID)) {
		p.ClientIDs = append(p.ClientIDs, aws.ToString(in.ClientID))
	}
	f.wrote("AddClientIDToOpenIDConnectProvider")
	return &iam.AddClientIDToOpenIDConnectProviderOutput{}, nil
}

// RemoveClientIDFromOpenIDConnectProvider removes an audience.
func (f *IAM) RemoveClientIDFromOpenIDConnectProvider(_ context.Context, in *iam.RemoveClientIDFromOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.RemoveClientIDFromOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("RemoveClientIDFromOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(c string) bool { return c == aws.ToString(in.ClientID) })
	f.wrote("RemoveClientIDFromOpenIDConnectProvider")
	return &iam.RemoveClientIDFromOpenIDConnectProviderOutput{}, nil
}

// UpdateOpenIDConnectProviderThumbprint replaces a provider's thumbprints.
func (f *IAM) UpdateOpenIDConnectProviderThumbprint(_ context.Context, in *iam.UpdateOpenIDConnectProviderThumbprintInput, _ ...func(*iam.Options)) (*iam.UpdateOpenIDConnectProviderThumbprintOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("UpdateOpenIDConnectProviderThumbprint"); err != nil {
		return nil, err
	}
	p, err := f.provider(in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	p.Thumbprints = slices.Clone(in.ThumbprintList)
	f.wrote("UpdateOpenIDConnectProviderThumbprint")
	return &iam.UpdateOpenIDConnectProviderThumbprintOutput{}, nil
}

// TagOpenIDConnectProvider adds or overwrites tags of a provider.
func (f *IAM) TagOpenIDConnectProvider(_ context.Context, in *iam.TagOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.TagOpenIDConnectProviderOutput, error) {
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
		p.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.wrote("TagOpenIDConnectProvider")
	return &iam.TagOpenIDConnectProviderOutput{}, nil
}

// UntagOpenIDConnectProvider removes tags of a provider by key.
func (f *IAM) UntagOpenIDConnectProvider(_ context.Context, in *iam.UntagOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.UntagOpenIDConnectProviderOutput, error) {
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
		delete(p.Tags, k)
	}
	f.wrote("UntagOpenIDConnectProvider")
	return &iam.UntagOpenIDConnectProviderOutput{}, nil
}

// DeleteOpenIDConnectProvider deletes a provider; NoSuchEntity if there is none.
func (f *IAM) DeleteOpenIDConnectProvider(_ context.Context, in *iam.DeleteOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.DeleteOpenIDConnectProviderOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeleteOpenIDConnectProvider"); err != nil {
		return nil, err
	}
	if _, err := f.provider(in.OpenIDConnectProviderArn); err != nil {
		return nil, err
	}
	delete(f.Providers, aws.ToString(in.OpenIDConnectProviderArn))
	f.wrote("DeleteOpenIDConnectProvider")
	return &iam.DeleteOpenIDConnectProviderOutput{}, nil
}
