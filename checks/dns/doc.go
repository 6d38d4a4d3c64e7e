// Package dns holds the cluster DNS checks (DNS-001..DNS-006).
//
// Cluster DNS is found as the kube-system Deployment(s) labelled
// k8s-app=kube-dns, which is how kubeadm, k3s, EKS, AKS and GKE label both
// CoreDNS and the legacy kube-dns (index.DNS). Its pods are the kube-system
// pods its spec.selector matches. The decisions the catalog leaves open are
// made here and stated in each check's Rule:
//
//   - Schedulable nodes are those without spec.unschedulable (not cordoned),
//     which is what the cluster-proportional-autoscaler counts by default.
//     DNS-002 and DNS-003 use them; DNS-006 sizes the cluster by all nodes.
//   - Cores are node allocatable cpu (capacity when allocatable is unset),
//     summed in millicores so fractional allocatable adds up exactly.
//   - When several DNS Deployments exist (a kube-dns to CoreDNS migration),
//     one scaled to 0 while another has replicas is idle: DNS-001 reports
//     it na and the other checks ignore it.
//   - Each check declares in Needs only the kinds it cannot decide
//     without: DNS-002 and DNS-003 need nodes; DNS-001, DNS-004, DNS-005
//     and DNS-006 do not, and skip inside only for the part that does
//     (DNS-006 an absent NodeLocal DNSCache; DNS-001 nothing: without
//     nodes it judges an autoscaler by its floor). Manifests without Node
//     objects are a part of a cluster, so a DNS Deployment missing from
//     them is skip, and without a Deployment status its readiness is
//     unknown, not zero.
//
// Every fact the checks read about the cluster (the DNS Deployments, the
// PodDisruptionBudgets selecting them, the HPAs and
// cluster-proportional-autoscalers targeting them, node counts and zones,
// their pods) comes from the run's index; what stays here is the DNS
// area's own arithmetic: the proportional rule and how the autoscaler's
// parameters (index.AutoscalerParams, computed there for the add-on
// recommender too) are judged (autoscaler.go, replicas.go), the spread
// verdict (spread.go), the PDB
// verdict (disruption.go), the container resources (resources.go) and
// NodeLocal DNSCache (nodelocal.go).
package dns
