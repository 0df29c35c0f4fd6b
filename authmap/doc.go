// Package authmap holds the Pulumi component that maps IAM identities to
// Kubernetes users and groups.
//
// [NewAwsAuthMapping] (type token fargatekit:authmap:AwsAuthMapping) manages
// a set of mappings on a cluster given as a clusterref.ClusterRef, in mode
// [ModeAccessEntries] (default for API and API_AND_CONFIG_MAP clusters: one
// aws:eks/accessEntry:AccessEntry per mapping, plus an AccessPolicyAssociation
// for system:masters) or [ModeConfigMap] (default for CONFIG_MAP clusters).
// ConfigMap mode never drops what it does not own: it reads the live
// ConfigMap on every run, merges with the SDK layer's Reconcile (the
// Fargate pod-execution mapping is always ensured when the cluster has
// Fargate profiles; entries the component wrote before and no longer wants,
// recorded in an annotation, are removed) and writes the merged keys with a
// forced server-side-apply patch kept on delete. [AwsAuthMappingArgs] states
// the design, its children and its one trade-off.
//
// Parsing, merging and rendering aws-auth, its client-go apply functions and
// the access-entry SDK live in the Pulumi-free layer,
// github.com/fargatekit/fargatekit/sdk/authmap, which the component calls.
package authmap
