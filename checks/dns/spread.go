package dns

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalDNS003 checks that each DNS Deployment's ready pods are spread over
// nodes and zones.
func evalDNS003(in *check.Input, _ *Options) []result.Result {
	active, _ := in.Index.DNS()
	if len(active) == 0 {
		return []result.Result{noDNSResult(in)}
	}
	var out []result.Result
	for _, w := range active {
		out = append(out, dns003For(in.Index, w))
	}
	return out
}

func dns003For(ix *index.Index, w *index.Workload) result.Result {
	ref := w.Ref()
	sel, err := w.Selector()
	if err != nil {
		return result.New(result.StatusSkip, ref, fmt.Sprintf("The pods of %s cannot be found because %v.", w.Name, err),
			result.Evidence{"deployment": w.Name})
	}
	schedulable, clusterZones := ix.Schedulable(), ix.SchedulableZones()
	podNodes := map[string]int{}
	zoneSet := map[string]bool{}
	ready, unknownZone := 0, 0
	for _, p := range ix.PodsSelected(w.Namespace, sel) {
		if p.Spec.NodeName == "" || !index.PodReady(p) {
			continue
		}
		ready++
		podNodes[p.Spec.NodeName]++
		if z := ix.ZoneOf(p.Spec.NodeName); z != "" {
			zoneSet[z] = true
		} else {
			unknownZone++
		}
	}
	podZones := check.SortedKeys(zoneSet) // never nil: no zones show as []
	ev := result.Evidence{
		"deployment": w.Name, "readyPods": ready, "podNodes": len(podNodes), "podZones": podZones,
		"schedulableNodes": schedulable, "clusterZones": clusterZones,
	}
	if unknownZone > 0 {
		ev["podsWithoutZone"] = unknownZone
	}
	if ready == 0 {
		reported := w.Deployment.Status.ReadyReplicas
		if reported == 0 {
			return result.New(result.StatusNA, ref, fmt.Sprintf("%s has no ready pods to spread; DNS-001 reports it.", w.Name), ev)
		}
		return result.New(result.StatusSkip, ref, fmt.Sprintf(
			"%s reports %d ready %s but the snapshot holds no ready, scheduled pods matching its selector, so their placement cannot be checked.",
			w.Name, reported, check.Plural(int(reported), "replica", "replicas")), ev)
	}
	if len(podNodes) == 1 {
		node := check.SortedKeys(podNodes)[0]
		ev["node"] = node
		pods := fmt.Sprintf("All %d ready %s pods run", ready, w.Name)
		if ready == 1 {
			pods = fmt.Sprintf("The only ready %s pod runs", w.Name)
		}
		if schedulable <= 1 {
			return result.New(result.StatusInfo, ref, fmt.Sprintf(
				"%s on node %s because the cluster has %d schedulable node; add nodes before relying on it in production.",
				pods, node, schedulable), ev)
		}
		return result.New(result.StatusWarn, ref, fmt.Sprintf(
			"%s on node %s, so losing that node stops cluster DNS; spread them with topologySpreadConstraints on kubernetes.io/hostname across the %d schedulable nodes.",
			pods, node, schedulable), ev)
	}
	if len(clusterZones) > 1 && unknownZone == 0 && len(podZones) == 1 {
		return result.New(result.StatusWarn, ref, fmt.Sprintf(
			"All %d ready %s pods run in zone %s (on %d nodes) while schedulable nodes span %d zones, so a zone outage stops cluster DNS; spread them with topologySpreadConstraints on topology.kubernetes.io/zone.",
			ready, w.Name, podZones[0], len(podNodes), len(clusterZones)), ev)
	}
	return result.New(result.StatusPass, ref, fmt.Sprintf(
		"The %d ready %s pods run on %d nodes in %d %s.", ready, w.Name, len(podNodes), len(podZones),
		check.Plural(len(podZones), "zone", "zones")), ev)
}
