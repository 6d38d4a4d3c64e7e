package index

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// ServiceFor returns the first Service (in snapshot order, which is by
// namespace and name) of the workload's namespace whose spec.selector
// matches its pod template labels, or nil. Services without a selector
// and ExternalName Services send traffic to no pod, and a Service whose
// every port is named for metrics (ScrapeOnly) serves a scraper, which
// reads not-ready pods too, not clients. Every workload's
// Service is found in one pass, the first time one is asked for.
func (ix *Index) ServiceFor(w *Workload) *corev1.Service {
	ix.servicesOnce.Do(func() {
		f := map[*Workload]*corev1.Service{}
		svcs := ix.snap.Services
		for i := range svcs {
			s := &svcs[i]
			if len(s.Spec.Selector) == 0 || s.Spec.Type == corev1.ServiceTypeExternalName || ScrapeOnly(s) {
				continue
			}
			sel := labels.SelectorFromSet(s.Spec.Selector)
			for _, w := range ix.WorkloadsIn(s.Namespace) {
				if f[w] == nil && sel.Matches(labels.Set(w.Template.Labels)) {
					f[w] = s
				}
			}
		}
		ix.services = f
	})
	return ix.services[w]
}

// ScrapeOnly reports whether every port of the Service is named for
// metrics: its name holds "metrics", "prometheus" or "monitor"
// (cert-manager's tcp-prometheus-servicemonitor, http-metrics). Such a
// Service exists for a metrics scraper, not for client traffic.
func ScrapeOnly(s *corev1.Service) bool {
	if len(s.Spec.Ports) == 0 {
		return false
	}
	for _, p := range s.Spec.Ports {
		name := strings.ToLower(p.Name)
		if !strings.Contains(name, "metrics") && !strings.Contains(name, "prometheus") && !strings.Contains(name, "monitor") {
			return false
		}
	}
	return true
}

// Service returns the snapshot's Service namespace/name, or nil. The map
// of all Services by name is built the first time one is asked for.
func (ix *Index) Service(namespace, name string) *corev1.Service {
	ix.serviceNamesOnce.Do(func() {
		svcs := ix.snap.Services
		ix.serviceNames = make(map[string]*corev1.Service, len(svcs))
		for i := range svcs {
			ix.serviceNames[svcs[i].Namespace+"/"+svcs[i].Name] = &svcs[i]
		}
	})
	return ix.serviceNames[namespace+"/"+name]
}
