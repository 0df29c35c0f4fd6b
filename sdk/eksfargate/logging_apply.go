package eksfargate

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/kubernetes"
)

// FieldManager is the server-side-apply field manager of this package's
// Kubernetes writes (the logging namespace and ConfigMap, the restart
// annotations of [RollDeployments]).
const FieldManager = "fargatekit-eksfargate"

// LoggingResult is what [ApplyLogging] wrote.
type LoggingResult struct {
	// Namespace and ConfigMap are the applied objects' names.
	Namespace, ConfigMap string
	// ResourceVersion is the ConfigMap's after the apply.
	ResourceVersion string
}

type loggingSettings struct {
	namespace string
}

// LoggingOption configures [ApplyLogging].
type LoggingOption func(*loggingSettings)

// ApplyLogging applies the Fargate logging configuration to the cluster by
// server-side apply (field manager [FieldManager], forced): the
// aws-observability namespace with the label aws-observability=enabled, and
// the aws-logging ConfigMap with data (from [RenderLoggingConfig]; checked
// again with [ValidateLoggingConfig] before anything is written). Labels and
// data keys other managers own are kept; a data key this function applied
// before and no longer applies is removed. Fargate reads the ConfigMap when
// a pod starts: restart running pods ([RollDeployments]) to apply it.
func ApplyLogging(ctx context.Context, cs kubernetes.Interface, data map[string]string, opts ...LoggingOption) (LoggingResult, error) {
	s := loggingSettings{namespace: ObservabilityNamespace}
	for _, o := range opts {
		o(&s)
	}
	if err := ValidateLoggingConfig(data); err != nil {
		return LoggingResult{}, fmt.Errorf("eksfargate: ApplyLogging: %w", err)
	}
	apply := metav1.ApplyOptions{FieldManager: FieldManager, Force: true}
	ns := corev1ac.Namespace(s.namespace).WithLabels(map[string]string{ObservabilityLabel: ObservabilityLabelValue})
	if _, err := cs.CoreV1().Namespaces().Apply(ctx, ns, apply); err != nil {
		return LoggingResult{}, fmt.Errorf("eksfargate: ApplyLogging: namespace %s: %w", s.namespace, err)
	}
	cm := corev1ac.ConfigMap(LoggingConfigMapName, s.namespace).WithData(data)
	out, err := cs.CoreV1().ConfigMaps(s.namespace).Apply(ctx, cm, apply)
	if err != nil {
		return LoggingResult{}, fmt.Errorf("eksfargate: ApplyLogging: configmap %s/%s: %w", s.namespace, LoggingConfigMapName, err)
	}
	return LoggingResult{Namespace: s.namespace, ConfigMap: out.Name, ResourceVersion: out.ResourceVersion}, nil
}
