package ekstoken

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func encodeURL(u string) string { return TokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(u)) }

const goodQuery = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
	"&X-Amz-Credential=AKIDEXAMPLE%2F20250102%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=20250102T030405Z" +
	"&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id" +
	"&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000"

func TestParseToken(t *testing.T) {
	good := "https://sts.eu-west-1.amazonaws.com/?" + goodQuery
	tests := []struct {
		name, token, want string // want "" = accepted
	}{
		{"good", encodeURL(good), ""},
		{"no path", encodeURL("https://sts.eu-west-1.amazonaws.com?" + goodQuery), ""},
		{"global host", encodeURL("https://sts.amazonaws.com/?" + goodQuery), ""},
		{"china", encodeURL("https://sts.cn-north-1.amazonaws.com.cn/?" + goodQuery), ""},
		{"session token", encodeURL(good + "&X-Amz-Security-Token=abc"), ""},
		{"lower-case keys", encodeURL("https://sts.eu-west-1.amazonaws.com/?" + strings.ToLower(goodQuery[:7]) + goodQuery[6:]), "action"},
		{"no prefix", base64.RawURLEncoding.EncodeToString([]byte(good)), "prefix"},
		{"v2 prefix", "k8s-aws-v2." + base64.RawURLEncoding.EncodeToString([]byte(good)), "prefix"},
		{"padded", TokenPrefix + base64.URLEncoding.EncodeToString([]byte(good+"x")), "base64url"},
		{"std alphabet", TokenPrefix + "a+/b", "base64url"},
		{"too long", encodeURL(good + "&X-Amz-Security-Token=" + strings.Repeat("a", 4000)), "more than 4096"},
		{"http", encodeURL("http://sts.eu-west-1.amazonaws.com/?" + goodQuery), "scheme"},
		{"other host", encodeURL("https://evil.example.com/?" + goodQuery), "not an STS endpoint"},
		{"partition mismatch", encodeURL("https://sts.cn-north-1.amazonaws.com/?" + goodQuery), "not an STS endpoint"},
		{"bad region", encodeURL("https://sts.mars.amazonaws.com/?" + goodQuery), "not an STS endpoint"},
		{"port", encodeURL("https://sts.eu-west-1.amazonaws.com:8443/?" + goodQuery), "port"},
		{"userinfo", encodeURL("https://u:p@sts.eu-west-1.amazonaws.com/?" + goodQuery), "user info"},
		{"path", encodeURL("https://sts.eu-west-1.amazonaws.com/x?" + goodQuery), "path"},
		{"extra param", encodeURL(good + "&Foo=bar"), "not allowed"},
		{"duplicate", encodeURL(good + "&Action=GetCallerIdentity"), "more than once"},
		{"case duplicate", encodeURL(good + "&action=GetCallerIdentity"), "more than once"},
		{"missing signature", encodeURL(strings.Replace(good, "&X-Amz-Signature=", "&X-Amz-Security-Token=", 1)), "x-amz-signature"},
		{"other action", encodeURL(strings.Replace(good, "GetCallerIdentity", "AssumeRole", 1)), "action"},
		{"header unsigned", encodeURL(strings.Replace(good, "host%3Bx-k8s-aws-id", "host", 1)), "not a signed header"},
		{"bad query", encodeURL(good + "&%zz=1"), "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseToken(tt.token)
			if tt.want == "" {
				if err != nil || u == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrMalformedToken) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want ErrMalformedToken containing %q", err, tt.want)
			}
		})
	}
}

// FuzzParseToken checks ParseToken never panics and that what it accepts
// has the properties EKS relies on, and stays accepted when re-encoded.
func FuzzParseToken(f *testing.F) {
	tok, err := Presign(Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey, SessionToken: "session"}, "eu-west-1", "demo", testTime)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok.Value)
	if b, err := os.ReadFile(filepath.Join("testdata", "awscli_get_token.json")); err == nil {
		var ec ExecCredential
		if json.Unmarshal(b, &ec) == nil {
			f.Add(ec.Status.Token)
		}
	}
	f.Add(encodeURL("https://sts.amazonaws.com/?" + goodQuery))
	f.Add("k8s-aws-v1.")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseToken(s)
		if err != nil {
			if u != nil || !errors.Is(err, ErrMalformedToken) {
				t.Fatalf("error %v with URL %v", err, u)
			}
			return
		}
		q := u.Query()
		if u.Scheme != "https" || q.Get("Action") != "GetCallerIdentity" || checkSTSHost(u.Hostname()) != nil ||
			!strings.Contains(";"+q.Get("X-Amz-SignedHeaders")+";", ";x-k8s-aws-id;") {
			t.Fatalf("accepted %q as %s", s, u)
		}
		if again := encodeURL(u.String()); len(again) <= MaxTokenLen {
			if _, err := ParseToken(again); err != nil {
				t.Fatalf("re-encoded %s refused: %v", u, err)
			}
		}
	})
}
