package provider

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fargatekit/fargatekit/internal/mockstack"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// tracer fills cross-language args with a distinct value per leaf and finds
// the values again in the Go Args they convert to.
type tracer struct {
	n     int
	paths map[int]string // token -> cross-language path
}

var tokenRE = regexp.MustCompile(`t(\d{3})`)

func (tr *tracer) next(path string) int {
	tr.n++
	tr.paths[tr.n] = path
	return tr.n
}

func (tr *tracer) fill(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Type() {
	case stringInput:
		v.Set(reflect.ValueOf(pulumi.String(fmt.Sprintf("t%03d", tr.next(path)))))
		return
	case stringArrayInput:
		v.Set(reflect.ValueOf(pulumi.StringArray{pulumi.String(fmt.Sprintf("t%03d", tr.next(path+"[0]")))}))
		return
	case clusterRefInput:
		var c ClusterRefArgs
		tr.fill(t, path, reflect.ValueOf(&c).Elem())
		v.Set(reflect.ValueOf(c))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("t%03d", tr.next(path)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(int64(1000 + tr.next(path)))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		tr.fill(t, path, v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		tr.fill(t, path+"[0]", v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		e := reflect.New(v.Type().Elem()).Elem()
		if e.Kind() == reflect.Interface && e.NumMethod() == 0 {
			e.Set(reflect.ValueOf(fmt.Sprintf("t%03d", tr.next(path+"[v]"))))
		} else {
			tr.fill(t, path+"[v]", e)
		}
		v.SetMapIndex(reflect.ValueOf(fmt.Sprintf("t%03d", tr.next(path+"[k]"))), e)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				tr.fill(t, path+"."+f.Name, v.Field(i))
			}
		}
	case reflect.Interface:
		if v.Type() == reflect.TypeFor[pulumi.BoolInput]() {
			v.Set(reflect.ValueOf(pulumi.Bool(true)))
			return
		}
		t.Fatalf("fill: no value for %s", v.Type())
	default:
		t.Fatalf("fill: no value for %s", v.Type())
	}
}

// find records, for every token found in the Go value, the Go paths that
// hold it.
func find(path string, v reflect.Value, found map[int][]string) {
	record := func(n int) { found[n] = append(found[n], path) }
	switch v.Kind() {
	case reflect.String:
		for _, m := range tokenRE.FindAllStringSubmatch(v.String(), -1) {
			n, _ := strconv.Atoi(m[1])
			record(n)
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		i := v.Int()
		if v.Type() == reflect.TypeFor[time.Duration]() && i%int64(time.Second) == 0 {
			i /= int64(time.Second)
		}
		if i > 1000 && i < 2000 {
			record(int(i - 1000))
		}
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			find(path, v.Elem(), found)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			find(fmt.Sprintf("%s[%d]", path, i), v.Index(i), found)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			find(path+"[k]", it.Key(), found)
			find(path+"[v]", it.Value(), found)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				if f.Anonymous { // embedded specs: the cross-language args flatten them
					find(path, v.Field(i), found)
				} else {
					find(path+"."+f.Name, v.Field(i), found)
				}
			}
		}
	}
}

// untraced are the cross-language inputs whose values the Go Args hold
// inside Outputs or resources, where find cannot see them, and what checks
// them instead.
var untraced = map[string]string{
	".Cluster.":                   "the Go Cluster holds the ref's fields as Outputs (the Construct tests compare their use)",
	".ProviderKubeconfig":         "becomes the Go KubernetesProvider, a resource (the Construct tests compare it)",
	"FargateClusterArgs.HookAWS.": "becomes Go's HookAWSConfig, a function (TestHookAWSConfig runs it against moto)",
}

// renamed are the cross-language names (lower case) whose Go field is named
// otherwise, besides a dropped "Seconds" suffix (Go takes a time.Duration).
var renamed = map[string]string{"kubeconfigoptions": "kubeconfig", "configmapname": "name", "configmapnamespace": "namespace"}

// sameField reports whether a Go path names the field a cross-language path
// names: the same segments, compared without case, list and map positions
// kept, a renamed or "...Seconds" segment matching its Go name.
func sameField(cross, goPath string) bool {
	split := func(p string) []string {
		return strings.Split(strings.ReplaceAll(strings.ReplaceAll(p, "[", ".["), "]", ""), ".")
	}
	cs, gs := split(cross), split(goPath)
	if len(cs) != len(gs) {
		return false
	}
	for i := range cs {
		c, g := strings.ToLower(cs[i]), strings.ToLower(gs[i])
		if r, ok := renamed[c]; ok {
			c = r
		}
		if c != g && strings.TrimSuffix(c, "seconds") != g {
			return false
		}
	}
	return true
}

// TestInputsReachTheirGoField fills every cross-language input of the four
// components with a value of its own (a token, or a number) and finds each
// value again in the Go Args the inputs convert to: it must reach the Go
// field of the same name, and only that one. A swapped, dropped or
// constant conversion fails here, naming the input (TestEveryGoInputIsReachable
// checks the other direction: every Go field is reached).
func TestInputsReachTheirGoField(t *testing.T) {
	check := func(name string, tr *tracer, goArgs any) {
		found := map[int][]string{}
		find(name, reflect.ValueOf(goArgs), found)
		for n, cross := range tr.paths {
			if slices.ContainsFunc(slices.Collect(maps.Keys(untraced)), func(k string) bool { return strings.Contains(cross, k) }) {
				continue
			}
			got := found[n]
			if len(got) != 1 || !sameField(cross, got[0]) {
				t.Errorf("%s's value reaches %v, want exactly its Go field", cross, got)
			}
		}
	}
	tr := &tracer{paths: map[int]string{}}
	var fc FargateClusterArgs
	tr.fill(t, "FargateClusterArgs", reflect.ValueOf(&fc).Elem())
	check("FargateClusterArgs", tr, goClusterArgs(fc))

	_, err := mockstack.Run(func(ctx *pulumi.Context) error {
		dep, err := kubernetes.NewProvider(ctx, "namespace-stand-in", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		opt := pulumi.Composite(pulumi.DependsOn([]pulumi.Resource{dep}))
		tr := &tracer{paths: map[int]string{}}
		var ir IRSARoleArgs
		tr.fill(t, "IRSARoleArgs", reflect.ValueOf(&ir).Elem())
		goIR, err := goIRSAArgs(ctx, "x", ir, placeholderProvider, opt)
		if err != nil {
			return err
		}
		check("IRSARoleArgs", tr, goIR)

		tr = &tracer{paths: map[int]string{}}
		var lb LBCReleaseArgs
		tr.fill(t, "LBCReleaseArgs", reflect.ValueOf(&lb).Elem())
		goLB, err := goLBCArgs(ctx, "x", lb, placeholderProvider, opt)
		if err != nil {
			return err
		}
		check("LBCReleaseArgs", tr, goLB)

		tr = &tracer{paths: map[int]string{}}
		var am AwsAuthMappingArgs
		tr.fill(t, "AwsAuthMappingArgs", reflect.ValueOf(&am).Elem())
		goAM, err := goAuthArgs(ctx, "x", am, placeholderProvider, opt)
		if err != nil {
			return err
		}
		check("AwsAuthMappingArgs", tr, goAM)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
