// Package addon holds the add-on checks (ADDON-001..004): will the
// cluster's own add-ons (metrics-server, the ingress controllers, CoreDNS,
// kube-proxy, the CNI, CSI drivers, cluster-autoscaler) survive a node
// drain, node pressure and their own load.
//
// They judge the add-on namespaces: Options.Namespaces (kube-system by
// default) and, with Options.IncludeInfrastructure, the namespaces that
// run node-level infrastructure (index.InfrastructureNamespaces), which the
// WL checks leave out; the WL checks judge the rest, so no workload is
// judged twice.
//
// An add-on is recognised by what it is, never by namespace alone: its
// containers' images (recognise.go holds the list), else its app labels.
// What an add-on's outage breaks decides whether a single replica is
// flagged: metrics-server and the ingress controllers are (ADDON-001);
// singletons by design that elect a leader (cluster-autoscaler, the DNS
// autoscaler, operators) and kube-state-metrics are not. CoreDNS's
// replicas and PDB are the DNS checks', admission webhook backends the ADM
// checks', and the addon-resizer rule the RES checks'. RES-001 and RES-002
// warn about missing requests and memory limits on every pod template;
// ADDON-004 judges the same settings, through the same LimitRange defaults
// (index.ContainerDefaults), on the cluster-critical add-ons only, and
// fails where their pods are BestEffort, the first evicted under node
// pressure.
//
// Manifests are often one add-on's bundle: a finding is about the add-on's
// object, never a verdict on the cluster, and a PDB the input does not
// hold may still exist, which ADDON-001 says rather than guess. Restart
// history (ADDON-003) comes from the pods' container statuses, which the
// sources keep when trimming (restartCount, lastState.terminated reason
// and finishedAt), measured from the snapshot time, never the clock.
//
// Every lookup goes through the index (workloads, PDBsFor, HPAsFor,
// PodsOwnedBy), one pass over each kind.
package addon
