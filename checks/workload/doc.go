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
// They reason across objects: a workload's replicas against the
// HorizontalPodAutoscalers that name it and the PodDisruptionBudgets that
// select its pod template, with the disruption controller's arithmetic
// (index.PDBBudget). Template fields are read from the workload's own pod
// template, never from its pods, which the sources trim.
//
// Manifests are a part of a cluster: a PDB the input does not hold may
// still exist, so a missing PDB is judged only when the input holds PDBs
// at all, and a PDB whose pods are not in the input is not said to select
// nothing.
//
// Every lookup goes through the index (PDBs, HPAs and workloads by
// namespace), so a 150,000-pod cluster costs one pass over each kind.
package workload
