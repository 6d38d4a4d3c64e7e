// Package node holds the node checks (NODE-001..NODE-010): node health
// from the Node objects' status conditions (Ready, pressure,
// NetworkUnavailable) and their kube-node-lease heartbeat Leases, how many
// nodes are cordoned, kubelet version skew against the API server, the
// Kubernetes scale envelope, the zone layout and zone-failure headroom,
// and whether a node problem detector runs.
//
// Nodes are rarely part of manifests. Every check here reads Node objects
// and declares cluster.KindNodes in its Needs, so input without them (a
// chart, an add-on bundle) makes them skip with the reason, never pass; a
// live cluster without any Node object is na. Manifests that do hold Node
// objects (a kubectl get -o yaml dump, a fixture) are judged as the
// cluster they describe, against the snapshot's time (the run's start, or
// --now). What only a live read has is not invented: hand-written Nodes
// without status conditions make NODE-001..003 skip, manifests without
// node Leases make NODE-004 skip, and NODE-006 skips without the API
// server's version.
//
// The decisions the catalog leaves open are made here and stated in each
// check's Rule:
//
//   - NODE-001's grace runs from the Ready condition's lastTransitionTime
//     to the snapshot time (default 5m): a reboot or upgrade is info,
//     a longer outage fail.
//   - NODE-004 calls a Lease stale past 1.5 times its leaseDurationSeconds
//     (the kubelet's nodeLeaseDurationSeconds default is 40s, renewed
//     every 10s): 60s by default.
//   - NODE-006 follows the version skew policy: kubelets may trail
//     kube-apiserver by three minor versions from 1.28, by two before,
//     and may never be newer; nodes are grouped by kubelet version.
//   - NODE-009 compares sums: for each zone, the requests of the pods that
//     would be rescheduled if it failed (DaemonSet and static pods stay)
//     against the free allocatable of the other zones' workers. Passing is
//     necessary, not sufficient (bin-packing, affinity and zonal volumes
//     are not modelled).
package node
