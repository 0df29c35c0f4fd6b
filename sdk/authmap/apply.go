package authmap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	applycorev1 "k8s.io/client-go/applyconfigurations/core/v1"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
)

// FieldManager is the field manager fargatekit's writes are recorded under.
const FieldManager = "fargatekit-authmap"

// ConfigMapOptions says which ConfigMap Update edits and how.
type ConfigMapOptions struct {
	// Namespace and Name default to kube-system and aws-auth (DefaultNamespace,
	// DefaultName). Only tests have a reason to change them.
	Namespace, Name string
	// Backoff paces the retries after a conflict; the zero value means
	// DefaultBackoff(). Cap limits each wait (it does not end the retries, as
	// it does in wait.Backoff); when Steps rounds have conflicted, the
	// conflict is returned.
	Backoff wait.Backoff
	// AllowSystemMasters lets Upsert write mappings to system:masters.
	AllowSystemMasters bool
	// Logger receives retries and warnings about entries others wrote; nil
	// discards them.
	Logger *slog.Logger
	// MustExist makes a write to an absent ConfigMap fail with
	// [ErrNoConfigMap] instead of creating it (for clusters where EKS
	// creates aws-auth with the first node group or Fargate profile).
	MustExist bool
	// Owner, when set, makes ReconcileOwned and RevokeOwned keep the entries
	// the owner took over: an entry that was in the ConfigMap before the
	// owner mapped its identity is recorded (annotation
	// AdoptedAnnotationPrefix + Owner) and put back, not deleted, when the
	// owner drops the identity or is revoked; an entry the owner added that
	// another owner has since taken over is left to that one.
	Owner string
}

// ErrNoConfigMap: the ConfigMap does not exist and ConfigMapOptions.MustExist forbids creating it.
var ErrNoConfigMap = errors.New("the aws-auth ConfigMap does not exist")

// DefaultBackoff is the retry pacing of Update: waits from 10ms growing by
// 1.5 up to 1s each, with full jitter, for at most 100 rounds (a couple of
// minutes of uninterrupted conflicts); the context bounds it too.
func DefaultBackoff() wait.Backoff {
	return wait.Backoff{Duration: 10 * time.Millisecond, Factor: 1.5, Jitter: 1, Cap: time.Second, Steps: 100}
}

// retryConflicts is retry.RetryOnConflict with one difference: waits stop
// growing at b.Cap instead of ending the retries there (wait.Backoff sets
// Steps to 0 once its Cap is reached), which dozens of concurrent writers
// need. round runs until it succeeds, fails with an error retriable does not
// accept, runs b.Steps times, or ctx ends.
func retryConflicts(ctx context.Context, b wait.Backoff, retriable func(error) bool, round func() error) error {
	delay := b.Duration
	for n := 1; ; n++ {
		err := round()
		if err == nil || !retriable(err) || n >= b.Steps {
			return err
		}
		t := time.NewTimer(wait.Jitter(delay, b.Jitter))
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
		delay = time.Duration(float64(delay) * max(b.Factor, 1))
		if b.Cap > 0 && delay > b.Cap {
			delay = b.Cap
		}
	}
}

func (o ConfigMapOptions) withDefaults() ConfigMapOptions {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.Backoff.Steps == 0 {
		o.Backoff = DefaultBackoff()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

func (o ConfigMapOptions) validation() []Option {
	if o.AllowSystemMasters {
		return []Option{AllowSystemMasters()}
	}
	return nil
}

// Result reports what Update did.
type Result struct {
	// Mappings is the content of the ConfigMap after the call.
	Mappings Mappings
	// Changed is false when the ConfigMap already said what was asked (no write).
	Changed bool
	// Created is true when the ConfigMap did not exist and was created.
	Created bool
	// Attempts counts read-modify-write rounds: 1 + the conflicts retried.
	Attempts int
	// ResourceVersion is the ConfigMap's resourceVersion after the call.
	ResourceVersion string
}

// Update edits the ConfigMap's mappings with change in a read-modify-write
// loop: Get, Parse, change, ApplyTo, then Update with the resourceVersion
// that was read (Create if the ConfigMap is absent). A conflict (someone
// wrote in between) or an AlreadyExists (someone created it in between)
// starts a new round from a fresh Get, paced by opts.Backoff (the loop of
// retry.RetryOnConflict, with capped rather than final waits). change must be
// a pure function of its argument: it runs once per round.
//
// Uncontended, Update makes two requests (Get, then Update or Create), and
// only the Get when change leaves the data as it was. Keys other than
// mapRoles, mapUsers and mapAccounts and entries change keeps are written
// back as they were. Content that does not parse is an error naming the bad
// entry (errors.Is ErrMalformed) and nothing is written.
func Update(ctx context.Context, client typedcorev1.ConfigMapsGetter, opts ConfigMapOptions, change func(Mappings) (Mappings, error)) (Result, error) {
	return update(ctx, client, opts, func(cur Mappings, ann map[string]string) (Mappings, map[string]string, error) {
		next, err := change(cur)
		return next, ann, err
	})
}

// update is Update whose change also edits the ConfigMap's annotations.
func update(ctx context.Context, client typedcorev1.ConfigMapsGetter, opts ConfigMapOptions, change func(Mappings, map[string]string) (Mappings, map[string]string, error)) (Result, error) {
	o := opts.withDefaults()
	cms := client.ConfigMaps(o.Namespace)
	var res Result
	cache := itemCache{} // entries decoded in earlier rounds
	retriable := func(err error) bool {
		if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
			o.Logger.Debug("authmap: concurrent write, retrying", "configmap", o.Namespace+"/"+o.Name, "attempt", res.Attempts, "reason", err)
			return true
		}
		return false
	}
	err := retryConflicts(ctx, o.Backoff, retriable, func() error {
		res = Result{Attempts: res.Attempts + 1}
		cm, err := cms.Get(ctx, o.Name, metav1.GetOptions{})
		absent := apierrors.IsNotFound(err)
		if err != nil && !absent {
			return err
		}
		var data, ann map[string]string
		if !absent {
			data, ann, res.ResourceVersion = cm.Data, cm.Annotations, cm.ResourceVersion
		}
		cur, err := parseWith(data, cache)
		if err != nil {
			return fmt.Errorf("the ConfigMap is not what aws-iam-authenticator can read, so it is left as it is: %w", err)
		}
		next, newAnn, err := change(cur, maps.Clone(ann))
		if err != nil {
			return err
		}
		newData, err := next.ApplyTo(data)
		if err != nil {
			return err
		}
		res.Mappings = next
		if (maps.Equal(newData, data) && maps.Equal(newAnn, ann)) || (absent && len(newData) == 0) {
			return nil
		}
		if absent && o.MustExist {
			return fmt.Errorf("%w (EKS creates it with the first node group or Fargate profile; allow creating it to write it now)", ErrNoConfigMap)
		}
		if res.Attempts == 1 {
			warnForeign(o.Logger, next, o.Namespace+"/"+o.Name)
		}
		if absent {
			cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: o.Namespace, Name: o.Name, Annotations: newAnn}, Data: newData}
			cm, err = cms.Create(ctx, cm, metav1.CreateOptions{FieldManager: FieldManager})
			res.Created = err == nil
		} else {
			cm.Data, cm.Annotations = newData, newAnn
			cm, err = cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: FieldManager})
		}
		if err != nil {
			return err
		}
		res.Changed, res.ResourceVersion = true, cm.ResourceVersion
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("authmap: updating ConfigMap %s/%s (%d attempts): %w", o.Namespace, o.Name, res.Attempts, err)
	}
	return res, nil
}

// warnForeign logs problems of the resulting content that the caller's own
// entries did not cause (Upsert validated those), system:masters aside.
func warnForeign(log *slog.Logger, m Mappings, where string) {
	for _, p := range Problems(m.Validate(AllowSystemMasters())) {
		log.Warn("authmap: an entry in the ConfigMap will not work as written", "configmap", where, "problem", p.Error())
	}
}

// Upsert validates add and merges it into the ConfigMap (see [Mappings.Merge]
// and [Update]): entries with the same identity are replaced, all others kept.
// Re-applying the same mappings writes nothing.
func Upsert(ctx context.Context, client typedcorev1.ConfigMapsGetter, add Mappings, opts ConfigMapOptions) (Result, error) {
	if err := add.Validate(opts.validation()...); err != nil {
		return Result{}, fmt.Errorf("authmap: upsert refused: %w", err)
	}
	return Update(ctx, client, opts, func(cur Mappings) (Mappings, error) { return cur.Merge(add) })
}

// RemoveFrom removes the entries named by ids (see [Mappings.Remove]) from the
// ConfigMap. Naming an entry that is not there is not an error; Result.Changed
// tells whether anything went.
func RemoveFrom(ctx context.Context, client typedcorev1.ConfigMapsGetter, ids []string, opts ConfigMapOptions) (Result, error) {
	if len(ids) == 0 {
		return Result{}, errors.New("authmap: remove: no identity given")
	}
	return Update(ctx, client, opts, func(cur Mappings) (Mappings, error) {
		next, _ := cur.Remove(ids...)
		return next, nil
	})
}

// Read returns the ConfigMap's mappings and the ConfigMap itself; an absent
// ConfigMap reads as empty Mappings and a nil ConfigMap.
func Read(ctx context.Context, client typedcorev1.ConfigMapsGetter, opts ConfigMapOptions) (Mappings, *corev1.ConfigMap, error) {
	o := opts.withDefaults()
	cm, err := client.ConfigMaps(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return Mappings{}, nil, nil
	}
	if err != nil {
		return Mappings{}, nil, fmt.Errorf("authmap: reading ConfigMap %s/%s: %w", o.Namespace, o.Name, err)
	}
	m, err := Parse(cm.Data)
	if err != nil {
		return Mappings{}, cm, fmt.Errorf("authmap: ConfigMap %s/%s: %w", o.Namespace, o.Name, err)
	}
	return m, cm, nil
}

// ReconcileOwned is [Reconcile] as a read-modify-write of the ConfigMap with
// [Update]'s optimistic concurrency, for one declarative owner (the Pulumi
// component's hooks): it removes the identities in previouslyOwned that owned
// no longer maps, upserts owned and ensured (the Fargate pod-execution
// mapping: present, never owned), and keeps every other entry as written.
// Several owners writing at once each retry on conflict, so none loses the
// others' entries. owned is validated first (opts.AllowSystemMasters).
// With opts.Owner, an entry that was there before the owner mapped its
// identity is recorded and put back (not removed) when the owner drops it;
// see ConfigMapOptions.Owner.
func ReconcileOwned(ctx context.Context, client typedcorev1.ConfigMapsGetter, previouslyOwned []string, owned, ensured Mappings, opts ConfigMapOptions) (Result, error) {
	if err := owned.Validate(opts.validation()...); err != nil {
		return Result{}, fmt.Errorf("authmap: reconcile refused: %w", err)
	}
	if opts.Owner != "" {
		own := AdoptedAnnotationPrefix + opts.Owner
		return update(ctx, client, opts, func(cur Mappings, ann map[string]string) (Mappings, map[string]string, error) {
			return cur.reconcileAdopting(ann, own, previouslyOwned, owned, ensured)
		})
	}
	return Update(ctx, client, opts, func(cur Mappings) (Mappings, error) {
		next, _, err := cur.reconcileOwner(previouslyOwned, owned, ensured)
		return next, err
	})
}

// RevokeOwned removes the identities an owner wrote (its previous
// [Reconciled.Owned]) and nothing else: what a destroyed Pulumi component
// leaves behind is what others wrote. No identities, or an absent ConfigMap,
// is no change. With opts.Owner, entries the owner took over are put back as
// they were and entries another owner took over from it are left to that
// owner (ConfigMapOptions.Owner).
func RevokeOwned(ctx context.Context, client typedcorev1.ConfigMapsGetter, owned []string, opts ConfigMapOptions) (Result, error) {
	if len(owned) == 0 {
		return Result{}, nil
	}
	opts.MustExist = false // removing creates nothing
	if opts.Owner != "" {
		own := AdoptedAnnotationPrefix + opts.Owner
		return update(ctx, client, opts, func(cur Mappings, ann map[string]string) (Mappings, map[string]string, error) {
			next, ann := release(cur, ann, own, owned)
			return next, ann, nil
		})
	}
	return RemoveFrom(ctx, client, owned, opts)
}

// ShareData makes FieldManager a co-owner, through server-side apply, of
// the ConfigMap's mapRoles, mapUsers and mapAccounts as they are now (values
// unchanged). Call it before another field manager that owns them alone
// stops applying them: server-side apply deletes a field its last owner
// releases, so a Pulumi ConfigMapPatch that wrote the data with
// pulumi.com/patchForce and is updated to write none (AwsAuthMapping moving
// to hooks mode) would otherwise empty aws-auth. An absent ConfigMap, or
// one without those keys, is no change.
func ShareData(ctx context.Context, client typedcorev1.ConfigMapsGetter, opts ConfigMapOptions) error {
	o := opts.withDefaults()
	cm, err := client.ConfigMaps(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("authmap: reading ConfigMap %s/%s: %w", o.Namespace, o.Name, err)
	}
	data := map[string]string{}
	for _, kd := range kinds {
		if v, ok := cm.Data[kd.key]; ok {
			data[kd.key] = v
		}
	}
	if len(data) == 0 {
		return nil
	}
	ac := applycorev1.ConfigMap(o.Name, o.Namespace).WithData(data).WithResourceVersion(cm.ResourceVersion)
	if _, err := client.ConfigMaps(o.Namespace).Apply(ctx, ac, metav1.ApplyOptions{FieldManager: FieldManager, Force: true}); err != nil {
		return fmt.Errorf("authmap: sharing the data of ConfigMap %s/%s: %w", o.Namespace, o.Name, err)
	}
	return nil
}
