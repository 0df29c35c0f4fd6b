package irsa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fargatekit/fargatekit/sdk/irsa"
)

const providerARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

func indent(s string) string {
	var b bytes.Buffer
	_ = json.Indent(&b, []byte(s), "", "  ")
	return b.String()
}

func ExampleTrustPolicy() {
	policy, err := irsa.TrustPolicy(providerARN, irsa.ServiceAccount{Namespace: "kube-system", Name: "aws-load-balancer-controller"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(indent(policy))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	//       },
	//       "Action": "sts:AssumeRoleWithWebIdentity",
	//       "Condition": {
	//         "StringEquals": {
	//           "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
	//           "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller"
	//         }
	//       }
	//     }
	//   ]
	// }
}

// A wildcard name switches the subject to StringLike; the audience keeps its
// own StringEquals block.
func ExampleTrustPolicy_wildcard() {
	policy, err := irsa.TrustPolicy(providerARN, irsa.ServiceAccount{Namespace: "ci", Name: "runner-*"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(indent(policy))
	// A namespace wildcard needs TrustSpec.AllowCrossNamespaceWildcard.
	_, err = irsa.TrustPolicy(providerARN, irsa.ServiceAccount{Namespace: "team-*", Name: "deployer"})
	fmt.Println(err)
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	//       },
	//       "Action": "sts:AssumeRoleWithWebIdentity",
	//       "Condition": {
	//         "StringEquals": {
	//           "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"
	//         },
	//         "StringLike": {
	//           "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:ci:runner-*"
	//         }
	//       }
	//     }
	//   ]
	// }
	// irsa: trust policy: invalid spec: wildcard spans namespaces: "team-*/deployer" admits service accounts of every namespace matching "team-*" (set AllowCrossNamespaceWildcard to allow it)
}

func ExampleTrustSpec() {
	spec := irsa.TrustSpec{
		Providers: []irsa.ProviderAccounts{
			{ProviderARN: providerARN, ServiceAccounts: []irsa.ServiceAccount{{Namespace: "apps", Name: "web"}}},
			{ProviderARN: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C1DD1C0FFEE5C1DD1C0FFEE5C1DD1C0",
				ServiceAccounts: []irsa.ServiceAccount{{Namespace: "apps", Name: "web"}}},
		},
		MaxSize: 4096, // the account's raised ACLSizePerRole quota
	}
	doc, err := spec.Document()
	if err != nil {
		log.Fatal(err)
	}
	size, _ := doc.Size()
	fmt.Println(len(doc.Statement), "statements,", size, "characters")
	// Output:
	// 2 statements, 900 characters
}

func ExampleProviderARNFromIssuer() {
	arn, _ := irsa.ProviderARNFromIssuer("", "123456789012", "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF")
	fmt.Println(arn)
	p, _ := irsa.ParseProviderARN(arn)
	fmt.Println(p.Partition, p.Region, p.ConditionKey("sub"))
	// Output:
	// arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF
	// aws-cn cn-north-1 oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF:sub
}

func ExampleEvaluate() {
	policy, _ := irsa.TrustPolicy(providerARN, irsa.ServiceAccount{Namespace: "apps", Name: "web"})
	claims := irsa.Claims{
		Issuer:   "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
		Subject:  "system:serviceaccount:apps:worker",
		Audience: []string{"sts.amazonaws.com"},
	}
	res, _ := irsa.Evaluate(policy, claims, providerARN)
	fmt.Println(res.Admitted, res.FailedClaims())
	// Output:
	// false [sub]
}

// Verify needs a cluster: it asks the API server for a real token.
func ExampleVerify() {
	cfg, err := clientcmd.BuildConfigFromFlags("", "/path/to/kubeconfig")
	if err != nil {
		log.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	policy, _ := irsa.TrustPolicy(providerARN, irsa.ServiceAccount{Namespace: "apps", Name: "web"})
	res, err := irsa.Verify(context.Background(), cs, irsa.ServiceAccount{Namespace: "apps", Name: "web"}, policy,
		irsa.VerifyOptions{ProviderARN: providerARN})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res) // "admitted: ..." or the failing conditions
}

// VerifyChain names the broken link of a service account's IRSA chain: the
// ServiceAccount, its annotation, the role, the trust against a real token,
// the OIDC provider and its sts.amazonaws.com client ID, and (with STS) the
// exchange of the token for the role's credentials.
func ExampleVerifyChain() {
	cfg, err := clientcmd.BuildConfigFromFlags("", "/path/to/kubeconfig")
	if err != nil {
		log.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	awsCfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("eu-west-1"))
	if err != nil {
		log.Fatal(err)
	}
	res, err := irsa.VerifyChain(context.Background(), cs, iam.NewFromConfig(awsCfg), irsa.ServiceAccount{Namespace: "apps", Name: "web"},
		irsa.ChainOptions{
			RoleARN: "arn:aws:iam::123456789012:role/web",
			STS:     sts.NewFromConfig(awsCfg), // and ask STS itself for the role with the real token
		})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res) // one line per link: ok, broken or skipped
	if err := res.Err(); err != nil {
		fmt.Println(err) // e.g. "apps/web: annotation link broken: no eks.amazonaws.com/role-arn annotation ..."
	}
}

// EnsureServiceAccountRole is eksctl's create iamserviceaccount in one call:
// the role, its trust, its attachments and the annotated ServiceAccount. It
// merges with what other tools added to the role unless Authoritative.
func ExampleEnsureServiceAccountRole() {
	cfg, err := clientcmd.BuildConfigFromFlags("", "/path/to/kubeconfig")
	if err != nil {
		log.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	awsCfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-west-2"))
	if err != nil {
		log.Fatal(err)
	}
	res, err := irsa.EnsureServiceAccountRole(context.Background(), iam.NewFromConfig(awsCfg), cs, irsa.ServiceAccountRoleSpec{
		ServiceAccount: irsa.ServiceAccount{Namespace: "reports", Name: "writer"},
		ProviderARN:    providerARN,
		PolicyARNs:     []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
	}, irsa.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Role.ARN, res.Role.Changes) // a second run: no changes
}

// DefaultRoleName is the role name of a service account when the spec gives none.
func ExampleDefaultRoleName() {
	fmt.Println(irsa.DefaultRoleName(irsa.ServiceAccount{Namespace: "reports", Name: "writer"}))
	// Output:
	// irsa-reports-writer
}
