package node

import (
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the node checks.
const Category = "Nodes"

// Options are the node checks' thresholds.
type Options struct {
	// NotReadyGrace is how long a node may have been not Ready (its Ready
	// condition's lastTransitionTime before the snapshot time) before
	// NODE-001 fails; a shorter outage is info (a reboot, an upgrade).
	NotReadyGrace time.Duration `json:"notReadyGrace"`
	// NodeLeaseDuration is the node Lease duration assumed when a Lease
	// sets no spec.leaseDurationSeconds: the kubelet's
	// nodeLeaseDurationSeconds default, 40s.
	NodeLeaseDuration time.Duration `json:"nodeLeaseDuration"`
	// LeaseStaleFactor times a node Lease's duration is the age past which
	// NODE-004 calls it stale.
	LeaseStaleFactor float64 `json:"leaseStaleFactor"`
}

// DefaultOptions returns the documented defaults (see each field).
func DefaultOptions() Options {
	return Options{
		NotReadyGrace:     5 * time.Minute,
		NodeLeaseDuration: 40 * time.Second,
		LeaseStaleFactor:  1.5,
	}
}

// Checks returns the node checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, node001, node002, node003, node004)
}

// nodeRef is the reference of a node's results.
func nodeRef(name string) result.ObjectRef { return index.NodeRef(name) }
