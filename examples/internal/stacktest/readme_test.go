package stacktest

import (
	"reflect"
	"testing"
)

func TestReadmeRegion(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		wantErr         bool
	}{
		{"whole file", "package main\n\nfunc main() {}\n", "package main\n\nfunc main() {}\n", false},
		{"region dedented", "func f() {\n\t// README:begin\n\tx := 1\n\tif x > 0 {\n\t\tx++\n\t}\n\n\t// README:end\n}\n", "x := 1\nif x > 0 {\n\tx++\n}\n\n", false},
		{"blank first line", "\t// README:begin\n\n\t\ty()\n\tz()\n\t// README:end\n", "\n\ty()\nz()\n", false},
		{"end before begin", "// README:end\nx\n// README:begin\n", "", true},
		{"begin only", "// README:begin\nx\n", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readmeRegion(tc.src)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGoBlocks(t *testing.T) {
	doc := "# t\n\n```sh\nmake\n```\n\n```go\na := 1\n\n```\ntext\n  ```go\n\tb()\n  ```\n```go\nunterminated\n"
	want := []string{"a := 1\n\n", "\tb()\n"}
	if got := goBlocks(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
