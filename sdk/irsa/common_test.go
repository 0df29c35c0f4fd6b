package irsa

// Provider ARNs the tests share: two clusters' IAM OIDC providers.
const (
	testProviderARN  = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	testProviderARN2 = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C1DD1C0FFEE5C1DD1C0FFEE5C1DD1C0"
)
