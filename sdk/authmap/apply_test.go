package authmap_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/sdk/authmap"
)

// preexisting is aws-auth as EKS and a human left it: node and Fargate roles
// in EKS's own layout, a comment, a user, and a key nobody else reads.
var preexisting = map[string]string{
	"mapRoles": `- groups:
  - system:bootstrappers
  - system:nodes
  rolearn: arn:aws:iam::111122223333:role/eksctl-demo-NodeInstanceRole-1A2B
  username: system:node:{{EC2PrivateDNSName}}
# Fargate profile "default"
- groups:
  - system:bootstrappers
  - system:nodes
  - system:node-proxier
  rolearn: arn:aws:iam::111122223333:role/demo-pod-execution
  username: system:node:{{SessionName}}
`,
	"mapUsers": "- userarn: arn:aws:iam::111122223333:user/admin\n  username: admin\n  groups: [ops]\n",
	"notes":    "do not edit by hand\n",
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// countingConfig counts the requests made through the returned config.
func countingConfig(cfg *rest.Config, n *atomic.Int64) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) { n.Add(1); return rt.RoundTrip(r) })
	}
	return c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func clientsetT(t testing.TB, cfg *rest.Config) *kubernetes.Clientset {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func seed(t testing.TB, cs kubernetes.Interface, ns string, data map[string]string) *corev1.ConfigMap {
	cm, err := cs.CoreV1().ConfigMaps(ns).Create(ctxT(t), &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: authmap.DefaultName}, Data: data}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

func role(i, j int) authmap.RoleMapping {
	return authmap.RoleMapping{RoleARN: fmt.Sprintf("arn:aws:iam::111122223333:role/team%02d/writer-%02d-%02d", i, i, j),
		Username: fmt.Sprintf("w%02d-%02d:{{SessionName}}", i, j), Groups: []string{fmt.Sprintf("team-%02d", i)}}
}

// TestRoundTrips: create when absent, update when present, two requests
// each; an identical re-add is one request (the Get) and no write.
func TestRoundTrips(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	var n atomic.Int64
	cs := clientsetT(t, countingConfig(cfg, &n))
	opts := authmap.ConfigMapOptions{Namespace: ns}
	ctx := ctxT(t)

	steps := []struct {
		name     string
		add      authmap.RoleMapping
		requests int64
		created  bool
		changed  bool
	}{
		{"create", role(0, 0), 2, true, true},
		{"update", role(0, 1), 2, false, true},
		{"identical re-add", role(0, 1), 1, false, false},
	}
	for _, s := range steps {
		n.Store(0)
		res, err := authmap.Upsert(ctx, cs.CoreV1(), authmap.Mappings{Roles: []authmap.RoleMapping{s.add}}, opts)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := n.Load(); got != s.requests || res.Created != s.created || res.Changed != s.changed || res.Attempts != 1 {
			t.Errorf("%s: %d requests, %+v; want %d requests, created %v changed %v", s.name, got, res, s.requests, s.created, s.changed)
		}
	}
	m, _, err := authmap.Read(ctx, cs.CoreV1(), opts)
	if err != nil || len(m.Roles) != 2 || m.Roles[1].RoleARN != "arn:aws:iam::111122223333:role/writer-00-01" {
		t.Errorf("read back %+v %v (role ARNs must be path-less)", m.Roles, err)
	}
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, authmap.DefaultName, metav1.GetOptions{})
	if err != nil || len(cm.ManagedFields) == 0 || cm.ManagedFields[0].Manager != authmap.FieldManager {
		t.Errorf("managed fields %+v %v, want manager %s", cm.ManagedFields, err, authmap.FieldManager)
	}
}

// TestMalformedLeftUntouched: content the authenticator cannot read is an
// error naming the entry, and the ConfigMap is byte-identical afterwards.
func TestMalformedLeftUntouched(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	bad := map[string]string{
		"mapRoles": preexisting["mapRoles"] + "- rolearn: arn:aws:iam::111122223333:role/x\n  username: x\n  groups: [on]\n",
		"mapUsers": preexisting["mapUsers"], "notes": preexisting["notes"],
	}
	before := seed(t, cs, ns, bad)
	opts := authmap.ConfigMapOptions{Namespace: ns}
	_, err := authmap.Upsert(ctxT(t), cs.CoreV1(), authmap.Mappings{Roles: []authmap.RoleMapping{role(1, 1)}}, opts)
	if !errors.Is(err, authmap.ErrMalformed) || !strings.Contains(err.Error(), "mapRoles[2]") {
		t.Fatalf("err = %v; want ErrMalformed naming mapRoles[2]", err)
	}
	t.Log(err)
	_, err = authmap.RemoveFrom(ctxT(t), cs.CoreV1(), []string{"arn:aws:iam::111122223333:user/admin"}, opts)
	if !errors.Is(err, authmap.ErrMalformed) {
		t.Fatalf("remove: err = %v; want ErrMalformed", err)
	}
	after, err := cs.CoreV1().ConfigMaps(ns).Get(ctxT(t), authmap.DefaultName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if after.ResourceVersion != before.ResourceVersion || len(after.Data) != len(bad) {
		t.Errorf("ConfigMap was written: rv %s -> %s", before.ResourceVersion, after.ResourceVersion)
	}
	for k, v := range bad {
		if after.Data[k] != v {
			t.Errorf("%s changed:\n%q\n%q", k, v, after.Data[k])
		}
	}
}

// TestUpsertRefusesInvalid: nothing is sent for an invalid request.
func TestUpsertRefusesInvalid(t *testing.T) {
	cfg := kubetest.Config(t)
	ns := kubetest.Namespace(t, cfg)
	var n atomic.Int64
	cs := clientsetT(t, countingConfig(cfg, &n))
	admin := authmap.Mappings{Users: []authmap.UserMapping{{UserARN: "arn:aws:iam::111122223333:user/a", Username: "a", Groups: []string{authmap.GroupMasters}}}}
	_, err := authmap.Upsert(ctxT(t), cs.CoreV1(), admin, authmap.ConfigMapOptions{Namespace: ns})
	if !errors.Is(err, authmap.ErrSystemMasters) || n.Load() != 0 {
		t.Errorf("err = %v after %d requests; want ErrSystemMasters and none", err, n.Load())
	}
	if _, err := authmap.Upsert(ctxT(t), cs.CoreV1(), admin, authmap.ConfigMapOptions{Namespace: ns, AllowSystemMasters: true}); err != nil {
		t.Errorf("opted in: %v", err)
	}
}

// concurrencyFigure is the figure the issue asks for: writers upserting
// distinct mappings concurrently into a ConfigMap holding node and Fargate
// entries, then removing half of them concurrently.
type concurrencyFigure struct {
	writers, mappings, batch, lost, removed, lostRemovals int
	conflicts                                             int64
	upsertTime, removeTime                                time.Duration
}

func (f concurrencyFigure) String() string {
	return fmt.Sprintf("writers=%d mappings=%d (%d per read-modify-write) lost=%d conflicts-retried=%d elapsed=%s; concurrent removes=%d not-removed=%d elapsed=%s",
		f.writers, f.mappings, f.batch, f.lost, f.conflicts, f.upsertTime.Round(time.Millisecond), f.removed, f.lostRemovals, f.removeTime.Round(time.Millisecond))
}

// concurrencyRun has writers goroutines upsert perWriter distinct mappings
// each, batch mappings per Upsert call (one read-modify-write), then remove
// every other one of them, batch/2 per RemoveFrom. Every returned error and
// every lost write fails the test.
func concurrencyRun(t testing.TB, cs kubernetes.Interface, ns string, writers, perWriter, batch int) concurrencyFigure {
	seed(t, cs, ns, preexisting)
	opts := authmap.ConfigMapOptions{Namespace: ns}
	ctx := ctxT(t)
	fig := concurrencyFigure{writers: writers, mappings: writers * perWriter, batch: batch}
	var conflicts atomic.Int64
	// run calls op(i, js) concurrently for each writer i, with js its
	// mapping numbers in groups of batch.
	run := func(op func(i int, js []int) (authmap.Result, error)) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, writers*perWriter)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for from := 0; from < perWriter; from += batch {
					var js []int
					for j := from; j < min(from+batch, perWriter); j++ {
						js = append(js, j)
					}
					res, err := op(i, js)
					conflicts.Add(int64(max(res.Attempts-1, 0)))
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		return time.Since(start)
	}
	fig.upsertTime = run(func(i int, js []int) (authmap.Result, error) {
		var add authmap.Mappings
		for _, j := range js {
			add.Roles = append(add.Roles, role(i, j))
		}
		return authmap.Upsert(ctx, cs.CoreV1(), add, opts)
	})
	got, cm, err := authmap.Read(ctx, cs.CoreV1(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]authmap.RoleMapping{}
	for i := range writers {
		for j := range perWriter {
			r := role(i, j)
			r.RoleARN, _ = authmap.PathlessRoleARN(r.RoleARN)
			want[r.Identity()] = r
		}
	}
	found := 0
	for _, r := range got.Roles {
		if w, ok := want[r.Identity()]; ok && w.RoleARN == r.RoleARN && w.Username == r.Username && len(r.Groups) == 1 && r.Groups[0] == w.Groups[0] {
			found++
		}
	}
	fig.lost = fig.mappings - found
	assertPreexisting(t, cm)

	fig.removeTime = run(func(i int, js []int) (authmap.Result, error) {
		var ids []string
		for _, j := range js {
			if j%2 == 0 {
				ids = append(ids, role(i, j).RoleARN)
			}
		}
		if len(ids) == 0 {
			return authmap.Result{}, nil
		}
		return authmap.RemoveFrom(ctx, cs.CoreV1(), ids, opts)
	})
	fig.conflicts = conflicts.Load()
	got, cm, err = authmap.Read(ctx, cs.CoreV1(), opts)
	if err != nil {
		t.Fatal(err)
	}
	left := map[string]bool{}
	for _, r := range got.Roles {
		left[r.Identity()] = true
	}
	for i := range writers {
		for j := range perWriter {
			r := role(i, j)
			switch {
			case j%2 == 0:
				fig.removed++
				if left[r.Identity()] {
					fig.lostRemovals++
				}
			case !left[r.Identity()]:
				fig.lost++
			}
		}
	}
	assertPreexisting(t, cm)
	if len(got.Roles) != 2+fig.mappings-fig.removed {
		t.Errorf("%d roles left, want %d", len(got.Roles), 2+fig.mappings-fig.removed)
	}
	if fig.lost != 0 || fig.lostRemovals != 0 {
		t.Errorf("lost writes: %v", fig)
	}
	return fig
}

// assertPreexisting: the entries EKS and people wrote are there byte-for-byte.
func assertPreexisting(t testing.TB, cm *corev1.ConfigMap) {
	t.Helper()
	if !strings.HasPrefix(cm.Data["mapRoles"], preexisting["mapRoles"]) {
		t.Errorf("node/Fargate entries not intact:\n%s", cm.Data["mapRoles"])
	}
	if cm.Data["mapUsers"] != preexisting["mapUsers"] || cm.Data["notes"] != preexisting["notes"] {
		t.Errorf("other keys changed: %q", cm.Data)
	}
}

// TestConcurrentWriters: 32 writers each upsert their 10 distinct mappings
// (one read-modify-write each), then remove 5 of them, all concurrently.
func TestConcurrentWriters(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	fig := concurrencyRun(t, cs, ns, 32, 10, 10)
	t.Logf("concurrency: %v", fig)
}

// TestConcurrentWritersPerMapping: the same with one read-modify-write per
// mapping, 320 of them racing (and 160 removes). The race detector makes
// YAML parsing about ten times slower, and 32 goroutines parsing a
// 330-entry ConfigMap on every round then take minutes on a small machine,
// so under -race this runs only as BenchmarkConcurrentWriters/per-mapping.
func TestConcurrentWritersPerMapping(t *testing.T) {
	if raceEnabled {
		t.Skip("-race: run go test -run TestConcurrentWritersPerMapping without -race, or the benchmark")
	}
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	fig := concurrencyRun(t, cs, ns, 32, 10, 1)
	t.Logf("concurrency: %v", fig)
}

// TestConcurrentCreate: writers racing to create the absent ConfigMap.
func TestConcurrentCreate(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	var wg sync.WaitGroup
	var created atomic.Int32
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := authmap.Upsert(ctxT(t), cs.CoreV1(), authmap.Mappings{Roles: []authmap.RoleMapping{role(i, 0)}}, authmap.ConfigMapOptions{Namespace: ns})
			if err != nil {
				t.Error(err)
			}
			if res.Created {
				created.Add(1)
			}
		}()
	}
	wg.Wait()
	m, _, err := authmap.Read(ctxT(t), cs.CoreV1(), authmap.ConfigMapOptions{Namespace: ns})
	if err != nil || len(m.Roles) != 8 || created.Load() != 1 {
		t.Errorf("%d roles, %d creators, %v; want 8 and 1", len(m.Roles), created.Load(), err)
	}
}

// BenchmarkConcurrentWriters reports the concurrency figure: 32 writers ×
// 10 distinct mappings upserted, then half removed, all concurrently, with
// one read-modify-write per writer (batch) or per mapping (per-mapping).
func BenchmarkConcurrentWriters(b *testing.B) {
	cs, cfg := kubetest.Clientset(b)
	for _, bc := range []struct {
		name  string
		batch int
	}{{"batch", 10}, {"per-mapping", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				ns := kubetest.Namespace(b, cfg)
				fig := concurrencyRun(b, cs, ns, 32, 10, bc.batch)
				b.ReportMetric(float64(fig.writers), "writers")
				b.ReportMetric(float64(fig.mappings), "mappings")
				b.ReportMetric(float64(fig.lost+fig.lostRemovals), "lost")
				b.ReportMetric(float64(fig.conflicts), "conflicts")
				b.ReportMetric(fig.upsertTime.Seconds(), "upsert-s")
				b.ReportMetric(fig.removeTime.Seconds(), "remove-s")
				b.Logf("concurrency: %v", fig)
			}
		})
	}
}
