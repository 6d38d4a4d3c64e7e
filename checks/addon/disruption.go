package addon

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalADDON001 flags outage-critical add-ons that a drain takes down or
// that block drains.
func evalADDON001(in *check.Input, o *Options) []result.Result {
	ix := in.Index
	pdbKnown := !in.Snapshot.FromManifests() || len(in.Snapshot.PDBs) > 0
	var out []result.Result
	n := 0
	for _, j := range recognised(ix, o) {
		w := j.w
		if j.a.outage == "" || w.Kind == index.KindDaemonSet || w.Replicas == 0 {
			continue
		}
		n++
		floor, hpa := ix.ReplicaFloor(w)
		budgets := ix.PDBsFor(w)
		ev := result.Evidence{"addon": j.a.name, "desired": w.Replicas, "replicaFloor": floor}
		if index.LeaderElected(w) {
			ev["leaderElection"] = true
		}
		if b, ok := blocking(budgets); ok {
			ev["pdb"], ev["setting"], ev["disruptionsAllowed"] = b.PDB.Name, b.Setting, b.Allowed
			how := "(" + b.Setting + ") allows no disruption of"
			if b.Err != nil {
				ev["error"] = b.Err.Error()
				how = fmt.Sprintf("has an invalid %v, on which the disruption controller allows no disruption of", b.Err)
			}
			out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
				"PodDisruptionBudget %s %s the %d %s of %s even when all are healthy, so every drain of their nodes blocks; set maxUnavailable: 1, with 2 or more replicas.",
				b.PDB.Name, how, w.Replicas, check.Plural(w.Replicas, "pod", "pods"), is(j)), ev))
			continue
		}
		if floor != 1 {
			continue
		}
		runs, fix := "runs a single replica", "run 2 replicas"
		if hpa != "" {
			runs = "can run a single replica (HorizontalPodAutoscaler " + hpa + " has minReplicas 1)"
			fix = "set its minReplicas: 2"
		}
		var msg string
		switch {
		case len(budgets) > 0:
			ev["pdb"], ev["setting"] = budgets[0].PDB.Name, budgets[0].Setting
			msg = fmt.Sprintf("%s %s, which PodDisruptionBudget %s (%s) lets a drain evict: each drain, eviction or rollout of its pod is an outage in which %s; %s.",
				is(j), runs, budgets[0].PDB.Name, budgets[0].Setting, j.a.outage, fix)
		case pdbKnown:
			msg = fmt.Sprintf("%s %s with no PodDisruptionBudget: each drain, eviction or rollout of its pod is an outage in which %s; %s with a PodDisruptionBudget of maxUnavailable: 1.",
				is(j), runs, j.a.outage, fix)
		default:
			ev["pdbKnown"] = false
			msg = fmt.Sprintf("%s %s: each drain, eviction or rollout of its pod is an outage in which %s; %s with a PodDisruptionBudget of maxUnavailable: 1. "+
				"The input holds no PodDisruptionBudget at all, so whether the cluster has one for it is not known; with one replica a PDB can only allow that outage or block the drain.",
				is(j), runs, j.a.outage, fix)
		}
		out = append(out, result.New(result.StatusWarn, w.Ref(), msg, ev))
	}
	switch {
	case n == 0:
		return one(result.StatusNA, "No metrics-server or ingress controller Deployment or StatefulSet with replicas in the add-on namespaces ("+namespaces(o)+" and infrastructure namespaces).")
	case len(out) == 0:
		return one(result.StatusPass, fmt.Sprintf("%s (metrics-server, ingress controllers) %s 2 or more replicas, and no PodDisruptionBudget blocks %s drains.",
			count(n, "outage-critical add-on", "outage-critical add-ons"), check.Plural(n, "runs", "run"), check.Plural(n, "its", "their")))
	}
	return out
}

// blocking returns the first budget that allows no disruption.
func blocking(bs []index.Budget) (index.Budget, bool) {
	for _, b := range bs {
		if b.Err != nil || b.Allowed <= 0 {
			return b, true
		}
	}
	return index.Budget{}, false
}
