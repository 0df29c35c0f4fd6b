package glob_test

import (
	"fmt"

	"github.com/fargatekit/fargatekit/internal/glob"
)

func ExampleMatch() {
	fmt.Println(glob.Match("system:serviceaccount:apps:*", "system:serviceaccount:apps:web"))
	fmt.Println(glob.Match("system:serviceaccount:apps:w?b", "system:serviceaccount:apps:web"))
	fmt.Println(glob.Match("kube-*", "default"))
	// A '*' in the string is an ordinary character; in the pattern, a wildcard.
	fmt.Println(glob.Match("*", "*abc"))
	// Output:
	// true
	// true
	// false
	// true
}

func ExampleMatchFold() {
	fmt.Println(glob.MatchFold("STS:AssumeRole*", "sts:AssumeRoleWithWebIdentity"))
	fmt.Println(glob.Match("STS:AssumeRole*", "sts:AssumeRoleWithWebIdentity"))
	// Output:
	// true
	// false
}

func ExampleMatchLabels() {
	pod := map[string]string{"app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/instance": "lbc"}
	fmt.Println(glob.MatchLabels(map[string]string{"app.kubernetes.io/name": "aws-load-*"}, pod))
	fmt.Println(glob.MatchLabels(map[string]string{"app.kubernetes.io/*": "lbc"}, pod))
	fmt.Println(glob.MatchLabels(map[string]string{"team": "*"}, pod))
	fmt.Println(glob.MatchLabels(nil, pod))
	// Output:
	// true
	// true
	// false
	// true
}
