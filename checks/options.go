package checks

// Options holds every threshold the checks use. Zero values are not
// meaningful; start from DefaultOptions.
type Options struct {
	// SystemNamespaces are never treated as user namespaces by the QUOTA
	// checks.
	SystemNamespaces []string
	// ExcludeNamespaces are further namespaces the QUOTA checks ignore.
	ExcludeNamespaces []string

	// QuotaWarnRatio and QuotaFailRatio are the used/hard ratios at which
	// QUOTA-003 warns and fails.
	QuotaWarnRatio float64
	QuotaFailRatio float64
	// QuotaCoverageFail and QuotaCoverageWarn are the fractions of user
	// namespaces with a ResourceQuota below which QUOTA-005 fails and warns.
	QuotaCoverageFail float64
	QuotaCoverageWarn float64

	// LargeClusterNodes is the node count from which a cluster is large.
	LargeClusterNodes int
	// DNSMinReplicas is the fewest ready DNS replicas that pass DNS-001.
	DNSMinReplicas int
	// DNSCoresPerReplica and DNSNodesPerReplica are the proportional rule's
	// defaults: replicas = max(ceil(cores/c), ceil(nodes/n)).
	DNSCoresPerReplica float64
	DNSNodesPerReplica float64

	// RBACExemptBindings are bindings whose grants the RBAC checks accept
	// knowingly, as "ClusterRoleBinding/name" or "RoleBinding/namespace/name"
	// (for example an ingress controller that must watch Secrets
	// cluster-wide).
	RBACExemptBindings []string
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		SystemNamespaces:   []string{"kube-system", "kube-public", "kube-node-lease"},
		QuotaWarnRatio:     0.8,
		QuotaFailRatio:     1.0,
		QuotaCoverageFail:  0.5,
		QuotaCoverageWarn:  0.9,
		LargeClusterNodes:  500,
		DNSMinReplicas:     2,
		DNSCoresPerReplica: 256,
		DNSNodesPerReplica: 16,
	}
}
