package obs

import (
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the observability checks.
const Category = "Observability"

// Options are the observability checks' lists of what to recognise. Each
// Extra list adds to the built-in one (DefaultOptions leaves them empty);
// an entry is an image name ("fluent-bit"), the end of an image
// repository ("datadoghq/agent"), or an app.kubernetes.io/name or k8s-app
// label value.
type Options struct {
	// ExtraMetricsServers are more names of workloads that serve
	// metrics.k8s.io, for OBS-001 on manifests without APIServices
	// (built in: metrics-server).
	ExtraMetricsServers []string `json:"extraMetricsServers"`
	// ExtraMetricsAdapters are more names of workloads that serve
	// custom.metrics.k8s.io or external.metrics.k8s.io, for OBS-001 on
	// manifests without APIServices (built in: prometheus-adapter,
	// k8s-prometheus-adapter-amd64, keda-operator-metrics-apiserver,
	// datadog-cluster-agent, datadoghq/cluster-agent).
	ExtraMetricsAdapters []string `json:"extraMetricsAdapters"`
	// ExtraLogAgents are more names of DaemonSets that collect logs, for
	// OBS-002 (built in: fluent-bit, fluentd, vector, promtail, alloy,
	// grafana-agent, grafana/agent, filebeat, elastic-agent,
	// datadog-agent, datadoghq/agent, datadog/agent).
	ExtraLogAgents []string `json:"extraLogAgents"`
	// ExtraScrapers are more names of workloads that scrape metrics, for
	// OBS-003 (built in: prometheus, prometheus-operator,
	// kube-prometheus-stack, vmagent, victoria-metrics, vmsingle,
	// alloy, grafana-agent, grafana/agent).
	ExtraScrapers []string `json:"extraScrapers"`
}

// DefaultOptions returns the documented defaults: the built-in lists only.
func DefaultOptions() Options {
	return Options{}
}

// Built-in names; see Options.
var (
	metricsServers  = []string{"metrics-server"}
	metricsAdapters = []string{"prometheus-adapter", "k8s-prometheus-adapter-amd64", "keda-operator-metrics-apiserver", "datadog-cluster-agent", "datadoghq/cluster-agent"}
	logAgents       = []string{"fluent-bit", "fluentd", "vector", "promtail", "alloy", "grafana-agent", "grafana/agent", "filebeat", "elastic-agent", "datadog-agent", "datadoghq/agent", "datadog/agent"}
	scrapers        = []string{"prometheus", "prometheus-operator", "kube-prometheus-stack", "vmagent", "victoria-metrics", "vmsingle", "alloy", "grafana-agent", "grafana/agent"}
)

// Checks returns the observability checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, obs001, obs002, obs003)
}

var obs001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "OBS-001",
		Title:    "The metrics APIs the HorizontalPodAutoscalers read are served",
		Category: Category,
		Rule: "Each HorizontalPodAutoscaler needs the metrics API groups of its metrics: metrics.k8s.io for Resource and ContainerResource metrics " +
			"(and for an HPA with no metrics, which autoscaling/v2 defaults to 80% cpu), custom.metrics.k8s.io for Pods and Object metrics, " +
			"external.metrics.k8s.io for External metrics. One result per group some HPA needs: " +
			"pass when an APIService of the group has the condition Available True; fail when its APIServices are all Available False, " +
			"or when the APIServices are known to be all of the cluster's and none is of the group: on a live read, or on manifests that hold the API server's own APIServices " +
			"(spec.service unset, such as v1.apps: a dump of kubectl get apiservices has them, an add-on's bundle never does); skip when the only ones have no Available condition yet. " +
			"On manifests without an APIService of the group (a bundle's APIServices are not all of the cluster's) a workload recognised as serving the group (metrics-server for metrics.k8s.io; " +
			"prometheus-adapter, KEDA's metrics API server or the Datadog cluster agent for the other two; plus the Extra lists of the options) " +
			"is pass, and its absence skip. No HPAs: na.",
		Rationale: "The HPA controller reads current usage from these aggregated APIs every 15 s. When the API is not registered or its server is down, " +
			"each HPA that depends on it reports FailedGetResourceMetric (or FailedGetExternalMetric) and keeps the replica count it has: " +
			"load grows and nothing scales out.",
		Remediation: "Install metrics-server (two replicas and a PodDisruptionBudget) for cpu and memory metrics, and a metrics adapter (prometheus-adapter, KEDA) for custom and external ones; " +
			"if the APIService exists but is unavailable, fix the Service and pods it names (kubectl get apiservice NAME says why).",
	},
	Needs: []cluster.Kind{cluster.KindHPAs, cluster.KindAPIServices},
	Eval:  evalOBS001,
}

var obs002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "OBS-002",
		Title:    "A log agent collects the cluster's container logs",
		Category: Category,
		Rule: "A log agent is a DaemonSet whose container image name (or the end of its repository) or whose app.kubernetes.io/name or k8s-app label " +
			"(on the DaemonSet or its pod template) is fluent-bit, fluentd, vector, promtail, alloy, grafana-agent (or grafana/agent), filebeat, elastic-agent, " +
			"datadog-agent (or datadoghq/agent, datadog/agent), or one of ExtraLogAgents. The OpenTelemetry Collector is not on the list: " +
			"its image does not tell whether it collects logs. Info naming the agents found, or info that none was found; " +
			"on manifests without Node objects (a part of a cluster) none found is skip.",
		Rationale: "The kubelet keeps only the last few megabytes of each container's log on its node and deletes them with the pod: " +
			"without an agent shipping them off the nodes, the logs of a crashed, evicted or rescheduled pod are gone when they are needed.",
		Remediation: "Run a log agent as a DaemonSet on every node (Fluent Bit, Vector, Grafana Alloy, or the provider's agent) shipping to a store outside the cluster.",
	},
	Needs: []cluster.Kind{cluster.KindDaemonSets},
	Eval:  evalOBS002,
}

var obs003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "OBS-003",
		Title:    "Something scrapes the cluster's metrics",
		Category: Category,
		Rule: "A metrics scraper is a Deployment, StatefulSet or DaemonSet (not scaled to 0) whose container image name (or the end of its repository) or whose " +
			"app.kubernetes.io/name or k8s-app label (on the workload or its pod template) is prometheus, prometheus-operator, kube-prometheus-stack, vmagent, " +
			"victoria-metrics, vmsingle, alloy, grafana-agent (or grafana/agent), or one of ExtraScrapers. Prometheus and ServiceMonitor custom resources are not read: " +
			"the workloads they create are. Info naming the scrapers found (whether they scrape the control plane is in their configuration, which is not read), " +
			"or info that none was found; on a managed control plane the message says that only the API server's own metrics are reachable from inside the cluster. " +
			"On manifests without Node objects (a part of a cluster) none found is skip.",
		Rationale: "Without scraping, the API server's request latency and error rates, etcd's health and the scheduler's queue are invisible " +
			"until users report the outage; the same scraper gives the usage history seaworthy recommend sizes workloads from.",
		Remediation: "Run Prometheus (kube-prometheus-stack, say) or a compatible agent that scrapes the API server (the default/kubernetes endpoints), " +
			"the kubelets and, on a self-managed control plane, the scheduler, controller-manager and etcd.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets},
	Eval:  evalOBS003,
}
