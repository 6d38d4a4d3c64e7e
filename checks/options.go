package checks

import "time"

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

	// APIServerLeaseMaxAge is how recently an API server identity Lease must
	// have been renewed (before CollectedAt) for CP-001 to count it.
	APIServerLeaseMaxAge time.Duration
	// LeaderLeaseMaxAge is the age past which CP-002 calls a
	// kube-controller-manager or kube-scheduler leader Lease stale.
	LeaderLeaseMaxAge time.Duration
	// ControlPlaneMinZones is how many failure zones API servers (CP-001)
	// and etcd members (ETCD-001) must span, and ControlPlaneMaxPerZone
	// the most of them one zone may hold.
	ControlPlaneMinZones   int
	ControlPlaneMaxPerZone int

	// BackupIntervalFactor times a backup schedule's interval is how old
	// the last successful backup may be before ETCD-003 calls it overdue
	// (fail), provided it is also older than BackupMaxAge.
	BackupIntervalFactor float64
	// BackupMaxAge is the age past which the newest backup warns, and
	// BackupFailAge the age past which it fails whatever the schedule.
	BackupMaxAge  time.Duration
	BackupFailAge time.Duration

	// CertWarnWithin and CertFailWithin are how close to expiry the API
	// server's serving certificate chain warns and fails (CERT-001).
	CertWarnWithin time.Duration
	CertFailWithin time.Duration

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

		APIServerLeaseMaxAge:   60 * time.Second,
		LeaderLeaseMaxAge:      60 * time.Second,
		ControlPlaneMinZones:   3,
		ControlPlaneMaxPerZone: 2,
		BackupIntervalFactor:   1.5,
		BackupMaxAge:           26 * time.Hour,
		BackupFailAge:          72 * time.Hour,
		CertWarnWithin:         30 * 24 * time.Hour,
		CertFailWithin:         7 * 24 * time.Hour,
	}
}
