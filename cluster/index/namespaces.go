package index

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// NamespacesInUse returns, sorted, every namespace the snapshot knows of:
// its Namespace objects and the namespace of every namespaced object
// (manifests often carry no Namespace objects). An object without a
// namespace names none; the sources' finishing step gives such objects
// their effective namespace before the index sees them. The slice is
// shared: do not change it.
func (ix *Index) NamespacesInUse() []string {
	ix.namespacesOnce.Do(func() {
		s := ix.snap
		set := make(map[string]struct{}, len(s.Namespaces))
		for i := range s.Namespaces {
			set[s.Namespaces[i].Name] = struct{}{}
		}
		addObjectNamespaces(set, s)
		delete(set, "")
		out := make([]string, 0, len(set))
		for ns := range set {
			out = append(out, ns)
		}
		sort.Strings(out)
		ix.namespaces = out
	})
	return ix.namespaces
}

// NamespaceTerminating reports whether ns is being deleted: phase
// Terminating or a deletionTimestamp set.
func NamespaceTerminating(ns *corev1.Namespace) bool {
	return ns.Status.Phase == corev1.NamespaceTerminating || ns.DeletionTimestamp != nil
}

// addObjectNamespaces adds the namespace of every namespaced object of s to
// set, walking the kind table, so a new kind is counted without a change
// here.
func addObjectNamespaces(set map[string]struct{}, s *cluster.Snapshot) {
	for i := range cluster.Kinds {
		k := &cluster.Kinds[i]
		if !k.Namespaced {
			continue
		}
		last := "\x00"
		k.Each(s, func(obj metav1.Object) {
			if ns := obj.GetNamespace(); ns != last { // objects arrive grouped by namespace
				last = ns
				set[ns] = struct{}{}
			}
		})
	}
}

// OutsideUserNamespaces returns the namespaces that checks of user
// workloads leave out: the system and excluded ones given, and those
// being deleted.
func (ix *Index) OutsideUserNamespaces(system, exclude []string) map[string]bool {
	skip := make(map[string]bool, len(system)+len(exclude))
	for _, n := range system {
		skip[n] = true
	}
	for _, n := range exclude {
		skip[n] = true
	}
	s := ix.Snapshot()
	for i := range s.Namespaces {
		if NamespaceTerminating(&s.Namespaces[i]) {
			skip[s.Namespaces[i].Name] = true
		}
	}
	return skip
}
