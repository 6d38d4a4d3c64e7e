package scale

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Annotations the node autoscalers read on pods.
const (
	annoSafeToEvict             = "cluster-autoscaler.kubernetes.io/safe-to-evict"
	annoSafeToEvictLocalVolumes = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes"
	annoDoNotDisrupt            = "karpenter.sh/do-not-disrupt"
)

var scale003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "SCALE-003",
		Title:    "Pods do not pin nodes against scale-down",
		Category: Category,
		Rule: "Only when a node autoscaler runs (as in SCALE-001); otherwise na. " +
			"Over Deployments and StatefulSets with replicas (DaemonSet and mirror pods never block a node's removal; " +
			"the autoscaler's own Deployment is left out, since installs commonly mark it safe-to-evict \"false\" (as the EKS setup guide does) so that it is not evicted mid-decision, which pins its node by design), a workload blocks the scale-down of every node " +
			"holding one of its pods when, with cluster-autoscaler running: its pod template is annotated " + annoSafeToEvict + `: "false"; ` +
			"a PodDisruptionBudget selecting its pods allows no disruption at its replicas (the disruption controller's arithmetic, as WL-003, which flags the PDB itself); " +
			"it is in kube-system and no PDB selects it (--skip-nodes-with-system-pods, default true); " +
			"or it has a local volume (hostPath, or emptyDir not of medium Memory) not listed in " + annoSafeToEvictLocalVolumes +
			" (--skip-nodes-with-local-storage, default true). " + annoSafeToEvict + `: "true" lifts the last two. ` +
			"With Karpenter running: the template annotation " + annoDoNotDisrupt + `: "true", or a PDB allowing no disruption. ` +
			"Each blocking workload warns, naming the nodes its pods sit on (spec.nodeName of its unfinished pods). " +
			"A cluster-wide result gives the fraction of nodes pinned: pass when none, warn above MaxPinnedRatio (default 0.25), info otherwise. " +
			"Pods the autoscaler cannot place elsewhere (affinity, resources) also block it; they are not judged here.",
		Rationale: "A node autoscaler removes an underused node only if every pod on it can move. One pod that may not be evicted keeps " +
			"its node forever: the cluster never shrinks after a peak, and node upgrades that drain nodes stall on the same pods.",
		Remediation: "Give kube-system workloads a PodDisruptionBudget with maxUnavailable: 1; let PDBs allow at least one disruption; " +
			`drop safe-to-evict: "false" and do-not-disrupt from workloads that can restart elsewhere; move scratch data to emptyDir medium Memory or ` +
			"a PersistentVolumeClaim, or list the volumes in " + annoSafeToEvictLocalVolumes + ".",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindPods, cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindPDBs},
	Eval:  evalSCALE003,
}

// blockers returns why w's pods may not be moved by the running
// autoscalers, in a fixed order.
func blockers(ix *index.Index, w *index.Workload, ca, karpenter bool) []string {
	anno := w.Template.Annotations
	var out []string
	if ca && anno[annoSafeToEvict] == "false" {
		out = append(out, `its pods are annotated `+annoSafeToEvict+`: "false"`)
	}
	if karpenter && anno[annoDoNotDisrupt] == "true" {
		out = append(out, `its pods are annotated `+annoDoNotDisrupt+`: "true"`)
	}
	pdbs := ix.PDBsFor(w)
	for _, b := range pdbs {
		if b.Err != nil || b.Allowed <= 0 {
			out = append(out, fmt.Sprintf("PodDisruptionBudget %s (%s) allows no disruption at %d %s",
				b.PDB.Name, b.Setting, w.Replicas, check.Plural(w.Replicas, "replica", "replicas")))
		}
	}
	if !ca || anno[annoSafeToEvict] == "true" {
		return out
	}
	if w.Namespace == index.KubeSystem && len(pdbs) == 0 {
		out = append(out, "it runs in kube-system without a PodDisruptionBudget")
	}
	if vols := localVolumes(w.Template.Spec.Volumes, anno[annoSafeToEvictLocalVolumes]); len(vols) > 0 {
		out = append(out, "it has local storage ("+strings.Join(vols, ", ")+")")
	}
	return out
}

// localVolumes lists the volumes cluster-autoscaler counts as local
// storage (hostPath, emptyDir not in memory) that allowed does not list.
func localVolumes(vols []corev1.Volume, allowed string) []string {
	ok := strings.Split(allowed, ",")
	for i := range ok {
		ok[i] = strings.TrimSpace(ok[i])
	}
	var out []string
	for _, v := range vols {
		switch {
		case slices.Contains(ok, v.Name):
		case v.HostPath != nil:
			out = append(out, "hostPath "+v.Name)
		case v.EmptyDir != nil && v.EmptyDir.Medium != corev1.StorageMediumMemory:
			out = append(out, "emptyDir "+v.Name)
		}
	}
	return out
}

func evalSCALE003(in *check.Input, o *Options) []result.Result {
	up, _ := running(in.Index)
	var ca, karpenter bool
	for _, a := range up {
		ca = ca || a.Kind == index.AutoscalerCA
		karpenter = karpenter || a.Kind == index.AutoscalerKarpenter
	}
	if !ca && !karpenter {
		return []result.Result{result.New(result.StatusNA, result.Cluster,
			"No cluster-autoscaler or Karpenter Deployment runs, so nothing removes nodes on its own (SCALE-001 judges that); "+
				"a managed autoscaler outside the cluster, such as GKE's or AKS's, applies cluster-autoscaler's rules to the same pods.", nil)}
	}
	who := strings.Join(describeAutoscalers(up), ", ")
	nodes := len(in.Snapshot.Nodes)
	own := map[*index.Workload]bool{}
	for _, a := range in.Index.NodeAutoscalers() {
		own[a.Workload] = true
	}
	pinned := map[string]bool{}
	var out []result.Result
	for _, w := range in.Index.Workloads() {
		if w.Kind == index.KindDaemonSet || w.Replicas == 0 || own[w] {
			continue
		}
		why := blockers(in.Index, w, ca, karpenter)
		if len(why) == 0 {
			continue
		}
		var on []string
		seen := map[string]bool{}
		for _, p := range in.Index.PodsOwnedBy(w) {
			if n := p.Spec.NodeName; n != "" && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && !seen[n] {
				seen[n] = true
				on = append(on, n)
			}
		}
		slices.Sort(on)
		for _, n := range on {
			pinned[n] = true
		}
		where := fmt.Sprintf("pins %d of %d %s (%s)", len(on), nodes, check.Plural(nodes, "node", "nodes"), nameList(on))
		if len(on) == 0 {
			where = "pins every node its pods run on (the input shows none of its pods)"
		}
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"%s %s/%s %s against scale-down: %s never removes a node holding its pods, because %s.",
			w.Kind, w.Namespace, w.Name, where, who, strings.Join(why, "; ")),
			result.Evidence{"scaleDownBlockers": why, "pinnedNodes": len(on), "pinnedNodeNames": firstNames(on)}))
	}
	ratio := 0.0
	if nodes > 0 {
		ratio = float64(len(pinned)) / float64(nodes)
	}
	names := check.SortedKeys(pinned)
	ev := result.Evidence{"pinnedNodes": len(pinned), "pinnedNodeNames": firstNames(names), "allNodes": nodes, "pinnedPercent": round1(100 * ratio), "maxPinnedRatio": o.MaxPinnedRatio}
	switch {
	case len(out) == 0:
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"No Deployment or StatefulSet carries what stops %s from removing a node.", who), ev))
	case ratio > o.MaxPinnedRatio:
		out = append(out, result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
			"%d of %d nodes (%s%%) hold a pod that blocks their scale-down, more than %s%%: %s. The cluster cannot shrink below them after a peak.",
			len(pinned), nodes, fmtNum(100*ratio), fmtNum(100*o.MaxPinnedRatio), nameList(names)), ev))
	default:
		out = append(out, result.New(result.StatusInfo, result.Cluster, fmt.Sprintf(
			"%d of %d nodes (%s%%) %s a pod that blocks %s scale-down: %s.",
			len(pinned), nodes, fmtNum(100*ratio), check.Plural(len(pinned), "holds", "hold"), check.Plural(len(pinned), "its", "their"), nameList(names)), ev))
	}
	return out
}

// maxNamed is how many names a message or evidence list gives.
const maxNamed = 5

// nameList joins up to maxNamed names, then says how many more there are.
func nameList(names []string) string { return check.NameList(names, maxNamed) }

// firstNames is the evidence form of a name list: at most maxNamed names.
func firstNames(names []string) []string { return check.FirstNames(names, maxNamed) }

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func fmtNum(x float64) string { return strconv.FormatFloat(round1(x), 'f', -1, 64) }
