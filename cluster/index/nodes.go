package index

import (
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

type nodeFacts struct {
	byName, byHostname map[string]*corev1.Node
	schedulable        int
	schedulableZones   []string
}

func (ix *Index) nodeFacts() *nodeFacts {
	ix.nodesOnce.Do(func() {
		ns := ix.snap.Nodes
		f := &ix.nodes
		f.byName = make(map[string]*corev1.Node, len(ns))
		f.byHostname = make(map[string]*corev1.Node, len(ns))
		zones := map[string]bool{}
		for i := range ns {
			n := &ns[i]
			f.byName[n.Name] = n
			if h := n.Labels[corev1.LabelHostname]; h != "" {
				f.byHostname[h] = n
			}
			if !n.Spec.Unschedulable {
				f.schedulable++
				if z := NodeZone(n); z != "" {
					zones[z] = true
				}
			}
		}
		f.schedulableZones = slices.AppendSeq(make([]string, 0, len(zones)), maps.Keys(zones))
		slices.Sort(f.schedulableZones)
	})
	return &ix.nodes
}

// Node returns the node named name, or nil.
func (ix *Index) Node(name string) *corev1.Node { return ix.nodeFacts().byName[name] }

// FindNode returns the node named host, or whose kubernetes.io/hostname
// label is host (compared case-insensitively, as host names are), or nil.
func (ix *Index) FindNode(host string) *corev1.Node {
	if host == "" {
		return nil
	}
	f := ix.nodeFacts()
	if n := f.byName[host]; n != nil {
		return n
	}
	if n := f.byHostname[host]; n != nil {
		return n
	}
	lower := strings.ToLower(host)
	if n := f.byName[lower]; n != nil {
		return n
	}
	return f.byHostname[lower]
}

// ZoneOf returns the zone of the node named name ("" when unknown).
func (ix *Index) ZoneOf(name string) string {
	if n := ix.Node(name); n != nil {
		return NodeZone(n)
	}
	return ""
}

// Schedulable counts the nodes without spec.unschedulable (not cordoned).
func (ix *Index) Schedulable() int { return ix.nodeFacts().schedulable }

// SchedulableZones lists, sorted, the zones of the schedulable nodes.
func (ix *Index) SchedulableZones() []string { return ix.nodeFacts().schedulableZones }

// NodeZone returns a node's topology.kubernetes.io/zone label, or the
// deprecated failure-domain.beta.kubernetes.io/zone one.
func NodeZone(n *corev1.Node) string {
	if z := n.Labels[corev1.LabelTopologyZone]; z != "" {
		return z
	}
	return n.Labels[corev1.LabelFailureDomainBetaZone]
}

// NodeReady reports a node's Ready condition. A node without conditions (a
// hand-written manifest) is taken as it is declared: ready.
func NodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return true
}

// NodeCPUMilli is a node's allocatable cpu in millicores, or its capacity
// when allocatable is unset.
func NodeCPUMilli(n *corev1.Node) int64 {
	if q, ok := n.Status.Allocatable[corev1.ResourceCPU]; ok {
		return q.MilliValue()
	}
	if q, ok := n.Status.Capacity[corev1.ResourceCPU]; ok {
		return q.MilliValue()
	}
	return 0
}

// NodeCounts sums nodes and their cpu, all and schedulable only.
type NodeCounts struct {
	Total, Schedulable           int
	TotalMilli, SchedulableMilli int64
}

// Pick returns the node count and cores of all nodes or of the schedulable
// ones.
func (c NodeCounts) Pick(includeUnschedulable bool) (nodes int, cores float64) {
	if includeUnschedulable {
		return c.Total, float64(c.TotalMilli) / 1000
	}
	return c.Schedulable, float64(c.SchedulableMilli) / 1000
}

// CountNodes counts the nodes sel matches (all when sel is nil).
func (ix *Index) CountNodes(sel labels.Selector) NodeCounts {
	var c NodeCounts
	nodes := ix.snap.Nodes
	for i := range nodes {
		n := &nodes[i]
		if sel != nil && !sel.Matches(labels.Set(n.Labels)) {
			continue
		}
		m := NodeCPUMilli(n)
		c.Total++
		c.TotalMilli += m
		if !n.Spec.Unschedulable {
			c.Schedulable++
			c.SchedulableMilli += m
		}
	}
	return c
}
