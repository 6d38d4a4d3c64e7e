package cluster

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ObjectPtr is a pointer to a typed API object: the constraint the kind
// descriptors and the sources' generic helpers put on *T.
type ObjectPtr[T any] interface {
	*T
	metav1.Object
}

// stripObject drops what seaworthy never reads and what costs most memory on
// large clusters: managedFields and the kubectl last-applied annotation.
// Templated pods and node image lists are trimmed next (trim.go).
func stripObject(o metav1.Object) {
	o.SetManagedFields(nil)
	if a := o.GetAnnotations(); a != nil {
		if _, ok := a[corev1.LastAppliedConfigAnnotation]; ok {
			delete(a, corev1.LastAppliedConfigAnnotation)
			if len(a) == 0 {
				o.SetAnnotations(nil)
			}
		}
	}
}

// sortByNamespaceName orders objects by namespace, then name, so live and
// offline snapshots of the same objects compare equal. The API server already
// returns etcd key order, which is this order, so the usual cost is one pass;
// comparisons go through pointers because objects such as Pods are large.
func sortByNamespaceName[T any, PT ObjectPtr[T]](items []T) {
	less := func(i, j int) bool {
		a, b := PT(&items[i]), PT(&items[j])
		if a.GetNamespace() != b.GetNamespace() {
			return a.GetNamespace() < b.GetNamespace()
		}
		return a.GetName() < b.GetName()
	}
	if !sort.SliceIsSorted(items, less) {
		sort.SliceStable(items, less)
	}
}

// Tidy drops from v, if it is an API object, what seaworthy never reads and
// what costs most memory on large clusters: managedFields and the kubectl
// last-applied annotation. Templated pods and node image lists are trimmed
// too (trim.go). Other values are left alone. Sources call it on each
// object as it arrives, so that memory holds only what is kept.
func Tidy(v any) {
	if o, ok := v.(metav1.Object); ok {
		stripObject(o)
	}
	trimObject(v)
}
