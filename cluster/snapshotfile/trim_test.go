package snapshotfile

import (
	"bytes"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// A snapshot file written by another tool, with whole pods, is trimmed as
// it is read.
func TestReadSnapshotTrims(t *testing.T) {
	rs := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-abc", Controller: ptr.To(true)}
	pod := corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "a", OwnerReferences: []metav1.OwnerReference{rs}},
		Spec: corev1.PodSpec{
			Volumes:    []corev1.Volume{{Name: "kube-api-access"}},
			Containers: []corev1.Container{{Name: "web", Image: "web:1", Env: []corev1.EnvVar{{Name: "X", Value: "y"}}}},
		},
	}
	s := &cluster.Snapshot{SchemaVersion: cluster.SchemaVersion, Source: cluster.SourceLive, Pods: []corev1.Pod{pod},
		Nodes: []corev1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "n1"}, Status: corev1.NodeStatus{Images: []corev1.ContainerImage{{Names: []string{"x"}}}}}}}
	var buf bytes.Buffer
	if err := Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Pods[0].Spec.Containers[0].Env != nil || got.Pods[0].Spec.Volumes != nil || got.Nodes[0].Status.Images != nil {
		t.Errorf("read snapshot not trimmed")
	}
}

// A snapshot file keeps where a manifest's objects were read.
func TestSnapshotKeepsOrigins(t *testing.T) {
	s := &cluster.Snapshot{SchemaVersion: cluster.SchemaVersion, Source: cluster.SourceManifests,
		Roles:   []rbacv1.Role{{ObjectMeta: metav1.ObjectMeta{Name: "reader", Namespace: "default"}}},
		Origins: []cluster.Origin{{Kind: cluster.KindRoles, Namespace: "default", Name: "reader", File: "app.yaml", Line: 4}}}
	var buf bytes.Buffer
	if err := Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := got.OriginOf(cluster.KindRoles, "default", "reader"); !ok || o.File != "app.yaml" || o.Line != 4 {
		t.Errorf("OriginOf = %+v, %v after a round trip", o, ok)
	}
}
