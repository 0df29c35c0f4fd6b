package kubeauth

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/fargatekit/fargatekit/internal/partition"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

// ErrInvalidSpec is wrapped by every validation error of this package's specs.
var ErrInvalidSpec = errors.New("kubeauth: invalid spec")

// ErrNoRegion is wrapped when no AWS region was given: fargatekit never
// defaults one.
var ErrNoRegion = ekstoken.ErrNoRegion

// ExecMode chooses the exec credential plugin a kubeconfig runs to get a token.
type ExecMode string

// The exec plugins a kubeconfig can use.
const (
	// ExecFargatekit runs "fargatekit token" (the default when ExecMode is "").
	ExecFargatekit ExecMode = "fargatekit"
	// ExecAWS runs "aws eks get-token", as "aws eks update-kubeconfig" writes.
	ExecAWS ExecMode = "aws"
)

// KubeconfigSpec is everything a kubeconfig entry for an EKS cluster needs.
// ClusterName, Endpoint, CAData and Region are required.
type KubeconfigSpec struct {
	// ClusterName is the EKS cluster's name (what tokens are issued for).
	ClusterName string
	// Endpoint is the API server URL, as DescribeCluster returns it (https://...).
	Endpoint string
	// CAData is the cluster's certificate authority as EKS returns it:
	// base64 of a PEM bundle.
	CAData string
	// Region is the cluster's AWS region. Never defaulted.
	Region string
	// RoleARN is an IAM role the exec plugin assumes before signing the token.
	RoleARN string
	// Profile is an AWS shared-config profile the exec plugin signs with:
	// passed as its --profile flag (and AWS_PROFILE in its environment).
	Profile string
	// Exec chooses the exec plugin; "" means ExecFargatekit.
	Exec ExecMode

	// ClusterARN, when known, names the kubeconfig's cluster, user and context
	// entries as "aws eks update-kubeconfig" does. Without it they are named
	// by [EntryName]'s fallback.
	ClusterARN string
	// Alias, when set, names the context instead (the aws CLI's --alias).
	Alias string
}

// Validate returns every problem of the spec at once, each wrapping ErrInvalidSpec.
func (s KubeconfigSpec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidSpec}, args...)...))
	}
	if !ekstoken.ValidClusterName(s.ClusterName) {
		bad("cluster name %q is not a valid EKS cluster name", s.ClusterName)
	}
	if u, err := url.Parse(s.Endpoint); err != nil || u.Scheme != "https" || u.Host == "" {
		bad("endpoint %q is not an https URL", s.Endpoint)
	}
	if _, err := decodeCA(s.CAData); err != nil {
		bad("CA data: %v", err)
	}
	if err := checkRegion(s.Region); err != nil {
		errs = append(errs, err)
	}
	if s.RoleARN != "" {
		if err := checkRoleARN(s.RoleARN); err != nil {
			errs = append(errs, err)
		}
	}
	if strings.ContainsAny(s.Profile, " \t\r\n") {
		bad("profile %q contains whitespace", s.Profile)
	}
	switch s.Exec {
	case "", ExecFargatekit, ExecAWS:
	default:
		bad("exec mode %q (want %q or %q)", s.Exec, ExecFargatekit, ExecAWS)
	}
	if s.ClusterARN != "" {
		if _, err := partition.ParseARN(s.ClusterARN, "eks", "cluster/"); err != nil {
			bad("cluster ARN: %v", err)
		}
	}
	return errors.Join(errs...)
}

// checkRegion refuses an empty or unknown region: fargatekit never defaults one.
func checkRegion(region string) error {
	if region == "" {
		return fmt.Errorf("%w: %w", ErrInvalidSpec, ErrNoRegion)
	}
	if _, err := partition.ForRegion(region); err != nil {
		return fmt.Errorf("%w: region: %w", ErrInvalidSpec, err)
	}
	return nil
}

// checkRoleARN accepts only IAM role ARNs of a supported partition.
func checkRoleARN(roleARN string) error {
	if _, err := partition.ParseARN(roleARN, "iam", "role/"); err != nil {
		return fmt.Errorf("%w: role ARN: %w", ErrInvalidSpec, err)
	}
	return nil
}

// decodeCA decodes EKS's base64 CA data and checks it holds a PEM certificate.
func decodeCA(data string) ([]byte, error) {
	if data == "" {
		return nil, errors.New("empty")
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(data))
	if err != nil {
		return nil, fmt.Errorf("not base64: %v", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM certificate")
	}
	return b, nil
}
