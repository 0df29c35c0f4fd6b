package installcmd

import "testing"

func TestFargatekit(t *testing.T) {
	want := "go install github.com/fargatekit/fargatekit/cmd/fargatekit@v1.2.3 github.com/fargatekit/fargatekit/cmd/fargatekit-admin@v1.2.3"
	if got := Fargatekit("v1.2.3"); got != want {
		t.Errorf("Fargatekit = %q, want %q", got, want)
	}
}
