package scale

import (
	"github.com/seaworthy-k8s/seaworthy/checks/check"
)

// Category is the catalog category of the SCALE checks.
const Category = "Autoscaling"

// Options are the SCALE checks' settings.
type Options struct {
	// NodeGroupLabels are the node labels that name a node's group, tried
	// in order; the first a node carries is its group (SCALE-002).
	NodeGroupLabels []string `json:"nodeGroupLabels"`
	// MaxZoneSkew is the largest difference between a node group's node
	// counts in the zones it spans that SCALE-002 accepts.
	MaxZoneSkew int `json:"maxZoneSkew"`
	// MaxPinnedRatio is the fraction of nodes (0..1) that may hold a pod
	// blocking their scale-down before SCALE-003's summary warns rather
	// than informs.
	MaxPinnedRatio float64 `json:"maxPinnedRatio"`
}

// DefaultOptions returns the documented defaults: the node-group labels
// of EKS managed node groups, eksctl, GKE node pools, AKS agent pools and
// kops instance groups; a skew of 1 (cluster-autoscaler's
// --balance-similar-node-groups keeps similar groups within one node of
// each other); and a quarter of the nodes pinned.
func DefaultOptions() Options {
	return Options{
		NodeGroupLabels: []string{
			"eks.amazonaws.com/nodegroup",
			"alpha.eksctl.io/nodegroup-name",
			"cloud.google.com/gke-nodepool",
			"kubernetes.azure.com/agentpool",
			"kops.k8s.io/instancegroup",
		},
		MaxZoneSkew:    1,
		MaxPinnedRatio: 0.25,
	}
}

// Checks returns the SCALE checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, scale001, scale002, scale003, scale004)
}
