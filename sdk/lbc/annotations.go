package lbc

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fargatekit/fargatekit/internal/partition"
)

// Annotation prefixes and the fixed names fargatekit writes.
const (
	// IngressAnnotationPrefix starts every Ingress annotation of the controller.
	IngressAnnotationPrefix = "alb.ingress.kubernetes.io/"
	// ServiceAnnotationPrefix starts the controller's Service annotations.
	ServiceAnnotationPrefix = "service.beta.kubernetes.io/aws-load-balancer-"
	// SourceRangesAnnotation limits the client CIDRs of a Service's load balancer.
	SourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges"
	// IngressClassName is the IngressClass the chart creates ("alb").
	IngressClassName = "alb"
	// LoadBalancerClass is the Service spec.loadBalancerClass the controller
	// serves (what the service mutator webhook sets).
	LoadBalancerClass = "service.k8s.aws/nlb"
	// PodReadinessGateLabel, set to "enabled" on a namespace, makes the
	// controller inject target-health readiness gates into its pods, so a
	// rolling update waits for new pods to be healthy in the target group.
	PodReadinessGateLabel = "elbv2.k8s.aws/pod-readiness-gate-inject"
	// DeregistrationDelayAttribute is the target-group attribute holding the
	// deregistration delay in seconds (ALB and NLB alike).
	DeregistrationDelayAttribute = "deregistration_delay.timeout_seconds"
)

// NamespaceLabels returns the labels a namespace needs for the controller's
// pod readiness gates: {elbv2.k8s.aws/pod-readiness-gate-inject: enabled}.
func NamespaceLabels() map[string]string { return map[string]string{PodReadinessGateLabel: "enabled"} }

// ErrInvalidAnnotation is wrapped by every AnnotationError.
var ErrInvalidAnnotation = errors.New("lbc: invalid annotation")

// AnnotationError reports a value refused for an annotation.
type AnnotationError struct {
	// Annotation is the full annotation name.
	Annotation string
	// Value is the refused value, as it would have been written.
	Value string
	// Err says why.
	Err error
}

// Error names the annotation, the value and the reason.
func (e *AnnotationError) Error() string {
	return fmt.Sprintf("lbc: annotation %s: value %q: %v", e.Annotation, e.Value, e.Err)
}

// Unwrap returns ErrInvalidAnnotation and the reason (e.g. ErrInstanceOnFargate).
func (e *AnnotationError) Unwrap() []error { return []error{ErrInvalidAnnotation, e.Err} }

// Scheme says whether a load balancer is reachable from the internet.
type Scheme string

// The two load balancer schemes.
const (
	// SchemeInternal makes a load balancer reachable from the VPC only.
	SchemeInternal Scheme = "internal"
	// SchemeInternetFacing makes a load balancer reachable from the internet.
	SchemeInternetFacing Scheme = "internet-facing"
)

// ListenPort is one ALB listener: protocol HTTP or HTTPS and a port.
type ListenPort struct {
	// Protocol is HTTP or HTTPS.
	Protocol string
	// Port is the listener's port (1-65535).
	Port int
}

// HealthCheck configures a target group's health checks. Zero fields are left
// to the controller's defaults.
type HealthCheck struct {
	// Protocol is HTTP or HTTPS (ALB), or TCP, HTTP or HTTPS (NLB).
	Protocol string
	// Port is "traffic-port", a port number, or (ALB only) a named container port.
	Port string
	// Path is the HTTP(S) path, starting with "/".
	Path string
	// IntervalSeconds (5-300) and TimeoutSeconds (2-120, less than the interval).
	IntervalSeconds, TimeoutSeconds int
	// HealthyThreshold and UnhealthyThreshold count consecutive checks (2-10).
	HealthyThreshold, UnhealthyThreshold int
	// SuccessCodes are HTTP codes: "200", "200,201" or "200-299".
	SuccessCodes string
}

// builder accumulates annotations and the errors of refused values.
type builder struct {
	out  map[string]string
	errs []error
}

func (b *builder) set(name, value string, err error) {
	if err != nil {
		b.errs = append(b.errs, &AnnotationError{Annotation: name, Value: value, Err: err})
		return
	}
	b.out[name] = value
}

func (b *builder) result() (map[string]string, error) {
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return b.out, nil
}

// LoadBalancer are the annotation settings an Ingress (ALB) and a Service
// (NLB) share; IngressAnnotations and ServiceAnnotations embed it. Zero fields
// are not written.
type LoadBalancer struct {
	// Fargate makes the target type default to ip and refuses instance.
	Fargate bool
	// LoadBalancerName names the load balancer (at most 32 letters, digits and hyphens).
	LoadBalancerName string
	// Scheme is internal (the controller's default) or internet-facing.
	Scheme Scheme
	// TargetType is ip or instance; "" means ip on Fargate.
	TargetType TargetType
	// CertificateARNs are ACM (or IAM server) certificate ARNs: the ALB's HTTPS
	// certificates (the first is the default), or the NLB's TLS ones.
	CertificateARNs []string
	// HealthCheck configures the target groups' health checks.
	HealthCheck HealthCheck
	// DeregistrationDelay is written as the target-group attribute
	// deregistration_delay.timeout_seconds (0-3600 whole seconds); nil means
	// DefaultDeregistrationDelay, which is always written, so that the pods'
	// termination (LoadBalancer.Termination) matches the target group.
	DeregistrationDelay *time.Duration
	// TargetGroupAttributes are further target-group attributes.
	TargetGroupAttributes map[string]string
	// LoadBalancerAttributes are load balancer attributes
	// (idle_timeout.timeout_seconds, load_balancing.cross_zone.enabled, ...).
	LoadBalancerAttributes map[string]string
	// Tags are added to the AWS resources the controller creates.
	Tags map[string]string
	// Subnets are subnet IDs or Name tags (an ALB needs two, in different zones).
	Subnets []string
	// SecurityGroups are security group IDs or Name tags; for an ALB the
	// controller then creates none of its own.
	SecurityGroups []string
	// IPAddressType is ipv4 or dualstack (ALB also dualstack-without-public-ipv4).
	IPAddressType string
	// BackendProtocol is the protocol to the pods: HTTP or HTTPS (ALB), tcp or
	// ssl (NLB, behind TLS listeners).
	BackendProtocol string
}

// annotationNames are the names (after the prefix) and allowed values that
// differ between the Ingress and the Service annotations of a setting.
type annotationNames struct {
	prefix                                                 string
	name, targetType, certificates, tags, lbAttributes     string
	healthCheck                                            [8]string
	alb                                                    bool
	ipAddressTypes, backendProtocols, healthCheckProtocols []string
}

var (
	ingressNames = annotationNames{
		prefix: IngressAnnotationPrefix, name: "load-balancer-name", targetType: "target-type",
		certificates: "certificate-arn", tags: "tags", lbAttributes: "load-balancer-attributes",
		healthCheck: [8]string{"healthcheck-protocol", "healthcheck-port", "healthcheck-path", "healthcheck-interval-seconds",
			"healthcheck-timeout-seconds", "healthy-threshold-count", "unhealthy-threshold-count", "success-codes"},
		alb: true, ipAddressTypes: []string{"ipv4", "dualstack", "dualstack-without-public-ipv4"},
		backendProtocols: []string{"HTTP", "HTTPS"}, healthCheckProtocols: []string{"HTTP", "HTTPS"},
	}
	serviceNames = annotationNames{
		prefix: ServiceAnnotationPrefix, name: "name", targetType: "nlb-target-type",
		certificates: "ssl-cert", tags: "additional-resource-tags", lbAttributes: "attributes",
		healthCheck: [8]string{"healthcheck-protocol", "healthcheck-port", "healthcheck-path", "healthcheck-interval",
			"healthcheck-timeout", "healthcheck-healthy-threshold", "healthcheck-unhealthy-threshold", "healthcheck-success-codes"},
		ipAddressTypes: []string{"ipv4", "dualstack"}, backendProtocols: []string{"tcp", "ssl"},
		healthCheckProtocols: []string{"TCP", "HTTP", "HTTPS"},
	}
)

// write adds the shared settings under the names of n.
func (l LoadBalancer) write(b *builder, n annotationNames) {
	p := func(name string) string { return n.prefix + name }
	if l.LoadBalancerName != "" {
		b.set(p(n.name), l.LoadBalancerName, checkLBName(l.LoadBalancerName))
	}
	if l.Scheme != "" {
		b.set(p("scheme"), string(l.Scheme), checkScheme(l.Scheme))
	}
	if tt, ok, err := targetType(l.TargetType, l.Fargate); ok {
		b.set(p(n.targetType), string(tt), err)
	}
	if len(l.CertificateARNs) > 0 {
		b.set(p(n.certificates), strings.Join(l.CertificateARNs, ","), checkCertificates(l.CertificateARNs))
	}
	l.HealthCheck.write(b, p, n)
	writeAttributes(b, p("target-group-attributes"), l.TargetGroupAttributes, true, l.DeregistrationDelay)
	writeAttributes(b, p(n.lbAttributes), l.LoadBalancerAttributes, false, nil)
	if len(l.Tags) > 0 {
		s, err := formatTags(l.Tags)
		b.set(p(n.tags), s, err)
	}
	if len(l.Subnets) > 0 {
		err := checkList(l.Subnets)
		if err == nil && n.alb && len(l.Subnets) < 2 {
			err = errors.New("an ALB needs at least two subnets in different Availability Zones")
		}
		b.set(p("subnets"), strings.Join(l.Subnets, ","), err)
	}
	if len(l.SecurityGroups) > 0 {
		b.set(p("security-groups"), strings.Join(l.SecurityGroups, ","), checkList(l.SecurityGroups))
	}
	if l.IPAddressType != "" {
		b.set(p("ip-address-type"), l.IPAddressType, oneOf(l.IPAddressType, n.ipAddressTypes...))
	}
	if l.BackendProtocol != "" {
		b.set(p("backend-protocol"), l.BackendProtocol, oneOf(l.BackendProtocol, n.backendProtocols...))
	}
}

// IngressAnnotations are the typed alb.ingress.kubernetes.io/* annotations of
// an Ingress. Zero fields are not written.
type IngressAnnotations struct {
	LoadBalancer
	// ListenPorts are the listeners, e.g. HTTP 80 and HTTPS 443.
	ListenPorts []ListenPort
	// SSLRedirect is the HTTPS port every HTTP listener redirects to.
	SSLRedirect int
	// SSLPolicy is the HTTPS listeners' security policy.
	SSLPolicy string
	// GroupName joins an IngressGroup (one ALB shared by several Ingresses).
	GroupName string
	// GroupOrder orders this Ingress's rules in its group (-1000 to 1000, not 0).
	GroupOrder int
	// InboundCIDRs limit the clients of the ALB's own security group.
	InboundCIDRs []string
}

// Build returns the annotations, or every refused value at once, each as an
// *AnnotationError naming its annotation.
func (a IngressAnnotations) Build() (map[string]string, error) {
	b := &builder{out: map[string]string{}}
	p := func(name string) string { return IngressAnnotationPrefix + name }
	a.LoadBalancer.write(b, ingressNames)
	httpsPorts := map[int]bool{}
	if len(a.ListenPorts) > 0 {
		s, err := FormatListenPorts(a.ListenPorts)
		b.set(p("listen-ports"), s, err)
		for _, lp := range a.ListenPorts {
			if lp.Protocol == "HTTPS" {
				httpsPorts[lp.Port] = true
			}
		}
	}
	if a.SSLRedirect != 0 {
		var err error
		switch {
		case !validPort(a.SSLRedirect):
			err = errors.New("not a port (1-65535)")
		case len(a.ListenPorts) > 0 && !httpsPorts[a.SSLRedirect]:
			err = fmt.Errorf("no HTTPS listener on port %d in listen-ports", a.SSLRedirect)
		}
		b.set(p("ssl-redirect"), strconv.Itoa(a.SSLRedirect), err)
	}
	if a.SSLPolicy != "" {
		b.set(p("ssl-policy"), a.SSLPolicy, checkToken(a.SSLPolicy))
	}
	if a.GroupName != "" {
		b.set(p("group.name"), a.GroupName, checkGroupName(a.GroupName))
	}
	if a.GroupOrder != 0 {
		var err error
		switch {
		case a.GroupOrder < -1000 || a.GroupOrder > 1000:
			err = errors.New("outside -1000..1000")
		case a.GroupName == "":
			err = errors.New("group.order without group.name")
		}
		b.set(p("group.order"), strconv.Itoa(a.GroupOrder), err)
	}
	if len(a.InboundCIDRs) > 0 {
		b.set(p("inbound-cidrs"), strings.Join(a.InboundCIDRs, ","), checkCIDRs(a.InboundCIDRs))
	}
	return b.result()
}

// ServiceAnnotations are the typed service.beta.kubernetes.io/aws-load-balancer-*
// annotations of a Service of type LoadBalancer served by the controller (an
// NLB). Build always writes aws-load-balancer-type: external; the
// LoadBalancer's TargetType is written as nlb-target-type.
type ServiceAnnotations struct {
	LoadBalancer
	// ProxyProtocol turns on proxy protocol v2 for every target group ("*").
	ProxyProtocol bool
	// SSLPorts are the Service ports (numbers or names) that get TLS; default all.
	SSLPorts []string
	// SSLNegotiationPolicy is the TLS listeners' security policy.
	SSLNegotiationPolicy string
	// SourceRanges limit the client CIDRs.
	SourceRanges []string
}

// Build returns the annotations, or every refused value at once, each as an
// *AnnotationError naming its annotation.
func (s ServiceAnnotations) Build() (map[string]string, error) {
	b := &builder{out: map[string]string{}}
	p := func(name string) string { return ServiceAnnotationPrefix + name }
	b.set(p("type"), "external", nil)
	s.LoadBalancer.write(b, serviceNames)
	if s.ProxyProtocol {
		b.set(p("proxy-protocol"), "*", nil)
	}
	if len(s.SSLPorts) > 0 {
		err := checkList(s.SSLPorts)
		if err == nil && len(s.CertificateARNs) == 0 {
			err = errors.New("ssl-ports without ssl-cert")
		}
		b.set(p("ssl-ports"), strings.Join(s.SSLPorts, ","), err)
	}
	if s.SSLNegotiationPolicy != "" {
		b.set(p("ssl-negotiation-policy"), s.SSLNegotiationPolicy, checkToken(s.SSLNegotiationPolicy))
	}
	if len(s.SourceRanges) > 0 {
		b.set(SourceRangesAnnotation, strings.Join(s.SourceRanges, ","), checkCIDRs(s.SourceRanges))
	}
	return b.result()
}

// targetType resolves the target type to write: ok is false when nothing is
// written, err is set when the type is refused.
func targetType(t TargetType, fargate bool) (TargetType, bool, error) {
	switch t {
	case "":
		if fargate {
			return TargetIP, true, nil
		}
		return "", false, nil
	case TargetIP:
		return t, true, nil
	case TargetInstance:
		if fargate {
			return t, true, ErrInstanceOnFargate
		}
		return t, true, nil
	}
	return t, true, errors.New("neither ip nor instance")
}

func (h HealthCheck) write(b *builder, p func(string) string, n annotationNames) {
	proto, port, path, interval, timeout, healthy, unhealthy, codes := n.healthCheck[0], n.healthCheck[1],
		n.healthCheck[2], n.healthCheck[3], n.healthCheck[4], n.healthCheck[5], n.healthCheck[6], n.healthCheck[7]
	alb := n.alb
	if h.Protocol != "" {
		b.set(p(proto), h.Protocol, oneOf(h.Protocol, n.healthCheckProtocols...))
	}
	if h.Port != "" {
		b.set(p(port), h.Port, checkHealthPort(h.Port, alb))
	}
	if h.Path != "" {
		var err error
		switch {
		case !strings.HasPrefix(h.Path, "/"):
			err = errors.New("does not start with /")
		case len(h.Path) > 1024:
			err = errors.New("longer than 1024 characters")
		case !alb && h.Protocol == "TCP":
			err = errors.New("a path needs an HTTP or HTTPS health check")
		}
		b.set(p(path), h.Path, err)
	}
	if h.IntervalSeconds != 0 {
		b.set(p(interval), strconv.Itoa(h.IntervalSeconds), inRange(h.IntervalSeconds, 5, 300))
	}
	if h.TimeoutSeconds != 0 {
		err := inRange(h.TimeoutSeconds, 2, 120)
		if err == nil && h.IntervalSeconds != 0 && h.TimeoutSeconds >= h.IntervalSeconds {
			err = fmt.Errorf("must be less than the interval (%ds)", h.IntervalSeconds)
		}
		b.set(p(timeout), strconv.Itoa(h.TimeoutSeconds), err)
	}
	if h.HealthyThreshold != 0 {
		b.set(p(healthy), strconv.Itoa(h.HealthyThreshold), inRange(h.HealthyThreshold, 2, 10))
	}
	if h.UnhealthyThreshold != 0 {
		b.set(p(unhealthy), strconv.Itoa(h.UnhealthyThreshold), inRange(h.UnhealthyThreshold, 2, 10))
	}
	if h.SuccessCodes != "" {
		var err error
		if !successCodesRE.MatchString(h.SuccessCodes) {
			err = errors.New(`want codes like "200", "200,201" or "200-299"`)
		}
		b.set(p(codes), h.SuccessCodes, err)
	}
}

// writeAttributes writes an attributes annotation; for target groups
// (targetGroup) with the deregistration delay the setting means
// (EffectiveDeregistrationDelay), which an attribute in attrs may repeat but
// not contradict.
func writeAttributes(b *builder, name string, attrs map[string]string, targetGroup bool, dereg *time.Duration) {
	if len(attrs) == 0 && !targetGroup {
		return
	}
	m := make(map[string]string, len(attrs)+1)
	for k, v := range attrs {
		m[k] = v
	}
	var errs []error
	if targetGroup {
		d, err := EffectiveDeregistrationDelay(dereg)
		if err != nil {
			errs = append(errs, err)
		}
		if v, ok := m[DeregistrationDelayAttribute]; ok && v != strconv.Itoa(int(d/time.Second)) {
			errs = append(errs, fmt.Errorf("%w: %s=%s contradicts the deregistration delay %v (set LoadBalancer.DeregistrationDelay instead)",
				ErrDeregistrationDelayMismatch, DeregistrationDelayAttribute, v, d))
		}
		m[DeregistrationDelayAttribute] = strconv.Itoa(int(d / time.Second))
	}
	s, err := FormatStringMap(m)
	if err != nil {
		errs = append(errs, err)
	}
	b.set(name, s, errors.Join(errs...))
}

func formatTags(tags map[string]string) (string, error) {
	s, err := FormatStringMap(tags)
	if err != nil {
		return s, err
	}
	for k, v := range tags {
		switch {
		case len(k) > 128:
			return s, fmt.Errorf("tag key %q longer than 128 characters", k)
		case len(v) > 256:
			return s, fmt.Errorf("tag %q value longer than 256 characters", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return s, fmt.Errorf("tag key %q uses the reserved aws: prefix", k)
		}
	}
	return s, nil
}

var (
	successCodesRE = regexp.MustCompile(`^[0-9]{1,3}(-[0-9]{1,3})?(,[0-9]{1,3}(-[0-9]{1,3})?)*$`)
)

func checkLBName(s string) error {
	if !validLBName(s) || strings.HasPrefix(s, "internal-") {
		return errors.New("1-32 letters, digits and hyphens, not starting or ending with a hyphen nor with internal-")
	}
	return nil
}

func checkScheme(s Scheme) error {
	return oneOf(string(s), string(SchemeInternal), string(SchemeInternetFacing))
}

func checkGroupName(s string) error {
	if !validGroupName(s) {
		return errors.New("1-63 lower-case letters, digits, - and ., starting and ending alphanumeric")
	}
	return nil
}

func checkCertificates(arns []string) error {
	var errs []error
	for _, a := range arns {
		if _, err := partition.ParseARN(a, "acm", "certificate/"); err != nil {
			if _, err2 := partition.ParseARN(a, "iam", "server-certificate/"); err2 != nil {
				errs = append(errs, fmt.Errorf("not an ACM or IAM server certificate ARN: %v", err))
			}
		}
	}
	return errors.Join(errs...)
}

func checkHealthPort(s string, alb bool) error {
	if s == "traffic-port" {
		return nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if !validPort(n) {
			return errors.New("not a port (1-65535)")
		}
		return nil
	}
	if alb && validPortName(s) {
		return nil
	}
	if alb {
		return errors.New("want traffic-port, a port number or a named port")
	}
	return errors.New("want traffic-port or a port number")
}

func checkList(items []string) error {
	for _, s := range items {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, ", \t\n") {
			return fmt.Errorf("item %q is empty or contains a comma or space", s)
		}
	}
	return nil
}

func checkCIDRs(cidrs []string) error {
	var errs []error
	for _, c := range cidrs {
		pfx, err := netip.ParsePrefix(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("%q is not a CIDR", c))
		} else if pfx.Masked() != pfx {
			errs = append(errs, fmt.Errorf("%q has host bits set (want %s)", c, pfx.Masked()))
		}
	}
	return errors.Join(errs...)
}

func checkToken(s string) error {
	if strings.ContainsAny(s, ", \t\n") {
		return errors.New("contains a comma or whitespace")
	}
	return nil
}

func oneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(allowed, ", "))
}

func inRange(n, lo, hi int) error {
	if n < lo || n > hi {
		return fmt.Errorf("outside %d..%d", lo, hi)
	}
	return nil
}

func validPort(n int) bool { return n >= 1 && n <= 65535 }
