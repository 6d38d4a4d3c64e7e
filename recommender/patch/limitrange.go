package patch

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// Constraints of a LimitRange item that Violation names.
const (
	ConstraintMin   = "min"
	ConstraintMax   = "max"
	ConstraintRatio = "maxLimitRequestRatio"
)

// Violation is one container amount a namespace's LimitRange rejects.
type Violation struct {
	Workload  recommender.Workload
	Container string
	// LimitRange is namespace/name.
	LimitRange string
	Resource   corev1.ResourceName
	// Constraint is ConstraintMin, ConstraintMax or ConstraintRatio.
	Constraint string
	// Message says it in one line, e.g. "memory limit 3Gi exceeds
	// LimitRange team-a/limits max 2Gi".
	Message string
}

// CheckLimitRanges judges spec's containers by the Container items of
// namespace's LimitRanges as the LimitRanger admission plugin judges a pod
// created from this template: first the pod defaults (a request absent
// where a limit is set takes the limit), then each LimitRange's default
// limits and default requests for amounts still absent, then min (request
// and limit at least), max (limit, and request, at most; a limit is then
// required) and maxLimitRequestRatio (both required). LimitRange items get
// the API's own defaults first (default limit from max, default request
// from the default limit or else min), so ranges read from manifests judge
// as stored ones do. Pod-type items (sums over a pod) are not judged.
//
// The plugin acts on pods only, so this is how a violation of a patched
// Deployment shows before its next rollout creates pods that fail.
func CheckLimitRanges(namespace string, spec *corev1.PodSpec, ranges []corev1.LimitRange) []Violation {
	var items []rangeItem
	for _, lr := range ranges {
		if lr.Namespace != namespace {
			continue
		}
		for _, it := range lr.Spec.Limits {
			if it.Type == corev1.LimitTypeContainer {
				items = append(items, rangeItem{name: lr.Namespace + "/" + lr.Name, item: defaultedItem(it)})
			}
		}
	}
	slices.SortStableFunc(items, func(a, b rangeItem) int { return strings.Compare(a.name, b.name) })
	var out []Violation
	for _, c := range spec.Containers {
		req, lim := effective(c.Resources, items)
		for _, it := range items {
			for _, name := range sortedResourceNames(it.item.Min) {
				out = append(out, minViolations(c.Name, it.name, name, it.item.Min[name], req, lim)...)
			}
			for _, name := range sortedResourceNames(it.item.Max) {
				out = append(out, maxViolations(c.Name, it.name, name, it.item.Max[name], req, lim)...)
			}
			for _, name := range sortedResourceNames(it.item.MaxLimitRequestRatio) {
				if v, bad := ratioViolation(c.Name, it.name, name, it.item.MaxLimitRequestRatio[name], req, lim); bad {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

type rangeItem struct {
	name string
	item corev1.LimitRangeItem
}

// defaultedItem applies the API server's defaults for a Container item.
func defaultedItem(it corev1.LimitRangeItem) corev1.LimitRangeItem {
	it = *it.DeepCopy()
	if it.Default == nil {
		it.Default = corev1.ResourceList{}
	}
	if it.DefaultRequest == nil {
		it.DefaultRequest = corev1.ResourceList{}
	}
	for name, q := range it.Max {
		if _, ok := it.Default[name]; !ok {
			it.Default[name] = q.DeepCopy()
		}
	}
	for name, q := range it.Default {
		if _, ok := it.DefaultRequest[name]; !ok {
			it.DefaultRequest[name] = q.DeepCopy()
		}
	}
	for name, q := range it.Min {
		if _, ok := it.DefaultRequest[name]; !ok {
			it.DefaultRequest[name] = q.DeepCopy()
		}
	}
	return it
}

// effective are a container's requests and limits as admission sees them.
func effective(r corev1.ResourceRequirements, items []rangeItem) (req, lim corev1.ResourceList) {
	req, lim = corev1.ResourceList{}, corev1.ResourceList{}
	for n, q := range r.Limits {
		lim[n] = q.DeepCopy()
	}
	for n, q := range r.Requests {
		req[n] = q.DeepCopy()
	}
	for n, q := range lim {
		if _, ok := req[n]; !ok {
			req[n] = q.DeepCopy()
		}
	}
	for _, it := range items {
		for n, q := range it.item.Default {
			if _, ok := lim[n]; !ok {
				lim[n] = q.DeepCopy()
			}
		}
		for n, q := range it.item.DefaultRequest {
			if _, ok := req[n]; !ok {
				req[n] = q.DeepCopy()
			}
		}
	}
	return req, lim
}

func minViolations(container, lr string, name corev1.ResourceName, min resource.Quantity, req, lim corev1.ResourceList) []Violation {
	v := func(msg string) Violation {
		return Violation{Container: container, LimitRange: lr, Resource: name, Constraint: ConstraintMin, Message: msg}
	}
	r, ok := req[name]
	if !ok {
		return []Violation{v(fmt.Sprintf("%s has no request, and LimitRange %s requires one of at least %s", name, lr, min.String()))}
	}
	var out []Violation
	if r.Cmp(min) < 0 {
		out = append(out, v(fmt.Sprintf("%s request %s is below LimitRange %s min %s", name, format(name, r), lr, min.String())))
	}
	if l, ok := lim[name]; ok && l.Cmp(min) < 0 {
		out = append(out, v(fmt.Sprintf("%s limit %s is below LimitRange %s min %s", name, format(name, l), lr, min.String())))
	}
	return out
}

func maxViolations(container, lr string, name corev1.ResourceName, max resource.Quantity, req, lim corev1.ResourceList) []Violation {
	v := func(msg string) Violation {
		return Violation{Container: container, LimitRange: lr, Resource: name, Constraint: ConstraintMax, Message: msg}
	}
	l, ok := lim[name]
	if !ok {
		return []Violation{v(fmt.Sprintf("%s has no limit, and LimitRange %s requires one of at most %s", name, lr, max.String()))}
	}
	var out []Violation
	if l.Cmp(max) > 0 {
		out = append(out, v(fmt.Sprintf("%s limit %s exceeds LimitRange %s max %s", name, format(name, l), lr, max.String())))
	}
	if r, ok := req[name]; ok && r.Cmp(max) > 0 {
		out = append(out, v(fmt.Sprintf("%s request %s exceeds LimitRange %s max %s", name, format(name, r), lr, max.String())))
	}
	return out
}

func ratioViolation(container, lr string, name corev1.ResourceName, ratio resource.Quantity, req, lim corev1.ResourceList) (Violation, bool) {
	v := Violation{Container: container, LimitRange: lr, Resource: name, Constraint: ConstraintRatio}
	r, rok := req[name]
	l, lok := lim[name]
	switch {
	case !rok || r.IsZero():
		v.Message = fmt.Sprintf("%s has no request, and LimitRange %s limits its limit/request ratio to %s", name, lr, ratio.String())
		return v, true
	case !lok || l.IsZero():
		v.Message = fmt.Sprintf("%s has no limit, and LimitRange %s limits its limit/request ratio to %s", name, lr, ratio.String())
		return v, true
	}
	// limit/request > ratio, compared in integers: limit > ratio × request.
	// Milli-units keep fractional ratios ("1.5") and CPU amounts exact.
	lm, rm, qm := l.MilliValue(), r.MilliValue(), ratio.MilliValue()
	if lm*1000 <= qm*rm {
		return v, false
	}
	v.Message = fmt.Sprintf("%s limit/request ratio %.2f (%s/%s) exceeds LimitRange %s maxLimitRequestRatio %s",
		name, float64(lm)/float64(rm), format(name, l), format(name, r), lr, ratio.String())
	return v, true
}

// format writes a container amount as the patches do.
func format(name corev1.ResourceName, q resource.Quantity) string {
	switch name {
	case corev1.ResourceCPU:
		return CPU(q.MilliValue())
	case corev1.ResourceMemory:
		if q.MilliValue()%1000 == 0 {
			return Memory(q.Value())
		}
	}
	return q.String()
}

func sortedResourceNames(l corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// PatchedTemplate is a copy of t with the patch's container changes set.
func (p Patch) PatchedTemplate(t *corev1.PodTemplateSpec) *corev1.PodTemplateSpec {
	out := t.DeepCopy()
	for _, c := range p.Containers {
		c.ApplyTo(&out.Spec)
	}
	return out
}

// CheckSet judges each patch's patched template with CheckLimitRanges and
// keeps the violations of the containers the patch changes (a container it
// leaves alone is not the patch's doing). Patches whose template is not
// known are not judged.
func CheckSet(set Set, templates Templates, ranges []corev1.LimitRange) []Violation {
	var out []Violation
	for _, p := range set.Patches {
		if len(p.Containers) == 0 || templates == nil {
			continue
		}
		t, ok := templates(p.Workload)
		if !ok {
			continue
		}
		for _, v := range CheckLimitRanges(p.Workload.Namespace, &p.PatchedTemplate(t).Spec, ranges) {
			if slices.ContainsFunc(p.Containers, func(c ContainerChange) bool { return c.Name == v.Container }) {
				v.Workload = p.Workload
				out = append(out, v)
			}
		}
	}
	return out
}
