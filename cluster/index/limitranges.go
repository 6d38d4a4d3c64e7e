package index

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// ContainerDefaults is what a namespace's Container LimitRanges fill in
// at admission, after the API server's own LimitRange defaulting (default
// from max; defaultRequest from default, else min), since manifests carry
// LimitRanges undefaulted. Each map names, per resource, the LimitRanges
// that supply it. A nil *ContainerDefaults fills in nothing.
type ContainerDefaults struct {
	request, limit map[corev1.ResourceName][]string
}

// ContainerDefaults returns the defaults the Container LimitRanges of
// namespace fill in, or nil when the input holds none there.
func (ix *Index) ContainerDefaults(namespace string) *ContainerDefaults {
	ix.limitRangesOnce.Do(func() {
		ix.limitRanges = map[string]*ContainerDefaults{}
		s := ix.snap
		for i := range s.LimitRanges {
			lr := &s.LimitRanges[i]
			for _, item := range lr.Spec.Limits {
				if item.Type != corev1.LimitTypeContainer {
					continue
				}
				d := ix.limitRanges[lr.Namespace]
				if d == nil {
					d = &ContainerDefaults{request: map[corev1.ResourceName][]string{}, limit: map[corev1.ResourceName][]string{}}
					ix.limitRanges[lr.Namespace] = d
				}
				note := func(m map[corev1.ResourceName][]string, lists ...corev1.ResourceList) {
					for _, l := range lists {
						for r, q := range l {
							if !q.IsZero() && !slices.Contains(m[r], lr.Name) {
								m[r] = append(m[r], lr.Name)
							}
						}
					}
				}
				note(d.limit, item.Default, item.Max)
				note(d.request, item.DefaultRequest, item.Default, item.Max, item.Min)
			}
		}
	})
	return ix.limitRanges[namespace]
}

// Request reports whether container c ends up with a request for r after
// admission: set in its requests, or in its limits (the API server then
// defaults the request to the limit), or filled in by d; defaultedBy names
// the LimitRanges when only d supplies it.
func (d *ContainerDefaults) Request(c *corev1.Container, r corev1.ResourceName) (set bool, defaultedBy []string) {
	switch {
	case quantitySet(c.Resources.Requests, r) || quantitySet(c.Resources.Limits, r):
		return true, nil
	case d != nil && len(d.request[r]) > 0:
		return true, d.request[r]
	}
	return false, nil
}

// Limit reports whether container c ends up with a limit for r after
// admission: set in its limits, or filled in by d; defaultedBy names the
// LimitRanges when only d supplies it.
func (d *ContainerDefaults) Limit(c *corev1.Container, r corev1.ResourceName) (set bool, defaultedBy []string) {
	switch {
	case quantitySet(c.Resources.Limits, r):
		return true, nil
	case d != nil && len(d.limit[r]) > 0:
		return true, d.limit[r]
	}
	return false, nil
}

// quantitySet reports whether l sets r above zero.
func quantitySet(l corev1.ResourceList, r corev1.ResourceName) bool {
	q, ok := l[r]
	return ok && !q.IsZero()
}

// LongRunningContainers returns the containers of spec that run for the
// pod's life: sidecar init containers (restartPolicy Always), then
// spec.containers. Plain init containers finish before the others start.
func LongRunningContainers(spec *corev1.PodSpec) []*corev1.Container {
	var out []*corev1.Container
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			out = append(out, c)
		}
	}
	for i := range spec.Containers {
		out = append(out, &spec.Containers[i])
	}
	return out
}
