package cluster

import (
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ReplicaSet is the part of an apps/v1 ReplicaSet seaworthy keeps: its
// metadata (ownerReferences name the Deployment that owns it), desired
// replicas and selector. Pods name their ReplicaSet in their own
// ownerReferences, so with these a pod maps to its Deployment without
// guessing from names. The pod template is dropped as the object arrives:
// a Deployment keeps up to ten old ReplicaSets, and their templates would
// double what a large cluster's workloads cost in memory. Its JSON is a
// subset of a ReplicaSet's, so a snapshot file reads as one.
type ReplicaSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              ReplicaSetSpec `json:"spec,omitempty"`
}

// ReplicaSetSpec is the kept part of appsv1.ReplicaSetSpec.
type ReplicaSetSpec struct {
	Replicas *int32                `json:"replicas,omitempty"`
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}

// ReplicaSetFrom keeps of rs what a ReplicaSet holds. The result shares
// rs's metadata and selector.
func ReplicaSetFrom(rs *appsv1.ReplicaSet) ReplicaSet {
	return ReplicaSet{
		TypeMeta:   rs.TypeMeta,
		ObjectMeta: rs.ObjectMeta,
		Spec:       ReplicaSetSpec{Replicas: rs.Spec.Replicas, Selector: rs.Spec.Selector},
	}
}

// decodeReplicaSet decodes a whole ReplicaSet, so that strict decoding
// still knows its fields, and keeps its metadata, replicas and selector.
func decodeReplicaSet(_ string, data []byte, dec DecodeFunc) (ReplicaSet, error) {
	var rs appsv1.ReplicaSet
	if err := dec(data, &rs); err != nil {
		return ReplicaSet{}, err
	}
	return ReplicaSetFrom(&rs), nil
}
