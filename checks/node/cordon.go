package node

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var node005 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-005",
		Title:    "Few nodes are cordoned",
		Category: Category,
		Rule: "Cordoned nodes are those with spec.unschedulable (kubectl cordon, or a drain). " +
			"Warn when more than MaxCordonedRatio (default 0.1, 10%) of all nodes are cordoned; pass otherwise, naming any that are.",
		Rationale: "A cordoned node takes no new pods. Many cordoned nodes, often left behind by an interrupted drain or upgrade, " +
			"silently shrink the capacity the scheduler can use, so the next rollout, scale-up or node failure leaves pods Pending.",
		Remediation: "Finish or undo the maintenance: kubectl uncordon NODE for nodes that are healthy again, " +
			"or drain and delete the ones that are being retired.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalNODE005,
}

func evalNODE005(in *check.Input, o *Options) []result.Result {
	nodes := in.Snapshot.Nodes
	var cordoned []string
	for i := range nodes {
		if nodes[i].Spec.Unschedulable {
			cordoned = append(cordoned, nodes[i].Name)
		}
	}
	pct := 100 * float64(len(cordoned)) / float64(len(nodes))
	ev := result.Evidence{"nodeCount": len(nodes), "cordoned": len(cordoned), "cordonedPercent": round1(pct),
		"maxCordonedRatio": o.MaxCordonedRatio, "nodeNames": firstNames(cordoned)}
	switch {
	case len(cordoned) == 0:
		return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"None of %d %s is cordoned.", len(nodes), check.Plural(len(nodes), "node", "nodes")), ev)}
	case pct > 100*o.MaxCordonedRatio:
		return []result.Result{result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
			"%d of %d nodes (%s%%) are cordoned, more than %s%%: %s. They take no new pods, so the cluster has that much less room for rollouts, scale-ups and rescheduling after a failure.",
			len(cordoned), len(nodes), fmtNum(pct), fmtNum(100*o.MaxCordonedRatio), nameList(cordoned)), ev)}
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
		"%d of %d nodes (%s%%) %s cordoned, within %s%%: %s.",
		len(cordoned), len(nodes), fmtNum(pct), check.Plural(len(cordoned), "is", "are"), fmtNum(100*o.MaxCordonedRatio), nameList(cordoned)), ev)}
}
