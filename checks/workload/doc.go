// Package workload holds the workload checks (WL-001..013): will a user's
// Deployments and StatefulSets survive a node drain, an upgrade or a quiet
// hour of autoscaling.
//
// The checks judge user namespaces only: every namespace but
// Options.SystemNamespaces, Options.ExcludeNamespaces, namespaces being
// deleted and, with Options.ExemptInfrastructure (the default), the
// namespaces that run node-level infrastructure
// (index.InfrastructureNamespaces). Cluster add-ons in kube-system are the
// add-on checks' to judge.
//
// They reason across objects:
//
//   - disruption (WL-001..005): a workload's replicas against the
//     HorizontalPodAutoscalers that name it and the PodDisruptionBudgets
//     that select its pod template, with the disruption controller's
//     arithmetic (index.PDBBudget);
//   - placement (WL-006..008): hard topology spreads against the label
//     values the schedulable nodes carry, where the pods really run, and
//     whether a spread is asked for at all;
//   - serving and hygiene (WL-009..014): the Service in front of a
//     workload (index.ServiceFor) against its readiness probes and its
//     rollout strategy; liveness against readiness; pods without a
//     controller; floating image tags, and (WL-014) a floating image pulled
//     Always by a fleet of LatestPullFleet pods or more.
//
// Template fields are read from the workload's own pod template, never from
// its pods, which the sources trim; from pods only their node and phase.
//
// Manifests are a part of a cluster: a PDB the input does not hold may
// still exist, so a missing PDB is judged only when the input holds PDBs
// at all, and a PDB whose pods are not in the input is not said to select
// nothing.
//
// Every lookup goes through the index (PDBs, HPAs and workloads by
// namespace), so a 150,000-pod cluster costs one pass over each kind.
package workload
