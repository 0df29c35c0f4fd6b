package authmap

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// OwnerTagKey is the tag [ReconcileOwnedEntries] puts on the access entries
// it creates, its value the owner: the record that tells an entry the owner
// created (and may delete) from one it adopted (and must leave).
const OwnerTagKey = "fargatekit.io/authmap-owner"

// ErrNoOwner is wrapped when an owner-scoped call is given no owner.
var ErrNoOwner = errors.New("authmap: no owner given")

// OwnedEntriesResult reports what ReconcileOwnedEntries or
// RevokeOwnedEntries did.
type OwnedEntriesResult struct {
	// Apply is ApplyEntries' result (Created lists the entries created,
	// tagged with the owner; the other wanted entries were adopted).
	Apply AccessEntryResult
	// Deleted lists the entries deleted: the owner's, no longer wanted.
	Deleted []string
	// Kept lists the entries no longer wanted that were left in place:
	// the owner did not create them (another tool, EKS or the cluster's
	// creator did), so they are not its to delete.
	Kept []string
}

// ReconcileOwnedEntries is ApplyEntries for one declarative owner (the
// Pulumi component's hooks): it makes the entries of want what want says,
// creating missing ones tagged OwnerTagKey=owner and adopting existing ones
// (the bootstrap cluster-creator admin among them: converged, untagged,
// never a failure), then removes the principals of previous that want no
// longer names, with RevokeOwnedEntries: only the entries the owner created.
func ReconcileOwnedEntries(ctx context.Context, api EKSAPI, cluster, owner string, previous []string, want []AccessEntry, opts AccessEntryOptions) (OwnedEntriesResult, error) {
	if owner == "" {
		return OwnedEntriesResult{}, fmt.Errorf("authmap: reconciling access entries: %w", ErrNoOwner)
	}
	opts.Tags = maps.Clone(opts.Tags)
	if opts.Tags == nil {
		opts.Tags = map[string]string{}
	}
	opts.Tags[OwnerTagKey] = owner
	var res OwnedEntriesResult
	var err error
	if len(want) > 0 {
		if res.Apply, err = ApplyEntries(ctx, api, cluster, want, opts); err != nil {
			return res, err
		}
	}
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[principalKey(w.PrincipalARN)] = true
	}
	var stale []string
	for _, p := range previous {
		if !wanted[principalKey(p)] {
			stale = append(stale, p)
		}
	}
	if len(stale) == 0 {
		return res, nil
	}
	rev, err := RevokeOwnedEntries(ctx, api, cluster, owner, stale)
	res.Deleted, res.Kept = rev.Deleted, rev.Kept
	return res, err
}

// RevokeOwnedEntries deletes the access entries of the given principals that
// carry OwnerTagKey=owner (those ReconcileOwnedEntries created for the
// owner) and keeps the others: an entry the owner adopted, such as the
// cluster creator's, outlives it. A principal without an entry is skipped.
func RevokeOwnedEntries(ctx context.Context, api EKSAPI, cluster, owner string, principals []string) (OwnedEntriesResult, error) {
	if owner == "" {
		return OwnedEntriesResult{}, fmt.Errorf("authmap: revoking access entries: %w", ErrNoOwner)
	}
	want := make([]AccessEntry, len(principals))
	for i, p := range principals {
		want[i] = AccessEntry{PrincipalARN: p}
	}
	have, err := observe(ctx, api, cluster, want)
	if err != nil {
		return OwnedEntriesResult{}, err
	}
	var res OwnedEntriesResult
	for _, h := range have {
		if h.Tags[OwnerTagKey] != owner {
			res.Kept = append(res.Kept, h.PrincipalARN)
			continue
		}
		_, err := api.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(h.PrincipalARN)})
		if err != nil && !isNotFound(err) {
			return res, fmt.Errorf("authmap: deleting access entry %s: %w", h.PrincipalARN, err)
		}
		if err == nil {
			res.Deleted = append(res.Deleted, h.PrincipalARN)
		}
	}
	return res, nil
}
