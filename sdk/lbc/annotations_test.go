package lbc

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func dur(d time.Duration) *time.Duration { return &d }

func TestIngressAnnotations(t *testing.T) {
	got, err := IngressAnnotations{
		LoadBalancer: LoadBalancer{
			Fargate:                true,
			Scheme:                 SchemeInternetFacing,
			CertificateARNs:        []string{"arn:aws:acm:eu-west-1:123456789012:certificate/abc", "arn:aws:iam::123456789012:server-certificate/old"},
			HealthCheck:            HealthCheck{Protocol: "HTTP", Port: "http-admin", Path: "/healthz", IntervalSeconds: 10, TimeoutSeconds: 5, HealthyThreshold: 2, UnhealthyThreshold: 3, SuccessCodes: "200-299"},
			DeregistrationDelay:    dur(30 * time.Second),
			TargetGroupAttributes:  map[string]string{"stickiness.enabled": "true"},
			LoadBalancerAttributes: map[string]string{"idle_timeout.timeout_seconds": "120"},
			Tags:                   map[string]string{"team": "web", "env": ""},
			Subnets:                []string{"subnet-0a", "subnet-0b"},
			SecurityGroups:         []string{"sg-1"},
			IPAddressType:          "dualstack",
			BackendProtocol:        "HTTPS",
			LoadBalancerName:       "shop-public",
		},
		ListenPorts:  []ListenPort{{"HTTP", 80}, {"HTTPS", 443}},
		SSLRedirect:  443,
		SSLPolicy:    "ELBSecurityPolicy-TLS13-1-2-2021-06",
		GroupName:    "shop.public",
		GroupOrder:   -10,
		InboundCIDRs: []string{"10.0.0.0/8", "2001:db8::/32"},
	}.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"alb.ingress.kubernetes.io/scheme":                       "internet-facing",
		"alb.ingress.kubernetes.io/target-type":                  "ip",
		"alb.ingress.kubernetes.io/listen-ports":                 `[{"HTTP":80},{"HTTPS":443}]`,
		"alb.ingress.kubernetes.io/certificate-arn":              "arn:aws:acm:eu-west-1:123456789012:certificate/abc,arn:aws:iam::123456789012:server-certificate/old",
		"alb.ingress.kubernetes.io/ssl-redirect":                 "443",
		"alb.ingress.kubernetes.io/ssl-policy":                   "ELBSecurityPolicy-TLS13-1-2-2021-06",
		"alb.ingress.kubernetes.io/group.name":                   "shop.public",
		"alb.ingress.kubernetes.io/group.order":                  "-10",
		"alb.ingress.kubernetes.io/healthcheck-protocol":         "HTTP",
		"alb.ingress.kubernetes.io/healthcheck-port":             "http-admin",
		"alb.ingress.kubernetes.io/healthcheck-path":             "/healthz",
		"alb.ingress.kubernetes.io/healthcheck-interval-seconds": "10",
		"alb.ingress.kubernetes.io/healthcheck-timeout-seconds":  "5",
		"alb.ingress.kubernetes.io/healthy-threshold-count":      "2",
		"alb.ingress.kubernetes.io/unhealthy-threshold-count":    "3",
		"alb.ingress.kubernetes.io/success-codes":                "200-299",
		"alb.ingress.kubernetes.io/target-group-attributes":      "deregistration_delay.timeout_seconds=30,stickiness.enabled=true",
		"alb.ingress.kubernetes.io/load-balancer-attributes":     "idle_timeout.timeout_seconds=120",
		"alb.ingress.kubernetes.io/tags":                         "env=,team=web",
		"alb.ingress.kubernetes.io/subnets":                      "subnet-0a,subnet-0b",
		"alb.ingress.kubernetes.io/security-groups":              "sg-1",
		"alb.ingress.kubernetes.io/inbound-cidrs":                "10.0.0.0/8,2001:db8::/32",
		"alb.ingress.kubernetes.io/ip-address-type":              "dualstack",
		"alb.ingress.kubernetes.io/backend-protocol":             "HTTPS",
		"alb.ingress.kubernetes.io/load-balancer-name":           "shop-public",
	}
	if !reflect.DeepEqual(got, want) {
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if got[k] != want[k] {
				t.Errorf("%s = %q, want %q", k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected %s", k)
			}
		}
	}
	// Empty spec off Fargate writes only the deregistration delay (the one
	// setting the pods' termination derives from).
	if got, err := (IngressAnnotations{}).Build(); err != nil || len(got) != 1 || got[IngressAnnotationPrefix+"target-group-attributes"] != "deregistration_delay.timeout_seconds=30" {
		t.Errorf("empty: %v %v", got, err)
	}
}

func TestIngressAnnotationsRefused(t *testing.T) {
	tests := []struct {
		name       string
		a          IngressAnnotations
		annotation string
		why        string
	}{
		{"instance on fargate", IngressAnnotations{LoadBalancer: LoadBalancer{Fargate: true, TargetType: TargetInstance}}, "target-type", "impossible on Fargate"},
		{"target type", IngressAnnotations{LoadBalancer: LoadBalancer{TargetType: "pod"}}, "target-type", "neither ip nor instance"},
		{"scheme", IngressAnnotations{LoadBalancer: LoadBalancer{Scheme: "public"}}, "scheme", "internal, internet-facing"},
		{"listen protocol", IngressAnnotations{ListenPorts: []ListenPort{{"TCP", 80}}}, "listen-ports", "neither HTTP nor HTTPS"},
		{"listen port", IngressAnnotations{ListenPorts: []ListenPort{{"HTTP", 0}}}, "listen-ports", "outside 1..65535"},
		{"listen dup", IngressAnnotations{ListenPorts: []ListenPort{{"HTTP", 80}, {"HTTPS", 80}}}, "listen-ports", "repeats"},
		{"certificate", IngressAnnotations{LoadBalancer: LoadBalancer{CertificateARNs: []string{"arn:aws:s3:::bucket"}}}, "certificate-arn", "not an ACM"},
		{"ssl redirect", IngressAnnotations{ListenPorts: []ListenPort{{"HTTP", 80}}, SSLRedirect: 443}, "ssl-redirect", "no HTTPS listener"},
		{"group name", IngressAnnotations{GroupName: "Shop"}, "group.name", "lower-case"},
		{"group order", IngressAnnotations{GroupName: "a", GroupOrder: 1001}, "group.order", "-1000..1000"},
		{"group order alone", IngressAnnotations{GroupOrder: 5}, "group.order", "without group.name"},
		{"hc port", IngressAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{Port: "70000"}}}, "healthcheck-port", "not a port"},
		{"hc path", IngressAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{Path: "healthz"}}}, "healthcheck-path", "start with /"},
		{"hc protocol", IngressAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{Protocol: "TCP"}}}, "healthcheck-protocol", "HTTP, HTTPS"},
		{"hc timeout", IngressAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{IntervalSeconds: 5, TimeoutSeconds: 5}}}, "healthcheck-timeout-seconds", "less than the interval"},
		{"hc threshold", IngressAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{HealthyThreshold: 11}}}, "healthy-threshold-count", "2..10"},
		{"hc codes", IngressAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{SuccessCodes: "2xx"}}}, "success-codes", "200-299"},
		{"dereg", IngressAnnotations{LoadBalancer: LoadBalancer{DeregistrationDelay: dur(2 * time.Hour)}}, "target-group-attributes", "not whole seconds in 0s..1h"},
		{"dereg contradiction", IngressAnnotations{LoadBalancer: LoadBalancer{DeregistrationDelay: dur(time.Minute), TargetGroupAttributes: map[string]string{DeregistrationDelayAttribute: "30"}}}, "target-group-attributes", "contradicts"},
		{"dereg attribute alone", IngressAnnotations{LoadBalancer: LoadBalancer{TargetGroupAttributes: map[string]string{DeregistrationDelayAttribute: "300"}}}, "target-group-attributes", "contradicts the deregistration delay 30s"},
		{"attribute comma", IngressAnnotations{LoadBalancer: LoadBalancer{LoadBalancerAttributes: map[string]string{"a": "1,2"}}}, "load-balancer-attributes", "contains ','"},
		{"tag prefix", IngressAnnotations{LoadBalancer: LoadBalancer{Tags: map[string]string{"aws:x": "y"}}}, "tags", "reserved"},
		{"one subnet", IngressAnnotations{LoadBalancer: LoadBalancer{Subnets: []string{"subnet-1"}}}, "subnets", "at least two"},
		{"sg comma", IngressAnnotations{LoadBalancer: LoadBalancer{SecurityGroups: []string{"sg-1,sg-2"}}}, "security-groups", "comma"},
		{"cidr", IngressAnnotations{InboundCIDRs: []string{"10.0.0.1/8"}}, "inbound-cidrs", "host bits"},
		{"ip type", IngressAnnotations{LoadBalancer: LoadBalancer{IPAddressType: "ipv6"}}, "ip-address-type", "dualstack"},
		{"lb name", IngressAnnotations{LoadBalancer: LoadBalancer{LoadBalancerName: "a-name-that-is-far-too-long-for-elb"}}, "load-balancer-name", "1-32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.a.Build()
			var ae *AnnotationError
			if !errors.As(err, &ae) || !errors.Is(err, ErrInvalidAnnotation) {
				t.Fatalf("error %v", err)
			}
			if ae.Annotation != IngressAnnotationPrefix+tt.annotation {
				t.Errorf("annotation %s, want %s", ae.Annotation, tt.annotation)
			}
			if !strings.Contains(err.Error(), IngressAnnotationPrefix+tt.annotation) || !strings.Contains(err.Error(), tt.why) {
				t.Errorf("error %q does not name the annotation or say %q", err, tt.why)
			}
		})
	}
	// Every problem is reported at once.
	_, err := IngressAnnotations{LoadBalancer: LoadBalancer{Scheme: "x", Fargate: true, TargetType: TargetInstance}, GroupName: "X"}.Build()
	if !errors.Is(err, ErrInstanceOnFargate) || strings.Count(err.Error(), "lbc: annotation") != 3 {
		t.Errorf("want three errors including ErrInstanceOnFargate, got %v", err)
	}
}

func TestServiceAnnotations(t *testing.T) {
	got, err := ServiceAnnotations{
		LoadBalancer: LoadBalancer{
			Fargate:                true,
			Scheme:                 SchemeInternal,
			CertificateARNs:        []string{"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/x"},
			BackendProtocol:        "ssl",
			HealthCheck:            HealthCheck{Protocol: "HTTP", Port: "8080", Path: "/ready", IntervalSeconds: 10, TimeoutSeconds: 6, HealthyThreshold: 3, UnhealthyThreshold: 3, SuccessCodes: "200"},
			DeregistrationDelay:    dur(0),
			LoadBalancerAttributes: map[string]string{"load_balancing.cross_zone.enabled": "true"},
			Tags:                   map[string]string{"team": "net"},
			Subnets:                []string{"subnet-1"},
			SecurityGroups:         []string{"sg-1", "sg-2"},
			IPAddressType:          "ipv4",
			LoadBalancerName:       "edge",
		},
		ProxyProtocol:        true,
		SSLPorts:             []string{"443", "https"},
		SSLNegotiationPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
		SourceRanges:         []string{"192.0.2.0/24"},
	}.Build()
	if err != nil {
		t.Fatal(err)
	}
	p := ServiceAnnotationPrefix
	want := map[string]string{
		p + "type":                            "external",
		p + "scheme":                          "internal",
		p + "nlb-target-type":                 "ip",
		p + "proxy-protocol":                  "*",
		p + "ssl-cert":                        "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/x",
		p + "ssl-ports":                       "443,https",
		p + "ssl-negotiation-policy":          "ELBSecurityPolicy-TLS13-1-2-2021-06",
		p + "backend-protocol":                "ssl",
		p + "healthcheck-protocol":            "HTTP",
		p + "healthcheck-port":                "8080",
		p + "healthcheck-path":                "/ready",
		p + "healthcheck-interval":            "10",
		p + "healthcheck-timeout":             "6",
		p + "healthcheck-healthy-threshold":   "3",
		p + "healthcheck-unhealthy-threshold": "3",
		p + "healthcheck-success-codes":       "200",
		p + "target-group-attributes":         "deregistration_delay.timeout_seconds=0",
		p + "attributes":                      "load_balancing.cross_zone.enabled=true",
		p + "additional-resource-tags":        "team=net",
		p + "subnets":                         "subnet-1",
		p + "security-groups":                 "sg-1,sg-2",
		"service.beta.kubernetes.io/load-balancer-source-ranges": "192.0.2.0/24",
		p + "ip-address-type": "ipv4",
		p + "name":            "edge",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	for _, tt := range []struct {
		s          ServiceAnnotations
		annotation string
	}{
		{ServiceAnnotations{LoadBalancer: LoadBalancer{Fargate: true, TargetType: TargetInstance}}, "nlb-target-type"},
		{ServiceAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{Port: "http"}}}, "healthcheck-port"},
		{ServiceAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{Protocol: "TCP", Path: "/x"}}}, "healthcheck-path"},
		{ServiceAnnotations{LoadBalancer: LoadBalancer{HealthCheck: HealthCheck{Protocol: "UDP"}}}, "healthcheck-protocol"},
		{ServiceAnnotations{SSLPorts: []string{"443"}}, "ssl-ports"},
		{ServiceAnnotations{LoadBalancer: LoadBalancer{BackendProtocol: "http"}}, "backend-protocol"},
		{ServiceAnnotations{LoadBalancer: LoadBalancer{IPAddressType: "dualstack-without-public-ipv4"}}, "ip-address-type"},
		{ServiceAnnotations{LoadBalancer: LoadBalancer{Scheme: "external"}}, "scheme"},
	} {
		_, err := tt.s.Build()
		var ae *AnnotationError
		if !errors.As(err, &ae) || ae.Annotation != p+tt.annotation {
			t.Errorf("%+v: error %v, want one naming %s", tt.s, err, tt.annotation)
		}
	}
	if _, err := (ServiceAnnotations{SourceRanges: []string{"nope"}}).Build(); err == nil || !strings.Contains(err.Error(), SourceRangesAnnotation) {
		t.Errorf("source ranges: %v", err)
	}
	// Off Fargate with no target type, the controller's default stands.
	if got, _ := (ServiceAnnotations{}).Build(); len(got) != 2 || got[p+"type"] != "external" || got[p+"target-group-attributes"] != "deregistration_delay.timeout_seconds=30" {
		t.Errorf("minimal: %v", got)
	}
}

func TestNamespaceLabels(t *testing.T) {
	if got := NamespaceLabels(); len(got) != 1 || got["elbv2.k8s.aws/pod-readiness-gate-inject"] != "enabled" {
		t.Errorf("%v", got)
	}
}
