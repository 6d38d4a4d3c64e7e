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
}

// DefaultOptions returns the documented defaults (see each field).
func DefaultOptions() Options {
	return Options{
		NotReadyGrace: 5 * time.Minute,
	}
}

// Checks returns the node checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, node001, node002, node003)
}

// nodeRef is the reference of a node's results.
func nodeRef(name string) result.ObjectRef { return index.NodeRef(name) }
