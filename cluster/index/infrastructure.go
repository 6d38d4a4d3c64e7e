package index

import (
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Priority classes every cluster has, for pods the node or the cluster
// cannot run without.
const (
	PrioritySystemNodeCritical    = "system-node-critical"
	PrioritySystemClusterCritical = "system-cluster-critical"
)

// infrastructureListed is the most workloads Infrastructure names per
// namespace.
const infrastructureListed = 5

// Infrastructure is a namespace that runs node-level infrastructure (a CNI,
// a load balancer's speakers, their operators), and what shows it.
type Infrastructure struct {
	// Namespace is the namespace's name.
	Namespace string
	// Agent is true when a node agent shows it (rule 1 of
	// InfrastructureNamespaces), false when every workload in it is
	// node-level (rule 2).
	Agent bool
	// Workloads name, sorted, up to five of the workloads that show it, as
	// "DaemonSet/calico-node: hostNetwork, system-node-critical": the node
	// agents for rule 1, the node-level workloads for rule 2.
	Workloads []string
}

// InfrastructureNamespaces returns, sorted by name, the namespaces that
// run node-level infrastructure. A namespace does when
//
//  1. it holds a node agent: a DaemonSet whose pods run on the host
//     network (spec.hostNetwork) or at priority system-node-critical
//     (calico-node, cilium, kube-flannel, MetalLB's speaker), or
//  2. it holds workloads and every one of them is node-level: a DaemonSet
//     (or a pod a DaemonSet controls), or a long-running pod spec on the
//     host network or at priority system-node-critical or
//     system-cluster-critical (tigera-operator's Deployment). Jobs,
//     CronJobs and their pods are never node-level: a backup CronJob on
//     the host network is an ordinary workload.
//
// Workloads are the Deployments, StatefulSets, DaemonSets, Jobs, CronJobs
// and Pods of the snapshot, each judged by its own pod spec. Such a
// namespace grows with the nodes, not with a tenant's choices: a pod per
// node, each needed for the node to work.
//
// It is computed once (one pass over the workloads and pods); callers must
// not change what it returns.
func (ix *Index) InfrastructureNamespaces() []Infrastructure {
	ix.infraOnce.Do(func() { ix.infra = ix.infrastructureNamespaces() })
	return ix.infra
}

func (ix *Index) infrastructureNamespaces() []Infrastructure {
	type nsFacts struct {
		workloads, nodeLevel int
		agents, levels       []string
	}
	facts := map[string]*nsFacts{}
	// add counts one workload; a run-to-completion one (a Job, a CronJob,
	// their pods) is never node-level, whatever its pod spec says.
	add := func(kind string, m *metav1.ObjectMeta, spec *corev1.PodSpec, daemon, runToCompletion bool) {
		f := facts[m.Namespace]
		if f == nil {
			f = &nsFacts{}
			facts[m.Namespace] = f
		}
		f.workloads++
		if runToCompletion {
			return
		}
		signals := nodeSignals(spec)
		if daemon && kind == KindDaemonSet && (spec.HostNetwork || spec.PriorityClassName == PrioritySystemNodeCritical) {
			f.agents = append(f.agents, describeWorkload(kind, m.Name, signals))
		}
		if daemon || len(signals) > 0 {
			f.nodeLevel++
			if kind == "Pod" && len(signals) == 0 {
				signals = []string{"controlled by a DaemonSet"}
			}
			f.levels = append(f.levels, describeWorkload(kind, m.Name, signals))
		}
	}
	s := ix.snap
	for i := range s.Deployments {
		d := &s.Deployments[i]
		add(KindDeployment, &d.ObjectMeta, &d.Spec.Template.Spec, false, false)
	}
	for i := range s.StatefulSets {
		d := &s.StatefulSets[i]
		add(KindStatefulSet, &d.ObjectMeta, &d.Spec.Template.Spec, false, false)
	}
	for i := range s.DaemonSets {
		d := &s.DaemonSets[i]
		add(KindDaemonSet, &d.ObjectMeta, &d.Spec.Template.Spec, true, false)
	}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		add("Job", &j.ObjectMeta, &j.Spec.Template.Spec, false, true)
	}
	for i := range s.CronJobs {
		c := &s.CronJobs[i]
		add("CronJob", &c.ObjectMeta, &c.Spec.JobTemplate.Spec.Template.Spec, false, true)
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		c := metav1.GetControllerOfNoCopy(p)
		add("Pod", &p.ObjectMeta, &p.Spec, c != nil && c.Kind == KindDaemonSet, c != nil && c.Kind == "Job")
	}

	var out []Infrastructure
	for ns, f := range facts {
		switch {
		case len(f.agents) > 0:
			out = append(out, Infrastructure{Namespace: ns, Agent: true, Workloads: listed(f.agents)})
		case f.workloads > 0 && f.nodeLevel == f.workloads:
			out = append(out, Infrastructure{Namespace: ns, Workloads: listed(f.levels)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace < out[j].Namespace })
	return out
}

// nodeSignals names what makes a pod spec node-level: "hostNetwork" and
// a system-critical priority class.
func nodeSignals(spec *corev1.PodSpec) []string {
	var out []string
	if spec.HostNetwork {
		out = append(out, "hostNetwork")
	}
	if p := spec.PriorityClassName; p == PrioritySystemNodeCritical || p == PrioritySystemClusterCritical {
		out = append(out, p)
	}
	return out
}

func describeWorkload(kind, name string, signals []string) string {
	d := kind + "/" + name
	for i, s := range signals {
		if i == 0 {
			d += ": " + s
		} else {
			d += ", " + s
		}
	}
	return d
}

// listed sorts names and keeps the first infrastructureListed.
func listed(names []string) []string {
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) > infrastructureListed {
		names = names[:infrastructureListed]
	}
	return names
}
