package mototest_test

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fargatekit/fargatekit/internal/mototest"
)

// The real SDK clients reach the server, and Stop leaves no process behind.
func TestServer(t *testing.T) {
	ctx := context.Background()
	if testing.Short() {
		t.Skip("-short: moto_server not used")
	}
	s, err := mototest.Start(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config("eu-west-1")
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != mototest.AccountID {
		t.Errorf("account %s", aws.ToString(id.Account))
	}
	api := iam.NewFromConfig(cfg)
	if _, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}); err == nil {
		t.Error("role survived Reset")
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	// The process group is gone.
	if err := syscall.Kill(-mototest.PID(s), 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("moto_server still running after Stop: %v", err)
	}
}

func TestBinaryNamesInstallCommand(t *testing.T) {
	t.Setenv(mototest.EnvBinary, "no-such-moto-server")
	_, err := mototest.Binary()
	if err == nil || !strings.Contains(err.Error(), mototest.InstallHint) {
		t.Fatalf("err = %v, want one naming %q", err, mototest.InstallHint)
	}
}
