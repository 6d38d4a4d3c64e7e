package workload

import (
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the WL checks.
const Category = "Workloads"

// Options are the WL checks' settings.
type Options struct {
	// SystemNamespaces are never treated as user namespaces.
	SystemNamespaces []string `json:"systemNamespaces"`
	// ExcludeNamespaces are further namespaces the WL checks ignore.
	ExcludeNamespaces []string `json:"excludeNamespaces"`
	// ExemptInfrastructure, when set (the default), leaves out the
	// namespaces that run node-level infrastructure
	// (index.InfrastructureNamespaces).
	ExemptInfrastructure bool `json:"exemptInfrastructure"`
}

// DefaultOptions returns the defaults: kube-system, kube-public and
// kube-node-lease are system namespaces, and infrastructure namespaces are
// left out.
func DefaultOptions() Options {
	return Options{
		SystemNamespaces:     []string{"kube-system", "kube-public", "kube-node-lease"},
		ExemptInfrastructure: true,
	}
}

// Checks returns the WL checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, wl001, wl002, wl003, wl004, wl005)
}

const scopeRule = "Deployments and StatefulSets in user namespaces (not SystemNamespaces, ExcludeNamespaces, namespaces being deleted, " +
	"nor, with ExemptInfrastructure, namespaces running node-level infrastructure). "

var wl001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-001",
		Title:    "Workloads run more than one replica",
		Category: Category,
		Rule: scopeRule +
			"The replica floor is the minReplicas (default 1) of the HorizontalPodAutoscaler naming the workload (the first by name), else spec.replicas (default 1). " +
			"Warn when the floor is 1; info instead when no HPA names it and a container's command or args turn leader election on " +
			"(a flag named leader-elect* or enable-leader-elect*, e.g. --leader-elect or --leader-election-namespace=NS, whose value is not false): a singleton by design. " +
			"Workloads scaled to 0 are not judged. Pass once for the input when none is found; na when there is no workload to judge.",
		Rationale: "A single replica goes down with its node: every drain, upgrade, eviction or rollout is an outage " +
			"until a replacement is scheduled and ready.",
		Remediation: "Run at least 2 replicas (spec.replicas, or the HPA's minReplicas), with a PodDisruptionBudget of maxUnavailable: 1 " +
			"and a spread across nodes.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindHPAs},
	Eval:  evalWL001,
}

var wl002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-002",
		Title:    "Replicated workloads have a PodDisruptionBudget",
		Category: Category,
		Rule: scopeRule +
			"A workload is replicated when its replica floor (as WL-001) is 2 or more. Warn when no PDB in its namespace selects its pod template's labels " +
			"(a null selector selects nothing, an empty one everything). " +
			"On manifests holding no PDB at all the check skips: the cluster's PDBs are outside the input. " +
			"Pass once for the input when every replicated workload has one; na when none is replicated.",
		Rationale: "Without a PodDisruptionBudget a node drain or cluster upgrade may evict every replica at once, " +
			"which is the outage the replicas were meant to prevent.",
		Remediation: "Create a PodDisruptionBudget selecting the workload's pods with maxUnavailable: 1 (or a percentage for large workloads).",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindHPAs, cluster.KindPDBs},
	Eval:  evalWL002,
}

var wl003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-003",
		Title:    "PodDisruptionBudgets allow drains",
		Category: Category,
		Rule: "Each PDB in a user namespace (as WL-001) is matched against the pod template labels of the Deployments and StatefulSets of its namespace. " +
			"Warn when it selects pods of more than one workload (their pods share one budget); " +
			"when a workload it selects is selected by another PDB too (the eviction API refuses to evict a pod covered by more than one, so drains block); " +
			"when, for the one workload it selects, the disruption controller's arithmetic at spec.replicas with every pod healthy allows no disruption " +
			"(percentages round up; desiredHealthy = replicas - maxUnavailable, or minAvailable; allowed = replicas - desiredHealthy <= 0: " +
			"minAvailable >= replicas or 100%, maxUnavailable 0 or 0%), or a value is invalid. " +
			"Workloads scaled to 0 and PDBs selecting no workload (WL-005) are not judged. Pass once for the input when none blocks; na when no PDB selects a workload.",
		Rationale: "A PodDisruptionBudget that allows no disruption blocks every node drain and cluster upgrade on the nodes running those pods; " +
			"teams then drain by force, bypassing every budget in the cluster.",
		Remediation: "Give each workload exactly one PDB of its own (a selector matching only its pods) that allows at least one disruption, " +
			"e.g. maxUnavailable: 1, and run enough replicas for its minAvailable.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindPDBs},
	Eval:  evalWL003,
}

var wl004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-004",
		Title:    "Autoscaled workloads can still be drained at their minimum",
		Category: Category,
		Rule: scopeRule +
			"For each workload an HPA names (the first by name), each PDB selecting its pod template is evaluated at the HPA's minReplicas (default 1) " +
			"with the disruption controller's arithmetic (as WL-003). Warn when it allows no disruption there while it allows one at spec.replicas " +
			"(the case WL-003 does not report): e.g. minReplicas 1 with minAvailable 1. " +
			"Pass once for the input when none does; na when no autoscaled workload has a PDB.",
		Rationale: "When load is low the HPA scales the workload down to minReplicas, and a PDB that then allows no disruption " +
			"blocks node drains and scale-down of the nodes its pods run on, at exactly the quiet hours maintenance is planned for.",
		Remediation: "Raise the HPA's minReplicas above the PDB's minAvailable, or express the PDB as maxUnavailable: 1.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindHPAs, cluster.KindPDBs},
	Eval:  evalWL004,
}

var wl005 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-005",
		Title:    "PodDisruptionBudgets select pods",
		Category: Category,
		Rule: "Each PDB in a user namespace (as WL-001): warn when its selector matches the pod template labels of no Deployment, StatefulSet or DaemonSet " +
			"of its namespace and the labels of no pod there (a null or invalid selector selects nothing). " +
			"On manifests, a PDB in a namespace where the input holds no workload or pod is skip: its pods are outside the input. " +
			"Pass once for the input when every PDB selects something; na when there is no PDB.",
		Rationale: "A PodDisruptionBudget that selects nothing protects nothing: it usually means a selector that drifted from the pod labels, " +
			"and the workload it was written for can be evicted all at once.",
		Remediation: "Fix the PDB's selector to match the labels of the pods it is meant to guard (kubectl get pods -l SELECTOR shows what it selects), or delete it.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindPods, cluster.KindPDBs},
	Eval:  evalWL005,
}
