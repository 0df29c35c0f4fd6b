package authmap

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/kubernetes"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	"github.com/fargatekit/fargatekit/internal/kubehook"
	"github.com/fargatekit/fargatekit/internal/partition"
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
	// RoleARN is the role's ARN, with or without its path.
	RoleARN pulumi.StringInput
	// Username and Groups as in sdk.RoleMapping (templates allowed).
	Username string
	Groups   []string
	// Key names the role's children in AccessEntries mode (N-role-<Key>).
	// "" derives it from a plain ARN (pulumi.String): the role's name,
	// lower-cased; an ARN that is another resource's output needs a Key.
	// Child names never depend on list positions (children named by index
	// before get an alias, so existing entries are kept).
	//
	// Caveat of those index aliases: the alias N-role-<i> goes to the mapping
	// at position i now. Upgrade to key names with the list in its old order,
	// and reorder or remove a middle mapping in a later update; done in the
	// same update, a moved mapping's entry is matched with another's old
	// entry and replaced (deleted and created again: a moment without access).
	Key string
	// Policies are access policies to associate (AccessEntries mode), each
	// at cluster or namespace scope: children N-role-<Key>-<policy, lower-case>.
	Policies []PolicyAssociation
}

// UserMappingArgs is an IAM user to map (see RoleMappingArgs).
type UserMappingArgs struct {
	// UserARN is the user's ARN.
	UserARN pulumi.StringInput
	// Username and Groups as in sdk.UserMapping.
	Username string
	Groups   []string
	// Key names the user's children in AccessEntries mode (N-user-<Key>);
	// "" derives it from a plain ARN, as for roles.
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
//	  aws:eks/accessEntry:AccessEntry                             N-role-<key>, N-user-<key>
//	  aws:eks/accessPolicyAssociation:AccessPolicyAssociation N-role-<key>-admin   for system:masters
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
// ConfigMap mode with Kubeconfig (hooks mode, recommended): the component
// no longer writes aws-auth's data with a forced patch. Its one child,
//
//	kubernetes:core/v1:ConfigMapPatch   N-aws-auth    the component's record: one annotation, no data
//
// carries resource hooks (pulumi.ResourceHooks) that call the SDK with the
// kubeconfig: before create and update, [sdk.ReconcileOwned] merges the
// record's mappings into aws-auth in one read-modify-write with optimistic
// concurrency, retried on conflict, removing what the previous record owned
// and the new one does not; before delete, [sdk.RevokeOwned] removes exactly
// the identities the record owned. So pulumi destroy, and removing the
// component from the program, revoke the component's entries and nothing
// else (not the Fargate mapping, not other writers' entries), and two
// components on one cluster never lose each other's entries: each write is a
// merge of the live content. Delete hooks run only when the program runs:
// destroy with
//
//	pulumi destroy --run-program
//
// (without it the engine deletes the patch, which drops only the record
// annotation, and the entries stay). The record's annotation key derives from
// OwnerKey, or from project/stack/N: renaming the component with an alias
// (pulumi.Aliases) keeps its children and, through the old record in the
// update's old inputs, its entries; OwnerKey keeps the key itself stable.
// CreateAwsAuth creates a missing aws-auth (with the Fargate mapping) in the
// first hook; without it a missing aws-auth fails the write.
//
// AccessEntries mode needs no hooks for its lifecycle: each entry and
// association is its own resource, which pulumi destroy deletes (revoking
// exactly those entries; entries the component did not create are not in its
// state and stay).
//
// AccessEntries mode does not create the Fargate pod-execution role's entry:
// EKS manages it (in aws-auth on API_AND_CONFIG_MAP clusters, as a
// FARGATE_LINUX entry for profiles created under the access-entry modes), and
// a second entry for one principal is refused. Where a cluster lacks it
// (migrate-plan shows it), map the role with FargateUsername and its three
// groups: that mapping becomes a FARGATE_LINUX entry.
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
	// AccessEntries are the entries, roles then users, in args order, and
	// PolicyAssociations the sdk.ClusterAdminPolicy associations (AccessEntries mode).
	AccessEntries      []*eks.AccessEntry
	PolicyAssociations []*eks.AccessPolicyAssociation
	// Record is the JSON the hooks-mode patch records on aws-auth: the
	// mappings the component owns and those it ensures (ConfigMap mode with Kubeconfig).
	Record pulumi.StringOutput

	conn *hookConn // the hooks' connection (hooks mode)
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

var keyRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

var nonKeyRE = regexp.MustCompile(`[^a-z0-9]+`)

// childKey is the stable key of a mapping's children: its Key, or the
// lower-case name of a plain ARN. An output ARN without a Key is refused:
// its name is not known when the children are named.
func childKey(kind string, i int, key string, in pulumi.StringInput) (string, error) {
	if key == "" {
		plain, ok := in.(pulumi.String)
		if !ok {
			return "", fmt.Errorf("%w: %ss[%d]: the ARN is another resource's output, so set Key (it names the children; a list index would move)", ErrInvalidArgs, kind, i)
		}
		a := string(plain)
		key = strings.Trim(nonKeyRE.ReplaceAllString(strings.ToLower(a[strings.LastIndexAny(a, "/:")+1:]), "-"), "-")
		if len(key) > 50 {
			h := sha256.Sum256([]byte(a))
			key = strings.Trim(key[:40], "-") + "-" + hex.EncodeToString(h[:4])
		}
	}
	if !keyRE.MatchString(key) {
		return "", fmt.Errorf("%w: %ss[%d] key %q: want a lower-case DNS label", ErrInvalidArgs, kind, i, key)
	}
	return key, nil
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
	keys := map[string]bool{}
	checkKey := func(kind string, i int, key string, in pulumi.StringInput, policies []PolicyAssociation) {
		if in == nil {
			errs = append(errs, fmt.Errorf("%w: %ss[%d] has no ARN", ErrInvalidArgs, kind, i))
		}
		if mode == ModeAccessEntries {
			k, err := childKey(kind, i, key, in)
			if err != nil {
				errs = append(errs, err)
			} else if keys[kind+k] {
				errs = append(errs, fmt.Errorf("%w: %ss[%d] key %q: used twice; keys name the children", ErrInvalidArgs, kind, i, k))
			}
			keys[kind+k] = true
		} else if len(policies) > 0 {
			errs = append(errs, fmt.Errorf("%w: %ss[%d]: access policies need AccessEntries mode", ErrInvalidArgs, kind, i))
		}
		e := sdk.AccessEntry{PrincipalARN: placeholderARN(kind, i), Policies: policies}
		if err := e.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%ss[%d]: %w", kind, i, err))
		}
	}
	for i, r := range a.Roles {
		checkKey("role", i, r.Key, r.RoleARN, r.Policies)
	}
	for i, u := range a.Users {
		checkKey("user", i, u.Key, u.UserARN, u.Policies)
	}
	plain := a.plain()
	errs = append(errs, plain.Validate(a.validation()...))
	if mode == ModeAccessEntries {
		_, err := sdk.AccessEntriesFor(plain)
		errs = append(errs, err)
	}
	if a.CreateAwsAuth && (mode != ModeConfigMap || a.Kubeconfig == nil) {
		errs = append(errs, fmt.Errorf("%w: CreateAwsAuth needs ConfigMap mode with Kubeconfig (the hooks create it)", ErrInvalidArgs))
	}
	if a.OwnerKey != "" && mode != ModeConfigMap {
		errs = append(errs, fmt.Errorf("%w: OwnerKey names the record on aws-auth: ConfigMap mode only (access entries are keyed by Key)", ErrInvalidArgs))
	}
	if mode == ModeConfigMap && a.Kubeconfig == nil && kubeProvider(a) == nil {
		errs = append(errs, fmt.Errorf("%w: ConfigMap mode needs a Kubernetes provider: set KubernetesProvider or a Cluster with one", ErrInvalidArgs))
	}
	return errors.Join(errs...)
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
	case mode == ModeConfigMap && args.Kubeconfig != nil:
		err = comp.configMapHooks(ctx, name, args)
	case mode == ModeConfigMap:
		err = comp.configMap(ctx, name, args)
		outputs["data"] = comp.Data
	default:
		err = comp.accessEntries(ctx, name, args)
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
		opts: sdk.ConfigMapOptions{Namespace: ns, Name: cmName, AllowSystemMasters: args.AllowSystemMasters, MustExist: !args.CreateAwsAuth}}
	c.conn = conn
	hooks, err := conn.hooks(ctx, name)
	if err != nil {
		return fmt.Errorf("registering the hooks: %w", err)
	}
	inputs := []any{args.Kubeconfig.ToStringOutput(), clusterref.String(args.Cluster.Ref().PodExecutionRoleARN)}
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

// policyARN is an access policy's ARN in the principal's partition.
func policyARN(principal pulumi.StringOutput, pa sdk.PolicyAssociation) pulumi.StringOutput {
	return principal.ApplyT(func(p string) (string, error) {
		a, err := arn.Parse(p)
		if err != nil {
			return "", fmt.Errorf("authmap: %w %q: %v", ErrInvalidARN, p, err)
		}
		if _, err := partition.ByID(a.Partition); err != nil {
			return "", fmt.Errorf("authmap: %w %q: %w", ErrInvalidARN, p, err)
		}
		return pa.PolicyARN(a.Partition), nil
	}).(pulumi.StringOutput)
}

func (c *AwsAuthMapping) accessEntries(ctx *pulumi.Context, name string, args *AwsAuthMappingArgs) error {
	plain := args.plain()
	add := func(child, legacy string, principal pulumi.StringInput, e sdk.AccessEntry, kind string) error {
		checked := principal.ToStringOutput().ApplyT(func(p string) (string, error) {
			if err := sdk.ValidatePrincipalARN(p, e.Type); err != nil {
				return "", fmt.Errorf("authmap: %s: %w", child, err)
			}
			if kind == "role" && !strings.Contains(p, ":role/") || kind == "user" && !strings.Contains(p, ":user/") {
				return "", fmt.Errorf("authmap: %s: %w: %s is not an IAM %s", child, ErrWrongResource, p, kind)
			}
			return p, nil
		}).(pulumi.StringOutput)
		ea := &eks.AccessEntryArgs{ClusterName: clusterref.String(args.Cluster.Ref().Name), PrincipalArn: checked, Type: pulumi.String(e.Type)}
		if e.Username != "" {
			ea.UserName = pulumi.String(e.Username)
		}
		if len(e.KubernetesGroups) > 0 {
			ea.KubernetesGroups = pulumi.ToStringArray(e.KubernetesGroups)
		}
		opts := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.DependsOn(args.Cluster.Ref().Ready)}
		if legacy != "" && legacy != child {
			opts = append(opts, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(legacy)}}))
		}
		entry, err := eks.NewAccessEntry(ctx, child, ea, opts...)
		if err != nil {
			return fmt.Errorf("access entry %s: %w", child, err)
		}
		c.AccessEntries = append(c.AccessEntries, entry)
		for _, pa := range e.Policies {
			suffix, legacySuffix := "-"+strings.ToLower(pa.String()), ""
			if pa.Policy == sdk.ClusterAdminPolicy && len(pa.Namespaces) == 0 {
				suffix, legacySuffix = "-admin", "-admin"
			}
			suffix = strings.Trim(nonKeyRE.ReplaceAllString(suffix, "-"), "-")
			aopts := []pulumi.ResourceOption{pulumi.Parent(c)}
			if legacy != "" && legacySuffix != "" && legacy != child {
				aopts = append(aopts, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(legacy + legacySuffix)}}))
			}
			scope := &eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String(pa.Scope())}
			if len(pa.Namespaces) > 0 {
				scope.Namespaces = pulumi.ToStringArray(pa.Namespaces)
			}
			assoc, err := eks.NewAccessPolicyAssociation(ctx, child+"-"+suffix, &eks.AccessPolicyAssociationArgs{
				ClusterName: entry.ClusterName, PrincipalArn: entry.PrincipalArn, PolicyArn: policyARN(entry.PrincipalArn, pa),
				AccessScope: scope,
			}, aopts...)
			if err != nil {
				return fmt.Errorf("policy association %s-%s: %w", child, suffix, err)
			}
			c.PolicyAssociations = append(c.PolicyAssociations, assoc)
		}
		return nil
	}
	// legacy is the index name children had before keys were derived.
	legacy := func(kind string, key string, i int) string {
		if key != "" {
			return ""
		}
		return name + "-" + kind + "-" + strconv.Itoa(i)
	}
	for i, r := range args.Roles {
		e, _ := plain.Roles[i].AccessEntry() // validated
		e.Policies = append(e.Policies, r.Policies...)
		k, _ := childKey("role", i, r.Key, r.RoleARN)
		if err := add(name+"-role-"+k, legacy("role", r.Key, i), r.RoleARN, e, "role"); err != nil {
			return err
		}
	}
	for i, u := range args.Users {
		e, _ := plain.Users[i].AccessEntry()
		e.Policies = append(e.Policies, u.Policies...)
		k, _ := childKey("user", i, u.Key, u.UserARN)
		if err := add(name+"-user-"+k, legacy("user", u.Key, i), u.UserARN, e, "user"); err != nil {
			return err
		}
	}
	return nil
}
