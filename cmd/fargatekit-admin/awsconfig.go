package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// loadAWS loads the AWS configuration the commands that call AWS share: the
// profile, when given, wins over environment credentials (as the aws CLI's
// --profile does); the region is the --region flag, else AWS_REGION, else
// AWS_DEFAULT_REGION, else the profile's. Region is empty when none is set
// anywhere: callers refuse that, as fargatekit never guesses a region.
func loadAWS(ctx context.Context, e *env, profile, region string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	for _, r := range []string{region, e.getenv("AWS_REGION"), e.getenv("AWS_DEFAULT_REGION")} {
		if r != "" {
			opts = append(opts, config.WithRegion(r))
			break
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	return cfg, nil
}
