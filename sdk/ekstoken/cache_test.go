package ekstoken

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func testToken(t testing.TB, at time.Time) Token {
	t.Helper()
	tok, err := Presign(Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey}, "eu-west-1", "demo", at)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokenCache(t *testing.T) {
	now := testTime
	dir := filepath.Join(t.TempDir(), "a", "tokens")
	c := &TokenCache{Dir: dir, Now: func() time.Time { return now }}
	key := CacheKey{ClusterName: "demo", Region: "eu-west-1", Identity: testAccessKey}

	if _, ok := c.Get(key); ok {
		t.Fatal("hit in an empty cache")
	}
	tok := testToken(t, now)
	if err := c.Put(key, tok); err != nil {
		t.Fatal(err)
	}
	assertMode(t, dir, 0o700)
	assertMode(t, c.Path(key), 0o600)
	raw, _ := os.ReadFile(c.Path(key))
	if strings.Contains(string(raw), testAccessKey) || strings.Contains(c.Path(key), testAccessKey) {
		t.Error("the access key ID is stored in the clear")
	}

	got, ok := c.Get(key)
	if !ok || got.Value != tok.Value || !got.Expiration.Equal(tok.Expiration) {
		t.Fatalf("hit: ok %v, token equal %v", ok, got == tok)
	}

	// Misses for every other key field.
	for _, other := range []CacheKey{
		{ClusterName: "other", Region: "eu-west-1", Identity: testAccessKey},
		{ClusterName: "demo", Region: "eu-west-2", Identity: testAccessKey},
		{ClusterName: "demo", Region: "eu-west-1", Identity: "AKIDOTHER"},
		{ClusterName: "demo", Region: "eu-west-1", Identity: testAccessKey, RoleARN: "arn:aws:iam::123456789012:role/x"},
	} {
		if _, ok := c.Get(other); ok {
			t.Errorf("hit for %+v", other)
		}
	}

	// Expiry: reused until one minute before the token's expiry (14 min after signing).
	now = testTime.Add(12*time.Minute + 59*time.Second)
	if _, ok := c.Get(key); !ok {
		t.Error("miss 12m59s after signing")
	}
	now = testTime.Add(13 * time.Minute)
	if _, ok := c.Get(key); ok {
		t.Error("hit 13m after signing (one minute before expiry)")
	}

	// A newer token replaces the file.
	fresh := testToken(t, now)
	if err := c.Put(key, fresh); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get(key); !ok || got.Value != fresh.Value {
		t.Error("replaced token not returned")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestTokenCacheRefusesBadFiles(t *testing.T) {
	now := testTime
	c := &TokenCache{Dir: t.TempDir(), Now: func() time.Time { return now }}
	key := CacheKey{ClusterName: "demo", Region: "eu-west-1", Identity: testAccessKey}
	good := testToken(t, now)
	if err := c.Put(key, good); err != nil {
		t.Fatal(err)
	}
	goodBytes, _ := os.ReadFile(c.Path(key))

	tests := []struct {
		name  string
		write func(path string)
	}{
		{"corrupt JSON", func(p string) { os.WriteFile(p, []byte("{not json"), 0o600) }},
		{"empty", func(p string) { os.WriteFile(p, nil, 0o600) }},
		{"token not a token", func(p string) {
			os.WriteFile(p, []byte(strings.Replace(string(goodBytes), "k8s-aws-v1.", "garbage.", 1)), 0o600)
		}},
		{"stored for another cluster", func(p string) {
			os.WriteFile(p, []byte(strings.Replace(string(goodBytes), `"clusterName":"demo"`, `"clusterName":"x"`, 1)), 0o600)
		}},
		{"readable by others", func(p string) { os.WriteFile(p, goodBytes, 0o600); os.Chmod(p, 0o644) }},
		{"a directory", func(p string) { os.Mkdir(p, 0o700) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := c.Path(key)
			os.RemoveAll(p)
			tt.write(p)
			if _, ok := c.Get(key); ok {
				t.Fatal("bad cache file used")
			}
			// Corrupt files are rewritten by the next Put (a directory cannot be).
			if tt.name == "a directory" {
				os.RemoveAll(p)
			}
			if err := c.Put(key, good); err != nil {
				t.Fatal(err)
			}
			if got, ok := c.Get(key); !ok || got.Value != good.Value {
				t.Fatal("rewritten file not used")
			}
			assertMode(t, p, 0o600)
		})
	}
}

func TestDefaultCacheDir(t *testing.T) {
	d, err := DefaultCacheDir(func(k string) string {
		return map[string]string{"FARGATEKIT_CACHE_DIR": "/x/y"}[k]
	})
	if err != nil || d != "/x/y" {
		t.Errorf("override: %q %v", d, err)
	}
	t.Setenv("XDG_CACHE_HOME", "/cachehome")
	d, err = DefaultCacheDir(func(string) string { return "" })
	if err != nil || d != filepath.Join("/cachehome", "fargatekit", "tokens") {
		t.Errorf("default: %q %v", d, err)
	}
}

func BenchmarkTokenCacheGet(b *testing.B) {
	c := &TokenCache{Dir: b.TempDir()}
	key := CacheKey{ClusterName: "demo", Region: "eu-west-1", Identity: testAccessKey}
	if err := c.Put(key, testToken(b, time.Now())); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Get(key); !ok {
			b.Fatal("miss")
		}
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); runtime.GOOS != "windows" && got != want {
		t.Errorf("%s: mode %o, want %o", path, got, want)
	}
}
