package eksfargate_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/fargatekit/fargatekit/internal/eksaddonfake"
	sdk "github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// Resolution per Kubernetes version, on the fake's documented table (its
// DescribeAddonVersions does not touch the wrapped client).
func TestResolveAddonVersion(t *testing.T) {
	ctx := context.Background()
	f := eksaddonfake.New(nil)
	for _, tt := range []struct {
		addon, k8s, pinned, want string
		err                      bool
	}{
		{"coredns", "1.35", "", "v1.13.2-eksbuild.4", false},
		{"coredns", "1.32", "", "v1.11.4-eksbuild.33", false}, // an upgrade 1.32 -> 1.33 moves it
		{"coredns", "1.33", "v1.12.4-eksbuild.1", "v1.12.4-eksbuild.1", false},
		{"coredns", "1.35", "v1.12.4-eksbuild.1", "", true}, // offered for 1.33-1.34 only
		{"coredns", "1.36", "", "", true},                   // no version at all
		{"kube-proxy", "1.34", "", "v1.34.6-eksbuild.13", false},
		{"kube-proxy", "1.35", "v1.34.6-eksbuild.13", "", true},
		{"vpc-cni", "1.30", "", "v1.20.1-eksbuild.3", false},
	} {
		got, err := sdk.ResolveAddonVersion(ctx, f, tt.addon, tt.k8s, tt.pinned)
		var ave *sdk.AddonVersionError
		switch {
		case tt.err && (!errors.Is(err, sdk.ErrAddonVersionIncompatible) || !errors.Is(err, sdk.ErrInvalidSpec) || !errors.As(err, &ave) || ave.Addon != tt.addon || ave.KubernetesVersion != tt.k8s):
			t.Errorf("%s %s %q: err = %v, want an AddonVersionError", tt.addon, tt.k8s, tt.pinned, err)
		case !tt.err && (err != nil || got != tt.want):
			t.Errorf("%s %s %q = %q, %v; want %q", tt.addon, tt.k8s, tt.pinned, got, err, tt.want)
		}
	}
	_, err := sdk.ResolveAddonVersion(ctx, f, "coredns", "1.35", "v1.11.4-eksbuild.33")
	var ave *sdk.AddonVersionError
	if !errors.As(err, &ave) || !slices.Equal(ave.Compatible, []string{"v1.13.2-eksbuild.4"}) {
		t.Errorf("the error lists what is offered: %v", err)
	}
}

func TestCompareAddonVersions(t *testing.T) {
	ordered := []string{"latest", "v1.9.3-eksbuild.15", "v1.10.1-eksbuild.11", "v1.11.4-eksbuild.2", "v1.11.4-eksbuild.24", "v1.11.4-eksbuild.33", "v1.13.2-eksbuild.4"}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := sdk.CompareAddonVersions(ordered[i], ordered[j]); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func FuzzCompareAddonVersions(f *testing.F) {
	f.Add("v1.11.4-eksbuild.2", "v1.11.4-eksbuild.24")
	f.Add("v1.2.3", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		if sdk.CompareAddonVersions(a, b) != -sdk.CompareAddonVersions(b, a) {
			t.Errorf("not antisymmetric: %q %q", a, b)
		}
		if sdk.CompareAddonVersions(a, a) != 0 {
			t.Errorf("%q != itself", a)
		}
	})
}
