package addon

import (
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the ADDON checks.
const Category = "Add-ons"

// Options are the ADDON checks' settings.
type Options struct {
	// Namespaces are the add-on namespaces the checks judge.
	Namespaces []string `json:"namespaces"`
	// IncludeInfrastructure, when set (the default), also judges the
	// namespaces that run node-level infrastructure
	// (index.InfrastructureNamespaces: calico-system, kube-flannel, ...),
	// which the WL checks leave out.
	IncludeInfrastructure bool `json:"includeInfrastructure"`
	// RestartStorm is the restart count from which a container whose last
	// termination is within RestartWindow is in a restart storm
	// (ADDON-003).
	RestartStorm int `json:"restartStorm"`
	// RestartWindow is how far before the snapshot time a last termination
	// counts (ADDON-003).
	RestartWindow time.Duration `json:"restartWindow"`
}

// DefaultOptions returns the defaults: kube-system and the infrastructure
// namespaces are judged; 5 restarts with the last termination in the last
// 24 hours are a storm.
func DefaultOptions() Options {
	return Options{
		Namespaces:            []string{"kube-system"},
		IncludeInfrastructure: true,
		RestartStorm:          5,
		RestartWindow:         24 * time.Hour,
	}
}

// Checks returns the ADDON checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, addon001, addon002, addon003, addon004)
}

const scopeRule = "Workloads in the add-on namespaces (Namespaces, default kube-system, and with IncludeInfrastructure the namespaces running node-level infrastructure; " +
	"not namespaces being deleted), recognised by what they are: a container image (its repository path's end, without registry, tag or digest), " +
	"else a k8s-app, app.kubernetes.io/name or app label of the workload or its pod template. "

var addon001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADDON-001",
		Title:    "Outage-critical add-ons survive a node drain",
		Category: Category,
		Rule: scopeRule +
			"Judged: the Deployments and StatefulSets (not scaled to 0) of metrics-server (image metrics-server; its outage stops every HPA) " +
			"and of ingress controllers (images ingress-nginx/controller, nginx-ingress-controller, traefik, haproxy-ingress, haproxytech/kubernetes-ingress, " +
			"kong/kubernetes-ingress-controller; labels ingress-nginx, traefik, haproxy-ingress; their outage stops traffic), whether or not they elect a leader " +
			"(an ingress controller's election only picks the replica that writes Ingress status; every replica serves). " +
			"Not judged, as singletons by design that elect a leader or do no harm while rescheduled: cluster-autoscaler, the DNS autoscaler " +
			"(cluster-proportional-autoscaler), kube-state-metrics, operators and every add-on not in the list; CoreDNS is the DNS checks', " +
			"admission webhook backends ADM-001's. " +
			"Warn when a PodDisruptionBudget selecting it allows no disruption at spec.replicas (the disruption controller's arithmetic, as WL-003) or is invalid; " +
			"else when its replica floor (the minReplicas of an HPA naming it, else spec.replicas) is 1, saying whether a PDB selects it; " +
			"on manifests holding no PDB at all the warning says the PDB part is not known. " +
			"Pass once when every judged add-on has 2 or more replicas and no blocking PDB; na when the input has none.",
		Rationale: "While metrics-server is down every HorizontalPodAutoscaler stops scaling; while the ingress controller is down traffic to every Ingress stops. " +
			"A single replica makes each node drain, upgrade or eviction such an outage, and a PDB allowing no disruption blocks the drain instead.",
		Remediation: "Run 2 or more replicas spread over nodes, with one PodDisruptionBudget of maxUnavailable: 1.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindHPAs, cluster.KindPDBs},
	Eval:  evalADDON001,
}

var addon002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADDON-002",
		Title:    "Cluster-critical add-ons run at a system priority",
		Category: Category,
		Rule: scopeRule +
			"The cluster-critical add-ons are CoreDNS (image coredns, label kube-dns), metrics-server, the ingress controllers of ADDON-001, " +
			"kube-proxy and the CNI agents (DaemonSets only: images kube-proxy, calico/node, cilium/cilium, flannel, weave-kube, kindnetd, amazon-k8s-cni, azure-cns, azure-cni), " +
			"CSI node plugins (a DaemonSet with a csi-node-driver-registrar or node-driver-registrar container), CSI controllers (a Deployment or StatefulSet with a csi-provisioner or csi-attacher container) and cluster-autoscaler, " +
			"as Deployments, StatefulSets or DaemonSets. Warn for each whose pod template's priorityClassName is neither system-cluster-critical nor system-node-critical. " +
			"Pass once when all are; na when the input has none.",
		Rationale: "Under node pressure the kubelet evicts pods of lower priority first, and the scheduler preempts them to place pods of higher priority: " +
			"an add-on at the default priority goes before the workloads that need it.",
		Remediation: "Set priorityClassName: system-node-critical on node agents (kube-proxy, the CNI, CSI node plugins) and system-cluster-critical on the others.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets},
	Eval:  evalADDON002,
}

var addon003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADDON-003",
		Title:    "Add-ons are not crash-looping or OOM-killed",
		Category: Category,
		Rule: scopeRule +
			"Over every recognised add-on of ADDON-001 and ADDON-002, cluster-autoscaler, the DNS autoscaler and kube-state-metrics, " +
			"the container statuses (containers and init containers) of the pods it controls: warn when a container's last termination " +
			"(lastState.terminated) finished within RestartWindow (default 24h) before the snapshot time and its reason is OOMKilled, " +
			"or its restartCount is RestartStorm (default 5) or more (restartCount counts since the pod started; the recent termination says the storm is current). " +
			"Skip on input without pods; na when no add-on pod is in the input; pass once otherwise.",
		Rationale: "An add-on killed for memory or restarting again and again is down between restarts, and comes back into the same limit; " +
			"its limits are usually upstream defaults sized for a small cluster.",
		Remediation: "Size the add-on's requests and limits with seaworthy recommend (from its usage, or the addon-resizer rule for the node count), " +
			"and read the container's previous logs (kubectl logs --previous) for why it exits.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindPods},
	Eval:  evalADDON003,
}

var addon004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADDON-004",
		Title:    "Cluster-critical add-ons set requests and a memory limit",
		Category: Category,
		Rule: scopeRule +
			"Over the cluster-critical add-ons of ADDON-002, each pod template after the namespace's Container LimitRange defaults, applied exactly as RES-001 and RES-002 apply them " +
			"(a limit also defaults the request; default from max, defaultRequest from default, else min); " +
			"a container an addon-resizer in the same Deployment resizes has the requests and limits the resizer writes, as in RES-001. " +
			"Fail when no container, init containers included, has a cpu or memory request or limit: the pod is of QoS class BestEffort. " +
			"Else warn when a container that runs for the pod's life (spec.containers and sidecar init containers) lacks a cpu or memory request or a memory limit, naming each. " +
			"On manifests without Node objects that hold no LimitRange in the add-on's namespace, the message says a LimitRange in the cluster could fill these in. " +
			"Pass once when every judged add-on has them all; na when the input has none. " +
			"RES-001 and RES-002 warn about the same settings on every pod template in every namespace; ADDON-004 is the stronger add-on judgement on top of them: " +
			"a BestEffort add-on fails, since its eviction breaks the cluster rather than one application.",
		Rationale: "Under node pressure the kubelet evicts BestEffort pods first: a CNI agent, kube-proxy, CoreDNS or a CSI plugin evicted this way " +
			"breaks networking, name resolution or volumes for every pod on the node or in the cluster. " +
			"Without requests the scheduler may place the add-on on a full node; without a memory limit its leak takes the node's memory.",
		Remediation: "Set cpu and memory requests and a memory limit on every container of the add-on (seaworthy recommend sizes them from usage, " +
			"or RES-003's addon-resizer rule for the node count).",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindLimitRanges},
	Eval:  evalADDON004,
}
