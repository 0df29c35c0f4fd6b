package eksfargate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/fargatekit/fargatekit/internal/mototest"
)

// fakeEKS models the Fargate-profile part of EKS as documented: a created
// profile is CREATING for a while, then ACTIVE (or CREATE_FAILED); a DELETING
// one disappears after a while; CreateFargateProfile answers
// ResourceInUseException while any profile of the cluster is CREATING or
// DELETING, or when the name is taken; ListFargateProfiles pages. Time is
// counted in API calls: every call advances every transitional profile by one
// tick.
type fakeEKS struct {
	mu       sync.Mutex
	cluster  string
	profiles map[string]*fakeProfile
	order    []string
	// ticks is how many calls a profile this fake creates stays CREATING.
	ticks int
	// pageSize is the default ListFargateProfiles page size.
	pageSize int
	// failing names profiles that end CREATE_FAILED.
	failing map[string]bool
	// beforeCreate runs (locked) before each CreateFargateProfile.
	beforeCreate func(f *fakeEKS, in *eks.CreateFargateProfileInput)
	calls        map[string]int
	// maxTransitional is the most profiles ever CREATING at once.
	maxTransitional int
	created         []string
	deleted         []string
}

type fakeProfile struct {
	fp        types.FargateProfile
	remaining int // calls left in CREATING or DELETING
	fails     bool
}

func newFakeEKS(cluster string) *fakeEKS {
	return &fakeEKS{cluster: cluster, profiles: map[string]*fakeProfile{}, ticks: 3, pageSize: 100,
		failing: map[string]bool{}, calls: map[string]int{}}
}

// add puts a profile in place as if created earlier (by someone else).
func (f *fakeEKS) add(name string, status types.FargateProfileStatus, remaining int, sels []Selector, subnets []string, role string) {
	fp := types.FargateProfile{
		ClusterName: aws.String(f.cluster), FargateProfileName: aws.String(name), Status: status,
		PodExecutionRoleArn: aws.String(role), Subnets: subnets,
		FargateProfileArn: aws.String("arn:aws:eks:us-west-2:123456789012:fargateprofile/" + f.cluster + "/" + name + "/x"),
	}
	for _, s := range sels {
		fp.Selectors = append(fp.Selectors, types.FargateProfileSelector{Namespace: aws.String(s.Namespace), Labels: s.Labels})
	}
	f.profiles[name] = &fakeProfile{fp: fp, remaining: remaining}
	f.order = append(f.order, name)
}

// tick advances time by one call; callers hold mu.
func (f *fakeEKS) tick(op string) {
	f.calls[op]++
	n := 0
	for _, name := range slices.Clone(f.order) {
		p := f.profiles[name]
		switch p.fp.Status {
		case types.FargateProfileStatusCreating:
			if p.remaining--; p.remaining <= 0 {
				p.fp.Status = types.FargateProfileStatusActive
				if p.fails {
					p.fp.Status = types.FargateProfileStatusCreateFailed
					p.fp.Health = &types.FargateProfileHealth{Issues: []types.FargateProfileIssue{{
						Code: types.FargateProfileIssueCodeAccessDenied, Message: aws.String("the pod-execution role cannot be assumed")}}}
				}
			} else {
				n++
			}
		case types.FargateProfileStatusDeleting:
			if p.remaining--; p.remaining <= 0 {
				delete(f.profiles, name)
				f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == name })
			}
		}
	}
	f.maxTransitional = max(f.maxTransitional, n)
}

func (f *fakeEKS) checkCluster(name *string) error {
	if aws.ToString(name) != f.cluster {
		return &types.ResourceNotFoundException{Message: aws.String("No cluster found for name: " + aws.ToString(name) + ".")}
	}
	return nil
}

func (f *fakeEKS) CreateFargateProfile(_ context.Context, in *eks.CreateFargateProfileInput, _ ...func(*eks.Options)) (*eks.CreateFargateProfileOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tick("Create")
	if f.beforeCreate != nil {
		f.beforeCreate(f, in)
	}
	if err := f.checkCluster(in.ClusterName); err != nil {
		return nil, err
	}
	name := aws.ToString(in.FargateProfileName)
	if len(in.Selectors) == 0 || len(in.Selectors) > 5 || len(in.Subnets) == 0 || aws.ToString(in.PodExecutionRoleArn) == "" || name == "" {
		return nil, &types.InvalidParameterException{Message: aws.String("invalid Fargate profile request")}
	}
	if _, taken := f.profiles[name]; taken {
		return nil, &types.ResourceInUseException{Message: aws.String("A Fargate Profile already exists with this name in the cluster.")}
	}
	for _, other := range f.order {
		if s := f.profiles[other].fp.Status; s == types.FargateProfileStatusCreating || s == types.FargateProfileStatusDeleting {
			return nil, &types.ResourceInUseException{Message: aws.String(fmt.Sprintf(
				"Cannot create Fargate Profile %s because cluster %s currently has Fargate profile %s in status %s", name, f.cluster, other, s))}
		}
	}
	f.add(name, types.FargateProfileStatusCreating, f.ticks, nil, slices.Clone(in.Subnets), aws.ToString(in.PodExecutionRoleArn))
	p := f.profiles[name]
	p.fp.Selectors = slices.Clone(in.Selectors)
	p.fp.Tags = maps.Clone(in.Tags)
	p.fails = f.failing[name]
	f.created = append(f.created, name)
	fp := p.fp
	return &eks.CreateFargateProfileOutput{FargateProfile: &fp}, nil
}

// DeleteFargateProfile starts a deletion (DELETING for ticks calls), and,
// as EKS documents, refuses it while another profile of the cluster is
// CREATING or DELETING.
func (f *fakeEKS) DeleteFargateProfile(_ context.Context, in *eks.DeleteFargateProfileInput, _ ...func(*eks.Options)) (*eks.DeleteFargateProfileOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tick("Delete")
	if err := f.checkCluster(in.ClusterName); err != nil {
		return nil, err
	}
	name := aws.ToString(in.FargateProfileName)
	p, ok := f.profiles[name]
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("No Fargate Profile found with name: " + name + ".")}
	}
	for _, other := range f.order {
		if s := f.profiles[other].fp.Status; s == types.FargateProfileStatusCreating || s == types.FargateProfileStatusDeleting {
			return nil, &types.ResourceInUseException{Message: aws.String(fmt.Sprintf(
				"Cannot delete Fargate Profile %s because cluster %s currently has Fargate profile %s in status %s", name, f.cluster, other, s))}
		}
	}
	p.fp.Status, p.remaining = types.FargateProfileStatusDeleting, f.ticks
	f.deleted = append(f.deleted, name)
	fp := p.fp
	return &eks.DeleteFargateProfileOutput{FargateProfile: &fp}, nil
}

func (f *fakeEKS) DescribeFargateProfile(_ context.Context, in *eks.DescribeFargateProfileInput, _ ...func(*eks.Options)) (*eks.DescribeFargateProfileOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tick("Describe")
	if err := f.checkCluster(in.ClusterName); err != nil {
		return nil, err
	}
	p, ok := f.profiles[aws.ToString(in.FargateProfileName)]
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("No Fargate Profile found with name: " + aws.ToString(in.FargateProfileName) + ".")}
	}
	fp := p.fp
	return &eks.DescribeFargateProfileOutput{FargateProfile: &fp}, nil
}

func (f *fakeEKS) ListFargateProfiles(_ context.Context, in *eks.ListFargateProfilesInput, _ ...func(*eks.Options)) (*eks.ListFargateProfilesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tick("List")
	if err := f.checkCluster(in.ClusterName); err != nil {
		return nil, err
	}
	size := f.pageSize
	if in.MaxResults != nil {
		size = int(*in.MaxResults)
	}
	start := 0
	if in.NextToken != nil {
		var err error
		if start, err = strconv.Atoi(*in.NextToken); err != nil || start > len(f.order) {
			return nil, &types.InvalidParameterException{Message: aws.String("bad nextToken")}
		}
	}
	end := min(start+size, len(f.order))
	out := &eks.ListFargateProfilesOutput{FargateProfileNames: slices.Clone(f.order[start:end])}
	if end < len(f.order) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

const testRole = "arn:aws:iam::123456789012:role/demo-pod-execution-role"

var testSubnets = []string{"subnet-a", "subnet-b"}

// fast are the options every test uses: tiny, injectable intervals.
func fast(extra ...EnsureOption) []EnsureOption {
	return append([]EnsureOption{WithPodExecutionRole(testRole), WithSubnets(testSubnets...),
		WithPollInterval(time.Millisecond, 2*time.Millisecond), WithBackoff(time.Millisecond, 4*time.Millisecond), WithTimeout(10 * time.Second)}, extra...)
}

var threeProfiles = []FargateProfile{
	DefaultProfile(),
	{Name: "apps", Selectors: []Selector{{Namespace: "apps"}, {Namespace: "web", Labels: map[string]string{"fargate": "true", "tier": "front"}}}},
	{Name: "jobs", Selectors: []Selector{{Namespace: "jobs-*"}}, Tags: map[string]string{"cost": "batch"}},
}

// The physical names of threeProfiles (ProfileName).
var pFP, pApps, pJobs = ProfileName(threeProfiles[0]), ProfileName(threeProfiles[1]), ProfileName(threeProfiles[2])

func TestEnsureCreatesOneAtATimeAndIsIdempotent(t *testing.T) {
	f := newFakeEKS("demo")
	var events []string
	progress := WithProgress(func(p Progress) { events = append(events, p.Profile+":"+string(p.Event)) })
	res, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles, fast(progress, WithProfileTags(map[string]string{"team": "platform"}))...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Created, []string{pFP, pApps, pJobs}) || len(res.Unchanged) != 0 || len(res.Unmanaged) != 0 {
		t.Errorf("result = %+v", res)
	}
	if !slices.Equal(f.created, res.Created) || f.maxTransitional > 1 {
		t.Errorf("created %v, at most %d CREATING at once", f.created, f.maxTransitional)
	}
	for _, name := range res.Created {
		if f.profiles[name].fp.Status != types.FargateProfileStatusActive {
			t.Errorf("%s is %s", name, f.profiles[name].fp.Status)
		}
		for _, ev := range []string{":creating", ":waiting", ":active"} {
			if !slices.Contains(events, name+ev) {
				t.Errorf("no %s%s event in %v", name, ev, events)
			}
		}
	}
	jobs := f.profiles[pJobs].fp
	if !maps.Equal(jobs.Tags, map[string]string{"team": "platform", "cost": "batch"}) || !slices.Equal(jobs.Subnets, testSubnets) {
		t.Errorf("jobs = %+v", jobs)
	}
	if f.calls["Create"] != 3 {
		t.Errorf("%d creates (no busy cluster, so exactly one each)", f.calls["Create"])
	}

	// Second run: nothing to create.
	creates := f.calls["Create"]
	events = nil
	res, err = EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles, fast(progress)...)
	if err != nil {
		t.Fatal(err)
	}
	if f.calls["Create"] != creates || len(res.Created) != 0 || !slices.Equal(res.Unchanged, []string{pFP, pApps, pJobs}) {
		t.Errorf("second run: %d creates, result %+v", f.calls["Create"]-creates, res)
	}
	if !slices.Equal(events, []string{pFP + ":exists", pApps + ":exists", pJobs + ":exists"}) {
		t.Errorf("second run events = %v", events)
	}
}

func TestEnsureRetriesWhileAnotherProfileIsCreating(t *testing.T) {
	f := newFakeEKS("demo")
	f.add("other-team", types.FargateProfileStatusCreating, 6, []Selector{{Namespace: "other"}}, []string{"subnet-x"}, testRole)
	var buf bytes.Buffer
	var busy []Progress
	res, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles[:1],
		fast(WithLogger(slog.New(slog.NewTextHandler(&buf, nil))), WithProgress(func(p Progress) {
			if p.Event == EventBusy {
				busy = append(busy, p)
			}
		}))...)
	if err != nil {
		t.Fatal(err)
	}
	if len(busy) < 2 || busy[0].Attempt != 1 || busy[1].Attempt != 2 || busy[1].Retry != 2*busy[0].Retry ||
		!strings.Contains(busy[0].Message, "currently has Fargate profile other-team in status CREATING") {
		t.Errorf("busy events = %+v", busy)
	}
	if !slices.Equal(res.Created, []string{pFP}) || !slices.Equal(res.Unmanaged, []string{"other-team"}) {
		t.Errorf("result = %+v", res)
	}
	if f.maxTransitional > 1 {
		t.Errorf("%d profiles CREATING at once", f.maxTransitional)
	}
	if log := buf.String(); !strings.Contains(log, "event=busy") || !strings.Contains(log, "profile="+pFP) || !strings.Contains(log, "event=active") {
		t.Errorf("log:\n%s", log)
	}
}

func TestEnsureSameNameCreatedConcurrently(t *testing.T) {
	f := newFakeEKS("demo")
	// Another process creates the very profile between our List and Create.
	f.beforeCreate = func(f *fakeEKS, in *eks.CreateFargateProfileInput) {
		if _, ok := f.profiles[pApps]; !ok {
			f.add(pApps, types.FargateProfileStatusCreating, 3, threeProfiles[1].Selectors, testSubnets, testRole)
		}
	}
	res, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles[1:2], fast()...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 0 || !slices.Equal(res.Unchanged, []string{pApps}) || f.profiles[pApps].fp.Status != types.FargateProfileStatusActive {
		t.Errorf("result %+v, status %s", res, f.profiles[pApps].fp.Status)
	}
}

func TestEnsurePagination(t *testing.T) {
	f := newFakeEKS("demo")
	f.pageSize = 2
	for i := range 5 {
		f.add(fmt.Sprintf("team-%d", i), types.FargateProfileStatusActive, 0, []Selector{{Namespace: "t"}}, testSubnets, testRole)
	}
	// The wanted profiles exist, the selectors in another order, on the last page.
	f.add(pApps, types.FargateProfileStatusActive, 0, []Selector{threeProfiles[1].Selectors[1], threeProfiles[1].Selectors[0]}, []string{"subnet-b", "subnet-a"}, testRole)
	f.add(pFP, types.FargateProfileStatusActive, 0, DefaultProfile().Selectors, testSubnets, testRole)
	res, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles[:2], fast()...)
	if err != nil {
		t.Fatal(err)
	}
	if f.calls["List"] != 4 || f.calls["Create"] != 0 {
		t.Errorf("calls = %v (7 profiles in pages of 2 is 4 pages)", f.calls)
	}
	if !slices.Equal(res.Unchanged, []string{pFP, pApps}) || len(res.Unmanaged) != 5 || res.Unmanaged[0] != "team-0" {
		t.Errorf("result = %+v", res)
	}
}

func TestEnsureMismatch(t *testing.T) {
	f := newFakeEKS("demo")
	f.add(pApps, types.FargateProfileStatusActive, 0, []Selector{{Namespace: "apps", Labels: map[string]string{"x": "y"}}},
		[]string{"subnet-a", "subnet-public"}, "arn:aws:iam::123456789012:role/other")
	_, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles[1:2], fast()...)
	var mm *ProfileMismatchError
	if !errors.As(err, &mm) || !errors.Is(err, ErrProfileMismatch) {
		t.Fatalf("err = %v", err)
	}
	if mm.Profile != pApps || mm.Cluster != "demo" || len(mm.Differences) != 3 ||
		!strings.Contains(mm.Differences[0], "selectors [apps{x=y}], want [apps{} web{fargate=true,tier=front}]") ||
		!strings.Contains(mm.Differences[1], "subnets [subnet-a subnet-public], want [subnet-a subnet-b]") ||
		!strings.Contains(mm.Differences[2], "role/other") {
		t.Errorf("mismatch = %+v", mm)
	}
	if f.calls["Create"] != 0 {
		t.Error("created despite a mismatch")
	}
}

func TestEnsureCreateFailed(t *testing.T) {
	f := newFakeEKS("demo")
	f.failing[pApps] = true
	res, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles, fast()...)
	if !errors.Is(err, ErrProfileFailed) || !strings.Contains(err.Error(), "AccessDenied: the pod-execution role cannot be assumed") {
		t.Fatalf("err = %v", err)
	}
	if !slices.Equal(res.Created, []string{pFP}) || f.profiles[pJobs] != nil {
		t.Errorf("result %+v; the profile after the failed one must not be created", res)
	}
	// A profile left CREATE_FAILED is reported, not silently skipped.
	_, err = EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles[1:2], fast()...)
	if !errors.Is(err, ErrProfileFailed) || !strings.Contains(err.Error(), pApps+" is CREATE_FAILED") {
		t.Errorf("second run err = %v", err)
	}
}

func TestEnsureWaitsForTransitionalSameName(t *testing.T) {
	f := newFakeEKS("demo")
	f.add(pApps, types.FargateProfileStatusCreating, 4, threeProfiles[1].Selectors, testSubnets, testRole)
	f.add(pJobs, types.FargateProfileStatusDeleting, 4, []Selector{{Namespace: "old"}}, testSubnets, testRole)
	res, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles[1:], fast()...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Unchanged, []string{pApps}) || !slices.Equal(res.Created, []string{pJobs}) {
		t.Errorf("result = %+v", res)
	}
	if got := selectorKeys([]Selector{{Namespace: aws.ToString(f.profiles[pJobs].fp.Selectors[0].Namespace)}}); got[0] != "jobs-*{}" {
		t.Errorf("jobs recreated with %v", got)
	}
}

func TestEnsureTimeout(t *testing.T) {
	f := newFakeEKS("demo")
	f.add("stuck", types.FargateProfileStatusCreating, 1<<30, []Selector{{Namespace: "s"}}, testSubnets, testRole)
	start := time.Now()
	_, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles[:1], fast(WithTimeout(30*time.Millisecond))...)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "still busy") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("timeout not honoured")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := EnsureFargateProfiles(ctx, f, "demo", threeProfiles[:1], fast()...); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestEnsureRefusesBadInput(t *testing.T) {
	f := newFakeEKS("demo")
	_, err := EnsureFargateProfiles(context.Background(), f, "bad name", []FargateProfile{{Name: "-x"}},
		WithPodExecutionRole("arn:aws:iam::123456789012:user/x"), WithBackoff(0, 0))
	for _, w := range []string{"cluster:", "FargateProfiles[0].Name", "FargateProfiles[0].Selectors", "WithPodExecutionRole", "WithSubnets", "options"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %s", err, w)
		}
	}
	if !errors.Is(err, ErrInvalidSpec) || len(f.calls) != 0 {
		t.Errorf("err %v, calls %v", err, f.calls)
	}
	// A profile set without CoreDNS is fine here: the cluster may have one already.
	if _, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles[1:2], fast()...); err != nil {
		t.Error(err)
	}
	if _, err := EnsureFargateProfiles(context.Background(), f, "nope", threeProfiles[1:2], fast()...); err == nil {
		t.Error("unknown cluster accepted")
	}
}

// A changed profile is created under its new name first; the old one is
// deleted once the new one is ACTIVE, and the next profile waits for that
// deletion (one transitional profile at a time throughout).
func TestEnsureReplacesCreateFirst(t *testing.T) {
	f := newFakeEKS("demo")
	if _, err := EnsureFargateProfiles(context.Background(), f, "demo", threeProfiles, fast()...); err != nil {
		t.Fatal(err)
	}
	// The profile a release of fargatekit before content hashes made: the bare name.
	f.add("jobs", types.FargateProfileStatusActive, 0, []Selector{{Namespace: "jobs-*"}}, testSubnets, testRole)
	f.add("other-team", types.FargateProfileStatusActive, 0, []Selector{{Namespace: "other"}}, testSubnets, testRole)
	changed := slices.Clone(threeProfiles)
	changed[1] = FargateProfile{Name: "apps", Selectors: []Selector{{Namespace: "apps", Labels: map[string]string{"fargate": "true"}}}}
	var events []string
	res, err := EnsureFargateProfiles(context.Background(), f, "demo", changed,
		fast(WithProgress(func(p Progress) { events = append(events, p.Profile+":"+string(p.Event)) }))...)
	if err != nil {
		t.Fatal(err)
	}
	newApps := ProfileName(changed[1])
	if !slices.Equal(res.Created, []string{newApps}) || !slices.Equal(res.Deleted, []string{pApps, "jobs"}) ||
		!slices.Equal(res.Unchanged, []string{pFP, pJobs}) || !slices.Equal(res.Unmanaged, []string{"other-team"}) {
		t.Errorf("result = %+v", res)
	}
	idx := func(ev string) int {
		i := slices.Index(events, ev)
		if i < 0 {
			t.Errorf("no event %s in %v", ev, events)
		}
		return i
	}
	if !(idx(newApps+":active") < idx(pApps+":deleting") && idx(pApps+":deleted") < idx(pJobs+":exists") && idx(pJobs+":exists") < idx("jobs:deleting")) {
		t.Errorf("order of operations: %v", events)
	}
	if f.maxTransitional > 1 || f.profiles[pApps] != nil || f.profiles["other-team"] == nil {
		t.Errorf("transitional %d; old apps %v; other-team %v", f.maxTransitional, f.profiles[pApps], f.profiles["other-team"])
	}
}

// The same against moto's EKS: a cluster, profiles, a change, the old
// version gone and the new one there; a second run changes nothing.
func TestEnsureFargateProfilesMoto(t *testing.T) {
	s := mototest.New(t)
	ctx := context.Background()
	api := eks.NewFromConfig(s.Config("eu-west-1"))
	if _, err := api.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String("demo"), RoleArn: aws.String("arn:aws:iam::123456789012:role/demo-cluster"),
		ResourcesVpcConfig: &types.VpcConfigRequest{SubnetIds: testSubnets}}); err != nil {
		t.Fatal(err)
	}
	res, err := EnsureFargateProfiles(ctx, api, "demo", threeProfiles, fast()...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Created, []string{pFP, pApps, pJobs}) {
		t.Errorf("first run = %+v", res)
	}
	changed := slices.Clone(threeProfiles)
	changed[2] = FargateProfile{Name: "jobs", Selectors: []Selector{{Namespace: "batch"}}, SubnetIDs: []string{"subnet-a"}}
	res, err = EnsureFargateProfiles(ctx, api, "demo", changed, fast()...)
	if err != nil {
		t.Fatal(err)
	}
	newJobs := ProfileName(changed[2])
	if !slices.Equal(res.Created, []string{newJobs}) || !slices.Equal(res.Deleted, []string{pJobs}) {
		t.Errorf("change = %+v", res)
	}
	names, err := listProfiles(ctx, api, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{pFP: true, pApps: true, newJobs: true}; !maps.Equal(names, want) {
		t.Errorf("profiles in moto = %v, want %v", names, want)
	}
	out, err := api.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String("demo"), FargateProfileName: aws.String(newJobs)})
	if err != nil || !slices.Equal(out.FargateProfile.Subnets, []string{"subnet-a"}) {
		t.Errorf("new jobs profile: %+v, %v", out, err)
	}
	res, err = EnsureFargateProfiles(ctx, api, "demo", changed, fast()...)
	if err != nil || len(res.Created)+len(res.Deleted) != 0 || len(res.Unchanged) != 3 {
		t.Errorf("second run = %+v, %v", res, err)
	}
}
