package lbc

import (
	"embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

//go:embed policy/*.json
var policyFS embed.FS

// ErrInvalidSpec is wrapped by every validation error of this package's specs.
var ErrInvalidSpec = errors.New("lbc: invalid spec")

// PolicySpec chooses the controller's IAM policy.
type PolicySpec struct {
	// Version is the controller version ("" means DefaultVersion). It must be in
	// the version table unless Custom is set.
	Version string
	// Partition is aws (default), aws-cn or aws-us-gov; the embedded policy's
	// "arn:aws:" resource ARNs are rewritten to it.
	Partition string
	// Custom, when set, is the caller's own policy JSON, used instead of the
	// embedded one (for versions outside the table). It is parsed and
	// validated, and written back canonically; it is not partition-rewritten,
	// but Scope still narrows it.
	Custom string
	// Scope, when set, narrows the mutating statements to one region and VPC
	// (see Scope).
	Scope *Scope
}

// Scope narrows the controller's policy to the cluster's region and VPC.
//
// What it narrows:
//   - A last statement denies every ec2: and elasticloadbalancing: action whose
//     request is made in another region ("StringNotEquals aws:RequestedRegion
//     <Region>"): the controller can no longer create, modify or delete load
//     balancers, target groups, listeners, rules, security groups or their tags
//     anywhere else. (One Deny instead of a condition on each statement keeps
//     the document under IAM's 6,144-character managed-policy quota.)
//   - Resource ARNs of the mutating EC2/ELB statements that wildcard the region
//     (arn:aws:ec2:*:*:security-group/*, arn:aws:elasticloadbalancing:*:*:…)
//     name Region instead.
//   - ec2:CreateSecurityGroup, which AWS authorizes against both the new
//     security group and the VPC it is created in, is limited to the
//     resources arn:…:ec2:<Region>:<Account>:security-group/* and
//     arn:…:ec2:<Region>:<Account>:vpc/<VpcID>: no security groups in other VPCs.
//   - ec2:AuthorizeSecurityGroupIngress, ec2:RevokeSecurityGroupIngress and
//     ec2:DeleteSecurityGroup get "ArnLikeIfExists ec2:Vpc
//     arn:…:ec2:<Region>:<Account>:vpc/<VpcID>": the controller can change the
//     rules of (node, pod and its own) security groups only in the cluster's VPC.
//     IfExists keeps requests that also authorize a security-group-rule
//     resource (which has no ec2:Vpc key) working.
//
// What it leaves alone: the read-only statement (Describe*/Get*, limited to the
// region by the Deny only), the iam:CreateServiceLinkedRole statement (IAM is
// a global service, whose requests are not made in the cluster's region), and
// the statement mixing Cognito, ACM, IAM server certificates, WAF, WAFv2 and
// Shield (Shield and IAM are global). Load balancers and target groups have no
// VPC condition key, so for them the region plus the existing
// elbv2.k8s.aws/cluster tag conditions are the limit.
type Scope struct {
	// Region is the cluster's region; required.
	Region string
	// VpcID is the cluster's VPC; required.
	VpcID string
	// Account is the cluster's 12-digit account ID; "" writes "*" in the VPC
	// and security-group ARNs.
	Account string
}

var vpcIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^vpc-[0-9a-f]{8}([0-9a-f]{9})?$`) })

// ValidVpcID reports whether s has the shape of a VPC ID (vpc- and 8 or 17 hex digits).
func ValidVpcID(s string) bool { return vpcIDRE().MatchString(s) }

// Validate reports every problem of the spec at once.
func (s PolicySpec) Validate() error {
	var errs []error
	p, err := partition.ByID(s.Partition)
	if err != nil {
		errs = append(errs, fmt.Errorf("%w: policy partition: %v", ErrInvalidSpec, err))
	}
	if s.Custom == "" {
		if _, err := LookupRelease(s.Version); err != nil {
			errs = append(errs, err)
		}
	} else {
		if s.Version != "" {
			if _, err := ParseVersion(s.Version); err != nil {
				errs = append(errs, err)
			}
		}
		if d, err := iampolicy.Parse([]byte(s.Custom)); err != nil {
			errs = append(errs, fmt.Errorf("%w: custom policy: %v", ErrInvalidSpec, err))
		} else if err := d.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: custom policy: %v", ErrInvalidSpec, err))
		}
	}
	if sc := s.Scope; sc != nil {
		if rp, err := partition.ForRegion(sc.Region); err != nil {
			errs = append(errs, fmt.Errorf("%w: scope region: %v", ErrInvalidSpec, err))
		} else if p.ID != "" && rp.ID != p.ID {
			errs = append(errs, fmt.Errorf("%w: scope region %s is in partition %s, not %s", ErrInvalidSpec, sc.Region, rp.ID, p.ID))
		}
		if !ValidVpcID(sc.VpcID) {
			errs = append(errs, fmt.Errorf("%w: scope VPC ID %q", ErrInvalidSpec, sc.VpcID))
		}
		if sc.Account != "" && !partition.ValidAccount(sc.Account) {
			errs = append(errs, fmt.Errorf("%w: scope account %q is not 12 digits", ErrInvalidSpec, sc.Account))
		}
	}
	return errors.Join(errs...)
}

// IAMPolicy returns the IAM policy JSON of a controller version ("" means
// DefaultVersion) in a partition ("" or aws, aws-cn, aws-us-gov), rendered
// canonically through internal/iampolicy. An unknown version is an error
// wrapping ErrUnknownVersion that names the supported versions.
func IAMPolicy(version, partition string) (string, error) {
	return RenderPolicy(PolicySpec{Version: version, Partition: partition})
}

// RenderPolicy returns the policy JSON the spec chooses.
func RenderPolicy(spec PolicySpec) (string, error) {
	d, err := PolicyDocument(spec)
	if err != nil {
		return "", err
	}
	b, err := d.Marshal()
	if err != nil {
		return "", fmt.Errorf("lbc: policy: %w", err)
	}
	return string(b), nil
}

// PolicyDocument returns the policy the spec chooses as a document.
func PolicyDocument(spec PolicySpec) (iampolicy.Document, error) {
	if err := spec.Validate(); err != nil {
		return iampolicy.Document{}, err
	}
	p, _ := partition.ByID(spec.Partition)
	var d iampolicy.Document
	if spec.Custom != "" {
		d, _ = iampolicy.Parse([]byte(spec.Custom)) // validated above
	} else {
		rel, _ := LookupRelease(spec.Version)
		raw, err := policyFS.ReadFile(rel.policy)
		if err != nil {
			return iampolicy.Document{}, fmt.Errorf("lbc: policy: %w", err)
		}
		if d, err = iampolicy.Parse(raw); err != nil {
			return iampolicy.Document{}, fmt.Errorf("lbc: embedded policy %s: %w", rel.policy, err)
		}
		d = rewritePartition(d, p.ID)
	}
	if spec.Scope != nil {
		d = narrow(d, p, *spec.Scope)
	}
	return d, nil
}

// rewritePartition rewrites "arn:aws:" ARNs in resources and condition values
// to the partition. Service names (elasticloadbalancing.amazonaws.com in
// iam:AWSServiceName) are the same in every partition and stay.
func rewritePartition(d iampolicy.Document, id string) iampolicy.Document {
	if id == partition.AWS.ID {
		return d
	}
	re := func(v iampolicy.Values) iampolicy.Values {
		if v == nil {
			return nil
		}
		out := make(iampolicy.Values, len(v))
		for i, s := range v {
			if rest, ok := strings.CutPrefix(s, "arn:aws:"); ok {
				s = "arn:" + id + ":" + rest
			}
			out[i] = s
		}
		return out
	}
	return mapStatements(d, func(st iampolicy.Statement) iampolicy.Statement {
		st.Resource, st.NotResource = re(st.Resource), re(st.NotResource)
		if st.Condition != nil {
			c := make(iampolicy.Condition, len(st.Condition))
			for op, block := range st.Condition {
				nb := make(map[string]iampolicy.Values, len(block))
				for k, v := range block {
					nb[k] = re(v)
				}
				c[op] = nb
			}
			st.Condition = c
		}
		return st
	})
}

func mapStatements(d iampolicy.Document, f func(iampolicy.Statement) iampolicy.Statement) iampolicy.Document {
	out := d
	out.Statement = make(iampolicy.Statements, len(d.Statement))
	for i, st := range d.Statement {
		out.Statement[i] = f(st)
	}
	return out
}

// regional reports whether every action is an EC2 or ELB action, and whether
// at least one of them changes something.
func regional(actions iampolicy.Values) (all, mutating bool) {
	if len(actions) == 0 {
		return false, false
	}
	for _, a := range actions {
		svc, op, _ := strings.Cut(a, ":")
		if svc != "ec2" && svc != "elasticloadbalancing" {
			return false, false
		}
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "Get") {
			mutating = true
		}
	}
	return true, mutating
}

var regionWildcardRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(arn:[a-z-]+:(?:ec2|elasticloadbalancing)):\*:`) })

// DenyOtherRegionsSid is the Sid of the statement Scope adds.
const DenyOtherRegionsSid = "DenyOtherRegions"

// narrow applies Scope; see Scope for what it changes and why.
func narrow(d iampolicy.Document, p partition.Partition, sc Scope) iampolicy.Document {
	acct := sc.Account
	if acct == "" {
		acct = "*"
	}
	vpcARN := p.ARN("ec2", sc.Region, acct, "vpc/"+sc.VpcID)
	sgARN := p.ARN("ec2", sc.Region, acct, "security-group/*")
	out := mapStatements(d, func(st iampolicy.Statement) iampolicy.Statement {
		all, mutating := regional(st.Action)
		if !all || !mutating {
			return st
		}
		if st.Resource != nil {
			res := make(iampolicy.Values, len(st.Resource))
			for i, r := range st.Resource {
				res[i] = regionWildcardRE().ReplaceAllString(r, "${1}:"+sc.Region+":")
			}
			st.Resource = res
		}
		if slices.Equal(st.Action, iampolicy.Values{"ec2:CreateSecurityGroup"}) && slices.Equal(st.Resource, iampolicy.Values{"*"}) {
			st.Resource = iampolicy.Values{sgARN, vpcARN}
		}
		for _, a := range st.Action {
			switch a {
			case "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup":
				st.Condition = cloneCondition(st.Condition)
				addCondition(st.Condition, "ArnLikeIfExists", "ec2:Vpc", vpcARN)
			}
		}
		return st
	})
	out.Statement = append(out.Statement, iampolicy.Statement{
		Sid:       DenyOtherRegionsSid,
		Effect:    iampolicy.Deny,
		Action:    iampolicy.Values{"ec2:*", "elasticloadbalancing:*"},
		Resource:  iampolicy.Values{"*"},
		Condition: iampolicy.Condition{"StringNotEquals": {"aws:RequestedRegion": {sc.Region}}},
	})
	return out
}

func cloneCondition(c iampolicy.Condition) iampolicy.Condition {
	out := make(iampolicy.Condition, len(c)+1)
	for op, block := range c {
		nb := make(map[string]iampolicy.Values, len(block))
		for k, v := range block {
			nb[k] = slices.Clone(v)
		}
		out[op] = nb
	}
	return out
}

func addCondition(c iampolicy.Condition, op, key, value string) {
	if c[op] == nil {
		c[op] = map[string]iampolicy.Values{}
	}
	c[op][key] = iampolicy.Values{value}
}
