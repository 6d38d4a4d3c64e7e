package quota

import (
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// nsScope decides which namespaces the QUOTA checks evaluate.
type nsScope struct {
	skip map[string]bool // system, excluded and terminating namespaces
}

func newNSScope(ix *index.Index, o *Options) nsScope {
	skip := make(map[string]bool, len(o.SystemNamespaces)+len(o.ExcludeNamespaces))
	for _, n := range o.SystemNamespaces {
		skip[n] = true
	}
	for _, n := range o.ExcludeNamespaces {
		skip[n] = true
	}
	s := ix.Snapshot()
	for i := range s.Namespaces {
		if ns := &s.Namespaces[i]; index.NamespaceTerminating(ns) {
			skip[ns.Name] = true
		}
	}
	return nsScope{skip: skip}
}

// user reports whether ns is a user namespace.
func (sc nsScope) user(ns string) bool { return !sc.skip[ns] }

// userNamespaces returns the sorted user namespaces: every namespace in
// use (index.NamespacesInUse) minus the scope's skipped ones.
func userNamespaces(ix *index.Index, sc nsScope) []string {
	all := ix.NamespacesInUse()
	out := make([]string, 0, len(all))
	for _, ns := range all {
		if sc.user(ns) {
			out = append(out, ns)
		}
	}
	return out
}

func namespaceRef(ns string) result.ObjectRef { return result.Ref("v1", "Namespace", "", ns) }

// noUserNamespaces is the single result of a per-namespace check on a
// cluster without user namespaces.
func noUserNamespaces() []result.Result {
	return []result.Result{result.New(result.StatusNA, result.Cluster, "no user namespaces to evaluate (only system or excluded namespaces)", nil)}
}
