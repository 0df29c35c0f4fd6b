package eksfargate

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/fargatekit/fargatekit/internal/golden"
	"github.com/fargatekit/fargatekit/internal/kubetest"
	"github.com/fargatekit/fargatekit/internal/partition"
)

const opensearchARN = "arn:aws:es:eu-west-1:123456789012:domain/logs"

func TestRenderLoggingConfigGolden(t *testing.T) {
	tests := []struct {
		name string
		spec LoggingSpec
	}{
		{"cloudwatch", LoggingSpec{CloudWatch: &CloudWatchLogs{}}},
		{"cloudwatch-kubernetes", LoggingSpec{CloudWatch: &CloudWatchLogs{LogGroupName: "/team/pods", LogStreamPrefix: "pod-", RetentionDays: 7},
			KubernetesMetadata: true, FluentBitProcessLogs: true,
			Filters: "[FILTER]\n    Name grep\n    Match kube.*\n    Exclude log ^healthz\n",
			Parsers: "[PARSER]\n    Name crio\n    Format Regex\n    Regex ^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>P|F) (?<log>.*)$\n    Time_Key time\n    Time_Format %Y-%m-%dT%H:%M:%S.%L%z\n"}},
		{"firehose", LoggingSpec{Firehose: &FirehoseLogs{DeliveryStream: "my-stream"}}},
		{"kinesis", LoggingSpec{Kinesis: &KinesisLogs{Stream: "pods"}}},
		{"opensearch", LoggingSpec{OpenSearch: &OpenSearchLogs{DomainARN: opensearchARN, Endpoint: "search-logs-abc.eu-west-1.es.amazonaws.com", Index: "pods"}}},
		{"all", LoggingSpec{CloudWatch: &CloudWatchLogs{}, Firehose: &FirehoseLogs{DeliveryStream: "s"}, Kinesis: &KinesisLogs{Stream: "k"},
			OpenSearch: &OpenSearchLogs{DomainARN: opensearchARN, Endpoint: "search-logs-abc.eu-west-1.es.amazonaws.com", Index: "pods"}}},
	}
	p, _ := partition.ByID("aws")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.spec.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			data, err := RenderLoggingConfig(tt.spec, "demo", "us-west-2")
			if err != nil {
				t.Fatalf("RenderLoggingConfig: %v", err)
			}
			cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": LoggingConfigMapName, "namespace": ObservabilityNamespace}, "data": data}
			b, err := yaml.Marshal(cm)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "testdata/logging-"+tt.name+".yaml", b)
			doc, err := LoggingPolicy(p, "us-west-2", "123456789012", "demo", tt.spec)
			if err != nil {
				t.Fatalf("LoggingPolicy: %v", err)
			}
			golden.Assert(t, "testdata/logging-policy-"+tt.name+".json", indent(t, doc))
		})
	}
}

func TestValidateLoggingConfigRules(t *testing.T) {
	const out = "[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region us-east-1\n    log_group_name g\n"
	tests := []struct {
		name string
		data map[string]string
		want []string // substrings, one error each
	}{
		{"ok", map[string]string{LoggingKeyOutput: out, LoggingKeyProcessLogs: "false"}, nil},
		{"ok case-insensitive keys and tabs", map[string]string{LoggingKeyOutput: "[OUTPUT]\n\tname es\n\tMATCH *\n"}, nil},
		{"no output", map[string]string{LoggingKeyFilters: "[FILTER]\n    Name grep\n    Match *\n"}, []string{"no [OUTPUT] section"}},
		{"unknown key", map[string]string{LoggingKeyOutput: out, "fluent-bit.conf": "x"}, []string{"not a key the log router reads"}},
		{"flb_log_cw", map[string]string{LoggingKeyOutput: out, LoggingKeyProcessLogs: "yes"}, []string{`"true" or "false"`}},
		{"service section", map[string]string{LoggingKeyOutput: "[SERVICE]\n    Flush 1\n" + out}, []string{"[SERVICE] is not allowed in output.conf"}},
		{"input section", map[string]string{LoggingKeyOutput: out, LoggingKeyFilters: "[INPUT]\n    Name tail\n"}, []string{"[INPUT] is not allowed in filters.conf"}},
		{"filter in output.conf", map[string]string{LoggingKeyOutput: out + "[FILTER]\n    Name grep\n    Match *\n"}, []string{"[FILTER] is not allowed in output.conf"}},
		{"missing match", map[string]string{LoggingKeyOutput: "[OUTPUT]\n    Name es\n"}, []string{"without Match"}},
		{"parser without format", map[string]string{LoggingKeyOutput: out, LoggingKeyParsers: "[PARSER]\n    Name p\n"}, []string{"without Format"}},
		{"unsupported filter", map[string]string{LoggingKeyOutput: out, LoggingKeyFilters: "[FILTER]\n    Name lua\n    Match *\n"}, []string{`filter "lua" is not supported`}},
		{"unsupported output", map[string]string{LoggingKeyOutput: "[OUTPUT]\n    Name s3\n    Match *\n"}, []string{`output "s3" is not supported`}},
		{"env var", map[string]string{LoggingKeyOutput: "[OUTPUT]\n    Name es\n    Match *\n    Host ${HOST}\n"}, []string{"environment variables"}},
		{"include", map[string]string{LoggingKeyOutput: "@INCLUDE x.conf\n" + out}, []string{"commands"}},
		{"mixed key indentation", map[string]string{LoggingKeyOutput: "[OUTPUT]\n    Name es\n  Match *\n"}, []string{"one indentation for all key-value pairs"}},
		{"mixed header indentation", map[string]string{LoggingKeyOutput: out + "  [OUTPUT]\n    Name es\n    Match *\n"}, []string{"one indentation for all sections"}},
		{"key not deeper than header", map[string]string{LoggingKeyOutput: "[OUTPUT]\nName es\nMatch *\n"}, []string{"indented more", "indented more"}},
		{"key outside section", map[string]string{LoggingKeyOutput: "Name es\n" + out}, []string{"outside any section"}},
		{"kube owned", map[string]string{LoggingKeyOutput: out, LoggingKeyFilters: "[FILTER]\n    Name kubernetes\n    Match kube.*\n    Kube_URL https://x\n"}, []string{"kube_url is set by Fargate"}},
		{"too big", map[string]string{LoggingKeyOutput: out + "# " + strings.Repeat("x", MaxLoggingConfigChars) + "\n"}, []string{"characters; the ConfigMap may have at most 5300"}},
		{"no value", map[string]string{LoggingKeyOutput: "[OUTPUT]\n    Name es\n    Match\n"}, []string{`key "Match" has no value`, "without Match"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateLoggingConfig(tt.data)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("ValidateLoggingConfig: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidLoggingConfig) {
				t.Fatalf("ValidateLoggingConfig = %v, want ErrInvalidLoggingConfig", err)
			}
			var n int
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				if j, ok := e.(interface{ Unwrap() []error }); ok {
					n += len(j.Unwrap())
				} else if e != nil {
					n++
				}
			}
			if n != len(tt.want) {
				t.Errorf("%d problems, want %d: %v", n, len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			var le *LoggingConfigError
			if !errors.As(err, &le) || le.Key == "" && !strings.Contains(le.Problem, "characters") {
				t.Errorf("no *LoggingConfigError naming the key in %v", err)
			}
		})
	}
}

func TestLoggingSpecValidate(t *testing.T) {
	tests := []struct {
		name string
		spec LoggingSpec
		want []string
	}{
		{"no output", LoggingSpec{KubernetesMetadata: true}, []string{"Logging: set at least one output"}},
		{"retention", LoggingSpec{CloudWatch: &CloudWatchLogs{RetentionDays: 10}}, []string{"Logging.CloudWatch.RetentionDays: 10"}},
		{"group and prefix", LoggingSpec{CloudWatch: &CloudWatchLogs{LogGroupName: "a b", LogStreamPrefix: "x:y"}},
			[]string{"Logging.CloudWatch.LogGroupName", "Logging.CloudWatch.LogStreamPrefix"}},
		{"injection", LoggingSpec{Firehose: &FirehoseLogs{DeliveryStream: "s\n[SERVICE]"}}, []string{"Logging.Firehose.DeliveryStream"}},
		{"kinesis", LoggingSpec{Kinesis: &KinesisLogs{}}, []string{"Logging.Kinesis.Stream"}},
		{"opensearch", LoggingSpec{OpenSearch: &OpenSearchLogs{DomainARN: "arn:aws:s3:::b", Endpoint: "https://x", Index: "Pods"}},
			[]string{"Logging.OpenSearch.DomainARN", "Logging.OpenSearch.Endpoint", "Logging.OpenSearch.Index"}},
		{"raw filters checked", LoggingSpec{CloudWatch: &CloudWatchLogs{}, Filters: "[FILTER]\n    Name lua\n    Match *\n"}, []string{`Logging: eksfargate: aws-logging filters.conf:1: filter "lua"`}},
		{"raw parsers checked", LoggingSpec{CloudWatch: &CloudWatchLogs{}, Parsers: "[INPUT]\n    Name tail\n"}, []string{"[INPUT] is not allowed in parsers.conf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("Validate = %v, want ErrInvalidSpec", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// Through the cluster spec: the same errors, with the others.
	s := ClusterSpec{ClusterName: "demo", Logging: &LoggingSpec{CloudWatch: &CloudWatchLogs{RetentionDays: 2}}, LogTypes: []string{"nope"}}
	err := s.Validate()
	for _, w := range []string{"Logging.CloudWatch.RetentionDays", "LogTypes[0]"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("ClusterSpec.Validate = %v, want %q", err, w)
		}
	}
}

func FuzzValidateLoggingConfig(f *testing.F) {
	f.Add("[OUTPUT]\n    Name es\n    Match *\n", "[FILTER]\n    Name grep\n    Match *\n", "")
	f.Add("[SERVICE]\n  x\n", "@INCLUDE a", "[PARSER]\n\tName p\n\tFormat json\n")
	f.Add("\n\n  [OUTPUT  ]\n${X}", "[", "]")
	f.Fuzz(func(t *testing.T, out, filters, parsers string) {
		data := map[string]string{LoggingKeyOutput: out, LoggingKeyFilters: filters, LoggingKeyParsers: parsers}
		err := ValidateLoggingConfig(data)
		if err != nil && !errors.Is(err, ErrInvalidLoggingConfig) {
			t.Fatalf("error %v does not wrap ErrInvalidLoggingConfig", err)
		}
		if err == nil && !hasSection(out, "OUTPUT") {
			t.Fatalf("accepted output.conf without [OUTPUT]: %q", out)
		}
	})
}

// TestApplyLoggingOnAPIServer applies the namespace and the ConfigMap on
// the real API server, twice, with another manager's label and data key
// present: they survive, and a key this package dropped is removed. It uses
// a namespace of its own (the option is internal): a deleted namespace
// stays Terminating on an API server without controllers, so the test does
// not reuse the fixed aws-observability name.
func TestApplyLoggingOnAPIServer(t *testing.T) {
	cs, cfg := kubetest.Clientset(t)
	ns := kubetest.Namespace(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inNS := func(s *loggingSettings) { s.namespace = ns }

	first, err := RenderLoggingConfig(LoggingSpec{CloudWatch: &CloudWatchLogs{}, KubernetesMetadata: true}, "demo", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ApplyLogging(ctx, cs, first, inNS); err != nil {
		t.Fatalf("ApplyLogging: %v", err)
	}
	// Someone else labels the namespace and adds a key (their field manager).
	if _, err := cs.CoreV1().Namespaces().Apply(ctx, corev1ac.Namespace(ns).WithLabels(map[string]string{"team": "obs"}),
		metav1.ApplyOptions{FieldManager: "other"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Apply(ctx, corev1ac.ConfigMap(LoggingConfigMapName, ns).WithData(map[string]string{"note": "theirs"}),
		metav1.ApplyOptions{FieldManager: "other"}); err != nil {
		t.Fatal(err)
	}
	second, err := RenderLoggingConfig(LoggingSpec{Firehose: &FirehoseLogs{DeliveryStream: "s"}}, "demo", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	res, err := ApplyLogging(ctx, cs, second, inNS)
	if err != nil {
		t.Fatalf("ApplyLogging again: %v", err)
	}
	if res.Namespace != ns || res.ConfigMap != LoggingConfigMapName || res.ResourceVersion == "" {
		t.Errorf("result %+v", res)
	}
	n, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Labels[ObservabilityLabel] != ObservabilityLabelValue || n.Labels["team"] != "obs" || n.Labels[kubetest.ManagedByLabel] != "kubetest" {
		t.Errorf("namespace labels %v", n.Labels)
	}
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, LoggingConfigMapName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.Data[LoggingKeyOutput] != second[LoggingKeyOutput] || cm.Data["note"] != "theirs" {
		t.Errorf("data %v", cm.Data)
	}
	if _, ok := cm.Data[LoggingKeyFilters]; ok {
		t.Errorf("filters.conf (applied first, not second) kept: %v", cm.Data)
	}
	// An invalid configuration is refused before anything is written.
	if _, err := ApplyLogging(ctx, cs, map[string]string{LoggingKeyOutput: "[INPUT]\n    Name tail\n"}, inNS); !errors.Is(err, ErrInvalidLoggingConfig) {
		t.Errorf("ApplyLogging(invalid) = %v", err)
	}
	after, _ := cs.CoreV1().ConfigMaps(ns).Get(ctx, LoggingConfigMapName, metav1.GetOptions{})
	if after.ResourceVersion != cm.ResourceVersion {
		t.Errorf("refused config changed the ConfigMap")
	}
}
