// Package eksaddonfake is a FAKE of the EKS add-on calls moto 5.2.1 lacks:
// CreateAddon, DescribeAddon, UpdateAddon, DeleteAddon and ListAddons. Every
// other EKS call goes to the wrapped client (moto, through the real
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
//     others (InvalidParameterException). An add-on version, when given, is
//     v<major>.<minor>.<patch>-eksbuild.<n>; when not, the fake picks
//     [DefaultVersion] (EKS picks the default for the Kubernetes version).
//
// What it models of time: a created, updated or deleted add-on stays in its
// transitional state for [EKS.Polls] DescribeAddon calls, then is ACTIVE or
// gone, so that waiters poll. moto's DescribeCluster answers a
// certificateAuthority that is 1400 random letters, not base64 PEM: tests
// that render kubeconfigs set [EKS.CertificateAuthority], and DescribeCluster
// answers are given that value instead (the only change to moto's answers).
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
// it must answer DescribeCluster.
type Inner interface {
	DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
}

// DefaultVersion is the version the fake gives an add-on created without one.
const DefaultVersion = "v1.0.0-eksbuild.1"

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

	mu     sync.Mutex
	addons map[string]map[string]*addon // cluster key -> name -> add-on
	calls  []string
}

type addon struct {
	a       types.Addon
	pending int // DescribeAddon calls left in the transitional state
}

// New returns a fake of the add-on calls over inner.
func New(inner Inner) *EKS {
	return &EKS{inner: inner, Polls: 1, addons: map[string]map[string]*addon{}}
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

// cluster returns the add-ons of an existing cluster (created on demand) and its ARN.
func (f *EKS) cluster(ctx context.Context, name *string) (map[string]*addon, string, error) {
	out, err := f.inner.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: name})
	if err != nil {
		return nil, "", err
	}
	c := out.Cluster
	key := aws.ToString(c.Arn) + "@" + strconv.FormatInt(aws.ToTime(c.CreatedAt).UnixNano(), 10)
	if f.addons[key] == nil {
		f.addons[key] = map[string]*addon{}
	}
	return f.addons[key], aws.ToString(c.Arn), nil
}

func (f *EKS) record(call, name string) { f.calls = append(f.calls, call+" "+name) }

func (f *EKS) polls() int {
	if f.Polls < 0 {
		return 0
	}
	return f.Polls
}

// DescribeCluster is the inner client's, with CertificateAuthority substituted when set.
func (f *EKS) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	out, err := f.inner.DescribeCluster(ctx, in, optFns...)
	if err == nil && f.CertificateAuthority != "" && out.Cluster != nil {
		out.Cluster.CertificateAuthority = &types.Certificate{Data: aws.String(f.CertificateAuthority)}
	}
	return out, err
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
	addons, arn, err := f.cluster(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	switch {
	case !slices.Contains(knownAddons, name):
		return nil, invalid("Addon %s specified is not supported", name)
	case addons[name] != nil:
		return nil, inUse("Addon already exists.")
	case in.AddonVersion != nil && !versionRE.MatchString(*in.AddonVersion):
		return nil, invalid("Addon version %s specified is not supported", *in.AddonVersion)
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
		AddonVersion: aws.String(DefaultVersion), AddonArn: aws.String(arn + "/addon/" + name),
		CreatedAt: &now, ModifiedAt: &now, ConfigurationValues: in.ConfigurationValues,
		ServiceAccountRoleArn: in.ServiceAccountRoleArn, Tags: maps.Clone(in.Tags), Health: &types.AddonHealth{},
	}
	if in.AddonVersion != nil {
		a.AddonVersion = in.AddonVersion
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
	addons, _, err := f.cluster(ctx, in.ClusterName)
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
	addons, _, err := f.cluster(ctx, in.ClusterName)
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
	addons, _, err := f.cluster(ctx, in.ClusterName)
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
	addons, _, err := f.cluster(ctx, in.ClusterName)
	if err != nil {
		return nil, err
	}
	size := 100
	if in.MaxResults != nil {
		size = int(*in.MaxResults)
		if size < 1 || size > 100 {
			return nil, invalid("maxResults %d is not 1-100", size)
		}
	}
	names := slices.Sorted(maps.Keys(addons))
	start := 0
	if t := aws.ToString(in.NextToken); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || n > len(names) {
			return nil, invalid("nextToken %q is not valid", t)
		}
		start = n
	}
	end := min(start+size, len(names))
	out := &eks.ListAddonsOutput{Addons: names[start:end]}
	if end < len(names) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

// Client is a real EKS client (pointed at moto) with the fake's add-on
// calls, and DescribeCluster, in front: every *eks.Client method, the
// add-on ones answered by Fake.
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
