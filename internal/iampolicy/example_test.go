package iampolicy_test

import (
	"fmt"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
)

func ExampleDocument_Marshal() {
	doc := iampolicy.Document{Statement: []iampolicy.Statement{{
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: iampolicy.Values{"eks.amazonaws.com"}},
		Action:    iampolicy.Values{"sts:AssumeRole", "sts:TagSession"},
	}}}
	b, _ := doc.Marshal()
	fmt.Println(string(b))
	n, _ := doc.Size()
	fmt.Println(n)
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}
	// 146
}

func ExampleParse() {
	d, err := iampolicy.Parse([]byte(`{"Statement":{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":"*"}}`))
	fmt.Println(err, d.Statement[0].Action, d.String())
	// Output:
	// <nil> [s3:ListBucket] {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}
}
