package controlplane

import (
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// Lease labels and names.
const (
	labelAPIServerIdentity = "apiserver.kubernetes.io/identity"
	labelComponent126      = "k8s.io/component"
	labelHostname          = corev1.LabelHostname
	leaseControllerManager = "kube-controller-manager"
	leaseScheduler         = "kube-scheduler"
)

// Signals the CP checks decide from.
const (
	signalIdentityLeases    = "identity-leases"
	signalStaticPods        = "static-pods"
	signalControlPlaneNodes = "control-plane-nodes"
	signalLeaderLease       = "leader-lease"
)

// isIdentityLease reports whether l is a kube-apiserver identity Lease
// (the current label or the 1.26 one).
func isIdentityLease(l *coordinationv1.Lease) bool {
	return l.Namespace == index.KubeSystem &&
		(l.Labels[labelAPIServerIdentity] == "kube-apiserver" || l.Labels[labelComponent126] == "kube-apiserver")
}

// leaseAge is how long before now the lease was last renewed (or acquired);
// ok is false when it has neither time. A renewal after now is a negative
// age: a little is clock skew, much means the snapshot's time (--now) is
// earlier than its data, and then freshness cannot be judged.
func leaseAge(l *coordinationv1.Lease, now time.Time) (time.Duration, bool) {
	var t time.Time
	switch {
	case l.Spec.RenewTime != nil:
		t = l.Spec.RenewTime.Time
	case l.Spec.AcquireTime != nil:
		t = l.Spec.AcquireTime.Time
	default:
		return 0, false
	}
	return now.Sub(t), true
}
