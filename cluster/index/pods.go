package index

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

type podFacts struct {
	byNamespace map[string][]*corev1.Pod
}

// ownerFacts maps a controlling workload to its pods.
type ownerFacts struct {
	byOwner map[workloadKey][]*corev1.Pod
}

// workloadKey names a workload without building a string per pod.
type workloadKey struct{ kind, namespace, name string }

func (ix *Index) podFacts() *podFacts {
	ix.podsOnce.Do(func() {
		f := &ix.pods
		f.byNamespace = map[string][]*corev1.Pod{}
		pods := ix.snap.Pods
		for i := range pods {
			p := &pods[i]
			f.byNamespace[p.Namespace] = append(f.byNamespace[p.Namespace], p)
		}
	})
	return &ix.pods
}

func (ix *Index) ownerFacts() *ownerFacts {
	ix.ownersOnce.Do(func() {
		f := &ix.owners
		f.byOwner = map[workloadKey][]*corev1.Pod{}
		rsOwner := ix.replicaSetOwners()
		pods := ix.snap.Pods
		for i := range pods {
			p := &pods[i]
			if k, ok := ownerKey(p, rsOwner); ok {
				f.byOwner[k] = append(f.byOwner[k], p)
			}
		}
	})
	return &ix.owners
}

// replicaSetOwners maps every ReplicaSet of the snapshot to the Deployment
// controlling it, or to "" when no Deployment does (a bare or orphaned
// ReplicaSet).
func (ix *Index) replicaSetOwners() map[workloadKey]string {
	m := make(map[workloadKey]string, len(ix.snap.ReplicaSets))
	for i := range ix.snap.ReplicaSets {
		rs := &ix.snap.ReplicaSets[i]
		owner := ""
		if c := metav1.GetControllerOfNoCopy(rs); c != nil && c.Kind == KindDeployment {
			owner = c.Name
		}
		m[workloadKey{KindReplicaSet, rs.Namespace, rs.Name}] = owner
	}
	return m
}

// ownerKey names the workload controlling p: its controller owner, and for
// a ReplicaSet the Deployment controlling that ReplicaSet, as the
// ReplicaSet's own ownerReferences say. Only when the ReplicaSet is not in
// the snapshot (manifests, or a snapshot taken before ReplicaSets were
// read) is the Deployment taken from the name the Deployment controller
// gives its ReplicaSets: deployment-name + "-" + the pod's
// pod-template-hash label.
func ownerKey(p *corev1.Pod, rsOwner map[workloadKey]string) (workloadKey, bool) {
	c := metav1.GetControllerOfNoCopy(p)
	if c == nil {
		return workloadKey{}, false
	}
	k := workloadKey{c.Kind, p.Namespace, c.Name}
	if c.Kind != KindReplicaSet {
		return k, true
	}
	if d, ok := rsOwner[k]; ok {
		if d == "" {
			return k, true // a ReplicaSet no Deployment controls
		}
		return workloadKey{KindDeployment, p.Namespace, d}, true
	}
	if h := p.Labels["pod-template-hash"]; h != "" && len(c.Name) > len(h)+1 && c.Name[len(c.Name)-len(h)-1] == '-' && c.Name[len(c.Name)-len(h):] == h {
		return workloadKey{KindDeployment, p.Namespace, c.Name[:len(c.Name)-len(h)-1]}, true
	}
	return k, true
}

// PodsIn returns the pods of a namespace, in snapshot order.
func (ix *Index) PodsIn(namespace string) []*corev1.Pod { return ix.podFacts().byNamespace[namespace] }

// PodsLabelled returns the pods of a namespace whose label key is value.
func (ix *Index) PodsLabelled(namespace, key, value string) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range ix.PodsIn(namespace) {
		if p.Labels[key] == value {
			out = append(out, p)
		}
	}
	return out
}

// PodsSelected returns the pods of a namespace that sel matches.
func (ix *Index) PodsSelected(namespace string, sel labels.Selector) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range ix.PodsIn(namespace) {
		if sel.Matches(labels.Set(p.Labels)) {
			out = append(out, p)
		}
	}
	return out
}

// PodsOwnedBy returns the pods a workload controls, through their owner
// references (a Deployment's through its ReplicaSets).
func (ix *Index) PodsOwnedBy(w *Workload) []*corev1.Pod {
	return ix.ownerFacts().byOwner[workloadKey{w.Kind, w.Namespace, w.Name}]
}

// ComponentPods returns the kube-system pods of a control-plane component:
// labelled component=NAME (kubeadm, rke2) or k8s-app=NAME (kops).
func (ix *Index) ComponentPods(name string) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range ix.PodsIn(KubeSystem) {
		if p.Labels["component"] == name || p.Labels["k8s-app"] == name {
			out = append(out, p)
		}
	}
	return out
}

// PodRunning reports whether a pod counts as running for the control-plane
// checks: not finished or pending, and not reported unready. A pod read
// from a manifest without status counts: it describes a pod that exists.
func PodRunning(p *corev1.Pod) bool {
	switch p.Status.Phase {
	case corev1.PodFailed, corev1.PodSucceeded, corev1.PodPending:
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionFalse {
			return false
		}
	}
	return true
}

// PodReady reports whether a pod is running, reported Ready and not
// terminating: what serves traffic. Unlike PodRunning, a pod without a
// Ready condition is not ready.
func PodReady(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// ControllerOf names the workload controlling p as PodsOwnedBy groups pods:
// its controller owner, and a Deployment for a ReplicaSet a Deployment
// controls. ok is false for a pod no controller owns.
func (ix *Index) ControllerOf(p *corev1.Pod) (kind, name string, ok bool) {
	ix.rsOwnersOnce.Do(func() { ix.rsOwners = ix.replicaSetOwners() })
	k, ok := ownerKey(p, ix.rsOwners)
	return k.kind, k.name, ok
}
