package index

import (
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// Cluster DNS is the kube-system Deployment(s) labelled k8s-app=kube-dns,
// which is how kubeadm, k3s, EKS, AKS and GKE label both CoreDNS and the
// legacy kube-dns.
const (
	DNSNamespace = KubeSystem
	DNSAppLabel  = "k8s-app"
	DNSAppValue  = "kube-dns"
	// podNamespaceEnv is where the cluster-proportional-autoscaler reads
	// its namespace when --namespace is not given.
	podNamespaceEnv = "MY_POD_NAMESPACE"
)

type dnsFacts struct {
	active, idle []*Workload
}

// DNS returns the cluster DNS Deployments sorted by name. When at least one
// has replicas, those scaled to 0 are returned as idle; when none has, all
// are active so that DNS-001 fails on them.
func (ix *Index) DNS() (active, idle []*Workload) {
	ix.dnsOnce.Do(func() {
		var all []*Workload
		for _, w := range ix.Workloads() {
			if w.Kind == KindDeployment && w.Namespace == DNSNamespace && w.Labels[DNSAppLabel] == DNSAppValue {
				all = append(all, w)
			}
		}
		slices.SortFunc(all, func(a, b *Workload) int { return strings.Compare(a.Name, b.Name) })
		for _, w := range all {
			if w.Replicas > 0 {
				ix.dns.active = append(ix.dns.active, w)
			} else {
				ix.dns.idle = append(ix.dns.idle, w)
			}
		}
		if len(ix.dns.active) == 0 {
			ix.dns.active, ix.dns.idle = ix.dns.idle, nil
		}
	})
	return ix.dns.active, ix.dns.idle
}

// ProportionalAutoscaler is one cluster-proportional-autoscaler Deployment
// targeting a workload, with the flags it runs with.
type ProportionalAutoscaler struct {
	Deployment *appsv1.Deployment
	// Namespace is where it scales and reads its ConfigMap.
	Namespace     string
	ConfigMap     string
	DefaultParams string
	NodeLabels    string
}

// Name is "namespace/name" of the autoscaler's Deployment.
func (a ProportionalAutoscaler) Name() string {
	return a.Deployment.Namespace + "/" + a.Deployment.Name
}

// ProportionalAutoscalers returns the cluster-proportional-autoscalers
// whose --target names the Deployment w, sorted by namespace and name, and
// the names of those that do but are scaled to 0.
func (ix *Index) ProportionalAutoscalers(w *Workload) (running []ProportionalAutoscaler, stopped []string) {
	deps := ix.snap.Deployments
	for i := range deps {
		a := &deps[i]
		if a == w.Deployment {
			continue
		}
		for j := range a.Spec.Template.Spec.Containers {
			c := &a.Spec.Template.Spec.Containers[j]
			if !mentions(c, "--target") {
				continue // not an autoscaler: skip parsing its command line
			}
			flags := ContainerFlags(c, a.Namespace)
			target := flags.Get("target")
			if target == "" || !targetsDeployment(target, w.Name) {
				continue
			}
			ns := flags.Get("namespace")
			if ns == "" {
				ns, _ = EnvValue(c, podNamespaceEnv, a.Namespace)
			}
			if ns == "" {
				ns = a.Namespace
			}
			if ns != w.Namespace {
				continue
			}
			found := ProportionalAutoscaler{Deployment: a, Namespace: ns, ConfigMap: flags.Get("configmap"),
				DefaultParams: flags.Get("default-params"), NodeLabels: flags.Get("nodelabels")}
			if replicas(a.Spec.Replicas) == 0 {
				stopped = append(stopped, found.Name())
			} else {
				running = append(running, found)
			}
			break
		}
	}
	slices.SortFunc(running, func(a, b ProportionalAutoscaler) int { return strings.Compare(a.Name(), b.Name()) })
	slices.Sort(stopped)
	return running, stopped
}

// targetsDeployment reports whether a --target value (kind/name, possibly a
// comma-separated list, case-insensitive) names the Deployment name.
func targetsDeployment(target, name string) bool {
	for _, t := range strings.Split(strings.ToLower(target), ",") {
		kind, n, ok := strings.Cut(strings.TrimSpace(t), "/")
		if !ok || n != strings.ToLower(name) {
			continue
		}
		parts := strings.Split(kind, ".")
		if parts[0] != "deployment" && parts[0] != "deployments" {
			continue
		}
		if len(parts) > 1 && parts[len(parts)-1] != "apps" {
			continue
		}
		return true
	}
	return false
}

// mentions reports whether any of a container's command or args contains s.
func mentions(c *corev1.Container, s string) bool {
	for _, list := range [][]string{c.Command, c.Args} {
		for _, t := range list {
			if strings.Contains(t, s) {
				return true
			}
		}
	}
	return false
}
