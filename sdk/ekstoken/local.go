package ekstoken

// LocalCredentials is what can be learnt, without network I/O, without the
// AWS SDK and without retrieving credentials, about the credentials the AWS
// SDK's default chain would use. The token command uses it to look in the
// token cache, and to sign at once when the credentials are static keys.
type LocalCredentials struct {
	// Identity names the credentials in cache keys: the access key ID of
	// static credentials (environment or profile), "web-identity:<role ARN>"
	// for AWS_WEB_IDENTITY_TOKEN_FILE, "profile:<name>" for a profile that
	// gets its credentials another way (SSO, role_arn, credential_process).
	// It is "" when only retrieving the credentials would tell (an instance
	// or container role) or when the profile files hold something only the
	// SDK can settle.
	Identity string
	// Static holds the keys the SDK's chain would sign with when they need
	// no network to obtain: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
	// AWS_SESSION_TOKEN when the first two are set, else the profile's own
	// keys when it has neither role_arn nor source_profile.
	Static *Credentials
	// Region is AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region.
	Region string
	// Profile is the explicit profile, else AWS_PROFILE, else
	// AWS_DEFAULT_PROFILE, else "default".
	Profile string
}

// ResolveLocal reads the environment (through getenv) and, only when the
// environment does not settle both identity and region, the shared config
// and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE or
// their defaults under $HOME/.aws) for the profile, in the SDK's order of
// precedence.
func ResolveLocal(getenv func(string) string) LocalCredentials {
	return ResolveLocalProfile(getenv, "")
}

// ResolveLocalProfile is [ResolveLocal] for an explicit profile (a --profile
// flag), which the SDK's chain puts before the environment: when profile is
// not "", environment credentials (static keys, web identity) are ignored and
// the profile decides, as config.WithSharedConfigProfile does. With "" it is
// ResolveLocal.
func ResolveLocalProfile(getenv func(string) string, explicit string) LocalCredentials {
	lc := LocalCredentials{Region: getenv("AWS_REGION"), Profile: explicit}
	if lc.Region == "" {
		lc.Region = getenv("AWS_DEFAULT_REGION")
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if lc.Profile == "" {
			lc.Profile = getenv(k)
		}
	}
	if lc.Profile == "" {
		lc.Profile = "default"
	}
	// An explicit profile wins over the environment's credentials.
	envCreds := explicit == ""
	if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); envCreds && id != "" && secret != "" {
		lc.Static = &Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN")}
		lc.Identity = id
	} else if f, role := getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), getenv("AWS_ROLE_ARN"); envCreds && f != "" && role != "" {
		lc.Identity = "web-identity:" + role
	}
	if lc.Identity != "" && lc.Region != "" {
		return lc
	}
	configFile, credentialsFile := sharedFiles(getenv)
	p := loadProfile(configFile, credentialsFile, lc.Profile)
	if !p.found || p.unsure {
		return lc // the SDK's chain decides (and reports)
	}
	if lc.Region == "" {
		lc.Region = p.values["region"]
	}
	if lc.Identity == "" {
		if c, ok := p.static(); ok {
			lc.Static = &c
			lc.Identity = c.AccessKeyID
		} else if p.hasKeys() || p.otherSource() {
			lc.Identity = "profile:" + lc.Profile
		}
	}
	return lc
}
