// Package scale holds the autoscaling checks (SCALE-001..SCALE-004): is a
// node autoscaler running where nodes can be added, are node groups laid
// out so that it can balance them over zones, what stops it from ever
// removing a node, and do a VerticalPodAutoscaler and a
// HorizontalPodAutoscaler fight over one workload.
//
// The decisions the catalog leaves open are made here and stated in each
// check's Rule:
//
//   - A node autoscaler is a Deployment running cluster-autoscaler or
//     Karpenter, in any namespace (index.NodeAutoscalers). GKE's and AKS's
//     managed cluster autoscalers run in the provider's control plane, as
//     does Karpenter in EKS Auto Mode: the cluster's objects cannot show
//     whether they are enabled, so SCALE-001 says info ("cannot tell")
//     there instead of warning.
//   - Node groups are read from provider labels (Options.NodeGroupLabels).
//     Karpenter's karpenter.sh/nodepool is not one of them: Karpenter
//     picks a zone for each node from the pending pods' constraints, so a
//     lopsided node pool reflects the pods, not a group's configuration.
//     The instance type is not a group either: many groups share one.
//   - SCALE-003 follows cluster-autoscaler's FAQ ("What types of pods can
//     prevent CA from removing a node?") for the blockers a manifest shows:
//     the safe-to-evict "false" annotation, a PodDisruptionBudget that
//     allows no disruption, kube-system pods without a PDB
//     (--skip-nodes-with-system-pods, default true) and pods with local
//     storage (--skip-nodes-with-local-storage, default true) unless
//     annotated safe-to-evict "true". With only Karpenter running it
//     judges Karpenter's own blockers instead: the karpenter.sh/do-not-disrupt
//     "true" annotation and PDBs allowing no disruption. DaemonSet pods and
//     mirror pods never block a node's removal, so DaemonSets are left out.
//     Nodes are counted from the pods' spec.nodeName, through the index's
//     pods-by-owner, so the check is O(workloads + pods).
//   - SCALE-004 needs the VerticalPodAutoscaler kind: a live cluster
//     without the VPA CRD has none (known), while manifests without VPA
//     documents say nothing about the cluster's VPAs.
package scale
