package workload

import (
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

// floor is the fewest replicas a workload runs (index.ReplicaFloor).
func floor(ix *index.Index, w *index.Workload) (n int, hpa string) { return ix.ReplicaFloor(w) }

// leaderElected reports whether the workload turns leader election on
// (index.LeaderElected).
func leaderElected(w *index.Workload) bool { return index.LeaderElected(w) }

// singletonByDesign is why the workload runs one replica by design without
// a leader election (index.SingletonByDesign), or "".
func singletonByDesign(w *index.Workload) string {
	why, _ := index.SingletonByDesign(w)
	return why
}
