package lbc

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"slices"
	"testing"
)

// helmEncode encodes a release record as Helm's storage drivers do: JSON,
// gzipped, base64.
func helmEncode(t testing.TB, js string, zip bool) []byte {
	t.Helper()
	raw := []byte(js)
	if zip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		if _, err := zw.Write(raw); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		raw = b.Bytes()
	}
	return []byte(base64.StdEncoding.EncodeToString(raw))
}

func TestDecodeHelmRelease(t *testing.T) {
	const js = `{"name":"lbc","namespace":"kube-system","version":3,"info":{"status":"deployed"},"manifest":"kind: A\n",
		"hooks":[{"events":["pre-install"]},{"events":["post-delete","pre-upgrade"]},{"events":["pre-delete"]}]}`
	for _, zip := range []bool{true, false} {
		r, err := DecodeHelmRelease(helmEncode(t, js, zip))
		if err != nil {
			t.Fatal(err)
		}
		want := HelmRelease{Name: "lbc", Namespace: "kube-system", Status: "deployed", Revision: 3, Manifest: "kind: A\n", DeleteHooks: 2}
		if r != want {
			t.Errorf("gzip %v: %+v, want %+v", zip, r, want)
		}
	}
	for name, data := range map[string][]byte{
		"not base64": []byte("%%%"),
		"not JSON":   helmEncode(t, "nope", false),
		"bad gzip":   []byte(base64.StdEncoding.EncodeToString([]byte{0x1f, 0x8b, 0x08, 0, 1, 2})),
	} {
		if _, err := DecodeHelmRelease(data); !errors.Is(err, ErrUninstall) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzDecodeHelmRelease(f *testing.F) {
	f.Add(helmEncode(f, `{"name":"a","version":1,"manifest":"x"}`, true))
	f.Add([]byte("e30="))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := DecodeHelmRelease(data); err != nil && !errors.Is(err, ErrUninstall) {
			t.Fatalf("error without ErrUninstall: %v", err)
		}
	})
}

// ManifestObjects puts the webhook configurations first, then Helm's
// uninstall order, then unknown kinds by kind and name; empty documents are
// skipped and nameless objects refused.
func TestManifestObjects(t *testing.T) {
	const manifest = `---
# Source: x/templates/sa.yaml
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ctl}
---
---
apiVersion: elbv2.k8s.aws/v1beta1
kind: IngressClassParams
metadata: {name: alb}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: vw}
---
apiVersion: v1
kind: Service
metadata: {name: webhook}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: mw}
---
apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: IngressClass
  metadata: {name: alb}
- apiVersion: v1
  kind: ConfigMapList
  items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: nested}
`
	objs, err := ManifestObjects(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.GetKind()+"/"+o.GetName())
	}
	want := []string{"MutatingWebhookConfiguration/mw", "ValidatingWebhookConfiguration/vw", "IngressClass/alb", "Service/webhook",
		"Deployment/ctl", "ConfigMap/nested", "ServiceAccount/sa", "IngressClassParams/alb"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v\nwant %v", got, want)
	}
	for name, m := range map[string]string{
		"nameless object":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
		"scalar list item": "apiVersion: v1\nkind: List\nitems: [3]\n",
	} {
		if _, err := ManifestObjects(m); !errors.Is(err, ErrUninstall) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
