package res

import (
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/recommender/addons"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the RES checks.
const Category = "Resources"

// Options are the RES checks' settings.
type Options struct {
	// ExcludeNamespaces are namespaces RES-001 and RES-002 do not judge.
	ExcludeNamespaces []string `json:"excludeNamespaces"`
	// Addons are RES-003's add-on rules beyond the nanny flags and the
	// built-in table: an add-on sizing file read by the command line
	// (addons.ParseConfig). They are not config-file options. Inputs that
	// come from outside the snapshot join here the same way (usage history
	// for a check of requests against usage).
	Addons addons.Options `json:"-"`
}

// DefaultOptions returns the defaults: every namespace judged, the
// built-in add-on table only.
func DefaultOptions() Options { return Options{} }

// Checks returns the RES checks in ID order, evaluating with o.
func Checks(o Options) []check.Check { return check.Bind(o, res001, res002, res003, res004) }

// templateKinds are the kinds whose pod templates RES-001 and RES-002 read.
var templateKinds = []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets,
	cluster.KindJobs, cluster.KindCronJobs, cluster.KindPods, cluster.KindLimitRanges}

var res001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RES-001",
		Title:    "Containers request cpu and memory",
		Category: Category,
		Rule: "Every pod template is judged once, where it is written: Deployments, StatefulSets, DaemonSets, CronJobs (their job template), " +
			"Jobs no CronJob owns, and pods no controller owns; pods a controller owns are judged through it. " +
			"User and system namespaces alike, minus ExcludeNamespaces. Its containers are spec.containers and the sidecar init containers " +
			"(restartPolicy: Always), which run for the pod's life; other init containers are left out: they run to completion before the others start, " +
			"and the pod's effective request is the larger of theirs and the sum of the rest. " +
			"A container requests a resource when resources.requests sets it above zero, or resources.limits does " +
			"(the API server then defaults the request to the limit), or a Container LimitRange in its namespace defaults it at admission " +
			"(defaultRequest, or default, max or min, which the API server copies into defaultRequest). " +
			"A container of a Deployment that an addon-resizer (pod_nanny) container of the same template resizes (--container, default pod-nanny; --deployment naming this one or unset) " +
			"is not judged: the resizer writes its cpu and memory requests and limits once it runs, as the kubernetes cluster add-ons ship metrics-server. " +
			"Warn for each template with a container lacking a cpu or a memory request, naming them; pass (once for the input) when none does. " +
			"No pod template in the input: skip.",
		Rationale: "The scheduler places pods by their requests. A container without them is scheduled onto nodes already full, " +
			"is the first evicted under memory pressure (a pod with no requests at all is BestEffort), " +
			"and makes the cluster's capacity planning and autoscaling blind to it.",
		Remediation: "Set resources.requests.cpu and resources.requests.memory on every container, from observed usage " +
			"(seaworthy recommend gives VPA-style values), or give the namespace a LimitRange with defaultRequest for both.",
	},
	Needs: templateKinds,
	Eval:  evalRES001,
}

var res002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RES-002",
		Title:    "Containers set a memory limit",
		Category: Category,
		Rule: "Over the same pod templates and containers as RES-001: a container has a memory limit when resources.limits.memory is above zero, " +
			"or a Container LimitRange in its namespace defaults it (default, or max, which the API server copies into default); " +
			"a container an addon-resizer resizes is not judged, as in RES-001. " +
			"Warn for each template with a container lacking one, naming them; pass (once for the input) when none does. " +
			"No pod template in the input: skip.",
		Rationale: "Memory is incompressible: a container without a memory limit can grow until the node runs out, " +
			"and then the kernel's OOM killer and the kubelet's evictions take down other pods on that node, possibly the node's own agents.",
		Remediation: "Set resources.limits.memory on every container (at or above its memory request, with headroom for its peaks), " +
			"or give the namespace a LimitRange with a default memory limit.",
	},
	Needs: templateKinds,
	Eval:  evalRES002,
}

var res003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RES-003",
		Title:    "Add-ons are sized for the cluster's node count",
		Category: Category,
		Rule: "Add-ons that grow with the cluster are judged by the addon-resizer's rule, expected = base + perNode × nodes over every Node " +
			"(linear, or for the step minClusterSize × 1.5^k at or above the node count when exponential). The rule is, in order: " +
			"the flags of an addon-resizer (pod_nanny) container in the add-on's pod template that resizes it (--cpu, --extra-cpu, --memory, --extra-memory, " +
			"--estimator, --minClusterSize, --threshold, --acceptance-offset, --deployment, --container); a matching entry of the add-on sizing file; " +
			"the built-in table of upstream rules (metrics-server: 40m + 0.5m and 40Mi + 4Mi per node, exponential from 16 nodes, ±5%; " +
			"kube-state-metrics: 100m + 1m and 100Mi + 2Mi per node, linear, ±5%), recognised by image name or the k8s-app / app.kubernetes.io/name label. " +
			"Warn when a container's cpu or memory request is unset or below the lower edge of the rule's band (threshold percent, 0 for a nanny without one), " +
			"or a limit it sets is below it; pass otherwise (a request above the band is reported in the message, not as a finding; " +
			"an unset limit is RES-002's). Skip when the input holds no Node objects (or nodes are unreadable): the node count is not known, " +
			"and sizing for 0 nodes would be wrong; skip an add-on whose nanny flags give no rule (an unrendered template, an invalid value). " +
			"No add-on with a rule: info, or skip on manifests without Node objects (a part of a cluster).",
		Rationale: "Add-ons such as metrics-server and kube-state-metrics hold state for every node and object. " +
			"Sized for a small cluster, they are OOM-killed or throttled as the cluster grows, and autoscaling (HPA) and monitoring fail with them.",
		Remediation: "Raise the add-on's requests and limits to the rule's value (seaworthy recommend prints them), " +
			"or run the addon-resizer next to it so it follows the cluster's size.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets},
	Eval:  evalRES003,
}
