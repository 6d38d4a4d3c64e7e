package check

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Member is one API server or etcd member and where it runs.
type Member struct {
	// Name is the host when known, else the object's name.
	Name string `json:"name"`
	// Object is the Lease, Pod or endpoint it was found as.
	Object string `json:"object,omitempty"`
	Host   string `json:"host,omitempty"`
	// Node is the cluster node it runs on; empty when the host is not a
	// node of this cluster.
	Node string `json:"node,omitempty"`
	Zone string `json:"zone,omitempty"`
	// Detail is signal-specific: a lease's age, a pod's readiness.
	Detail string `json:"detail,omitempty"`
}

// Place sets m's node and zone from the node index.
func (m *Member) Place(ix *index.Index) {
	if n := ix.FindNode(m.Host); n != nil {
		m.Node = n.Name
		m.Zone = index.NodeZone(n)
	}
}

// PodMember is the member a control-plane pod stands for: named for the
// node it runs on (its own name while unscheduled) and placed there.
func PodMember(ix *index.Index, p *corev1.Pod) Member {
	m := Member{Name: p.Spec.NodeName, Object: "Pod/" + p.Name, Host: p.Spec.NodeName}
	if m.Name == "" {
		m.Name = p.Name
	}
	m.Place(ix)
	return m
}

// NodeMember is the member a node stands for (a control-plane or
// etcd-role node).
func NodeMember(n *corev1.Node) Member {
	return Member{Name: n.Name, Host: n.Name, Node: n.Name, Zone: index.NodeZone(n)}
}

// SortMembers orders members by name for stable messages and evidence.
func SortMembers(ms []Member) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
}

// Spread judges how members are spread over zones.
type Spread struct {
	perZone    map[string]int // labelled zones
	unlabelled []string       // members on nodes without a zone label
	notNodes   []string       // members whose host is not a node
}

// NewSpread places members in zones.
func NewSpread(ms []Member) Spread {
	sp := Spread{perZone: map[string]int{}}
	for _, m := range ms {
		switch {
		case m.Node == "":
			sp.notNodes = append(sp.notNodes, m.Name)
		case m.Zone == "":
			sp.unlabelled = append(sp.unlabelled, m.Name)
		default:
			sp.perZone[m.Zone]++
		}
	}
	return sp
}

// Zones returns how many members each labelled zone holds, for evidence.
func (sp Spread) Zones() map[string]int { return sp.perZone }

// DescribeZones reads "eu-west-1a: 2, eu-west-1b: 1".
func (sp Spread) DescribeZones() string {
	parts := make([]string, 0, len(sp.perZone))
	for _, z := range SortedKeys(sp.perZone) {
		parts = append(parts, fmt.Sprintf("%s: %d", z, sp.perZone[z]))
	}
	return strings.Join(parts, ", ")
}

// Verdict applies the zone rule: warn when a zone holds more than maxPer,
// when members sit on nodes without a zone label, or when fewer than
// minZones zones are used; info when some hosts are not nodes (their zone
// is unknown) and nothing else is wrong; pass otherwise.
func (sp Spread) Verdict(what string, minZones, maxPer int) (result.Status, string) {
	for _, z := range SortedKeys(sp.perZone) {
		if sp.perZone[z] > maxPer {
			return result.StatusWarn, fmt.Sprintf("%d %s are in zone %s (at most %d per zone), so losing that zone loses most of them (zones: %s).",
				sp.perZone[z], what, z, maxPer, sp.DescribeZones())
		}
	}
	if len(sp.unlabelled) > 0 {
		return result.StatusWarn, fmt.Sprintf("%s %s on nodes without a topology.kubernetes.io/zone label, so nothing shows they are in separate failure zones.",
			strings.Join(sp.unlabelled, ", "), Plural(len(sp.unlabelled), "runs", "run"))
	}
	if len(sp.notNodes) > 0 {
		if len(sp.perZone) > 0 {
			return result.StatusInfo, fmt.Sprintf("zones: %s; %s %s not nodes of this cluster, so their zones are not visible; verify they are in %d separate zones.",
				sp.DescribeZones(), strings.Join(sp.notNodes, ", "), Plural(len(sp.notNodes), "is", "are"), minZones)
		}
		return result.StatusInfo, fmt.Sprintf("%s %s not nodes of this cluster, so their zones are not visible; verify they are in %d separate zones.",
			strings.Join(sp.notNodes, ", "), Plural(len(sp.notNodes), "is", "are"), minZones)
	}
	if len(sp.perZone) < minZones {
		return result.StatusWarn, fmt.Sprintf("they span only %d %s (%s), fewer than %d, so one zone outage can take most of them.",
			len(sp.perZone), Plural(len(sp.perZone), "zone", "zones"), sp.DescribeZones(), minZones)
	}
	return result.StatusPass, fmt.Sprintf("spread over %d zones (%s).", len(sp.perZone), sp.DescribeZones())
}
