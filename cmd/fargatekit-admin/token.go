package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/fargatekit/fargatekit/internal/tokencmd"
	"github.com/fargatekit/fargatekit/sdk/ekstoken"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// runToken is "fargatekit token" with the AWS SDK's whole credential chain:
// the fast fargatekit binary hands over to it what it cannot sign alone
// (SSO, assumed roles, instance and container roles, web identity).
func runToken(ctx context.Context, e *env, args []string) error {
	req, err := tokencmd.Parse(e.stderr, args)
	if err != nil {
		return err
	}
	return tokencmd.Run(ctx, tokencmd.Env{Stdout: e.stdout, Getenv: e.getenv,
		Warn: func(msg string, err error) { e.log.Warn(msg, "err", err) }}, req, sdkSigning)
}

// sdkSigning loads the SDK's configuration (with --profile and --region)
// and retrieves its credentials, the role's when --role-arn is set.
func sdkSigning(ctx context.Context, req tokencmd.Request, local ekstoken.LocalCredentials) (tokencmd.Signing, error) {
	var creds aws.CredentialsProvider
	region := req.Region
	if local.Static != nil {
		static := *local.Static
		creds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: static.AccessKeyID, SecretAccessKey: static.SecretAccessKey,
				SessionToken: static.SessionToken, Source: "fargatekit"}, nil
		})
	} else {
		var opts []func(*config.LoadOptions) error
		if req.Profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(req.Profile))
		}
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return tokencmd.Signing{}, fmt.Errorf("load AWS config: %w", err)
		}
		if region == "" {
			region = cfg.Region
		}
		creds = cfg.Credentials
	}
	if region == "" {
		return tokencmd.Signing{}, kubeauth.ErrNoRegion
	}
	source, err := creds.Retrieve(ctx)
	if err != nil {
		return tokencmd.Signing{}, fmt.Errorf("retrieve AWS credentials: %w", err)
	}
	identity := local.Identity
	if identity == "" {
		// An instance or container role: only its access key ID names it.
		identity = source.AccessKeyID
	}
	signWith := source
	if req.RoleARN != "" {
		gen, err := kubeauth.NewGenerator(kubeauth.TokenOptions{ClusterName: req.Cluster, Region: region,
			Credentials: creds, RoleARN: req.RoleARN})
		if err != nil {
			return tokencmd.Signing{}, err
		}
		if signWith, err = gen.Credentials().Retrieve(ctx); err != nil {
			return tokencmd.Signing{}, fmt.Errorf("assume role %s: %w", req.RoleARN, err)
		}
	}
	return tokencmd.Signing{
		Credentials: ekstoken.Credentials{AccessKeyID: signWith.AccessKeyID, SecretAccessKey: signWith.SecretAccessKey,
			SessionToken: signWith.SessionToken},
		Region:   region,
		Identity: identity,
	}, nil
}
