package authmap

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/kubehook"
	sdk "github.com/fargatekit/fargatekit/sdk/authmap"
	"github.com/fargatekit/fargatekit/sdk/eksfargate"
)

// TypeToken is the type token of [AwsAuthMapping].
const TypeToken = "fargatekit:authmap:AwsAuthMapping"

// Mode is how AwsAuthMapping grants access.
type Mode string

// The modes of AwsAuthMapping.
const (
	// ModeConfigMap writes mapRoles/mapUsers/mapAccounts of aws-auth.
	ModeConfigMap Mode = "ConfigMap"
	// ModeAccessEntries creates EKS access entries (and policy associations).
	ModeAccessEntries Mode = "AccessEntries"
)

// AnnotationPatchForce is pulumi-kubernetes' annotation that makes a Patch
// resource take over fields other field managers own.
const AnnotationPatchForce = "pulumi.com/patchForce"

// AnnotationOwnedPrefix starts the annotation in which ConfigMap mode records
// the identities a component wrote (one annotation per stack and component).
const AnnotationOwnedPrefix = "authmap.fargatekit.io/owned-"

// ErrInvalidArgs is wrapped when AwsAuthMappingArgs are refused.
var ErrInvalidArgs = errors.New("authmap: invalid AwsAuthMapping args")

// RoleMappingArgs is a role to map. The ARN is an input (often another
// resource's output); the username and groups are plain, so they are
// validated before anything is registered.
type RoleMappingArgs struct {
	// RoleARN is the role's ARN. In ConfigMap mode, with or without its
	// path (aws-auth stores it path-less). In AccessEntries mode EKS wants
	// the full ARN, path included; a path-less ARN is resolved to IAM's ARN
	// with iam:GetRole by the hooks before any write (a role IAM does not
	// know in the hooks' account fails the write, naming it: give another
	// account's role with its path).
	RoleARN pulumi.StringInput
	// Username and Groups as in sdk.RoleMapping (templates allowed).
	Username string
	Groups   []string
	// Type is the access entry's type (AccessEntries mode only): one of
	// STANDARD, EC2, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX,
	// HYPERPOD_LINUX (sdk.EntryTypes), validated by sdk.AccessEntry.Validate
	// (node types take no username or groups). "" infers it from Username
	// and Groups as the migration does: a node mapping is EC2_LINUX (or
	// EC2_WINDOWS), a Fargate mapping FARGATE_LINUX, anything else STANDARD
	// with system:masters as an AmazonEKSClusterAdminPolicy association.
	Type string
	// Key is kept for compatibility and names nothing any more: AccessEntries
	// mode writes every entry through the component's hooks (see
	// AwsAuthMappingArgs), so no child is named after a mapping.
	Key string
	// Policies are access policies to associate (AccessEntries mode), each
	// at cluster or namespace scope.
	Policies []PolicyAssociation
}

// UserMappingArgs is an IAM user to map (see RoleMappingArgs).
type UserMappingArgs struct {
	// UserARN is the user's ARN.
	UserARN pulumi.StringInput
	// Username and Groups as in sdk.UserMapping.
	Username string
	Groups   []string
	// Key is kept for compatibility and names nothing (see RoleMappingArgs.Key).
	Key string
	// Policies as in RoleMappingArgs.
	Policies []PolicyAssociation
}

// AwsAuthMappingArgs configure [NewAwsAuthMapping].
//
// Mode defaults from the cluster: AccessEntries for API and API_AND_CONFIG_MAP
// clusters, ConfigMap for CONFIG_MAP ones; a mode the cluster does not read is
// refused. Child resources (API: renaming them replaces them), for a
// component named N, all parented to the component:
//
//	ConfigMap mode:
//	  kubernetes:core/v1:ConfigMap        N-live        read (Get) of kube-system/aws-auth
//	  kubernetes:core/v1:ConfigMapPatch   N-aws-auth    server-side apply of mapRoles/mapUsers/mapAccounts
//	AccessEntries mode:
//	  aws:ssm/parameter:Parameter         N-access-entries   the record: the entries as JSON; its hooks write them
//
// How ConfigMap mode keeps what it does not own: aws-auth is one ConfigMap
// holding three YAML strings, and server-side apply owns fields, not entries
// inside a string, so a patch that renders only its own entries would erase
// everyone else's (the trap of tools that overwrite aws-auth). The component
// therefore reads the live ConfigMap (N-live) on every run, merges its own
// entries into it with [Reconcile] (the same pure functions as the SDK path:
// other entries keep their bytes, entries it wrote before and no longer wants
// are removed, the Fargate pod-execution mapping is ensured whenever the
// cluster has Fargate profiles), and applies the merged keys with a
// ConfigMapPatch carrying pulumi.com/patchForce (EKS and kubectl own those
// fields, so an unforced apply would conflict). What it wrote is recorded in
// an annotation on the ConfigMap (AnnotationOwnedPrefix + a hash of
// project/stack/N). The patch is RetainOnDelete: deleting a Patch relinquishes
// its fields, which for a forced mapRoles would drop the key, Fargate mapping
// included; remove entries by removing them from the args (or with the CLI)
// before deleting the component.
//
// The trade-off: the read and the patch are not one atomic operation. An
// entry another writer adds between this run's read and its patch (seconds,
// during pulumi up) is overwritten; it is not lost for good if its writer
// retries, and it is never lost across runs, since every run starts from the
// live content. The client-go path ([Upsert]) has no such window: it writes
// with optimistic concurrency. The ConfigMap must exist (EKS creates it with
// the first Fargate profile or managed node group); the read fails otherwise.
//
// ConfigMap mode with Kubeconfig (hooks mode, the default when the ClusterRef
// has a kubeconfig, as a FargateCluster's does): the component
// no longer writes aws-auth's data with a forced patch. Its one child,
//
//	kubernetes:core/v1:ConfigMapPatch   N-aws-auth    the component's record: one annotation, no data
//
// carries resource hooks (pulumi.ResourceHooks) that call the SDK with the
// kubeconfig: before create and update, [sdk.ReconcileOwned] merges the
// record's mappings into aws-auth in one read-modify-write with optimistic
// concurrency, retried on conflict, removing what the previous record owned
// and the new one does not; before delete, [sdk.RevokeOwned] removes exactly
// the identities the record owned. So pulumi destroy --run-program revokes
// the component's entries and nothing else (not the Fargate mapping, not
// other writers' entries), and two components on one cluster never lose
// each other's entries: each write is a merge of the live content. See
// "Destroying and removing" below for what runs when. The record's
// annotation key derives from
// OwnerKey, or from project/stack/N: renaming the component with an alias
// (pulumi.Aliases) keeps its children and, through the old record in the
// update's old inputs, its entries; OwnerKey keeps the key itself stable.
// CreateAwsAuth creates a missing aws-auth (with the Fargate mapping) in the
// first hook; without it a missing aws-auth fails the write.
//
// AccessEntries mode writes through resource hooks too, on its one child,
// an SSM parameter (N-access-entries) holding the record: the cluster, its
// region, the component's owner tag (OwnerTag of OwnerKey, or of
// project/stack/N) and the entries with their policies. Before create and
// update, [sdk.ReconcileOwnedEntries] makes the entries what the record
// says: a missing entry is created tagged fargatekit.io/authmap-owner=<owner
// tag>; an entry that already exists (the bootstrap cluster-creator admin,
// which EKS creates by default; one made by EKS, eksctl or the console) is
// adopted and converged (groups, username, missing policy associations),
// never a ResourceInUse failure; a principal the previous record named and
// this one does not is deleted if the component created it. Before delete,
// [sdk.RevokeOwnedEntries] deletes the entries that carry the component's
// owner tag and leaves the others: pulumi destroy never deletes an entry the
// component did not create (the policies it associated with an adopted
// entry stay with that entry). The hooks call EKS and IAM with the default
// AWS credential chain (environment, AWS_PROFILE, SSO, instance role) in
// the ClusterRef's region, which must be set; path-less role ARNs are
// resolved with iam:GetRole first. Renaming the component changes its owner
// tag unless OwnerKey is set: the entries it created are then deleted and
// created again under the new tag by the first update.
//
// Upgrading a stack made when AccessEntries mode registered one
// aws:eks/accessEntry child per mapping (N-role-<key>, N-user-<key> and
// their AccessPolicyAssociations): pulumi up would delete those children,
// and so the entries, after the hooks adopted them. Remove them from the
// state first, which leaves the entries in EKS,
//
//	pulumi state delete <urn of each N-role-*/N-user-* child>
//
// then pulumi up: the hooks adopt them (untagged, so a later destroy keeps
// them; tag them with the owner tag, an output of the component, to have
// destroy delete them).
//
// AccessEntries mode does not create the Fargate pod-execution role's entry:
// EKS manages it (in aws-auth on API_AND_CONFIG_MAP clusters, as a
// FARGATE_LINUX entry for profiles created under the access-entry modes), and
// a second entry for one principal is refused. Where a cluster lacks it
// (migrate-plan shows it), map the role with FargateUsername and its three
// groups: that mapping becomes a FARGATE_LINUX entry.
//
// Destroying and removing (both hook modes; Pulumi v3.259's engine, which
// looks a delete hook up by name in the running program):
//
//   - pulumi destroy --run-program runs the program, which registers the
//     hooks, and deletes the record: its before-delete hook N-revoke revokes.
//
//   - pulumi destroy without --run-program is refused by the engine before
//     anything is deleted ("You must run with the --run-program flag to use
//     delete hooks during destroy"): nothing is revoked, nothing is lost.
//
//   - Removing the component from the program and running pulumi up does NOT
//     revoke: the record is deleted, its hook N-revoke is looked up in the
//     program, which no longer registers it (the component's constructor
//     does), and the update fails with `hook "N-revoke" was not
//     registered`, leaving the record and the entries in place. To retire a
//     component, revoke first, with the component still in the program,
//
//     pulumi destroy --run-program --target <the component's URN> --target-dependents
//
//     then remove it from the program (pulumi up then has nothing of it left
//     to delete). To drop it and keep its entries instead, pulumi state delete
//     its record before removing it.
type AwsAuthMappingArgs struct {
	// Cluster is the cluster (required): its authentication mode, Fargate
	// profiles, pod-execution role, name and Kubernetes provider.
	Cluster clusterref.ClusterRef
	// Mode overrides the mode chosen from the cluster.
	Mode Mode
	// Roles and Users are the mappings this component owns.
	Roles []RoleMappingArgs
	Users []UserMappingArgs
	// Accounts are mapAccounts entries (ConfigMap mode only: no access entry
	// admits a whole account).
	Accounts []string
	// AllowSystemMasters permits system:masters (cluster-admin).
	AllowSystemMasters bool
	// KubernetesProvider reads and patches aws-auth; it overrides Cluster's.
	KubernetesProvider pulumi.ProviderResource
	// Namespace and Name of the ConfigMap; kube-system/aws-auth by default.
	Namespace, Name string
	// Kubeconfig, when set, switches ConfigMap mode to hooks (see
	// "ConfigMap mode with Kubeconfig" above): resource hooks write aws-auth
	// through the SDK with this kubeconfig (the one of KubernetesProvider,
	// often a secret output) and revoke the component's entries on delete.
	// Nil takes the ClusterRef's Kubeconfig when it has one (a
	// FargateCluster's does), so hooks mode is the default there; pass a
	// ClusterRef without one for the forced patch. Without any, ConfigMap
	// mode writes with the forced patch and logs a warning: destroy revokes
	// nothing and two such components on one cluster overwrite each other's
	// entries (nothing in one program can see the other: do not do that).
	// Switching an existing component to hooks mode keeps aws-auth's data.
	Kubeconfig pulumi.StringInput
	// OwnerKey is the stable name of the component's record on aws-auth; ""
	// means the Pulumi project, stack and component name. Set it to keep
	// ownership across renames without aliases (two components must not share one).
	OwnerKey string
	// CreateAwsAuth creates aws-auth when it is missing, with the Fargate
	// pod-execution mapping when the cluster has Fargate profiles (hooks
	// mode only). Off by default: EKS creates aws-auth with the first node
	// group or Fargate profile, and a write then fails on a missing one.
	CreateAwsAuth bool
	// connect builds the hooks' client from the kubeconfig (tests).
	connect func(kubeconfig string) (kubernetes.Interface, error)
	// awsClients builds the AccessEntries-mode hooks' EKS and IAM clients (tests).
	awsClients awsClients
}

// AwsAuthMapping maps IAM roles and users to Kubernetes users and groups on
// one cluster, through aws-auth or access entries.
type AwsAuthMapping struct {
	pulumi.ResourceState

	// Mode is the mode in use.
	Mode Mode
	// Live is the read of aws-auth and Patch the write (ConfigMap mode).
	Live  *corev1.ConfigMap
	Patch *corev1.ConfigMapPatch
	// Data is the mapRoles/mapUsers/mapAccounts written (ConfigMap mode).
	Data pulumi.StringMapOutput
	// Entries is the AccessEntries-mode record: an SSM parameter holding the
	// entries as JSON, whose resource hooks write them to EKS.
	Entries *ssm.Parameter
	// OwnerTag is the value of the fargatekit.io/authmap-owner tag on the
	// access entries the component creates (AccessEntries mode).
	OwnerTag string
	// Record is the JSON the hooks apply: in ConfigMap mode with Kubeconfig
	// the patch's annotation on aws-auth (the mappings the component owns
	// and those it ensures); in AccessEntries mode the Entries parameter's
	// value (cluster, region, owner tag and entries).
	Record pulumi.StringOutput

	conn    *hookConn    // the hooks' connection (hooks mode)
	entries *entriesConn // the AccessEntries-mode hooks' clients
}

// placeholderARN stands in for an ARN output during validation.
func placeholderARN(kind string, i int) string {
	return fmt.Sprintf("arn:aws:iam::000000000000:%s/placeholder-%d", kind, i)
}

// plain returns the mappings with placeholder ARNs: what can be checked
// before the ARNs are known.
func (a *AwsAuthMappingArgs) plain() sdk.Mappings {
	var m sdk.Mappings
	for i, r := range a.Roles {
		if r.Type != "" {
			continue // declared as an access entry, validated as one
		}
		m.Roles = append(m.Roles, sdk.RoleMapping{RoleARN: placeholderARN("role", i), Username: r.Username, Groups: r.Groups})
	}
	for i, u := range a.Users {
		m.Users = append(m.Users, sdk.UserMapping{UserARN: placeholderARN("user", i), Username: u.Username, Groups: u.Groups})
	}
	m.Accounts = a.Accounts
	return m
}

func (a *AwsAuthMappingArgs) validation() []sdk.Option {
	if a.AllowSystemMasters {
		return []sdk.Option{sdk.AllowSystemMasters()}
	}
	return nil
}

// mode resolves the mode from the args and the cluster.
func (a *AwsAuthMappingArgs) mode() (Mode, error) {
	auth := a.Cluster.Ref().Mode()
	m := a.Mode
	if m == "" {
		m = ModeAccessEntries
		if auth == eksfargate.AuthConfigMap {
			m = ModeConfigMap
		}
	}
	switch {
	case m != ModeConfigMap && m != ModeAccessEntries:
		return "", fmt.Errorf("%w: mode %q (ConfigMap or AccessEntries)", ErrInvalidArgs, m)
	case m == ModeConfigMap && auth == eksfargate.AuthAPI:
		return "", fmt.Errorf("%w: the cluster's authentication mode is API: it does not read aws-auth", ErrInvalidArgs)
	case m == ModeAccessEntries && auth == eksfargate.AuthConfigMap:
		return "", fmt.Errorf("%w: the cluster's authentication mode is CONFIG_MAP: it has no access entries", ErrInvalidArgs)
	}
	return m, nil
}

// Validate reports every problem of the plain parts of the args at once; the
// ARNs are outputs and are checked when known.
func (a *AwsAuthMappingArgs) Validate() error {
	if a == nil || a.Cluster == nil {
		return fmt.Errorf("%w: Cluster is required", ErrInvalidArgs)
	}
	var errs []error
	mode, err := a.mode()
	errs = append(errs, err)
	if len(a.Roles)+len(a.Users)+len(a.Accounts) == 0 && !(mode == ModeConfigMap && a.Cluster.Ref().HasFargateProfiles) {
		errs = append(errs, fmt.Errorf("%w: no mappings", ErrInvalidArgs))
	}
	check := func(kind string, i int, typ, username string, groups []string, in pulumi.StringInput, policies []PolicyAssociation) {
		if in == nil {
			errs = append(errs, fmt.Errorf("%w: %ss[%d] has no ARN", ErrInvalidArgs, kind, i))
		}
		if mode != ModeAccessEntries && len(policies) > 0 {
			errs = append(errs, fmt.Errorf("%w: %ss[%d]: access policies need AccessEntries mode", ErrInvalidArgs, kind, i))
		}
		if mode != ModeAccessEntries && typ != "" {
			errs = append(errs, fmt.Errorf("%w: %ss[%d]: an entry Type needs AccessEntries mode", ErrInvalidArgs, kind, i))
		}
		e := sdk.AccessEntry{PrincipalARN: placeholderARN(kind, i), Policies: policies}
		if typ != "" {
			e.Type, e.Username, e.KubernetesGroups = typ, username, groups
		}
		if err := e.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: %ss[%d]: %w", ErrInvalidArgs, kind, i, err))
		}
	}
	for i, r := range a.Roles {
		check("role", i, r.Type, r.Username, r.Groups, r.RoleARN, r.Policies)
	}
	for i, u := range a.Users {
		check("user", i, "", u.Username, u.Groups, u.UserARN, u.Policies)
	}
	plain := a.plain()
	errs = append(errs, plain.Validate(a.validation()...))
	if mode == ModeAccessEntries {
		_, err := sdk.AccessEntriesFor(plain)
		errs = append(errs, err)
	}
	if a.CreateAwsAuth && (mode != ModeConfigMap || a.kubeconfig() == nil) {
		errs = append(errs, fmt.Errorf("%w: CreateAwsAuth needs ConfigMap mode with Kubeconfig (the hooks create it)", ErrInvalidArgs))
	}
	if mode == ModeConfigMap && a.kubeconfig() == nil && kubeProvider(a) == nil {
		errs = append(errs, fmt.Errorf("%w: ConfigMap mode needs a Kubernetes provider: set KubernetesProvider or a Cluster with one", ErrInvalidArgs))
	}
	return errors.Join(errs...)
}

// kubeconfig is the hooks' kubeconfig: Kubeconfig, else the ClusterRef's
// (a FargateCluster's own); nil means ConfigMap mode writes with the forced patch.
func (a *AwsAuthMappingArgs) kubeconfig() pulumi.StringInput {
	if a.Kubeconfig != nil {
		return a.Kubeconfig
	}
	return a.Cluster.Ref().Kubeconfig
}

func kubeProvider(a *AwsAuthMappingArgs) pulumi.ProviderResource {
	if a.KubernetesProvider != nil {
		return a.KubernetesProvider
	}
	return a.Cluster.Ref().KubernetesProvider
}

// NewAwsAuthMapping maps the given roles and users on the cluster, in
// ConfigMap or AccessEntries mode (see AwsAuthMappingArgs for the children
// and for how ConfigMap mode keeps entries others wrote). Invalid args are
// refused before anything is registered.
func NewAwsAuthMapping(ctx *pulumi.Context, name string, args *AwsAuthMappingArgs, opts ...pulumi.ResourceOption) (*AwsAuthMapping, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("authmap: NewAwsAuthMapping %s: %w", name, err)
	}
	mode, _ := args.mode()
	comp := &AwsAuthMapping{Mode: mode}
	if err := ctx.RegisterComponentResource(TypeToken, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("authmap: NewAwsAuthMapping %s: %w", name, err)
	}
	var err error
	outputs := pulumi.Map{"mode": pulumi.String(string(mode))}
	switch {
	case mode == ModeConfigMap && args.kubeconfig() != nil:
		err = comp.configMapHooks(ctx, name, args)
	case mode == ModeConfigMap:
		_ = ctx.Log.Warn("authmap: "+name+": ConfigMap mode without Kubeconfig writes aws-auth with a forced patch kept on delete: "+
			"destroy revokes nothing, and two such components on one cluster overwrite each other's entries (the last writer wins); "+
			"set Kubeconfig (hooks mode) to merge on every write and revoke on destroy", &pulumi.LogArgs{Resource: comp})
		err = comp.configMap(ctx, name, args)
		outputs["data"] = comp.Data
	default:
		err = comp.accessEntries(ctx, name, args)
		outputs["ownerTag"] = pulumi.String(comp.OwnerTag)
	}
	if err != nil {
		return nil, fmt.Errorf("authmap: NewAwsAuthMapping %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(comp, outputs); err != nil {
		return nil, fmt.Errorf("authmap: NewAwsAuthMapping %s: %w", name, err)
	}
	return comp, nil
}

// OwnedAnnotation is the annotation in which the component named name, in
// the given Pulumi project and stack, records the identities it wrote.
func OwnedAnnotation(project, stack, name string) string {
	return OwnerKeyAnnotation(project + "/" + stack + "/" + name)
}

// OwnerKeyAnnotation is the annotation of the component whose
// AwsAuthMappingArgs.OwnerKey is key.
func OwnerKeyAnnotation(key string) string {
	h := sha256.Sum256([]byte(key))
	return AnnotationOwnedPrefix + hex.EncodeToString(h[:8])
}

// annotation is the component's record annotation.
func (a *AwsAuthMappingArgs) annotation(ctx *pulumi.Context, name string) string {
	if a.OwnerKey != "" {
		return OwnerKeyAnnotation(a.OwnerKey)
	}
	return OwnedAnnotation(ctx.Project(), ctx.Stack(), name)
}

// reconcileInput is everything the ConfigMap rendering depends on.
type reconcileInput struct {
	live, annotations  map[string]string
	roleARNs, userARNs []string
	podExecutionRole   string
}

// reconcile renders what ConfigMap mode writes.
func (a *AwsAuthMappingArgs) reconcile(in reconcileInput, annotation string) (sdk.Reconciled, error) {
	owned, ensured, err := a.ownedAndEnsured(in.roleARNs, in.userARNs, in.podExecutionRole)
	if err != nil {
		return sdk.Reconciled{}, err
	}
	return sdk.Reconcile(in.live, ownedIdentities(in.annotations[annotation]), owned, ensured)
}

func (c *AwsAuthMapping) configMap(ctx *pulumi.Context, name string, args *AwsAuthMappingArgs) error {
	ns, cmName := args.Namespace, args.Name
	if ns == "" {
		ns = DefaultNamespace
	}
	if cmName == "" {
		cmName = DefaultName
	}
	k8s := kubeProvider(args)
	ready := pulumi.DependsOn(args.Cluster.Ref().Ready)
	live, err := corev1.GetConfigMap(ctx, name+"-live", readID(args.Cluster.Ref().Ready, ns+"/"+cmName), nil, pulumi.Parent(c), pulumi.Provider(k8s), ready)
	if err != nil {
		return fmt.Errorf("reading %s/%s: %w", ns, cmName, err)
	}
	inputs := []any{live.Data, live.Metadata.Annotations(), clusterref.String(args.Cluster.Ref().PodExecutionRoleARN)}
	for _, r := range args.Roles {
		inputs = append(inputs, r.RoleARN)
	}
	for _, u := range args.Users {
		inputs = append(inputs, u.UserARN)
	}
	annotation := args.annotation(ctx, name)
	rendered := pulumi.All(inputs...).ApplyT(func(xs []any) (map[string]any, error) {
		in := reconcileInput{podExecutionRole: xs[2].(string)}
		in.live, _ = xs[0].(map[string]string)
		in.annotations, _ = xs[1].(map[string]string)
		for i := range args.Roles {
			in.roleARNs = append(in.roleARNs, xs[3+i].(string))
		}
		for i := range args.Users {
			in.userARNs = append(in.userARNs, xs[3+len(args.Roles)+i].(string))
		}
		r, err := args.reconcile(in, annotation)
		if err != nil {
			return nil, fmt.Errorf("authmap: %s/%s: %w", ns, cmName, err)
		}
		owned, _ := json.Marshal(r.Owned)
		return map[string]any{"data": r.Data, "owned": string(owned)}, nil
	}).(pulumi.MapOutput)
	c.Data = rendered.MapIndex(pulumi.String("data")).ApplyT(func(v any) map[string]string {
		m, _ := v.(map[string]string)
		return m
	}).(pulumi.StringMapOutput)
	owned := rendered.MapIndex(pulumi.String("owned")).ApplyT(func(v any) string { s, _ := v.(string); return s }).(pulumi.StringOutput)
	c.Live = live
	c.Patch, err = corev1.NewConfigMapPatch(ctx, name+"-aws-auth", &corev1.ConfigMapPatchArgs{
		Metadata: &metav1.ObjectMetaPatchArgs{
			Name: pulumi.String(cmName), Namespace: pulumi.String(ns),
			Annotations: pulumi.StringMap{AnnotationPatchForce: pulumi.String("true"), annotation: owned},
		},
		Data: c.Data,
	}, pulumi.Parent(c), pulumi.Provider(k8s), pulumi.RetainOnDelete(true), ready)
	if err != nil {
		return fmt.Errorf("patching %s/%s: %w", ns, cmName, err)
	}
	return nil
}

// owned returns the mappings the component owns and the ones it ensures,
// from the resolved ARNs.
func (a *AwsAuthMappingArgs) ownedAndEnsured(roleARNs, userARNs []string, podExecutionRole string) (sdk.Mappings, sdk.Mappings, error) {
	var owned, ensured sdk.Mappings
	for i, r := range a.Roles {
		owned.Roles = append(owned.Roles, sdk.RoleMapping{RoleARN: roleARNs[i], Username: r.Username, Groups: r.Groups})
	}
	for i, u := range a.Users {
		owned.Users = append(owned.Users, sdk.UserMapping{UserARN: userARNs[i], Username: u.Username, Groups: u.Groups})
	}
	owned.Accounts = a.Accounts
	if err := owned.Validate(a.validation()...); err != nil {
		return owned, ensured, err
	}
	if a.Cluster.Ref().HasFargateProfiles {
		if podExecutionRole == "" {
			return owned, ensured, fmt.Errorf("%w: the cluster has Fargate profiles but no pod-execution role ARN", ErrInvalidArgs)
		}
		ensured.Roles = []sdk.RoleMapping{sdk.FargateRoleMapping(podExecutionRole)}
	}
	return owned, ensured, nil
}

// configMapHooks is ConfigMap mode with Kubeconfig: the patch records the
// component's mappings in its annotation, and the hooks write aws-auth.
func (c *AwsAuthMapping) configMapHooks(ctx *pulumi.Context, name string, args *AwsAuthMappingArgs) error {
	ns, cmName := args.Namespace, args.Name
	if ns == "" {
		ns = DefaultNamespace
	}
	if cmName == "" {
		cmName = DefaultName
	}
	annotation := args.annotation(ctx, name)
	conn := &hookConn{kube: kubehook.Conn{Connect: args.connect, Missing: ErrNoKubeconfig}, annotation: annotation, timeout: 5 * time.Minute,
		opts: sdk.ConfigMapOptions{Namespace: ns, Name: cmName, AllowSystemMasters: args.AllowSystemMasters, MustExist: !args.CreateAwsAuth,
			Owner: strings.TrimPrefix(annotation, AnnotationOwnedPrefix)}}
	c.conn = conn
	hooks, err := conn.hooks(ctx, name)
	if err != nil {
		return fmt.Errorf("registering the hooks: %w", err)
	}
	inputs := []any{args.kubeconfig().ToStringOutput(), clusterref.String(args.Cluster.Ref().PodExecutionRoleARN)}
	for _, r := range args.Roles {
		inputs = append(inputs, r.RoleARN)
	}
	for _, u := range args.Users {
		inputs = append(inputs, u.UserARN)
	}
	record := pulumi.All(inputs...).ApplyT(func(xs []any) (string, error) {
		conn.set(xs[0].(string))
		var roles, users []string
		for i := range args.Roles {
			roles = append(roles, xs[2+i].(string))
		}
		for i := range args.Users {
			users = append(users, xs[2+len(args.Roles)+i].(string))
		}
		owned, ensured, err := args.ownedAndEnsured(roles, users, xs[1].(string))
		if err != nil {
			return "", fmt.Errorf("authmap: %s/%s: %w", ns, cmName, err)
		}
		b, err := json.Marshal(ownerRecord{Owned: owned, Ensured: ensured})
		return string(b), err
	}).(pulumi.StringOutput)
	c.Record = record
	c.Patch, err = corev1.NewConfigMapPatch(ctx, name+"-aws-auth", &corev1.ConfigMapPatchArgs{
		Metadata: &metav1.ObjectMetaPatchArgs{
			Name: pulumi.String(cmName), Namespace: pulumi.String(ns),
			Annotations: pulumi.StringMap{AnnotationPatchForce: pulumi.String("true"), annotation: record},
		},
	}, pulumi.Parent(c), pulumi.Provider(kubeProvider(args)), pulumi.ResourceHooks(hooks), pulumi.DependsOn(args.Cluster.Ref().Ready))
	if err != nil {
		return fmt.Errorf("recording on %s/%s: %w", ns, cmName, err)
	}
	return nil
}

// readID is the ID of the Get, known only once the Ready resources exist: a
// read carries no dependencies to the engine, but waits for its ID, and
// aws-auth may only appear with the cluster's first Fargate profile.
func readID(ready []pulumi.Resource, id string) pulumi.IDOutput {
	deps := []any{pulumi.String(id)}
	for _, r := range ready {
		if cr, ok := r.(pulumi.CustomResource); ok {
			deps = append(deps, cr.ID())
		} else {
			deps = append(deps, r.URN())
		}
	}
	return pulumi.All(deps...).ApplyT(func([]any) pulumi.ID { return pulumi.ID(id) }).(pulumi.IDOutput)
}
