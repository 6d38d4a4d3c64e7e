package index

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// ServiceFor returns the first Service (in snapshot order, which is by
// namespace and name) of the workload's namespace whose spec.selector
// matches its pod template labels, or nil. Services without a selector
// and ExternalName Services send traffic to no pod. Every workload's
// Service is found in one pass, the first time one is asked for.
func (ix *Index) ServiceFor(w *Workload) *corev1.Service {
	ix.servicesOnce.Do(func() {
		f := map[*Workload]*corev1.Service{}
		svcs := ix.snap.Services
		for i := range svcs {
			s := &svcs[i]
			if len(s.Spec.Selector) == 0 || s.Spec.Type == corev1.ServiceTypeExternalName {
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
