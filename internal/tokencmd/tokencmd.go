// Package tokencmd is the "fargatekit token" command: the kubectl exec
// plugin that prints an EKS token as an ExecCredential. The fast fargatekit
// binary runs it with no AWS SDK at all (cache hits, and static keys from the
// environment or a profile, signed with ekstoken.Presign); fargatekit-admin
// runs the same code with the SDK's credential chain for everything else
// (SSO, assumed roles, instance and container roles, web identity), and the
// fast binary hands those over to it. One flow, one cache, one presigner.
package tokencmd

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
)

// ErrNeedSDK is returned by [Run] without an [SDK] when the credentials can
// only be had through the AWS SDK: the caller hands the command over to
// fargatekit-admin.
var ErrNeedSDK = errors.New("tokencmd: these credentials need the AWS SDK (fargatekit-admin)")

// Env is what the command touches of the outside world.
type Env struct {
	// Stdout receives the ExecCredential.
	Stdout io.Writer
	// Getenv reads the environment.
	Getenv func(string) string
	// Warn receives warnings (a cache that cannot be used); nil drops them.
	// A function rather than a *slog.Logger: log/slog is a tenth of what the
	// token plugin would otherwise link.
	Warn func(msg string, err error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (e Env) warn(msg string, err error) {
	if e.Warn != nil {
		e.Warn(msg, err)
	}
}

// Request is the parsed command line.
type Request struct {
	// Cluster is --cluster-name; Region --region; RoleARN --role-arn;
	// Profile --profile.
	Cluster, Region, RoleARN, Profile string
	// NoCache is --no-cache.
	NoCache bool
}

// Parse parses the token command's flags; errors wrap cli.ErrUsage (or are
// flag.ErrHelp).
func Parse(stderr io.Writer, args []string) (Request, error) {
	fs := cli.NewFlags(stderr, "token")
	cluster, region := cli.ClusterFlags(fs)
	roleARN := fs.String("role-arn", "", "IAM role to assume before signing the token")
	profile := fs.String("profile", "", "AWS profile to sign with; wins over AWS_ACCESS_KEY_ID in the environment (default: AWS_PROFILE)")
	noCache := fs.Bool("no-cache", false, "neither read nor write the token cache")
	cli.Examples(fs, "--cluster-name C [--region R] [--role-arn ARN] [--profile P] [--no-cache]",
		"fargatekit token --cluster-name demo --region eu-west-1",
		"fargatekit token --cluster-name demo --region eu-west-1 --role-arn arn:aws:iam::123456789012:role/admin",
		"fargatekit token --cluster-name demo --profile prod --no-cache | jq .status.expirationTimestamp")
	if err := cli.ParseClusterFlags(fs, args, cluster); err != nil {
		return Request{}, err
	}
	return Request{Cluster: *cluster, Region: *region, RoleARN: *roleARN, Profile: *profile, NoCache: *noCache}, nil
}

// Signing is what the AWS SDK found: the credentials to sign with (the
// assumed role's when there is a role), the region, and the identity of the
// source credentials for the cache key.
type Signing struct {
	Credentials ekstoken.Credentials
	Region      string
	Identity    string
}

// SDK obtains credentials through the AWS SDK's chain, for what local
// resolution cannot sign: req.Region is already the resolved region ("" when
// unknown); local is what the environment and files said.
type SDK func(ctx context.Context, req Request, local ekstoken.LocalCredentials) (Signing, error)

// Run prints the ExecCredential for req: from the cache when it holds a
// token for the same cluster, region, role and identity; else signed at once
// when the credentials are static keys and no role is to be assumed; else
// through sdk, or [ErrNeedSDK] when sdk is nil.
func Run(ctx context.Context, e Env, req Request, sdk SDK) error {
	now := e.Now
	if now == nil {
		now = time.Now
	}
	apiVersion := ekstoken.ExecInfoAPIVersion(e.Getenv("KUBERNETES_EXEC_INFO"))
	emit := func(tok ekstoken.Token) error {
		_, err := e.Stdout.Write(ekstoken.MarshalExecCredential(tok, apiVersion))
		return err
	}
	local := ekstoken.ResolveLocalProfile(e.Getenv, req.Profile)
	if req.Region == "" {
		req.Region = local.Region
	}
	var cache *ekstoken.TokenCache
	if !req.NoCache {
		if dir, err := ekstoken.DefaultCacheDir(e.Getenv); err != nil {
			e.warn("token cache disabled", err)
		} else {
			cache = &ekstoken.TokenCache{Dir: dir, Now: now}
		}
	}
	key := ekstoken.CacheKey{ClusterName: req.Cluster, Region: req.Region, RoleARN: req.RoleARN, Identity: local.Identity}
	if tok, ok := cached(cache, key); ok {
		return emit(tok)
	}

	var s Signing
	switch {
	case local.Static != nil && req.RoleARN == "":
		s = Signing{Credentials: *local.Static, Region: req.Region, Identity: local.Identity}
	case sdk == nil:
		return ErrNeedSDK
	default:
		var err error
		if s, err = sdk(ctx, req, local); err != nil {
			return err
		}
	}
	if s.Region == "" {
		return ekstoken.ErrNoRegion
	}
	tok, err := ekstoken.Presign(s.Credentials, s.Region, req.Cluster, now())
	if err != nil {
		return err
	}
	key.Region, key.Identity = s.Region, s.Identity
	if cache != nil && key.Identity != "" {
		if err := cache.Put(key, tok); err != nil {
			e.warn("token not cached", err)
		}
	}
	return emit(tok)
}

// cached looks key up when there is a cache and the key is complete.
func cached(cache *ekstoken.TokenCache, key ekstoken.CacheKey) (ekstoken.Token, bool) {
	if cache == nil || key.Identity == "" || key.Region == "" {
		return ekstoken.Token{}, false
	}
	return cache.Get(key)
}

// Usage is the token command's one-line summary.
const Usage = "print an EKS token as an ExecCredential (like aws eks get-token)"
