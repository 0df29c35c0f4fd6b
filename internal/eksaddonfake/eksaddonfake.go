// Package eksaddonfake is a FAKE of the EKS calls moto 5.2.1 lacks:
// CreateAddon, DescribeAddon, UpdateAddon, DeleteAddon, ListAddons and
// DescribeAddonVersions; deletion protection (CreateCluster's and
// UpdateClusterConfig's deletionProtection, DescribeUpdate, DeleteCluster
// refused while protected); and the cluster security group EKS creates.
// Every other EKS call goes to the wrapped client (moto, through the real
// aws-sdk-go-v2 client): a cluster exists when its DescribeCluster finds it,
// and the add-ons of a deleted cluster disappear with it (they are kept per
// cluster ARN and creation time).
//
// The rules it enforces are the ones AWS documents:
//   - https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html:
//     the cluster must exist (ResourceNotFoundException); one add-on of a name
//     per cluster (ResourceInUseException); resolveConflicts is OVERWRITE, NONE
//     or PRESERVE; configurationValues is a JSON object (the add-on's schema,
//     DescribeAddonConfiguration); at most 50 tags; an add-on starts CREATING.
//   - https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddon.html:
//     an add-on that does not exist is ResourceNotFoundException.
//   - https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAddon.html:
//     only an ACTIVE (or DEGRADED, or failed) add-on is updated; one that is
//     CREATING, UPDATING or DELETING is ResourceInUseException; it turns
//     UPDATING, and the answer is an Update of type AddonUpdate.
//   - https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteAddon.html:
//     the add-on turns DELETING and then disappears.
//   - https://docs.aws.amazon.com/eks/latest/APIReference/API_ListAddons.html:
//     names, paged by maxResults (1-100) and nextToken.
//   - Add-on names are those DescribeAddonVersions lists; this fake knows the
//     EKS-published ones a Fargate cluster uses (coredns, kube-proxy,
//     vpc-cni, eks-pod-identity-agent, aws-ebs-csi-driver,
//     aws-efs-csi-driver, adot, amazon-cloudwatch-observability) and refuses
//     others (InvalidParameterException). An add-on version is one
//     DescribeAddonVersions lists as compatible with the cluster's
//     Kubernetes version (InvalidParameterException otherwise); without one,
//     the default version for the cluster's Kubernetes version
//     (https://docs.aws.amazon.com/eks/latest/userguide/creating-an-add-on.html:
//     "the default version for your cluster's Kubernetes version"). The
//     version table is [DocumentedAddonVersions], with its sources; tests add
//     rows with [EKS.Offer].
//   - Deletion protection (EKS user guide, "Protect EKS clusters from
//     accidental deletion",
//     https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html,
//     and API_UpdateClusterConfig.html): set by CreateCluster or
//     UpdateClusterConfig on an ACTIVE cluster (InvalidRequestException
//     otherwise; ResourceInUseException while another update is in
//     progress; one kind of update per call), as an Update of type
//     DeletionProtectionUpdate that DescribeUpdate follows; DeleteCluster of
//     an ACTIVE protected cluster is InvalidRequestException.
//   - The cluster security group (EKS user guide, "View Amazon EKS security
//     group requirements for clusters",
//     https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html):
//     with [EKS.EC2] set, CreateCluster creates eks-cluster-sg-<name>-<n> in
//     the cluster's VPC, tagged kubernetes.io/cluster/<name>=owned, reported
//     as resourcesVpcConfig.clusterSecurityGroupId (and the VPC as vpcId) and
//     deleted with the cluster.
//
// What it models of time: a created, updated or deleted add-on stays in its
// transitional state for [EKS.Polls] DescribeAddon calls, then is ACTIVE or
// gone, so that waiters poll; a cluster update stays InProgress for Polls
// DescribeUpdate calls. moto's DescribeCluster answers a
// certificateAuthority that is 1400 random letters, not base64 PEM: tests
// that render kubeconfigs set [EKS.CertificateAuthority], and DescribeCluster
// answers are given that value instead.
package eksaddonfake

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// Inner is the EKS client the fake wraps (the real client pointed at moto):
// it answers the cluster calls.
type Inner interface {
	DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
	CreateCluster(ctx context.Context, in *eks.CreateClusterInput, optFns ...func(*eks.Options)) (*eks.CreateClusterOutput, error)
	UpdateClusterConfig(ctx context.Context, in *eks.UpdateClusterConfigInput, optFns ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error)
	DeleteCluster(ctx context.Context, in *eks.DeleteClusterInput, optFns ...func(*eks.Options)) (*eks.DeleteClusterOutput, error)
}

// knownAddons are the add-on names the fake accepts.
var knownAddons = []string{"coredns", "kube-proxy", "vpc-cni", "eks-pod-identity-agent", "aws-ebs-csi-driver",
	"aws-efs-csi-driver", "adot", "amazon-cloudwatch-observability"}

var versionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)

// EKS is the fake. Its add-on methods have the *eks.Client signatures;
// embed it with the inner client's other methods (see [Client]).
type EKS struct {
	inner Inner

	// Polls is how many DescribeAddon calls see a transitional state
	// (CREATING, UPDATING, DELETING) before it settles; default 1.
	Polls int
	// CertificateAuthority, when set, replaces certificateAuthority.data in
	// DescribeCluster answers (base64 PEM, as EKS answers).
	CertificateAuthority string

	// EC2, when set, is where the cluster security group is created (the
	// real EC2 client pointed at the same moto).
	EC2 SecurityGroupAPI

	mu       sync.Mutex
	addons   map[string]map[string]*addon // cluster key -> name -> add-on
	clusters map[string]*clusterState     // cluster key -> what moto does not keep
	versions []AddonVersion
	calls    []string
}

type addon struct {
	a       types.Addon
	pending int // DescribeAddon calls left in the transitional state
}

// New returns a fake of the add-on calls over inner.
func New(inner Inner) *EKS {
	return &EKS{inner: inner, Polls: 1, addons: map[string]map[string]*addon{}, clusters: map[string]*clusterState{}, versions: DocumentedAddonVersions()}
}

// Calls returns the add-on calls made, in order, e.g. "CreateAddon coredns".
func (f *EKS) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func invalid(format string, a ...any) error {
	return &types.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, a...))}
}

func notFound(format string, a ...any) error {
	return &types.ResourceNotFoundException{Message: aws.String(fmt.Sprintf(format, a...))}
}

func inUse(format string, a ...any) error {
	return &types.ResourceInUseException{Message: aws.String(fmt.Sprintf(format, a...))}
}

// clusterKey identifies one cluster (a name can be reused after a delete).
func clusterKey(c *types.Cluster) string {
	return aws.ToString(c.Arn) + "@" + strconv.FormatInt(aws.ToTime(c.CreatedAt).UnixNano(), 10)
}

// cluster returns the add-ons of an existing cluster (created on demand), its ARN and Kubernetes version.
func (f *EKS) cluster(ctx context.Context, name *string) (map[string]*addon, string, string, error) {
	out, err := f.inner.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: name})
	if err != nil {
		return nil, "", "", err
	}
	c := out.Cluster
	key := clusterKey(c)
	if f.addons[key] == nil {
		f.addons[key] = map[string]*addon{}
	}
	return f.addons[key], aws.ToString(c.Arn), aws.ToString(c.Version), nil
}

func (f *EKS) record(call, name string) { f.calls = append(f.calls, call+" "+name) }

func (f *EKS) polls() int {
	if f.Polls < 0 {
		return 0
	}
	return f.Polls
}

func checkResolve(r types.ResolveConflicts) error {
	switch r {
	case "", types.ResolveConflictsOverwrite, types.ResolveConflictsNone, types.ResolveConflictsPreserve:
		return nil
	}
	return invalid("resolveConflicts %q is not one of OVERWRITE, NONE, PRESERVE", r)
}

func checkValues(v *string) error {
	if v == nil || *v == "" {
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(*v), &obj); err != nil {
		return invalid("ConfigurationValue provided in request is not supported: %v", err)
	}
	return nil
}

// CreateAddon creates the add-on in state CREATING.
func (f *EKS) CreateAddon(ctx context.Context, in *eks.CreateAddonInput, _ ...func(*eks.Options)) (*eks.CreateAddonOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.AddonName)
	f.record("CreateAddon", name)
	addons, arn, k8s, err := f.cluster(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	version := aws.ToString(in.AddonVersion)
	if version == "" {
		version = f.defaultVersion(name, k8s)
	}
	switch {
	case !slices.Contains(knownAddons, name):
		return nil, invalid("Addon %s specified is not supported", name)
	case addons[name] != nil:
		return nil, inUse("Addon already exists.")
	case in.AddonVersion != nil && !versionRE.MatchString(*in.AddonVersion):
		return nil, invalid("Addon version %s specified is not supported", *in.AddonVersion)
	case !f.compatible(name, version, k8s):
		return nil, invalid("Addon version %q of %s specified is not supported for Kubernetes %s", version, name, k8s)
	case len(in.Tags) > 50:
		return nil, invalid("%d tags; at most 50", len(in.Tags))
	}
	if err := checkResolve(in.ResolveConflicts); err != nil {
		return nil, err
	}
	if err := checkValues(in.ConfigurationValues); err != nil {
		return nil, err
	}
	now := time.Now()
	a := types.Addon{
		AddonName: aws.String(name), ClusterName: in.ClusterName, Status: types.AddonStatusCreating,
		AddonVersion: aws.String(version), AddonArn: aws.String(arn + "/addon/" + name),
		CreatedAt: &now, ModifiedAt: &now, ConfigurationValues: in.ConfigurationValues,
		ServiceAccountRoleArn: in.ServiceAccountRoleArn, Tags: maps.Clone(in.Tags), Health: &types.AddonHealth{},
	}
	addons[name] = &addon{a: a, pending: f.polls()}
	if f.polls() == 0 {
		addons[name].a.Status = types.AddonStatusActive
	}
	return &eks.CreateAddonOutput{Addon: copyAddon(addons[name].a)}, nil
}

func copyAddon(a types.Addon) *types.Addon {
	a.Tags = maps.Clone(a.Tags)
	return &a
}

// DescribeAddon returns the add-on, advancing a transitional state.
func (f *EKS) DescribeAddon(ctx context.Context, in *eks.DescribeAddonInput, _ ...func(*eks.Options)) (*eks.DescribeAddonOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.AddonName)
	addons, _, _, err := f.cluster(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	a := addons[name]
	if a == nil {
		return nil, notFound("No addon: %s found in cluster: %s", name, aws.ToString(in.ClusterName))
	}
	out := copyAddon(a.a)
	if a.pending > 0 {
		a.pending--
	} else {
		switch a.a.Status {
		case types.AddonStatusCreating, types.AddonStatusUpdating:
			a.a.Status = types.AddonStatusActive
			out = copyAddon(a.a)
		case types.AddonStatusDeleting:
			delete(addons, name)
			return nil, notFound("No addon: %s found in cluster: %s", name, aws.ToString(in.ClusterName))
		}
	}
	return &eks.DescribeAddonOutput{Addon: out}, nil
}

// UpdateAddon changes the version, configuration or role of a settled add-on.
func (f *EKS) UpdateAddon(ctx context.Context, in *eks.UpdateAddonInput, _ ...func(*eks.Options)) (*eks.UpdateAddonOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.AddonName)
	f.record("UpdateAddon", name)
	addons, _, k8s, err := f.cluster(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	a := addons[name]
	switch {
	case a == nil:
		return nil, notFound("No addon: %s found in cluster: %s", name, aws.ToString(in.ClusterName))
	case a.a.Status == types.AddonStatusCreating || a.a.Status == types.AddonStatusUpdating || a.a.Status == types.AddonStatusDeleting:
		return nil, inUse("Addon %s is %s; an update needs it settled", name, a.a.Status)
	case in.AddonVersion != nil && !versionRE.MatchString(*in.AddonVersion):
		return nil, invalid("Addon version %s specified is not supported", *in.AddonVersion)
	case in.AddonVersion != nil && !f.compatible(name, *in.AddonVersion, k8s):
		return nil, invalid("Addon version %q of %s specified is not supported for Kubernetes %s", *in.AddonVersion, name, k8s)
	}
	if err := checkResolve(in.ResolveConflicts); err != nil {
		return nil, err
	}
	if err := checkValues(in.ConfigurationValues); err != nil {
		return nil, err
	}
	var params []types.UpdateParam
	if in.AddonVersion != nil {
		a.a.AddonVersion = in.AddonVersion
		params = append(params, types.UpdateParam{Type: types.UpdateParamTypeAddonVersion, Value: in.AddonVersion})
	}
	if in.ConfigurationValues != nil {
		a.a.ConfigurationValues = in.ConfigurationValues
		params = append(params, types.UpdateParam{Type: types.UpdateParamTypeConfigurationValues, Value: in.ConfigurationValues})
	}
	if in.ServiceAccountRoleArn != nil {
		a.a.ServiceAccountRoleArn = in.ServiceAccountRoleArn
		params = append(params, types.UpdateParam{Type: types.UpdateParamTypeServiceAccountRoleArn, Value: in.ServiceAccountRoleArn})
	}
	now := time.Now()
	a.a.ModifiedAt, a.a.Status, a.pending = &now, types.AddonStatusUpdating, f.polls()
	if f.polls() == 0 {
		a.a.Status = types.AddonStatusActive
	}
	return &eks.UpdateAddonOutput{Update: &types.Update{
		Id: aws.String(fmt.Sprintf("%s-%d", name, now.UnixNano())), Status: types.UpdateStatusInProgress,
		Type: types.UpdateTypeAddonUpdate, Params: params, CreatedAt: &now,
	}}, nil
}

// DeleteAddon turns the add-on DELETING; it disappears after Polls describes.
func (f *EKS) DeleteAddon(ctx context.Context, in *eks.DeleteAddonInput, _ ...func(*eks.Options)) (*eks.DeleteAddonOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.AddonName)
	f.record("DeleteAddon", name)
	addons, _, _, err := f.cluster(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	a := addons[name]
	if a == nil {
		return nil, notFound("No addon: %s found in cluster: %s", name, aws.ToString(in.ClusterName))
	}
	a.a.Status, a.pending = types.AddonStatusDeleting, f.polls()
	out := copyAddon(a.a)
	if f.polls() == 0 {
		delete(addons, name)
	}
	return &eks.DeleteAddonOutput{Addon: out}, nil
}

// ListAddons lists the cluster's add-on names, sorted, paged.
func (f *EKS) ListAddons(ctx context.Context, in *eks.ListAddonsInput, _ ...func(*eks.Options)) (*eks.ListAddonsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	addons, _, _, err := f.cluster(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	names := slices.Sorted(maps.Keys(addons))
	start, end, next, err := page(len(names), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &eks.ListAddonsOutput{Addons: names[start:end], NextToken: next}, nil
}

// page applies EKS's paging rules to a list of n items: maxResults 1-100
// (default 100), nextToken an offset this fake gave. It returns the page's
// bounds and the next token (nil on the last page).
func page(n int, maxResults *int32, nextToken *string) (start, end int, next *string, err error) {
	size := 100
	if maxResults != nil {
		size = int(*maxResults)
		if size < 1 || size > 100 {
			return 0, 0, nil, invalid("maxResults %d is not 1-100", size)
		}
	}
	if t := aws.ToString(nextToken); t != "" {
		start, err = strconv.Atoi(t)
		if err != nil || start < 0 || start > n {
			return 0, 0, nil, invalid("nextToken %q is not valid", t)
		}
	}
	end = min(start+size, n)
	if end < n {
		next = aws.String(strconv.Itoa(end))
	}
	return start, end, next, nil
}

// Client is a real EKS client (pointed at moto) with the fake's calls in
// front: every *eks.Client method, the add-on ones, DescribeAddonVersions,
// DescribeUpdate and the cluster calls the fake decorates answered by Fake.
type Client struct {
	*eks.Client
	// Fake answers the add-on calls.
	Fake *EKS
}

// Wrap puts a new fake in front of c.
func Wrap(c *eks.Client) *Client { return &Client{Client: c, Fake: New(c)} }

// DescribeCluster is [EKS.DescribeCluster].
func (c *Client) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	return c.Fake.DescribeCluster(ctx, in, optFns...)
}

// CreateAddon is [EKS.CreateAddon].
func (c *Client) CreateAddon(ctx context.Context, in *eks.CreateAddonInput, optFns ...func(*eks.Options)) (*eks.CreateAddonOutput, error) {
	return c.Fake.CreateAddon(ctx, in, optFns...)
}

// DescribeAddon is [EKS.DescribeAddon].
func (c *Client) DescribeAddon(ctx context.Context, in *eks.DescribeAddonInput, optFns ...func(*eks.Options)) (*eks.DescribeAddonOutput, error) {
	return c.Fake.DescribeAddon(ctx, in, optFns...)
}

// UpdateAddon is [EKS.UpdateAddon].
func (c *Client) UpdateAddon(ctx context.Context, in *eks.UpdateAddonInput, optFns ...func(*eks.Options)) (*eks.UpdateAddonOutput, error) {
	return c.Fake.UpdateAddon(ctx, in, optFns...)
}

// DeleteAddon is [EKS.DeleteAddon].
func (c *Client) DeleteAddon(ctx context.Context, in *eks.DeleteAddonInput, optFns ...func(*eks.Options)) (*eks.DeleteAddonOutput, error) {
	return c.Fake.DeleteAddon(ctx, in, optFns...)
}

// ListAddons is [EKS.ListAddons].
func (c *Client) ListAddons(ctx context.Context, in *eks.ListAddonsInput, optFns ...func(*eks.Options)) (*eks.ListAddonsOutput, error) {
	return c.Fake.ListAddons(ctx, in, optFns...)
}

// DescribeAddonVersions is [EKS.DescribeAddonVersions].
func (c *Client) DescribeAddonVersions(ctx context.Context, in *eks.DescribeAddonVersionsInput, optFns ...func(*eks.Options)) (*eks.DescribeAddonVersionsOutput, error) {
	return c.Fake.DescribeAddonVersions(ctx, in, optFns...)
}

// CreateCluster is [EKS.CreateCluster].
func (c *Client) CreateCluster(ctx context.Context, in *eks.CreateClusterInput, optFns ...func(*eks.Options)) (*eks.CreateClusterOutput, error) {
	return c.Fake.CreateCluster(ctx, in, optFns...)
}

// UpdateClusterConfig is [EKS.UpdateClusterConfig].
func (c *Client) UpdateClusterConfig(ctx context.Context, in *eks.UpdateClusterConfigInput, optFns ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error) {
	return c.Fake.UpdateClusterConfig(ctx, in, optFns...)
}

// DescribeUpdate is [EKS.DescribeUpdate].
func (c *Client) DescribeUpdate(ctx context.Context, in *eks.DescribeUpdateInput, optFns ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error) {
	return c.Fake.DescribeUpdate(ctx, in, optFns...)
}

// DeleteCluster is [EKS.DeleteCluster].
func (c *Client) DeleteCluster(ctx context.Context, in *eks.DeleteClusterInput, optFns ...func(*eks.Options)) (*eks.DeleteClusterOutput, error) {
	return c.Fake.DeleteCluster(ctx, in, optFns...)
}

// SelfSignedCA returns a new self-signed CA certificate as EKS returns a
// cluster's certificateAuthority.data: base64 of PEM. Set it as
// [EKS.CertificateAuthority] where kubeconfigs are rendered.
func SelfSignedCA() (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"}, IsCA: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}
