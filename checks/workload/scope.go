package workload

import (
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// scope decides which namespaces the WL checks judge.
type scope struct {
	skip map[string]bool
}

func newScope(ix *index.Index, o *Options) scope {
	skip := ix.OutsideUserNamespaces(o.SystemNamespaces, o.ExcludeNamespaces)
	if o.ExemptInfrastructure {
		for _, in := range ix.InfrastructureNamespaces() {
			skip[in.Namespace] = true
		}
	}
	return scope{skip: skip}
}

// user reports whether the WL checks judge namespace ns.
func (sc scope) user(ns string) bool { return !sc.skip[ns] }

// workloads returns the Deployments and StatefulSets of user namespaces,
// in the index's order.
func (sc scope) workloads(in *check.Input) []*index.Workload {
	var out []*index.Workload
	for _, w := range in.Index.Workloads() {
		if (w.Kind == index.KindDeployment || w.Kind == index.KindStatefulSet) && sc.user(w.Namespace) {
			out = append(out, w)
		}
	}
	return out
}

// floor is the fewest replicas a workload runs: the minReplicas (default
// 1) of the first HPA naming it, else spec.replicas. hpa is that HPA's
// name, "" without one.
func floor(ix *index.Index, w *index.Workload) (n int, hpa string) {
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

// leaderElected reports whether a container of the workload's template
// turns leader election on through its command or args: a flag named
// leader-elect* or enable-leader-elect* (--leader-elect,
// --leader-election-namespace=kube-system, --enable-leader-election) whose
// value is not false.
func leaderElected(w *index.Workload) bool {
	for i := range w.Template.Spec.Containers {
		for _, tok := range index.CommandTokens(&w.Template.Spec.Containers[i]) {
			name, value, hasValue := strings.Cut(strings.TrimLeft(tok, "-"), "=")
			if !strings.HasPrefix(tok, "-") {
				continue
			}
			if strings.HasPrefix(name, "leader-elect") || strings.HasPrefix(name, "enable-leader-elect") {
				if !hasValue || value != "false" {
					return true
				}
			}
		}
	}
	return false
}
