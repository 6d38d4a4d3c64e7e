package dns

import (
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the DNS checks.
const Category = "Cluster DNS"

// Options are the DNS checks' thresholds.
type Options struct {
	// LargeClusterNodes is the node count from which a cluster is large
	// (DNS-006 warns without NodeLocal DNSCache).
	LargeClusterNodes int `json:"largeClusterNodes"`
	// MinReplicas is the fewest ready (and desired) DNS replicas that pass
	// DNS-001.
	MinReplicas int `json:"minReplicas"`
	// CoresPerReplica and NodesPerReplica are DNS-002's proportional rule:
	// replicas = max(ceil(cores/CoresPerReplica), ceil(nodes/NodesPerReplica));
	// a divisor that is not positive leaves its term out.
	CoresPerReplica float64 `json:"coresPerReplica"`
	NodesPerReplica float64 `json:"nodesPerReplica"`
}

// DefaultOptions returns the documented defaults: large from 500 nodes, at
// least 2 replicas, and the cluster-proportional-autoscaler's upstream
// linear rule of 256 cores or 16 nodes per replica.
func DefaultOptions() Options {
	return Options{
		LargeClusterNodes: 500,
		MinReplicas:       2,
		CoresPerReplica:   256,
		NodesPerReplica:   16,
	}
}

// Checks returns the DNS checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, dns001, dns002, dns003, dns004, dns005, dns006)
}

var dns001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "DNS-001",
		Title:    "Cluster DNS has enough ready replicas",
		Category: Category,
		Rule: "Cluster DNS is the kube-system Deployment labelled k8s-app=kube-dns (CoreDNS or kube-dns). " +
			"Fail when there is none, or when it has fewer than MinReplicas (default 2) ready replicas (status.readyReplicas) " +
			"or desired replicas; pass otherwise. " +
			"Desired replicas are spec.replicas (default 1), unless a cluster-proportional-autoscaler with valid linear parameters targets the Deployment " +
			"(found as in DNS-002; the first by namespace and name): then they are what it sets, computed as DNS-002 does for the cluster's nodes and cores; " +
			"with no nodes in the input (or nodes unreadable), the fewest it ever sets on a cluster of 2 or more nodes: " +
			"its min, raised to 2 by preventSinglePointFailure. An autoscaler whose parameters are not recomputed (ladder mode, none given) " +
			"leaves spec.replicas to judge, since it has set them; with no Deployment status in the input as well that is skip. " +
			"Ready replicas are judged only when the input has the Deployment's status: always on a live read, " +
			"on manifests only when they carry a status (a kubectl get -o yaml dump does, rendered charts do not; an all-zero status counts as none); " +
			"without it the result says that readiness is not known. Nodes are needed only for the autoscaler's exact count. " +
			"A DNS Deployment scaled to 0 while another one has replicas is na (a finished migration). " +
			"Manifests without Node objects are a part of a cluster: when they hold no DNS Deployment the result is skip, not fail. " +
			"On OpenShift, whose DNS is the operator-managed dns-default DaemonSet, a missing Deployment is na.",
		Rationale: "Every Service name lookup in the cluster goes through cluster DNS. " +
			"With a single ready replica, one node failure, eviction or rollout stops name resolution for every workload " +
			"until a replacement pod is scheduled and ready.",
		Remediation: "Scale the DNS Deployment to at least 2 replicas (kubectl -n kube-system scale deployment coredns --replicas=2), " +
			"or let a cluster-proportional-autoscaler with min >= 2 or preventSinglePointFailure manage it; " +
			"if replicas are not ready, inspect them with kubectl -n kube-system get pods -l k8s-app=kube-dns and describe the failing ones.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments},
	Eval:  evalDNS001,
}

var dns002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "DNS-002",
		Title:    "Cluster DNS replicas follow the cluster's size",
		Category: Category,
		Rule: "wanted = max(ceil(cores/CoresPerReplica), ceil(nodes/NodesPerReplica)) with defaults 256 and 16, " +
			"over schedulable (not cordoned) nodes and their allocatable cpu. " +
			"Warn when the DNS Deployment's spec.replicas is below wanted and no autoscaler targets it. " +
			"An autoscaler is an HPA in the same namespace whose scaleTargetRef is the Deployment, " +
			"or a cluster-proportional-autoscaler: any Deployment whose container command or args carry --target=deployment/<name> " +
			"(kind case-insensitive, deployments/ and deployment.apps/ accepted, also as a separate argument, comma-separated lists) " +
			"in its --namespace (default: MY_POD_NAMESPACE, else its own namespace), and is not scaled to 0. " +
			"With an autoscaler the check passes; when the autoscaler's parameters are known " +
			"(its --configmap ConfigMap if collected, else --default-params) wanted is computed as the autoscaler does, " +
			"in linear mode (min/max clamps, preventSinglePointFailure, includeUnschedulableNodes, --nodelabels) " +
			"or ladder mode (the last step at or below the cores and the nodes, includeUnschedulableNodes, --nodelabels), " +
			"and a disagreement with spec.replicas is info; " +
			"invalid parameters count as no autoscaler. No schedulable nodes: skip. No DNS Deployment: na (DNS-001 fails).",
		Rationale: "One CoreDNS replica serves a bounded query rate; as nodes and pods grow, too few replicas " +
			"add latency and timeouts to every lookup. The cluster-proportional-autoscaler's linear rule is the " +
			"upstream default for sizing cluster DNS.",
		Remediation: "Deploy the cluster-proportional-autoscaler for the DNS Deployment (--target=deployment/coredns, " +
			"a ConfigMap with linear: {\"coresPerReplica\":256,\"nodesPerReplica\":16,\"min\":2,\"preventSinglePointFailure\":true}), " +
			"or attach an HPA to it, or at least scale it to the number wanted.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments, cluster.KindHPAs},
	Eval:  evalDNS002,
}

var dns003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "DNS-003",
		Title:    "Cluster DNS pods are spread across nodes and zones",
		Category: Category,
		Rule: "Over the DNS Deployment's ready pods (PodReady true, scheduled, not terminating, matched by its spec.selector in its namespace): " +
			"warn when all run on one node while the cluster has at least 2 schedulable nodes; " +
			"warn when all run in one zone (node label topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone) " +
			"while schedulable nodes span 2 or more zones; pass otherwise. " +
			"A cluster with one schedulable node is info (pods cannot be spread). " +
			"No ready pods: na when the Deployment reports none ready (DNS-001 fails), skip when it reports ready replicas the snapshot's pods do not show.",
		Rationale: "DNS replicas exist to survive failures. Replicas packed on one node die together with that node, " +
			"and replicas in one zone die together with that zone, taking name resolution for the whole cluster with them.",
		Remediation: "Add topologySpreadConstraints (or preferred pod anti-affinity) on kubernetes.io/hostname and topology.kubernetes.io/zone " +
			"to the DNS Deployment's pod template, then restart it (kubectl -n kube-system rollout restart deployment coredns) so pods are rescheduled.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments, cluster.KindPods},
	Eval:  evalDNS003,
}

var dns004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "DNS-004",
		Title:    "Cluster DNS has a PodDisruptionBudget that allows drains",
		Category: Category,
		Rule: "PDBs in the DNS Deployment's namespace whose selector matches its pod template labels " +
			"(a null selector selects nothing, an empty one everything) are evaluated with the disruption controller's arithmetic " +
			"against spec.replicas, all pods assumed healthy: percentages round up for both minAvailable and maxUnavailable; " +
			"desiredHealthy = replicas - maxUnavailable, or minAvailable; allowed = replicas - desiredHealthy. " +
			"Warn when no PDB selects the pods; when more than one does (the eviction API refuses such pods); " +
			"when the PDB allows no disruption (allowed <= 0, e.g. maxUnavailable 0 or minAvailable >= replicas or 100%, or an invalid value); " +
			"or when it protects no pod (desiredHealthy 0, e.g. minAvailable 0 or neither field set). Pass otherwise. " +
			"No node data is read, so manifests without Node objects are judged too; on manifests without Node objects holding no PDB at all the warning says the cluster's PDBs are not known. " +
			"No DNS Deployment: na (DNS-001 fails), or skip on manifests without Node objects.",
		Rationale: "Without a PDB a node drain or cluster upgrade may evict every DNS pod at once. " +
			"A PDB that allows no disruption blocks node drains and upgrades instead, which teams then work around by force.",
		Remediation: "Create one PodDisruptionBudget in kube-system with selector matchLabels k8s-app: kube-dns and maxUnavailable: 1, " +
			"and remove or fix any other PDB selecting the DNS pods.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindPDBs},
	Eval:  evalDNS004,
}

var dns005 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "DNS-005",
		Title:    "Cluster DNS containers set requests and a memory limit",
		Category: Category,
		Rule: "For each container in the DNS Deployment's pod template (spec.containers), warn when it lacks a cpu request, " +
			"a memory request or a memory limit (zero counts as unset); a request left unset counts as set when the same resource has a limit, " +
			"because the API server defaults requests to limits. Pass otherwise. " +
			"Only the pod template is read, so manifests without Node objects are judged too. " +
			"No DNS Deployment: na (DNS-001 fails), or skip on manifests without Node objects.",
		Rationale: "Without requests DNS pods are scheduled onto full nodes and are the first to be starved or evicted under pressure; " +
			"without a memory limit a cache blow-up in one DNS pod can take memory from everything else on its node.",
		Remediation: "Set resources on every DNS container, e.g. CoreDNS's upstream defaults: requests cpu: 100m, memory: 70Mi; limits memory: 170Mi " +
			"(raise them for large clusters, see the recommender's DNS advice).",
	},
	Needs: []cluster.Kind{cluster.KindDeployments},
	Eval:  evalDNS005,
}

var dns006 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "DNS-006",
		Title:    "Large clusters run NodeLocal DNSCache",
		Category: Category,
		Rule: "NodeLocal DNSCache is a DaemonSet named node-local-dns or labelled k8s-app=node-local-dns " +
			"(or app.kubernetes.io/name=node-local-dns), in any namespace. Pass when present. " +
			"When absent: warn when the cluster has LargeClusterNodes (default 500) nodes or more, counting all nodes; info below that; " +
			"skip when the input has no nodes (manifests without Node objects, or nodes unreadable), since the cluster's size is not known. " +
			"A present DaemonSet passes without node data.",
		Rationale: "Without a node-local cache every lookup crosses the network to a DNS pod through conntrack-tracked UDP, " +
			"which on large clusters causes dropped packets, 5-second lookup timeouts and heavy load on the DNS Deployment.",
		Remediation: "Deploy NodeLocal DNSCache (https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/): " +
			"the node-local-dns DaemonSet in kube-system, with kubelet --cluster-dns pointing at its link-local address where the installation requires it.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindDaemonSets},
	Eval:  evalDNS006,
}

// dnsEvidence names where cluster DNS was looked for.
func dnsEvidence() result.Evidence {
	return result.Evidence{"namespace": index.DNSNamespace, "selector": index.DNSAppLabel + "=" + index.DNSAppValue}
}

// noDNSResult is the cluster-wide result of DNS-002..005 when there is no
// DNS Deployment to look at: skip on partial input (partialWithoutDNS),
// else na (DNS-001 fails).
func noDNSResult(in *check.Input) result.Result {
	if r, ok := partialWithoutDNS(in); ok {
		return r
	}
	return result.New(result.StatusNA, result.Cluster,
		"No cluster DNS Deployment (kube-system, k8s-app=kube-dns) was found; DNS-001 reports it.", dnsEvidence())
}

// partialWithoutDNS is the skip of a DNS check on manifests without Node
// objects that hold no DNS Deployment: such manifests are a part of a
// cluster (one add-on, one chart), and that its DNS is not among them says
// nothing about the cluster.
func partialWithoutDNS(in *check.Input) (result.Result, bool) {
	if !check.PartOfCluster(in.Snapshot) {
		return result.Result{}, false
	}
	return result.New(result.StatusSkip, result.Cluster,
		"The input holds no cluster DNS Deployment (kube-system, k8s-app=kube-dns) and no Node objects, so it is a part of a cluster, which need not include its DNS; audit the cluster, or include its DNS manifests.",
		dnsEvidence()), true
}
