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

// convertedListers read the kinds that have no typed client but that
// seaworthy keeps typed (see cluster.APIService and
// cluster.VerticalPodAutoscaler), through the dynamic client.
var convertedListers = map[cluster.Kind]func(ctx context.Context, dyn dynamic.Interface, k *cluster.KindInfo, pageSize int64, s *cluster.Snapshot, page func(int)) error{
	cluster.KindAPIServices: listConverted[cluster.APIService],
	cluster.KindVPAs:        listConverted[cluster.VerticalPodAutoscaler],
}

// listConverted reads every object of k through the dynamic client and
// converts each to the stored type T (a kind without a typed client that
// seaworthy keeps typed: APIServices, VerticalPodAutoscalers), with the
// same paging, stripping and sorting as the typed listers. Fields T does
// not have are dropped.
func listConverted[T any, PT cluster.ObjectPtr[T]](ctx context.Context, dyn dynamic.Interface, k *cluster.KindInfo, pageSize int64, s *cluster.Snapshot, page func(int)) error {
	list := func(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
		return dyn.Resource(k.GVR).List(ctx, opts)
	}
	all, err := listPages[unstructured.Unstructured](ctx, list,
		func(l *unstructured.UnstructuredList) []unstructured.Unstructured { return l.Items }, pageSize, page)
	if err != nil {
		return err
	}
	out := make([]T, len(all))
	for i := range all {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(all[i].Object, PT(&out[i])); err != nil {
			return fmt.Errorf("decode %s %s: %w", k.Name, all[i].GetName(), err)
		}
		cluster.Tidy(PT(&out[i]))
	}
	cluster.ListStore[T](k.Kind)(s, out)
	return nil
}
