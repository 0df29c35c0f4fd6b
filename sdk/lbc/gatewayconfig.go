package lbc

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The controller's Gateway API extension kinds (group ControllerGatewayGroup).
const (
	// KindLoadBalancerConfiguration configures a Gateway's load balancer.
	KindLoadBalancerConfiguration = "LoadBalancerConfiguration"
	// KindTargetGroupConfiguration configures the target groups of a Service.
	KindTargetGroupConfiguration = "TargetGroupConfiguration"
	// KindListenerRuleConfiguration configures a route rule's listener rule.
	KindListenerRuleConfiguration = "ListenerRuleConfiguration"
)

// GatewayConfigAPIVersion is the apiVersion of the controller's gateway
// configurations the builders render: gateway.k8s.aws/v1, the storage
// version from v3.5.0 (earlier charts serve only v1beta1).
const GatewayConfigAPIVersion = ControllerGatewayGroup + "/v1"

// ErrInvalidGatewayConfig is wrapped by every GatewayConfigError.
var ErrInvalidGatewayConfig = errors.New("lbc: invalid gateway configuration")

// GatewayConfigError reports a value refused for a field of one of the
// controller's gateway configurations.
type GatewayConfigError struct {
	// Kind and Name identify the configuration.
	Kind, Name string
	// Field is the field's path under spec, e.g. defaultConfiguration.targetType.
	Field string
	// Value is the refused value.
	Value string
	// Err says why.
	Err error
}

// Error names the object, the field, the value and the reason.
func (e *GatewayConfigError) Error() string {
	return fmt.Sprintf("lbc: %s %s: spec.%s: value %q: %v", e.Kind, e.Name, e.Field, e.Value, e.Err)
}

// Unwrap returns ErrInvalidGatewayConfig and the reason.
func (e *GatewayConfigError) Unwrap() []error { return []error{ErrInvalidGatewayConfig, e.Err} }

// fieldChecker accumulates the refused fields of one object.
type fieldChecker struct {
	kind, name string
	errs       []error
}

func (c *fieldChecker) check(field, value string, err error) {
	if err != nil {
		c.errs = append(c.errs, &GatewayConfigError{Kind: c.kind, Name: c.name, Field: field, Value: value, Err: err})
	}
}

// meta checks an object's name and namespace.
func (c *fieldChecker) meta(name, namespace string) {
	if !validSubdomain(name) {
		c.errs = append(c.errs, fmt.Errorf("%w: %s name %q is not a DNS subdomain", ErrInvalidGatewayConfig, c.kind, name))
	}
	if !validLabel(namespace) {
		c.errs = append(c.errs, fmt.Errorf("%w: %s %s: namespace %q", ErrInvalidGatewayConfig, c.kind, name, namespace))
	}
}

// annotations adds the errors of an annotation builder (whose "annotation"
// names are the field paths) as field errors.
func (c *fieldChecker) annotations(prefix string, b *builder) {
	for _, e := range b.errs {
		var ae *AnnotationError
		if errors.As(e, &ae) {
			c.check(prefix+ae.Annotation, ae.Value, ae.Err)
		}
	}
}

func (c *fieldChecker) tags(field string, tags map[string]string) {
	if len(tags) > 0 {
		s, err := formatTags(tags)
		c.check(field, s, err)
	}
}

func (c *fieldChecker) err() error { return errors.Join(c.errs...) }

func newObject(kind, name, namespace string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": GatewayConfigAPIVersion, "kind": kind,
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     spec,
	}}
}

// keyValues renders a map as the CRDs' sorted [{key, value}] lists.
func keyValues(m map[string]string) []any {
	out := make([]any, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, map[string]any{"key": k, "value": m[k]})
	}
	return out
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func strings2any(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// GatewayListener is one listener of a Gateway's load balancer.
type GatewayListener struct {
	// Protocol is HTTP or HTTPS (ALB), TCP, TLS, UDP or TCP_UDP (NLB).
	Protocol string
	// Port is the listener's port (1-65535).
	Port int
	// DefaultCertificate and Certificates are ACM or IAM server certificate
	// ARNs of HTTPS and TLS listeners.
	DefaultCertificate string
	Certificates       []string
	// SSLPolicy is the HTTPS/TLS listener's security policy.
	SSLPolicy string
	// ALPNPolicy is the TLS listener's ALPN policy (HTTP1Only, HTTP2Only,
	// HTTP2Optional, HTTP2Preferred, None).
	ALPNPolicy string
}

// LoadBalancerConfigurationSpec is a typed gateway.k8s.aws
// LoadBalancerConfiguration: the load balancer of the Gateways (or the
// GatewayClass) that reference it. Zero fields are not written (the
// controller's defaults apply).
type LoadBalancerConfigurationSpec struct {
	// Name and Namespace locate the object (the namespace of its Gateways).
	Name, Namespace string
	// LoadBalancerName names the load balancer (AWS: 1-32 letters, digits and
	// hyphens, not starting or ending with a hyphen nor with internal-).
	LoadBalancerName string
	// Scheme is internal (the controller's default) or internet-facing.
	Scheme Scheme
	// IPAddressType is ipv4, dualstack or dualstack-without-public-ipv4 (ALB).
	IPAddressType string
	// Listeners configure the listeners by protocol and port.
	Listeners []GatewayListener
	// SecurityGroups replace the security groups the controller creates.
	SecurityGroups []string
	// SourceRanges are the CIDRs allowed in (IPv4 or IPv6).
	SourceRanges []string
	// Subnets are subnet IDs or Name tags; an ALB needs two AZs.
	Subnets []string
	// Attributes are load-balancer attributes (e.g. idle_timeout.timeout_seconds).
	Attributes map[string]string
	// Tags go on the load balancer.
	Tags map[string]string
	// WAFv2WebACL is the ARN of a WAFv2 web ACL to associate (ALB).
	WAFv2WebACL string
	// MergingMode decides between a class's and a Gateway's configuration:
	// prefer-gateway-class (the default) or prefer-gateway.
	MergingMode string
	// DefaultTargetGroupConfiguration names the TargetGroupConfiguration of
	// Services that have none.
	DefaultTargetGroupConfiguration string
}

var protocolPorts = map[string]bool{"HTTP": true, "HTTPS": true, "TLS": true, "TCP": true, "UDP": true, "TCP_UDP": true}

// Validate reports every problem at once: what the CRD's schema refuses and
// what AWS refuses at deploy time (see the package documentation).
func (s LoadBalancerConfigurationSpec) Validate() error {
	c := &fieldChecker{kind: KindLoadBalancerConfiguration, name: s.Name}
	c.meta(s.Name, s.Namespace)
	if s.LoadBalancerName != "" {
		c.check("loadBalancerName", s.LoadBalancerName, checkLBName(s.LoadBalancerName))
	}
	if s.Scheme != "" {
		c.check("scheme", string(s.Scheme), checkScheme(s.Scheme))
	}
	if s.IPAddressType != "" {
		c.check("ipAddressType", s.IPAddressType, oneOf(s.IPAddressType, "ipv4", "dualstack", "dualstack-without-public-ipv4"))
	}
	seen := map[string]bool{}
	for i, l := range s.Listeners {
		f := fmt.Sprintf("listenerConfigurations[%d].", i)
		pp := l.Protocol + ":" + strconv.Itoa(l.Port)
		var err error
		switch {
		case !protocolPorts[l.Protocol]:
			err = errors.New("protocol: want one of HTTP, HTTPS, TLS, TCP, UDP, TCP_UDP")
		case !validPort(l.Port):
			err = errors.New("port: not 1-65535")
		case seen[pp]:
			err = errors.New("listener defined twice")
		}
		seen[pp] = true
		c.check(f+"protocolPort", pp, err)
		certs := l.Certificates
		if l.DefaultCertificate != "" {
			certs = append([]string{l.DefaultCertificate}, certs...)
		}
		if len(certs) > 0 {
			err := checkCertificates(certs)
			if err == nil && l.Protocol != "HTTPS" && l.Protocol != "TLS" {
				err = errors.New("certificates need an HTTPS or TLS listener")
			}
			c.check(f+"certificates", strings.Join(certs, ","), err)
		}
		if l.ALPNPolicy != "" {
			c.check(f+"alpnPolicy", l.ALPNPolicy, oneOf(l.ALPNPolicy, "HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred", "None"))
		}
		if l.SSLPolicy != "" {
			c.check(f+"sslPolicy", l.SSLPolicy, checkToken(l.SSLPolicy))
		}
	}
	if len(s.SecurityGroups) > 0 {
		c.check("securityGroups", strings.Join(s.SecurityGroups, ","), checkList(s.SecurityGroups))
	}
	if len(s.SourceRanges) > 0 {
		c.check("sourceRanges", strings.Join(s.SourceRanges, ","), checkCIDRs(s.SourceRanges))
	}
	if len(s.Subnets) > 0 {
		c.check("loadBalancerSubnets", strings.Join(s.Subnets, ","), checkList(s.Subnets))
	}
	if len(s.Attributes) > 0 {
		v, err := FormatStringMap(s.Attributes)
		c.check("loadBalancerAttributes", v, err)
	}
	c.tags("tags", s.Tags)
	if s.WAFv2WebACL != "" {
		c.check("wafV2.webACL", s.WAFv2WebACL, checkToken(s.WAFv2WebACL))
	}
	if s.MergingMode != "" {
		c.check("mergingMode", s.MergingMode, oneOf(s.MergingMode, "prefer-gateway", "prefer-gateway-class"))
	}
	if s.DefaultTargetGroupConfiguration != "" && !validSubdomain(s.DefaultTargetGroupConfiguration) {
		c.check("defaultTargetGroupConfiguration.name", s.DefaultTargetGroupConfiguration, errors.New("not a DNS subdomain"))
	}
	return c.err()
}

// Object renders the configuration as an unstructured
// gateway.k8s.aws/v1 LoadBalancerConfiguration. It is pure.
func (s LoadBalancerConfigurationSpec) Object() (*unstructured.Unstructured, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	spec := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			spec[k] = v
		}
	}
	set("loadBalancerName", s.LoadBalancerName)
	set("scheme", string(s.Scheme))
	set("ipAddressType", s.IPAddressType)
	set("mergingMode", s.MergingMode)
	if len(s.Listeners) > 0 {
		var ls []any
		for _, l := range s.Listeners {
			m := map[string]any{"protocolPort": l.Protocol + ":" + strconv.Itoa(l.Port)}
			if l.DefaultCertificate != "" {
				m["defaultCertificate"] = l.DefaultCertificate
			}
			if len(l.Certificates) > 0 {
				m["certificates"] = strings2any(l.Certificates)
			}
			if l.SSLPolicy != "" {
				m["sslPolicy"] = l.SSLPolicy
			}
			if l.ALPNPolicy != "" {
				m["alpnPolicy"] = l.ALPNPolicy
			}
			ls = append(ls, m)
		}
		spec["listenerConfigurations"] = ls
	}
	if len(s.SecurityGroups) > 0 {
		spec["securityGroups"] = strings2any(s.SecurityGroups)
	}
	if len(s.SourceRanges) > 0 {
		spec["sourceRanges"] = strings2any(s.SourceRanges)
	}
	if len(s.Subnets) > 0 {
		var subnets []any
		for _, id := range s.Subnets {
			subnets = append(subnets, map[string]any{"identifier": id})
		}
		spec["loadBalancerSubnets"] = subnets
	}
	if len(s.Attributes) > 0 {
		spec["loadBalancerAttributes"] = keyValues(s.Attributes)
	}
	if len(s.Tags) > 0 {
		spec["tags"] = stringMap(s.Tags)
	}
	if s.WAFv2WebACL != "" {
		spec["wafV2"] = map[string]any{"webACL": s.WAFv2WebACL}
	}
	if s.DefaultTargetGroupConfiguration != "" {
		spec["defaultTargetGroupConfiguration"] = map[string]any{"name": s.DefaultTargetGroupConfiguration}
	}
	return newObject(KindLoadBalancerConfiguration, s.Name, s.Namespace, spec), nil
}

// TargetGroupProps are the settings of target groups (TargetGroupConfiguration's
// defaultConfiguration and per-route targetGroupProps). Zero fields are not
// written.
type TargetGroupProps struct {
	// TargetType is ip or instance; "" means ip on Fargate (written
	// explicitly: the controller's own default is instance), and instance is
	// refused there.
	TargetType TargetType
	// Protocol is HTTP or HTTPS (ALB), TCP, TLS, UDP or TCP_UDP (NLB).
	Protocol string
	// ProtocolVersion is HTTP1, HTTP2 or GRPC (ALB).
	ProtocolVersion string
	// IPAddressType is ipv4 or ipv6.
	IPAddressType string
	// TargetGroupName names the target group (AWS: 1-32 letters, digits and
	// hyphens, not starting or ending with a hyphen).
	TargetGroupName string
	// HealthCheck configures the health checks (the same checks as the
	// Ingress annotations': interval 5-300 s, timeout 2-120 s and below the
	// interval, thresholds 2-10, codes like 200-299).
	HealthCheck HealthCheck
	// DeregistrationDelay is written as the attribute
	// deregistration_delay.timeout_seconds (0-3600 whole seconds); use the
	// value the pods' Termination is derived from.
	DeregistrationDelay *time.Duration
	// Attributes are further target-group attributes.
	Attributes map[string]string
	// Tags go on the target groups.
	Tags map[string]string
}

// gatewayHealthNames name the health-check fields of the CRD, so that the
// Ingress annotations' checks (HealthCheck.write) validate them.
var gatewayHealthNames = annotationNames{
	healthCheck: [8]string{"healthCheckProtocol", "healthCheckPort", "healthCheckPath", "healthCheckInterval",
		"healthCheckTimeout", "healthyThresholdCount", "unhealthyThresholdCount", "matcher.httpCode"},
	alb: true, healthCheckProtocols: []string{"HTTP", "HTTPS", "TCP"},
}

// render validates the props under field prefix f and returns them as the CRD's object.
func (p TargetGroupProps) render(c *fieldChecker, f string, fargate bool) map[string]any {
	out := map[string]any{}
	if tt, ok, err := targetType(p.TargetType, fargate); ok {
		c.check(f+"targetType", string(tt), err)
		out["targetType"] = string(tt)
	}
	if p.Protocol != "" {
		c.check(f+"protocol", p.Protocol, oneOf(p.Protocol, "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"))
		out["protocol"] = p.Protocol
	}
	if p.ProtocolVersion != "" {
		c.check(f+"protocolVersion", p.ProtocolVersion, oneOf(p.ProtocolVersion, "HTTP1", "HTTP2", "GRPC"))
		out["protocolVersion"] = p.ProtocolVersion
	}
	if p.IPAddressType != "" {
		c.check(f+"ipAddressType", p.IPAddressType, oneOf(p.IPAddressType, "ipv4", "ipv6"))
		out["ipAddressType"] = p.IPAddressType
	}
	if p.TargetGroupName != "" {
		var err error
		if !validLBName(p.TargetGroupName) {
			err = errors.New("1-32 letters, digits and hyphens, not starting or ending with a hyphen")
		}
		c.check(f+"targetGroupName", p.TargetGroupName, err)
		out["targetGroupName"] = p.TargetGroupName
	}
	b := &builder{out: map[string]string{}}
	p.HealthCheck.write(b, func(s string) string { return s }, gatewayHealthNames)
	c.annotations(f+"healthCheckConfig.", b)
	if len(b.out) > 0 {
		hc := map[string]any{}
		for k, v := range b.out {
			if n, err := strconv.Atoi(v); err == nil && k != "healthCheckPort" && k != "matcher.httpCode" {
				hc[k] = int64(n)
			} else if k == "matcher.httpCode" {
				hc["matcher"] = map[string]any{"httpCode": v}
			} else {
				hc[k] = v
			}
		}
		out["healthCheckConfig"] = hc
	}
	ab := &builder{out: map[string]string{}}
	writeAttributes(ab, "targetGroupAttributes", p.Attributes, true, p.DeregistrationDelay) // one delay for Ingress, Service and Gateway target groups
	c.annotations(f, ab)
	if s, ok := ab.out["targetGroupAttributes"]; ok {
		m, _ := ParseStringMap(s) // formatted by writeAttributes
		out["targetGroupAttributes"] = keyValues(m)
	}
	c.tags(f+"tags", p.Tags)
	if len(p.Tags) > 0 {
		out["tags"] = stringMap(p.Tags)
	}
	return out
}

// RouteTargetGroup are the target-group settings of one route's use of the Service.
type RouteTargetGroup struct {
	// Kind (HTTPRoute, GRPCRoute, TCPRoute, ...), Namespace and Name identify the route.
	Kind, Namespace, Name string
	// Props are the target-group settings for that route.
	Props TargetGroupProps
}

// TargetGroupConfigurationSpec is a typed gateway.k8s.aws
// TargetGroupConfiguration: the target groups the controller makes for a
// Service that routes send traffic to.
type TargetGroupConfigurationSpec struct {
	// Name and Namespace locate the object (the namespace of its Service).
	Name, Namespace string
	// Service is the Service it configures (spec.targetReference).
	Service string
	// Fargate makes ip the target type of every props and refuses instance.
	Fargate bool
	// Default are the settings of every target group of the Service.
	Default TargetGroupProps
	// Routes override Default for the routes they name.
	Routes []RouteTargetGroup
}

// Validate reports every problem at once (see Object).
func (s TargetGroupConfigurationSpec) Validate() error {
	_, err := s.render()
	return err
}

func (s TargetGroupConfigurationSpec) render() (*unstructured.Unstructured, error) {
	c := &fieldChecker{kind: KindTargetGroupConfiguration, name: s.Name}
	c.meta(s.Name, s.Namespace)
	if !validLabel(s.Service) {
		c.check("targetReference.name", s.Service, errors.New("not a Service name"))
	}
	spec := map[string]any{"targetReference": map[string]any{"name": s.Service}}
	if d := s.Default.render(c, "defaultConfiguration.", s.Fargate); len(d) > 0 {
		spec["defaultConfiguration"] = d
	}
	var routes []any
	for i, r := range s.Routes {
		f := fmt.Sprintf("routeConfigurations[%d].", i)
		c.check(f+"routeIdentifier.kind", r.Kind, oneOf(r.Kind, "HTTPRoute", "GRPCRoute", "TCPRoute", "UDPRoute", "TLSRoute"))
		if r.Namespace != "" && !validLabel(r.Namespace) {
			c.check(f+"routeIdentifier.namespace", r.Namespace, errors.New("not a namespace"))
		}
		if !validSubdomain(r.Name) {
			c.check(f+"routeIdentifier.name", r.Name, errors.New("not a DNS subdomain"))
		}
		id := map[string]any{"kind": r.Kind, "name": r.Name}
		if r.Namespace != "" {
			id["namespace"] = r.Namespace
		}
		routes = append(routes, map[string]any{"routeIdentifier": id, "targetGroupProps": r.Props.render(c, f+"targetGroupProps.", s.Fargate)})
	}
	if len(routes) > 0 {
		spec["routeConfigurations"] = routes
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return newObject(KindTargetGroupConfiguration, s.Name, s.Namespace, spec), nil
}

// Object renders the configuration as an unstructured gateway.k8s.aws/v1
// TargetGroupConfiguration. On Fargate every target type is ip, written
// explicitly; instance targets are refused with an error wrapping
// ErrInstanceOnFargate. It is pure.
func (s TargetGroupConfigurationSpec) Object() (*unstructured.Unstructured, error) { return s.render() }

// FixedResponse answers a request from the load balancer itself.
type FixedResponse struct {
	// StatusCode is 2XX, 4XX or 5XX.
	StatusCode int
	// ContentType is text/plain (default), text/css, text/html,
	// application/javascript or application/json.
	ContentType string
	// Body is the message body (AWS: at most 1024 characters).
	Body string
}

// OIDCAuthentication authenticates users through an OpenID Connect identity
// provider before the rule's forward.
type OIDCAuthentication struct {
	// Issuer, AuthorizationEndpoint, TokenEndpoint and UserInfoEndpoint are
	// the IdP's (AWS: full https:// URLs).
	Issuer, AuthorizationEndpoint, TokenEndpoint, UserInfoEndpoint string
	// SecretName is the Secret (in the object's namespace) with the
	// clientID and clientSecret keys.
	SecretName string
	// Scope defaults to openid.
	Scope string
	// OnUnauthenticatedRequest is authenticate (default), deny or allow.
	OnUnauthenticatedRequest string
	// SessionTimeout is the session's lifetime (1 s to 7 days); 0 means 7 days.
	SessionTimeout time.Duration
}

// ListenerRuleConfigurationSpec is a typed gateway.k8s.aws
// ListenerRuleConfiguration, attached to an HTTPRoute rule through an
// ExtensionRef filter (see HTTPRouteRule.ListenerRuleConfiguration).
type ListenerRuleConfigurationSpec struct {
	// Name and Namespace locate the object (the namespace of its routes).
	Name, Namespace string
	// SourceIPs match clients by CIDR (a source-ip condition).
	SourceIPs []string
	// FixedResponse answers instead of forwarding; it excludes Stickiness.
	FixedResponse *FixedResponse
	// Stickiness, when set, keeps a client on one target group of a
	// weighted forward for this long (1 s to 7 days).
	Stickiness *time.Duration
	// OIDC authenticates before the forward or fixed response.
	OIDC *OIDCAuthentication
	// Tags go on the listener rule.
	Tags map[string]string
}

// Validate reports every problem at once.
func (s ListenerRuleConfigurationSpec) Validate() error {
	_, err := s.render()
	return err
}

const sevenDays = 7 * 24 * time.Hour

func (s ListenerRuleConfigurationSpec) render() (*unstructured.Unstructured, error) {
	c := &fieldChecker{kind: KindListenerRuleConfiguration, name: s.Name}
	c.meta(s.Name, s.Namespace)
	spec := map[string]any{}
	if len(s.SourceIPs) > 0 {
		c.check("conditions[0].sourceIPConfig.values", strings.Join(s.SourceIPs, ","), checkCIDRs(s.SourceIPs))
		spec["conditions"] = []any{map[string]any{"field": "source-ip", "sourceIPConfig": map[string]any{"values": strings2any(s.SourceIPs)}}}
	}
	var actions []any
	if o := s.OIDC; o != nil {
		for _, e := range []struct{ f, v string }{{"issuer", o.Issuer}, {"authorizationEndpoint", o.AuthorizationEndpoint},
			{"tokenEndpoint", o.TokenEndpoint}, {"userInfoEndpoint", o.UserInfoEndpoint}} {
			u, err := url.Parse(e.v)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				c.check("actions.authenticateOIDCConfig."+e.f, e.v, errors.New("not a full https:// URL"))
			}
		}
		if !validSubdomain(o.SecretName) {
			c.check("actions.authenticateOIDCConfig.secret.name", o.SecretName, errors.New("not a Secret name"))
		}
		cfg := map[string]any{"issuer": o.Issuer, "authorizationEndpoint": o.AuthorizationEndpoint, "tokenEndpoint": o.TokenEndpoint,
			"userInfoEndpoint": o.UserInfoEndpoint, "secret": map[string]any{"name": o.SecretName}}
		if o.Scope != "" {
			cfg["scope"] = o.Scope
		}
		if o.OnUnauthenticatedRequest != "" {
			c.check("actions.authenticateOIDCConfig.onUnauthenticatedRequest", o.OnUnauthenticatedRequest,
				oneOf(o.OnUnauthenticatedRequest, "authenticate", "deny", "allow"))
			cfg["onUnauthenticatedRequest"] = o.OnUnauthenticatedRequest
		}
		if d := o.SessionTimeout; d != 0 {
			if d < time.Second || d > sevenDays || d%time.Second != 0 {
				c.check("actions.authenticateOIDCConfig.sessionTimeout", d.String(), errors.New("not whole seconds from 1s to 7 days"))
			}
			cfg["sessionTimeout"] = int64(d / time.Second)
		}
		actions = append(actions, map[string]any{"type": "authenticate-oidc", "authenticateOIDCConfig": cfg})
	}
	if s.FixedResponse != nil && s.Stickiness != nil {
		c.errs = append(c.errs, fmt.Errorf("%w: %s %s: a fixed response and stickiness (a forward) exclude each other",
			ErrInvalidGatewayConfig, KindListenerRuleConfiguration, s.Name))
	}
	if f := s.FixedResponse; f != nil {
		code := f.StatusCode
		if !(code >= 200 && code <= 299) && !(code >= 400 && code <= 599) {
			c.check("actions.fixedResponseConfig.statusCode", strconv.Itoa(code), errors.New("not 2XX, 4XX or 5XX"))
		}
		cfg := map[string]any{"statusCode": int64(code)}
		if f.ContentType != "" {
			c.check("actions.fixedResponseConfig.contentType", f.ContentType,
				oneOf(f.ContentType, "text/plain", "text/css", "text/html", "application/javascript", "application/json"))
			cfg["contentType"] = f.ContentType
		}
		if f.Body != "" {
			if len(f.Body) > 1024 {
				c.check("actions.fixedResponseConfig.messageBody", f.Body[:16]+"...", errors.New("longer than 1024 characters"))
			}
			cfg["messageBody"] = f.Body
		}
		actions = append(actions, map[string]any{"type": "fixed-response", "fixedResponseConfig": cfg})
	}
	if d := s.Stickiness; d != nil {
		if *d < time.Second || *d > sevenDays || *d%time.Second != 0 {
			c.check("actions.forwardConfig.targetGroupStickinessConfig.durationSeconds", d.String(), errors.New("not whole seconds from 1s to 7 days"))
		}
		actions = append(actions, map[string]any{"type": "forward", "forwardConfig": map[string]any{
			"targetGroupStickinessConfig": map[string]any{"enabled": true, "durationSeconds": int64(*d / time.Second)}}})
	}
	if len(actions) > 0 {
		spec["actions"] = actions
	}
	c.tags("tags", s.Tags)
	if len(s.Tags) > 0 {
		spec["tags"] = stringMap(s.Tags)
	}
	if len(spec) == 0 {
		c.errs = append(c.errs, fmt.Errorf("%w: %s %s: sets nothing", ErrInvalidGatewayConfig, KindListenerRuleConfiguration, s.Name))
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return newObject(KindListenerRuleConfiguration, s.Name, s.Namespace, spec), nil
}

// Object renders the configuration as an unstructured gateway.k8s.aws/v1
// ListenerRuleConfiguration. It is pure.
func (s ListenerRuleConfigurationSpec) Object() (*unstructured.Unstructured, error) {
	return s.render()
}
