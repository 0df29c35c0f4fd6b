package authmap_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/fargatekit/fargatekit/internal/accessfake"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// TestReconcileOwnedEntriesAdoptsAndRevokesOwn, on moto + the access-entry
// fake: the cluster creator's bootstrap entry is adopted and converged (no
// ResourceInUse), a new entry is created with the owner's tag; removing both
// from the owner's wants deletes only the one it created, and a full revoke
// leaves the creator's entry, its bootstrap policy included.
func TestReconcileOwnedEntriesAdoptsAndRevokesOwn(t *testing.T) {
	a := newAWS(t, accessfake.ModeAPI)
	creator := a.role("/aws-reserved/sso.amazonaws.com/", "AWSReservedSSO_Admin_00ff")
	dev := a.role("/teams/", "developer")
	ops := a.role("/", "ops")
	creatorUser := "arn:aws:sts::" + acct + ":assumed-role/AWSReservedSSO_Admin_00ff/{{SessionName}}"
	a.put(creator, "STANDARD", creatorUser, nil, policyARN(authmap.ClusterAdminPolicy))

	want := []authmap.AccessEntry{
		{PrincipalARN: creator, KubernetesGroups: []string{"platform"},
			Policies: []authmap.PolicyAssociation{{Policy: authmap.ViewPolicy, Namespaces: []string{"team-a"}}}},
		{PrincipalARN: dev, Username: "dev:{{SessionName}}", KubernetesGroups: []string{"developers"}},
		{PrincipalARN: ops, KubernetesGroups: []string{"ops"}},
	}
	res, err := authmap.ReconcileOwnedEntries(a.ctx, a.eks, a.cluster, "owner-a", nil, want, authmap.AccessEntryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Apply.Created, []string{dev, ops}) {
		t.Errorf("created %v, want dev and ops only (the creator's entry is adopted)", res.Apply.Created)
	}
	e, pol := a.eks.Entry(a.cluster, creator)
	if e == nil || !slices.Equal(e.KubernetesGroups, []string{"platform"}) || e.Tags[authmap.OwnerTagKey] != "" || len(pol) != 2 {
		t.Fatalf("adopted creator entry not converged or tagged as owned: %+v %+v", e, pol)
	}
	if e, _ := a.eks.Entry(a.cluster, dev); e == nil || e.Tags[authmap.OwnerTagKey] != "owner-a" {
		t.Fatalf("created entry without the owner's tag: %+v", e)
	}
	// A second run writes nothing.
	before := a.eks.Writes(a.cluster)
	if _, err := authmap.ReconcileOwnedEntries(a.ctx, a.eks, a.cluster, "owner-a", []string{creator, dev, ops}, want, authmap.AccessEntryOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := a.eks.Writes(a.cluster) - before; n != 0 {
		t.Errorf("second run made %d writes", n)
	}

	// The owner drops the creator and dev: dev's entry (created) goes, the
	// creator's (adopted) stays.
	res, err = authmap.ReconcileOwnedEntries(a.ctx, a.eks, a.cluster, "owner-a", []string{creator, dev, ops}, want[2:], authmap.AccessEntryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Deleted, []string{dev}) || !slices.Equal(res.Kept, []string{creator}) {
		t.Errorf("deleted %v kept %v", res.Deleted, res.Kept)
	}
	if e, _ := a.eks.Entry(a.cluster, creator); e == nil {
		t.Fatal("the creator's entry was deleted")
	}

	// Another owner's revoke touches nothing of owner-a's; owner-a's own
	// revoke deletes ops and keeps the creator's entry and bootstrap policy.
	if res, err := authmap.RevokeOwnedEntries(a.ctx, a.eks, a.cluster, "owner-b", []string{ops, creator}); err != nil || len(res.Deleted) != 0 {
		t.Fatalf("another owner's revoke: %+v %v", res, err)
	}
	res, err = authmap.RevokeOwnedEntries(a.ctx, a.eks, a.cluster, "owner-a", []string{ops, creator, dev})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Deleted, []string{ops}) || !slices.Equal(res.Kept, []string{creator}) {
		t.Errorf("revoke: deleted %v kept %v", res.Deleted, res.Kept)
	}
	got := a.eks.Principals(a.cluster)
	if !slices.Equal(got, []string{creator}) {
		t.Errorf("left %v, want only the creator's entry", got)
	}
	if _, pol := a.eks.Entry(a.cluster, creator); !slices.ContainsFunc(pol, func(p ekstypes.AssociatedAccessPolicy) bool {
		return aws.ToString(p.PolicyArn) == policyARN(authmap.ClusterAdminPolicy)
	}) {
		t.Errorf("the creator lost its bootstrap admin policy: %+v", pol)
	}
	if _, err := authmap.RevokeOwnedEntries(a.ctx, a.eks, a.cluster, "", []string{ops}); !errors.Is(err, authmap.ErrNoOwner) {
		t.Errorf("no owner: %v", err)
	}
}
