package workload

import (
	"fmt"
	"strings"

	policyv1 "k8s.io/api/policy/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func na(msg string) []result.Result {
	return []result.Result{result.New(result.StatusNA, result.Cluster, msg, nil)}
}

func passOnce(msg string) []result.Result {
	return []result.Result{result.New(result.StatusPass, result.Cluster, msg, nil)}
}

// count reads "The one THING" for 1 and "All N THINGS" otherwise.
func count(n int, one, many string) string {
	if n == 1 {
		return "The one " + one
	}
	return fmt.Sprintf("All %d %s", n, many)
}

func pdbRef(p *policyv1.PodDisruptionBudget) result.ObjectRef {
	return cluster.RefOf(cluster.KindPDBs, p.Namespace, p.Name)
}

// evalWL001 flags workloads whose replica floor is one.
func evalWL001(in *check.Input, o *Options) []result.Result {
	ws := newScope(in.Index, o).workloads(in)
	var out []result.Result
	judged := 0
	for _, w := range ws {
		if w.Replicas == 0 {
			continue
		}
		judged++
		n, hpa := floor(in.Index, w)
		if n != 1 {
			continue
		}
		ev := result.Evidence{"desired": w.Replicas, "replicaFloor": n}
		switch {
		case hpa != "":
			ev["autoscaler"] = "HorizontalPodAutoscaler " + w.Namespace + "/" + hpa
			out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
				"%s %s can run a single replica: HorizontalPodAutoscaler %s has minReplicas 1, so at low load one drain, eviction or rollout takes it down; set minReplicas: 2.",
				w.Kind, w.Name, hpa), ev))
		case leaderElected(w):
			ev["leaderElection"] = true
			out = append(out, result.New(result.StatusInfo, w.Ref(), fmt.Sprintf(
				"%s %s runs one replica and elects a leader, a singleton by design; it is down while its pod is rescheduled.",
				w.Kind, w.Name), ev))
		case singletonByDesign(w) != "":
			ev["singletonByDesign"] = true
			out = append(out, result.New(result.StatusInfo, w.Ref(), fmt.Sprintf(
				"%s %s runs one replica, a singleton by design (%s); it is down while its pod is rescheduled.",
				w.Kind, w.Name, singletonByDesign(w)), ev))
		default:
			out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
				"%s %s runs a single replica and no HorizontalPodAutoscaler raises it, so every drain, eviction or rollout of its pod is an outage; run at least 2.",
				w.Kind, w.Name), ev))
		}
	}
	switch {
	case judged == 0:
		return na("No Deployment or StatefulSet with replicas in a user namespace.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s in user namespaces %s at least 2 replicas.", count(judged, "Deployment or StatefulSet", "Deployments and StatefulSets"), check.Plural(judged, "runs", "run")))
	}
	return out
}

// evalWL002 flags replicated workloads that no PDB selects.
func evalWL002(in *check.Input, o *Options) []result.Result {
	ws := newScope(in.Index, o).workloads(in)
	var out []result.Result
	judged := 0
	for _, w := range ws {
		n, _ := floor(in.Index, w)
		if n < 2 {
			continue
		}
		judged++
		if len(in.Index.PDBsFor(w)) > 0 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"No PodDisruptionBudget in %s selects the pods of %s %s, so a node drain or upgrade can evict all %d replicas at once; create one with maxUnavailable: 1.",
			w.Namespace, w.Kind, w.Name, max(w.Replicas, n)), result.Evidence{"desired": w.Replicas, "replicaFloor": n}))
	}
	if judged == 0 {
		return na("No Deployment or StatefulSet in a user namespace runs 2 or more replicas.")
	}
	if len(out) > 0 && in.Snapshot.FromManifests() && len(in.Snapshot.PDBs) == 0 {
		return []result.Result{result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
			"The input holds no PodDisruptionBudget at all, so whether the cluster has one for the %d replicated %s here is not known; include the PDB manifests, or audit the cluster.",
			len(out), check.Plural(len(out), "workload", "workloads")), nil)}
	}
	if len(out) == 0 {
		return passOnce(fmt.Sprintf("%s in user namespaces %s a PodDisruptionBudget.", count(judged, "replicated Deployment or StatefulSet", "replicated Deployments and StatefulSets"), check.Plural(judged, "has", "have")))
	}
	return out
}

// userPDBs returns the PDBs of user namespaces, in snapshot order.
func userPDBs(in *check.Input, sc scope) []*policyv1.PodDisruptionBudget {
	var out []*policyv1.PodDisruptionBudget
	for i := range in.Snapshot.PDBs {
		if p := &in.Snapshot.PDBs[i]; sc.user(p.Namespace) {
			out = append(out, p)
		}
	}
	return out
}

// replicated keeps the Deployments and StatefulSets of ws.
func replicated(ws []*index.Workload) []*index.Workload {
	var out []*index.Workload
	for _, w := range ws {
		if w.Kind == index.KindDeployment || w.Kind == index.KindStatefulSet {
			out = append(out, w)
		}
	}
	return out
}

func names(ws []*index.Workload) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Kind + "/" + w.Name
	}
	return out
}

// evalWL003 flags PDBs that block drains.
func evalWL003(in *check.Input, o *Options) []result.Result {
	sc := newScope(in.Index, o)
	var out []result.Result
	judged := 0
	for _, p := range userPDBs(in, sc) {
		ws := replicated(in.Index.PDBWorkloads(p))
		if len(ws) == 0 {
			continue
		}
		judged++
		ref, setting := pdbRef(p), index.PDBSetting(p.Spec)
		if len(ws) > 1 {
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"PodDisruptionBudget %s selects the pods of %d workloads (%s), which then share one budget: evictions of one use up the others' allowance, "+
					"and the budget can let every pod of one of them go at once; give each workload a PDB of its own.",
				p.Name, len(ws), strings.Join(names(ws), ", ")), result.Evidence{"workloads": names(ws), "setting": setting}))
			continue
		}
		w := ws[0]
		if w.Replicas == 0 {
			continue
		}
		budgets := in.Index.PDBsFor(w)
		if len(budgets) > 1 {
			pdbs := make([]string, len(budgets))
			for i, b := range budgets {
				pdbs[i] = b.PDB.Name
			}
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"The pods of %s %s are selected by %d PodDisruptionBudgets (%s), and the eviction API refuses to evict a pod covered by more than one, so drains of their nodes block; keep exactly one.",
				w.Kind, w.Name, len(budgets), strings.Join(pdbs, ", ")), result.Evidence{"pdbs": pdbs, "workloads": names(ws)}))
			continue
		}
		desiredHealthy, allowed, err := index.PDBBudget(p.Spec, w.Replicas)
		ev := result.Evidence{"workloads": names(ws), "setting": setting, "desired": w.Replicas}
		switch {
		case err != nil:
			ev["error"] = err.Error()
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"PodDisruptionBudget %s has an invalid %v, on which the disruption controller allows no disruption of %s %s, so drains block; set maxUnavailable: 1.",
				p.Name, err, w.Kind, w.Name), ev))
		case allowed <= 0:
			ev["desiredHealthy"], ev["disruptionsAllowed"] = desiredHealthy, allowed
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"PodDisruptionBudget %s (%s) allows no disruption of the %d pods of %s %s even when all are healthy, so every drain of their nodes blocks; set maxUnavailable: 1.",
				p.Name, setting, w.Replicas, w.Kind, w.Name), ev))
		}
	}
	switch {
	case judged == 0:
		return na("No PodDisruptionBudget in a user namespace selects a Deployment or StatefulSet.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s selecting workloads in user namespaces %s a disruption.", count(judged, "PodDisruptionBudget", "PodDisruptionBudgets"), check.Plural(judged, "allows", "allow")))
	}
	return out
}

// evalWL004 flags PDBs that allow no disruption at the HPA's minimum.
func evalWL004(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	judged := 0
	for _, w := range newScope(in.Index, o).workloads(in) {
		n, hpa := floor(in.Index, w)
		if hpa == "" {
			continue
		}
		for _, b := range in.Index.PDBsFor(w) {
			judged++
			if b.Err != nil || b.Allowed <= 0 {
				continue // WL-003 reports it
			}
			desiredHealthy, allowed, err := index.PDBBudget(b.PDB.Spec, n)
			if err != nil || allowed > 0 {
				continue
			}
			out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
				"HorizontalPodAutoscaler %s can scale %s %s down to %d, where PodDisruptionBudget %s (%s) allows no disruption, so drains of its nodes block at low load; raise minReplicas above what the PDB keeps, or use maxUnavailable: 1.",
				hpa, w.Kind, w.Name, n, b.PDB.Name, b.Setting), result.Evidence{
				"autoscaler": "HorizontalPodAutoscaler " + w.Namespace + "/" + hpa, "replicaFloor": n,
				"pdb": b.PDB.Name, "setting": b.Setting, "desiredHealthy": desiredHealthy, "disruptionsAllowed": allowed}))
		}
	}
	switch {
	case judged == 0:
		return na("No autoscaled Deployment or StatefulSet in a user namespace has a PodDisruptionBudget.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s of autoscaled workloads %s a disruption at the HPA's minReplicas.", count(judged, "PodDisruptionBudget", "PodDisruptionBudgets"), check.Plural(judged, "allows", "allow")))
	}
	return out
}

// evalWL005 flags PDBs that select nothing.
func evalWL005(in *check.Input, o *Options) []result.Result {
	sc := newScope(in.Index, o)
	pdbs := userPDBs(in, sc)
	if len(pdbs) == 0 {
		return na("No PodDisruptionBudget in a user namespace.")
	}
	manifests := in.Snapshot.FromManifests()
	var out []result.Result
	for _, p := range pdbs {
		if len(in.Index.PDBWorkloads(p)) > 0 {
			continue
		}
		pods := in.Index.PodsIn(p.Namespace)
		if len(in.Index.PodsSelected(p.Namespace, index.PDBSelector(p))) > 0 {
			continue
		}
		sel := "null"
		if p.Spec.Selector != nil {
			sel = metaSelector(p)
		}
		ev := result.Evidence{"pdbSelector": sel}
		if manifests && len(pods) == 0 && len(in.Index.WorkloadsIn(p.Namespace)) == 0 {
			out = append(out, result.New(result.StatusSkip, pdbRef(p), fmt.Sprintf(
				"The input holds no workload or pod in %s, so what PodDisruptionBudget %s selects is outside it; include the workloads' manifests, or audit the cluster.",
				p.Namespace, p.Name), ev))
			continue
		}
		what := "selector " + sel
		if p.Spec.Selector == nil {
			what = "no selector"
		}
		out = append(out, result.New(result.StatusWarn, pdbRef(p), fmt.Sprintf(
			"PodDisruptionBudget %s (%s) selects no workload or pod in %s, so it protects nothing; fix its selector to match the pods it is meant to guard, or delete it.",
			p.Name, what, p.Namespace), ev))
	}
	if len(out) == 0 {
		return passOnce(fmt.Sprintf("%s in user namespaces %s pods.", count(len(pdbs), "PodDisruptionBudget", "PodDisruptionBudgets"), check.Plural(len(pdbs), "selects", "select")))
	}
	return out
}
