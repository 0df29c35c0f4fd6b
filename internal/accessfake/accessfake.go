// Package accessfake is a FAKE of the EKS calls moto 5.2.1 lacks: access
// entries (Create/Describe/List/Update/DeleteAccessEntry), access-policy
// associations (Associate/Disassociate/ListAssociatedAccessPolicies) and the
// accessConfig of UpdateClusterConfig (with DescribeUpdate, and the
// authentication mode in DescribeCluster). Everything else (the clusters
// themselves, IAM) comes from moto: a cluster exists when moto's
// DescribeCluster finds it, and a principal is valid when moto's IAM has a
// role or user with exactly that ARN, path included.
//
// The rules it enforces are the ones AWS documents:
//   - https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html:
//     one entry per principal (ResourceInUseException); the principal is an
//     existing IAM role or user, never an STS session; node types
//     (EC2, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX, and
//     HYPERPOD_LINUX) take IAM roles only and no username or groups; the
//     type cannot change.
//   - https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html:
//     a role ARN may carry its path (and must, since IAM's ARN does: EKS
//     refuses the path-less ARN of a role that has a path, as
//     https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2969
//     reports for IAM Identity Center roles); a STANDARD entry's principal
//     may be in another account ("the ARN can be in the same, or different,
//     AWS account than the account that your cluster is in": this IAM
//     cannot check it, so it is taken as given), node types need a
//     principal of the cluster's account; groups may not start
//     with system:; usernames may not start with system:, eks:, aws:,
//     amazon: or iam:.
//   - https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateAccessPolicy.html:
//     policies are arn:<p>:eks::aws:cluster-access-policy/<name>; scope
//     cluster, or namespace with namespaces; associating again updates the
//     scope; node entries take none (EC2 takes AmazonEKSAutoNodePolicy).
//     CreateAccessEntry's tags are kept and returned by DescribeAccessEntry.
//   - https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html:
//     access entries need the API or API_AND_CONFIG_MAP mode; the mode only
//     moves forward, CONFIG_MAP to API_AND_CONFIG_MAP to API, one update at a time.
package accessfake

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// IAM is what the fake asks moto's IAM: does this principal exist?
type IAM interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetUser(ctx context.Context, in *iam.GetUserInput, optFns ...func(*iam.Options)) (*iam.GetUserOutput, error)
}

// Clusters is what the fake asks moto's EKS: the clusters and their config.
type Clusters interface {
	DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
	UpdateClusterConfig(ctx context.Context, in *eks.UpdateClusterConfigInput, optFns ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error)
}

// EKS is the fake. Its methods have the *eks.Client signatures.
type EKS struct {
	clusters Clusters
	iam      IAM

	mu    sync.Mutex
	state map[string]*cluster
	calls []string
	// PageSize is the page size of the List calls (default 2, so that
	// paging is exercised).
	PageSize int
	// UpdatePolls is how many DescribeUpdate calls see an access-config
	// update InProgress before it is Successful (default 2).
	UpdatePolls int
	// BeforeCreate, when set, runs at the start of CreateAccessEntry (to
	// model a concurrent writer); it may call Put.
	BeforeCreate func(cluster, principal string)
}

type cluster struct {
	mode     string
	entries  map[string]*ekstypes.AccessEntry
	policies map[string][]ekstypes.AssociatedAccessPolicy
	updates  map[string]*update
	writes   int
}

type update struct {
	target string
	polls  int
	done   bool
}

// New returns the fake over moto's EKS (clusters) and IAM (principals).
func New(clusters Clusters, iamAPI IAM) *EKS {
	return &EKS{clusters: clusters, iam: iamAPI, state: map[string]*cluster{}, PageSize: 2, UpdatePolls: 2}
}

// Authentication modes (ekstypes.AuthenticationMode values).
const (
	ModeConfigMap       = string(ekstypes.AuthenticationModeConfigMap)
	ModeAPIAndConfigMap = string(ekstypes.AuthenticationModeApiAndConfigMap)
	ModeAPI             = string(ekstypes.AuthenticationModeApi)
)

func invalid(msg string) error {
	return &ekstypes.InvalidParameterException{Message: aws.String(msg)}
}

func notFound(msg string) error { return &ekstypes.ResourceNotFoundException{Message: aws.String(msg)} }

// get returns the state of a cluster moto knows, and its account.
func (f *EKS) get(ctx context.Context, name *string) (*cluster, string, error) {
	out, err := f.clusters.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: name})
	if err != nil {
		return nil, "", err
	}
	account := ""
	if a, err := arn.Parse(aws.ToString(out.Cluster.Arn)); err == nil {
		account = a.AccountID
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.state[aws.ToString(name)]
	if !ok {
		mode := ModeConfigMap // CreateCluster's default when accessConfig is not given
		if out.Cluster.AccessConfig != nil && out.Cluster.AccessConfig.AuthenticationMode != "" {
			mode = string(out.Cluster.AccessConfig.AuthenticationMode)
		}
		c = &cluster{mode: mode, entries: map[string]*ekstypes.AccessEntry{}, policies: map[string][]ekstypes.AssociatedAccessPolicy{}, updates: map[string]*update{}}
		f.state[aws.ToString(name)] = c
	}
	return c, account, nil
}

func (f *EKS) record(name string) {
	f.mu.Lock()
	f.calls = append(f.calls, name)
	f.mu.Unlock()
}

// Calls returns the names of the calls made so far, in order.
func (f *EKS) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Writes returns the number of successful write calls made on a cluster.
func (f *EKS) Writes(clusterName string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.state[clusterName]; ok {
		return c.writes
	}
	return 0
}

// SetMode sets a cluster's authentication mode, as CreateCluster's
// accessConfig would have (moto ignores it).
func (f *EKS) SetMode(ctx context.Context, clusterName, mode string) error {
	c, _, err := f.get(ctx, aws.String(clusterName))
	if err != nil {
		return err
	}
	f.mu.Lock()
	c.mode = mode
	f.mu.Unlock()
	return nil
}

// Put adds an entry as EKS or another tool would have made it, with
// cluster-scope policies (ARNs), bypassing the rules.
func (f *EKS) Put(ctx context.Context, clusterName, principal, typ, username string, groups []string, policyARNs ...string) error {
	c, _, err := f.get(ctx, aws.String(clusterName))
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c.entries[principal] = &ekstypes.AccessEntry{ClusterName: aws.String(clusterName), PrincipalArn: aws.String(principal), Type: aws.String(typ), Username: aws.String(username), KubernetesGroups: slices.Clone(groups)}
	for _, p := range policyARNs {
		c.policies[principal] = append(c.policies[principal], ekstypes.AssociatedAccessPolicy{PolicyArn: aws.String(p), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
	}
	return nil
}

// Entry returns a copy of an entry and its associations (nil when absent).
func (f *EKS) Entry(clusterName, principal string) (*ekstypes.AccessEntry, []ekstypes.AssociatedAccessPolicy) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.state[clusterName]
	if !ok || c.entries[principal] == nil {
		return nil, nil
	}
	e := *c.entries[principal]
	e.KubernetesGroups = slices.Clone(e.KubernetesGroups)
	e.Tags = maps.Clone(e.Tags)
	return &e, slices.Clone(c.policies[principal])
}

// Principals lists the principals with an entry, sorted.
func (f *EKS) Principals(clusterName string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	if c, ok := f.state[clusterName]; ok {
		for p := range c.entries {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func (c *cluster) needsAPI() error {
	if c.mode == ModeConfigMap {
		return &ekstypes.InvalidRequestException{Message: aws.String("The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.")}
	}
	return nil
}

func page[T any](items []T, token *string, size int) ([]T, *string, error) {
	from := 0
	if token != nil {
		n, err := strconv.Atoi(*token)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, invalid("The nextToken is invalid.")
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

var nodeTypes = []string{"EC2", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "HYPERPOD_LINUX"}

var reservedPrefixes = []string{"system:", "eks:", "aws:", "amazon:", "iam:"}

// checkPrincipal applies the principal rules, IAM's existence included.
func (f *EKS) checkPrincipal(ctx context.Context, principal, typ, account string) error {
	a, err := arn.Parse(principal)
	if err != nil {
		return invalid("The principalArn parameter format is not valid: " + principal)
	}
	if a.Service == "sts" {
		return invalid("The specified principalArn " + principal + " is an STS session; access entries take IAM roles and users.")
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	if a.Service != "iam" || (kind != "role" && kind != "user") || rest == "" {
		return invalid("The principalArn parameter format is not valid: " + principal)
	}
	if slices.Contains(nodeTypes, typ) {
		if kind != "role" {
			return invalid("The principalArn of a " + typ + " access entry must be an IAM role.")
		}
		if account != "" && a.AccountID != account {
			return invalid("The principalArn of a " + typ + " access entry must be in the cluster's account " + account + ".")
		}
	}
	if f.iam == nil || (account != "" && a.AccountID != account) {
		return nil // another account's principal: this IAM cannot say
	}
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	var got string
	if kind == "role" {
		out, err := f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		if err == nil {
			got = aws.ToString(out.Role.Arn)
		}
	} else {
		out, err := f.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
		if err == nil {
			got = aws.ToString(out.User.Arn)
		}
	}
	if got != principal {
		return invalid("The specified principalArn is invalid: invalid principal " + principal)
	}
	return nil
}

func checkSubject(typ string, username *string, groups []string) error {
	if typ != "STANDARD" && (username != nil || len(groups) > 0) {
		return invalid("The kubernetesGroups and username can't be set for access entries of type " + typ + ".")
	}
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(aws.ToString(username), p) {
			return invalid("The username " + aws.ToString(username) + " is invalid: it can't start with " + p)
		}
	}
	for _, g := range groups {
		if strings.HasPrefix(g, "system:") {
			return invalid("The kubernetes group name " + g + " is invalid, it cannot start with system:")
		}
	}
	return nil
}

// DescribeCluster is moto's answer with the fake's authentication mode.
func (f *EKS) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, _ ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	f.record("DescribeCluster")
	c, _, err := f.get(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	out, err := f.clusters.DescribeCluster(ctx, in)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	out.Cluster.AccessConfig = &ekstypes.AccessConfigResponse{AuthenticationMode: ekstypes.AuthenticationMode(c.mode)}
	f.mu.Unlock()
	return out, nil
}

// UpdateClusterConfig handles accessConfig (the rest goes to moto).
func (f *EKS) UpdateClusterConfig(ctx context.Context, in *eks.UpdateClusterConfigInput, optFns ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error) {
	f.record("UpdateClusterConfig")
	if in.AccessConfig == nil {
		return f.clusters.UpdateClusterConfig(ctx, in, optFns...)
	}
	if in.ResourcesVpcConfig != nil || in.Logging != nil || in.KubernetesNetworkConfig != nil {
		return nil, invalid("Only one type of update can be allowed.")
	}
	c, _, err := f.get(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range c.updates {
		if !u.done {
			return nil, &ekstypes.ResourceInUseException{Message: aws.String("Cluster has an update in progress")}
		}
	}
	target := string(in.AccessConfig.AuthenticationMode)
	allowed := map[string]string{ModeConfigMap: ModeAPIAndConfigMap, ModeAPIAndConfigMap: ModeAPI}
	if target == "" || allowed[c.mode] != target {
		return nil, invalid(fmt.Sprintf("Unsupported authentication mode update from %s to %s", c.mode, target))
	}
	id := fmt.Sprintf("update-%d", len(c.updates)+1)
	c.updates[id] = &update{target: target}
	c.writes++
	return &eks.UpdateClusterConfigOutput{Update: &ekstypes.Update{Id: aws.String(id), Status: ekstypes.UpdateStatusInProgress, Type: ekstypes.UpdateTypeAccessConfigUpdate}}, nil
}

// DescribeUpdate reports an access-config update: InProgress for
// UpdatePolls calls, then Successful (the mode changes then).
func (f *EKS) DescribeUpdate(ctx context.Context, in *eks.DescribeUpdateInput, _ ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error) {
	f.record("DescribeUpdate")
	c, _, err := f.get(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := c.updates[aws.ToString(in.UpdateId)]
	if !ok {
		return nil, notFound("No update found for ID: " + aws.ToString(in.UpdateId))
	}
	status := ekstypes.UpdateStatusInProgress
	if u.polls++; u.polls > f.UpdatePolls || u.done {
		if !u.done {
			c.mode, u.done = u.target, true
		}
		status = ekstypes.UpdateStatusSuccessful
	}
	return &eks.DescribeUpdateOutput{Update: &ekstypes.Update{Id: in.UpdateId, Status: status, Type: ekstypes.UpdateTypeAccessConfigUpdate}}, nil
}

// ListAccessEntries pages the principals, sorted.
func (f *EKS) ListAccessEntries(ctx context.Context, in *eks.ListAccessEntriesInput, _ ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error) {
	f.record("ListAccessEntries")
	c, _, err := f.get(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := c.needsAPI(); err != nil {
		return nil, err
	}
	var all []string
	for p := range c.entries {
		all = append(all, p)
	}
	sort.Strings(all)
	items, next, err := page(all, in.NextToken, f.PageSize)
	return &eks.ListAccessEntriesOutput{AccessEntries: items, NextToken: next}, err
}

// DescribeAccessEntry returns one entry.
func (f *EKS) DescribeAccessEntry(ctx context.Context, in *eks.DescribeAccessEntryInput, _ ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error) {
	f.record("DescribeAccessEntry")
	c, _, err := f.get(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := c.entries[aws.ToString(in.PrincipalArn)]
	if !ok {
		return nil, notFound("The specified access entry resource " + aws.ToString(in.PrincipalArn) + " could not be found.")
	}
	cp := *e
	cp.KubernetesGroups = slices.Clone(e.KubernetesGroups)
	cp.Tags = maps.Clone(e.Tags)
	return &eks.DescribeAccessEntryOutput{AccessEntry: &cp}, nil
}

// CreateAccessEntry creates an entry under the documented rules.
func (f *EKS) CreateAccessEntry(ctx context.Context, in *eks.CreateAccessEntryInput, _ ...func(*eks.Options)) (*eks.CreateAccessEntryOutput, error) {
	f.record("CreateAccessEntry")
	if f.BeforeCreate != nil {
		f.BeforeCreate(aws.ToString(in.ClusterName), aws.ToString(in.PrincipalArn))
	}
	c, account, err := f.get(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	p := aws.ToString(in.PrincipalArn)
	typ := aws.ToString(in.Type)
	if typ == "" {
		typ = "STANDARD"
	}
	if typ != "STANDARD" && !slices.Contains(nodeTypes, typ) {
		return nil, invalid("The type " + typ + " is invalid; valid values are STANDARD, " + strings.Join(nodeTypes, ", ") + ".")
	}
	if err := f.checkPrincipal(ctx, p, typ, account); err != nil {
		return nil, err
	}
	if err := checkSubject(typ, in.Username, in.KubernetesGroups); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := c.needsAPI(); err != nil {
		return nil, err
	}
	if _, ok := c.entries[p]; ok {
		return nil, &ekstypes.ResourceInUseException{Message: aws.String("The specified access entry resource is already in use on this cluster.")}
	}
	a, _ := arn.Parse(p)
	user := aws.ToString(in.Username)
	switch {
	case user != "":
	case typ == "EC2_LINUX" || typ == "EC2_WINDOWS" || typ == "EC2" || typ == "HYBRID_LINUX" || typ == "HYPERPOD_LINUX":
		user = "system:node:{{EC2PrivateDNSName}}"
	case typ == "FARGATE_LINUX":
		user = "system:node:{{SessionName}}"
	case strings.HasPrefix(a.Resource, "role/"):
		user = fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/{{SessionName}}", a.Partition, a.AccountID, a.Resource[strings.LastIndexByte(a.Resource, '/')+1:])
	default:
		user = p
	}
	e := &ekstypes.AccessEntry{PrincipalArn: aws.String(p), Type: aws.String(typ), Username: aws.String(user),
		KubernetesGroups: slices.Clone(in.KubernetesGroups), ClusterName: in.ClusterName, Tags: maps.Clone(in.Tags),
		AccessEntryArn: aws.String(fmt.Sprintf("arn:%s:eks:eu-west-1:%s:access-entry/%s/%s", a.Partition, account, aws.ToString(in.ClusterName), strings.ToLower(typ)))}
	c.entries[p] = e
	c.writes++
	cp := *e
	return &eks.CreateAccessEntryOutput{AccessEntry: &cp}, nil
}

// UpdateAccessEntry changes groups and username (STANDARD only).
func (f *EKS) UpdateAccessEntry(ctx context.Context, in *eks.UpdateAccessEntryInput, _ ...func(*eks.Options)) (*eks.UpdateAccessEntryOutput, error) {
	f.record("UpdateAccessEntry")
	c, _, err := f.get(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := c.entries[aws.ToString(in.PrincipalArn)]
	if !ok {
		return nil, notFound("The specified access entry resource " + aws.ToString(in.PrincipalArn) + " could not be found.")
	}
	groups := in.KubernetesGroups
	if aws.ToString(e.Type) != "STANDARD" && len(groups) == 0 {
		groups = nil // an empty list is no change
	}
	if err := checkSubject(aws.ToString(e.Type), in.Username, groups); err != nil {
		return nil, err
	}
	if in.KubernetesGroups != nil {
		e.KubernetesGroups = slices.Clone(in.KubernetesGroups)
	}
	if in.Username != nil {
		e.Username = in.Username
	}
	c.writes++
	cp := *e
	return &eks.UpdateAccessEntryOutput{AccessEntry: &cp}, nil
}

// DeleteAccessEntry deletes an entry and its associations.
func (f *EKS) DeleteAccessEntry(ctx context.Context, in *eks.DeleteAccessEntryInput, _ ...func(*eks.Options)) (*eks.DeleteAccessEntryOutput, error) {
	f.record("DeleteAccessEntry")
	c, _, err := f.get(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := aws.ToString(in.PrincipalArn)
	if _, ok := c.entries[p]; !ok {
		return nil, notFound("The specified access entry resource " + p + " could not be found.")
	}
	delete(c.entries, p)
	delete(c.policies, p)
	c.writes++
	return &eks.DeleteAccessEntryOutput{}, nil
}

// ListAssociatedAccessPolicies pages an entry's associations (1 per page).
func (f *EKS) ListAssociatedAccessPolicies(ctx context.Context, in *eks.ListAssociatedAccessPoliciesInput, _ ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error) {
	f.record("ListAssociatedAccessPolicies")
	c, _, err := f.get(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := aws.ToString(in.PrincipalArn)
	if _, ok := c.entries[p]; !ok {
		return nil, notFound("The specified access entry resource " + p + " could not be found.")
	}
	items, next, err := page(c.policies[p], in.NextToken, 1)
	return &eks.ListAssociatedAccessPoliciesOutput{AssociatedAccessPolicies: items, NextToken: next, PrincipalArn: in.PrincipalArn, ClusterName: in.ClusterName}, err
}

// AssociateAccessPolicy associates (or re-scopes) a policy.
func (f *EKS) AssociateAccessPolicy(ctx context.Context, in *eks.AssociateAccessPolicyInput, _ ...func(*eks.Options)) (*eks.AssociateAccessPolicyOutput, error) {
	f.record("AssociateAccessPolicy")
	c, _, err := f.get(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := aws.ToString(in.PrincipalArn)
	e, ok := c.entries[p]
	if !ok {
		return nil, notFound("The specified access entry resource " + p + " could not be found.")
	}
	pa, err := arn.Parse(aws.ToString(in.PolicyArn))
	if err != nil || pa.Service != "eks" || pa.AccountID != "aws" || !strings.HasPrefix(pa.Resource, "cluster-access-policy/") {
		return nil, invalid("The policyArn parameter format is not valid")
	}
	typ := aws.ToString(e.Type)
	if typ != "STANDARD" && !(typ == "EC2" && strings.HasSuffix(pa.Resource, "/AmazonEKSAutoNodePolicy")) {
		return nil, invalid("You can't associate an access policy to an access entry of type " + typ)
	}
	switch {
	case in.AccessScope == nil || in.AccessScope.Type == "":
		return nil, invalid("accessScope is required")
	case in.AccessScope.Type == ekstypes.AccessScopeTypeNamespace && len(in.AccessScope.Namespaces) == 0:
		return nil, invalid("namespaces are required for an accessScope of type namespace")
	case in.AccessScope.Type == ekstypes.AccessScopeTypeCluster && len(in.AccessScope.Namespaces) > 0:
		return nil, invalid("namespaces can't be set for an accessScope of type cluster")
	}
	assoc := ekstypes.AssociatedAccessPolicy{PolicyArn: in.PolicyArn, AccessScope: &ekstypes.AccessScope{Type: in.AccessScope.Type, Namespaces: slices.Clone(in.AccessScope.Namespaces)}}
	list := slices.DeleteFunc(c.policies[p], func(x ekstypes.AssociatedAccessPolicy) bool {
		return aws.ToString(x.PolicyArn) == aws.ToString(in.PolicyArn)
	})
	c.policies[p] = append(list, assoc)
	c.writes++
	return &eks.AssociateAccessPolicyOutput{AssociatedAccessPolicy: &assoc, PrincipalArn: in.PrincipalArn, ClusterName: in.ClusterName}, nil
}

// DisassociateAccessPolicy removes one association.
func (f *EKS) DisassociateAccessPolicy(ctx context.Context, in *eks.DisassociateAccessPolicyInput, _ ...func(*eks.Options)) (*eks.DisassociateAccessPolicyOutput, error) {
	f.record("DisassociateAccessPolicy")
	c, _, err := f.get(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := aws.ToString(in.PrincipalArn)
	before := len(c.policies[p])
	c.policies[p] = slices.DeleteFunc(c.policies[p], func(x ekstypes.AssociatedAccessPolicy) bool {
		return aws.ToString(x.PolicyArn) == aws.ToString(in.PolicyArn)
	})
	if len(c.policies[p]) == before {
		return nil, notFound("The specified access policy association could not be found.")
	}
	c.writes++
	return &eks.DisassociateAccessPolicyOutput{}, nil
}

// IsInvalid reports whether err is an InvalidParameterException or
// InvalidRequestException (as the fake and EKS return them).
func IsInvalid(err error) bool {
	var ip *ekstypes.InvalidParameterException
	var ir *ekstypes.InvalidRequestException
	return errors.As(err, &ip) || errors.As(err, &ir)
}
