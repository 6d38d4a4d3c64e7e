package workload

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// serviceBacked returns the name of the Service in front of w
// (index.ServiceFor), or "" when none is, or its namespace is not a user
// namespace.
func serviceBacked(in *check.Input, sc scope, w *index.Workload) string {
	if !sc.user(w.Namespace) {
		return ""
	}
	if s := in.Index.ServiceFor(w); s != nil {
		return s.Name
	}
	return ""
}

// evalWL009 flags containers of Service-backed workloads without a
// readiness probe.
func evalWL009(in *check.Input, o *Options) []result.Result {
	sc := newScope(in.Index, o)
	var out []result.Result
	judged := 0
	for _, w := range in.Index.Workloads() {
		svc := serviceBacked(in, sc, w)
		if svc == "" {
			continue
		}
		judged++
		var missing []string
		for _, c := range w.Template.Spec.Containers {
			if c.ReadinessProbe == nil {
				missing = append(missing, c.Name)
			}
		}
		if len(missing) == 0 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"Service %s sends traffic to %s %s, but %s %s no readiness probe, so pods receive requests as soon as they start and keep receiving them when they cannot serve; add a readinessProbe.",
			svc, w.Kind, w.Name, check.Plural(len(missing), "container", "containers")+" "+strings.Join(missing, ", "), check.Plural(len(missing), "has", "have")),
			result.Evidence{"service": svc, "containerNames": missing}))
	}
	switch {
	case judged == 0:
		return na("No Service in a user namespace selects a workload's pods.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s behind a Service in user namespaces %s readiness probes on every container.",
			count(judged, "workload", "workloads"), check.Plural(judged, "sets", "set")))
	}
	return out
}

// evalWL010 flags containers whose liveness probe is their readiness
// probe.
func evalWL010(in *check.Input, o *Options) []result.Result {
	sc := newScope(in.Index, o)
	var out []result.Result
	judged := 0
	for _, w := range in.Index.Workloads() {
		if !sc.user(w.Namespace) {
			continue
		}
		var same []string
		for _, c := range w.Template.Spec.Containers {
			if c.LivenessProbe == nil || c.ReadinessProbe == nil {
				continue
			}
			judged++
			if equality.Semantic.DeepEqual(c.LivenessProbe, c.ReadinessProbe) {
				same = append(same, c.Name)
			}
		}
		if len(same) == 0 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"In %s %s, %s %s the same liveness and readiness probe, so a pod that is only overloaded is restarted instead of being taken out of rotation, which adds load on the others; make the liveness probe cheaper or more tolerant (a higher failureThreshold).",
			w.Kind, w.Name, check.Plural(len(same), "container", "containers")+" "+strings.Join(same, ", "), check.Plural(len(same), "has", "have")),
			result.Evidence{"containerNames": same}))
	}
	switch {
	case judged == 0:
		return na("No container in a user namespace's workloads has both a liveness and a readiness probe.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s with both probes in user namespaces %s liveness apart from readiness.",
			count(judged, "container", "containers"), check.Plural(judged, "sets", "set")))
	}
	return out
}
