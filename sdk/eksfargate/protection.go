package eksfargate

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// ClusterConfigAPI is the part of EKS that changes a cluster's
// configuration and follows the update; *eks.Client satisfies it.
type ClusterConfigAPI interface {
	DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, optFns ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
	UpdateClusterConfig(ctx context.Context, in *eks.UpdateClusterConfigInput, optFns ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error)
	DescribeUpdate(ctx context.Context, in *eks.DescribeUpdateInput, optFns ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error)
}

// ErrUpdateFailed is wrapped when an EKS cluster update ends Failed or Cancelled.
var ErrUpdateFailed = errors.New("eksfargate: EKS cluster update failed")

// SetDeletionProtection turns the deletion protection of an ACTIVE cluster
// on or off (UpdateClusterConfig's deletionProtection; EKS user guide,
// "Protect EKS clusters from accidental deletion",
// https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html)
// and waits for the update to succeed. It reads first: when the cluster is
// already so, it writes nothing and returns false. EKS refusing the update
// because another is in progress (ResourceInUseException) is retried with
// backoff within [WaitAtMost]. Progress goes to [LogTo] and [OnProgress].
// The Pulumi component calls it from its cluster's resource hooks.
func SetDeletionProtection(ctx context.Context, api ClusterConfigAPI, cluster string, on bool, opts ...RunOption) (bool, error) {
	x := &runner{runConfig: newRunConfig(opts)}
	changed, err := x.setDeletionProtection(ctx, api, cluster, on)
	if err != nil {
		return changed, fmt.Errorf("eksfargate: SetDeletionProtection %s: %w", cluster, err)
	}
	return changed, nil
}

func (x *runner) setDeletionProtection(ctx context.Context, api ClusterConfigAPI, cluster string, on bool) (bool, error) {
	cl, err := describeCluster(ctx, api, cluster)
	if err != nil {
		return false, err
	}
	if cl == nil {
		return false, fmt.Errorf("cluster %s does not exist", cluster)
	}
	if aws.ToBool(cl.DeletionProtection) == on {
		return false, nil
	}
	res := "cluster " + cluster
	detail := "deletion protection " + onOff(on)
	if x.dry {
		x.step(Change{Action: ActionUpdate, Resource: res, ID: aws.ToString(cl.Arn), Detail: detail})
		return true, nil
	}
	ctx, cancel := context.WithTimeout(ctx, x.timeout)
	defer cancel()
	var update *types.Update
	wait := x.pollMin
	for attempt := 1; ; attempt++ {
		out, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String(cluster), DeletionProtection: aws.Bool(on)})
		var inUse *types.ResourceInUseException
		if err == nil {
			update = out.Update
			break
		}
		if !errors.As(err, &inUse) {
			return false, fmt.Errorf("UpdateClusterConfig (%s): %w", detail, err)
		}
		x.step(Change{Action: ActionRetry, Resource: res, Detail: fmt.Sprintf("%s: EKS busy (attempt %d): %s", detail, attempt, inUse.ErrorMessage())})
		if err := sleep(ctx, wait); err != nil {
			return false, fmt.Errorf("UpdateClusterConfig (%s): still busy after %d attempts: %w", detail, attempt, err)
		}
		wait = min(2*wait, x.pollMax)
	}
	x.step(Change{Action: ActionUpdate, Resource: res, ID: aws.ToString(cl.Arn), Detail: detail})
	return true, x.waitUpdate(ctx, api, cluster, update)
}

// waitUpdate polls DescribeUpdate until the update is Successful.
func (x *runner) waitUpdate(ctx context.Context, api ClusterConfigAPI, cluster string, u *types.Update) error {
	if u == nil || u.Id == nil {
		return nil
	}
	id, delay := aws.ToString(u.Id), x.pollMin
	for {
		switch u.Status {
		case types.UpdateStatusSuccessful:
			return nil
		case types.UpdateStatusFailed, types.UpdateStatusCancelled:
			var msgs []string
			for _, e := range u.Errors {
				msgs = append(msgs, string(e.ErrorCode)+": "+aws.ToString(e.ErrorMessage))
			}
			return fmt.Errorf("%w: update %s (%s) is %s: %v", ErrUpdateFailed, id, u.Type, u.Status, msgs)
		}
		x.step(Change{Action: ActionWait, Resource: "cluster " + cluster, ID: id, Detail: string(u.Type) + " " + string(u.Status)})
		if err := sleep(ctx, delay); err != nil {
			return fmt.Errorf("wait for update %s: %w", id, err)
		}
		delay = min(2*delay, x.pollMax)
		out, err := api.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: aws.String(cluster), UpdateId: aws.String(id)})
		if err != nil {
			return fmt.Errorf("DescribeUpdate %s: %w", id, err)
		}
		u = out.Update
	}
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
