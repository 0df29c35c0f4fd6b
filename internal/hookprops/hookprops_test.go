package hookprops

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestString(t *testing.T) {
	props := resource.PropertyMap{
		"name": resource.NewStringProperty("demo"),
		"tags": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"env": resource.MakeSecret(resource.NewStringProperty("prod")),
		})),
		"replicas": resource.NewNumberProperty(2),
	}
	for _, tt := range []struct {
		path []string
		want string
	}{
		{[]string{"name"}, "demo"},
		{[]string{"tags", "env"}, "prod"},
		{[]string{"tags", "missing"}, ""},
		{[]string{"name", "deeper"}, ""},
		{[]string{"replicas"}, ""},
		{[]string{"absent"}, ""},
	} {
		if got := String(props, tt.path...); got != tt.want {
			t.Errorf("String(%v) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if v := Unsecret(resource.MakeSecret(resource.MakeSecret(resource.NewStringProperty("x")))); !v.IsString() || v.StringValue() != "x" {
		t.Errorf("Unsecret of a nested secret = %v", v)
	}
}
