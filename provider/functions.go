package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"

	lbcsdk "github.com/fargatekit/fargatekit/sdk/lbc"
)

// The package's functions serve the load balancer controller's pure
// renderers (sdk/lbc) to every language, so that a TypeScript or YAML
// program gets the pods' termination and the Ingress annotations from the
// Go code a Go program calls, instead of copying their values.

// seconds is a whole number of seconds (the cross-language inputs' unit) as
// a duration (the Go Args' type).
func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// optionalSeconds is nil for nil, else the seconds as a duration.
func optionalSeconds(n *int) *time.Duration {
	if n == nil {
		return nil
	}
	d := seconds(*n)
	return &d
}

// PodTermination is the function fargatekit:lbc:podTermination: Go's
// lbcsdk.Termination.
type PodTermination struct{}

// PodTerminationArgs are podTermination's inputs (Go: lbcsdk.TerminationSpec).
type PodTerminationArgs struct {
	DeregistrationDelaySeconds *int `pulumi:"deregistrationDelaySeconds,optional"`
	PropagationSeconds         int  `pulumi:"propagationSeconds,optional"`
	ShutdownSeconds            int  `pulumi:"shutdownSeconds,optional"`
}

// Annotate documents PodTerminationArgs.
func (a *PodTerminationArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.DeregistrationDelaySeconds, "The target group's deregistration delay in whole seconds (0-3600); "+
		"unset means fargatekit's default, the one the Ingress annotations and LBCRelease's Gateway configurations write.")
	an.Describe(&a.PropagationSeconds, "How long the load balancer may still route new requests to a terminating pod; 0 means fargatekit's default (15).")
	an.Describe(&a.ShutdownSeconds, "The application's own graceful shutdown after SIGTERM; 0 means fargatekit's default (10).")
}

// PodTerminationResult is podTermination's result (Go: lbcsdk.PodTermination).
type PodTerminationResult struct {
	DeregistrationDelaySeconds    int `pulumi:"deregistrationDelaySeconds"`
	PreStopSleepSeconds           int `pulumi:"preStopSleepSeconds"`
	TerminationGracePeriodSeconds int `pulumi:"terminationGracePeriodSeconds"`
}

// Annotate documents PodTerminationResult.
func (r *PodTerminationResult) Annotate(an infer.Annotator) {
	an.Describe(&r.DeregistrationDelaySeconds, "The deregistration delay the result is for (the default filled in).")
	an.Describe(&r.PreStopSleepSeconds, "The container's preStop sleep (lifecycle.preStop.sleep.seconds): the propagation plus the deregistration delay.")
	an.Describe(&r.TerminationGracePeriodSeconds, "The pod's terminationGracePeriodSeconds: the sleep, the shutdown and 1 s.")
}

// Annotate documents the function.
func (f *PodTermination) Annotate(an infer.Annotator) {
	an.SetToken("lbc", "podTermination")
	an.Describe(f, "The preStop sleep and termination grace period of pods behind the controller's load balancer, "+
		"derived from the deregistration delay so that no request fails when a pod stops (Go: sdk/lbc Termination). "+
		"Use the same deregistration delay as the Ingress's (ingressAnnotations) or the Gateway's.")
}

// Invoke runs lbcsdk.Termination.
func (PodTermination) Invoke(_ context.Context, req infer.FunctionRequest[PodTerminationArgs]) (infer.FunctionResponse[PodTerminationResult], error) {
	in := req.Input
	delay, err := lbcsdk.EffectiveDeregistrationDelay(optionalSeconds(in.DeregistrationDelaySeconds))
	if err != nil {
		return infer.FunctionResponse[PodTerminationResult]{}, fmt.Errorf("lbc: podTermination: %w", err)
	}
	term, err := lbcsdk.Termination(lbcsdk.TerminationSpec{
		DeregistrationDelay: &delay, Propagation: seconds(in.PropagationSeconds), Shutdown: seconds(in.ShutdownSeconds),
	})
	if err != nil {
		return infer.FunctionResponse[PodTerminationResult]{}, fmt.Errorf("lbc: podTermination: %w", err)
	}
	return infer.FunctionResponse[PodTerminationResult]{Output: PodTerminationResult{
		DeregistrationDelaySeconds:    int(delay / time.Second),
		PreStopSleepSeconds:           int(term.PreStopSleep / time.Second),
		TerminationGracePeriodSeconds: int(term.TerminationGracePeriodSeconds),
	}}, nil
}

// IngressAnnotationsFn is the function fargatekit:lbc:ingressAnnotations:
// Go's lbcsdk.IngressAnnotations.Build.
type IngressAnnotationsFn struct{}

// ListenPort is an ALB listener (Go: lbcsdk.ListenPort).
type ListenPort struct {
	Protocol string `pulumi:"protocol"`
	Port     int    `pulumi:"port"`
}

// Annotate documents ListenPort.
func (l *ListenPort) Annotate(an infer.Annotator) {
	an.SetToken("lbc", "ListenPort")
	an.Describe(l, "An ALB listener of an Ingress.")
	an.Describe(&l.Protocol, "HTTP or HTTPS.")
	an.Describe(&l.Port, "The listener's port (1-65535).")
}

// HealthCheck configures the target groups' health checks (Go: lbcsdk.HealthCheck).
type HealthCheck struct {
	Protocol           string `pulumi:"protocol,optional"`
	Port               string `pulumi:"port,optional"`
	Path               string `pulumi:"path,optional"`
	IntervalSeconds    int    `pulumi:"intervalSeconds,optional"`
	TimeoutSeconds     int    `pulumi:"timeoutSeconds,optional"`
	HealthyThreshold   int    `pulumi:"healthyThreshold,optional"`
	UnhealthyThreshold int    `pulumi:"unhealthyThreshold,optional"`
	SuccessCodes       string `pulumi:"successCodes,optional"`
}

// Annotate documents HealthCheck.
func (h *HealthCheck) Annotate(an infer.Annotator) {
	an.SetToken("lbc", "HealthCheck")
	an.Describe(h, "The health checks of an Ingress's target groups; unset fields are not written (the controller's defaults).")
	an.Describe(&h.Protocol, "HTTP or HTTPS.")
	an.Describe(&h.Port, `"traffic-port", a port number, or a named container port.`)
	an.Describe(&h.Path, `The HTTP(S) path, starting with "/".`)
	an.Describe(&h.IntervalSeconds, "Seconds between checks (5-300).")
	an.Describe(&h.TimeoutSeconds, "Seconds a check may take (2-120, less than the interval).")
	an.Describe(&h.HealthyThreshold, "Consecutive successes that make a target healthy (2-10).")
	an.Describe(&h.UnhealthyThreshold, "Consecutive failures that make a target unhealthy (2-10).")
	an.Describe(&h.SuccessCodes, `HTTP codes: "200", "200,201" or "200-299".`)
}

// IngressAnnotationsArgs are ingressAnnotations' inputs (Go:
// lbcsdk.IngressAnnotations, its LoadBalancer flattened).
type IngressAnnotationsArgs struct {
	Fargate                    bool              `pulumi:"fargate,optional"`
	LoadBalancerName           string            `pulumi:"loadBalancerName,optional"`
	Scheme                     string            `pulumi:"scheme,optional"`
	TargetType                 string            `pulumi:"targetType,optional"`
	CertificateARNs            []string          `pulumi:"certificateArns,optional"`
	HealthCheck                *HealthCheck      `pulumi:"healthCheck,optional"`
	DeregistrationDelaySeconds *int              `pulumi:"deregistrationDelaySeconds,optional"`
	TargetGroupAttributes      map[string]string `pulumi:"targetGroupAttributes,optional"`
	LoadBalancerAttributes     map[string]string `pulumi:"loadBalancerAttributes,optional"`
	Tags                       map[string]string `pulumi:"tags,optional"`
	Subnets                    []string          `pulumi:"subnets,optional"`
	SecurityGroups             []string          `pulumi:"securityGroups,optional"`
	IPAddressType              string            `pulumi:"ipAddressType,optional"`
	BackendProtocol            string            `pulumi:"backendProtocol,optional"`
	ListenPorts                []ListenPort      `pulumi:"listenPorts,optional"`
	SSLRedirect                int               `pulumi:"sslRedirect,optional"`
	SSLPolicy                  string            `pulumi:"sslPolicy,optional"`
	GroupName                  string            `pulumi:"groupName,optional"`
	GroupOrder                 int               `pulumi:"groupOrder,optional"`
	InboundCIDRs               []string          `pulumi:"inboundCidrs,optional"`
}

// Annotate documents IngressAnnotationsArgs.
func (a *IngressAnnotationsArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Fargate, "Makes the target type default to ip and refuses instance.")
	an.Describe(&a.LoadBalancerName, "Names the load balancer (at most 32 letters, digits and hyphens).")
	an.Describe(&a.Scheme, "internal (the controller's default) or internet-facing.")
	an.Describe(&a.TargetType, "ip or instance; empty means ip on Fargate.")
	an.Describe(&a.CertificateARNs, "ACM (or IAM server) certificate ARNs of the HTTPS listeners; the first is the default.")
	an.Describe(&a.HealthCheck, "The target groups' health checks.")
	an.Describe(&a.DeregistrationDelaySeconds, "The target groups' deregistration_delay.timeout_seconds (0-3600); "+
		"unset means fargatekit's default, always written, so that podTermination with the same value matches the target group.")
	an.Describe(&a.TargetGroupAttributes, "Further target-group attributes.")
	an.Describe(&a.LoadBalancerAttributes, "Load balancer attributes (idle_timeout.timeout_seconds, ...).")
	an.Describe(&a.Tags, "Tags added to the AWS resources the controller creates.")
	an.Describe(&a.Subnets, "Subnet IDs or Name tags (an ALB needs two, in different zones).")
	an.Describe(&a.SecurityGroups, "Security group IDs or Name tags; the controller then creates none of its own.")
	an.Describe(&a.IPAddressType, "ipv4, dualstack or dualstack-without-public-ipv4.")
	an.Describe(&a.BackendProtocol, "The protocol to the pods: HTTP or HTTPS.")
	an.Describe(&a.ListenPorts, "The listeners, e.g. HTTP 80 and HTTPS 443.")
	an.Describe(&a.SSLRedirect, "The HTTPS port every HTTP listener redirects to.")
	an.Describe(&a.SSLPolicy, "The HTTPS listeners' security policy.")
	an.Describe(&a.GroupName, "Joins an IngressGroup (one ALB shared by several Ingresses).")
	an.Describe(&a.GroupOrder, "Orders this Ingress's rules in its group (-1000 to 1000, not 0).")
	an.Describe(&a.InboundCIDRs, "Limit the clients of the ALB's own security group.")
}

// IngressAnnotationsResult is ingressAnnotations' result.
type IngressAnnotationsResult struct {
	Annotations map[string]string `pulumi:"annotations"`
}

// Annotate documents IngressAnnotationsResult.
func (r *IngressAnnotationsResult) Annotate(an infer.Annotator) {
	an.Describe(&r.Annotations, "The Ingress's alb.ingress.kubernetes.io/* annotations.")
}

// Annotate documents the function.
func (f *IngressAnnotationsFn) Annotate(an infer.Annotator) {
	an.SetToken("lbc", "ingressAnnotations")
	an.Describe(f, "The typed, validated alb.ingress.kubernetes.io/* annotations of an Ingress the controller serves "+
		"(Go: sdk/lbc IngressAnnotations.Build); every refused value is reported at once, naming its annotation.")
}

// goIngressAnnotations is the Go value of the inputs.
func (a IngressAnnotationsArgs) goIngressAnnotations() lbcsdk.IngressAnnotations {
	out := lbcsdk.IngressAnnotations{
		LoadBalancer: lbcsdk.LoadBalancer{
			Fargate: a.Fargate, LoadBalancerName: a.LoadBalancerName, Scheme: lbcsdk.Scheme(a.Scheme),
			TargetType: lbcsdk.TargetType(a.TargetType), CertificateARNs: a.CertificateARNs,
			DeregistrationDelay:   optionalSeconds(a.DeregistrationDelaySeconds),
			TargetGroupAttributes: a.TargetGroupAttributes, LoadBalancerAttributes: a.LoadBalancerAttributes,
			Tags: a.Tags, Subnets: a.Subnets, SecurityGroups: a.SecurityGroups,
			IPAddressType: a.IPAddressType, BackendProtocol: a.BackendProtocol,
		},
		SSLRedirect: a.SSLRedirect, SSLPolicy: a.SSLPolicy, GroupName: a.GroupName, GroupOrder: a.GroupOrder,
		InboundCIDRs: a.InboundCIDRs,
	}
	if h := a.HealthCheck; h != nil {
		out.HealthCheck = lbcsdk.HealthCheck{
			Protocol: h.Protocol, Port: h.Port, Path: h.Path, IntervalSeconds: h.IntervalSeconds,
			TimeoutSeconds: h.TimeoutSeconds, HealthyThreshold: h.HealthyThreshold,
			UnhealthyThreshold: h.UnhealthyThreshold, SuccessCodes: h.SuccessCodes,
		}
	}
	for _, lp := range a.ListenPorts {
		out.ListenPorts = append(out.ListenPorts, lbcsdk.ListenPort{Protocol: lp.Protocol, Port: lp.Port})
	}
	return out
}

// Invoke runs lbcsdk.IngressAnnotations.Build.
func (IngressAnnotationsFn) Invoke(_ context.Context, req infer.FunctionRequest[IngressAnnotationsArgs]) (infer.FunctionResponse[IngressAnnotationsResult], error) {
	annotations, err := req.Input.goIngressAnnotations().Build()
	if err != nil {
		return infer.FunctionResponse[IngressAnnotationsResult]{}, fmt.Errorf("lbc: ingressAnnotations: %w", err)
	}
	return infer.FunctionResponse[IngressAnnotationsResult]{Output: IngressAnnotationsResult{Annotations: annotations}}, nil
}
