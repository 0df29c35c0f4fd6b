// Package hookprops reads the property maps a Pulumi resource hook is given
// (ResourceHookArgs' NewInputs, OldInputs, OldOutputs), through secrets:
// the one reader of the eksfargate, lbc and authmap hooks.
package hookprops

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Unsecret unwraps secret values (nested secrets included).
func Unsecret(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// String reads the string at a path of object keys, through secrets; ""
// when a step is missing or not an object, or the value is not a string.
func String(props resource.PropertyMap, path ...string) string {
	v := resource.NewObjectProperty(props)
	for _, k := range path {
		if v = Unsecret(v); !v.IsObject() {
			return ""
		}
		v = v.ObjectValue()[resource.PropertyKey(k)]
	}
	if v = Unsecret(v); !v.IsString() {
		return ""
	}
	return v.StringValue()
}
