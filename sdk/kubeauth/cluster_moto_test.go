package kubeauth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/fargatekit/fargatekit/internal/mototest"
)

// TestDescribeClusterMoto reads a cluster through the real EKS client from
// moto_server: the ARN's region, the endpoint and the CA as EKS returns
// them, and ResourceNotFoundException for a cluster that does not exist.
func TestDescribeClusterMoto(t *testing.T) {
	srv := mototest.New(t)
	ctx := context.Background()
	api := eks.NewFromConfig(srv.Config("eu-west-1"))
	_, err := api.CreateCluster(ctx, &eks.CreateClusterInput{
		Name:               aws.String("demo"),
		RoleArn:            aws.String("arn:aws:iam::" + mototest.AccountID + ":role/demo-cluster-role"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	info, err := DescribeCluster(ctx, api, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "demo" || info.Region != "eu-west-1" ||
		info.ARN != "arn:aws:eks:eu-west-1:"+mototest.AccountID+":cluster/demo" ||
		!strings.HasPrefix(info.Endpoint, "https://") || info.CAData == "" {
		t.Errorf("got %+v", info)
	}
	var nf *ekstypes.ResourceNotFoundException
	if _, err := DescribeCluster(ctx, api, "missing"); !errors.As(err, &nf) || !strings.Contains(err.Error(), "kubeauth: describe cluster missing") {
		t.Errorf("missing cluster: %v", err)
	}
}
