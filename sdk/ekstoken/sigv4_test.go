package ekstoken

import (
	"testing"

	"github.com/fargatekit/fargatekit/internal/sigv4check"
)

// TestPresignVerifiesByHand checks Presign's signature with SigV4 written
// out from AWS's specification, a second oracle beside the SDK.
func TestPresignVerifiesByHand(t *testing.T) {
	for _, session := range []string{"", "FwoGZXIvYXdzEXAMPLE//+session=="} {
		tok, err := Presign(Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey, SessionToken: session},
			"eu-west-1", "demo", testTime)
		if err != nil {
			t.Fatal(err)
		}
		u := sigv4check.DecodeToken(t, tok.Value)
		if got, want := u.Query().Get("X-Amz-Signature"), sigv4check.Signature(u, testSecretKey, "demo"); got != want {
			t.Errorf("session %q: signature %s, by hand %s", session, got, want)
		}
		if u.Query().Get("X-Amz-Security-Token") != session {
			t.Errorf("security token %q, want %q", u.Query().Get("X-Amz-Security-Token"), session)
		}
	}
}
