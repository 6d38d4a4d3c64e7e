package workload

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// nodeLabelValues maps each label key of the schedulable nodes to the
// distinct values they carry.
func nodeLabelValues(nodes []corev1.Node) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for i := range nodes {
		n := &nodes[i]
		if n.Spec.Unschedulable {
			continue
		}
		for k, v := range n.Labels {
			if out[k] == nil {
				out[k] = map[string]bool{}
			}
			out[k][v] = true
		}
	}
	return out
}

// evalWL006 flags hard topology spread constraints over a topology the
// schedulable nodes do not have.
func evalWL006(in *check.Input, o *Options) []result.Result {
	if len(in.Snapshot.Nodes) == 0 {
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			"The input holds no Node objects, so which topology keys the nodes carry is not known.", nil)}
	}
	values := nodeLabelValues(in.Snapshot.Nodes)
	var out []result.Result
	judged := 0
	for _, w := range newScope(in.Index, o).workloads(in) {
		for _, c := range w.Template.Spec.TopologySpreadConstraints {
			if c.WhenUnsatisfiable != corev1.DoNotSchedule {
				continue
			}
			judged++
			domains := len(values[c.TopologyKey])
			ev := result.Evidence{"topologyKey": c.TopologyKey, "domains": domains}
			switch {
			case domains == 0:
				out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
					"%s %s spreads over %s with whenUnsatisfiable: DoNotSchedule, but no schedulable node carries that label, so its pods stay Pending; use a key the nodes have, or ScheduleAnyway.",
					w.Kind, w.Name, c.TopologyKey), ev))
			case c.MinDomains != nil && int(*c.MinDomains) > domains:
				ev["minDomains"] = int(*c.MinDomains)
				out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
					"%s %s requires minDomains %d over %s with whenUnsatisfiable: DoNotSchedule, but the schedulable nodes span only %d, so pods beyond maxSkew stay Pending; lower minDomains or add nodes in more domains.",
					w.Kind, w.Name, *c.MinDomains, c.TopologyKey, domains), ev))
			}
		}
	}
	switch {
	case judged == 0:
		return na("No Deployment or StatefulSet in a user namespace has a DoNotSchedule topology spread constraint.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s over topologies the schedulable nodes have.", count(judged, "DoNotSchedule topology spread constraint spreads", "DoNotSchedule topology spread constraints spread")))
	}
	return out
}

// evalWL007 flags replicated workloads whose scheduled pods all share one
// node or one zone while the cluster has several.
func evalWL007(in *check.Input, o *Options) []result.Result {
	if len(in.Snapshot.Nodes) == 0 {
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			"The input holds no Node objects, so where pods run is not known.", nil)}
	}
	ix := in.Index
	zones := ix.SchedulableZones()
	zoneOf := map[string]string{} // node name → zone, as pods are read
	var out []result.Result
	judged := 0
	for _, w := range newScope(ix, o).workloads(in) {
		if w.Replicas < 2 {
			continue
		}
		var node, zone string
		placed, oneNode, oneZone := 0, true, true
		for _, p := range ix.PodsOwnedBy(w) {
			if p.Spec.NodeName == "" || !index.PodRunning(p) || p.DeletionTimestamp != nil {
				continue
			}
			z, ok := zoneOf[p.Spec.NodeName]
			if !ok {
				z = ix.ZoneOf(p.Spec.NodeName)
				zoneOf[p.Spec.NodeName] = z
			}
			if placed == 0 {
				node, zone = p.Spec.NodeName, z
			}
			oneNode = oneNode && p.Spec.NodeName == node
			oneZone = oneZone && z == zone
			placed++
		}
		if placed < 2 {
			continue
		}
		judged++
		switch {
		case oneNode && ix.Schedulable() >= 2:
			out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
				"All %d running pods of %s %s are on node %s while the cluster has %d schedulable nodes, so losing that node takes the whole workload down; add pod anti-affinity or a topology spread on kubernetes.io/hostname.",
				placed, w.Kind, w.Name, node, ix.Schedulable()), result.Evidence{"node": node, "pods": placed}))
		case oneZone && zone != "" && len(zones) >= 2:
			out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
				"All %d running pods of %s %s are in zone %s while schedulable nodes span %d zones (%s), so one zone outage takes the whole workload down; add a topology spread on topology.kubernetes.io/zone.",
				placed, w.Kind, w.Name, zone, len(zones), strings.Join(zones, ", ")), result.Evidence{"zone": zone, "pods": placed, "clusterZones": zones}))
		}
	}
	switch {
	case judged == 0:
		return na("No replicated Deployment or StatefulSet in a user namespace has 2 or more running pods in the input.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s in user namespaces %s running pods on more than one node (and zone, where the cluster has several).",
			count(judged, "replicated workload", "replicated workloads"), check.Plural(judged, "has its", "have their")))
	}
	return out
}

// spreads reports whether a pod spec asks the scheduler to keep its pods
// apart (index.AsksSpread).
func spreads(spec *corev1.PodSpec) bool { return index.AsksSpread(spec) }

// evalWL008 flags replicated workloads that ask for no spread at all.
func evalWL008(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	judged := 0
	for _, w := range newScope(in.Index, o).workloads(in) {
		if n, _ := floor(in.Index, w); max(n, w.Replicas) < 2 {
			continue
		}
		judged++
		if spreads(&w.Template.Spec) {
			continue
		}
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"%s %s runs %d replicas with no topology spread constraint and no pod anti-affinity, so only the scheduler's best-effort default spreading keeps them off one node or zone; add a topology spread on kubernetes.io/hostname and topology.kubernetes.io/zone.",
			w.Kind, w.Name, w.Replicas), result.Evidence{"desired": w.Replicas}))
	}
	switch {
	case judged == 0:
		return na("No Deployment or StatefulSet in a user namespace runs 2 or more replicas.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s in user namespaces %s a topology spread or pod anti-affinity.",
			count(judged, "replicated workload", "replicated workloads"), check.Plural(judged, "sets", "set")))
	}
	return out
}
