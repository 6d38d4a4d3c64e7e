package node

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Scale envelope dimensions, as evidence names them.
const (
	dimNodes       = "nodes"
	dimPods        = "pods"
	dimContainers  = "containers"
	dimPodsPerNode = "podsPerNode"
	dimMaxPods     = "maxPods"
)

var node007 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-007",
		Title:    "The cluster is inside the Kubernetes scale envelope",
		Category: Category,
		Rule: "Four dimensions against the upstream scalability thresholds (options EnvelopeNodes, EnvelopePods, EnvelopeContainers, EnvelopePodsPerNode): " +
			"nodes against 5,000; pods against 150,000; containers (spec.containers of those pods) against 300,000; " +
			"and the pods bound to each node against its allocatable pods (capacity when unset; 110 when neither is set). " +
			"Pods are those not finished (phase neither Succeeded nor Failed). " +
			"Each dimension is one cluster-wide result: warn at EnvelopeWarnRatio (default 0.8) of its limit or more, fail above the limit, pass below; " +
			"pods per node names the nodes at or above the ratio, fullest first. " +
			"A fifth result judges the nodes' pods capacity (the kubelet's maxPods; allocatable when capacity is unset) against the same 110 (EnvelopePodsPerNode): " +
			"nodes above it are info on a managed platform (EKS, GKE, AKS raise it deliberately and test their own limits, e.g. EKS with prefix delegation, GKE up to 256) " +
			"and warn elsewhere (beyond what upstream tests per node), naming how many nodes and their maxPods; pass when none is above it. " +
			"On manifests without any Pod the pod dimensions skip (pods are not in the input); the node count is judged.",
		Rationale: "Kubernetes is tested and tuned up to these sizes. Near them, the API server, etcd and controllers slow down " +
			"(LIST latency, watch fan-out, scheduling throughput), and a node at its pod limit takes no more pods, " +
			"so a rollout's surge or a failed node's pods have nowhere to go.",
		Remediation: "Split the workload across several clusters before reaching the thresholds; for full nodes, add nodes " +
			"or larger nodes, or raise the kubelet's maxPods only where the CNI's address space and the node's resources allow it.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindPods},
	Eval: func(in *check.Input, o *Options) []result.Result {
		return append(evalNODE007(in, o), maxPodsResult(in, o))
	},
}

// podLimit is how many pods a node accepts: allocatable pods, else
// capacity pods, else the given default.
func podLimit(n *corev1.Node, def int) int {
	if q, ok := n.Status.Allocatable[corev1.ResourcePods]; ok && q.Value() > 0 {
		return int(q.Value())
	}
	if q, ok := n.Status.Capacity[corev1.ResourcePods]; ok && q.Value() > 0 {
		return int(q.Value())
	}
	return def
}

// podCapacity is the node's pods capacity, the kubelet's maxPods:
// capacity pods, else allocatable pods; 0 when neither is set.
func podCapacity(n *corev1.Node) int {
	if q, ok := n.Status.Capacity[corev1.ResourcePods]; ok && q.Value() > 0 {
		return int(q.Value())
	}
	if q, ok := n.Status.Allocatable[corev1.ResourcePods]; ok && q.Value() > 0 {
		return int(q.Value())
	}
	return 0
}

// maxPodsResult is NODE-007's fifth result: the nodes whose pods capacity
// is above the per-node pods Kubernetes is tested for. It needs no pods,
// so it is judged on node-only manifests too.
func maxPodsResult(in *check.Input, o *Options) result.Result {
	limit := o.EnvelopePodsPerNode
	type above struct {
		name string
		pods int
	}
	var over []above
	for i := range in.Snapshot.Nodes {
		n := &in.Snapshot.Nodes[i]
		if c := podCapacity(n); c > limit {
			over = append(over, above{n.Name, c})
		}
	}
	ev := result.Evidence{"dimension": dimMaxPods, "limit": limit, "value": len(over)}
	if len(over) == 0 {
		return result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"Pods capacity: no node allows more than the %d pods per node Kubernetes is tested for.", limit), ev)
	}
	slices.SortStableFunc(over, func(a, b above) int { return b.pods - a.pods })
	names := make([]string, len(over))
	words := make([]string, len(over))
	for i, a := range over {
		names[i] = a.name
		words[i] = fmt.Sprintf("%s %d", a.name, a.pods)
	}
	ev["nodeNames"] = firstNames(names)
	ev["maxPods"] = over[0].pods
	lead := fmt.Sprintf("Pods capacity: %d %s more than the %d pods per node Kubernetes is tested for (maxPods: %s)",
		len(over), check.Plural(len(over), "node allows", "nodes allow"), limit, nameList(words))
	if p := in.Index.Platform(); p.Managed {
		ev["platform"] = p.Name
		return result.New(result.StatusInfo, result.Cluster, lead+fmt.Sprintf(
			"; on %s that is a provider setting it tests, but each pod adds kubelet and runtime work and takes an address from the node's range, so watch the nodes' pod-start latency.", p.Name), ev)
	}
	return result.New(result.StatusWarn, result.Cluster, lead+
		": beyond that the kubelet's pod lifecycle events, the container runtime and the CNI's per-node address range are untested; keep maxPods at 110 unless the nodes' resources and address range were sized and tested for more.", ev)
}

// podActive reports whether a pod still holds its place: not Succeeded
// or Failed.
func podActive(p *corev1.Pod) bool {
	return p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed
}

func evalNODE007(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	perNode := make(map[string]int, len(s.Nodes))
	pods, containers := 0, 0
	for i := range s.Pods {
		p := &s.Pods[i]
		if !podActive(p) {
			continue
		}
		pods++
		containers += len(p.Spec.Containers)
		if p.Spec.NodeName != "" {
			perNode[p.Spec.NodeName]++
		}
	}
	out := []result.Result{envelopeResult(o, dimNodes, "nodes", len(s.Nodes), o.EnvelopeNodes)}
	if len(s.Pods) == 0 && s.FromManifests() {
		return append(out, result.New(result.StatusSkip, result.Cluster,
			"The manifests hold no Pod objects, so pods, containers and pods per node are not known; audit the live cluster.",
			result.Evidence{"dimension": dimPods}))
	}
	out = append(out, envelopeResult(o, dimPods, "pods", pods, o.EnvelopePods),
		envelopeResult(o, dimContainers, "containers", containers, o.EnvelopeContainers))

	type fill struct {
		name        string
		pods, limit int
	}
	var full []fill
	busiest := fill{}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		f := fill{n.Name, perNode[n.Name], podLimit(n, o.EnvelopePodsPerNode)}
		if busiest.name == "" || f.pods*busiest.limit > busiest.pods*f.limit {
			busiest = f
		}
		if float64(f.pods) >= o.EnvelopeWarnRatio*float64(f.limit) {
			full = append(full, f)
		}
	}
	slices.SortStableFunc(full, func(a, b fill) int { return b.pods*a.limit - a.pods*b.limit })
	ev := result.Evidence{"dimension": dimPodsPerNode, "busiestNode": busiest.name, "value": busiest.pods, "limit": busiest.limit,
		"percent": round1(100 * float64(busiest.pods) / float64(busiest.limit)), "warnRatio": o.EnvelopeWarnRatio}
	if len(full) == 0 {
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"Pods per node: the fullest node, %s, holds %d of %d pods (%s%%), below %s%%.",
			busiest.name, busiest.pods, busiest.limit, fmtNum(100*float64(busiest.pods)/float64(busiest.limit)), fmtNum(100*o.EnvelopeWarnRatio)), ev))
		return out
	}
	names := make([]string, len(full))
	words := make([]string, len(full))
	status := result.StatusWarn
	for i, f := range full {
		names[i] = f.name
		words[i] = fmt.Sprintf("%s %d/%d", f.name, f.pods, f.limit)
		if f.pods > f.limit {
			status = result.StatusFail
		}
	}
	ev["nodeNames"] = firstNames(names)
	out = append(out, result.New(status, result.Cluster, fmt.Sprintf(
		"Pods per node: %d %s at %s%% of %s pod limit or more (%s): %s no room for a rollout's surge or a failed node's pods.",
		len(full), check.Plural(len(full), "node is", "nodes are"), fmtNum(100*o.EnvelopeWarnRatio), check.Plural(len(full), "its", "their"),
		nameList(words), check.Plural(len(full), "it has", "they have")), ev))
	return out
}

// envelopeResult judges one cluster-wide dimension against its limit.
func envelopeResult(o *Options, dim, what string, count, limit int) result.Result {
	pct := 100 * float64(count) / float64(limit)
	ev := result.Evidence{"dimension": dim, "value": count, "limit": limit, "percent": round1(pct), "warnRatio": o.EnvelopeWarnRatio}
	switch {
	case count > limit:
		return result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
			"The cluster has %d %s, beyond the %d Kubernetes is tested for (%s%%): expect slow LISTs and watches, slow scheduling and fragile upgrades; split it.",
			count, what, limit, fmtNum(pct)), ev)
	case float64(count) >= o.EnvelopeWarnRatio*float64(limit):
		return result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
			"The cluster has %d %s, %s%% of the %d Kubernetes is tested for: plan to split it before it grows past the limit.",
			count, what, fmtNum(pct), limit), ev)
	}
	return result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
		"The cluster has %d %s, %s%% of the %d Kubernetes is tested for.", count, what, fmtNum(pct), limit), ev)
}
