package ekstoken

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/fargatekit/fargatekit/internal/atomicfile"
)

// CacheMargin is how long before its expiry a cached token stops being reused.
const CacheMargin = time.Minute

// maxCacheFile bounds what a cache read accepts (a token is at most MaxTokenLen).
const maxCacheFile = 16 << 10

// CacheKey identifies a cached token: the cluster, region and role it is for
// and the identity of the credentials that signed it (an access key ID or a
// profile name, see [ResolveLocal]). The identity is stored only as a SHA-256
// hash; no secret ever goes into a key.
type CacheKey struct {
	// ClusterName is the cluster the token is for.
	ClusterName string
	// Region is the region whose STS endpoint signed it.
	Region string
	// RoleARN is the role assumed before signing ("" for none).
	RoleARN string
	// Identity names the signing credentials (stored hashed).
	Identity string
}

// identityHash is the hex SHA-256 of the identity, what the cache stores.
func (k CacheKey) identityHash() string {
	h := sha256.Sum256([]byte(k.Identity))
	return hex.EncodeToString(h[:])
}

// fileName is a hash of all key fields, so names leak nothing and cannot
// escape the cache directory.
func (k CacheKey) fileName() string {
	h := sha256.New()
	for _, s := range []string{"v1", k.ClusterName, k.Region, k.RoleARN, k.identityHash()} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16]) + ".json"
}

// cacheEntry is the JSON of one cache file.
type cacheEntry struct {
	ClusterName  string    `json:"clusterName"`
	Region       string    `json:"region"`
	RoleARN      string    `json:"roleARN,omitempty"`
	IdentityHash string    `json:"identitySHA256"`
	Token        string    `json:"token"`
	Expiration   time.Time `json:"expiration"`
}

// TokenCache keeps tokens on disk, one file per key (mode 0600, in a
// directory created with mode 0700), so that "fargatekit token" run by kubectl
// again and again signs once per token lifetime. Unreadable, corrupt,
// mismatched or too-open files are misses and get rewritten.
type TokenCache struct {
	// Dir holds the cache files; see DefaultCacheDir.
	Dir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultCacheDir returns $FARGATEKIT_CACHE_DIR when set (getenv reads it),
// else <os.UserCacheDir()>/fargatekit/tokens.
func DefaultCacheDir(getenv func(string) string) (string, error) {
	if d := getenv("FARGATEKIT_CACHE_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("kubeauth: token cache: %w", err)
	}
	return filepath.Join(d, "fargatekit", "tokens"), nil
}

func (c *TokenCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Path returns the file that holds key's token.
func (c *TokenCache) Path(key CacheKey) string { return filepath.Join(c.Dir, key.fileName()) }

// Get returns the cached token for key if there is one that is well formed,
// was stored for exactly this key, and is more than CacheMargin from expiry.
func (c *TokenCache) Get(key CacheKey) (Token, bool) {
	f, err := os.Open(c.Path(key))
	if err != nil {
		return Token{}, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || (runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0) {
		return Token{}, false // another user could have written a too-open file
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCacheFile))
	if err != nil {
		return Token{}, false
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil {
		return Token{}, false
	}
	if e.ClusterName != key.ClusterName || e.Region != key.Region || e.RoleARN != key.RoleARN ||
		e.IdentityHash != key.identityHash() {
		return Token{}, false
	}
	if !c.now().Before(e.Expiration.Add(-CacheMargin)) {
		return Token{}, false
	}
	if _, err := ParseToken(e.Token); err != nil {
		return Token{}, false
	}
	return Token{Value: e.Token, Expiration: e.Expiration}, true
}

// Put stores tok under key, atomically replacing any previous file.
func (c *TokenCache) Put(key CacheKey, tok Token) error {
	if c.Dir == "" {
		return errors.New("kubeauth: token cache: no directory")
	}
	b, err := json.Marshal(cacheEntry{
		ClusterName: key.ClusterName, Region: key.Region, RoleARN: key.RoleARN,
		IdentityHash: key.identityHash(), Token: tok.Value, Expiration: tok.Expiration.UTC(),
	})
	if err != nil {
		return fmt.Errorf("kubeauth: token cache: %w", err)
	}
	if err := atomicfile.WriteFile(c.Path(key), b, 0o600, false); err != nil {
		return fmt.Errorf("kubeauth: token cache: %w", err)
	}
	return nil
}
