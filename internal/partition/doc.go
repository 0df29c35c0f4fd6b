// Package partition knows the AWS partitions fargatekit supports (aws, aws-cn,
// aws-us-gov): which partition a region belongs to, the partition's ARN prefix and
// DNS suffix, the service principals and managed-policy ARNs that differ between
// partitions, and the OIDC issuer and STS endpoints of EKS. ARNs are parsed with
// github.com/aws/aws-sdk-go-v2/aws/arn; this package only adds what that lacks.
package partition
