package ekstoken

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Fake credentials in the shape AWS documents for examples.
const (
	testAccessKey = "AKIDEXAMPLE"
	testSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var testTime = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// sdkPresign is the token aws-sdk-go-v2's STS presign client makes (what
// kubeauth used before Presign, and what aws-iam-authenticator does): the
// oracle Presign must match byte for byte.
func sdkPresign(t testing.TB, c Credentials, region, cluster string, at time.Time) string {
	t.Helper()
	p := sts.NewPresignClient(sts.New(sts.Options{Region: region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, nil
		})}))
	req, err := p.PresignGetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}, func(o *sts.PresignOptions) {
		o.Presigner = atPresigner{v4.NewSigner(), at}
		o.ClientOptions = append(o.ClientOptions, func(so *sts.Options) {
			so.APIOptions = append(so.APIOptions,
				smithyhttp.SetHeaderValue(ClusterIDHeader, cluster),
				smithyhttp.SetHeaderValue("X-Amz-Expires", strconv.Itoa(PresignExpires)))
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL))
}

type atPresigner struct {
	s  *v4.Signer
	at time.Time
}

func (p atPresigner) PresignHTTP(ctx context.Context, c aws.Credentials, r *http.Request, hash, svc, region string,
	_ time.Time, o ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return p.s.PresignHTTP(ctx, c, r, hash, svc, region, p.at, o...)
}

func TestPresignMatchesSDK(t *testing.T) {
	tests := []struct {
		name, region, cluster, session string
	}{
		{"commercial", "eu-west-1", "demo", ""},
		{"us-east-1 is regional", "us-east-1", "prod_cluster-1", ""},
		{"china", "cn-north-1", "c", ""},
		{"govcloud", "us-gov-west-1", "gov", ""},
		{"session token needing escapes", "ap-southeast-2", "x", "FwoGZXIvYXdzEXAMPLE//+session== ~-_."},
		{"longest cluster name", "eu-central-1", "a" + strings.Repeat("b-_9", 24) + "xyz", "tok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey, SessionToken: tt.session}
			got, err := Presign(c, tt.region, tt.cluster, testTime.In(time.FixedZone("x", 3600)))
			if err != nil {
				t.Fatal(err)
			}
			if want := sdkPresign(t, c, tt.region, tt.cluster, testTime); got.Value != want {
				t.Errorf("Presign:\n got %s\nwant %s", decode(got.Value), decode(want))
			}
			if !got.Expiration.Equal(testTime.Add(TokenLifetime)) || got.Expiration.Location() != time.UTC {
				t.Errorf("expiration %v, want %v in UTC", got.Expiration, testTime.Add(TokenLifetime))
			}
			if _, err := ParseToken(got.Value); err != nil {
				t.Errorf("ParseToken: %v", err)
			}
		})
	}
}

func decode(tok string) string {
	b, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, TokenPrefix))
	return string(b)
}

func TestPresignRefused(t *testing.T) {
	good := Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey}
	tests := []struct {
		name            string
		creds           Credentials
		region, cluster string
		want            []error
	}{
		{"no credentials", Credentials{}, "eu-west-1", "demo", []error{ErrNoCredentials}},
		{"secret missing", Credentials{AccessKeyID: "AKID"}, "eu-west-1", "demo", []error{ErrNoCredentials}},
		{"no region", good, "", "demo", []error{ErrInvalidRequest, ErrNoRegion}},
		{"unknown region", good, "mars-north-1", "demo", []error{ErrInvalidRequest}},
		{"bad cluster name", good, "eu-west-1", "-demo", []error{ErrInvalidRequest}},
		{"all at once", Credentials{}, "", "", []error{ErrInvalidRequest, ErrNoRegion, ErrNoCredentials}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Presign(tt.creds, tt.region, tt.cluster, testTime)
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			if err != nil && !strings.HasPrefix(err.Error(), "ekstoken: presign: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func FuzzPresignMatchesSDK(f *testing.F) {
	f.Add("AKIDEXAMPLE", "secret", "", "eu-west-1", "demo", int64(0))
	f.Add("ASIA1", "s/+=", "tok en/+=%", "cn-northwest-1", "a_b-c", int64(1e9))
	f.Fuzz(func(t *testing.T, id, secret, session, region, cluster string, unix int64) {
		c := Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: session}
		at := time.Unix(unix%4e9, 0).UTC()
		got, err := Presign(c, region, cluster, at)
		if err != nil {
			return // refused input: TestPresignRefused covers the reasons
		}
		if strings.ContainsAny(id+secret+session, "\x00\r\n") || strings.TrimSpace(session) != session {
			return // the SDK trims or refuses such header-borne values
		}
		if want := sdkPresign(t, c, region, cluster, at); got.Value != want {
			t.Errorf("Presign:\n got %s\nwant %s", decode(got.Value), decode(want))
		}
	})
}
