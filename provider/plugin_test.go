package provider_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	lbcsdk "github.com/fargatekit/fargatekit/sdk/lbc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// buildPlugin builds cmd/pulumi-resource-fargatekit into dir with extra go
// build flags and returns the binary's path.
func buildPlugin(t *testing.T, dir string, flags ...string) string {
	t.Helper()
	bin := filepath.Join(dir, "pulumi-resource-fargatekit")
	args := append(append([]string{"build", "-o", bin}, flags...), "./cmd/pulumi-resource-fargatekit")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
	return bin
}

// startPlugin starts the plugin binary in dir as the engine does (the
// plugin prints its gRPC port on stdout; without an engine address it runs
// attached) and returns a client; the plugin is interrupted at the end of
// the test, as the engine stops it.
func startPlugin(t *testing.T, bin, dir string) pulumirpc.ResourceProviderClient {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	port, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the plugin's port: %v", err)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return pulumirpc.NewResourceProviderClient(conn)
}

// servedSchema asks the plugin for its version and schema, as `pulumi
// package get-schema <binary>` does.
func servedSchema(t *testing.T, client pulumirpc.ResourceProviderClient) (string, map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	info, err := client.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatalf("GetPluginInfo: %v", err)
	}
	resp, err := client.GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
	if err != nil {
		t.Fatalf("GetSchema: %v", err)
	}
	var schema map[string]any
	if err := json.Unmarshal([]byte(resp.GetSchema()), &schema); err != nil {
		t.Fatalf("the served schema: %v", err)
	}
	return info.GetVersion(), schema
}

// TestPluginBinary builds the plugin as `pulumi package add` does (from
// source, no -ldflags) and starts it as the engine does, twice:
//   - in the directory Pulumi installs a checkout of tag v0.0.0-dev into:
//     the schema it serves over gRPC, what `pulumi package get-schema`
//     reads, must be the golden testdata/schema.json
//     (provider/scripts/check-schema.sh also checks it through the pulumi
//     CLI itself, on a release build);
//   - in the directory of tag v1.4.0 of `pulumi package add
//     github.com/fargatekit/fargatekit.git/provider/cmd/pulumi-resource-fargatekit@v1.4.0`:
//     the plugin reports 1.4.0, and so does its schema, which the generated
//     SDKs take their version from (Go stamps the build only with a
//     pseudo-version there: the nested module's tags are provider/vX.Y.Z).
func TestPluginBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: builds the plugin")
	}
	bin := buildPlugin(t, t.TempDir())
	pluginDir := func(tag string) string {
		dir := filepath.Join(t.TempDir(), "plugins",
			"resource-github.com_fargatekit_fargatekit.git_provider_cmd_pulumi-resource-fargatekit-"+tag,
			"provider", "cmd", "pulumi-resource-fargatekit")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}

	t.Run("schema", func(t *testing.T) {
		version, got := servedSchema(t, startPlugin(t, bin, pluginDir("v0.0.0-dev")))
		if version != "0.0.0-dev" {
			t.Errorf("GetPluginInfo version %q, want 0.0.0-dev", version)
		}
		raw, err := os.ReadFile("testdata/schema.json")
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		for _, k := range slices.Sorted(maps.Keys(maps.Collect(func(yield func(string, bool) bool) {
			for k := range got {
				yield(k, true)
			}
			for k := range want {
				yield(k, true)
			}
		}))) {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("the plugin's schema differs from testdata/schema.json at %q", k)
			}
		}
	})

	t.Run("functions are the Go renderers", func(t *testing.T) {
		client := startPlugin(t, bin, pluginDir("v0.0.0-dev"))
		invoke := func(token string, args map[string]any) (map[string]any, error) {
			in, err := structpb.NewStruct(args)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: token, Args: in})
			if err != nil {
				return nil, err
			}
			if len(resp.GetFailures()) > 0 {
				return nil, fmt.Errorf("%v", resp.GetFailures())
			}
			return resp.GetReturn().AsMap(), nil
		}

		for _, delay := range []int{0, 30, 120} {
			got, err := invoke("fargatekit:lbc:podTermination", map[string]any{"deregistrationDelaySeconds": delay})
			if err != nil {
				t.Fatalf("podTermination(%d): %v", delay, err)
			}
			d := time.Duration(delay) * time.Second
			want, err := lbcsdk.Termination(lbcsdk.TerminationSpec{DeregistrationDelay: &d})
			if err != nil {
				t.Fatal(err)
			}
			if got["preStopSleepSeconds"] != want.PreStopSleep.Seconds() ||
				got["terminationGracePeriodSeconds"] != float64(want.TerminationGracePeriodSeconds) ||
				got["deregistrationDelaySeconds"] != float64(delay) {
				t.Errorf("podTermination(%d) = %v, want Go's %v", delay, got, want)
			}
		}
		got, err := invoke("fargatekit:lbc:podTermination", map[string]any{})
		if err != nil || got["deregistrationDelaySeconds"] != lbcsdk.DefaultDeregistrationDelay.Seconds() {
			t.Errorf("podTermination() = %v, %v; want the default delay %v", got, err, lbcsdk.DefaultDeregistrationDelay)
		}
		if _, err := invoke("fargatekit:lbc:podTermination", map[string]any{"deregistrationDelaySeconds": 4000}); err == nil ||
			!strings.Contains(err.Error(), "deregistration delay 1h6m40s is not whole seconds in 0s..1h") {
			t.Errorf("podTermination(4000): %v, want Go's refusal", err)
		}

		args := map[string]any{
			"fargate": true, "scheme": "internet-facing", "deregistrationDelaySeconds": 30,
			"listenPorts":     []any{map[string]any{"protocol": "HTTP", "port": 80}, map[string]any{"protocol": "HTTPS", "port": 443}},
			"certificateArns": []any{"arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"},
			"sslRedirect":     443,
			"healthCheck":     map[string]any{"path": "/healthz"},
		}
		got, err = invoke("fargatekit:lbc:ingressAnnotations", args)
		if err != nil {
			t.Fatalf("ingressAnnotations: %v", err)
		}
		d := 30 * time.Second
		want, err := lbcsdk.IngressAnnotations{
			LoadBalancer: lbcsdk.LoadBalancer{
				Fargate: true, Scheme: lbcsdk.SchemeInternetFacing, DeregistrationDelay: &d,
				CertificateARNs: []string{"arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"},
				HealthCheck:     lbcsdk.HealthCheck{Path: "/healthz"},
			},
			ListenPorts: []lbcsdk.ListenPort{{Protocol: "HTTP", Port: 80}, {Protocol: "HTTPS", Port: 443}},
			SSLRedirect: 443,
		}.Build()
		if err != nil {
			t.Fatal(err)
		}
		wantAny := map[string]any{}
		for k, v := range want {
			wantAny[k] = v
		}
		if !reflect.DeepEqual(got["annotations"], wantAny) {
			t.Errorf("ingressAnnotations = %v, want Go's %v", got["annotations"], want)
		}
		_, err = invoke("fargatekit:lbc:ingressAnnotations", map[string]any{"fargate": true, "targetType": "instance", "groupOrder": 5})
		for _, w := range []string{"alb.ingress.kubernetes.io/target-type", "alb.ingress.kubernetes.io/group.order", "group.order without group.name"} {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("ingressAnnotations(instance on Fargate, order without group): %v, want every refusal (%q)", err, w)
			}
		}
	})

	t.Run("version of the tag", func(t *testing.T) {
		version, schema := servedSchema(t, startPlugin(t, bin, pluginDir("v1.4.0")))
		if version != "1.4.0" || schema["version"] != "1.4.0" {
			t.Errorf("plugin version %q, schema version %v; want 1.4.0 (the tag Pulumi checked out)", version, schema["version"])
		}
	})
}
