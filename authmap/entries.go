package authmap

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fargatekit/fargatekit/internal/hookprops"

	"github.com/aws/aws-sdk-go-v2/config"
	awseks "github.com/aws/aws-sdk-go-v2/service/eks"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fargatekit/fargatekit/eksfargate/clusterref"
	sdk "github.com/fargatekit/fargatekit/sdk/authmap"
)

// ErrNoRegion: AccessEntries mode needs the cluster's region (the hooks call
// EKS there) and the ClusterRef has none.
var ErrNoRegion = errors.New("authmap: the cluster's region is not known (set Region on the ClusterRef)")

// entriesRecord is what the AccessEntries-mode record (the value of the
// N-access-entries SSM parameter) holds, and so what its hooks read from the
// old and new inputs: where the entries are, whose they are, what they say.
type entriesRecord struct {
	Cluster string            `json:"cluster"`
	Region  string            `json:"region"`
	Owner   string            `json:"owner"`
	Entries []sdk.AccessEntry `json:"entries"`
}

// principals lists the record's principals.
func (r entriesRecord) principals() []string {
	out := make([]string, len(r.Entries))
	for i, e := range r.Entries {
		out[i] = e.PrincipalARN
	}
	return out
}

// readEntriesRecord reads the record from a parameter's inputs; absent
// inputs (a create's old inputs) read as the zero record.
func readEntriesRecord(props resource.PropertyMap) (entriesRecord, error) {
	var rec entriesRecord
	v, ok := props[resource.PropertyKey("insecureValue")]
	if !ok || !hookprops.Unsecret(v).IsString() {
		return rec, nil
	}
	if err := json.Unmarshal([]byte(hookprops.Unsecret(v).StringValue()), &rec); err != nil {
		return rec, fmt.Errorf("reading the component's record: %w", err)
	}
	return rec, nil
}

// awsClients returns the EKS and IAM clients of a region.
type awsClients func(ctx context.Context, region string) (sdk.EKSAPI, sdk.PrincipalAPI, error)

// defaultAWSClients uses the default AWS credential chain (environment,
// shared config and AWS_PROFILE, SSO, instance roles) in the given region.
func defaultAWSClients(ctx context.Context, region string) (sdk.EKSAPI, sdk.PrincipalAPI, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	return awseks.NewFromConfig(cfg), awsiam.NewFromConfig(cfg), nil
}

// entriesConn is what the AccessEntries-mode hooks call EKS with.
type entriesConn struct {
	clients            awsClients
	allowSystemMasters bool
	timeout            time.Duration
}

// apply is the before-create and before-update hook: the record's entries
// made so (sdk.ReconcileOwnedEntries: missing ones created with the owner's
// tag, existing ones, such as the cluster creator's, adopted and converged),
// and the principals the old record named and the new one does not revoked
// when the owner created them.
func (h *entriesConn) apply(args *pulumi.ResourceHookArgs) error {
	rec, err := readEntriesRecord(args.NewInputs)
	if err != nil {
		return fmt.Errorf("authmap: %s: %w", args.Name, err)
	}
	old, err := readEntriesRecord(args.OldInputs)
	if err != nil {
		return fmt.Errorf("authmap: %s: %w", args.Name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	prev := old.principals()
	if old.Cluster != "" && (old.Cluster != rec.Cluster || old.Region != rec.Region || old.Owner != rec.Owner) {
		// Another cluster or owner: what the old record created goes
		// (revoked where it is, by its owner), the new record starts afresh.
		if err := h.revokeRecord(ctx, old); err != nil {
			return fmt.Errorf("authmap: %s: %w", args.Name, err)
		}
		prev = nil
	}
	eksAPI, iamAPI, err := h.clients(ctx, rec.Region)
	if err != nil {
		return fmt.Errorf("authmap: %s: %w", args.Name, err)
	}
	opts := sdk.AccessEntryOptions{AllowSystemMasters: h.allowSystemMasters, Principals: iamAPI}
	if _, err := sdk.ReconcileOwnedEntries(ctx, eksAPI, rec.Cluster, rec.Owner, prev, rec.Entries, opts); err != nil {
		return fmt.Errorf("authmap: %s: %w", args.Name, err)
	}
	return nil
}

// revoke is the before-delete hook: the entries the record's owner created
// are deleted; entries it adopted stay (sdk.RevokeOwnedEntries).
func (h *entriesConn) revoke(args *pulumi.ResourceHookArgs) error {
	old, err := readEntriesRecord(args.OldInputs)
	if err != nil {
		return fmt.Errorf("authmap: %s: %w", args.Name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	if err := h.revokeRecord(ctx, old); err != nil {
		return fmt.Errorf("authmap: %s: revoking on delete: %w", args.Name, err)
	}
	return nil
}

func (h *entriesConn) revokeRecord(ctx context.Context, rec entriesRecord) error {
	if len(rec.Entries) == 0 {
		return nil
	}
	eksAPI, _, err := h.clients(ctx, rec.Region)
	if err != nil {
		return err
	}
	_, err = sdk.RevokeOwnedEntries(ctx, eksAPI, rec.Cluster, rec.Owner, rec.principals())
	return err
}

// hooks registers the apply and revoke hooks of the component named name.
func (h *entriesConn) hooks(ctx *pulumi.Context, name string) (*pulumi.ResourceHookBinding, error) {
	return registerHooks(ctx, name, h.apply, h.revoke)
}

// OwnerTag is the value of sdk.OwnerTagKey on the access entries the
// component whose record annotation (or owner) key is key creates.
func OwnerTag(key string) string {
	return strings.TrimPrefix(OwnerKeyAnnotation(key), AnnotationOwnedPrefix)
}

// owner is the component's owner tag value.
func (a *AwsAuthMappingArgs) owner(ctx *pulumi.Context, name string) string {
	if a.OwnerKey != "" {
		return OwnerTag(a.OwnerKey)
	}
	return OwnerTag(ctx.Project() + "/" + ctx.Stack() + "/" + name)
}

// entry is the access entry of a mapping: the SDK's conversion of the
// aws-auth mapping, or, with an explicit Type, the entry as declared.
func entry(typ string, m sdk.RoleMapping, user *sdk.UserMapping, policies []PolicyAssociation) (sdk.AccessEntry, error) {
	var e sdk.AccessEntry
	var err error
	switch {
	case user != nil:
		e, err = user.AccessEntry()
	case typ != "":
		e = sdk.AccessEntry{PrincipalARN: m.RoleARN, Type: typ, Username: m.Username, KubernetesGroups: m.Groups}
	default:
		e, err = m.AccessEntry()
	}
	e.Policies = append(e.Policies, policies...)
	return e, err
}

// accessEntries is AccessEntries mode: the record, a parameter whose hooks
// apply and revoke the entries through the SDK.
func (c *AwsAuthMapping) accessEntries(ctx *pulumi.Context, name string, args *AwsAuthMappingArgs) error {
	clients := args.awsClients
	if clients == nil {
		clients = defaultAWSClients
	}
	conn := &entriesConn{clients: clients, allowSystemMasters: args.AllowSystemMasters, timeout: 10 * time.Minute}
	c.entries = conn
	hooks, err := conn.hooks(ctx, name)
	if err != nil {
		return fmt.Errorf("registering the hooks: %w", err)
	}
	ref := args.Cluster.Ref()
	owner := args.owner(ctx, name)
	c.OwnerTag = owner
	inputs := []any{clusterref.String(ref.Name), clusterref.String(ref.Region)}
	for _, r := range args.Roles {
		inputs = append(inputs, r.RoleARN)
	}
	for _, u := range args.Users {
		inputs = append(inputs, u.UserARN)
	}
	record := pulumi.All(inputs...).ApplyT(func(xs []any) (string, error) {
		rec := entriesRecord{Cluster: xs[0].(string), Region: xs[1].(string), Owner: owner}
		if rec.Region == "" {
			return "", fmt.Errorf("authmap: %s: %w", name, ErrNoRegion)
		}
		var errs []error
		add := func(kind string, i int, e sdk.AccessEntry, err error) {
			p := e.PrincipalARN
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("%ss[%d]: %w", kind, i, err))
			case kind == "role" && !strings.Contains(p, ":role/") || kind == "user" && !strings.Contains(p, ":user/"):
				errs = append(errs, fmt.Errorf("%ss[%d]: %w: %s is not an IAM %s", kind, i, ErrWrongResource, p, kind))
			default:
				if err := e.Validate(); err != nil {
					errs = append(errs, fmt.Errorf("%ss[%d] %s: %w", kind, i, p, err))
				}
			}
			rec.Entries = append(rec.Entries, e)
		}
		for i, r := range args.Roles {
			e, err := entry(r.Type, sdk.RoleMapping{RoleARN: xs[2+i].(string), Username: r.Username, Groups: r.Groups}, nil, r.Policies)
			add("role", i, e, err)
		}
		for i, u := range args.Users {
			e, err := entry("", sdk.RoleMapping{}, &sdk.UserMapping{UserARN: xs[2+len(args.Roles)+i].(string), Username: u.Username, Groups: u.Groups}, u.Policies)
			add("user", i, e, err)
		}
		if err := errors.Join(errs...); err != nil {
			return "", fmt.Errorf("authmap: %s: %w", name, err)
		}
		b, err := json.Marshal(rec)
		return string(b), err
	}).(pulumi.StringOutput)
	c.Record = record
	c.Entries, err = ssm.NewParameter(ctx, name+"-access-entries", &ssm.ParameterArgs{
		Type: pulumi.String("String"), Tier: pulumi.String("Intelligent-Tiering"), InsecureValue: record,
		Description: pulumi.String("fargatekit AwsAuthMapping " + name + ": the access entries its resource hooks apply (owner tag " + owner + ")"),
	}, pulumi.Parent(c), pulumi.ResourceHooks(hooks), pulumi.DependsOn(ref.Ready))
	if err != nil {
		return fmt.Errorf("recording the access entries: %w", err)
	}
	return nil
}
