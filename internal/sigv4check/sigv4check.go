// Package sigv4check verifies EKS tokens in tests with SigV4 written out by
// hand from AWS's specification (Signature Version 4, "Authenticating
// requests: using query parameters"), independently of the presigner under
// test and of the AWS SDK.
package sigv4check

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// DecodeToken undoes the token encoding by hand, without ParseToken.
func DecodeToken(t testing.TB, tok string) *url.URL {
	t.Helper()
	rest, ok := strings.CutPrefix(tok, "k8s-aws-v1.")
	if !ok {
		t.Fatalf("token %q lacks the k8s-aws-v1. prefix", tok)
	}
	if strings.ContainsAny(rest, "=+/") {
		t.Fatalf("token is not unpadded base64url: %q", rest)
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// awsURIEncode is SigV4's URI encoding: RFC 3986 unreserved characters kept,
// every other byte %XX with upper-case hex.
func awsURIEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func testHMAC(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// Signature recomputes, by hand from the SigV4 specification, the
// signature of a presigned GET whose signed headers are host and the given
// x-k8s-aws-id value.
func Signature(u *url.URL, secret, clusterHeader string) string {
	q := u.Query()
	var keys []string
	for k := range q {
		if k != "X-Amz-Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, awsURIEncode(k)+"="+awsURIEncode(q.Get(k)))
	}
	emptyHash := sha256.Sum256(nil)
	canonical := strings.Join([]string{
		"GET",
		"/",
		strings.Join(pairs, "&"),
		"host:" + u.Host + "\n" + "x-k8s-aws-id:" + clusterHeader + "\n",
		"host;x-k8s-aws-id",
		hex.EncodeToString(emptyHash[:]),
	}, "\n")
	amzDate := q.Get("X-Amz-Date")
	scope := strings.SplitN(q.Get("X-Amz-Credential"), "/", 2)[1] // date/region/sts/aws4_request
	parts := strings.Split(scope, "/")
	crHash := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])
	key := testHMAC([]byte("AWS4"+secret), parts[0])
	key = testHMAC(key, parts[1])
	key = testHMAC(key, parts[2])
	key = testHMAC(key, parts[3])
	return hex.EncodeToString(testHMAC(key, toSign))
}
