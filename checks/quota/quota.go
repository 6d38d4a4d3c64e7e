package quota

import "github.com/seaworthy-k8s/seaworthy/checks/check"

// Category is the QUOTA checks' category.
const Category = "Namespace quotas"

// Options holds the QUOTA checks' thresholds. Start from DefaultOptions.
type Options struct {
	// SystemNamespaces are never treated as user namespaces.
	SystemNamespaces []string `json:"systemNamespaces"`
	// ExcludeNamespaces are further namespaces the QUOTA checks ignore.
	ExcludeNamespaces []string `json:"excludeNamespaces"`
	// ExemptInfrastructure, when set (the default), treats namespaces that
	// run node-level infrastructure (index.InfrastructureNamespaces: a
	// DaemonSet on the host network or at system-node-critical, or only
	// node-level workloads) like system namespaces in QUOTA-001, 002, 004
	// and 005: they are not asked for quotas or LimitRanges, since a
	// compute quota there can keep a CNI or load-balancer agent off new
	// nodes. QUOTA-003 still judges the quotas they have.
	ExemptInfrastructure bool `json:"exemptInfrastructure"`
	// WarnRatio and FailRatio are the used/hard ratios at which QUOTA-003
	// warns and fails.
	WarnRatio float64 `json:"warnRatio"`
	FailRatio float64 `json:"failRatio"`
	// CoverageFail and CoverageWarn are the fractions of user namespaces
	// with a ResourceQuota below which QUOTA-005 fails and warns.
	CoverageFail float64 `json:"coverageFail"`
	CoverageWarn float64 `json:"coverageWarn"`
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		SystemNamespaces:     []string{"kube-system", "kube-public", "kube-node-lease"},
		ExemptInfrastructure: true,
		WarnRatio:            0.8,
		FailRatio:            1.0,
		CoverageFail:         0.5,
		CoverageWarn:         0.9,
	}
}

// Checks returns the QUOTA checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, quota001, quota002, quota003, quota004, quota005)
}
