package lbc

import (
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestGatewayConfigErrors(t *testing.T) {
	neg := -time.Second
	week := 8 * 24 * time.Hour
	long := strings.Repeat("x", 1025)
	tests := []struct {
		name string
		spec interface{ Validate() error }
		is   error
		want []string
	}{
		{"lb config", LoadBalancerConfigurationSpec{Name: "Web", Namespace: "games", LoadBalancerName: "-game", Scheme: "public",
			IPAddressType: "ipv5", Listeners: []GatewayListener{
				{Protocol: "HTTP", Port: 80, DefaultCertificate: "arn:aws:acm:us-west-2:123456789012:certificate/abc"},
				{Protocol: "QUIC", Port: 443}, {Protocol: "HTTP", Port: 80}},
			SourceRanges: []string{"10.0.0.1/8"}, MergingMode: "both", Tags: map[string]string{"aws:x": "y"}},
			ErrInvalidGatewayConfig, []string{`name "Web"`, "spec.loadBalancerName", "spec.scheme", "spec.ipAddressType",
				"listenerConfigurations[0].certificates", "certificates need an HTTPS or TLS listener",
				"listenerConfigurations[1].protocolPort", "listenerConfigurations[2].protocolPort: value \"HTTP:80\": listener defined twice",
				"host bits", "spec.mergingMode", "reserved aws: prefix"}},
		{"instance on Fargate", TargetGroupConfigurationSpec{Name: "game", Namespace: "games", Service: "game", Fargate: true,
			Routes: []RouteTargetGroup{{Kind: "HTTPRoute", Name: "r", Props: TargetGroupProps{TargetType: TargetInstance}}}},
			ErrInstanceOnFargate, []string{"spec.routeConfigurations[0].targetGroupProps.targetType", "impossible on Fargate"}},
		{"target group", TargetGroupConfigurationSpec{Name: "game", Namespace: "games", Service: "Game",
			Default: TargetGroupProps{Protocol: "SCTP", ProtocolVersion: "HTTP3", TargetGroupName: "tg_1", DeregistrationDelay: &neg,
				HealthCheck: HealthCheck{Path: "health", IntervalSeconds: 4, HealthyThreshold: 11, SuccessCodes: "2xx"}},
			Routes: []RouteTargetGroup{{Kind: "Ingress", Name: "r"}}},
			ErrInvalidGatewayConfig, []string{"targetReference.name", "defaultConfiguration.protocol", "protocolVersion", "targetGroupName",
				"defaultConfiguration.healthCheckConfig.healthCheckPath", "healthCheckInterval", "healthyThresholdCount",
				"matcher.httpCode", "deregistration delay -1s", "routeConfigurations[0].routeIdentifier.kind"}},
		{"listener rule", ListenerRuleConfigurationSpec{Name: "rule", Namespace: "games", SourceIPs: []string{"nope"},
			FixedResponse: &FixedResponse{StatusCode: 301, ContentType: "image/png", Body: long}, Stickiness: &week,
			OIDC: &OIDCAuthentication{Issuer: "http://idp", AuthorizationEndpoint: "https://idp/auth", TokenEndpoint: "https://idp/token",
				UserInfoEndpoint: "https://idp/user", SecretName: "Oidc", OnUnauthenticatedRequest: "maybe", SessionTimeout: time.Millisecond}},
			ErrInvalidGatewayConfig, []string{`"nope" is not a CIDR`, "statusCode", "contentType", "messageBody", "exclude each other",
				"durationSeconds", "authenticateOIDCConfig.issuer", "secret.name", "onUnauthenticatedRequest", "sessionTimeout"}},
		{"empty rule", ListenerRuleConfigurationSpec{Name: "rule", Namespace: "games"}, ErrInvalidGatewayConfig, []string{"sets nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want %v", err, tt.is)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			var fe *GatewayConfigError
			if tt.name != "empty rule" && (!errors.As(err, &fe) || fe.Kind == "") {
				t.Errorf("no *GatewayConfigError in %v", err)
			}
		})
	}
}

func TestGatewayRouteErrors(t *testing.T) {
	_, err := Gateway(GatewaySpec{Name: "g", Namespace: "ns", Class: "alb", LoadBalancerConfiguration: "Web",
		Listeners: []GatewayPort{{Protocol: "SCTP", Port: 1}, {Protocol: "HTTP", Port: 80}, {Name: "http-80", Protocol: "HTTP", Port: 8080}}})
	for _, w := range []string{`"SCTP"`, `"http-80" is not a DNS label or is used twice`, `LoadBalancerConfiguration "Web"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Gateway error lacks %q: %v", w, err)
		}
	}
	_, err = HTTPRoute(HTTPRouteSpec{Name: "r", Namespace: "ns", Gateway: "g", GatewayNamespace: "Other"})
	for _, w := range []string{"no rules", `gateway namespace "Other"`} {
		if err == nil || !strings.Contains(err.Error(), w) || !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("HTTPRoute error lacks %q: %v", w, err)
		}
	}
	rt, err := HTTPRoute(HTTPRouteSpec{Name: "r", Namespace: "ns", Gateway: "g", GatewayNamespace: "edge", SectionName: "https",
		Hostnames: []string{"game.example.com"}, Rules: []HTTPRouteRule{{PathPrefix: "/api", Service: "api", Port: 8080}}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := ToUnstructured(rt)
	parents, _, _ := unstructured.NestedSlice(u.Object, "spec", "parentRefs")
	if p := parents[0].(map[string]any); p["namespace"] != "edge" || p["sectionName"] != "https" || p["name"] != "g" {
		t.Errorf("parentRef %v", p)
	}
	if _, ok := u.Object["status"]; ok {
		t.Error("status rendered")
	}
}
