package node

import (
	"math"
	"strconv"
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
	// MaxCordonedRatio is the fraction of nodes (0..1) that may be
	// cordoned before NODE-005 warns.
	MaxCordonedRatio float64 `json:"maxCordonedRatio"`
	// EnvelopeNodes, EnvelopePods and EnvelopeContainers are the cluster
	// sizes Kubernetes is tested for (NODE-007), and EnvelopePodsPerNode
	// the pods per node assumed when a node reports no pods capacity, and
	// the pods capacity (maxPods) above which NODE-007 names a node.
	EnvelopeNodes       int `json:"envelopeNodes"`
	EnvelopePods        int `json:"envelopePods"`
	EnvelopeContainers  int `json:"envelopeContainers"`
	EnvelopePodsPerNode int `json:"envelopePodsPerNode"`
	// EnvelopeWarnRatio is the fraction of an envelope limit from which
	// NODE-007 warns.
	EnvelopeWarnRatio float64 `json:"envelopeWarnRatio"`
}

// DefaultOptions returns the documented defaults (see each field).
func DefaultOptions() Options {
	return Options{
		NotReadyGrace:     5 * time.Minute,
		NodeLeaseDuration: 40 * time.Second,
		LeaseStaleFactor:  1.5,
		MaxCordonedRatio:  0.1,
		// The upstream scalability thresholds: 5,000 nodes, 150,000 pods,
		// 300,000 containers, 110 pods per node.
		EnvelopeNodes:       5000,
		EnvelopePods:        150000,
		EnvelopeContainers:  300000,
		EnvelopePodsPerNode: 110,
		EnvelopeWarnRatio:   0.8,
	}
}

// Checks returns the node checks in ID order, evaluating with o. Each
// reports na on a cluster without Node objects (see withNodes).
func Checks(o Options) []check.Check {
	defs := []check.Def[Options]{node001, node002, node003, node004, node005, node006, node007, node008, node009, node010}
	for i := range defs {
		defs[i].Eval = withNodes(defs[i].Eval)
	}
	return check.Bind(o, defs...)
}

// withNodes wraps an Eval so that a snapshot without Node objects (and no
// gap for them, which Needs turns into skip first) is na: a cluster that
// has no nodes, so there is no node to judge and nothing to count per node.
func withNodes(eval func(*check.Input, *Options) []result.Result) func(*check.Input, *Options) []result.Result {
	return func(in *check.Input, o *Options) []result.Result {
		if len(in.Snapshot.Nodes) == 0 {
			return []result.Result{result.New(result.StatusNA, result.Cluster,
				"The cluster has no Node objects: there is no node to judge.", result.Evidence{"nodeCount": 0})}
		}
		return eval(in, o)
	}
}

// nodeRef is the reference of a node's results.
func nodeRef(name string) result.ObjectRef { return index.NodeRef(name) }

// maxNamed is how many names a message or evidence list spells out.
const maxNamed = 10

// nameList joins up to maxNamed names, then says how many more there are.
func nameList(names []string) string { return check.NameList(names, maxNamed) }

// firstNames is the evidence form of a name list: at most maxNamed names.
func firstNames(names []string) []string { return check.FirstNames(names, maxNamed) }

// round1 rounds to one decimal, for evidence.
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// fmtNum renders a percentage with at most one decimal: 12.5, 10.
func fmtNum(x float64) string { return strconv.FormatFloat(round1(x), 'f', -1, 64) }
