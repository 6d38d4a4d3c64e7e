package live

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
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

// listAPIServices reads every APIService through the dynamic client (the
// typed clientset has none; see cluster.APIService) and converts each to
// the stored type, with the same paging, stripping and sorting as the
// typed listers.
func listAPIServices(ctx context.Context, dyn dynamic.Interface, k *cluster.KindInfo, pageSize int64, s *cluster.Snapshot, page func(int)) error {
	list := func(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
		return dyn.Resource(k.GVR).List(ctx, opts)
	}
	all, err := listPages[unstructured.Unstructured](ctx, list,
		func(l *unstructured.UnstructuredList) []unstructured.Unstructured { return l.Items }, pageSize, page)
	if err != nil {
		return err
	}
	out := make([]cluster.APIService, len(all))
	for i := range all {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(all[i].Object, &out[i]); err != nil {
			return fmt.Errorf("decode apiservice %s: %w", all[i].GetName(), err)
		}
		cluster.Tidy(&out[i])
	}
	cluster.ListStore[cluster.APIService](k.Kind)(s, out)
	return nil
}
