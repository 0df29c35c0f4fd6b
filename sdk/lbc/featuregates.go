package lbc

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// FeatureGate is one of the controller's feature gates (its --feature-gates
// flag, the chart's controllerConfig.featureGates). The controller refuses
// to start on a gate it does not know ("unknown feature"), so Validate
// refuses a gate the chosen version does not document.
type FeatureGate string

// The controller's feature gates, as controller v3.5.0 knows them
// (pkg/config/feature_gates.go of the controller; the featureGates comments
// of chart 3.5.0's values.yaml list the same names). The default of each is
// the controller's, and depends on the version; see FeatureGateInfo.
const (
	FeatureListenerRulesTagging          FeatureGate = "ListenerRulesTagging"
	FeatureWeightedTargetGroups          FeatureGate = "WeightedTargetGroups"
	FeatureServiceTypeLoadBalancerOnly   FeatureGate = "ServiceTypeLoadBalancerOnly"
	FeatureEndpointsFailOpen             FeatureGate = "EndpointsFailOpen"
	FeatureEnableServiceController       FeatureGate = "EnableServiceController"
	FeatureEnableIPTargetType            FeatureGate = "EnableIPTargetType"
	FeatureEnableTCPUDPListener          FeatureGate = "EnableTCPUDPListener"
	FeatureEnableRGTAPI                  FeatureGate = "EnableRGTAPI"
	FeatureSubnetsClusterTagCheck        FeatureGate = "SubnetsClusterTagCheck"
	FeatureNLBHealthCheckAdvancedConfig  FeatureGate = "NLBHealthCheckAdvancedConfig"
	FeatureNLBSecurityGroup              FeatureGate = "NLBSecurityGroup"
	FeatureALBSingleSubnet               FeatureGate = "ALBSingleSubnet"
	FeatureLBCapacityReservation         FeatureGate = "LBCapacityReservation"
	FeatureSubnetDiscoveryByReachability FeatureGate = "SubnetDiscoveryByReachability"
	FeatureNLBGatewayAPI                 FeatureGate = "NLBGatewayAPI"
	FeatureALBGatewayAPI                 FeatureGate = "ALBGatewayAPI"
	FeatureGatewayListenerSet            FeatureGate = "GatewayListenerSet"
	FeatureGlobalAcceleratorController   FeatureGate = "GlobalAcceleratorController"
	FeatureIngressPlanAnnotation         FeatureGate = "IngressPlanAnnotation"
	FeatureEnhancedDefaultBehavior       FeatureGate = "EnhancedDefaultBehavior"
	FeatureEnableDefaultTagsLowPriority  FeatureGate = "EnableDefaultTagsLowPriority"
	FeatureALBTargetControlAgent         FeatureGate = "ALBTargetControlAgent"
	FeatureEnableCertificateManagement   FeatureGate = "EnableCertificateManagement"
)

// FeatureGateInfo says from which chart a gate is documented.
type FeatureGateInfo struct {
	// Gate is the gate's name.
	Gate FeatureGate
	// SinceChart is the first chart of the version table whose values.yaml
	// documents the gate under controllerConfig.featureGates (the real-chart
	// test checks every archive); the controller may know it earlier.
	SinceChart string
}

// featureGates is the gate table, in the order of chart 3.5.0's values.yaml.
// Chart 1.14.1 to 1.16.0 documented GlobalAcceleratorController as
// AGAController; the controller then renamed it, and only the new name is
// accepted here.
var featureGates = []FeatureGateInfo{
	{FeatureListenerRulesTagging, "1.13.0"},
	{FeatureWeightedTargetGroups, "1.13.0"},
	{FeatureServiceTypeLoadBalancerOnly, "1.13.0"},
	{FeatureEndpointsFailOpen, "1.13.0"},
	{FeatureEnableServiceController, "1.13.0"},
	{FeatureEnableIPTargetType, "1.13.0"},
	{FeatureEnableTCPUDPListener, "3.2.0"},
	{FeatureEnableRGTAPI, "3.2.0"},
	{FeatureSubnetsClusterTagCheck, "1.13.0"},
	{FeatureNLBHealthCheckAdvancedConfig, "1.13.0"},
	{FeatureNLBSecurityGroup, "3.2.0"},
	{FeatureALBSingleSubnet, "1.13.0"},
	{FeatureLBCapacityReservation, "1.13.0"},
	{FeatureSubnetDiscoveryByReachability, "3.2.0"},
	{FeatureNLBGatewayAPI, "3.2.0"},
	{FeatureALBGatewayAPI, "3.2.0"},
	{FeatureGatewayListenerSet, "3.2.2"},
	{FeatureGlobalAcceleratorController, "1.17.0"},
	{FeatureIngressPlanAnnotation, "3.4.0"},
	{FeatureEnhancedDefaultBehavior, "1.14.0"},
	{FeatureEnableDefaultTagsLowPriority, "1.14.1"},
	{FeatureALBTargetControlAgent, "1.16.0"},
	{FeatureEnableCertificateManagement, "3.3.0"},
}

// FeatureGates returns the gate table, in the order of chart 3.5.0's values.yaml.
func FeatureGates() []FeatureGateInfo { return slices.Clone(featureGates) }

// ErrUnknownFeatureGate is wrapped when a feature gate is not one the chosen
// controller version's chart documents.
var ErrUnknownFeatureGate = errors.New("lbc: unknown feature gate")

// FeatureGateSettings are feature gates set explicitly, each on or off;
// gates not in the map keep the controller's default.
type FeatureGateSettings map[FeatureGate]bool

// Validate reports every gate the chart of a controller version ("" means
// DefaultVersion) does not document, at once. A version outside the table is
// checked against the newest chart's gates.
func (g FeatureGateSettings) Validate(version string) error {
	chart := ""
	if r, err := LookupRelease(version); err == nil {
		chart = r.Chart
	}
	var errs []error
	for _, gate := range slices.Sorted(maps.Keys(g)) {
		i := slices.IndexFunc(featureGates, func(f FeatureGateInfo) bool { return f.Gate == gate })
		switch {
		case i < 0:
			var names []string
			for _, f := range featureGates {
				names = append(names, string(f.Gate))
			}
			errs = append(errs, fmt.Errorf("%w %q (known: %s)", ErrUnknownFeatureGate, gate, strings.Join(names, ", ")))
		case chart != "" && chartBefore(chart, featureGates[i].SinceChart):
			errs = append(errs, fmt.Errorf("%w %q: chart %s does not document it (from chart %s); set it through ExtraValues if this controller knows it",
				ErrUnknownFeatureGate, gate, chart, featureGates[i].SinceChart))
		}
	}
	return errors.Join(errs...)
}

// chartBefore reports whether chart version a is older than b.
func chartBefore(a, b string) bool {
	va, err1 := ParseVersion(a)
	vb, err2 := ParseVersion(b)
	return err1 == nil && err2 == nil && va.Compare(vb) < 0
}

// values renders the gates as the chart's controllerConfig.featureGates
// (nil when none is set).
func (g FeatureGateSettings) values() map[string]any {
	if len(g) == 0 {
		return nil
	}
	out := make(map[string]any, len(g))
	for k, v := range g {
		out[string(k)] = v
	}
	return map[string]any{"controllerConfig": map[string]any{"featureGates": out}}
}
