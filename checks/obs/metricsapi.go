package obs

import (
	"fmt"
	"slices"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// metricsGroup is one metrics API an HPA can read.
type metricsGroup struct {
	group string // API group
	// apiService names the result's object when no APIService of the
	// group is in the input: the version the HPA controller reads.
	apiService string
	what       string   // the HPAs' metrics, for messages
	server     string   // what serves it, for messages
	builtin    []string // workloads recognised as serving it
}

var groups = []metricsGroup{
	{"metrics.k8s.io", "v1beta1.metrics.k8s.io", "cpu or memory (Resource metrics)", "metrics-server", metricsServers},
	{"custom.metrics.k8s.io", "v1beta1.custom.metrics.k8s.io", "Pods or Object metrics", "a custom metrics adapter", metricsAdapters},
	{"external.metrics.k8s.io", "v1beta1.external.metrics.k8s.io", "External metrics", "an external metrics adapter", metricsAdapters},
}

// hpaGroups returns the indexes into groups of the APIs h reads.
func hpaGroups(h *autoscalingv2.HorizontalPodAutoscaler) (need [3]bool) {
	if len(h.Spec.Metrics) == 0 {
		need[0] = true // autoscaling/v2 defaults to 80% cpu
	}
	for _, m := range h.Spec.Metrics {
		switch m.Type {
		case autoscalingv2.ResourceMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType:
			need[0] = true
		case autoscalingv2.PodsMetricSourceType, autoscalingv2.ObjectMetricSourceType:
			need[1] = true
		case autoscalingv2.ExternalMetricSourceType:
			need[2] = true
		}
	}
	return need
}

// hpaListLimit is how many HPAs a message names.
const hpaListLimit = 3

func evalOBS001(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	if len(s.HPAs) == 0 {
		return []result.Result{result.New(result.StatusNA, result.ObjectRef{}, "No HorizontalPodAutoscaler in the input, so no metrics API is needed for autoscaling.", nil)}
	}
	var hpas [3][]string
	for i := range s.HPAs {
		h := &s.HPAs[i]
		for g, need := range hpaGroups(h) {
			if need {
				hpas[g] = append(hpas[g], h.Namespace+"/"+h.Name)
			}
		}
	}
	var out []result.Result
	for g, mg := range groups {
		if len(hpas[g]) == 0 {
			continue
		}
		slices.Sort(hpas[g])
		out = append(out, judgeGroup(in, o, mg, hpas[g]))
	}
	return out
}

func judgeGroup(in *check.Input, o *Options, mg metricsGroup, hpas []string) result.Result {
	s := in.Snapshot
	who := fmt.Sprintf("%d %s on %s (%s)", len(hpas), check.Plural(len(hpas), "HorizontalPodAutoscaler scales", "HorizontalPodAutoscalers scale"), mg.what, listHPAs(hpas))
	ev := result.Evidence{"metricsGroup": mg.group, "hpas": hpas}
	var registered []*cluster.APIService
	for i := range s.APIServices {
		if a := &s.APIServices[i]; a.Spec.Group == mg.group {
			registered = append(registered, a)
		}
	}
	ref := cluster.RefOf(cluster.KindAPIServices, "", mg.apiService)
	if len(registered) > 0 {
		ref = cluster.RefOf(cluster.KindAPIServices, "", registered[0].Name)
	}
	var down *cluster.APIService
	unjudged := false
	for _, a := range registered {
		c := a.Condition("Available")
		switch {
		case c != nil && c.Status == "True":
			ev["apiService"] = a.Name
			return result.New(result.StatusPass, cluster.RefOf(cluster.KindAPIServices, "", a.Name), fmt.Sprintf(
				"%s; APIService %s serves %s and is available.", who, a.Name, mg.group), ev)
		case c != nil && c.Status == "False":
			if down == nil {
				down = a
			}
		default:
			unjudged = true
		}
	}
	switch {
	case down != nil && !unjudged:
		c := down.Condition("Available")
		ev["apiService"], ev["conditionReason"], ev["conditionMessage"] = down.Name, c.Reason, c.Message
		return result.New(result.StatusFail, cluster.RefOf(cluster.KindAPIServices, "", down.Name), fmt.Sprintf(
			"%s, but APIService %s is unavailable (%s: %s), so they cannot read their metrics and do not scale; fix %s behind it (kubectl get apiservice %s says why).",
			who, down.Name, c.Reason, c.Message, mg.server, down.Name), ev)
	case len(registered) > 0:
		ev["apiService"] = registered[0].Name
		return result.New(result.StatusSkip, ref, fmt.Sprintf(
			"%s; APIService %s has no Available condition, so whether %s is served is not known (the API server writes the condition).",
			who, registered[0].Name, mg.group), ev)
	case !s.FromManifests() || dumpedAPIServices(s):
		return result.New(result.StatusFail, ref, fmt.Sprintf(
			"%s, but no APIService registers %s, so they cannot read their metrics and do not scale; install %s.",
			who, mg.group, mg.server), ev)
	}
	// Manifests without an APIService of the group (a bundle's APIServices
	// are not all of the cluster's): a workload that serves the group is
	// the evidence it will be.
	names := append(slices.Clone(mg.builtin), extra(o, mg)...)
	for _, w := range in.Index.Workloads() {
		if w.Replicas == 0 && w.Kind != index.KindDaemonSet {
			continue
		}
		if by := recognised(w, names); by != "" {
			ev["servedBy"] = w.Kind + "/" + w.Namespace + "/" + w.Name
			return result.New(result.StatusPass, ref, fmt.Sprintf(
				"%s; the input holds no APIService of %s, and %s %s/%s (%s) in it serves it.", who, mg.group, w.Kind, w.Namespace, w.Name, by), ev)
		}
	}
	return result.New(result.StatusSkip, ref, fmt.Sprintf(
		"%s; the input is manifests without an APIService of %s or %s, so whether it is served in the cluster is not known.",
		who, mg.group, mg.server), ev)
}

// dumpedAPIServices says whether manifests hold the API server's own
// APIServices (spec.service unset, v1.apps say): only a dump of the
// cluster's APIService list has them, never an add-on's bundle, so the
// list is then taken as the whole.
func dumpedAPIServices(s *cluster.Snapshot) bool {
	for i := range s.APIServices {
		if s.APIServices[i].Spec.Service == nil {
			return true
		}
	}
	return false
}

func extra(o *Options, mg metricsGroup) []string {
	if mg.group == groups[0].group {
		return o.ExtraMetricsServers
	}
	return o.ExtraMetricsAdapters
}

// listHPAs names the first hpaListLimit of hpas and counts the rest.
func listHPAs(hpas []string) string {
	if len(hpas) <= hpaListLimit {
		return strings.Join(hpas, ", ")
	}
	return strings.Join(hpas[:hpaListLimit], ", ") + fmt.Sprintf(" and %d more", len(hpas)-hpaListLimit)
}
