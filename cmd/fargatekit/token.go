package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// runToken prints an ExecCredential holding an EKS token, like "aws eks
// get-token". The cached path reads only the environment, the shared config
// files when the environment is not enough, and one cache file: no AWS SDK
// configuration is loaded and no network is touched.
func runToken(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token")
	cluster, region := clusterFlags(fs)
	roleARN := fs.String("role-arn", "", "IAM role to assume before signing the token")
	profile := fs.String("profile", "", "AWS profile to sign with; wins over AWS_ACCESS_KEY_ID in the environment (default: AWS_PROFILE)")
	noCache := fs.Bool("no-cache", false, "neither read nor write the token cache")
	if err := parseClusterFlags(fs, args, cluster); err != nil {
		return err
	}
	apiVersion := kubeauth.ExecInfoAPIVersion(e.getenv("KUBERNETES_EXEC_INFO"))
	emit := func(tok kubeauth.Token) error {
		_, err := e.stdout.Write(kubeauth.MarshalExecCredential(tok, apiVersion))
		return err
	}
	local := kubeauth.ResolveLocalProfile(ctx, e.getenv, *profile)
	if *region == "" {
		*region = local.Region
	}

	var cache *kubeauth.TokenCache
	if !*noCache {
		dir, err := kubeauth.DefaultCacheDir(e.getenv)
		if err != nil {
			e.log.Warn("token cache disabled", "err", err)
		} else {
			cache = &kubeauth.TokenCache{Dir: dir}
		}
	}
	key := kubeauth.CacheKey{ClusterName: *cluster, Region: *region, RoleARN: *roleARN, Identity: local.Identity}
	if tok, ok := cachedToken(cache, key); ok {
		return emit(tok)
	}

	// Uncached: static environment credentials sign without loading any
	// configuration; otherwise the SDK's default chain decides.
	var creds aws.CredentialsProvider
	if local.Static != nil {
		static := *local.Static
		creds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return static, nil })
	} else {
		var opts []func(*config.LoadOptions) error
		if *profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(*profile))
		}
		if *region != "" {
			opts = append(opts, config.WithRegion(*region))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return fmt.Errorf("load AWS config: %w", err)
		}
		if *region == "" {
			*region = cfg.Region
		}
		creds = cfg.Credentials
	}
	if *region == "" {
		return kubeauth.ErrNoRegion
	}
	key.Region = *region
	if cache != nil && key.Identity == "" {
		// An instance or container role: only its access key ID names it.
		// The SDK caches what Retrieve fetched, for signing below.
		if c, err := creds.Retrieve(ctx); err == nil {
			key.Identity = c.AccessKeyID
			if tok, ok := cachedToken(cache, key); ok {
				return emit(tok)
			}
		}
	}
	gen, err := kubeauth.NewGenerator(kubeauth.TokenOptions{
		ClusterName: *cluster, Region: *region, Credentials: creds, RoleARN: *roleARN,
	})
	if err != nil {
		return err
	}
	tok, err := gen.Token(ctx)
	if err != nil {
		return err
	}
	if cache != nil && key.Identity != "" {
		if err := cache.Put(key, tok); err != nil {
			e.log.Warn("token not cached", "err", err)
		}
	}
	return emit(tok)
}

// clusterFlags adds the --cluster-name and --region flags of the token and
// kubeconfig commands.
func clusterFlags(fs *flag.FlagSet) (cluster, region *string) {
	cluster = fs.String("cluster-name", "", "EKS cluster name (required)")
	region = fs.String("region", "", "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's; never guessed)")
	return cluster, region
}

// parseClusterFlags parses args, refusing positional arguments and a missing
// --cluster-name.
func parseClusterFlags(fs *flag.FlagSet, args []string, cluster *string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *cluster == "" {
		return fmt.Errorf("%w: --cluster-name is required", errUsage)
	}
	return nil
}

// cachedToken looks key up when there is a cache and the key is complete.
func cachedToken(cache *kubeauth.TokenCache, key kubeauth.CacheKey) (kubeauth.Token, bool) {
	if cache == nil || key.Identity == "" || key.Region == "" {
		return kubeauth.Token{}, false
	}
	return cache.Get(key)
}
