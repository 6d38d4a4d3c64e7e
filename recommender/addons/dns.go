package addons

import (
	"fmt"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// DefaultDNSParams are the kubernetes dns-horizontal-autoscaler's
// --default-params (kubernetes/kubernetes
// cluster/addons/dns-horizontal-autoscaler/dns-horizontal-autoscaler.yaml):
// {"linear":{"coresPerReplica":256,"nodesPerReplica":16,
// "preventSinglePointFailure":true,"includeUnschedulableNodes":true}}.
func DefaultDNSParams() index.LinearParams {
	return index.LinearParams{CoresPerReplica: 256, NodesPerReplica: 16, Min: 1,
		PreventSinglePointFailure: true, IncludeUnschedulableNodes: true}
}

// DNSReplicas recommends the replicas of each cluster DNS Deployment
// (index.DNS): what a cluster-proportional-autoscaler targeting it sets
// with its live parameters, else what the dns-horizontal-autoscaler's
// default parameters give. Without nodes it skips; with an HPA it skips,
// as the HPA decides.
func DNSReplicas(ix *index.Index) []recommender.ReplicaChange {
	active, _ := ix.DNS()
	_, nodesWhy, known := NodeCount(ix)
	all := ix.CountNodes(nil)
	def := DefaultDNSParams()
	var out []recommender.ReplicaChange
	for _, w := range active {
		rc := recommender.ReplicaChange{Workload: workloadOf(w), Current: w.Replicas, Recommended: w.Replicas}
		if hpas := ix.HPAsFor(w); len(hpas) > 0 {
			rc.Action, rc.Rule = recommender.ActionSkip, "HorizontalPodAutoscaler"
			rc.Reasons = []string{fmt.Sprintf("the HorizontalPodAutoscaler %s/%s scales %s", hpas[0].Namespace, hpas[0].Name, w.Name)}
			out = append(out, rc)
			continue
		}
		if !known {
			rc.Action, rc.Rule = recommender.ActionSkip, "cluster-proportional-autoscaler linear"
			rc.Reasons = []string{nodesWhy + ", so the proportional replica count cannot be computed"}
			out = append(out, rc)
			continue
		}
		n, c := all.Pick(def.IncludeUnschedulableNodes)
		want := def.Replicas(n, c)
		defRule := fmt.Sprintf("max(ceil(%s cores / 256), ceil(%d nodes / 16)), at least 2 on 2 or more nodes = %d", formatFloat(c), n, want)
		running, _ := ix.ProportionalAutoscalers(w)
		if len(running) == 0 {
			rc.Rule = "cluster-proportional-autoscaler linear (dns-horizontal-autoscaler defaults)"
			rc.Recommended = max(want, w.Replicas)
			rc.Reasons = []string{"dns-horizontal-autoscaler default params: " + defRule}
			if w.Replicas < want {
				rc.Action = recommender.ActionResize
				rc.Reasons = append(rc.Reasons, fmt.Sprintf("spec.replicas %d is below it and no autoscaler manages %s; better, deploy the cluster-proportional-autoscaler for it", w.Replicas, w.Name))
			} else {
				rc.Action = recommender.ActionKeep
				rc.Reasons = append(rc.Reasons, fmt.Sprintf("spec.replicas %d is not below it", w.Replicas))
			}
			out = append(out, rc)
			continue
		}
		a := running[0]
		p := ix.AutoscalerParams(a)
		managed := fmt.Sprintf("the cluster-proportional-autoscaler %s manages the replicas", a.Name())
		if !p.Known() {
			why := fmt.Sprintf("its parameters (%s) cannot be used: %v", p.Source, p.Err)
			if p.Err == nil {
				why = fmt.Sprintf("its parameters are not in the input (%s, and no usable --default-params)", p.Source)
			}
			rc.Action, rc.Rule = recommender.ActionSkip, "cluster-proportional-autoscaler"
			rc.Reasons = []string{managed, why}
			out = append(out, rc)
			continue
		}
		// The nodes it counts, in either mode: --nodelabels selects them.
		counted, _ := ix.AutoscalerNodes(a)
		var got int
		if p.Linear != nil {
			n, c := counted.Pick(p.Linear.IncludeUnschedulableNodes)
			got = p.Linear.Replicas(n, c)
			rc.Rule = "cluster-proportional-autoscaler linear (" + p.Source + ")"
			rc.Reasons = []string{managed, fmt.Sprintf("its linear params give max(ceil(%s cores / %s), ceil(%d nodes / %s)) clamped to min %d, max %d, preventSinglePointFailure %t = %d",
				formatFloat(c), formatFloat(p.Linear.CoresPerReplica), n, formatFloat(p.Linear.NodesPerReplica), p.Linear.Min, p.Linear.Max, p.Linear.PreventSinglePointFailure, got)}
		} else {
			n, c := counted.Pick(p.Ladder.IncludeUnschedulableNodes)
			got = p.Ladder.Replicas(n, c)
			rc.Rule = "cluster-proportional-autoscaler ladder (" + p.Source + ")"
			rc.Reasons = []string{managed, fmt.Sprintf("its ladder steps give %d for %d nodes and %s cores", got, n, formatFloat(c))}
		}
		rc.Recommended = got
		if got < want {
			rc.Action = recommender.ActionResize
			rc.Reasons = append(rc.Reasons, fmt.Sprintf("that is below the dns-horizontal-autoscaler default params (%s): raise its parameters", defRule))
		} else {
			rc.Action = recommender.ActionKeep
		}
		out = append(out, rc)
	}
	return out
}

func formatFloat(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%.3f", f), ".000") }

// CoreDNS memory guidance (coredns/deployment kubernetes/Scaling_CoreDNS.md,
// "Memory and Pods"), per CoreDNS instance, both with its default 30 MB
// cache and 5 MB operating buffer included:
//
//	default settings:  MB = (pods + services) / 1000 + 54
//	with autopath:     MB = (pods + services) / 250 + 56
//
// An earlier revision of that page gave (pods + services) × 0.000858 + 49.1
// (default) and × 0.0025 + 50.5 (autopath); the current one, implemented
// here, rounds the fit over the same e2e data points. MB is read as MiB
// (2^20 bytes), the larger reading.
const (
	dnsPerMB         = 1000.0
	dnsBaseMB        = 54.0
	dnsAutopathPerMB = 250.0
	dnsAutopathMB    = 56.0
	mib              = 1 << 20
)

// DNSMemoryMB is the guidance's memory for one CoreDNS instance, in MB, and
// the formula used.
func DNSMemoryMB(pods, services int, autopath bool) (float64, string) {
	objects := float64(pods + services)
	if autopath {
		return objects/dnsAutopathPerMB + dnsAutopathMB, "CoreDNS with autopath: (pods + services) / 250 + 56 MB"
	}
	return objects/dnsPerMB + dnsBaseMB, "CoreDNS default: (pods + services) / 1000 + 54 MB"
}

// corefileAutopath reports whether the Corefile in kube-system/coredns
// enables the autopath plugin, and whether the Corefile was in the input.
func corefileAutopath(ix *index.Index) (autopath, known bool) {
	cm, ok := ix.ConfigMap(index.DNSNamespace, "coredns")
	if !ok {
		return false, false
	}
	corefile, ok := cm.Data["Corefile"]
	if !ok {
		return false, false
	}
	for _, line := range strings.Split(corefile, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if f := strings.Fields(line); len(f) > 0 && f[0] == "autopath" {
			return true, true
		}
	}
	return false, true
}

// DNSMemory recommends the memory of each CoreDNS container of the cluster
// DNS Deployments by CoreDNS's guidance, from the snapshot's pods and
// services. It skips when the input cannot count them (manifests without
// pods, pods or services unreadable). The request becomes the estimate;
// a memory limit below it is raised to it, keeping the limit/request ratio
// when both were set; cpu is left as it is.
func DNSMemory(ix *index.Index) []recommender.Container {
	active, _ := ix.DNS()
	s := ix.Snapshot()
	autopath, corefileKnown := corefileAutopath(ix)
	var out []recommender.Container
	for _, w := range active {
		cs := w.Template.Spec.Containers
		for i := range cs {
			c := &cs[i]
			if c.Name != "coredns" && imageName(c.Image) != "coredns" {
				continue
			}
			rec := recommender.Container{Workload: workloadOf(w), Container: c.Name, Current: Current(c)}
			rec.Recommended = rec.Current
			if why, ok := objectCountsKnown(s); !ok {
				rec.Action = recommender.ActionSkip
				rec.Reasons = []string{why + ", so CoreDNS's memory guidance ((pods + services) / 1000 + 54 MB) cannot be applied; counting from zero would understate it"}
				out = append(out, rec)
				continue
			}
			mb, formula := DNSMemoryMB(len(s.Pods), len(s.Services), autopath)
			want := ceil(mb * mib)
			reason := fmt.Sprintf("%s = (%d + %d) → %s MB per replica (coredns/deployment Scaling_CoreDNS.md)", formula, len(s.Pods), len(s.Services), formatFloat(mb))
			if !corefileKnown {
				reason += "; the Corefile (ConfigMap kube-system/coredns) is not in the input, so autopath is assumed off"
			}
			rec.Reasons = []string{reason}
			cur := rec.Current
			rec.Recommended.Requests.MemoryBytes = want
			if cur.Limits.MemoryBytes != 0 && cur.Limits.MemoryBytes < want {
				limit := want
				if cur.Requests.MemoryBytes > 0 && cur.Limits.MemoryBytes > cur.Requests.MemoryBytes {
					limit = ceil(float64(want) * float64(cur.Limits.MemoryBytes) / float64(cur.Requests.MemoryBytes))
				}
				rec.Recommended.Limits.MemoryBytes = limit
			}
			switch {
			case cur.Requests.MemoryBytes < want || (cur.Limits.MemoryBytes != 0 && cur.Limits.MemoryBytes < want):
				rec.Action = recommender.ActionResize
				rec.Reasons = append(rec.Reasons, fmt.Sprintf("the memory request %s (limit %s) is below it", FormatBytes(cur.Requests.MemoryBytes), FormatBytes(cur.Limits.MemoryBytes)))
			default:
				rec.Action = recommender.ActionKeep
				rec.Recommended.Requests.MemoryBytes = cur.Requests.MemoryBytes
				rec.Reasons = append(rec.Reasons, "the memory request is not below it; the guidance is a floor, headroom above it is kept")
			}
			out = append(out, rec)
		}
	}
	return out
}

// objectCountsKnown reports whether the snapshot's pods and services are
// the cluster's: not when either is a gap, nor on manifests that hold no
// pods (a bundle, not a cluster dump).
func objectCountsKnown(s *cluster.Snapshot) (string, bool) {
	for _, k := range []cluster.Kind{cluster.KindPods, cluster.KindServices} {
		if g, ok := s.GapFor(k); ok {
			return fmt.Sprintf("%s could not be read (%s)", k, g.Message), false
		}
	}
	if s.FromManifests() && len(s.Pods) == 0 {
		return "the input is manifests without pods", false
	}
	return "", true
}

// NodeLocalDNS returns a skip for each container of the NodeLocal DNSCache
// DaemonSets (named node-local-dns, or labelled k8s-app or
// app.kubernetes.io/name node-local-dns): there is no sizing rule for it;
// its memory follows its cache and query load, which only usage history
// shows, so the recommender's estimator sizes it.
func NodeLocalDNS(ix *index.Index) []recommender.Container {
	var out []recommender.Container
	for _, w := range ix.Workloads() {
		if w.Kind != index.KindDaemonSet {
			continue
		}
		if w.Name != "node-local-dns" && w.Labels["k8s-app"] != "node-local-dns" && w.Labels["app.kubernetes.io/name"] != "node-local-dns" {
			continue
		}
		cs := w.Template.Spec.Containers
		for i := range cs {
			out = append(out, recommender.Container{Workload: workloadOf(w), Container: cs[i].Name,
				Current: Current(&cs[i]), Recommended: Current(&cs[i]), Action: recommender.ActionSkip,
				Reasons: []string{"NodeLocal DNSCache has no cluster-size rule: its memory comes from usage history (the recommender's estimator), not from this sizing"}})
		}
	}
	return out
}
