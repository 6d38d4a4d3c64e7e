package workload

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// metaSelector renders a PDB's selector as kubectl -l takes it, "{}" for
// an empty one.
func metaSelector(p *policyv1.PodDisruptionBudget) string {
	s := metav1.FormatLabelSelector(p.Spec.Selector)
	if s == "" || s == "<none>" {
		return "{}"
	}
	return s
}
