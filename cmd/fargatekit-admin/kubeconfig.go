package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/fargatekit/fargatekit/internal/cli"
	"github.com/fargatekit/fargatekit/sdk/kubeauth"
)

// runKubeconfig writes or merges a kubeconfig entry for an EKS cluster, like
// "aws eks update-kubeconfig", with "fargatekit token" (or the aws CLI) as
// the exec plugin.
func runKubeconfig(ctx context.Context, e *env, args []string) error {
	fs := cli.NewFlags(e.stderr, "kubeconfig")
	cluster, region := cli.ClusterFlags(fs)
	path := fs.String("kubeconfig", "", "kubeconfig file to write (default: first KUBECONFIG entry, else ~/.kube/config)")
	alias := fs.String("alias", "", "context name (default: the cluster ARN)")
	roleARN := fs.String("role-arn", "", "IAM role the exec plugin assumes before signing tokens")
	profile := fs.String("profile", "", "AWS profile for DescribeCluster and the exec plugin (default: AWS_PROFILE)")
	execMode := fs.String("exec", string(kubeauth.ExecFargatekit), "exec plugin: fargatekit or aws")
	dryRun := fs.Bool("dry-run", false, "print the merged kubeconfig instead of writing it")
	cli.Examples(fs, "--cluster-name C [--region R] [--alias A] [--role-arn ARN] [--profile P] [--exec fargatekit|aws] [--kubeconfig F] [--dry-run]",
		"fargatekit kubeconfig --cluster-name demo --region eu-west-1",
		"fargatekit kubeconfig --cluster-name demo --region eu-west-1 --alias demo --role-arn arn:aws:iam::123456789012:role/admin",
		"fargatekit kubeconfig --cluster-name demo --profile prod --exec aws --kubeconfig ./demo.kubeconfig --dry-run")
	if err := cli.ParseClusterFlags(fs, args, cluster); err != nil {
		return err
	}
	mode := kubeauth.ExecMode(*execMode)
	if mode != kubeauth.ExecFargatekit && mode != kubeauth.ExecAWS {
		return flagErr("exec", "%q: want fargatekit or aws", *execMode)
	}
	cfg, err := loadAWS(ctx, e, *profile, *region)
	if err != nil {
		return err
	}
	if *profile == "" { // the exec plugin gets the profile the environment names
		*profile = e.getenv("AWS_PROFILE")
	}
	*region = cfg.Region
	if *region == "" {
		return kubeauth.ErrNoRegion
	}
	info, err := kubeauth.DescribeCluster(ctx, eks.NewFromConfig(cfg), *cluster)
	if err != nil {
		return err
	}
	spec := kubeauth.KubeconfigSpec{
		ClusterName: *cluster, Endpoint: info.Endpoint, CAData: info.CAData, Region: *region,
		RoleARN: *roleARN, Profile: *profile, Exec: mode, ClusterARN: info.ARN, Alias: *alias,
	}
	file, err := kubeconfigPath(*path, e.getenv)
	if err != nil {
		return err
	}
	if *dryRun {
		existing, err := os.ReadFile(file)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		merged, err := kubeauth.MergeKubeconfig(existing, spec)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(merged)
		return err
	}
	name, existed, err := kubeauth.UpdateKubeconfigFile(file, spec)
	if err != nil {
		return err
	}
	if existed {
		_, err = fmt.Fprintf(e.stdout, "Updated context %s in %s\n", name, file)
	} else {
		_, err = fmt.Fprintf(e.stdout, "Added new context %s to %s\n", name, file)
	}
	return err
}

// kubeconfigPath picks the file to write as the aws CLI does: the flag, else
// the first KUBECONFIG entry, else ~/.kube/config.
func kubeconfigPath(flagPath string, getenv func(string) string) (string, error) {
	if flagPath != "" {
		return flagPath, nil
	}
	for _, p := range filepath.SplitList(getenv("KUBECONFIG")) {
		if p != "" {
			return p, nil
		}
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("no kubeconfig path: %w", err)
		}
	}
	return filepath.Join(home, ".kube", "config"), nil
}
