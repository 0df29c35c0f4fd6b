package lbc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"
)

// ClusterTagKey is the tag the controller puts on every load balancer,
// target group and security group it creates, with the cluster name as value
// (its --cluster-name, the chart's clusterName).
const ClusterTagKey = "elbv2.k8s.aws/cluster"

// ErrSweepIncomplete is wrapped when Sweep with Delete ends (its context
// done, or AWS refusing) while tagged resources remain.
var ErrSweepIncomplete = errors.New("lbc: sweep: tagged resources remain")

// ELBv2API is the part of the Elastic Load Balancing v2 API that Sweep uses;
// *elasticloadbalancingv2.Client satisfies it.
type ELBv2API interface {
	// DescribeLoadBalancers lists the region's load balancers (paginated).
	DescribeLoadBalancers(ctx context.Context, in *elbv2.DescribeLoadBalancersInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancersOutput, error)
	// DescribeTargetGroups lists the region's target groups (paginated).
	DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error)
	// DescribeTags returns the tags of up to 20 resources.
	DescribeTags(ctx context.Context, in *elbv2.DescribeTagsInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTagsOutput, error)
	// DeleteLoadBalancer deletes a load balancer and its listeners.
	DeleteLoadBalancer(ctx context.Context, in *elbv2.DeleteLoadBalancerInput, optFns ...func(*elbv2.Options)) (*elbv2.DeleteLoadBalancerOutput, error)
	// DeleteTargetGroup deletes a target group no listener uses.
	DeleteTargetGroup(ctx context.Context, in *elbv2.DeleteTargetGroupInput, optFns ...func(*elbv2.Options)) (*elbv2.DeleteTargetGroupOutput, error)
}

// SweepOptions configure Sweep.
type SweepOptions struct {
	// Delete deletes what is found: the load balancers first (their
	// listeners go with them), then the target groups. Without it Sweep only
	// reports.
	Delete bool
	// PollInterval is how often a target group still in use is retried; 0
	// means 5s.
	PollInterval time.Duration
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// TaggedResource is a load balancer or target group the controller created
// for a cluster.
type TaggedResource struct {
	// Kind is LoadBalancer or TargetGroup; ARN and Name identify it.
	Kind, ARN, Name string
	// VPC is the VPC it is in.
	VPC string
	// Owner is the Kubernetes object it was made for, from the controller's
	// stack tag (ingress.k8s.aws/stack, service.k8s.aws/stack, ...): an
	// Ingress "namespace/name" or IngressGroup name, a Service
	// "namespace/name"; "" when untagged.
	Owner string
	// Tags are all its tags.
	Tags map[string]string
	// Deleted is true when Sweep deleted it.
	Deleted bool
}

// String is "Kind name (owner)".
func (r TaggedResource) String() string {
	s := r.Kind + " " + r.Name
	if r.Owner != "" {
		s += " (" + r.Owner + ")"
	}
	return s
}

// SweepReport is what Sweep found for a cluster, load balancers first.
type SweepReport struct {
	// Cluster is the cluster name swept for.
	Cluster string
	// Resources are the tagged load balancers, then target groups, each
	// sorted by name.
	Resources []TaggedResource
}

// Remaining lists the resources not deleted.
func (r *SweepReport) Remaining() []TaggedResource {
	return slices.DeleteFunc(slices.Clone(r.Resources), func(t TaggedResource) bool { return t.Deleted })
}

// Sweep lists the region's load balancers and target groups tagged
// elbv2.k8s.aws/cluster=<cluster>: what the controller leaves behind when it
// is removed before the Ingresses, Services and Gateways it serves (run
// Teardown first; after it, Sweep should find nothing). With Delete it
// deletes them, load balancers first, retrying target groups still in use
// until their load balancer's deletion has propagated; a second run finds
// nothing. The report lists everything found, deleted or not; an
// incomplete deletion also returns an error wrapping ErrSweepIncomplete.
func Sweep(ctx context.Context, api ELBv2API, cluster string, opts SweepOptions) (*SweepReport, error) {
	if !validClusterName(cluster) {
		return nil, fmt.Errorf("lbc: sweep: %w: cluster name %q", ErrInvalidSpec, cluster)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	poll := opts.PollInterval
	if poll <= 0 {
		poll = 5 * time.Second
	}
	report := &SweepReport{Cluster: cluster}
	all, err := ListELB(ctx, api, nil)
	if err != nil {
		return nil, fmt.Errorf("lbc: sweep %s: %w", cluster, err)
	}
	for _, r := range all {
		if r.Tags[ClusterTagKey] == cluster {
			report.Resources = append(report.Resources, r)
		}
	}
	log.Info("lbc: sweep: resources tagged for the cluster", "cluster", cluster, "count", len(report.Resources))
	if !opts.Delete || len(report.Resources) == 0 {
		return report, nil
	}
	for i := range report.Resources {
		r := &report.Resources[i]
		if r.Kind != "LoadBalancer" {
			continue
		}
		_, err := api.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: &r.ARN})
		if err != nil && !isAPIError(err, "LoadBalancerNotFound") {
			return report, fmt.Errorf("%w: DeleteLoadBalancer %s: %w", ErrSweepIncomplete, r.Name, err)
		}
		r.Deleted = true
		log.Info("lbc: sweep: deleted", "resource", r.String())
	}
	for {
		var inUse []string
		for i := range report.Resources {
			r := &report.Resources[i]
			if r.Kind != "TargetGroup" || r.Deleted {
				continue
			}
			_, err := api.DeleteTargetGroup(ctx, &elbv2.DeleteTargetGroupInput{TargetGroupArn: &r.ARN})
			switch {
			case err == nil, isAPIError(err, "TargetGroupNotFound"):
				r.Deleted = true
				log.Info("lbc: sweep: deleted", "resource", r.String())
			case isAPIError(err, "ResourceInUse"):
				inUse = append(inUse, r.Name)
			default:
				return report, fmt.Errorf("%w: DeleteTargetGroup %s: %w", ErrSweepIncomplete, r.Name, err)
			}
		}
		if len(inUse) == 0 {
			return report, nil
		}
		log.Info("lbc: sweep: target groups still in use, retrying", "targetGroups", inUse)
		select {
		case <-ctx.Done():
			return report, fmt.Errorf("%w: target groups still in use: %s: %w", ErrSweepIncomplete, strings.Join(inUse, ", "), ctx.Err())
		case <-time.After(poll):
		}
	}
}

// ListELB lists the region's load balancers, then its target groups, each
// sorted by name, with their VPC, their tags (DescribeTags takes 20 ARNs a
// call) and the owner their stack tag names. inVPC, when not nil, keeps only
// those in the VPCs it accepts, before their tags are read. [Sweep] and
// sdk/eksfargate's sweep of a deleted cluster's VPC both start from it.
func ListELB(ctx context.Context, api ELBv2API, inVPC func(vpcID string) bool) ([]TaggedResource, error) {
	keep := func(vpc string) bool { return inVPC == nil || inVPC(vpc) }
	var lbs, tgs []TaggedResource
	lp := elbv2.NewDescribeLoadBalancersPaginator(api, &elbv2.DescribeLoadBalancersInput{})
	for lp.HasMorePages() {
		page, err := lp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeLoadBalancers: %w", err)
		}
		for _, lb := range page.LoadBalancers {
			if vpc := aws.ToString(lb.VpcId); keep(vpc) {
				lbs = append(lbs, TaggedResource{Kind: "LoadBalancer", ARN: aws.ToString(lb.LoadBalancerArn),
					Name: aws.ToString(lb.LoadBalancerName), VPC: vpc})
			}
		}
	}
	tp := elbv2.NewDescribeTargetGroupsPaginator(api, &elbv2.DescribeTargetGroupsInput{})
	for tp.HasMorePages() {
		page, err := tp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeTargetGroups: %w", err)
		}
		for _, tg := range page.TargetGroups {
			if vpc := aws.ToString(tg.VpcId); keep(vpc) {
				tgs = append(tgs, TaggedResource{Kind: "TargetGroup", ARN: aws.ToString(tg.TargetGroupArn),
					Name: aws.ToString(tg.TargetGroupName), VPC: vpc})
			}
		}
	}
	all := append(lbs, tgs...)
	for batch := range slices.Chunk(all, 20) {
		arns := make([]string, len(batch))
		for i, r := range batch {
			arns[i] = r.ARN
		}
		res, err := api.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: arns})
		if err != nil {
			return nil, fmt.Errorf("DescribeTags: %w", err)
		}
		byARN := map[string]map[string]string{}
		for _, d := range res.TagDescriptions {
			tags := map[string]string{}
			for _, t := range d.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			byARN[aws.ToString(d.ResourceArn)] = tags
		}
		for i := range batch {
			batch[i].Tags = byARN[batch[i].ARN]
			batch[i].Owner = stackOwner(batch[i].Tags)
		}
	}
	byName := func(a, b TaggedResource) int { return strings.Compare(a.Name+a.ARN, b.Name+b.ARN) }
	slices.SortFunc(all[:len(lbs)], byName)
	slices.SortFunc(all[len(lbs):], byName)
	return all, nil
}

// stackOwner reads the controller's stack tag (a key ending in "/stack",
// such as ingress.k8s.aws/stack or service.k8s.aws/stack).
func stackOwner(tags map[string]string) string {
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if strings.HasSuffix(k, "/stack") {
			return tags[k]
		}
	}
	return ""
}

// isAPIError reports whether err is an AWS API error whose code is code or
// code + "Exception" (the JSON and query protocols differ).
func isAPIError(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == code || ae.ErrorCode() == code+"Exception")
}
