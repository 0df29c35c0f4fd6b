package ekstoken

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

func TestResolveLocal(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	credFile := filepath.Join(dir, "credentials")
	os.WriteFile(cfgFile, []byte(`[default]
region = eu-north-1

[profile static]
region = ap-south-1

[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 123456789012
sso_role_name = Admin
region = eu-central-1

[profile assume]
role_arn = arn:aws:iam::123456789012:role/x
source_profile = static

[profile noregion]
output = json
`), 0o600)
	os.WriteFile(credFile, []byte(`[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = s1

[static]
aws_access_key_id = AKIDSTATIC
aws_secret_access_key = s2
`), 0o600)
	files := map[string]string{"AWS_CONFIG_FILE": cfgFile, "AWS_SHARED_CREDENTIALS_FILE": credFile}

	tests := []struct {
		name                      string
		env                       map[string]string
		identity, region, profile string
		static                    bool
		flag                      string // an explicit --profile (ResolveLocalProfile)
	}{
		{"env keys and region: files not needed", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "x",
			"AWS_REGION": "us-west-2", "AWS_CONFIG_FILE": "/nonexistent"}, "AKIDENV", "us-west-2", "default", true, ""},
		{"env keys win over a profile; region from AWS_DEFAULT_REGION", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV",
			"AWS_SECRET_ACCESS_KEY": "x", "AWS_PROFILE": "static", "AWS_DEFAULT_REGION": "us-east-2"}, "AKIDENV", "us-east-2", "static", true, ""},
		{"env keys, region from the profile", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "x"},
			"AKIDENV", "eu-north-1", "default", true, ""},
		{"key without secret is not credentials", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV"}, "AKIDDEFAULT", "eu-north-1", "default", true, ""},
		{"default profile", nil, "AKIDDEFAULT", "eu-north-1", "default", true, ""},
		{"static profile", map[string]string{"AWS_PROFILE": "static"}, "AKIDSTATIC", "ap-south-1", "static", true, ""},
		{"AWS_DEFAULT_PROFILE", map[string]string{"AWS_DEFAULT_PROFILE": "static"}, "AKIDSTATIC", "ap-south-1", "static", true, ""},
		{"sso profile", map[string]string{"AWS_PROFILE": "sso"}, "profile:sso", "eu-central-1", "sso", false, ""},
		{"assume-role profile", map[string]string{"AWS_PROFILE": "assume"}, "profile:assume", "", "assume", false, ""},
		{"profile without credentials", map[string]string{"AWS_PROFILE": "noregion"}, "", "", "noregion", false, ""},
		{"missing profile", map[string]string{"AWS_PROFILE": "nope"}, "", "", "nope", false, ""},
		{"web identity", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
			"AWS_REGION": "eu-west-3"}, "web-identity:arn:aws:iam::1:role/r", "eu-west-3", "default", false, ""},
		{"--profile wins over env keys", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "x",
			"AWS_PROFILE": "sso"}, "AKIDSTATIC", "ap-south-1", "static", true, "static"},
		{"--profile wins over web identity", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"},
			"profile:sso", "eu-central-1", "sso", false, "sso"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range files {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			getenv := func(k string) string { return env[k] }
			lc := ResolveLocalProfile(getenv, tt.flag)
			if tt.flag == "" {
				if plain := ResolveLocal(getenv); !reflect.DeepEqual(plain, lc) {
					t.Errorf("ResolveLocal = %+v, ResolveLocalProfile(\"\") = %+v", plain, lc)
				}
			}
			if lc.Identity != tt.identity || lc.Region != tt.region || lc.Profile != tt.profile || (lc.Static != nil) != tt.static {
				t.Errorf("got identity %q region %q profile %q static %v", lc.Identity, lc.Region, lc.Profile, lc.Static != nil)
			}
		})
	}
}

// sdkProfile is the oracle: what aws-sdk-go-v2's config package makes of the
// same files for name (nil when it finds no such profile or refuses it).
func sdkProfile(t testing.TB, configFile, credentialsFile, name string) *config.SharedConfig {
	t.Helper()
	sc, err := config.LoadSharedConfigProfile(context.Background(), name, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = []string{configFile}
		o.CredentialsFiles = []string{credentialsFile}
	})
	if err != nil {
		return nil
	}
	return &sc
}

// checkAgainstSDK fails when loadProfile is sure of something the SDK sees
// otherwise: existence, region, static keys.
func checkAgainstSDK(t *testing.T, configText, credentialsText, name string) profile {
	t.Helper()
	dir := t.TempDir()
	cf, kf := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cf, []byte(configText), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kf, []byte(credentialsText), 0o600); err != nil {
		t.Fatal(err)
	}
	ours := loadProfile(cf, kf, name)
	if ours.unsure {
		return ours
	}
	sc := sdkProfile(t, cf, kf, name)
	if sc == nil {
		if ours.found && (ours.hasKeys() || ours.values["region"] != "") {
			t.Errorf("profile %q: the SDK finds none or refuses it, we found %v", name, ours.values)
		}
		return ours
	}
	if ours.values["region"] != sc.Region {
		t.Errorf("profile %q: region %q, SDK %q", name, ours.values["region"], sc.Region)
	}
	c, static := ours.static()
	sdkStatic := sc.Credentials.HasKeys() && sc.RoleARN == "" && sc.SourceProfileName == ""
	if static != sdkStatic || static && (c.AccessKeyID != sc.Credentials.AccessKeyID ||
		c.SecretAccessKey != sc.Credentials.SecretAccessKey || c.SessionToken != sc.Credentials.SessionToken) {
		t.Errorf("profile %q: static %v %+v, SDK static %v %+v", name, static, c, sdkStatic, sc.Credentials)
	}
	return ours
}

func TestProfileMatchesSDK(t *testing.T) {
	tests := []struct {
		name, config, credentials, profile string
		unsure                             bool
	}{
		{"plain", "[default]\nregion = eu-west-1\n", "[default]\naws_access_key_id = A\naws_secret_access_key = S\n", "default", false},
		{"comments, quotes, colon, case", "# c\n[profile p] ; c\nREGION: 'us-east-2' # inline\n", "; c\n[p]\nAws_Access_Key_Id = \"A\"\naws_secret_access_key=S\r\naws_session_token = T ;x\n", "p", false},
		{"credentials file keys win", "[profile p]\naws_access_key_id = C\naws_secret_access_key = CS\n", "[p]\naws_access_key_id = K\naws_secret_access_key = KS\n", "p", false},
		{"credentials file region wins", "[profile p]\nregion = eu-west-1\n", "[p]\nregion = eu-west-2\n", "p", false},
		{"a bare section in the config file is ignored", "[p]\nregion = eu-west-1\n", "", "p", false},
		{"profile prefix in the credentials file is ignored", "", "[profile p]\naws_access_key_id = A\naws_secret_access_key = S\n", "p", false},
		{"role is not static", "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = q\n[profile q]\n", "[q]\naws_access_key_id = A\naws_secret_access_key = S\n", "p", false},
		{"spaces in the header", "[  profile \t p  ]\nregion = ca-central-1\n", "", "p", false},
		{"indented line: unsure", "[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n", "", "default", true},
		{"default twice: unsure", "[default]\nregion = a\n[profile default]\nregion = b\n", "", "default", true},
		{"key twice: unsure", "[default]\nregion = a\nregion = b\n", "", "default", true},
		{"partial keys: unsure", "", "[default]\naws_access_key_id = A\n", "default", true},
		{"keys beside a process: unsure", "[default]\ncredential_process = x\n", "[default]\naws_access_key_id = A\naws_secret_access_key = S\n", "default", true},
		{"missing profile", "[default]\n", "", "nope", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkAgainstSDK(t, tt.config, tt.credentials, tt.profile); got.unsure != tt.unsure {
				t.Errorf("unsure = %v, want %v", got.unsure, tt.unsure)
			}
		})
	}
}

// FuzzProfileMatchesSDK: whenever the reader is sure, the SDK agrees.
func FuzzProfileMatchesSDK(f *testing.F) {
	f.Add("[default]\nregion = eu-west-1\n", "[default]\naws_access_key_id = A\naws_secret_access_key = S\n", "default")
	f.Add("[profile p]\nregion: 'x' # c\n", "[p]\naws_access_key_id=\"A\"\naws_secret_access_key=S\naws_session_token=T\n", "p")
	f.Add("[profile p]\nrole_arn = r\nsource_profile = q\n[profile q]\n", "[q]\naws_access_key_id = A\naws_secret_access_key = S\n", "p")
	f.Fuzz(func(t *testing.T, configText, credentialsText, name string) {
		if name == "" || strings.ContainsAny(name, "\n\r") {
			return
		}
		for _, text := range []string{configText, credentialsText} {
			for _, line := range strings.Split(text, "\n") {
				// The SDK's unquote panics on a lone quote as a value.
				if _, v, ok := property(line); ok && (v == `"` || v == "'") {
					return
				}
			}
		}
		checkAgainstSDK(t, configText, credentialsText, name)
	})
}
