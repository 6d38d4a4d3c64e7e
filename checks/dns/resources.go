package dns

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// missingResources lists the resource settings a container lacks. A request
// left unset counts as set when the resource has a limit: the API server
// defaults requests to limits.
func missingResources(c *corev1.Container) []string {
	set := func(l corev1.ResourceList, r corev1.ResourceName) bool {
		q, ok := l[r]
		return ok && !q.IsZero()
	}
	var missing []string
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if !set(c.Resources.Requests, r) && !set(c.Resources.Limits, r) {
			missing = append(missing, "requests."+string(r))
		}
	}
	if !set(c.Resources.Limits, corev1.ResourceMemory) {
		missing = append(missing, "limits.memory")
	}
	return missing
}

// evalDNS005 checks the requests and memory limit of every container of
// each DNS Deployment's pod template.
func evalDNS005(in *check.Input, _ *Options) []result.Result {
	active, _ := in.Index.DNS()
	if len(active) == 0 {
		return []result.Result{noDNSResult(in)}
	}
	var out []result.Result
	for _, w := range active {
		containers := w.Template.Spec.Containers
		missing := map[string][]string{}
		var parts []string
		for i := range containers {
			c := &containers[i]
			if m := missingResources(c); len(m) > 0 {
				missing[c.Name] = m
				parts = append(parts, fmt.Sprintf("%s lacks %s", c.Name, strings.Join(m, ", ")))
			}
		}
		ev := result.Evidence{"deployment": w.Name, "containers": len(containers)}
		if len(missing) == 0 {
			out = append(out, result.New(result.StatusPass, w.Ref(), fmt.Sprintf(
				"Every %s container sets cpu and memory requests and a memory limit.", w.Name), ev))
			continue
		}
		ev["missing"] = missing
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"In %s, container %s; set cpu and memory requests and a memory limit on each (CoreDNS upstream: 100m, 70Mi, limit 170Mi).",
			w.Name, strings.Join(parts, "; container ")), ev))
	}
	return out
}
