package addons

import (
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// Known is one add-on of the built-in table: how it is recognised and its
// upstream addon-resizer rule.
type Known struct {
	// App is what the add-on is: the value of its k8s-app or
	// app.kubernetes.io/name label, and its image's name (last path
	// element, without tag).
	App string
	// Rule is the rule its upstream manifest runs the nanny with.
	Rule Rule
}

// Builtin returns the built-in table. Only add-ons whose upstream manifests
// run an addon-resizer are in it, with the figures those manifests pass:
//
//   - metrics-server: kubernetes/kubernetes
//     cluster/addons/metrics-server/metrics-server-deployment.yaml runs
//     pod_nanny with --extra-cpu=0.5m --threshold=5 --estimator=exponential,
//     and fills --cpu, --memory, --extra-memory and --minClusterSize from
//     cluster/gce/gci/configure-helper.sh: 40m, 40Mi, 4Mi and 16.
//   - kube-state-metrics: kubernetes/kube-state-metrics
//     kubernetes/kube-state-metrics-deployment.yaml (v1.1) runs pod_nanny
//     with --cpu=100m --extra-cpu=1m --memory=100Mi --extra-memory=2Mi
//     --threshold=5 and the default linear estimator.
//
// CoreDNS is not here: no upstream manifest runs a nanny for it, and its
// own sizing guidance is by pods and services, not nodes (see DNSMemory).
func Builtin() []Known {
	q := resource.MustParse
	return []Known{
		{App: "metrics-server", Rule: Rule{
			Name:   "metrics-server",
			Source: "kubernetes/kubernetes cluster/addons/metrics-server (pod_nanny flags, configure-helper.sh defaults)",
			CPU:    &Scaling{Base: q("40m"), PerNode: q("0.5m")}, Memory: &Scaling{Base: q("40Mi"), PerNode: q("4Mi")},
			Estimator: Exponential, MinClusterSize: 16, ThresholdPercent: 5,
		}},
		{App: "kube-state-metrics", Rule: Rule{
			Name:   "kube-state-metrics",
			Source: "kubernetes/kube-state-metrics kubernetes/kube-state-metrics-deployment.yaml (pod_nanny flags)",
			CPU:    &Scaling{Base: q("100m"), PerNode: q("1m")}, Memory: &Scaling{Base: q("100Mi"), PerNode: q("2Mi")},
			Estimator: Linear, ThresholdPercent: 5,
		}},
	}
}

// appLabels are the labels that say what an add-on is.
var appLabels = []string{"k8s-app", "app.kubernetes.io/name"}

// recognise returns the container of w that is the add-on app, and true,
// when w is that add-on: a container whose image is named app, or, when the
// workload's or its pod template's k8s-app or app.kubernetes.io/name label
// is app, the container named app (or the only one).
func recognise(w *index.Workload, app string) (int, bool) {
	cs := w.Template.Spec.Containers
	for i := range cs {
		if imageName(cs[i].Image) == app {
			return i, true
		}
	}
	labelled := false
	for _, l := range appLabels {
		labelled = labelled || w.Labels[l] == app || w.Template.Labels[l] == app
	}
	if !labelled {
		return 0, false
	}
	for i := range cs {
		if cs[i].Name == app {
			return i, true
		}
	}
	if i, ok := onlyContainer(cs); ok {
		return i, true
	}
	return 0, false
}
