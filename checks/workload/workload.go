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
	// LatestPullFleet is the replica floor (for a DaemonSet, the nodes it
	// runs on) from which WL-014 warns about a :latest or untagged image
	// pulled with imagePullPolicy Always. Default 20: each pod start pulls
	// from the registry, so a rollout or a node failure of 20 pods is 20
	// pulls within minutes, often from one NAT address, where registries
	// rate-limit anonymous pulls per address (Docker Hub's anonymous limit
	// is counted per source IP over hours); below that a burst stays small.
	LatestPullFleet int `json:"latestPullFleet"`
}

// DefaultOptions returns the defaults: kube-system, kube-public and
// kube-node-lease are system namespaces, and infrastructure namespaces are
// left out; WL-014 warns from fleets of 20 pods.
func DefaultOptions() Options {
	return Options{
		SystemNamespaces:     []string{"kube-system", "kube-public", "kube-node-lease"},
		ExemptInfrastructure: true,
		LatestPullFleet:      20,
	}
}

// Checks returns the WL checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, wl001, wl002, wl003, wl004, wl005, wl006, wl007, wl008, wl009, wl010, wl011, wl012, wl013, wl014)
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
			"(a flag named leader-elect* or enable-leader-elect*, in kebab, snake or camel case, e.g. --leader-elect, --leader-election-namespace=NS or --leaderElectionRetryPeriod=2s, whose value is not false), " +
			"or its image is a program that runs one replica by design without an election (external-dns, prometheus-operator, the descheduler, the cluster-proportional-autoscaler): a singleton by design. " +
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

var wl006 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-006",
		Title:    "Hard topology spreads use topologies the nodes have",
		Category: Category,
		Rule: scopeRule +
			"For each topologySpreadConstraint of the pod template with whenUnsatisfiable: DoNotSchedule, the domains are the distinct values of its topologyKey " +
			"over the schedulable (not cordoned) nodes; the pod's own node selector and affinity are not applied. " +
			"Warn when no schedulable node carries the key, or when minDomains is set above the domains. " +
			"Skip without Node objects (manifests, or nodes unreadable). Pass once when none is found; na when no template has such a constraint.",
		Rationale: "The scheduler counts a node without the topology key as outside every domain: with DoNotSchedule and no node carrying the key, " +
			"or fewer domains than minDomains, new pods stay Pending and a rollout or a rescheduled pod never comes up.",
		Remediation: "Spread over a label the nodes carry (kubernetes.io/hostname, topology.kubernetes.io/zone), lower minDomains, " +
			"or use whenUnsatisfiable: ScheduleAnyway.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments, cluster.KindStatefulSets},
	Eval:  evalWL006,
}

var wl007 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-007",
		Title:    "Replicas run on more than one node and zone",
		Category: Category,
		Rule: scopeRule +
			"Over the running, scheduled, not terminating pods each workload with spec.replicas >= 2 controls (through owner references, a Deployment's through its ReplicaSets), " +
			"when there are at least 2: warn when all run on one node while the cluster has 2 or more schedulable nodes; " +
			"else warn when all run in one zone (topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone) while schedulable nodes span 2 or more zones. " +
			"Placement is read from the pods (spec.nodeName), never from the template. " +
			"Skip without Node objects. Pass once when none is found; na when no replicated workload has 2 running pods in the input.",
		Rationale: "Replicas exist to survive a failure; packed on one node or in one zone they fail together.",
		Remediation: "Add topologySpreadConstraints (or pod anti-affinity) on kubernetes.io/hostname and topology.kubernetes.io/zone, " +
			"then restart the workload (kubectl rollout restart) so its pods are rescheduled.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindPods, cluster.KindDeployments, cluster.KindStatefulSets},
	Eval:  evalWL007,
}

var wl008 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-008",
		Title:    "Replicated workloads ask to be spread",
		Category: Category,
		Rule: scopeRule +
			"For each workload whose replicas (the larger of spec.replicas and the replica floor of WL-001) are 2 or more: " +
			"warn when its pod template has no topologySpreadConstraints and no pod anti-affinity term (required or preferred). " +
			"Pass once when every one has; na when none is replicated.",
		Rationale: "Without a spread the scheduler's default spreading is only a preference, weighed against every other score: " +
			"replicas can land on one node or zone, where the next failure takes them all.",
		Remediation: "Add topologySpreadConstraints on kubernetes.io/hostname and topology.kubernetes.io/zone " +
			"(maxSkew: 1, whenUnsatisfiable: ScheduleAnyway where the nodes may not allow it), or preferred pod anti-affinity on the hostname.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindHPAs},
	Eval:  evalWL008,
}

var wl009 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-009",
		Title:    "Service-backed containers have readiness probes",
		Category: Category,
		Rule: "A Deployment, StatefulSet or DaemonSet in a user namespace (as WL-001) is Service-backed when a Service of its namespace " +
			"(not ExternalName, with a non-empty spec.selector, and not scrape-only: a Service whose every port is named for metrics, its name holding metrics, prometheus or monitor, serves a scraper, not clients) selects its pod template's labels. " +
			"Warn for each such workload with a container (spec.containers) lacking a readinessProbe, naming the containers and the first Service by name order in the input. " +
			"Pass once when none lacks one; na when no Service selects a workload.",
		Rationale: "Without a readiness probe a pod is added to the Service's endpoints as soon as its containers start, " +
			"and stays there while it cannot serve, so clients get errors on every rollout and every hang.",
		Remediation: "Add a readinessProbe (an HTTP endpoint that reports whether the container can serve now) to every container behind a Service.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindServices},
	Eval:  evalWL009,
}

var wl010 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-010",
		Title:    "Liveness probes differ from readiness probes",
		Category: Category,
		Rule: "For each container (spec.containers) of the Deployments, StatefulSets and DaemonSets of user namespaces (as WL-001) with both probes: " +
			"warn when the livenessProbe equals the readinessProbe in every field (handler, delays, period, timeout and thresholds). " +
			"Pass once when none does; na when no container has both.",
		Rationale: "A readiness failure takes a pod out of rotation; a liveness failure restarts it. With one probe for both, " +
			"a pod that is only slow under load is restarted, and the load moves to the others, which then fail the same way.",
		Remediation: "Make the liveness probe check only that the process is alive (a cheap endpoint), with a higher failureThreshold than readiness.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets},
	Eval:  evalWL010,
}

var wl011 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-011",
		Title:    "Pods run under a controller",
		Category: Category,
		Rule: "Warn for each pod of a user namespace (as WL-001) with no ownerReferences that is not finished (Succeeded, Failed) " +
			"and not a static pod's mirror (annotation kubernetes.io/config.mirror) or a chart's hook pod (annotation helm.sh/hook, e.g. helm test). Pass once when there is none; na when there is no pod.",
		Rationale:   "Nothing recreates a pod without a controller: a node drain, failure or upgrade deletes it for good.",
		Remediation: "Run the pod from a Deployment (or a StatefulSet, or a Job for work that finishes).",
	},
	Needs: []cluster.Kind{cluster.KindPods},
	Eval:  evalWL011,
}

var wl012 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-012",
		Title:    "Images use a fixed tag",
		Category: Category,
		Rule: "Over the pod templates of user namespaces (as WL-001): Deployments, StatefulSets, DaemonSets, CronJobs and pods without an owner; " +
			"containers and init containers. Warn for each template with an image whose tag is latest or missing " +
			"(the tag is what follows the last colon after the last slash), unless the image is pinned by digest (@sha256:...). " +
			"Pass once when none does; na when there is no pod template.",
		Rationale: "A floating tag resolves when each pod starts: replicas of one workload run different code, " +
			"a rollback cannot return to the image that worked, and nothing records what ran.",
		Remediation: "Pin every image to a version tag or, better, a digest, and roll out new versions by changing it.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindCronJobs, cluster.KindPods},
	Eval:  evalWL012,
}

var wl013 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-013",
		Title:    "Rollouts keep replicas up",
		Category: Category,
		Rule: scopeRule +
			"Warn for a Deployment with strategy Recreate that a Service selects (as WL-009); " +
			"and for a workload of 2 or more replicas whose rolling update maxUnavailable (a Deployment's default 25%; a StatefulSet's only when set), " +
			"rounded down as the controllers do, is at least spec.replicas (e.g. 100%). " +
			"Pass once when none does; na when there is no workload with replicas.",
		Rationale: "A rollout that may stop every pod at once is a planned outage on each release, and an unplanned one when the new version does not start.",
		Remediation: "Use RollingUpdate with maxUnavailable below the replicas (25% or 1) and a maxSurge; for a Recreate Deployment that cannot run two versions at once, " +
			"say so with an exemption.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindServices},
	Eval:  evalWL013,
}

var wl014 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "WL-014",
		Title:    "Large fleets do not pull a floating image on every start",
		Category: Category,
		Rule: "Deployments, StatefulSets and DaemonSets in user namespaces (as WL-001), containers and init containers: " +
			"an image whose tag is latest or missing (as WL-012; not pinned by digest) with imagePullPolicy Always, " +
			"or with none, which the API server defaults to Always for such images. " +
			"Warn when the workload's fleet is LatestPullFleet (default 20) or more: the replica floor of a Deployment or StatefulSet " +
			"(its HorizontalPodAutoscaler's minReplicas, else spec.replicas), the status.desiredNumberScheduled of a DaemonSet, " +
			"else on manifests the schedulable nodes its nodeSelector matches. " +
			"A DaemonSet on input without Node objects and without status skips (its fleet is not known). " +
			"WL-012 warns about the floating tag on any workload; WL-014 adds the fleet-wide registry load. " +
			"Pass once when none does; na when there is no workload in a user namespace.",
		Rationale: "With Always the kubelet asks the registry on every pod start. A rollout, or the reschedule of a failed node's pods, " +
			"then makes one pull per pod within minutes, often from a few NAT addresses; registries rate-limit pulls per address " +
			"(Docker Hub counts anonymous pulls per source IP), and the pods past the limit wait in ImagePullBackOff.",
		Remediation: "Pin the image to a version tag or digest and let imagePullPolicy default to IfNotPresent; " +
			"pull through an authenticated mirror or registry cache for large fleets.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindHPAs},
	Eval:  evalWL014,
}
