package eksfargate

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fargatekit/fargatekit/internal/iampolicy"
	"github.com/fargatekit/fargatekit/internal/partition"
)

// Fargate's built-in log router (Fluent Bit) reads one ConfigMap, by these
// names, in a namespace carrying this label (EKS user guide, "Start AWS
// Fargate logging for your cluster", fargate-logging.html).
const (
	// ObservabilityNamespace is the namespace the log router reads.
	ObservabilityNamespace = "aws-observability"
	// ObservabilityLabel is the label key the namespace must carry, with
	// the value [ObservabilityLabelValue].
	ObservabilityLabel = "aws-observability"
	// ObservabilityLabelValue is the value of [ObservabilityLabel].
	ObservabilityLabelValue = "enabled"
	// LoggingConfigMapName is the ConfigMap the log router reads.
	LoggingConfigMapName = "aws-logging"
	// MaxLoggingConfigChars is the size limit of the ConfigMap (its data:
	// keys and values, counted in characters).
	MaxLoggingConfigChars = 5300
)

// The keys of the aws-logging ConfigMap: the only ones the log router accepts.
const (
	LoggingKeyOutput  = "output.conf"
	LoggingKeyFilters = "filters.conf"
	LoggingKeyParsers = "parsers.conf"
	// LoggingKeyProcessLogs is "true" to ship the Fluent Bit process logs
	// to CloudWatch (log group <cluster>-fluent-bit-logs), else "false".
	LoggingKeyProcessLogs = "flb_log_cw"
)

// DefaultLogRetentionDays is the retention of the created log group when
// CloudWatchLogs.RetentionDays is 0.
const DefaultLogRetentionDays = 30

// DefaultLogStreamPrefix is the CloudWatch log stream prefix when
// CloudWatchLogs.LogStreamPrefix is empty.
const DefaultLogStreamPrefix = "fargate-"

// logMatch is the tag every rendered section matches: the log router's
// input tags container logs kube.*.
const logMatch = "kube.*"

// ErrInvalidLoggingConfig is wrapped by every problem
// [ValidateLoggingConfig] finds in an aws-logging ConfigMap, and (through a
// [*FieldError]) by Validate for a LoggingSpec that renders one.
var ErrInvalidLoggingConfig = errors.New("eksfargate: invalid Fargate logging ConfigMap")

// LoggingConfigError is one problem of an aws-logging ConfigMap: the data
// key, the line (1-based, 0 for the whole value) and what is wrong.
type LoggingConfigError struct {
	// Key is the ConfigMap data key ("output.conf", ...), or "" for the whole map.
	Key string
	// Line is the 1-based line in the value, or 0.
	Line int
	// Problem says what is wrong, naming the rule.
	Problem string
}

// Error implements error.
func (e *LoggingConfigError) Error() string {
	where := e.Key
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}
	if where == "" {
		return "eksfargate: aws-logging: " + e.Problem
	}
	return "eksfargate: aws-logging " + where + ": " + e.Problem
}

// Is makes errors.Is(err, ErrInvalidLoggingConfig) true.
func (e *LoggingConfigError) Is(target error) bool { return target == ErrInvalidLoggingConfig }

// LoggingSpec turns on Fargate logging: the aws-observability namespace, the
// aws-logging ConfigMap rendered from the typed outputs below, the log group
// (CloudWatch) and an IAM policy on the pod-execution role allowing exactly
// the destinations configured. At least one output is set. Fargate reads
// the ConfigMap when a pod starts: pods running before it existed (or
// changed) log the old way until restarted ([RollDeployments]).
type LoggingSpec struct {
	// CloudWatch sends container logs to a CloudWatch Logs group that
	// fargatekit creates (with retention).
	CloudWatch *CloudWatchLogs `json:"cloudWatch,omitempty"`
	// Firehose sends them to an Amazon Data Firehose delivery stream.
	Firehose *FirehoseLogs `json:"firehose,omitempty"`
	// Kinesis sends them to a Kinesis data stream.
	Kinesis *KinesisLogs `json:"kinesis,omitempty"`
	// OpenSearch sends them to an Amazon OpenSearch Service domain.
	OpenSearch *OpenSearchLogs `json:"openSearch,omitempty"`
	// KubernetesMetadata adds the kubernetes filter (pod, namespace,
	// labels in each record), as EKS documents it: Buffer_Size 0 and a
	// 300s metadata cache.
	KubernetesMetadata bool `json:"kubernetesMetadata,omitempty"`
	// Filters are extra [FILTER] sections (Fluent Bit classic format),
	// appended to filters.conf and checked with Fargate's rules. With
	// KubernetesMetadata, indent like the rendered filter (headers at column
	// 0, keys at 4 spaces): Fargate wants one indentation per value.
	Filters string `json:"filters,omitempty"`
	// Parsers are [PARSER] sections for parsers.conf, checked the same way.
	Parsers string `json:"parsers,omitempty"`
	// FluentBitProcessLogs ships the log router's own logs to CloudWatch
	// (flb_log_cw; extra ingestion cost), to a group Fargate names
	// <cluster>-fluent-bit-logs.
	FluentBitProcessLogs bool `json:"fluentBitProcessLogs,omitempty"`
}

// CloudWatchLogs is the cloudwatch_logs output.
type CloudWatchLogs struct {
	// LogGroupName defaults to /aws/eks/<cluster>/fargate ([LoggingSpec.LogGroupName]).
	LogGroupName string `json:"logGroupName,omitempty"`
	// LogStreamPrefix defaults to [DefaultLogStreamPrefix]; the log tag follows it.
	LogStreamPrefix string `json:"logStreamPrefix,omitempty"`
	// RetentionDays is one of the values CloudWatch Logs accepts
	// ([LogRetentionDays]); 0 means [DefaultLogRetentionDays].
	RetentionDays int `json:"retentionDays,omitempty"`
}

// FirehoseLogs is the kinesis_firehose output.
type FirehoseLogs struct {
	// DeliveryStream is the delivery stream's name, in the cluster's region and account.
	DeliveryStream string `json:"deliveryStream"`
}

// KinesisLogs is the kinesis output (the data-streams plugin Fargate accepts).
type KinesisLogs struct {
	// Stream is the data stream's name, in the cluster's region and account.
	Stream string `json:"stream"`
}

// OpenSearchLogs is the es output, signed with the pod-execution role
// (AWS_Auth On). The domain's access control must map that role (see the
// EKS guide).
type OpenSearchLogs struct {
	// DomainARN is the domain's ARN (arn:<partition>:es:<region>:<account>:domain/<name>);
	// the policy allows es:ESHttp* on it and AWS_Region is its region.
	DomainARN string `json:"domainArn"`
	// Endpoint is the domain's host name, without scheme or port.
	Endpoint string `json:"endpoint"`
	// Index is the index written to.
	Index string `json:"index"`
}

// LogRetentionDays lists the retention periods CloudWatch Logs accepts
// (PutRetentionPolicy, retentionInDays).
func LogRetentionDays() []int {
	return []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
}

var (
	logGroupRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`) })
	streamRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,128}$`) })
	firehoseRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`) })
	prefixRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^:*\s]{1,400}$`) })
	hostRE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9\-.]*[A-Za-z0-9])?$`) })
	indexRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9_.+\-]{0,254}$`) })
	sectionRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[([A-Za-z_]+)\]$`) })
)

// LogGroupName is the CloudWatch log group of the cluster's Fargate pods:
// CloudWatch.LogGroupName, else /aws/eks/<cluster>/fargate (next to the
// control plane's /aws/eks/<cluster>/cluster).
func (l LoggingSpec) LogGroupName(cluster string) string {
	if l.CloudWatch != nil && l.CloudWatch.LogGroupName != "" {
		return l.CloudWatch.LogGroupName
	}
	return "/aws/eks/" + cluster + "/fargate"
}

// RetentionDays is the created log group's retention.
func (l LoggingSpec) RetentionDays() int {
	if l.CloudWatch != nil && l.CloudWatch.RetentionDays != 0 {
		return l.CloudWatch.RetentionDays
	}
	return DefaultLogRetentionDays
}

// Validate checks the typed outputs and the ConfigMap they render (with a
// placeholder cluster and region), reporting every problem at once as
// [*FieldError]s under "Logging".
func (l LoggingSpec) Validate() error {
	var errs []error
	if l.CloudWatch == nil && l.Firehose == nil && l.Kinesis == nil && l.OpenSearch == nil {
		errs = append(errs, kindErr(ErrInvalidLoggingConfig, "Logging", "set at least one output (CloudWatch, Firehose, Kinesis, OpenSearch): the log router needs one"))
	}
	if c := l.CloudWatch; c != nil {
		if c.LogGroupName != "" && !logGroupRE().MatchString(c.LogGroupName) {
			errs = append(errs, fieldErr("Logging.CloudWatch.LogGroupName", "%q: 1-512 letters, digits, '.', '-', '_', '/' or '#'", c.LogGroupName))
		}
		if c.LogStreamPrefix != "" && !prefixRE().MatchString(c.LogStreamPrefix) {
			errs = append(errs, fieldErr("Logging.CloudWatch.LogStreamPrefix", "%q: no ':', '*' or whitespace", c.LogStreamPrefix))
		}
		if c.RetentionDays != 0 && !slices.Contains(LogRetentionDays(), c.RetentionDays) {
			errs = append(errs, kindErr(ErrInvalidLogRetention, "Logging.CloudWatch.RetentionDays", "%d is not a CloudWatch Logs retention (%v)", c.RetentionDays, LogRetentionDays()))
		}
	}
	if f := l.Firehose; f != nil && !firehoseRE().MatchString(f.DeliveryStream) {
		errs = append(errs, fieldErr("Logging.Firehose.DeliveryStream", "%q: 1-64 letters, digits, '_', '.' or '-'", f.DeliveryStream))
	}
	if k := l.Kinesis; k != nil && !streamRE().MatchString(k.Stream) {
		errs = append(errs, fieldErr("Logging.Kinesis.Stream", "%q: 1-128 letters, digits, '_', '.' or '-'", k.Stream))
	}
	if o := l.OpenSearch; o != nil {
		if a, err := partition.ParseARN(o.DomainARN, "es", "domain/"); err != nil {
			errs = append(errs, fieldErr("Logging.OpenSearch.DomainARN", "%v", err))
		} else if a.Region == "" {
			errs = append(errs, fieldErr("Logging.OpenSearch.DomainARN", "%q has no region", o.DomainARN))
		}
		if len(o.Endpoint) > 253 || !hostRE().MatchString(o.Endpoint) {
			errs = append(errs, fieldErr("Logging.OpenSearch.Endpoint", "%q is not a host name (no scheme, port or path)", o.Endpoint))
		}
		if !indexRE().MatchString(o.Index) {
			errs = append(errs, fieldErr("Logging.OpenSearch.Index", "%q: lowercase letters, digits, '_', '.', '+' or '-', not starting with a symbol", o.Index))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if _, err := RenderLoggingConfig(l, "placeholder", "us-east-1"); err != nil {
		return kindErr(ErrInvalidLoggingConfig, "Logging", "%v", err)
	}
	return nil
}

// RenderLoggingConfig renders the data of the aws-logging ConfigMap for
// the cluster in region: output.conf from the typed outputs, filters.conf
// (the kubernetes filter, then Filters) and parsers.conf when there is
// something to put there, and flb_log_cw. The result is checked with
// [ValidateLoggingConfig]; an error wraps [ErrInvalidLoggingConfig].
func RenderLoggingConfig(l LoggingSpec, cluster, region string) (map[string]string, error) {
	var out strings.Builder
	section := func(b *strings.Builder, name string, kv ...string) {
		b.WriteString("[" + name + "]\n")
		for i := 0; i+1 < len(kv); i += 2 {
			b.WriteString("    " + kv[i] + " " + kv[i+1] + "\n")
		}
	}
	if c := l.CloudWatch; c != nil {
		prefix := c.LogStreamPrefix
		if prefix == "" {
			prefix = DefaultLogStreamPrefix
		}
		// fargatekit creates the group (with retention): the router
		// neither creates it nor sets its retention.
		section(&out, "OUTPUT", "Name", "cloudwatch_logs", "Match", logMatch, "region", region,
			"log_group_name", l.LogGroupName(cluster), "log_stream_prefix", prefix, "auto_create_group", "false")
	}
	if f := l.Firehose; f != nil {
		section(&out, "OUTPUT", "Name", "kinesis_firehose", "Match", logMatch, "region", region, "delivery_stream", f.DeliveryStream)
	}
	if k := l.Kinesis; k != nil {
		section(&out, "OUTPUT", "Name", "kinesis", "Match", logMatch, "region", region, "stream", k.Stream)
	}
	if o := l.OpenSearch; o != nil {
		domainRegion := region
		if a, err := partition.ParseARN(o.DomainARN, "es", "domain/"); err == nil && a.Region != "" {
			domainRegion = a.Region
		}
		section(&out, "OUTPUT", "Name", "es", "Match", logMatch, "Host", o.Endpoint, "Port", "443", "Index", o.Index,
			"AWS_Auth", "On", "AWS_Region", domainRegion, "tls", "On")
	}
	data := map[string]string{LoggingKeyOutput: out.String(), LoggingKeyProcessLogs: strconv.FormatBool(l.FluentBitProcessLogs)}
	var filters strings.Builder
	if l.KubernetesMetadata {
		section(&filters, "FILTER", "Name", "kubernetes", "Match", logMatch, "Merge_Log", "On", "Keep_Log", "Off",
			"Buffer_Size", "0", "Kube_Meta_Cache_TTL", "300s")
	}
	if strings.TrimSpace(l.Filters) != "" {
		filters.WriteString(strings.TrimRight(l.Filters, "\n") + "\n")
	}
	if filters.Len() > 0 {
		data[LoggingKeyFilters] = filters.String()
	}
	if p := strings.TrimSpace(l.Parsers); p != "" {
		data[LoggingKeyParsers] = strings.TrimRight(l.Parsers, "\n") + "\n"
	}
	if err := ValidateLoggingConfig(data); err != nil {
		return nil, err
	}
	return data, nil
}

// Plugins the Fargate log router accepts (fargate-logging.html).
var (
	loggingFilters = []string{"grep", "parser", "record_modifier", "rewrite_tag", "throttle", "nest", "modify", "kubernetes"}
	loggingOutputs = []string{"es", "firehose", "kinesis_firehose", "cloudwatch", "cloudwatch_logs", "kinesis"}
	// kubeOwned are the kubernetes filter's settings Fargate fills in itself.
	kubeOwned = []string{"kube_url", "kube_ca_file", "kube_token_command", "kube_token_file"}
	// keySection is the one section each data key may hold.
	keySection = map[string]string{LoggingKeyOutput: "OUTPUT", LoggingKeyFilters: "FILTER", LoggingKeyParsers: "PARSER"}
)

// ValidateLoggingConfig checks the data of an aws-logging ConfigMap with
// the rules Fargate's log router applies (EKS user guide,
// fargate-logging.html), reporting every problem at once, each a
// [*LoggingConfigError] wrapping [ErrInvalidLoggingConfig]:
//
//   - only the keys output.conf, filters.conf, parsers.conf and flb_log_cw
//     ("true" or "false"); at most 5300 characters in all;
//   - each key holds only its own section ([OUTPUT] in output.conf, [FILTER]
//     in filters.conf, [PARSER] in parsers.conf); no [SERVICE], [INPUT] or
//     other section, no @INCLUDE or @SET;
//   - Name and Match in every [FILTER] and [OUTPUT], Name and Format in every
//     [PARSER] (keys case-insensitive);
//   - filters among grep, parser, record_modifier, rewrite_tag, throttle,
//     nest, modify, kubernetes; outputs among es, firehose, kinesis_firehose,
//     cloudwatch, cloudwatch_logs, kinesis; at least one output;
//   - no environment variables (${...});
//   - one indentation for the section headers and one, deeper, for the
//     key-value pairs within each value;
//   - the kubernetes filter without Kube_URL, Kube_CA_File,
//     Kube_Token_Command or Kube_Token_File (Fargate sets them).
func ValidateLoggingConfig(data map[string]string) error {
	var errs []error
	bad := func(key string, line int, format string, a ...any) {
		errs = append(errs, &LoggingConfigError{Key: key, Line: line, Problem: fmt.Sprintf(format, a...)})
	}
	size := 0
	for _, k := range slices.Sorted(maps.Keys(data)) {
		v := data[k]
		size += utf8.RuneCountInString(k) + utf8.RuneCountInString(v)
		switch k {
		case LoggingKeyProcessLogs:
			if v != "true" && v != "false" {
				bad(k, 0, "%q: \"true\" or \"false\"", v)
			}
		case LoggingKeyOutput, LoggingKeyFilters, LoggingKeyParsers:
			errs = append(errs, checkFluentConf(k, v))
		default:
			bad(k, 0, "not a key the log router reads (output.conf, filters.conf, parsers.conf, flb_log_cw)")
		}
	}
	if size > MaxLoggingConfigChars {
		bad("", 0, "%d characters; the ConfigMap may have at most %d", size, MaxLoggingConfigChars)
	}
	if out, ok := data[LoggingKeyOutput]; !ok || !hasSection(out, "OUTPUT") {
		bad(LoggingKeyOutput, 0, "no [OUTPUT] section: the log router needs at least one supported output")
	}
	return errors.Join(errs...)
}

// hasSection reports whether conf has a header of section.
func hasSection(conf, section string) bool {
	for l := range strings.Lines(conf) {
		if m := sectionRE().FindStringSubmatch(strings.TrimSpace(l)); m != nil && strings.EqualFold(m[1], section) {
			return true
		}
	}
	return false
}

// fluentSection is one parsed section of a classic-mode Fluent Bit file.
type fluentSection struct {
	name string
	line int
	keys map[string]string // lower-cased key -> value
}

// checkFluentConf parses one value and applies the per-key rules.
func checkFluentConf(key, conf string) error {
	var errs []error
	bad := func(line int, format string, a ...any) {
		errs = append(errs, &LoggingConfigError{Key: key, Line: line, Problem: fmt.Sprintf(format, a...)})
	}
	want := keySection[key]
	var sections []*fluentSection
	headerIndent, pairIndent := -1, -1
	n := 0
	for raw := range strings.Lines(conf) {
		n++
		line := strings.TrimRight(raw, "\r\n")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.Contains(line, "${") {
			bad(n, "environment variables (${...}) are not allowed")
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if strings.HasPrefix(trimmed, "@") {
			bad(n, "%q: commands (@INCLUDE, @SET) are not allowed", firstField(trimmed))
			continue
		}
		if strings.HasPrefix(trimmed, "[") {
			m := sectionRE().FindStringSubmatch(trimmed)
			if m == nil {
				bad(n, "%q is not a section header", trimmed)
				continue
			}
			name := strings.ToUpper(m[1])
			if name != want {
				bad(n, "[%s] is not allowed in %s (only [%s]; the log router owns [SERVICE] and [INPUT])", m[1], key, want)
			}
			if headerIndent == -1 {
				headerIndent = indent
			} else if indent != headerIndent {
				bad(n, "section indented %d, the others %d: one indentation for all sections", indent, headerIndent)
			}
			sections = append(sections, &fluentSection{name: name, line: n, keys: map[string]string{}})
			continue
		}
		if len(sections) == 0 {
			bad(n, "%q is outside any section", trimmed)
			continue
		}
		if pairIndent == -1 {
			pairIndent = indent
		} else if indent != pairIndent {
			bad(n, "key indented %d, the others %d: one indentation for all key-value pairs", indent, pairIndent)
		}
		if indent <= headerIndent {
			bad(n, "key %q must be indented more than its section header", firstField(trimmed))
		}
		k, v := trimmed, ""
		if i := strings.IndexAny(trimmed, " \t"); i >= 0 {
			k, v = trimmed[:i], strings.TrimSpace(trimmed[i+1:])
		}
		if v == "" {
			bad(n, "key %q has no value", k)
		}
		sections[len(sections)-1].keys[strings.ToLower(k)] = v
	}
	for _, s := range sections {
		if s.name != want {
			continue
		}
		required := []string{"name", "match"}
		if s.name == "PARSER" {
			required = []string{"name", "format"}
		}
		for _, r := range required {
			if s.keys[r] == "" {
				bad(s.line, "[%s] without %s (required)", s.name, capitalize(r))
			}
		}
		plugin := strings.ToLower(s.keys["name"])
		switch {
		case plugin == "":
		case s.name == "FILTER" && !slices.Contains(loggingFilters, plugin):
			bad(s.line, "filter %q is not supported on Fargate (%s)", s.keys["name"], strings.Join(loggingFilters, ", "))
		case s.name == "OUTPUT" && !slices.Contains(loggingOutputs, plugin):
			bad(s.line, "output %q is not supported on Fargate (%s)", s.keys["name"], strings.Join(loggingOutputs, ", "))
		}
		if s.name == "FILTER" && plugin == "kubernetes" {
			for _, k := range kubeOwned {
				if _, ok := s.keys[k]; ok {
					bad(s.line, "the kubernetes filter's %s is set by Fargate and must not be given", k)
				}
			}
		}
	}
	return errors.Join(errs...)
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// LoggingPolicy is the IAM policy the pod-execution role needs for the
// configured outputs, each on its own resource only: CloudWatch Logs
// (logs:CreateLogStream, logs:DescribeLogStreams, logs:PutLogEvents on the
// log group and its streams; with FluentBitProcessLogs also
// logs:CreateLogGroup on <cluster>-fluent-bit-logs), Firehose
// (firehose:PutRecordBatch), Kinesis (kinesis:PutRecords) and OpenSearch
// (es:ESHttp* on the domain). EKS's sample policy grants the logs actions
// on "*"; the group here is created by fargatekit, so the router needs
// neither logs:CreateLogGroup nor logs:PutRetentionPolicy on it.
func LoggingPolicy(p partition.Partition, region, account, cluster string, l LoggingSpec) (iampolicy.Document, error) {
	if !partition.ValidRegion(region) || !partition.ValidAccount(account) || !ValidClusterName(cluster) {
		return iampolicy.Document{}, fmt.Errorf("eksfargate: logging policy: %w: region %q, account %q, cluster %q", ErrInvalidSpec, region, account, cluster)
	}
	var st iampolicy.Statements
	logGroup := func(name string) iampolicy.Values {
		arn := p.ARN("logs", region, account, "log-group:"+name)
		return iampolicy.Values{arn, arn + ":*"}
	}
	if l.CloudWatch != nil {
		st = append(st, iampolicy.Statement{Sid: loggingCloudWatchSid, Effect: iampolicy.Allow,
			Action:   iampolicy.Values{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			Resource: logGroup(l.LogGroupName(cluster))})
	}
	if l.FluentBitProcessLogs {
		st = append(st, iampolicy.Statement{Sid: "FargateLogsProcess", Effect: iampolicy.Allow,
			Action:   iampolicy.Values{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			Resource: logGroup(cluster + "-fluent-bit-logs")})
	}
	if f := l.Firehose; f != nil {
		st = append(st, iampolicy.Statement{Sid: "FargateLogsFirehose", Effect: iampolicy.Allow,
			Action:   iampolicy.Values{"firehose:PutRecordBatch"},
			Resource: iampolicy.Values{p.ARN("firehose", region, account, "deliverystream/"+f.DeliveryStream)}})
	}
	if k := l.Kinesis; k != nil {
		st = append(st, iampolicy.Statement{Sid: "FargateLogsKinesis", Effect: iampolicy.Allow,
			Action:   iampolicy.Values{"kinesis:PutRecords"},
			Resource: iampolicy.Values{p.ARN("kinesis", region, account, "stream/"+k.Stream)}})
	}
	if o := l.OpenSearch; o != nil {
		st = append(st, iampolicy.Statement{Sid: "FargateLogsOpenSearch", Effect: iampolicy.Allow,
			Action:   iampolicy.Values{"es:ESHttp*"},
			Resource: iampolicy.Values{o.DomainARN, o.DomainARN + "/*"}})
	}
	if len(st) == 0 {
		return iampolicy.Document{}, fmt.Errorf("eksfargate: logging policy: %w: no output configured", ErrInvalidSpec)
	}
	return iampolicy.Document{Statement: st}, nil
}

// loggingCloudWatchSid is the statement of [LoggingPolicy] that names the
// log group: how Apply and Delete find the group a policy was made for.
const loggingCloudWatchSid = "FargateLogsCloudWatch"

// Parts of Fargate logging (values of [TagPart]).
const (
	// PartFargateLogs is the pods' CloudWatch log group.
	PartFargateLogs = "fargate-logs"
	// PartFargateLogging is the logs IAM policy ([LoggingPolicy]).
	PartFargateLogging = "fargate-logging"
)

// LoggingPolicyName is the name the SDK gives the logs IAM policy of a
// cluster: <cluster>-fargate-logging (at most 116 characters, within IAM's
// 128). It is how Apply and Delete find it; the Pulumi component lets
// Pulumi name its own.
func LoggingPolicyName(clusterName string) string { return clusterName + "-" + PartFargateLogging }

// LoggingPolicyModel is the logs IAM policy of a cluster.
type LoggingPolicyModel struct {
	// Name is the SDK's name ([LoggingPolicyName]); Description is the
	// policy's description (IAM cannot change it later).
	Name, Description string
	// Document is [LoggingPolicy] for the cluster.
	Document iampolicy.Document
	// Tags are its tags ([ResourceTags], part [PartFargateLogging]).
	Tags map[string]string
}

// LoggingModel is everything Fargate logging makes for a cluster: what
// Apply converges and the Pulumi component registers.
type LoggingModel struct {
	// LogGroup is the pods' log group (part [PartFargateLogs]), nil
	// without a CloudWatch output.
	LogGroup *LogGroupModel
	// Policy is the logs policy, attached to the pod-execution role.
	Policy LoggingPolicyModel
	// Data is the aws-logging ConfigMap's data ([RenderLoggingConfig]).
	Data map[string]string
}

// Logging returns the model of the cluster's Fargate logging, and false
// when the spec turns it off (Logging nil).
func (r *Resolved) Logging() (LoggingModel, bool, error) {
	l := r.Spec.Logging
	if l == nil {
		return LoggingModel{}, false, nil
	}
	n := r.Name()
	data, err := RenderLoggingConfig(*l, n, r.Region)
	if err != nil {
		return LoggingModel{}, false, err
	}
	doc, err := LoggingPolicy(r.Partition, r.Region, r.AccountID, n, *l)
	if err != nil {
		return LoggingModel{}, false, err
	}
	m := LoggingModel{Data: data, Policy: LoggingPolicyModel{Name: LoggingPolicyName(n),
		Description: "Fargate logging of EKS cluster " + n + " (fargatekit)", Document: doc,
		Tags: ResourceTags(n, r.Spec.Tags, PartFargateLogging)}}
	if l.CloudWatch != nil {
		m.LogGroup = &LogGroupModel{Name: l.LogGroupName(n), RetentionDays: l.RetentionDays(), Tags: ResourceTags(n, r.Spec.Tags, PartFargateLogs)}
	}
	return m, true, nil
}

// loggingPolicyLogGroups returns the log groups the CloudWatch statement of
// a [LoggingPolicy] document names (none for another document).
func loggingPolicyLogGroups(doc iampolicy.Document) []string {
	var out []string
	for _, st := range doc.Statement {
		if st.Sid != loggingCloudWatchSid {
			continue
		}
		for _, res := range st.Resource {
			a, err := partition.ParseARN(res, "logs", "log-group:")
			if err != nil || strings.HasSuffix(res, ":*") {
				continue
			}
			out = append(out, strings.TrimPrefix(a.Resource, "log-group:"))
		}
	}
	return out
}
