// Package authmap holds the Pulumi component that maps IAM identities to
// Kubernetes users and groups.
//
// [NewAwsAuthMapping] (type token fargatekit:authmap:AwsAuthMapping) manages
// a set of mappings on a cluster given as a clusterref.ClusterRef, in mode
// [ModeAccessEntries] (default for API and API_AND_CONFIG_MAP clusters) or
// [ModeConfigMap] (default for CONFIG_MAP clusters).
//
// AccessEntries mode writes EKS access entries through Pulumi resource hooks
// on its one child, an SSM parameter recording the entries: before create
// and update the SDK layer's ReconcileOwnedEntries creates missing entries
// (tagged with the component's owner tag), adopts and converges existing ones
// (the bootstrap cluster-creator admin among them: never a ResourceInUse
// failure) and deletes the ones it created and no longer wants; before
// delete RevokeOwnedEntries deletes only the entries it created.
//
// ConfigMap mode without Kubeconfig reads the live aws-auth on every run,
// merges with the SDK layer's Reconcile (the Fargate pod-execution mapping is
// always ensured when the cluster has Fargate profiles; entries the component
// wrote before and no longer wants, recorded in an annotation, are removed)
// and writes the merged keys with a forced server-side-apply patch kept on
// delete: destroy revokes nothing, and two such components on one cluster
// race (the last writer wins). [AwsAuthMappingArgs] states the design, its
// children and its trade-offs.
//
// With AwsAuthMappingArgs.Kubeconfig (a FargateCluster's by default),
// ConfigMap mode writes through resource hooks instead (on its one child, a
// patch recording the component's mappings in an annotation): before create
// and update the hooks merge the mappings into aws-auth with the SDK layer's
// ReconcileOwned (one read-modify-write, retried on conflict, so several
// components on one cluster never lose each other's entries), and before
// delete RevokeOwned removes exactly the entries the component added. A
// missing aws-auth is created when CreateAwsAuth says so.
//
// Delete hooks need the program to run on destroy:
//
//	pulumi destroy --run-program
//
// Removing a hooks-mode component from the program does not revoke (its
// revoke hook is no longer registered and the update fails, deleting
// nothing): destroy it with --target first; AwsAuthMappingArgs says how.
//
// Parsing, merging and rendering aws-auth, its client-go apply functions and
// the access-entry SDK live in the Pulumi-free layer,
// github.com/fargatekit/fargatekit/sdk/authmap, which the component calls.
package authmap
