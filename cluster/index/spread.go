package index

import corev1 "k8s.io/api/core/v1"

// AsksSpread reports whether a pod spec asks the scheduler to keep its pods
// apart: a topology spread constraint or a pod anti-affinity term
// (required or preferred).
func AsksSpread(spec *corev1.PodSpec) bool {
	return len(SpreadKeys(spec)) > 0
}

// SpreadKeys returns the topology keys a pod spec spreads its pods over, in
// spec order and each once: those of its topology spread constraints, then
// those of its pod anti-affinity terms (required, then preferred).
func SpreadKeys(spec *corev1.PodSpec) []string {
	var keys []string
	add := func(k string) {
		for _, have := range keys {
			if have == k {
				return
			}
		}
		keys = append(keys, k)
	}
	for _, c := range spec.TopologySpreadConstraints {
		add(c.TopologyKey)
	}
	if a := spec.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			add(t.TopologyKey)
		}
		for _, t := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			add(t.PodAffinityTerm.TopologyKey)
		}
	}
	return keys
}
