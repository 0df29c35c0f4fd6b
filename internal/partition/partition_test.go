package partition

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestForRegion(t *testing.T) {
	tests := []struct {
		region string
		want   string
		err    bool
	}{
		{"us-east-1", "aws", false}, {"eu-central-2", "aws", false}, {"ap-southeast-5", "aws", false},
		{"cn-north-1", "aws-cn", false}, {"cn-northwest-1", "aws-cn", false},
		{"us-gov-west-1", "aws-us-gov", false},
		{"", "", true}, {"us-east", "", true}, {"US-EAST-1", "", true}, {"us-iso-east-1", "", true},
	}
	for _, tt := range tests {
		p, err := ForRegion(tt.region)
		if (err != nil) != tt.err || p.ID != tt.want {
			t.Errorf("ForRegion(%q) = %q, %v", tt.region, p.ID, err)
		}
		if err != nil && !errors.Is(err, ErrUnknown) {
			t.Errorf("error does not wrap ErrUnknown: %v", err)
		}
	}
}

func TestPartitionStrings(t *testing.T) {
	tests := []struct {
		p                                      Partition
		policy, ec2, eks, sts, issuer, oidcARN string
	}{
		{AWS, "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "ec2.amazonaws.com", "eks.amazonaws.com",
			"https://sts.us-east-1.amazonaws.com", "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
			"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},
		{AWSCN, "arn:aws-cn:iam::aws:policy/AmazonEKSClusterPolicy", "ec2.amazonaws.com.cn", "eks.amazonaws.com",
			"https://sts.us-east-1.amazonaws.com.cn", "https://oidc.eks.us-east-1.amazonaws.com.cn/id/ABC",
			"arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com.cn/id/ABC"},
		{AWSUSGov, "arn:aws-us-gov:iam::aws:policy/AmazonEKSClusterPolicy", "ec2.amazonaws.com", "eks.amazonaws.com",
			"https://sts.us-east-1.amazonaws.com", "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
			"arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},
	}
	for _, tt := range tests {
		got := []string{tt.p.ManagedPolicyARN("AmazonEKSClusterPolicy"), tt.p.ServicePrincipal("ec2"), tt.p.ServicePrincipal("eks"),
			tt.p.STSEndpoint("us-east-1"), tt.p.OIDCIssuer("us-east-1", "ABC"), tt.p.OIDCProviderARN("123456789012", tt.p.OIDCIssuer("us-east-1", "ABC"))}
		want := []string{tt.policy, tt.ec2, tt.eks, tt.sts, tt.issuer, tt.oidcARN}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: got %q want %q", tt.p.ID, got[i], want[i])
			}
		}
		iss, p, err := IssuerFromProviderARN(tt.oidcARN)
		if err != nil || iss != tt.issuer || p != tt.p {
			t.Errorf("IssuerFromProviderARN(%q) = %q %v %v", tt.oidcARN, iss, p, err)
		}
	}
}

func TestParseARN(t *testing.T) {
	tests := []struct {
		in, svc, prefix string
		ok              bool
	}{
		{"arn:aws:iam::123456789012:role/x", "iam", "role/", true},
		{"arn:aws:iam::123456789012:user/x", "iam", "role/", false},
		{"arn:aws:iam::12345:role/x", "iam", "role/", false},
		{"arn:aws-iso:iam::123456789012:role/x", "iam", "", false},
		{"arn:aws:s3:::bucket", "iam", "", false},
		{"not-an-arn", "", "", false},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", "iam", "policy/", true},
		{"arn:aws-cn:eks:cn-north-1:123456789012:cluster/demo", "eks", "cluster/", true},
		// An ARN names its partition: "" is not the commercial one here.
		{"arn::iam::123456789012:role/x", "iam", "role/", false},
		{"arn::iam::aws:policy/ReadOnlyAccess", "", "", false},
		{"arn::eks:us-east-1:123456789012:cluster/demo", "eks", "cluster/", false},
	}
	for _, tt := range tests {
		_, err := ParseARN(tt.in, tt.svc, tt.prefix)
		if (err == nil) != tt.ok {
			t.Errorf("ParseARN(%q) err = %v", tt.in, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidARN) {
			t.Errorf("error does not wrap ErrInvalidARN: %v", err)
		}
	}
	if _, _, err := IssuerFromProviderARN("arn:aws:iam::123456789012:oidc-provider/"); err == nil {
		t.Error("empty issuer host accepted")
	}
}

func FuzzParseARN(f *testing.F) {
	f.Add("arn:aws:iam::123456789012:role/x", "iam", "role/")
	f.Add("arn::iam::123456789012:role/x", "iam", "role/")
	f.Add("arn:aws-cn:eks:cn-north-1:123456789012:cluster/demo", "", "")
	f.Fuzz(func(t *testing.T, s, service, prefix string) {
		a, err := ParseARN(s, service, prefix)
		if err != nil {
			if !errors.Is(err, ErrInvalidARN) {
				t.Fatalf("%q: %v does not wrap ErrInvalidARN", s, err)
			}
			return
		}
		if _, err := ByID(a.Partition); err != nil || a.Partition == "" {
			t.Fatalf("%q: accepted partition %q", s, a.Partition)
		}
		if a.String() != s || service != "" && a.Service != service || !strings.HasPrefix(a.Resource, prefix) {
			t.Fatalf("%q (%q, %q): accepted as %+v", s, service, prefix, a)
		}
	})
}

func FuzzIssuerFromProviderARN(f *testing.F) {
	f.Add("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC")
	f.Add("arn:aws-cn:iam::123456789012:oidc-provider/x")
	f.Fuzz(func(t *testing.T, s string) {
		iss, p, err := IssuerFromProviderARN(s)
		if err != nil {
			return
		}
		a, _ := ParseARN(s, "iam", "")
		if got := p.OIDCProviderARN(a.AccountID, iss); got != s {
			t.Fatalf("round trip %q -> %q -> %q", s, iss, got)
		}
	})
}

// The shapes ValidRegion and ValidAccount match by hand, as regular
// expressions: the oracle of the tests below.
var (
	regionShape  = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`)
	accountShape = regexp.MustCompile(`^[0-9]{12}$`)
)

func TestValidRegionAndAccount(t *testing.T) {
	for _, s := range []string{"eu-west-1", "us-gov-west-1", "us-isob-east-1", "us-iso-east-1", "cn-north-1", "us-gov-1",
		"", "eu", "eu-west", "eu-west-", "-west-1", "EU-west-1", "eu-west-1a", "us-isoab-east-1", "us-gov-west-east-1",
		"eu--1", "e-west-1", "eur-west-1", "us-iso-1", "123456789012", "12345678901", "1234567890123", "12345678901a"} {
		if got, want := ValidRegion(s), regionShape.MatchString(s); got != want {
			t.Errorf("ValidRegion(%q) = %v, the regexp says %v", s, got, want)
		}
		if got, want := ValidAccount(s), accountShape.MatchString(s); got != want {
			t.Errorf("ValidAccount(%q) = %v, the regexp says %v", s, got, want)
		}
	}
}

func FuzzValidRegion(f *testing.F) {
	for _, s := range []string{"eu-west-1", "us-gov-west-1", "us-isob-east-1", "a-b-c-1", "123456789012"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidRegion(s), regionShape.MatchString(s); got != want {
			t.Errorf("ValidRegion(%q) = %v, the regexp says %v", s, got, want)
		}
		if got, want := ValidAccount(s), accountShape.MatchString(s); got != want {
			t.Errorf("ValidAccount(%q) = %v, the regexp says %v", s, got, want)
		}
	})
}
