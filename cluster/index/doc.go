// Package index is a read-only index over one cluster.Snapshot, built once
// per run and shared by every check (and the recommender): nodes by name,
// host name and zone; pods by namespace, label and owning workload (through
// ReplicaSets); workloads with their replicas and selectors; the
// PodDisruptionBudgets selecting a workload and what they allow; the
// HorizontalPodAutoscalers targeting it; control-plane components and their
// flags (one flag parser); kubeadm's ClusterConfiguration; cluster DNS and
// its autoscalers, with their linear or ladder parameters and the nodes
// they count; and the detected platform.
//
// Each fact is computed the first time it is asked for and kept, so a run
// pays only for the facts its checks use, and each at most once. The index
// never changes the snapshot: it hands out pointers into it, which callers
// must treat as read-only (see cluster.Snapshot on shared maps and strings).
// Methods are safe for concurrent use.
package index
