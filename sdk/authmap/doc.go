// Package authmap maps IAM roles and users to Kubernetes users and groups on
// EKS, through the aws-auth ConfigMap or EKS access entries, without ever
// losing an entry it does not own.
//
// # The model
//
// [Mappings] is the content of kube-system/aws-auth: [RoleMapping] (mapRoles),
// [UserMapping] (mapUsers) and account IDs (mapAccounts). [Parse] reads a
// ConfigMap's data exactly as aws-iam-authenticator does (YAML to JSON, then
// encoding/json: entry keys match case-insensitively, YAML 1.1 scalars such as
// yes/on are booleans and so are refused where a string is wanted; the three
// top-level keys are case-sensitive; a blank value, two backquotes or two double quotes mean an empty list).
// [Mappings.Data] renders it back; [Mappings.ApplyTo] writes it into a whole
// ConfigMap's data, leaving every other key alone.
//
// The authenticator looks a caller up by the lower-case canonical ARN of its
// session, and a session ARN (arn:aws:sts::1:assumed-role/Name/session)
// carries no role path. So a rolearn with a path never matches: fargatekit
// renders role ARNs path-less ([PathlessRoleARN]) and refuses two roles whose
// ARNs collapse to one path-less name (ErrPathCollision). The identity of a
// mapping, used by [Mappings.Merge] and [Mappings.Remove], is that lower-case
// path-less ARN (or the SSO permission-set pattern; the user ARN; the account).
//
// [Mappings.Validate] applies the authenticator's rules and the traps around
// them, returning every problem at once, each a [*Problem] naming its key,
// index and entry and wrapping a sentinel (ErrInvalidARN, ErrWrongResource,
// ErrRolePath, ErrPathCollision, ErrInvalidAccount, ErrInvalidSSO,
// ErrEmptyUsername, ErrUnknownTemplate, ErrShadowed, ErrSystemMasters).
// The template variables are VarEC2PrivateDNSName, VarSessionName,
// VarSessionNameRaw, VarAccountID and VarAccessKeyID; any other {{...}} would
// be kept literally by the authenticator and is refused. system:masters is
// refused unless the caller passes [AllowSystemMasters]. Note on SSO matchers
// (sso: {permissionSetName, accountID, partition}): they need the
// authenticator's SSORoleMatch feature gate, and the authenticator builds its
// pattern with an empty partition whenever partition is set, so Validate
// refuses a set partition.
//
// # Keeping what others wrote, byte-for-byte
//
// aws-auth is shared: EKS writes the node and Fargate pod-execution roles,
// eksctl, Terraform and people write theirs. Tools that re-render the whole
// list from their own model lose comments, formatting and keys they do not
// know, and tools that render only what they own lose everything else (the
// Fargate role vanishes and pods stop scheduling).
//
// Parse therefore keeps, next to the entries, the text each came from. It cuts
// each list into items: a block list into runs of whole lines starting at the
// sequence's dashes (every item starts on such a line, so a wrong cut has too
// many pieces, and a block list without anchors is decoded piece by piece,
// which reads exactly what decoding it whole reads: FuzzParse checks it), a
// JSON list at its top-level commas (exact), anything else with a proof:
// every piece read alone must decode to what the whole value decoded to.
// [Mappings.Data] then writes
//
//   - a list whose entries did not change: its original text, exactly;
//   - a changed list: each entry that is unchanged with its original bytes
//     (comments, quoting, key order and keys the authenticator ignores, such
//     as userid, included), and only new or changed entries rendered afresh,
//     in the list's own style (block or flow/JSON), indentation and line
//     endings; a changed entry keeps its ignored keys.
//
// Every result is read back before Data returns it (ErrRender otherwise), and
// keys other than mapRoles, mapUsers and mapAccounts are never touched. Where
// items cannot be cut out of the text (YAML anchors shared between entries),
// a changed list is rendered afresh: same meaning, new bytes.
//
// Merge upserts by identity: a mapping already present is replaced in place
// (later shadowed duplicates of it go), a new one is appended, nothing else
// moves, and an identical re-add is a no-op (Data returns the same text, so
// writers skip the update). Remove drops by identity.
//
// # Writing aws-auth (client-go)
//
// [Upsert] and [RemoveFrom] (both on [Update]) do a read-modify-write of the
// ConfigMap with optimistic concurrency: Get, Parse, change, Update with the
// resourceVersion read, and on a conflict start again from a fresh Get (the
// loop of retry.RetryOnConflict, paced by [DefaultBackoff], whose waits stop
// growing at their cap instead of ending the retries); a missing ConfigMap is
// created, and a create race is retried like a conflict. Uncontended, that is
// two round trips, one when nothing changes. Retries decode only the entries
// others changed in between. Content that does not parse is an error naming
// the bad entry, and the ConfigMap is left untouched. [Read] returns the
// content. The tests run this on a real kube-apiserver: 32 writers upserting
// 10 distinct mappings each, then removing half, concurrently, lose nothing
// (BenchmarkConcurrentWriters reports the figure).
//
// # Access entries
//
// [AccessEntriesFor] turns Mappings into EKS access entries (the same pure
// rules serve the SDK and Pulumi): groups become kubernetesGroups;
// system:masters becomes an association of AmazonEKSClusterAdminPolicy with
// cluster scope; other system: groups are refused by EKS and reported. The
// node and Fargate mappings EKS writes become EC2_LINUX (EC2_WINDOWS) and
// FARGATE_LINUX entries, for which EKS sets the username and groups itself.
// A custom username may not start with system:, eks:, aws:, amazon: or iam:,
// and may only use {{SessionName}} or {{SessionNameRaw}} after a colon; other
// usernames cannot move as they are, and neither can mapAccounts (no access
// entry auto-maps an account), SSO matchers (an access entry needs the role's
// ARN) or templated groups. An identity mapped twice is converted as the
// authenticator reads it: the last mapping wins ([Shadowed] names the others).
//
// EKS's own rules ([AccessEntry.Validate], [ValidatePrincipalARN]; source:
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html
// and https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html),
// enforced before any write:
//   - the principal is an IAM role or user ARN (ErrPrincipal), never an STS
//     assumed-role session; node types take roles only;
//   - a role's ARN carries its path: EKS refuses the path-less form aws-auth
//     needs for a role that has a path (every IAM Identity Center role,
//     /aws-reserved/sso.amazonaws.com/...), so [ResolvePrincipals] recovers
//     the full ARN with iam:GetRole / iam:GetUser (ErrPrincipalNotFound when
//     IAM has no such principal in the caller's account); [FindSSORoles]
//     lists a permission set's roles under [SSORolePathPrefix];
//   - a STANDARD entry's principal may be in another account, a node type's
//     must be in the cluster's ([AccessEntryRulesSource]): the caller's IAM
//     cannot look another account's role up, so [ResolvePrincipalsIn] keeps
//     its path-less ARN as written, with a "path not recoverable" note,
//     unless an override gives the full ARN (ErrPrincipalOverride when the
//     override names another principal, or none);
//   - the type is one of [EntryTypes] (STANDARD, EC2_LINUX, EC2_WINDOWS,
//     FARGATE_LINUX, EC2, HYBRID_LINUX, HYPERPOD_LINUX), fixed once created;
//     only STANDARD entries take a username, groups and access policies (EC2
//     takes AmazonEKSAutoNodePolicy) (ErrEntryTypeInvalid);
//   - access policies are the AWS managed ones, [AccessPolicies], after
//     https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html,
//     each at cluster scope or namespace scope ([PolicyAssociation]); those
//     the page reserves for service-linked roles are refused (ErrAccessPolicy).
//
// [ApplyEntries] (and [ApplyAccessEntries], from Mappings) creates, updates
// and associates idempotently through the narrow [EKSAPI] (a second run
// makes no write). An entry that already exists, the cluster creator's
// bootstrap admin entry for one, or one created concurrently, is adopted and
// converged: never a ResourceInUse failure. [RemoveAccessEntries] deletes
// some. For one declarative owner (the Pulumi component's hooks),
// [ReconcileOwnedEntries] tags the entries it creates with
// [OwnerTagKey]=<owner> and deletes, when they leave its wants, only entries
// with that tag, and [RevokeOwnedEntries] deletes the owner's tagged entries
// and keeps the ones it adopted. [PlanMigration] lists, without changing anything, what must exist
// before aws-auth can be retired and what cannot be migrated as it is
// ([PlanFor] does the same offline, against given entries).
//
// [Migrate] carries the move out, as eksctl's utils migrate-to-access-entry
// does, and only reports unless [MigrateOptions].Apply is set: it refuses,
// naming each, what access entries cannot express (ErrMigrationRefused,
// nothing written); switches CONFIG_MAP to API_AND_CONFIG_MAP ([SetAuthMode]:
// UpdateClusterConfig, each poll of the wait logged; ErrUpdateFailed);
// creates the entries; reads them back; only then removes the migrated
// mappings from aws-auth, EKS's Fargate and node mappings included, so pods
// and nodes keep authenticating throughout; and ends in API (or stays in
// API_AND_CONFIG_MAP). The authentication mode only moves forward
// ([AuthModeSource]). A run that stopped half-way is finished by running
// again.
//
// # Pulumi
//
// The Pulumi component, AwsAuthMapping, is in
// github.com/fargatekit/fargatekit/authmap; it merges with [Reconcile], the
// functions above. This package imports no Pulumi package.
//
// # Command line
//
// fargatekit authmap add-role, add-user, add-account, remove, list,
// migrate-plan and migrate drive the same functions (eksctl's habits: --arn,
// --username, repeated --group, -o table|yaml|json; --context or
// --cluster/--region for the connection). migrate is a dry run unless
// --apply is given; --principal AWS-AUTH-ARN=FULL-ARN gives another
// account's role its path.
package authmap
