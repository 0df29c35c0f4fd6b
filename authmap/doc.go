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
// With AwsAuthMappingArgs.Kubeconfig, ConfigMap mode writes through Pulumi
// resource hooks instead (pulumi.ResourceHooks on its one child, a patch
// recording the component's mappings in an annotation): before create and
// update the hooks merge the mappings into aws-auth with the SDK layer's
// ReconcileOwned (one read-modify-write, retried on conflict, so several
// components on one cluster never lose each other's entries), and before
// delete RevokeOwned removes exactly the entries the component added. So
// pulumi destroy, and removing the component, revoke its entries and nothing
// else; a missing aws-auth is created when CreateAwsAuth says so. Delete
// hooks need the program to run on destroy:
//
//	pulumi destroy --run-program
//
// Entries survive renames: children get aliases from the old names, and the
// hooks find the previous record under its old key; OwnerKey fixes the key.
//
// Parsing, merging and rendering aws-auth, its client-go apply functions and
// the access-entry SDK live in the Pulumi-free layer,
// github.com/fargatekit/fargatekit/sdk/authmap, which the component calls.
package authmap
