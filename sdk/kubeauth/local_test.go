package kubeauth

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
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
		{"key without secret is not credentials", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV"}, "AKIDDEFAULT", "eu-north-1", "default", false, ""},
		{"default profile", nil, "AKIDDEFAULT", "eu-north-1", "default", false, ""},
		{"static profile", map[string]string{"AWS_PROFILE": "static"}, "AKIDSTATIC", "ap-south-1", "static", false, ""},
		{"AWS_DEFAULT_PROFILE", map[string]string{"AWS_DEFAULT_PROFILE": "static"}, "AKIDSTATIC", "ap-south-1", "static", false, ""},
		{"sso profile", map[string]string{"AWS_PROFILE": "sso"}, "profile:sso", "eu-central-1", "sso", false, ""},
		{"assume-role profile", map[string]string{"AWS_PROFILE": "assume"}, "profile:assume", "", "assume", false, ""},
		{"profile without credentials", map[string]string{"AWS_PROFILE": "noregion"}, "", "", "noregion", false, ""},
		{"missing profile", map[string]string{"AWS_PROFILE": "nope"}, "", "", "nope", false, ""},
		{"web identity", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
			"AWS_REGION": "eu-west-3"}, "web-identity:arn:aws:iam::1:role/r", "eu-west-3", "default", false, ""},
		{"--profile wins over env keys", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "x",
			"AWS_PROFILE": "sso"}, "AKIDSTATIC", "ap-south-1", "static", false, "static"},
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
			lc := ResolveLocalProfile(context.Background(), getenv, tt.flag)
			if tt.flag == "" {
				if plain := ResolveLocal(context.Background(), getenv); !reflect.DeepEqual(plain, lc) {
					t.Errorf("ResolveLocal = %+v, ResolveLocalProfile(\"\") = %+v", plain, lc)
				}
			}
			if lc.Identity != tt.identity || lc.Region != tt.region || lc.Profile != tt.profile || (lc.Static != nil) != tt.static {
				t.Errorf("got identity %q region %q profile %q static %v", lc.Identity, lc.Region, lc.Profile, lc.Static != nil)
			}
		})
	}
}
