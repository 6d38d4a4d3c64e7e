package dns

import (
	"fmt"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalDNS004 checks that exactly one PodDisruptionBudget guards each DNS
// Deployment and that it both protects pods and allows drains.
func evalDNS004(in *check.Input, _ *Options) []result.Result {
	active, _ := in.Index.DNS()
	if len(active) == 0 {
		return []result.Result{noDNSResult(in)}
	}
	// Manifests without Node objects (a part of a cluster) holding no PDB
	// at all say nothing of the cluster's PDBs: the finding stands (the
	// manifests as applied guard nothing) but does not claim none exists.
	_, partial := partialWithoutDNS(in)
	pdbKnown := !partial || len(in.Snapshot.PDBs) > 0
	var out []result.Result
	for _, w := range active {
		out = append(out, dns004For(w, in.Index.PDBsFor(w), pdbKnown))
	}
	return out
}

func dns004For(w *index.Workload, budgets []index.Budget, pdbKnown bool) result.Result {
	ref, replicas := w.Ref(), w.Replicas
	ev := result.Evidence{"deployment": w.Name, "desired": replicas}
	switch len(budgets) {
	case 0:
		evicted := fmt.Sprintf("all %d at once", replicas)
		if replicas == 1 {
			evicted = "its only pod"
		}
		if !pdbKnown {
			ev["pdbKnown"] = false
			return result.New(result.StatusWarn, ref, fmt.Sprintf(
				"The input holds no PodDisruptionBudget at all, so whether one in the cluster selects the %s pods is not known; without one a node drain or upgrade can evict %s; create one with maxUnavailable: 1.",
				w.Name, evicted), ev)
		}
		return result.New(result.StatusWarn, ref, fmt.Sprintf(
			"No PodDisruptionBudget in %s selects the %s pods, so a node drain or upgrade can evict %s; create one with maxUnavailable: 1.",
			w.Namespace, w.Name, evicted), ev)
	case 1:
	default:
		names := make([]string, len(budgets))
		for i, b := range budgets {
			names[i] = b.PDB.Name
		}
		ev["pdbs"] = names
		return result.New(result.StatusWarn, ref, fmt.Sprintf(
			"%d PodDisruptionBudgets (%s) select the %s pods, and the eviction API refuses to evict a pod covered by more than one, so drains of their nodes block; keep exactly one.",
			len(budgets), strings.Join(names, ", "), w.Name), ev)
	}
	b := budgets[0]
	ev["pdb"] = b.PDB.Name
	ev["setting"] = b.Setting
	if b.Err != nil {
		ev["error"] = b.Err.Error()
		return result.New(result.StatusWarn, ref, fmt.Sprintf(
			"PodDisruptionBudget %s for %s has an invalid %v, on which the disruption controller allows no disruption, so drains block; set maxUnavailable: 1.",
			b.PDB.Name, w.Name, b.Err), ev)
	}
	ev["desiredHealthy"], ev["disruptionsAllowed"] = b.DesiredHealthy, b.Allowed
	switch {
	case b.Allowed <= 0:
		return result.New(result.StatusWarn, ref, fmt.Sprintf(
			"PodDisruptionBudget %s (%s) allows no disruption of the %d %s pods, so node drains and upgrades block; set maxUnavailable: 1.",
			b.PDB.Name, b.Setting, replicas, w.Name), ev)
	case b.DesiredHealthy <= 0:
		return result.New(result.StatusWarn, ref, fmt.Sprintf(
			"PodDisruptionBudget %s (%s) keeps none of the %d %s pods available, so a drain can still evict them all at once; set maxUnavailable: 1.",
			b.PDB.Name, b.Setting, replicas, w.Name), ev)
	}
	return result.New(result.StatusPass, ref, fmt.Sprintf(
		"PodDisruptionBudget %s (%s) lets %d of the %d %s pods be disrupted at a time.",
		b.PDB.Name, b.Setting, b.Allowed, replicas, w.Name), ev)
}
