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

// do runs one call under the lock: it records op in Calls, fails with
// FailOn[op] if set, and otherwise runs fn.
func (f *IAM) do(op string, fn func() error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, op)
	if err := f.FailOn[op]; err != nil {
		return err
	}
	return fn()
}

// write is do for a mutating call: it records op in Writes when fn succeeds.
func (f *IAM) write(op string, fn func() error) error {
	return f.do(op, func() error {
		if err := fn(); err != nil {
			return err
		}
		f.Writes = append(f.Writes, op)
		return nil
	})
}

// readRole runs fn on the named role if it is visible.
func (f *IAM) readRole(op string, name *string, fn func(*Role) error) error {
	return f.do(op, func() error { return f.withRole(name, fn) })
}

// writeRole is readRole for a mutating call.
func (f *IAM) writeRole(op string, name *string, fn func(*Role) error) error {
	return f.write(op, func() error { return f.withRole(name, fn) })
}

func (f *IAM) withRole(name *string, fn func(*Role) error) error {
	r, err := f.role(aws.ToString(name))
	if err != nil {
		return err
	}
	return fn(r)
}

// writeProvider runs fn on the provider with the ARN, for a mutating call.
func (f *IAM) writeProvider(op string, arn *string, fn func(*OIDCProvider) error) error {
	return f.write(op, func() error {
		p, err := f.provider(arn)
		if err != nil {
			return err
		}
		return fn(p)
	})
}

// result is out, or nil and the error: what an SDK call returns.
func result[T any](out *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return out, nil
}

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
	var out *iam.GetRoleOutput
	err := f.readRole("GetRole", in.RoleName, func(r *Role) error {
		out = &iam.GetRoleOutput{Role: f.view(r)}
		return nil
	})
	return result(out, err)
}

// CreateRole creates a role after checking its trust policy; the new role
// stays invisible to the next RoleLag calls that name it.
func (f *IAM) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	var out *iam.CreateRoleOutput
	err := f.write("CreateRole", func() error {
		name := aws.ToString(in.RoleName)
		if _, ok := f.Roles[name]; ok {
			return &types.EntityAlreadyExistsException{Message: aws.String("Role with name " + name + " already exists.")}
		}
		if err := f.checkTrust(aws.ToString(in.AssumeRolePolicyDocument)); err != nil {
			return err
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
		out = &iam.CreateRoleOutput{Role: f.view(r)}
		return nil
	})
	return result(out, err)
}

// UpdateAssumeRolePolicy replaces a role's trust policy after checking it.
func (f *IAM) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	return result(&iam.UpdateAssumeRolePolicyOutput{}, f.writeRole("UpdateAssumeRolePolicy", in.RoleName, func(r *Role) error {
		if err := f.checkTrust(aws.ToString(in.PolicyDocument)); err != nil {
			return err
		}
		r.Trust = aws.ToString(in.PolicyDocument)
		return nil
	}))
}

// UpdateRole sets a role's description (when given) and maximum session
// duration: as documented, an omitted MaxSessionDuration resets it to one hour.
func (f *IAM) UpdateRole(_ context.Context, in *iam.UpdateRoleInput, _ ...func(*iam.Options)) (*iam.UpdateRoleOutput, error) {
	return result(&iam.UpdateRoleOutput{}, f.writeRole("UpdateRole", in.RoleName, func(r *Role) error {
		if in.Description != nil {
			r.Description = *in.Description
		}
		r.MaxSessionDuration = 3600 // documented: omitted means one hour
		if in.MaxSessionDuration != nil {
			r.MaxSessionDuration = *in.MaxSessionDuration
		}
		return nil
	}))
}

// PutRolePermissionsBoundary sets a role's boundary to an existing managed policy.
func (f *IAM) PutRolePermissionsBoundary(_ context.Context, in *iam.PutRolePermissionsBoundaryInput, _ ...func(*iam.Options)) (*iam.PutRolePermissionsBoundaryOutput, error) {
	return result(&iam.PutRolePermissionsBoundaryOutput{}, f.writeRole("PutRolePermissionsBoundary", in.RoleName, func(r *Role) error {
		if !f.Policies[aws.ToString(in.PermissionsBoundary)] {
			return noSuchEntity("Policy %s does not exist or is not attachable.", aws.ToString(in.PermissionsBoundary))
		}
		r.Boundary = aws.ToString(in.PermissionsBoundary)
		return nil
	}))
}

// DeleteRolePermissionsBoundary removes a role's boundary.
func (f *IAM) DeleteRolePermissionsBoundary(_ context.Context, in *iam.DeleteRolePermissionsBoundaryInput, _ ...func(*iam.Options)) (*iam.DeleteRolePermissionsBoundaryOutput, error) {
	return result(&iam.DeleteRolePermissionsBoundaryOutput{}, f.writeRole("DeleteRolePermissionsBoundary", in.RoleName, func(r *Role) error {
		r.Boundary = ""
		return nil
	}))
}

// TagRole adds or overwrites tags of a role.
func (f *IAM) TagRole(_ context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (*iam.TagRoleOutput, error) {
	return result(&iam.TagRoleOutput{}, f.writeRole("TagRole", in.RoleName, func(r *Role) error {
		setTags(r.Tags, in.Tags)
		return nil
	}))
}

// UntagRole removes tags of a role by key.
func (f *IAM) UntagRole(_ context.Context, in *iam.UntagRoleInput, _ ...func(*iam.Options)) (*iam.UntagRoleOutput, error) {
	return result(&iam.UntagRoleOutput{}, f.writeRole("UntagRole", in.RoleName, func(r *Role) error {
		for _, k := range in.TagKeys {
			delete(r.Tags, k)
		}
		return nil
	}))
}

func setTags(m map[string]string, tags []types.Tag) {
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
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
	var out *iam.ListAttachedRolePoliciesOutput
	err := f.readRole("ListAttachedRolePolicies", in.RoleName, func(r *Role) error {
		items, more, next := f.page(r.Attached, in.Marker)
		out = &iam.ListAttachedRolePoliciesOutput{IsTruncated: more, Marker: next}
		for _, a := range items {
			out.AttachedPolicies = append(out.AttachedPolicies, types.AttachedPolicy{PolicyArn: aws.String(a), PolicyName: aws.String(a[strings.LastIndex(a, "/")+1:])})
		}
		return nil
	})
	return result(out, err)
}

// AttachRolePolicy attaches an existing managed policy; attaching it twice is
// a no-op, as in IAM.
func (f *IAM) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	return result(&iam.AttachRolePolicyOutput{}, f.writeRole("AttachRolePolicy", in.RoleName, func(r *Role) error {
		a := aws.ToString(in.PolicyArn)
		if !f.Policies[a] {
			return noSuchEntity("Policy %s does not exist or is not attachable.", a)
		}
		if !slices.Contains(r.Attached, a) {
			r.Attached = append(r.Attached, a)
		}
		return nil
	}))
}

// DetachRolePolicy detaches a managed policy; NoSuchEntity if it is not attached.
func (f *IAM) DetachRolePolicy(_ context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
	return result(&iam.DetachRolePolicyOutput{}, f.writeRole("DetachRolePolicy", in.RoleName, func(r *Role) error {
		a := aws.ToString(in.PolicyArn)
		i := slices.Index(r.Attached, a)
		if i < 0 {
			return noSuchEntity("Policy %s was not found.", a)
		}
		r.Attached = slices.Delete(r.Attached, i, i+1)
		return nil
	}))
}

// ListRolePolicies lists the names of a role's inline policies, sorted, a
// page at a time.
func (f *IAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	var out *iam.ListRolePoliciesOutput
	err := f.readRole("ListRolePolicies", in.RoleName, func(r *Role) error {
		items, more, next := f.page(slices.Sorted(maps.Keys(r.Inline)), in.Marker)
		out = &iam.ListRolePoliciesOutput{PolicyNames: items, IsTruncated: more, Marker: next}
		return nil
	})
	return result(out, err)
}

// GetRolePolicy returns an inline policy, URL-encoded.
func (f *IAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	var out *iam.GetRolePolicyOutput
	err := f.readRole("GetRolePolicy", in.RoleName, func(r *Role) error {
		doc, ok := r.Inline[aws.ToString(in.PolicyName)]
		if !ok {
			return noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
		}
		out = &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(url.QueryEscape(doc))}
		return nil
	})
	return result(out, err)
}

// PutRolePolicy creates or replaces an inline policy after checking its grammar.
func (f *IAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	return result(&iam.PutRolePolicyOutput{}, f.writeRole("PutRolePolicy", in.RoleName, func(r *Role) error {
		if _, err := iampolicy.Parse([]byte(aws.ToString(in.PolicyDocument))); err != nil {
			return &types.MalformedPolicyDocumentException{Message: aws.String("Syntax errors in policy.")}
		}
		r.Inline[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
		return nil
	}))
}

// DeleteRolePolicy deletes an inline policy; NoSuchEntity if there is none.
func (f *IAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	return result(&iam.DeleteRolePolicyOutput{}, f.writeRole("DeleteRolePolicy", in.RoleName, func(r *Role) error {
		if _, ok := r.Inline[aws.ToString(in.PolicyName)]; !ok {
			return noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
		}
		delete(r.Inline, aws.ToString(in.PolicyName))
		return nil
	}))
}

// DeleteRole deletes a role; DeleteConflict while it still has attached or
// inline policies.
func (f *IAM) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	return result(&iam.DeleteRoleOutput{}, f.writeRole("DeleteRole", in.RoleName, func(r *Role) error {
		if len(r.Attached) > 0 || len(r.Inline) > 0 {
			return &types.DeleteConflictException{Message: aws.String("Cannot delete entity, must detach all policies first.")}
		}
		delete(f.Roles, r.Name)
		delete(f.Lag, r.Name)
		return nil
	}))
}

// ListOpenIDConnectProviders lists every provider's ARN, sorted (IAM does not
// paginate this call).
func (f *IAM) ListOpenIDConnectProviders(context.Context, *iam.ListOpenIDConnectProvidersInput, ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	out := &iam.ListOpenIDConnectProvidersOutput{}
	return result(out, f.do("ListOpenIDConnectProviders", func() error {
		for _, a := range slices.Sorted(maps.Keys(f.Providers)) {
			out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, types.OpenIDConnectProviderListEntry{Arn: aws.String(a)})
		}
		return nil
	}))
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
	var out *iam.GetOpenIDConnectProviderOutput
	err := f.do("GetOpenIDConnectProvider", func() error {
		p, err := f.provider(in.OpenIDConnectProviderArn)
		if err != nil {
			return err
		}
		out = &iam.GetOpenIDConnectProviderOutput{Url: aws.String(strings.TrimPrefix(p.URL, "https://")), ClientIDList: slices.Clone(p.ClientIDs),
			ThumbprintList: slices.Clone(p.Thumbprints), Tags: tags(p.Tags)}
		return nil
	})
	return result(out, err)
}

// CreateOpenIDConnectProvider creates a provider for an https:// issuer URL;
// without thumbprints IAM stores [AutoThumbprint].
func (f *IAM) CreateOpenIDConnectProvider(_ context.Context, in *iam.CreateOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.CreateOpenIDConnectProviderOutput, error) {
	var out *iam.CreateOpenIDConnectProviderOutput
	err := f.write("CreateOpenIDConnectProvider", func() error {
		u := aws.ToString(in.Url)
		if !strings.HasPrefix(u, "https://") {
			return &types.InvalidInputException{Message: aws.String("The URL must begin with https://")}
		}
		arn := f.ProviderARN(u)
		if _, ok := f.Providers[arn]; ok {
			return &types.EntityAlreadyExistsException{Message: aws.String("Provider with url " + u + " already exists.")}
		}
		p := &OIDCProvider{URL: u, ClientIDs: slices.Clone(in.ClientIDList), Thumbprints: slices.Clone(in.ThumbprintList), Tags: map[string]string{}}
		if len(p.Thumbprints) == 0 {
			p.Thumbprints = []string{AutoThumbprint}
		}
		setTags(p.Tags, in.Tags)
		f.Providers[arn] = p
		out = &iam.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: aws.String(arn)}
		return nil
	})
	return result(out, err)
}

// AddClientIDToOpenIDConnectProvider adds an audience; adding one twice is a no-op.
func (f *IAM) AddClientIDToOpenIDConnectProvider(_ context.Context, in *iam.AddClientIDToOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.AddClientIDToOpenIDConnectProviderOutput, error) {
	return result(&iam.AddClientIDToOpenIDConnectProviderOutput{}, f.writeProvider("AddClientIDToOpenIDConnectProvider", in.OpenIDConnectProviderArn, func(p *OIDCProvider) error {
		if !slices.Contains(p.ClientIDs, aws.ToString(in.ClientID)) {
			p.ClientIDs = append(p.ClientIDs, aws.ToString(in.ClientID))
		}
		return nil
	}))
}

// RemoveClientIDFromOpenIDConnectProvider removes an audience.
func (f *IAM) RemoveClientIDFromOpenIDConnectProvider(_ context.Context, in *iam.RemoveClientIDFromOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.RemoveClientIDFromOpenIDConnectProviderOutput, error) {
	return result(&iam.RemoveClientIDFromOpenIDConnectProviderOutput{}, f.writeProvider("RemoveClientIDFromOpenIDConnectProvider", in.OpenIDConnectProviderArn, func(p *OIDCProvider) error {
		p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(c string) bool { return c == aws.ToString(in.ClientID) })
		return nil
	}))
}

// UpdateOpenIDConnectProviderThumbprint replaces a provider's thumbprints.
func (f *IAM) UpdateOpenIDConnectProviderThumbprint(_ context.Context, in *iam.UpdateOpenIDConnectProviderThumbprintInput, _ ...func(*iam.Options)) (*iam.UpdateOpenIDConnectProviderThumbprintOutput, error) {
	return result(&iam.UpdateOpenIDConnectProviderThumbprintOutput{}, f.writeProvider("UpdateOpenIDConnectProviderThumbprint", in.OpenIDConnectProviderArn, func(p *OIDCProvider) error {
		p.Thumbprints = slices.Clone(in.ThumbprintList)
		return nil
	}))
}

// TagOpenIDConnectProvider adds or overwrites tags of a provider.
func (f *IAM) TagOpenIDConnectProvider(_ context.Context, in *iam.TagOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.TagOpenIDConnectProviderOutput, error) {
	return result(&iam.TagOpenIDConnectProviderOutput{}, f.writeProvider("TagOpenIDConnectProvider", in.OpenIDConnectProviderArn, func(p *OIDCProvider) error {
		setTags(p.Tags, in.Tags)
		return nil
	}))
}

// UntagOpenIDConnectProvider removes tags of a provider by key.
func (f *IAM) UntagOpenIDConnectProvider(_ context.Context, in *iam.UntagOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.UntagOpenIDConnectProviderOutput, error) {
	return result(&iam.UntagOpenIDConnectProviderOutput{}, f.writeProvider("UntagOpenIDConnectProvider", in.OpenIDConnectProviderArn, func(p *OIDCProvider) error {
		for _, k := range in.TagKeys {
			delete(p.Tags, k)
		}
		return nil
	}))
}

// DeleteOpenIDConnectProvider deletes a provider; NoSuchEntity if there is none.
func (f *IAM) DeleteOpenIDConnectProvider(_ context.Context, in *iam.DeleteOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.DeleteOpenIDConnectProviderOutput, error) {
	return result(&iam.DeleteOpenIDConnectProviderOutput{}, f.writeProvider("DeleteOpenIDConnectProvider", in.OpenIDConnectProviderArn, func(*OIDCProvider) error {
		delete(f.Providers, aws.ToString(in.OpenIDConnectProviderArn))
		return nil
	}))
}
