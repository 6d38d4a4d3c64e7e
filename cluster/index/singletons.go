package index

// singletons are programs that run one replica by design without electing
// a leader: a second copy would do harm or nothing, and the one copy being
// rescheduled stops nothing that serves requests. Each is recognised by the
// last element of its image's repository (ImageName) or by the end of the
// repository path, and carries why one copy is right.
var singletons = []struct {
	image, why string
}{
	{"external-dns", "two copies would race to write the same DNS records"},
	{"prometheus-operator/prometheus-operator", "an operator reconciles again when its pod returns, and nothing it manages stops meanwhile"},
	{"descheduler", "it only evicts pods, and two copies would evict twice"},
	{"cluster-proportional-autoscaler", "it only resizes its target, which keeps running meanwhile"},
}

// SingletonByDesign reports whether a container of the workload's template
// runs a program that is one replica by design without a leader election
// (external-dns, prometheus-operator, the descheduler, the
// cluster-proportional-autoscaler), and why.
func SingletonByDesign(w *Workload) (why string, ok bool) {
	if w.Template == nil {
		return "", false
	}
	for i := range w.Template.Spec.Containers {
		image := w.Template.Spec.Containers[i].Image
		for _, s := range singletons {
			if ImageMatches(image, []string{s.image}) {
				return s.why, true
			}
		}
	}
	return "", false
}
