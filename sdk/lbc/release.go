package lbc

import (
	"errors"
	"fmt"
	"time"
)

// ReleaseSpec is the plain description of one installation of the
// controller: what the Pulumi component (lbc.LBCReleaseArgs embeds it) and the
// SDK path install. [ReleaseSpec.Resolve] validates it and fills its defaults
// once; the layers below take the [Resolved] values.
type ReleaseSpec struct {
	// Settings are the controller choices (version, replicas, image, ...).
	Settings
	// Namespace is where the controller runs; "" means DefaultNamespace.
	Namespace string
	// ChartVersion overrides the table's chart version; required with a
	// Version outside the table.
	ChartVersion string
	// ChartRepo overrides ChartRepo (a mirror of eks-charts).
	ChartRepo string
	// ChartPath is a local copy of the chart (directory or .tgz archive),
	// used instead of ChartRepo; its version must be the chart version.
	ChartPath string
	// PolicyJSON is your own IAM policy, required with a Version outside the
	// table, optional otherwise.
	PolicyJSON string
	// ScopedPolicy narrows the policy to the cluster's region and VPC (see Scope).
	ScopedPolicy bool
	// AdditionalPolicies are optional IAM policies attached to the
	// controller's role besides its own; those the feature gates need are
	// added (see ResolveAdditionalPolicies).
	AdditionalPolicies []AdditionalPolicy
	// Timeout bounds the wait for the release to be ready; 0 means DefaultTimeout.
	Timeout time.Duration
	// SkipCRDs leaves the controller's CustomResourceDefinitions to someone
	// else (as HelmOptions.SkipCRDs): they are neither applied before the
	// chart nor created by Helm. By default the chart's CRDs are applied by
	// server-side apply before every install and upgrade, which Helm itself
	// never does for upgrades.
	SkipCRDs bool
}

// Resolved is a validated ReleaseSpec with its defaults filled in.
type Resolved struct {
	// Settings are the validated settings; ServiceAccountName is set.
	Settings Settings
	// Namespace, ChartVersion, ChartRepo and Version are never empty; Version
	// is canonical (vX.Y.Z).
	Namespace, ChartVersion, ChartRepo, Version string
	// ChartPath is the spec's ChartPath.
	ChartPath string
	// KeepTLSSecret reports whether the chart keeps its webhook certificate
	// by itself (see Release.KeepTLSSecret; true outside the table).
	KeepTLSSecret bool
	// Timeout is positive.
	Timeout time.Duration
	// Policy is the IAM policy to render, without partition or scope (the
	// cluster's, known later).
	Policy PolicySpec
	// ScopedPolicy is the spec's ScopedPolicy.
	ScopedPolicy bool
	// SkipCRDs is the spec's SkipCRDs.
	SkipCRDs bool
	// AdditionalPolicies are the optional policies to attach, sorted.
	AdditionalPolicies []AdditionalPolicy
}

// Resolve validates the spec, reporting every problem at once, and fills in
// its defaults.
func (a ReleaseSpec) Resolve() (Resolved, error) {
	var errs []error
	r := Resolved{Settings: a.Settings, Namespace: a.Namespace, ChartRepo: a.ChartRepo, ChartVersion: a.ChartVersion,
		Timeout: a.Timeout, ScopedPolicy: a.ScopedPolicy, ChartPath: a.ChartPath, KeepTLSSecret: true, SkipCRDs: a.SkipCRDs}
	if r.Settings.ServiceAccountName == "" {
		r.Settings.ServiceAccountName = DefaultServiceAccount
	}
	if err := r.Settings.Validate(); err != nil {
		errs = append(errs, err)
	}
	if r.Namespace == "" {
		r.Namespace = DefaultNamespace
	}
	if !validLabel(r.Namespace) {
		errs = append(errs, fmt.Errorf("%w: namespace %q", ErrInvalidSpec, r.Namespace))
	}
	if r.ChartRepo == "" {
		r.ChartRepo = ChartRepo
	}
	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	}
	if r.Timeout < time.Second {
		errs = append(errs, fmt.Errorf("%w: timeout %v", ErrInvalidSpec, r.Timeout))
	}
	r.Version = a.Version
	if r.Version == "" {
		r.Version = DefaultVersion
	}
	if v, err := ParseVersion(r.Version); err == nil {
		r.Version = v.String()
		if rel, err := LookupRelease(r.Version); err == nil {
			r.KeepTLSSecret = rel.KeepTLSSecret
			if r.ChartVersion == "" {
				r.ChartVersion = rel.Chart
			}
		} else if a.PolicyJSON == "" || a.ChartVersion == "" {
			errs = append(errs, fmt.Errorf("%w (a version outside the table needs PolicyJSON and ChartVersion)", err))
		}
	}
	if a.ChartVersion != "" {
		if _, err := ParseVersion(a.ChartVersion); err != nil {
			errs = append(errs, fmt.Errorf("chart version: %w", err))
		}
	}
	if a.ChartPath != "" && a.ChartRepo != "" {
		errs = append(errs, fmt.Errorf("%w: ChartPath and ChartRepo exclude each other", ErrInvalidSpec))
	}
	additional, err := ResolveAdditionalPolicies(a.AdditionalPolicies, r.Settings)
	r.AdditionalPolicies, errs = additional, append(errs, err)
	r.Policy = PolicySpec{Version: r.Version, Custom: a.PolicyJSON}
	if a.PolicyJSON != "" {
		if err := (PolicySpec{Custom: a.PolicyJSON}).Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return r, errors.Join(errs...)
}
