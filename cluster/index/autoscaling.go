package index

import (
	"strings"
)

// Node autoscaler kinds (NodeAutoscaler.Kind).
const (
	AutoscalerCA        = "cluster-autoscaler"
	AutoscalerKarpenter = "Karpenter"
)

// NodeAutoscaler is a workload that adds and removes nodes: the Kubernetes
// autoscaler project's cluster-autoscaler or Karpenter's controller.
type NodeAutoscaler struct {
	// Kind is AutoscalerCA or AutoscalerKarpenter.
	Kind     string
	Workload *Workload
}

// NodeAutoscalers returns the Deployments, in any namespace, that run
// cluster-autoscaler or Karpenter, in Workloads order. A workload is one
// when a container image's repository ends in cluster-autoscaler (any
// registry: registry.k8s.io/autoscaling/cluster-autoscaler, a cloud's
// mirror) or is a karpenter controller image (…/karpenter/controller,
// …/karpenter), or when its app.kubernetes.io/name or app label is
// cluster-autoscaler, aws-cluster-autoscaler or karpenter. Deployments
// scaled to 0 are included; callers decide what that means. Computed on
// each call in one pass over the Deployments.
func (ix *Index) NodeAutoscalers() []NodeAutoscaler {
	var out []NodeAutoscaler
	for _, w := range ix.Workloads() {
		if w.Kind != KindDeployment {
			continue
		}
		if k := nodeAutoscalerKind(w); k != "" {
			out = append(out, NodeAutoscaler{Kind: k, Workload: w})
		}
	}
	return out
}

func nodeAutoscalerKind(w *Workload) string {
	for _, c := range w.Template.Spec.Containers {
		repo := c.Image
		if i := strings.Index(repo, "@"); i >= 0 {
			repo = repo[:i]
		}
		if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
			repo = repo[:i]
		}
		switch {
		case strings.HasSuffix(repo, "/cluster-autoscaler") || repo == "cluster-autoscaler":
			return AutoscalerCA
		case strings.HasSuffix(repo, "/karpenter/controller") || strings.HasSuffix(repo, "/karpenter") || repo == "karpenter":
			return AutoscalerKarpenter
		}
	}
	for _, key := range []string{"app.kubernetes.io/name", "app"} {
		for _, l := range []map[string]string{w.Labels, w.Template.Labels} {
			switch l[key] {
			case "cluster-autoscaler", "aws-cluster-autoscaler":
				return AutoscalerCA
			case "karpenter":
				return AutoscalerKarpenter
			}
		}
	}
	return ""
}
