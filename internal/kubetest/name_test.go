package kubetest

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestNamespaceName(t *testing.T) {
	for _, in := range []string{
		"TestX",
		"TestFoo/sub_test#01",
		"",
		"---",
		strings.Repeat("TestVeryLongName/", 10),
		"Test/" + strings.Repeat("a", 56) + "-b",
	} {
		got := namespaceName(in)
		if errs := validation.IsDNS1123Label(got); len(errs) > 0 {
			t.Errorf("namespaceName(%q) = %q: %v", in, got, errs)
		}
		if a, b := namespaceName(in), namespaceName(in); a == b {
			t.Errorf("namespaceName(%q) twice gave %q both times", in, a)
		}
	}
	if got := namespaceName("TestFoo/Bar_baz"); !strings.HasPrefix(got, "testfoo-bar-baz-") {
		t.Errorf("namespaceName(TestFoo/Bar_baz) = %q", got)
	}
}
