package ekstoken

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// The shared config and credentials files, read without the AWS SDK (whose
// config package links its whole HTTP stack). Lines are read as the SDK's
// internal/ini reads them: "[type name]" profile headers, "key = value" or
// "key: value" properties (keys case-insensitive, values trimmed and
// unquoted, " #" and " ;" starting a comment), "#" and ";" comment lines. What
// this reader does not model it reports as unsure, and the caller lets the
// SDK decide instead: indented lines (sub-properties and continuations),
// a profile defined twice, a key given twice in one profile, partial keys, or
// keys beside another credential source. FuzzProfileMatchesSDK checks that
// whenever it is sure, it agrees with the SDK's config.LoadSharedConfigProfile.

// profile is what the token command needs of one profile, merged from the
// config file and the credentials file (whose keys win), as the SDK merges.
type profile struct {
	found  bool // defined in either file
	unsure bool // something only the SDK can settle (see above)
	values map[string]string
}

// static returns the profile's long-term or temporary keys when they are what
// the SDK signs with: keys and neither role_arn nor source_profile.
func (p profile) static() (Credentials, bool) {
	c := Credentials{AccessKeyID: p.values["aws_access_key_id"], SecretAccessKey: p.values["aws_secret_access_key"],
		SessionToken: p.values["aws_session_token"]}
	if !p.hasKeys() || p.values["role_arn"] != "" || p.values["source_profile"] != "" {
		return Credentials{}, false
	}
	return c, true
}

// hasKeys reports whether the profile holds an access key ID and its secret.
func (p profile) hasKeys() bool {
	return p.values["aws_access_key_id"] != "" && p.values["aws_secret_access_key"] != ""
}

// otherSource reports whether the profile gets credentials other than by
// static keys (an SSO session, a role, a process, a web identity).
func (p profile) otherSource() bool {
	for _, k := range []string{"role_arn", "source_profile", "credential_source", "credential_process",
		"web_identity_token_file", "sso_start_url", "sso_session"} {
		if p.values[k] != "" {
			return true
		}
	}
	return false
}

// sharedFiles returns the config and credentials file paths as the SDK picks
// them: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config
// and ~/.aws/credentials.
func sharedFiles(getenv func(string) string) (config, credentials string) {
	home := getenv("HOME")
	if runtime.GOOS == "windows" {
		home = getenv("USERPROFILE")
	}
	config, credentials = getenv("AWS_CONFIG_FILE"), getenv("AWS_SHARED_CREDENTIALS_FILE")
	if config == "" && home != "" {
		config = filepath.Join(home, ".aws", "config")
	}
	if credentials == "" && home != "" {
		credentials = filepath.Join(home, ".aws", "credentials")
	}
	return config, credentials
}

// loadProfile reads name from the two files; a file that cannot be read is
// empty, as the SDK treats it.
func loadProfile(configFile, credentialsFile, name string) profile {
	read := func(path string) string {
		if path == "" {
			return ""
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return ""
		}
		return string(b)
	}
	return mergeProfile(read(configFile), read(credentialsFile), name)
}

// mergeProfile resolves name from the contents of a config file and a
// credentials file.
func mergeProfile(configText, credentialsText, name string) profile {
	cfg := parseProfile(configText, name, true)
	creds := parseProfile(credentialsText, name, false)
	p := profile{found: cfg.found || creds.found, unsure: cfg.unsure || creds.unsure, values: map[string]string{}}
	for k, v := range cfg.values {
		p.values[k] = v
	}
	if creds.values["aws_access_key_id"] != "" && creds.values["aws_secret_access_key"] != "" {
		// The credentials file's keys replace the config file's; a session
		// token only in the config file would be kept by the SDK beside
		// them, which is surely a mistake: let the SDK decide.
		if cfg.values["aws_session_token"] != "" && creds.values["aws_session_token"] == "" {
			p.unsure = true
		}
	}
	for k, v := range creds.values {
		p.values[k] = v
	}
	for _, part := range []profile{cfg, creds} {
		hasID, hasSecret := part.values["aws_access_key_id"] != "", part.values["aws_secret_access_key"] != ""
		if hasID != hasSecret {
			p.unsure = true // the SDK reports partial credentials
		}
	}
	if p.hasKeys() && p.otherSource() && p.values["role_arn"] == "" && p.values["source_profile"] == "" {
		p.unsure = true // the SDK refuses two credential types
	}
	return p
}

// parseProfile reads the section of one file that holds name: in a config
// file "[default]" (for default) or "[profile name]", in a credentials file
// "[name]".
func parseProfile(text, name string, configFile bool) profile {
	p := profile{values: map[string]string{}}
	in := false // the current section is name's
	seen := map[string]bool{}
	headers := 0
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			// A sub-property or a continuation line: the SDK may attach it
			// to the property before it.
			p.unsure = true
			continue
		}
		if h, ok := sectionName(line); ok {
			in = sectionIs(h, name, configFile)
			if in {
				headers++
				p.found = true
			}
			continue
		}
		if !in {
			continue
		}
		k, v, ok := property(line)
		if !ok {
			continue
		}
		if seen[k] {
			p.unsure = true
		}
		seen[k] = true
		p.values[k] = v
	}
	if headers > 1 {
		p.unsure = true // two sections for one profile: the SDK merges or overrides them
	}
	return p
}

// sectionName returns the name inside "[...]" of a header line, its comment
// removed: "type name" (the first run of spaces becomes one space) or "name".
func sectionName(line string) (string, bool) {
	s, _, _ := strings.Cut(line, "#")
	s, _, _ = strings.Cut(s, ";")
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", false
	}
	s = strings.TrimSpace(s[1 : len(s)-1])
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, true
	}
	return s[:i] + " " + strings.TrimLeft(s[i:], " \t"), true
}

// sectionIs reports whether header names the profile name in a config file
// (configFile) or a credentials file.
func sectionIs(header, name string, configFile bool) bool {
	if !configFile {
		return header == name
	}
	if header == "profile "+name {
		return true
	}
	return name == "default" && header == "default"
}

// property splits "key = value" (or "key: value") as the SDK does.
func property(line string) (key, value string, ok bool) {
	s, _, _ := strings.Cut(line, " #")
	s, _, _ = strings.Cut(s, " ;")
	s, _, _ = strings.Cut(s, "\t#")
	s, _, _ = strings.Cut(s, "\t;")
	sep := "="
	eq, colon := strings.Index(s, "="), strings.Index(s, ":")
	if eq == -1 || colon != -1 && colon < eq {
		sep = ":"
	}
	k, v, ok := strings.Cut(s, sep)
	if !ok {
		return "", "", false
	}
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		v = v[1 : len(v)-1]
	}
	return strings.ToLower(strings.TrimSpace(k)), v, true
}
