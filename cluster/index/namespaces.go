package index

import (
	"sort"

	corev1 "k8s.io/api/core/v1"

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

// namespaced is satisfied by a pointer to every namespaced API type.
type namespaced interface{ GetNamespace() string }

// addNamespaces adds the namespace of every object in objs to set.
func addNamespaces[T any, P interface {
	*T
	namespaced
}](set map[string]struct{}, objs []T) {
	last := "\x00"
	for i := range objs {
		ns := P(&objs[i]).GetNamespace()
		if ns == last { // objects usually arrive grouped by namespace
			continue
		}
		last = ns
		set[ns] = struct{}{}
	}
}

// addObjectNamespaces adds the namespace of every namespaced object of s to
// set (TestQuotaUserNamespacesCoverEveryNamespacedKind in checks/quota fails
// when a namespaced kind is missing here).
func addObjectNamespaces(set map[string]struct{}, s *cluster.Snapshot) {
	// one entry per namespaced kind; replaced by the kind table's walk
	addNamespaces(set, s.Pods)
	addNamespaces(set, s.Services)
	addNamespaces(set, s.ServiceAccounts)
	addNamespaces(set, s.ResourceQuotas)
	addNamespaces(set, s.LimitRanges)
	addNamespaces(set, s.ConfigMaps)
	addNamespaces(set, s.Deployments)
	addNamespaces(set, s.StatefulSets)
	addNamespaces(set, s.DaemonSets)
	addNamespaces(set, s.Jobs)
	addNamespaces(set, s.CronJobs)
	addNamespaces(set, s.HPAs)
	addNamespaces(set, s.PDBs)
	addNamespaces(set, s.Roles)
	addNamespaces(set, s.RoleBindings)
	addNamespaces(set, s.Leases)
	addNamespaces(set, s.Ingresses)
	addNamespaces(set, s.VeleroSchedules)
	addNamespaces(set, s.VeleroBackups)
}
