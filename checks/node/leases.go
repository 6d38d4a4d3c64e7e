package node

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// NodeLeaseNamespace is where each kubelet keeps its heartbeat Lease,
// named after its node.
const NodeLeaseNamespace = corev1.NamespaceNodeLease

var node004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-004",
		Title:    "Node heartbeat Leases are fresh",
		Category: Category,
		Rule: "Each node's kubelet renews a Lease named after the node in kube-node-lease. " +
			"Its age is the snapshot time minus spec.renewTime; the limit is LeaseStaleFactor (default 1.5) times the Lease's " +
			"spec.leaseDurationSeconds, or NodeLeaseDuration (default 40s, the kubelet's nodeLeaseDurationSeconds default) when unset: 60s by default, " +
			"while a healthy kubelet renews every quarter of the duration (10s). " +
			"Fail for a node whose Lease is older than the limit or was never renewed; warn for a node without a Lease; " +
			"skip a Lease renewed more than the limit after the snapshot time (the snapshot's time, --now, is earlier than its data). " +
			"Pass, cluster-wide, when every node's Lease is fresh. " +
			"Manifests that hold no kube-node-lease Lease at all skip: Leases are written by running kubelets and dumps seldom carry them.",
		Rationale: "The node Lease is the kubelet's heartbeat. When it stops being renewed the node lifecycle controller marks the node's " +
			"Ready condition Unknown after its grace period and then evicts the node's pods; a stale Lease on a node that still shows Ready " +
			"is an outage that has begun and not yet been noticed.",
		Remediation: "On the node, check that the kubelet runs and reaches the API server (systemctl status kubelet, journalctl -u kubelet: " +
			"certificate, network or API server load problems); a node that is gone should be drained and deleted.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindLeases},
	Eval:  evalNODE004,
}

func evalNODE004(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	found := false
	for i := range s.Leases {
		if s.Leases[i].Namespace == NodeLeaseNamespace {
			found = true
			break
		}
	}
	if !found && s.FromManifests() {
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			"The manifests hold no Lease in kube-node-lease: node heartbeats are written by running kubelets, so their absence from files says nothing; audit the live cluster.",
			result.Evidence{"nodeCount": len(s.Nodes)})}
	}
	var out []result.Result
	fresh := 0
	for i := range s.Nodes {
		n := &s.Nodes[i]
		ref := nodeRef(n.Name)
		l := in.Index.Lease(NodeLeaseNamespace, n.Name)
		if l == nil {
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"Node %s has no Lease in kube-node-lease: its kubelet has never sent a heartbeat Lease (not running, or never registered), so the node's health rests on status updates alone.",
				n.Name), result.Evidence{"lease": NodeLeaseNamespace + "/" + n.Name}))
			continue
		}
		limit := o.NodeLeaseDuration
		if d := l.Spec.LeaseDurationSeconds; d != nil && *d > 0 {
			limit = time.Duration(*d) * time.Second
		}
		limit = time.Duration(float64(limit) * o.LeaseStaleFactor).Round(time.Second)
		ev := result.Evidence{"lease": NodeLeaseNamespace + "/" + n.Name, "leaseMaxAge": limit.String()}
		if l.Spec.RenewTime == nil {
			out = append(out, result.New(result.StatusFail, ref, fmt.Sprintf(
				"Node %s's heartbeat Lease has never been renewed: its kubelet is not reporting.", n.Name), ev))
			continue
		}
		age := s.CollectedAt.Sub(l.Spec.RenewTime.Time)
		if age < -limit {
			ev["leaseRenewedAfterBy"] = (-age).Round(time.Second).String()
			out = append(out, result.New(result.StatusSkip, ref, fmt.Sprintf(
				"Node %s's heartbeat Lease was renewed %s after the snapshot time, so its freshness cannot be judged: the snapshot's time (--now) is earlier than its data.",
				n.Name, check.HumanDuration(-age)), ev))
			continue
		}
		age = max(age, 0) // renewed while the snapshot was being read, or clock skew
		ev["leaseAge"] = age.Round(time.Second).String()
		if age <= limit {
			fresh++
			continue
		}
		still := ""
		if c := condition(n, corev1.NodeReady); c != nil && c.Status == corev1.ConditionTrue {
			still = " The node still shows Ready: the node controller will mark it Unknown and evict its pods."
		}
		out = append(out, result.New(result.StatusFail, ref, fmt.Sprintf(
			"Node %s's heartbeat Lease was last renewed %s ago (limit %s): its kubelet has stopped reporting.%s",
			n.Name, check.HumanDuration(age), check.HumanDuration(limit), still), ev))
	}
	if len(out) > 0 {
		return out
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
		"All %d %s renewed their heartbeat Lease in time.", fresh, check.Plural(fresh, "node", "nodes")),
		result.Evidence{"nodeCount": len(s.Nodes)})}
}
