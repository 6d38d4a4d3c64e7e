package cluster

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// customStores maps each Optional (custom resource) kind to the Snapshot
// field that holds it.
var customStores = map[Kind]func(*Snapshot, []unstructured.Unstructured){
	KindVeleroSchedules:   func(s *Snapshot, v []unstructured.Unstructured) { s.VeleroSchedules = v },
	KindVeleroBackups:     func(s *Snapshot, v []unstructured.Unstructured) { s.VeleroBackups = v },
	KindETCDSnapshotFiles: func(s *Snapshot, v []unstructured.Unstructured) { s.ETCDSnapshotFiles = v },
	KindClusterVersions:   func(s *Snapshot, v []unstructured.Unstructured) { s.ClusterVersions = v },
}

// listCustom reads every object of a custom resource kind through the
// dynamic client, with the same paging, stripping and sorting as the typed
// listers.
func listCustom(ctx context.Context, dyn dynamic.Interface, k *KindInfo, pageSize int64, s *Snapshot, page func(int)) error {
	list := func(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
		return dyn.Resource(k.GVR).List(ctx, opts)
	}
	all, err := listPages[unstructured.Unstructured](ctx, list,
		func(l *unstructured.UnstructuredList) []unstructured.Unstructured { return l.Items }, pageSize, page)
	if err != nil {
		return err
	}
	sortByNamespaceName(all)
	customStores[k.Kind](s, all)
	return nil
}
