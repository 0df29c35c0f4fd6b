package lbc

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

// TestAdditionalPoliciesEquivalentToOfficial: the embedded optional policies
// are the official v3.5.0 documents (reference policies/), valid, within
// IAM's managed-policy quota, in every partition that has their services.
func TestAdditionalPoliciesEquivalentToOfficial(t *testing.T) {
	reference().Require(t)
	refs := map[AdditionalPolicy]string{
		PolicyGlobalAccelerator:     "policies/aga_controller_iam_policy.json",
		PolicyCertificateManagement: "policies/iam_policy_acm_certs.json",
	}
	for p, ref := range refs {
		want := parseFile(t, reference().File(t, ref))
		got, err := AdditionalPolicyDocument(p, DefaultVersion, "aws")
		if err != nil {
			t.Fatal(err)
		}
		d, err := iampolicy.Parse([]byte(got))
		if err != nil {
			t.Fatal(err)
		}
		if !iampolicy.Equivalent(d, want) {
			t.Errorf("%s: not equivalent to %s", p, ref)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if n, _ := d.Size(); n > 6144 {
			t.Errorf("%s: %d characters, over the managed-policy quota", p, n)
		}
	}
}

func TestAdditionalPolicyPartitions(t *testing.T) {
	acm, _ := AdditionalPolicyDocument(PolicyCertificateManagement, "", "aws")
	for _, part := range []string{"aws-cn", "aws-us-gov"} {
		got, err := AdditionalPolicyDocument(PolicyCertificateManagement, "", part)
		if err != nil || got != acm {
			t.Errorf("%s: the certificate policy names no ARN and should not change: %v", part, err)
		}
		_, err = AdditionalPolicyDocument(PolicyGlobalAccelerator, "", part)
		if !errors.Is(err, ErrUnavailableInPartition) || !strings.Contains(err.Error(), "no Region in aws-cn or aws-us-gov") {
			t.Errorf("%s: Global Accelerator: %v", part, err)
		}
	}
	aga, _ := AdditionalPolicyDocument(PolicyGlobalAccelerator, "", "")
	if !strings.Contains(aga, `"arn:aws:globalaccelerator::*:accelerator/*"`) {
		t.Errorf("aws Global Accelerator policy lost its ARNs: %s", aga)
	}
	if _, err := AdditionalPolicyDocument(PolicyGlobalAccelerator, "", "aws-iso"); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("aws-iso: %v", err)
	}
}

func TestResolveAdditionalPolicies(t *testing.T) {
	tests := []struct {
		name     string
		asked    []AdditionalPolicy
		settings Settings
		want     []AdditionalPolicy
		errs     []string
	}{
		{"none", nil, Settings{}, nil, nil},
		{"asked twice", []AdditionalPolicy{PolicyGlobalAccelerator, PolicyGlobalAccelerator}, Settings{}, []AdditionalPolicy{PolicyGlobalAccelerator}, nil},
		{"implied by gates", nil, Settings{FeatureGates: FeatureGateSettings{FeatureGlobalAcceleratorController: true,
			FeatureEnableCertificateManagement: true}}, []AdditionalPolicy{PolicyCertificateManagement, PolicyGlobalAccelerator}, nil},
		{"gate off", nil, Settings{FeatureGates: FeatureGateSettings{FeatureGlobalAcceleratorController: false}}, nil, nil},
		{"too old and unknown", []AdditionalPolicy{PolicyCertificateManagement, "waf"}, Settings{Version: "v3.2.0"}, nil,
			[]string{"controller v3.2.0 has no such feature (from v3.3.0)", `additional policy "waf"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveAdditionalPolicies(tt.asked, tt.settings)
			if len(tt.errs) > 0 {
				for _, w := range tt.errs {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q: %v", w, err)
					}
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	r, err := ReleaseSpec{Settings: Settings{FeatureGates: FeatureGateSettings{FeatureEnableCertificateManagement: true}}}.Resolve()
	if err != nil || !slices.Equal(r.AdditionalPolicies, []AdditionalPolicy{PolicyCertificateManagement}) {
		t.Errorf("Resolve: %v, %v", r.AdditionalPolicies, err)
	}
}
