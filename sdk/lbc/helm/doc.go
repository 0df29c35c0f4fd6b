// Package helm installs and upgrades the AWS Load Balancer Controller's
// chart (or any chart) with the Helm Go SDK, against a *rest.Config: the
// part of the lbc SDK that needs Helm, kept apart so that a tool importing
// github.com/fargatekit/fargatekit/sdk/lbc links no Helm (see that
// package's documentation, "Helm, in its own package").
//
// [Install] and [Upgrade] (helm upgrade --install) take [Options]: a chart
// source (the embedded eks-charts archive for the default version, a
// download through the repository's index.yaml, or a local path: see
// lbc.ChartArchive), values, and what Helm itself does not do for the
// controller's chart: the chart's CRDs are server-side applied before it
// (lbc.ApplyCRDs: Helm never upgrades CRDs), the webhook certificate is kept
// across upgrades (lbc.EnsureWebhookCertificate: chart 3.0.0 has no
// keepTLSSecret), a namespace other than kube-system is created, and Wait
// ends with lbc.WaitForWebhook. [Template] renders client-side, [Status]
// reads a release, [LoadChart] and [ChartCRDs] load a chart and its CRDs,
// and [NewRESTClientGetter] adapts a *rest.Config for Helm's libraries.
//
// Uninstalling needs no Helm: lbc.Uninstall removes a release from its
// record, and lbc.Teardown first removes what the controller manages.
package helm
