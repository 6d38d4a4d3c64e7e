package dns

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalDNS001 checks the ready and desired replicas of each DNS Deployment,
// or what its cluster-proportional-autoscaler sets.
func evalDNS001(in *check.Input, o *Options) []result.Result {
	active, idle := in.Index.DNS()
	if len(active) == 0 {
		if in.Index.Platform().Name == cluster.PlatformOpenShift {
			return []result.Result{result.New(result.StatusNA, result.Cluster,
				"OpenShift runs cluster DNS as the operator-managed dns-default DaemonSet, not a kube-dns Deployment.", dnsEvidence())}
		}
		if r, ok := partialWithoutDNS(in); ok {
			return []result.Result{r}
		}
		return []result.Result{result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
			"No Deployment labelled k8s-app=kube-dns exists in kube-system, so the cluster has no recognisable DNS; deploy CoreDNS with at least %d replicas.",
			o.MinReplicas), dnsEvidence())}
	}
	var out []result.Result
	for _, w := range active {
		out = append(out, dns001For(in, o, w))
	}
	for _, w := range idle {
		out = append(out, result.New(result.StatusNA, w.Ref(), fmt.Sprintf(
			"%s is scaled to 0; cluster DNS is served by %s.", w.Name, active[0].Name),
			result.Evidence{"deployment": w.Name, "desired": 0, "servedBy": active[0].Name}))
	}
	return out
}

// dns001For judges one active DNS Deployment: its ready replicas when the
// input has its status, and its desired replicas: what a valid
// cluster-proportional-autoscaler targeting it sets, else spec.replicas.
func dns001For(in *check.Input, o *Options, w *index.Workload) result.Result {
	minReplicas := o.MinReplicas
	desired, ready := w.Replicas, int(w.Deployment.Status.ReadyReplicas)
	known := statusKnown(in.Snapshot, deploymentStatusSet(w))
	ev := result.Evidence{"deployment": w.Name, "desired": desired, "minReplicas": minReplicas}
	if known {
		ev["ready"] = ready
	} else {
		ev["readyKnown"] = false
	}
	if known && ready < minReplicas {
		return result.New(result.StatusFail, w.Ref(), fmt.Sprintf(
			"%s has %d ready of %d desired %s, below the minimum of %d, so one pod or node failure can stop cluster DNS; scale it to at least %d and make its pods ready.",
			w.Name, ready, desired, check.Plural(desired, "replica", "replicas"), minReplicas, minReplicas), ev)
	}
	a, params, broken := autoscalerFor(in.Index, w)
	if len(broken) > 0 {
		ev["brokenAutoscalers"] = broken
	}
	if a != nil {
		source := paramsSource(params, false)
		ev["autoscaler"] = "cluster-proportional-autoscaler Deployment " + a.Name()
		ev["paramsSource"] = source
		if params.Linear != nil {
			return dns001Autoscaled(in, o, w, a, *params.Linear, source, known, ev)
		}
		if !known {
			return result.New(result.StatusSkip, w.Ref(), fmt.Sprintf(
				"%s is scaled by the cluster-proportional-autoscaler %s, whose replica count seaworthy does not recompute (parameters: %s), and the input carries no Deployment status, so how many replicas it sets is not known.",
				w.Name, a.Name(), source), ev)
		}
		// The autoscaler has set spec.replicas: judge them as below.
	}
	if desired < minReplicas {
		if !known {
			return result.New(result.StatusFail, w.Ref(), fmt.Sprintf(
				"%s is set to %d %s, below the minimum of %d, so one pod or node failure can stop cluster DNS; scale it to at least %d, or let a cluster-proportional-autoscaler with min >= 2 or preventSinglePointFailure manage it.",
				w.Name, desired, check.Plural(desired, "replica", "replicas"), minReplicas, minReplicas), ev)
		}
		return result.New(result.StatusFail, w.Ref(), fmt.Sprintf(
			"%s is set to %d %s (%d ready during a rollout), below the minimum of %d; scale it to at least %d.",
			w.Name, desired, check.Plural(desired, "replica", "replicas"), ready, minReplicas, minReplicas), ev)
	}
	if !known {
		return result.New(result.StatusPass, w.Ref(), fmt.Sprintf(
			"%s is set to %d replicas (minimum %d); the input carries no Deployment status, so how many are ready is not known.",
			w.Name, desired, minReplicas), ev)
	}
	return result.New(result.StatusPass, w.Ref(), fmt.Sprintf(
		"%s has %d of %d replicas ready (minimum %d).", w.Name, ready, desired, minReplicas), ev)
}

// dns001Autoscaled judges the replicas a cluster-proportional-autoscaler
// with linear parameters p sets for w: computed for the cluster's nodes and
// cores when the input has them, else the fewest it ever sets on a cluster
// of 2 or more nodes (p.Floor).
func dns001Autoscaled(in *check.Input, o *Options, w *index.Workload, a *index.ProportionalAutoscaler, p index.LinearParams, source string, known bool, ev result.Evidence) result.Result {
	minReplicas := o.MinReplicas
	ev["min"], ev["preventSinglePointFailure"] = p.Min, p.PreventSinglePointFailure
	fix := fmt.Sprintf("set min: %d", minReplicas)
	if minReplicas <= 2 && !p.PreventSinglePointFailure {
		fix += " or preventSinglePointFailure: true"
	}
	if g, ok := in.Snapshot.GapFor(cluster.KindNodes); ok {
		floor := p.Floor()
		ev["autoscalerFloor"] = floor
		if floor < minReplicas {
			return result.New(result.StatusFail, w.Ref(), fmt.Sprintf(
				"The cluster-proportional-autoscaler %s scales %s down to %d %s on a small cluster (min %d, preventSinglePointFailure %t), below the minimum of %d, so one pod or node failure can stop cluster DNS; %s in its linear parameters (%s).",
				a.Name(), w.Name, floor, check.Plural(floor, "replica", "replicas"), p.Min, p.PreventSinglePointFailure, minReplicas, fix, source), ev)
		}
		keeps := fmt.Sprintf("whose min keeps at least %d replicas", p.Min)
		if p.Min < minReplicas {
			keeps = fmt.Sprintf("whose preventSinglePointFailure keeps at least %d replicas on a cluster of 2 or more nodes", floor)
		}
		why := "the input holds no nodes to compute its exact count from"
		if g.Reason != cluster.GapNotInInput {
			why = "nodes could not be read (" + g.Message + "), so its exact count is not computed"
		}
		switch {
		case !known:
			why += ", and no Deployment status to say how many are ready"
		default:
			why += fmt.Sprintf("; %d are ready", int(w.Deployment.Status.ReadyReplicas))
		}
		return result.New(result.StatusPass, w.Ref(), fmt.Sprintf(
			"%s is scaled by the cluster-proportional-autoscaler %s, %s (minimum %d); %s.",
			w.Name, a.Name(), keeps, minReplicas, why), ev)
	}
	counts, sel := in.Index.AutoscalerNodes(*a)
	if sel != "" {
		ev["nodeLabels"] = sel
	}
	n, c := counts.Pick(p.IncludeUnschedulableNodes)
	want := p.Replicas(n, c)
	ev["wanted"], ev["nodes"], ev["cores"] = want, n, c
	if want < minReplicas {
		if n <= 1 {
			fix = fmt.Sprintf("set min: %d", minReplicas) // preventSinglePointFailure does nothing on one node
		}
		return result.New(result.StatusFail, w.Ref(), fmt.Sprintf(
			"The cluster-proportional-autoscaler %s sets %s to %d %s for %d %s and %s cores, below the minimum of %d, so one pod or node failure can stop cluster DNS; %s in its linear parameters (%s).",
			a.Name(), w.Name, want, check.Plural(want, "replica", "replicas"), n, check.Plural(n, "node", "nodes"), formatCores(c), minReplicas, fix, source), ev)
	}
	ready := "; the input carries no Deployment status, so how many are ready is not known"
	if known {
		ready = fmt.Sprintf("; %d are ready", int(w.Deployment.Status.ReadyReplicas))
	}
	return result.New(result.StatusPass, w.Ref(), fmt.Sprintf(
		"%s is scaled by the cluster-proportional-autoscaler %s, which sets %d replicas for %d %s and %s cores (minimum %d)%s.",
		w.Name, a.Name(), want, n, check.Plural(n, "node", "nodes"), formatCores(c), minReplicas, ready), ev)
}

// evalDNS002 compares each DNS Deployment's replicas with the proportional
// rule, or with what its autoscaler would set.
func evalDNS002(in *check.Input, o *Options) []result.Result {
	active, _ := in.Index.DNS()
	if len(active) == 0 {
		return []result.Result{noDNSResult(in)}
	}
	all := in.Index.CountNodes(nil)
	var out []result.Result
	for _, w := range active {
		out = append(out, dns002For(in.Index, o, w, all))
	}
	return out
}

func dns002For(ix *index.Index, o *Options, w *index.Workload, all index.NodeCounts) result.Result {
	ref, current := w.Ref(), w.Replicas
	if all.Schedulable == 0 {
		return result.New(result.StatusSkip, ref, fmt.Sprintf(
			"The snapshot has no schedulable nodes (%d in all), so the replicas %s needs cannot be computed.", all.Total, w.Name),
			result.Evidence{"deployment": w.Name, "nodes": all.Total})
	}
	nodes, cores := all.Pick(false)
	wanted := proportionalReplicas(cores, nodes, o.CoresPerReplica, o.NodesPerReplica)
	ev := result.Evidence{
		"deployment": w.Name, "current": current, "wanted": wanted,
		"nodes": nodes, "cores": cores, "unschedulableNodes": all.Total - all.Schedulable,
		"coresPerReplica": o.CoresPerReplica, "nodesPerReplica": o.NodesPerReplica,
	}
	rule := fmt.Sprintf("max(ceil(%s cores/%s), ceil(%d nodes/%s))", formatCores(cores),
		formatCores(o.CoresPerReplica), nodes, formatCores(o.NodesPerReplica))

	if hpas := ix.HPAsFor(w); len(hpas) > 0 {
		ev["autoscaler"] = "HorizontalPodAutoscaler " + w.Namespace + "/" + hpas[0].Name
		return result.New(result.StatusPass, ref, fmt.Sprintf(
			"%s is scaled by HorizontalPodAutoscaler %s (now %d %s; the proportional rule wants %d).",
			w.Name, hpas[0].Name, current, check.Plural(current, "replica", "replicas"), wanted), ev)
	}

	if _, stopped := ix.ProportionalAutoscalers(w); len(stopped) > 0 {
		ev["stoppedAutoscalers"] = stopped
	}
	a, params, broken := autoscalerFor(ix, w)
	if a != nil {
		ev["autoscaler"] = "cluster-proportional-autoscaler Deployment " + a.Name()
		ev["paramsSource"] = paramsSource(params, true)
		if !params.Known() {
			return result.New(result.StatusPass, ref, fmt.Sprintf(
				"%s is scaled by the cluster-proportional-autoscaler %s (now %d replicas; the proportional rule wants %d).",
				w.Name, a.Name(), current, wanted), ev)
		}
		counts, sel := ix.AutoscalerNodes(*a)
		if sel != "" {
			ev["nodeLabels"] = sel
		}
		var want, n int
		var c float64
		if p := params.Linear; p != nil {
			n, c = counts.Pick(p.IncludeUnschedulableNodes)
			want = p.Replicas(n, c)
			ev["coresPerReplica"], ev["nodesPerReplica"] = p.CoresPerReplica, p.NodesPerReplica
			ev["min"], ev["max"] = p.Min, p.Max
			ev["preventSinglePointFailure"], ev["includeUnschedulableNodes"] = p.PreventSinglePointFailure, p.IncludeUnschedulableNodes
		} else {
			p := params.Ladder
			n, c = counts.Pick(p.IncludeUnschedulableNodes)
			want = p.Replicas(n, c)
			// The ladder has no per-replica divisors: the catalog rule's are
			// not what it applies.
			delete(ev, "coresPerReplica")
			delete(ev, "nodesPerReplica")
			ev["includeUnschedulableNodes"] = p.IncludeUnschedulableNodes
		}
		ev["wanted"], ev["nodes"], ev["cores"] = want, n, c
		if want != current {
			return result.New(result.StatusInfo, ref, fmt.Sprintf(
				"The cluster-proportional-autoscaler %s would set %s to %d replicas for %d nodes and %s cores, but it has %d; check that the autoscaler is running and can scale it.",
				a.Name(), w.Name, want, n, formatCores(c), current), ev)
		}
		return result.New(result.StatusPass, ref, fmt.Sprintf(
			"%s is scaled by the cluster-proportional-autoscaler %s, which wants %d replicas for %d nodes and %s cores, as it has.",
			w.Name, a.Name(), want, n, formatCores(c)), ev)
	}
	if len(broken) > 0 {
		ev["brokenAutoscalers"] = broken
	}
	if current < wanted {
		msg := fmt.Sprintf("%s runs %d %s, below the %d wanted by the proportional rule %s, and no autoscaler targets it; deploy the cluster-proportional-autoscaler for it or scale it to %d.",
			w.Name, current, check.Plural(current, "replica", "replicas"), wanted, rule, wanted)
		if len(broken) > 0 {
			msg = fmt.Sprintf("%s runs %d %s, below the %d wanted by the proportional rule %s, and its cluster-proportional-autoscaler has invalid parameters (%s); fix them or scale it to %d.",
				w.Name, current, check.Plural(current, "replica", "replicas"), wanted, rule, broken[0], wanted)
		}
		return result.New(result.StatusWarn, ref, msg, ev)
	}
	if len(broken) > 0 {
		return result.New(result.StatusInfo, ref, fmt.Sprintf(
			"%s has %d replicas, enough for the proportional rule %s, but its cluster-proportional-autoscaler has invalid parameters (%s); fix them.",
			w.Name, current, rule, broken[0]), ev)
	}
	return result.New(result.StatusPass, ref, fmt.Sprintf(
		"%s runs %d replicas, at least the %d wanted by the proportional rule %s.", w.Name, current, wanted, rule), ev)
}

// statusKnown reports whether the input says how many of a workload's
// pods are ready; set is whether its status has any field set. A live read
// (or a snapshot file of one) always does. Manifests do only when they
// carry the status, as a kubectl get -o yaml dump does and rendered charts
// do not: a status with every field zero counts as absent.
func statusKnown(s *cluster.Snapshot, set bool) bool { return !s.FromManifests() || set }

// deploymentStatusSet reports whether any field of w's Deployment status
// is set.
func deploymentStatusSet(w *index.Workload) bool {
	st := &w.Deployment.Status
	return st.ObservedGeneration != 0 || st.Replicas != 0 || st.ReadyReplicas != 0 || st.UpdatedReplicas != 0 ||
		st.AvailableReplicas != 0 || st.UnavailableReplicas != 0 || len(st.Conditions) > 0
}
