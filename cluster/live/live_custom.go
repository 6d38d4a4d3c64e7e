package live

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// listCustom reads every object of a custom resource kind through the
// dynamic client, with the same paging, stripping and sorting as the typed
// listers.
func listCustom(ctx context.Context, dyn dynamic.Interface, k *cluster.KindInfo, pageSize int64, s *cluster.Snapshot, page func(int)) error {
	list := func(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
		return dyn.Resource(k.GVR).List(ctx, opts)
	}
	all, err := listPages[unstructured.Unstructured](ctx, list,
		func(l *unstructured.UnstructuredList) []unstructured.Unstructured { return l.Items }, pageSize, page)
	if err != nil {
		return err
	}
	cluster.ListStore[unstructured.Unstructured](k.Kind)(s, all)
	return nil
}
