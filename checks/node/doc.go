// Package node holds the node checks (NODE-001..): node health from the
// Node objects' status conditions and their kube-node-lease Leases, how
// many nodes are cordoned, kubelet version skew against the API server,
// the Kubernetes scale envelope, zone layout and zone-failure headroom, and
// whether a node problem detector runs.
//
// Nodes are rarely part of manifests. Every check here reads Node objects
// and declares cluster.KindNodes in its Needs, so input without them (a
// chart, an add-on bundle) makes them skip with the reason, never pass.
// Manifests that do hold Node objects (a kubectl get -o yaml dump, a
// fixture) are judged as the cluster they describe, against the
// snapshot's time (the run's start, or --now).
//
// Status that a hand-written Node cannot carry is not invented: a node
// without a Ready condition is "status unknown" in NODE-001, not Ready,
// and a node without nodeInfo.kubeletVersion is left out of NODE-006 and
// counted in its evidence.
package node
