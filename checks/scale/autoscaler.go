package scale

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var scale001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "SCALE-001",
		Title:    "A cloud cluster runs a node autoscaler",
		Category: Category,
		Rule: "A cloud cluster is one with a node whose spec.providerID starts with aws://, gce:// or azure:// (or another cloud's scheme), " +
			"or that carries a provider's node-group label (eks.amazonaws.com/nodegroup, cloud.google.com/gke-nodepool, kubernetes.azure.com/agentpool). " +
			"A node autoscaler is a Deployment in any namespace running cluster-autoscaler or Karpenter (by container image, else app.kubernetes.io/name or app label) " +
			"with at least one replica. Pass when one runs. Without one: warn on EKS and on self-managed clusters in a cloud; " +
			"info (cannot tell) on GKE, AKS and the other managed services whose cluster autoscaler runs in the provider's control plane, " +
			"and on EKS Auto Mode (nodes labelled eks.amazonaws.com/compute-type=auto), whose Karpenter runs there too. " +
			"No node in a cloud: na (an on-premises cluster adds nodes with its own tooling). No Node objects in the input: skip.",
		Rationale: "Without a node autoscaler the node count is fixed: pods that do not fit stay Pending until someone adds nodes, " +
			"a traffic peak that an HPA answers with more replicas finds no room, and nodes left idle after it are paid for.",
		Remediation: "Install cluster-autoscaler for the provider (with --node-group-auto-discovery or explicit --nodes) or Karpenter with a NodePool; " +
			"on GKE enable node-pool autoscaling (gcloud container node-pools update --enable-autoscaling), " +
			"on AKS the cluster autoscaler (az aks nodepool update --enable-cluster-autoscaler).",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments},
	Eval:  evalSCALE001,
}

// managedAutoscaling names the services whose node autoscaler runs in
// the provider's control plane, with how to see whether it is on.
var managedAutoscaling = map[string]string{
	cluster.PlatformGKE:  "gcloud container node-pools describe POOL --cluster CLUSTER (autoscaling.enabled)",
	cluster.PlatformAKS:  "az aks nodepool show --cluster-name CLUSTER --name POOL (enableAutoScaling)",
	cluster.PlatformDOKS: "doctl kubernetes cluster node-pool get CLUSTER POOL (Auto Scale)",
	cluster.PlatformLKE:  "linode-cli lke pools-list CLUSTER (autoscaler.enabled)",
	cluster.PlatformOKE:  "the OKE cluster autoscaler add-on in the OCI console",
}

// cloudOf names the cloud the nodes run in ("aws", "gcp", "azure", …)
// and the first node that shows it, or "" for none.
func cloudOf(in *check.Input) (cloud, node string) {
	if c := in.Index.Platform().Cloud; c != "" {
		for i := range in.Snapshot.Nodes {
			if in.Snapshot.Nodes[i].Spec.ProviderID != "" {
				return c, in.Snapshot.Nodes[i].Name
			}
		}
		return c, ""
	}
	for i := range in.Snapshot.Nodes {
		n := &in.Snapshot.Nodes[i]
		for _, l := range cloudLabels {
			if _, ok := n.Labels[l.label]; ok {
				return l.cloud, n.Name
			}
		}
	}
	return "", ""
}

// cloudLabels are node-group labels only one cloud's managed nodes carry.
var cloudLabels = []struct{ label, cloud string }{
	{"eks.amazonaws.com/nodegroup", "aws"},
	{"cloud.google.com/gke-nodepool", "gcp"},
	{"kubernetes.azure.com/agentpool", "azure"},
}

// eksAutoMode reports a node that EKS Auto Mode manages.
func eksAutoMode(nodes []corev1.Node) bool {
	for i := range nodes {
		if nodes[i].Labels["eks.amazonaws.com/compute-type"] == "auto" {
			return true
		}
	}
	return false
}

// running returns the node autoscalers with at least one replica, and the
// names of those scaled to 0.
func running(ix *index.Index) (up []index.NodeAutoscaler, idle []string) {
	for _, a := range ix.NodeAutoscalers() {
		if a.Workload.Replicas > 0 {
			up = append(up, a)
		} else {
			idle = append(idle, a.Kind+" Deployment "+a.Workload.Namespace+"/"+a.Workload.Name)
		}
	}
	return up, idle
}

func describeAutoscalers(as []index.NodeAutoscaler) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Kind + " Deployment " + a.Workload.Namespace + "/" + a.Workload.Name
	}
	return out
}

func evalSCALE001(in *check.Input, _ *Options) []result.Result {
	nodes := in.Snapshot.Nodes
	if len(nodes) == 0 {
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			"The input holds no Node objects, so whether the cluster runs in a cloud that can add nodes is not known.", nil)}
	}
	p := in.Index.Platform()
	cloud, node := cloudOf(in)
	up, idle := running(in.Index)
	ev := result.Evidence{"nodeCloud": cloud, "nodePlatform": p.Name, "nodeAutoscalers": describeAutoscalers(up)}
	if len(up) > 0 {
		return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"A node autoscaler runs: %s.", strings.Join(describeAutoscalers(up), ", ")), ev)}
	}
	if cloud == "" {
		return []result.Result{result.New(result.StatusNA, result.Cluster,
			"No node has a cloud provider ID or a cloud node-group label: an on-premises cluster adds nodes with its own tooling, which its objects do not show.", ev)}
	}
	where := cluster.CloudTitle(cloud)
	if p.Name != cluster.PlatformUnknown {
		where = cluster.PlatformTitle(p.Name) + " (" + where + ")"
	}
	none := "no cluster-autoscaler or Karpenter Deployment runs in any namespace"
	if len(idle) > 0 {
		none = "the only node autoscaler, " + strings.Join(idle, ", ") + ", is scaled to 0"
	}
	if verify, ok := managedAutoscaling[p.Name]; ok && p.Managed {
		return []result.Result{result.New(result.StatusInfo, result.Cluster, fmt.Sprintf(
			"The nodes run on %s, as node %s shows, and %s. %s's cluster autoscaler runs in the provider's control plane when node-pool autoscaling is enabled, "+
				"which the cluster's objects do not show, so whether nodes scale cannot be told here; check with %s.",
			where, node, none, cluster.PlatformTitle(p.Name), verify), ev)}
	}
	if p.Name == cluster.PlatformEKS && eksAutoMode(nodes) {
		return []result.Result{result.New(result.StatusInfo, result.Cluster, fmt.Sprintf(
			"The nodes run on %s in EKS Auto Mode (nodes labelled eks.amazonaws.com/compute-type=auto) and %s: Auto Mode runs Karpenter in the provider's control plane, "+
				"so whether its NodePools can add the nodes the workloads need cannot be told here; check with kubectl get nodepools.",
			where, none), ev)}
	}
	return []result.Result{result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
		"The nodes run on %s, as node %s shows, and %s: the node count is fixed, so pods that do not fit stay Pending until someone adds nodes, "+
			"and nodes left idle are paid for.",
		where, node, none), ev)}
}
