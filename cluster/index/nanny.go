package index

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// DefaultNannyContainer is the container an addon-resizer resizes when
// its --container flag is unset.
const DefaultNannyContainer = "pod-nanny"

// IsNanny reports whether a container runs the addon-resizer: its image is
// addon-resizer (any registry, any tag) or its command runs pod_nanny.
func IsNanny(c *corev1.Container) bool {
	if name := ImageName(c.Image); name == "addon-resizer" || strings.HasPrefix(name, "addon-resizer-") {
		return true
	}
	for _, t := range CommandTokens(c) {
		if t == "/pod_nanny" || t == "pod_nanny" || strings.HasSuffix(t, "/pod_nanny") {
			return true
		}
	}
	return false
}

// NannyResized returns the names of the containers of the Deployment's
// pod template (spec, in namespace, named deployment) that an
// addon-resizer container in the same template resizes: the
// addon-resizer writes their cpu and memory requests and limits into the
// Deployment once it runs, so what the manifest sets for them is not what
// they run with. A nanny naming another Deployment (--deployment) or
// namespace (--namespace) resizes none of these. nil when there is none.
func NannyResized(spec *corev1.PodSpec, namespace, deployment string) map[string]bool {
	var out map[string]bool
	for i := range spec.Containers {
		c := &spec.Containers[i]
		if !IsNanny(c) {
			continue
		}
		fs := ContainerFlags(c, namespace)
		if d := fs.Get("deployment"); d != "" && d != deployment {
			continue
		}
		if ns := fs.Get("namespace"); ns != "" && ns != namespace {
			continue
		}
		target := fs.Get("container")
		if target == "" {
			target = DefaultNannyContainer
		}
		if out == nil {
			out = map[string]bool{}
		}
		out[target] = true
	}
	return out
}
