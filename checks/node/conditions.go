package node

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var node001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-001",
		Title:    "Nodes are Ready",
		Category: Category,
		Rule: "For each node, its Ready condition: status False or Unknown for longer than NotReadyGrace (default 5m), " +
			"measured from the condition's lastTransitionTime to the snapshot time, is fail; " +
			"for less (or with a transition after the snapshot time) it is info, since reboots and upgrades take a few minutes; " +
			"without a lastTransitionTime it is warn (not Ready, for how long is not known). " +
			"A node without a Ready condition (a hand-written Node) is not counted as Ready: when no node has one the result is skip. " +
			"Pass, cluster-wide, when every node with a Ready condition is Ready.",
		Rationale: "A node that is not Ready takes no new pods, and after the eviction timeout (5 minutes by default) its pods are " +
			"replaced elsewhere; until then the capacity and the replicas it holds are lost, and a node that stays NotReady " +
			"means the cluster runs permanently short of what it was sized for.",
		Remediation: "Find why the kubelet stopped reporting or reports NotReady (kubectl describe node NAME: the Ready condition's reason and message; " +
			"on the node: journalctl -u kubelet, container runtime and CNI status); repair or replace the node, " +
			"or drain and delete it if it is gone for good.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalNODE001,
}

var node002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-002",
		Title:    "Nodes report no memory, disk or PID pressure",
		Category: Category,
		Rule: "Warn for each node whose MemoryPressure, DiskPressure or PIDPressure condition has status True, naming each with its reason. " +
			"Pass, cluster-wide, when none has. When no node carries any status condition (hand-written Nodes) the result is skip.",
		Rationale: "A node under pressure is tainted so that no new pods land on it, and its kubelet evicts running pods " +
			"(BestEffort first, then Burstable over their requests) to reclaim memory, disk or process IDs: " +
			"workloads restart elsewhere, and if several nodes are under pressure the evicted pods may have nowhere to go.",
		Remediation: "Find what consumes the resource on the node (kubectl describe node NAME, kubectl top pods on it; images and logs for disk, " +
			"fork-heavy containers for PIDs); set requests and limits so the scheduler accounts for it, " +
			"raise the node's kubelet eviction and system reserves, or move to larger nodes.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalNODE002,
}

var node003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-003",
		Title:    "Node networks are available",
		Category: Category,
		Rule: "Fail for each node whose NetworkUnavailable condition has status True. The condition is set only by some " +
			"cloud route controllers and CNI plugins; a node without it is not judged unavailable. " +
			"Pass, cluster-wide, when no node reports it True. When no node carries any status condition (hand-written Nodes) the result is skip.",
		Rationale: "NetworkUnavailable True means the node's pod network (its routes or CNI) is not configured: " +
			"the node is tainted so that no new pods land on it, and pods already there cannot reach other nodes' pods or Services.",
		Remediation: "Check the CNI's pods on the node (kubectl -n kube-system get pods -o wide --field-selector spec.nodeName=NAME) and its logs, " +
			"or on clouds the route controller of the cloud-controller-manager; the condition's reason and message say which component set it.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalNODE003,
}

// condition returns the node's condition of type t, or nil.
func condition(n *corev1.Node, t corev1.NodeConditionType) *corev1.NodeCondition {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == t {
			return &n.Status.Conditions[i]
		}
	}
	return nil
}

// withoutConditions is the skip of a condition check when no node in the
// input carries any status condition.
func withoutConditions(nodes []corev1.Node) (result.Result, bool) {
	for i := range nodes {
		if len(nodes[i].Status.Conditions) > 0 {
			return result.Result{}, false
		}
	}
	return result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
		"None of the input's %d %s carries status conditions (hand-written Node objects), so node health is not known; audit the live cluster or a kubectl get nodes -o yaml dump.",
		len(nodes), check.Plural(len(nodes), "node", "nodes")), result.Evidence{"nodeCount": len(nodes)}), true
}

func evalNODE001(in *check.Input, o *Options) []result.Result {
	nodes := in.Snapshot.Nodes
	now := in.Snapshot.CollectedAt
	var out []result.Result
	ready, noStatus := 0, 0
	for i := range nodes {
		n := &nodes[i]
		c := condition(n, corev1.NodeReady)
		switch {
		case c == nil:
			noStatus++
			continue
		case c.Status == corev1.ConditionTrue:
			ready++
			continue
		}
		ev := result.Evidence{"condition": string(c.Status), "grace": o.NotReadyGrace.String()}
		if c.Reason != "" {
			ev["conditionReason"] = c.Reason
		}
		what := "not Ready (Ready " + string(c.Status) + reasonWords(c) + ")"
		if c.LastTransitionTime.IsZero() {
			out = append(out, result.New(result.StatusWarn, nodeRef(n.Name), fmt.Sprintf(
				"Node %s is %s and its condition has no lastTransitionTime, so how long it has been down is not known: it takes no new pods, and its pods are evicted after the eviction timeout.",
				n.Name, what), ev))
			continue
		}
		since := now.Sub(c.LastTransitionTime.Time)
		ev["since"] = c.LastTransitionTime.UTC().Format(time.RFC3339)
		ev["notReadyFor"] = max(since, 0).Round(time.Second).String()
		if since <= o.NotReadyGrace {
			when := check.HumanDuration(since) + " ago"
			if since < 0 {
				when = check.HumanDuration(since) + " after the snapshot time"
			}
			out = append(out, result.New(result.StatusInfo, nodeRef(n.Name), fmt.Sprintf(
				"Node %s turned %s %s, within the %s grace period (a reboot or upgrade); it fails if it stays down.",
				n.Name, what, when, check.HumanDuration(o.NotReadyGrace)), ev))
			continue
		}
		out = append(out, result.New(result.StatusFail, nodeRef(n.Name), fmt.Sprintf(
			"Node %s has been %s for %s (grace %s): it takes no new pods, its pods have been or are being evicted, and the cluster runs short of that node's capacity.",
			n.Name, what, check.HumanDuration(since), check.HumanDuration(o.NotReadyGrace)), ev))
	}
	if noStatus == len(nodes) {
		r, _ := withoutConditions(nodes)
		return []result.Result{r}
	}
	if len(out) > 0 {
		return out
	}
	msg := fmt.Sprintf("All %d %s with a Ready condition %s Ready.", ready, check.Plural(ready, "node", "nodes"), check.Plural(ready, "is", "are"))
	if noStatus > 0 {
		msg += fmt.Sprintf(" %d more carry no Ready condition (hand-written Nodes) and were not judged.", noStatus)
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, msg,
		result.Evidence{"readyNodes": ready, "nodesWithoutStatus": noStatus})}
}

// reasonWords renders a condition's reason as ", reason X", or nothing.
func reasonWords(c *corev1.NodeCondition) string {
	if c.Reason == "" {
		return ""
	}
	return ", reason " + c.Reason
}

// pressureTypes are the kubelet's resource pressure conditions, in the
// order messages name them.
var pressureTypes = []corev1.NodeConditionType{corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure}

func evalNODE002(in *check.Input, _ *Options) []result.Result {
	nodes := in.Snapshot.Nodes
	if r, ok := withoutConditions(nodes); ok {
		return []result.Result{r}
	}
	var out []result.Result
	for i := range nodes {
		n := &nodes[i]
		var found, words []string
		for _, t := range pressureTypes {
			if c := condition(n, t); c != nil && c.Status == corev1.ConditionTrue {
				found = append(found, string(t))
				words = append(words, string(t)+reasonWords(c))
			}
		}
		if len(found) == 0 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, nodeRef(n.Name), fmt.Sprintf(
			"Node %s reports %s: it is tainted against new pods and its kubelet evicts running pods to reclaim the resource.",
			n.Name, strings.Join(words, "; ")), result.Evidence{"pressures": found}))
	}
	if len(out) > 0 {
		return out
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
		"No node of %d reports memory, disk or PID pressure.", len(nodes)), result.Evidence{"nodeCount": len(nodes)})}
}

func evalNODE003(in *check.Input, _ *Options) []result.Result {
	nodes := in.Snapshot.Nodes
	if r, ok := withoutConditions(nodes); ok {
		return []result.Result{r}
	}
	var out []result.Result
	for i := range nodes {
		n := &nodes[i]
		c := condition(n, corev1.NodeNetworkUnavailable)
		if c == nil || c.Status != corev1.ConditionTrue {
			continue
		}
		ev := result.Evidence{"condition": string(c.Status)}
		if c.Reason != "" {
			ev["conditionReason"] = c.Reason
		}
		out = append(out, result.New(result.StatusFail, nodeRef(n.Name), fmt.Sprintf(
			"Node %s reports NetworkUnavailable%s: its pod network is not configured, so it takes no new pods and its pods cannot reach the rest of the cluster.",
			n.Name, reasonWords(c)), ev))
	}
	if len(out) > 0 {
		return out
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
		"No node of %d reports NetworkUnavailable.", len(nodes)), result.Evidence{"nodeCount": len(nodes)})}
}
