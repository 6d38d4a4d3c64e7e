package controlplane

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// customObjects returns the snapshot's objects of one custom resource kind.
var customObjects = map[cluster.Kind]func(*cluster.Snapshot) []unstructured.Unstructured{
	cluster.KindVeleroSchedules:   func(s *cluster.Snapshot) []unstructured.Unstructured { return s.VeleroSchedules },
	cluster.KindVeleroBackups:     func(s *cluster.Snapshot) []unstructured.Unstructured { return s.VeleroBackups },
	cluster.KindETCDSnapshotFiles: func(s *cluster.Snapshot) []unstructured.Unstructured { return s.ETCDSnapshotFiles },
	cluster.KindClusterVersions:   func(s *cluster.Snapshot) []unstructured.Unstructured { return s.ClusterVersions },
	cluster.KindVPAs: func(s *cluster.Snapshot) []unstructured.Unstructured {
		return typedAsUnstructured(s.VPAs, cluster.KindVPAs)
	},
}

// typedAsUnstructured converts the objects of a custom resource kind that
// the snapshot keeps typed (VerticalPodAutoscalers) for the dynamic
// client, with their apiVersion and kind set.
func typedAsUnstructured[T any](items []T, kind cluster.Kind) []unstructured.Unstructured {
	k, _ := cluster.InfoFor(kind)
	out := make([]unstructured.Unstructured, len(items))
	for i := range items {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&items[i])
		if err != nil {
			panic(fmt.Sprintf("convert %s: %v", kind, err)) // a typed API object always converts
		}
		out[i].Object = m
		out[i].SetAPIVersion(k.GVR.GroupVersion().String())
		out[i].SetKind(k.Name)
	}
	return out
}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// customTasks installs a CustomResourceDefinition for each custom resource
// kind (cluster.KindInfo.Optional) the snapshot holds objects of, waits
// until the API server serves it, and returns one task per object that
// creates it. The definitions keep any field and have no status
// subresource, so an object is stored with the status it is loaded with,
// as for a built-in kind whose status is written after it.
func customTasks(ctx context.Context, dyn dynamic.Interface, snap *cluster.Snapshot) ([]task, error) {
	var kinds []*cluster.KindInfo
	for i := range cluster.Kinds {
		k := &cluster.Kinds[i]
		if k.Optional && k.Count(snap) > 0 {
			if customObjects[k.Kind] == nil {
				return nil, fmt.Errorf("load: the snapshot holds %s objects, which this loader cannot write", k.Name)
			}
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return nil, nil
	}
	if dyn == nil {
		return nil, fmt.Errorf("load: the snapshot holds custom resources (%s), which need LoadOptions.Dynamic", kinds[0].Name)
	}
	for _, k := range kinds {
		if err := installCRD(ctx, dyn, k); err != nil {
			return nil, err
		}
	}
	var tasks []task
	for _, k := range kinds {
		items := customObjects[k.Kind](snap)
		for i := range items {
			want := &items[i]
			tasks = append(tasks, func(ctx context.Context) error {
				obj := want.DeepCopy()
				obj.SetResourceVersion("")
				obj.SetUID("")
				obj.SetCreationTimestamp(metav1.Time{})
				obj.SetGeneration(0)
				obj.SetManagedFields(nil)
				var r dynamic.ResourceInterface = dyn.Resource(k.GVR)
				if k.Namespaced {
					r = dyn.Resource(k.GVR).Namespace(obj.GetNamespace())
				}
				_, err := r.Create(ctx, obj, metav1.CreateOptions{})
				if apierrors.IsAlreadyExists(err) {
					return nil
				}
				return describe(want, err)
			})
		}
	}
	return tasks, nil
}

// installCRD creates a schemaless definition for k and waits until objects
// of it can be listed.
func installCRD(ctx context.Context, dyn dynamic.Interface, k *cluster.KindInfo) error {
	scope := "Cluster"
	if k.Namespaced {
		scope = "Namespaced"
	}
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1",
		"kind":       "CustomResourceDefinition",
		"metadata":   map[string]any{"name": k.GVR.Resource + "." + k.GVR.Group},
		"spec": map[string]any{
			"group": k.GVR.Group,
			"scope": scope,
			"names": map[string]any{
				"plural":   k.GVR.Resource,
				"singular": strings.ToLower(k.Name),
				"kind":     k.Name,
				"listKind": k.Name + "List",
			},
			"versions": []any{map[string]any{
				"name": k.GVR.Version, "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object", "x-kubernetes-preserve-unknown-fields": true,
				}},
			}},
		},
	}}
	// The API server refuses definitions in the protected k8s.io and
	// kubernetes.io groups (the VPA's autoscaling.k8s.io) without an
	// api-approved.kubernetes.io annotation; "unapproved" is accepted.
	if g := k.GVR.Group; g == "k8s.io" || g == "kubernetes.io" || strings.HasSuffix(g, ".k8s.io") || strings.HasSuffix(g, ".kubernetes.io") {
		crd.SetAnnotations(map[string]string{"api-approved.kubernetes.io": "unapproved, a test definition"})
	}
	if _, err := dyn.Resource(crdGVR).Create(ctx, crd, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("load: install the %s definition: %w", k.Name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := dyn.Resource(k.GVR).List(ctx, metav1.ListOptions{Limit: 1})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("load: %s is not served after installing its definition: %w", k.GVR, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
