package cluster

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// Ref names an object of this kind in results, with the kind's preferred
// apiVersion ("apps/v1") and its object kind name ("Deployment"). A
// cluster-scoped kind ignores namespace.
func (k *KindInfo) Ref(namespace, name string) result.ObjectRef {
	if !k.Namespaced {
		namespace = ""
	}
	return result.Ref(k.GVR.GroupVersion().String(), k.Name, namespace, name)
}

// RefOf names an object of kind in results (see KindInfo.Ref). kind must
// be one of the Kind* constants of the kind table.
func RefOf(kind Kind, namespace, name string) result.ObjectRef {
	k, ok := InfoFor(kind)
	if !ok {
		panic(fmt.Sprintf("cluster.RefOf: %s is not in the kind table", kind))
	}
	return k.Ref(namespace, name)
}
