package mototest_test

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fargatekit/fargatekit/internal/mototest"
)

// A moto_server outside a test, reached by the real STS client. In a test,
// mototest.New(t) does the same and stops the server when the test ends.
func ExampleStart() {
	ctx := context.Background()
	s, err := mototest.Start(ctx, os.TempDir())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Stop()
	id, err := sts.NewFromConfig(s.Config("eu-west-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*id.Account) // 123456789012, moto's account
}
