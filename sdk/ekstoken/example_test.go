package ekstoken_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

// A token signed with static keys at a fixed time, decoded again. The
// signature is the one aws-sdk-go-v2's STS presign client computes.
func ExamplePresign() {
	creds := ekstoken.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	tok, err := ekstoken.Presign(creds, "eu-west-1", "demo", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	u, err := ekstoken.ParseToken(tok.Value)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("expires:", tok.Expiration.Format(time.RFC3339))
	fmt.Println("host:", u.Host)
	fmt.Println("signature:", u.Query().Get("X-Amz-Signature"))
	// Output:
	// expires: 2025-01-02T03:18:05Z
	// host: sts.eu-west-1.amazonaws.com
	// signature: 1d6916ee6681e9e7fa14c92c2ba03f99bd9b548faea30ae66737fe76b3911ea1
}

// The ExecCredential "fargatekit token" prints, the same fields as "aws eks get-token".
func ExampleMarshalExecCredential() {
	tok := ekstoken.Token{Value: "k8s-aws-v1.aHR0cHM6Ly9zdHM", Expiration: time.Date(2025, 1, 2, 3, 18, 5, 0, time.UTC)}
	os.Stdout.Write(ekstoken.MarshalExecCredential(tok, ekstoken.ExecInfoAPIVersion("")))
	// Output:
	// {"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2025-01-02T03:18:05Z","token":"k8s-aws-v1.aHR0cHM6Ly9zdHM"}}
}

// What the environment and the shared files say about the credentials, with
// no SDK and no network: a profile with static keys signs at once.
func ExampleResolveLocalProfile() {
	dir, _ := os.MkdirTemp("", "ekstoken-example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "config"), []byte("[profile dev]\nregion = eu-north-1\n\n[profile sso]\nsso_session = corp\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "credentials"), []byte("[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = secret\n"), 0o600)
	env := map[string]string{"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials")}
	getenv := func(k string) string { return env[k] }

	dev := ekstoken.ResolveLocalProfile(getenv, "dev")
	fmt.Println(dev.Identity, dev.Region, dev.Static != nil)
	sso := ekstoken.ResolveLocalProfile(getenv, "sso")
	fmt.Println(sso.Identity, sso.Static != nil)
	// Output:
	// AKIDDEV eu-north-1 true
	// profile:sso false
}

// A cache hit costs one small file read: the token command answers kubectl
// without signing again for 13 of every 14 minutes.
func ExampleTokenCache() {
	dir, _ := os.MkdirTemp("", "ekstoken-cache")
	defer os.RemoveAll(dir)
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cache := &ekstoken.TokenCache{Dir: dir, Now: func() time.Time { return now }}
	key := ekstoken.CacheKey{ClusterName: "demo", Region: "eu-west-1", Identity: "AKIDEXAMPLE"}
	tok, _ := ekstoken.Presign(ekstoken.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "s"}, "eu-west-1", "demo", now)
	if err := cache.Put(key, tok); err != nil {
		fmt.Println(err)
		return
	}
	_, hit := cache.Get(key)
	now = now.Add(13 * time.Minute) // within CacheMargin of the expiry
	_, late := cache.Get(key)
	fmt.Println(hit, late)
	// Output:
	// true false
}
