package lbc

import (
	"errors"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// GatewayPort is one listener of a Gateway.
type GatewayPort struct {
	// Name is the listener's section name (a DNS label); "" means the
	// protocol and port, lower-cased, e.g. "http-80".
	Name string
	// Protocol is HTTP or HTTPS (an ALB class), TCP, UDP or TLS (an NLB class).
	Protocol gatewayv1.ProtocolType
	// Port is the listener's port (1-65535).
	Port int
	// Hostname, when set, limits the listener to one host name.
	Hostname string
}

func (p GatewayPort) name() string {
	if p.Name != "" {
		return p.Name
	}
	return strings.ToLower(string(p.Protocol)) + "-" + fmt.Sprint(p.Port)
}

// GatewaySpec is a typed Gateway of one of the controller's classes.
type GatewaySpec struct {
	// Name and Namespace locate the Gateway.
	Name, Namespace string
	// Class is its GatewayClass name, e.g. DefaultGatewayClassALB.
	Class string
	// Listeners are its listeners; none means HTTP on port 80.
	Listeners []GatewayPort
	// LoadBalancerConfiguration names a LoadBalancerConfiguration in the
	// Gateway's namespace (spec.infrastructure.parametersRef).
	LoadBalancerConfiguration string
}

// Gateway renders the spec as a typed gateway.networking.k8s.io/v1 Gateway. It is pure.
func Gateway(s GatewaySpec) (*gatewayv1.Gateway, error) {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: Gateway %s/%s: "+format, append([]any{ErrInvalidSpec, s.Namespace, s.Name}, a...)...))
	}
	if !validSubdomain(s.Name) || !validLabel(s.Namespace) {
		bad("name or namespace is not a DNS name")
	}
	if !validSubdomain(s.Class) {
		bad("class %q is not a DNS subdomain", s.Class)
	}
	if s.LoadBalancerConfiguration != "" && !validSubdomain(s.LoadBalancerConfiguration) {
		bad("LoadBalancerConfiguration %q is not a DNS subdomain", s.LoadBalancerConfiguration)
	}
	ports := s.Listeners
	if len(ports) == 0 {
		ports = []GatewayPort{{Protocol: gatewayv1.HTTPProtocolType, Port: 80}}
	}
	gw := &gatewayv1.Gateway{
		TypeMeta:   metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: "Gateway"},
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace},
		Spec:       gatewayv1.GatewaySpec{GatewayClassName: gatewayv1.ObjectName(s.Class)},
	}
	seen := map[string]bool{}
	for _, p := range ports {
		switch p.Protocol {
		case gatewayv1.HTTPProtocolType, gatewayv1.HTTPSProtocolType, gatewayv1.TCPProtocolType, gatewayv1.UDPProtocolType, gatewayv1.TLSProtocolType:
		default:
			bad("listener protocol %q: want HTTP, HTTPS, TCP, UDP or TLS", p.Protocol)
		}
		if !validPort(p.Port) {
			bad("listener port %d: not 1-65535", p.Port)
		}
		name := p.name()
		if !validLabel(name) || seen[name] {
			bad("listener name %q is not a DNS label or is used twice", name)
		}
		seen[name] = true
		l := gatewayv1.Listener{Name: gatewayv1.SectionName(name), Protocol: p.Protocol, Port: gatewayv1.PortNumber(p.Port)}
		if p.Hostname != "" {
			h := gatewayv1.Hostname(p.Hostname)
			l.Hostname = &h
		}
		gw.Spec.Listeners = append(gw.Spec.Listeners, l)
	}
	if s.LoadBalancerConfiguration != "" {
		gw.Spec.Infrastructure = &gatewayv1.GatewayInfrastructure{ParametersRef: &gatewayv1.LocalParametersReference{
			Group: ControllerGatewayGroup, Kind: KindLoadBalancerConfiguration, Name: s.LoadBalancerConfiguration}}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return gw, nil
}

// HTTPRouteRule is one rule of an HTTPRoute: requests whose path starts with
// PathPrefix go to a Service's port.
type HTTPRouteRule struct {
	// PathPrefix matches the request path; "" means "/".
	PathPrefix string
	// Service and Port are the backend (a Service in the route's namespace).
	Service string
	Port    int
	// ListenerRuleConfiguration, when set, names a ListenerRuleConfiguration
	// in the route's namespace, attached through an ExtensionRef filter.
	ListenerRuleConfiguration string
}

// HTTPRouteSpec is a typed HTTPRoute attached to one Gateway.
type HTTPRouteSpec struct {
	// Name and Namespace locate the route.
	Name, Namespace string
	// Gateway is the parent Gateway; GatewayNamespace defaults to the
	// route's namespace, and SectionName, when set, picks one listener.
	Gateway, GatewayNamespace, SectionName string
	// Hostnames, when set, limit the route to these host names.
	Hostnames []string
	// Rules are the route's rules; at least one.
	Rules []HTTPRouteRule
}

// HTTPRoute renders the spec as a typed gateway.networking.k8s.io/v1
// HTTPRoute. It is pure.
func HTTPRoute(s HTTPRouteSpec) (*gatewayv1.HTTPRoute, error) {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: HTTPRoute %s/%s: "+format, append([]any{ErrInvalidSpec, s.Namespace, s.Name}, a...)...))
	}
	if !validSubdomain(s.Name) || !validLabel(s.Namespace) {
		bad("name or namespace is not a DNS name")
	}
	if !validSubdomain(s.Gateway) {
		bad("gateway %q is not a DNS subdomain", s.Gateway)
	}
	if len(s.Rules) == 0 {
		bad("no rules")
	}
	parent := gatewayv1.ParentReference{Name: gatewayv1.ObjectName(s.Gateway)}
	if s.GatewayNamespace != "" && s.GatewayNamespace != s.Namespace {
		if !validLabel(s.GatewayNamespace) {
			bad("gateway namespace %q", s.GatewayNamespace)
		}
		ns := gatewayv1.Namespace(s.GatewayNamespace)
		parent.Namespace = &ns
	}
	if s.SectionName != "" {
		sn := gatewayv1.SectionName(s.SectionName)
		parent.SectionName = &sn
	}
	rt := &gatewayv1.HTTPRoute{
		TypeMeta:   metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: "HTTPRoute"},
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace},
	}
	rt.Spec.ParentRefs = []gatewayv1.ParentReference{parent}
	for _, h := range s.Hostnames {
		rt.Spec.Hostnames = append(rt.Spec.Hostnames, gatewayv1.Hostname(h))
	}
	prefix := gatewayv1.PathMatchPathPrefix
	for i, r := range s.Rules {
		path := r.PathPrefix
		if path == "" {
			path = "/"
		}
		if !strings.HasPrefix(path, "/") || len(path) > 1024 {
			bad("rule %d: path prefix %q does not start with / or is longer than 1024", i, path)
		}
		if !validLabel(r.Service) {
			bad("rule %d: service %q is not a Service name", i, r.Service)
		}
		if !validPort(r.Port) {
			bad("rule %d: port %d: not 1-65535", i, r.Port)
		}
		port := gatewayv1.PortNumber(r.Port)
		rule := gatewayv1.HTTPRouteRule{
			Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{Type: &prefix, Value: &path}}},
			BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
				BackendObjectReference: gatewayv1.BackendObjectReference{Name: gatewayv1.ObjectName(r.Service), Port: &port}}}},
		}
		if r.ListenerRuleConfiguration != "" {
			if !validSubdomain(r.ListenerRuleConfiguration) {
				bad("rule %d: ListenerRuleConfiguration %q is not a DNS subdomain", i, r.ListenerRuleConfiguration)
			}
			rule.Filters = []gatewayv1.HTTPRouteFilter{{Type: gatewayv1.HTTPRouteFilterExtensionRef,
				ExtensionRef: &gatewayv1.LocalObjectReference{Group: ControllerGatewayGroup,
					Kind: KindListenerRuleConfiguration, Name: gatewayv1.ObjectName(r.ListenerRuleConfiguration)}}}
		}
		rt.Spec.Rules = append(rt.Spec.Rules, rule)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rt, nil
}
