package obs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// foundListLimit is how many recognised workloads a message names.
const foundListLimit = 3

// partial says why absence cannot be concluded from the input, or "".
func partial(in *check.Input) string {
	if s := in.Snapshot; check.PartOfCluster(s) {
		return "the input is manifests without Node objects, a part of a cluster"
	}
	return ""
}

// recognise returns the workloads of in that match names, of the given
// kinds, that want pods.
func recognise(in *check.Input, names []string, kinds ...string) []found {
	var out []found
	for _, w := range in.Index.Workloads() {
		if !slices.Contains(kinds, w.Kind) || (w.Replicas == 0 && w.Kind != index.KindDaemonSet) {
			continue
		}
		if by := recognised(w, names); by != "" {
			out = append(out, found{w, by})
		}
	}
	slices.SortFunc(out, func(a, b found) int {
		if a.w.Namespace != b.w.Namespace {
			return strings.Compare(a.w.Namespace, b.w.Namespace)
		}
		return strings.Compare(a.w.Name, b.w.Name)
	})
	return out
}

func evalOBS002(in *check.Input, o *Options) []result.Result {
	fs := recognise(in, append(slices.Clone(logAgents), o.ExtraLogAgents...), index.KindDaemonSet)
	if len(fs) > 0 {
		return []result.Result{result.New(result.StatusInfo, fs[0].w.Ref(), fmt.Sprintf(
			"Log collection: %s (%s) %s.",
			names(fs, foundListLimit), fs[0].by, check.Plural(len(fs), "is recognised as a log agent", "are recognised as log agents")),
			result.Evidence{"logAgents": keys(fs)})}
	}
	if why := partial(in); why != "" {
		return []result.Result{result.New(result.StatusSkip, result.ObjectRef{}, fmt.Sprintf(
			"No log agent DaemonSet in the input, but %s, so whether the cluster collects logs is not known.", why), nil)}
	}
	return []result.Result{result.New(result.StatusInfo, result.ObjectRef{},
		"No log agent DaemonSet found (Fluent Bit, Fluentd, Vector, Promtail, Grafana Alloy or Agent, Filebeat, Elastic Agent, Datadog): "+
			"container logs live only on the nodes and go with their pods; ship them off the nodes, or add the agent's name to extraLogAgents if it is not recognised.",
		result.Evidence{"logAgents": []string{}})}
}

func evalOBS003(in *check.Input, o *Options) []result.Result {
	fs := recognise(in, append(slices.Clone(scrapers), o.ExtraScrapers...), index.KindDeployment, index.KindStatefulSet, index.KindDaemonSet)
	p := in.Index.Platform()
	managed := ""
	if p.Managed {
		managed = fmt.Sprintf(" %s: the provider runs the control plane, so from inside the cluster only the API server's own metrics can be scraped; the provider's monitoring covers the scheduler, controller-manager and etcd.", p.Label())
	}
	ev := result.Evidence{"managed": p.Managed}
	if len(fs) > 0 {
		ev["scrapers"] = keys(fs)
		return []result.Result{result.New(result.StatusInfo, fs[0].w.Ref(), fmt.Sprintf(
			"Metrics scraping: %s (%s) %s the API server and the control plane is in the configuration, which is not read.%s",
			names(fs, foundListLimit), fs[0].by, check.Plural(len(fs), "is recognised as a metrics scraper or its operator; whether it scrapes", "are recognised as metrics scrapers or their operators; whether they scrape"), managed), ev)}
	}
	if why := partial(in); why != "" {
		return []result.Result{result.New(result.StatusSkip, result.ObjectRef{}, fmt.Sprintf(
			"No metrics scraper in the input, but %s, so whether anything scrapes the cluster is not known.", why), nil)}
	}
	ev["scrapers"] = []string{}
	return []result.Result{result.New(result.StatusInfo, result.ObjectRef{},
		"No metrics scraper found (Prometheus, VictoriaMetrics, Grafana Alloy or Agent): nothing records the API server's latency and errors or the control plane's health; "+
			"run one, or add its name to extraScrapers if it is not recognised."+managed, ev)}
}
