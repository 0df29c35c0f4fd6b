package authmap_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// Parse reads aws-auth as aws-iam-authenticator does, including the key
// spellings EKS and eksctl write.
func ExampleParse() {
	m, err := authmap.Parse(map[string]string{
		"mapRoles": `- groups:
  - system:bootstrappers
  - system:nodes
  - system:node-proxier
  rolearn: arn:aws:iam::111122223333:role/demo-pod-execution
  username: system:node:{{SessionName}}
`,
		"mapAccounts": "- 111122223333\n",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range m.Roles {
		fmt.Println(r.RoleARN, r.Username, r.Groups)
	}
	fmt.Println(m.Accounts, m.Validate())
	// Output:
	// arn:aws:iam::111122223333:role/demo-pod-execution system:node:{{SessionName}} [system:bootstrappers system:nodes system:node-proxier]
	// [111122223333] <nil>
}

// Data renders mappings as ConfigMap data; role ARNs are written path-less,
// the form the authenticator matches.
func ExampleMappings_Data() {
	m := authmap.Mappings{
		Roles: []authmap.RoleMapping{
			authmap.FargateRoleMapping("arn:aws:iam::111122223333:role/platform/demo-pod-execution"),
			{RoleARN: "arn:aws:iam::111122223333:role/Developer", Username: "dev:{{SessionName}}", Groups: []string{"developers"}},
		},
	}
	data, err := m.Data()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(data["mapRoles"])
	// Output:
	// - rolearn: arn:aws:iam::111122223333:role/demo-pod-execution
	//   username: system:node:{{SessionName}}
	//   groups:
	//     - system:bootstrappers
	//     - system:nodes
	//     - system:node-proxier
	// - rolearn: arn:aws:iam::111122223333:role/Developer
	//   username: dev:{{SessionName}}
	//   groups:
	//     - developers
}

// Merge upserts by identity and keeps every other entry byte-for-byte,
// comments and all; an identical re-add changes nothing.
func ExampleMappings_Merge() {
	current, _ := authmap.Parse(map[string]string{"mapRoles": `# written by EKS
- groups: [system:bootstrappers, system:nodes]
  rolearn: arn:aws:iam::111122223333:role/NodeRole
  username: system:node:{{EC2PrivateDNSName}}
- rolearn: arn:aws:iam::111122223333:role/ops
  username: ops
`})
	add := authmap.Mappings{Roles: []authmap.RoleMapping{
		{RoleARN: "arn:aws:iam::111122223333:role/ops", Username: "ops", Groups: []string{"oncall"}},
		{RoleARN: "arn:aws:iam::111122223333:role/ci/deployer", Username: "ci:{{SessionName}}", Groups: []string{"deployers"}},
	}}
	if err := add.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	merged, err := current.Merge(add)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := merged.Data()
	fmt.Print(data["mapRoles"])

	again, _ := merged.Merge(add)
	data2, _ := again.Data()
	fmt.Println("re-add changes nothing:", data2["mapRoles"] == data["mapRoles"])
	// Output:
	// # written by EKS
	// - groups: [system:bootstrappers, system:nodes]
	//   rolearn: arn:aws:iam::111122223333:role/NodeRole
	//   username: system:node:{{EC2PrivateDNSName}}
	// - rolearn: arn:aws:iam::111122223333:role/ops
	//   username: ops
	//   groups:
	//     - oncall
	// - rolearn: arn:aws:iam::111122223333:role/deployer
	//   username: ci:{{SessionName}}
	//   groups:
	//     - deployers
	// re-add changes nothing: true
}

// Remove drops entries by identity; a role is named by any of its ARNs.
func ExampleMappings_Remove() {
	current, _ := authmap.Parse(map[string]string{
		"mapRoles":    "- rolearn: arn:aws:iam::111122223333:role/deployer\n  username: ci\n",
		"mapAccounts": "- \"111122223333\"\n",
	})
	m, n := current.Remove("arn:aws:iam::111122223333:role/ci/deployer")
	data, _ := m.Data()
	fmt.Println(n, data)
	// Output: 1 map[mapAccounts:- "111122223333"
	// ]
}

// PlanFor says, without touching anything, which access entries would
// replace aws-auth and what cannot move as it is written.
func ExamplePlanFor() {
	current, _ := authmap.Parse(map[string]string{"mapRoles": `- rolearn: arn:aws:iam::111122223333:role/demo-pod-execution
  username: system:node:{{SessionName}}
  groups: [system:bootstrappers, system:nodes, system:node-proxier]
- rolearn: arn:aws:iam::111122223333:role/Admin
  username: admin:{{SessionName}}
  groups: [system:masters]
- rolearn: arn:aws:iam::111122223333:role/Legacy
  username: system:legacy
`})
	existing := []authmap.ExistingEntry{{PrincipalARN: "arn:aws:iam::111122223333:role/demo-pod-execution", Type: authmap.EntryFargateLinux}}
	fmt.Print(authmap.PlanFor(current, existing))
	// Output:
	// create     STANDARD arn:aws:iam::111122223333:role/Admin username=admin:{{SessionName}} policies=AmazonEKSClusterAdminPolicy
	// associate  arn:aws:iam::111122223333:role/Admin arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy (cluster scope)
	// ok         FARGATE_LINUX arn:aws:iam::111122223333:role/demo-pod-execution
	// manual     mapRoles[2] arn:aws:iam::111122223333:role/Legacy: authmap: no access-entry equivalent: username "system:legacy": EKS reserves the prefix system:; choose another username (or none, for EKS's default) and rebind RBAC to it
}

// AccessEntry.Validate applies EKS's rules before anything is sent: here a
// path-full SSO role with a namespace-scoped policy passes, and an STS
// session with a service-linked-only policy is refused on both counts.
func ExampleAccessEntry_Validate() {
	ok := authmap.AccessEntry{
		PrincipalARN:     "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_0123abcd",
		KubernetesGroups: []string{"developers"},
		Policies:         []authmap.PolicyAssociation{{Policy: authmap.EditPolicy, Namespaces: []string{"team-a"}}},
	}
	fmt.Println(ok.Validate())
	bad := authmap.AccessEntry{PrincipalARN: "arn:aws:sts::111122223333:assumed-role/Dev/alice",
		Policies: []authmap.PolicyAssociation{{Policy: "AmazonEKSComputePolicy"}}}
	err := bad.Validate()
	fmt.Println(errors.Is(err, authmap.ErrPrincipal), errors.Is(err, authmap.ErrAccessPolicy))
	// Output:
	// <nil>
	// true true
}

// AccessPolicies is the table of AWS managed access policies.
func ExampleLookupAccessPolicy() {
	p, _ := authmap.LookupAccessPolicy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")
	fmt.Println(p.Name, p.TypicalScope, p.ARN("aws-cn"))
	// Output: AmazonEKSViewPolicy namespace arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
}

// ResolvePrincipalARN turns the path-less role ARN of aws-auth into the full
// ARN an access entry needs (iam:GetRole).
func ExampleResolvePrincipalARN() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	full, err := authmap.ResolvePrincipalARN(ctx, iam.NewFromConfig(cfg), "arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123abcd")
	fmt.Println(full, err) // arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123abcd
}

// Inspect shows an aws-auth that Parse refuses: the readable entries, the
// unreadable one, and those that never take effect.
func ExampleInspect() {
	in := authmap.Inspect(map[string]string{
		"mapRoles": `- rolearn: arn:aws:iam::111122223333:role/admins
  username: admin
  groups: [platform-admins]
- rolearn: arn:aws:iam::111122223333:role/teams/devs
  username: dev
- rolearn: arn:aws:iam::111122223333:role/ops
  username: yes
- rolearn: arn:aws:iam::111122223333:role/admins
  username: admin
  groups: [viewers]
`,
	})
	fmt.Println(len(in.Mappings.Roles), "readable role mappings")
	for _, p := range in.Problems {
		fmt.Println(p)
	}
	// Output:
	// 3 readable role mappings
	// mapRoles[0] arn:aws:iam::111122223333:role/admins: authmap: duplicate identity: a later entry maps the same role; the authenticator uses the last one
	// mapRoles[1] arn:aws:iam::111122223333:role/teams/devs: authmap: role ARN has a path: the authenticator compares path-less ARNs, so this entry never matches; use arn:aws:iam::111122223333:role/devs
	// mapRoles[2] arn:aws:iam::111122223333:role/ops: authmap: malformed: username: a YAML bool where a string is wanted (YAML 1.1 reads unquoted yes/no/on/off/y/n/true/false as booleans: quote it)
}

// ReconcileOwnedEntries applies one owner's entries: the cluster creator's
// bootstrap entry is adopted (and kept by RevokeOwnedEntries), the others
// are created with the owner's tag (and deleted by it).
func ExampleReconcileOwnedEntries() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	api := eks.NewFromConfig(cfg)
	want := []authmap.AccessEntry{
		{PrincipalARN: "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123abcd",
			Policies: []authmap.PolicyAssociation{{Policy: authmap.ClusterAdminPolicy}}},
		{PrincipalARN: "arn:aws:iam::111122223333:role/teams/developer", KubernetesGroups: []string{"developers"},
			Policies: []authmap.PolicyAssociation{{Policy: authmap.EditPolicy, Namespaces: []string{"team-a"}}}},
	}
	res, err := authmap.ReconcileOwnedEntries(ctx, api, "demo", "platform", nil, want, authmap.AccessEntryOptions{Principals: iam.NewFromConfig(cfg)})
	fmt.Println(res.Apply.Created, err)
	rev, err := authmap.RevokeOwnedEntries(ctx, api, "demo", "platform", []string{want[0].PrincipalARN, want[1].PrincipalARN})
	fmt.Println(rev.Deleted, rev.Kept, err)
}
