package kubeauth

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// LocalCredentials is what can be learnt, without network I/O and without
// retrieving credentials, about the credentials the AWS SDK's default chain
// would use. The token command uses it to look in the token cache before
// loading any configuration.
type LocalCredentials struct {
	// Identity names the credentials in cache keys: the access key ID of
	// static credentials (environment or profile), "web-identity:<role ARN>"
	// for AWS_WEB_IDENTITY_TOKEN_FILE, "profile:<name>" for a profile that
	// gets its credentials another way (SSO, role_arn, credential_process).
	// It is "" when only retrieving the credentials would tell (an instance
	// or container role).
	Identity string
	// Static holds AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
	// AWS_SESSION_TOKEN when the first two are set: they win over profiles in
	// the SDK's chain and sign without loading any configuration.
	Static *aws.Credentials
	// Region is AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region.
	Region string
	// Profile is AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
	Profile string
}

// ResolveLocal reads the environment (through getenv) and, only when the
// environment does not settle both identity and region, the shared config
// and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE or
// their defaults) for the profile, in the SDK's order of precedence.
func ResolveLocal(ctx context.Context, getenv func(string) string) LocalCredentials {
	return ResolveLocalProfile(ctx, getenv, "")
}

// ResolveLocalProfile is [ResolveLocal] for an explicit profile (a --profile
// flag), which the SDK's chain puts before the environment: when profile is
// not "", environment credentials (static keys, web identity) are ignored and
// the profile decides, as config.WithSharedConfigProfile does. With "" it is
// ResolveLocal.
func ResolveLocalProfile(ctx context.Context, getenv func(string) string, profile string) LocalCredentials {
	lc := LocalCredentials{Region: getenv("AWS_REGION"), Profile: profile}
	if lc.Region == "" {
		lc.Region = getenv("AWS_DEFAULT_REGION")
	}
	if lc.Profile == "" {
		lc.Profile = getenv("AWS_PROFILE")
	}
	if lc.Profile == "" {
		lc.Profile = getenv("AWS_DEFAULT_PROFILE")
	}
	if lc.Profile == "" {
		lc.Profile = "default"
	}
	// An explicit profile wins over the environment's credentials.
	envCreds := profile == ""
	if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); envCreds && id != "" && secret != "" {
		lc.Static = &aws.Credentials{AccessKeyID: id, SecretAccessKey: secret,
			SessionToken: getenv("AWS_SESSION_TOKEN"), Source: "EnvConfigCredentials"}
		lc.Identity = id
	} else if f, role := getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), getenv("AWS_ROLE_ARN"); envCreds && f != "" && role != "" {
		lc.Identity = "web-identity:" + role
	}
	if lc.Identity != "" && lc.Region != "" {
		return lc
	}
	sc, err := config.LoadSharedConfigProfile(ctx, lc.Profile, func(o *config.LoadSharedConfigOptions) {
		if f := getenv("AWS_CONFIG_FILE"); f != "" {
			o.ConfigFiles = []string{f}
		}
		if f := getenv("AWS_SHARED_CREDENTIALS_FILE"); f != "" {
			o.CredentialsFiles = []string{f}
		}
	})
	if err != nil {
		return lc // no such profile: the SDK's chain decides (and reports)
	}
	if lc.Region == "" {
		lc.Region = sc.Region
	}
	if lc.Identity == "" {
		switch {
		case sc.Credentials.HasKeys() && sc.RoleARN == "" && sc.SourceProfileName == "":
			lc.Identity = sc.Credentials.AccessKeyID
		case sc.Credentials.HasKeys() || sc.RoleARN != "" || sc.SSOStartURL != "" || sc.SSOSessionName != "" ||
			sc.CredentialProcess != "" || sc.WebIdentityTokenFile != "":
			lc.Identity = "profile:" + lc.Profile
		}
	}
	return lc
}
