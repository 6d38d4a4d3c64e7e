package obs

import (
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// run loads a fixture of ../testdata, lets edit change the snapshot, and
// returns the check's results, one "status object: message" per line.
func run(t *testing.T, o Options, id, fixture string, edit func(s *cluster.Snapshot)) string {
	t.Helper()
	var b strings.Builder
	for _, r := range checktest.RunFixture(t, Checks(o), id, fixture, edit) {
		b.WriteString(checktest.FormatResult(r) + "\n")
	}
	return b.String()
}

func TestMessages(t *testing.T) {
	asLive := func(s *cluster.Snapshot) { s.Source = cluster.SourceLive }
	withLoggingAgent := func(o Options) Options { o.ExtraLogAgents = []string{"node-exporter"}; return o }
	tests := []struct {
		name, id, fixture string
		opts              func(Options) Options
		edit              func(*cluster.Snapshot)
		want              string
	}{
		{"unavailable APIService", "OBS-001", "fail-apiservice-unavailable.yaml", nil, nil,
			"OBS-001 fail APIService/v1beta1.metrics.k8s.io: 2 HorizontalPodAutoscalers scale on cpu or memory (Resource metrics) (shop/api, shop/web), " +
				"but APIService v1beta1.metrics.k8s.io is unavailable (MissingEndpoints: endpoints for service/metrics-server in \"kube-system\" have no addresses with port name \"https\"), " +
				"so they cannot read their metrics and do not scale; fix metrics-server behind it (kubectl get apiservice v1beta1.metrics.k8s.io says why).\n"},
		{"live: external group not registered", "OBS-001", "fail-live-external-not-registered.yaml", nil, nil,
			"OBS-001 fail APIService/v1beta1.external.metrics.k8s.io: 1 HorizontalPodAutoscaler scales on External metrics (jobs/worker), " +
				"but no APIService registers external.metrics.k8s.io, so they cannot read their metrics and do not scale; install an external metrics adapter.\n" +
				"OBS-001 pass APIService/v1beta1.metrics.k8s.io: 1 HorizontalPodAutoscaler scales on cpu or memory (Resource metrics) (jobs/worker); " +
				"APIService v1beta1.metrics.k8s.io serves metrics.k8s.io and is available.\n"},
		{"manifests: metrics-server in the input", "OBS-001", "pass-manifests-metrics-server.yaml", nil, nil,
			"OBS-001 pass APIService/v1beta1.metrics.k8s.io: 1 HorizontalPodAutoscaler scales on cpu or memory (Resource metrics) (shop/web); " +
				"the input holds no APIService of metrics.k8s.io, and Deployment kube-system/metrics-server (image registry.k8s.io/metrics-server/metrics-server:v0.8.0) in it serves it.\n"},
		{"live: metrics-server Deployment but no APIService", "OBS-001", "pass-manifests-metrics-server.yaml", nil, asLive,
			"OBS-001 fail APIService/v1beta1.metrics.k8s.io: 1 HorizontalPodAutoscaler scales on cpu or memory (Resource metrics) (shop/web), " +
				"but no APIService registers metrics.k8s.io, so they cannot read their metrics and do not scale; install metrics-server.\n"},
		{"manifests: one app's bundle", "OBS-001", "skip-manifests-app-bundle.yaml", nil, nil,
			"OBS-001 skip APIService/v1beta1.metrics.k8s.io: 1 HorizontalPodAutoscaler scales on cpu or memory (Resource metrics) (default/web); " +
				"the input is manifests without an APIService of metrics.k8s.io or metrics-server, so whether it is served in the cluster is not known.\n"},
		{"manifests: a dump of the APIServices without metrics.k8s.io", "OBS-001", "fail-apiservice-dump-without-metrics.yaml", nil, nil,
			"OBS-001 fail APIService/v1beta1.metrics.k8s.io: 1 HorizontalPodAutoscaler scales on cpu or memory (Resource metrics) (shop/web), " +
				"but no APIService registers metrics.k8s.io, so they cannot read their metrics and do not scale; install metrics-server.\n"},
		{"manifests: an add-on's bundle with its own APIService", "OBS-001", "skip-manifests-other-apiservice.yaml", nil, nil,
			"OBS-001 skip APIService/v1beta1.metrics.k8s.io: 1 HorizontalPodAutoscaler scales on cpu or memory (Resource metrics) (shop/web); " +
				"the input is manifests without an APIService of metrics.k8s.io or metrics-server, so whether it is served in the cluster is not known.\n"},
		{"no HPAs", "OBS-001", "pass-no-hpas.yaml", nil, nil,
			"OBS-001 na (cluster): No HorizontalPodAutoscaler in the input, so no metrics API is needed for autoscaling.\n"},
		{"APIServices forbidden", "OBS-001", "pass-manifests-metrics-server.yaml", nil, func(s *cluster.Snapshot) {
			asLive(s)
			s.Gaps = []cluster.Gap{{Kind: cluster.KindAPIServices, Reason: cluster.GapForbidden, Message: "apiservices.apiregistration.k8s.io is forbidden"}}
		}, "OBS-001 skip (cluster): not evaluated: apiservices.apiregistration.k8s.io forbidden (apiservices.apiregistration.k8s.io is forbidden)\n"},

		{"fluent-bit DaemonSet", "OBS-002", "pass-fluent-bit.yaml", nil, nil,
			"OBS-002 info DaemonSet/logging/fluent-bit: Log collection: DaemonSet logging/fluent-bit (image cr.fluentbit.io/fluent/fluent-bit:4.0.3) is recognised as a log agent.\n"},
		{"no agent on a whole cluster", "OBS-002", "info-no-agent.yaml", nil, nil,
			"OBS-002 info (cluster): No log agent DaemonSet found (Fluent Bit, Fluentd, Vector, Promtail, Grafana Alloy or Agent, Filebeat, Elastic Agent, Datadog): " +
				"container logs live only on the nodes and go with their pods; ship them off the nodes, or add the agent's name to extraLogAgents if it is not recognised.\n"},
		{"bundle", "OBS-002", "skip-manifests-bundle.yaml", nil, nil,
			"OBS-002 skip (cluster): No log agent DaemonSet in the input, but the input is manifests without Node objects, a part of a cluster, so whether the cluster collects logs is not known.\n"},
		{"an extra name from the options", "OBS-002", "skip-manifests-bundle.yaml", withLoggingAgent, nil,
			"OBS-002 info DaemonSet/monitoring/node-exporter: Log collection: DaemonSet monitoring/node-exporter (image quay.io/prometheus/node-exporter:v1.9.1) is recognised as a log agent.\n"},

		{"recognised by label, image unknown", "OBS-002", "skip-manifests-bundle.yaml", nil, func(s *cluster.Snapshot) {
			ds := &s.DaemonSets[0]
			ds.Spec.Template.Spec.Containers[0].Image = "registry.example.com/platform/shipper:2.1"
			ds.Spec.Template.Labels = map[string]string{"app.kubernetes.io/name": "vector"}
		},
			"OBS-002 info DaemonSet/monitoring/node-exporter: Log collection: DaemonSet monitoring/node-exporter (label app.kubernetes.io/name=vector) is recognised as a log agent.\n"},

		{"prometheus and its operator", "OBS-003", "pass-prometheus.yaml", nil, nil,
			"OBS-003 info StatefulSet/monitoring/prometheus-k8s: Metrics scraping: StatefulSet monitoring/prometheus-k8s, Deployment monitoring/prometheus-operator " +
				"(image quay.io/prometheus/prometheus:v3.5.0) are recognised as metrics scrapers or their operators; whether they scrape the API server and the control plane is in the configuration, which is not read.\n"},
		{"none, a Prometheus scaled to 0", "OBS-003", "info-none.yaml", nil, nil,
			"OBS-003 info (cluster): No metrics scraper found (Prometheus, VictoriaMetrics, Grafana Alloy or Agent): nothing records the API server's latency and errors or the control plane's health; " +
				"run one, or add its name to extraScrapers if it is not recognised.\n"},
		{"none on a managed control plane", "OBS-003", "info-none.yaml", nil, func(s *cluster.Snapshot) {
			s.Nodes[0].Labels = map[string]string{"eks.amazonaws.com/nodegroup": "ng-1"}
			cluster.Finish(s, cluster.FinishOptions{})
		},
			"OBS-003 info (cluster): No metrics scraper found (Prometheus, VictoriaMetrics, Grafana Alloy or Agent): nothing records the API server's latency and errors or the control plane's health; " +
				"run one, or add its name to extraScrapers if it is not recognised. EKS (managed control plane): the provider runs the control plane, so from inside the cluster only the API server's own metrics can be scraped; " +
				"the provider's monitoring covers the scheduler, controller-manager and etcd.\n"},
		{"bundle", "OBS-003", "skip-manifests-bundle.yaml", nil, nil,
			"OBS-003 skip (cluster): No metrics scraper in the input, but the input is manifests without Node objects, a part of a cluster, so whether anything scrapes the cluster is not known.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.id+" "+tt.name, func(t *testing.T) {
			o := DefaultOptions()
			if tt.opts != nil {
				o = tt.opts(o)
			}
			if got := run(t, o, tt.id, tt.fixture, tt.edit); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
