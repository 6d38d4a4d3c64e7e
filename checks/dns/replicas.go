package dns

import (
	"fmt"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalDNS001 checks the ready and desired replicas of each DNS Deployment.
func evalDNS001(in *check.Input, o *Options) []result.Result {
	minReplicas := o.MinReplicas
	active, idle := in.Index.DNS()
	if len(active) == 0 {
		if in.Index.Platform().Name == cluster.PlatformOpenShift {
			return []result.Result{result.New(result.StatusNA, result.Cluster,
				"OpenShift runs cluster DNS as the operator-managed dns-default DaemonSet, not a kube-dns Deployment.", dnsEvidence())}
		}
		return []result.Result{result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
			"No Deployment labelled k8s-app=kube-dns exists in kube-system, so the cluster has no recognisable DNS; deploy CoreDNS with at least %d replicas.",
			minReplicas), dnsEvidence())}
	}
	var out []result.Result
	for _, w := range active {
		desired, ready := w.Replicas, int(w.Deployment.Status.ReadyReplicas)
		ev := result.Evidence{"deployment": w.Name, "desired": desired, "ready": ready, "minReplicas": minReplicas}
		var r result.Result
		switch {
		case ready < minReplicas:
			r = result.New(result.StatusFail, w.Ref(), fmt.Sprintf(
				"%s has %d ready of %d desired replicas, below the minimum of %d, so one pod or node failure can stop cluster DNS; scale it to at least %d and make its pods ready.",
				w.Name, ready, desired, minReplicas, minReplicas), ev)
		case desired < minReplicas:
			r = result.New(result.StatusFail, w.Ref(), fmt.Sprintf(
				"%s is set to %d replicas (%d ready during a rollout), below the minimum of %d; scale it to at least %d.",
				w.Name, desired, ready, minReplicas, minReplicas), ev)
		default:
			r = result.New(result.StatusPass, w.Ref(), fmt.Sprintf(
				"%s has %d of %d replicas ready (minimum %d).", w.Name, ready, desired, minReplicas), ev)
		}
		out = append(out, r)
	}
	for _, w := range idle {
		out = append(out, result.New(result.StatusNA, w.Ref(), fmt.Sprintf(
			"%s is scaled to 0; cluster DNS is served by %s.", w.Name, active[0].Name),
			result.Evidence{"deployment": w.Name, "desired": 0, "servedBy": active[0].Name}))
	}
	return out
}

// evalDNS002 compares each DNS Deployment's replicas with the proportional
// rule, or with what its autoscaler would set.
func evalDNS002(in *check.Input, o *Options) []result.Result {
	active, _ := in.Index.DNS()
	if len(active) == 0 {
		return []result.Result{noDNSResult(result.StatusNA)}
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
			"%s is scaled by HorizontalPodAutoscaler %s (now %d replicas; the proportional rule wants %d).",
			w.Name, hpas[0].Name, current, wanted), ev)
	}

	cpas, stopped := ix.ProportionalAutoscalers(w)
	if len(stopped) > 0 {
		ev["stoppedAutoscalers"] = stopped
	}
	var broken []string
	for _, a := range cpas {
		plan := planFor(ix, a)
		if plan.err != nil {
			broken = append(broken, fmt.Sprintf("%s: %s: %v", a.Name(), plan.source, plan.err))
			continue
		}
		ev["autoscaler"] = "cluster-proportional-autoscaler Deployment " + a.Name()
		ev["paramsSource"] = plan.source
		if plan.params == nil {
			return result.New(result.StatusPass, ref, fmt.Sprintf(
				"%s is scaled by the cluster-proportional-autoscaler %s (now %d replicas; the proportional rule wants %d).",
				w.Name, a.Name(), current, wanted), ev)
		}
		p := *plan.params
		counts := all
		if a.NodeLabels != "" {
			if sel, err := labels.Parse(a.NodeLabels); err == nil {
				counts = ix.CountNodes(sel)
				ev["nodeLabels"] = a.NodeLabels
			}
		}
		n, c := counts.Pick(p.IncludeUnschedulableNodes)
		want := p.replicas(n, c)
		ev["wanted"], ev["nodes"], ev["cores"] = want, n, c
		ev["coresPerReplica"], ev["nodesPerReplica"] = p.CoresPerReplica, p.NodesPerReplica
		ev["min"], ev["max"] = p.Min, p.Max
		ev["preventSinglePointFailure"], ev["includeUnschedulableNodes"] = p.PreventSinglePointFailure, p.IncludeUnschedulableNodes
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
		msg := fmt.Sprintf("%s runs %d replicas, below the %d wanted by the proportional rule %s, and no autoscaler targets it; deploy the cluster-proportional-autoscaler for it or scale it to %d.",
			w.Name, current, wanted, rule, wanted)
		if len(broken) > 0 {
			msg = fmt.Sprintf("%s runs %d replicas, below the %d wanted by the proportional rule %s, and its cluster-proportional-autoscaler has invalid linear parameters (%s); fix them or scale it to %d.",
				w.Name, current, wanted, rule, broken[0], wanted)
		}
		return result.New(result.StatusWarn, ref, msg, ev)
	}
	if len(broken) > 0 {
		return result.New(result.StatusInfo, ref, fmt.Sprintf(
			"%s has %d replicas, enough for the proportional rule %s, but its cluster-proportional-autoscaler has invalid linear parameters (%s); fix them.",
			w.Name, current, rule, broken[0]), ev)
	}
	return result.New(result.StatusPass, ref, fmt.Sprintf(
		"%s runs %d replicas, at least the %d wanted by the proportional rule %s.", w.Name, current, wanted, rule), ev)
}
