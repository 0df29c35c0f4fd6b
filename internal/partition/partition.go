package partition

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ErrUnknown is wrapped when a partition or region is not one fargatekit knows.
var ErrUnknown = errors.New("partition: unknown")

// ErrInvalidARN is wrapped when an ARN does not parse or has the wrong shape.
var ErrInvalidARN = errors.New("partition: invalid ARN")

// Partition describes one AWS partition.
type Partition struct {
	// ID is the partition's name as it appears in ARNs: aws, aws-cn or aws-us-gov.
	ID string
	// DNSSuffix is the partition's domain: amazonaws.com or amazonaws.com.cn.
	DNSSuffix string
}

// The partitions fargatekit supports.
var (
	AWS      = Partition{ID: "aws", DNSSuffix: "amazonaws.com"}
	AWSCN    = Partition{ID: "aws-cn", DNSSuffix: "amazonaws.com.cn"}
	AWSUSGov = Partition{ID: "aws-us-gov", DNSSuffix: "amazonaws.com"}
)

// All lists the supported partitions.
func All() []Partition { return []Partition{AWS, AWSCN, AWSUSGov} }

// ByID returns the partition with the given ID; "" means the commercial partition.
func ByID(id string) (Partition, error) {
	switch id {
	case "", AWS.ID:
		return AWS, nil
	case AWSCN.ID:
		return AWSCN, nil
	case AWSUSGov.ID:
		return AWSUSGov, nil
	}
	return Partition{}, fmt.Errorf("%w partition %q (supported: aws, aws-cn, aws-us-gov)", ErrUnknown, id)
}

// ValidRegion reports whether s has the shape of an AWS region name,
// ^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$ (eu-west-1, us-gov-west-1,
// us-isob-east-1). Matched by hand, not by that regexp: compiling it costs a
// fifth of a millisecond in every process, and the token plugin, which kubectl
// starts on every call, checks a region.
func ValidRegion(s string) bool {
	parts := strings.Split(s, "-")
	switch len(parts) {
	case 3:
	case 4:
		q := parts[1]
		if q != "gov" && !(strings.HasPrefix(q, "iso") && len(q) <= 4 && allLetters(q)) {
			return false
		}
	default:
		return false
	}
	n := len(parts)
	return len(parts[0]) == 2 && allLetters(parts[0]) && allLetters(parts[n-2]) && allDigits(parts[n-1])
}

// ForRegion returns the partition a region belongs to. It never guesses a region:
// an empty or malformed region is an error.
func ForRegion(region string) (Partition, error) {
	if !ValidRegion(region) {
		return Partition{}, fmt.Errorf("%w region %q", ErrUnknown, region)
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return AWSCN, nil
	case strings.HasPrefix(region, "us-gov-"):
		return AWSUSGov, nil
	case strings.Contains(region, "-iso"):
		return Partition{}, fmt.Errorf("%w region %q: ISO partitions are not supported", ErrUnknown, region)
	}
	return AWS, nil
}

// ARN returns "arn:<partition>:<service>:<region>:<account>:<resource>".
func (p Partition) ARN(service, region, account, resource string) string {
	return arn.ARN{Partition: p.ID, Service: service, Region: region, AccountID: account, Resource: resource}.String()
}

// ManagedPolicyARN returns the ARN of an AWS managed policy, e.g.
// ManagedPolicyARN("AmazonEKSClusterPolicy").
func (p Partition) ManagedPolicyARN(name string) string {
	return p.ARN("iam", "", "aws", "policy/"+name)
}

// ServicePrincipal returns the IAM service principal of a service in this
// partition. EC2 is the one service whose principal takes the China suffix;
// EKS, Fargate pods, STS and the rest use amazonaws.com everywhere.
func (p Partition) ServicePrincipal(service string) string {
	if service == "ec2" {
		return "ec2." + p.DNSSuffix
	}
	return service + ".amazonaws.com"
}

// STSEndpoint returns the regional STS endpoint URL for a region of this partition.
func (p Partition) STSEndpoint(region string) string {
	return "https://sts." + region + "." + p.DNSSuffix
}

// OIDCIssuer returns the EKS OIDC issuer URL for a cluster's OIDC ID.
func (p Partition) OIDCIssuer(region, id string) string {
	return "https://oidc.eks." + region + "." + p.DNSSuffix + "/id/" + id
}

// OIDCProviderARN returns the IAM OIDC provider ARN for an issuer URL
// ("https://" is dropped, as IAM does).
func (p Partition) OIDCProviderARN(account, issuerURL string) string {
	return p.ARN("iam", "", account, "oidc-provider/"+strings.TrimPrefix(issuerURL, "https://"))
}

// IssuerFromProviderARN returns the issuer URL ("https://" + host/path) that an
// IAM OIDC provider ARN names, and the provider's partition.
func IssuerFromProviderARN(providerARN string) (string, Partition, error) {
	a, err := ParseARN(providerARN, "iam", "oidc-provider/")
	if err != nil {
		return "", Partition{}, err
	}
	host := strings.TrimPrefix(a.Resource, "oidc-provider/")
	if host == "" || strings.ContainsAny(host, " \t") || strings.HasPrefix(host, "/") {
		return "", Partition{}, fmt.Errorf("%w %q: no issuer host", ErrInvalidARN, providerARN)
	}
	p, _ := ByID(a.Partition)
	return "https://" + host, p, nil
}

// ValidAccount reports whether s is a 12-digit AWS account ID.
func ValidAccount(s string) bool { return len(s) == 12 && allDigits(s) }

// allLetters reports whether s is one or more lower-case ASCII letters.
func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParseARN parses an ARN with aws/arn and checks that it names a supported
// partition (an empty one is refused: unlike [ByID], an ARN always names its
// partition, and AWS never accepts "arn::"), that it belongs to the given
// service (when not ""), that its resource starts with resourcePrefix (when
// not ""), and, for IAM, that its account is 12 digits. Every error wraps
// [ErrInvalidARN].
func ParseARN(s, service, resourcePrefix string) (arn.ARN, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return arn.ARN{}, fmt.Errorf("%w %q: %v", ErrInvalidARN, s, err)
	}
	if a.Partition == "" {
		return arn.ARN{}, fmt.Errorf("%w %q: no partition (aws, aws-cn or aws-us-gov)", ErrInvalidARN, s)
	}
	if _, err := ByID(a.Partition); err != nil {
		return arn.ARN{}, fmt.Errorf("%w %q: %v", ErrInvalidARN, s, err)
	}
	if service != "" && a.Service != service {
		return arn.ARN{}, fmt.Errorf("%w %q: service %q, want %q", ErrInvalidARN, s, a.Service, service)
	}
	if resourcePrefix != "" && !strings.HasPrefix(a.Resource, resourcePrefix) {
		return arn.ARN{}, fmt.Errorf("%w %q: resource %q does not start with %q", ErrInvalidARN, s, a.Resource, resourcePrefix)
	}
	if a.Service == "iam" && !ValidAccount(a.AccountID) && a.AccountID != "aws" {
		return arn.ARN{}, fmt.Errorf("%w %q: account %q is not 12 digits", ErrInvalidARN, s, a.AccountID)
	}
	return a, nil
}
