package index

import (
	"strings"
)

// ReplicaFloor is the fewest replicas a workload runs: the minReplicas
// (default 1) of the first HorizontalPodAutoscaler naming it (HPAsFor),
// else spec.replicas. hpa is that HPA's name, "" without one.
func (ix *Index) ReplicaFloor(w *Workload) (n int, hpa string) {
	hs := ix.HPAsFor(w)
	if len(hs) == 0 {
		return w.Replicas, ""
	}
	n = 1
	if m := hs[0].Spec.MinReplicas; m != nil {
		n = int(*m)
	}
	return n, hs[0].Name
}

// LeaderElected reports whether a container of the workload's template
// turns leader election on through its command or args: a flag named
// leader-elect* or enable-leader-elect* in kebab, snake or camel case
// (--leader-elect, --leader-election-namespace=kube-system,
// --enable-leader-election, --leaderElectionRetryPeriod=2s) whose value is
// not false. A flag that tunes the election is taken as a sign of one:
// programs that always elect a leader expose only such flags.
func LeaderElected(w *Workload) bool {
	for i := range w.Template.Spec.Containers {
		for _, tok := range CommandTokens(&w.Template.Spec.Containers[i]) {
			name, value, hasValue := strings.Cut(strings.TrimLeft(tok, "-"), "=")
			if !strings.HasPrefix(tok, "-") {
				continue
			}
			name = strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(name))
			if strings.HasPrefix(name, "leaderelect") || strings.HasPrefix(name, "enableleaderelect") {
				if !hasValue || value != "false" {
					return true
				}
			}
		}
	}
	return false
}

// ImageRepository is an image reference without its registry host, tag or
// digest: "registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:..." is
// "ingress-nginx/controller", "nginx:1.27" is "nginx". The first path
// element is a registry host when it holds a dot or a colon or is
// localhost, as the container runtimes read it.
func ImageRepository(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	if host, rest, ok := strings.Cut(image, "/"); ok && (strings.ContainsAny(host, ".:") || host == "localhost") {
		image = rest
	}
	return image
}

// ImageName is the last path element of ImageRepository:
// "registry.k8s.io/metrics-server/metrics-server:v0.7.2" is
// "metrics-server".
func ImageName(image string) string {
	r := ImageRepository(image)
	return r[strings.LastIndex(r, "/")+1:]
}

// ImageMatches reports whether the image is one of patterns: a pattern
// with a slash matches the end of the image's repository path
// (ImageRepository: "ingress-nginx/controller" matches
// registry.k8s.io/ingress-nginx/controller), one without matches its last
// element (ImageName).
func ImageMatches(image string, patterns []string) bool {
	repo, name := ImageRepository(image), ImageName(image)
	for _, p := range patterns {
		if strings.Contains(p, "/") {
			if repo == p || strings.HasSuffix(repo, "/"+p) {
				return true
			}
		} else if name == p {
			return true
		}
	}
	return false
}
