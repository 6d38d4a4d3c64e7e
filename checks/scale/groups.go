package scale

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var scale002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "SCALE-002",
		Title:    "Node groups are balanced across zones",
		Category: Category,
		Rule: "A node's group is the value of the first of NodeGroupLabels it carries (default eks.amazonaws.com/nodegroup, alpha.eksctl.io/nodegroup-name, " +
			"cloud.google.com/gke-nodepool, kubernetes.azure.com/agentpool, kops.k8s.io/instancegroup); nodes without one are not grouped. " +
			"Karpenter node pools and instance types are not groups (see the package documentation). " +
			"A node's zone is topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone; the cluster's zones are those of all its nodes. " +
			"For each group: when its nodes sit in one zone while the cluster has several, warn unless the groups of the same instance types " +
			"(node.kubernetes.io/instance-type) that sit in one zone each together cover every zone (one group per zone, the layout cluster-autoscaler's " +
			"--balance-similar-node-groups balances); when it spans several zones and its node counts per zone differ by more than MaxZoneSkew (default 1), warn. " +
			"Pass otherwise. No node carries a zone label: skip. One zone: na. No grouped node: na.",
		Rationale: "cluster-autoscaler scales each node group as one unit. A group pinned to one zone grows only there, so zone-spread pods " +
			"stay Pending when they need a node in another zone, and a zone outage takes the whole group; a multi-zone group whose zones are lopsided " +
			"loses more than its share of capacity with its biggest zone.",
		Remediation: "Give each node group every zone (a regional GKE node pool, an EKS node group over subnets in each zone), " +
			"or create one group per zone with the same instance types and labels and run cluster-autoscaler with --balance-similar-node-groups; " +
			"rebalance a lopsided group by scaling it to a multiple of its zone count.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalSCALE002,
}

// nodeGroup is one node group's nodes, counted by zone.
type nodeGroup struct {
	label, name string
	zones       map[string]int
	types       []string // instance types, sorted
	nodes       int
}

func (g *nodeGroup) zoneList() []string { return check.SortedKeys(g.zones) }

func (g *nodeGroup) counts() string {
	var parts []string
	for _, z := range g.zoneList() {
		parts = append(parts, fmt.Sprintf("%s %d", z, g.zones[z]))
	}
	return strings.Join(parts, ", ")
}

func evalSCALE002(in *check.Input, o *Options) []result.Result {
	nodes := in.Snapshot.Nodes
	clusterZones := map[string]bool{}
	groups := map[string]*nodeGroup{}
	for i := range nodes {
		n := &nodes[i]
		z := index.NodeZone(n)
		if z != "" {
			clusterZones[z] = true
		}
		for _, l := range o.NodeGroupLabels {
			name, ok := n.Labels[l]
			if !ok || name == "" {
				continue
			}
			g := groups[l+"="+name]
			if g == nil {
				g = &nodeGroup{label: l, name: name, zones: map[string]int{}}
				groups[l+"="+name] = g
			}
			g.nodes++
			if z != "" {
				g.zones[z]++
			}
			if t := n.Labels["node.kubernetes.io/instance-type"]; t != "" && !slices.Contains(g.types, t) {
				g.types = append(g.types, t)
				sort.Strings(g.types)
			}
			break
		}
	}
	zones := check.SortedKeys(clusterZones)
	ev := result.Evidence{"nodeZones": zones, "nodeGroups": len(groups)}
	switch {
	case len(nodes) == 0:
		return []result.Result{result.New(result.StatusSkip, result.Cluster, "The input holds no Node objects, so node groups are not known.", nil)}
	case len(zones) == 0:
		return []result.Result{result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
			"None of the %d %s carries a zone label (topology.kubernetes.io/zone), so how node groups sit in zones is not known.",
			len(nodes), check.Plural(len(nodes), "node", "nodes")), ev)}
	case len(zones) == 1:
		return []result.Result{result.New(result.StatusNA, result.Cluster, fmt.Sprintf(
			"All zoned nodes are in one zone, %s: there is nothing to balance node groups across (NODE-008 judges the single zone).", zones[0]), ev)}
	case len(groups) == 0:
		return []result.Result{result.New(result.StatusNA, result.Cluster, fmt.Sprintf(
			"No node carries a node-group label (%s), so there are no node groups to judge.", strings.Join(o.NodeGroupLabels, ", ")), ev)}
	}
	// perZone maps an instance-type set to the zones covered by the
	// single-zone groups of those types.
	perZone := map[string]map[string]bool{}
	for _, g := range groups {
		if len(g.zones) == 1 {
			k := strings.Join(g.types, ",")
			if perZone[k] == nil {
				perZone[k] = map[string]bool{}
			}
			for z := range g.zones {
				perZone[k][z] = true
			}
		}
	}
	var out []result.Result
	keys := check.SortedKeys(groups)
	for _, k := range keys {
		g := groups[k]
		gev := result.Evidence{"nodeGroup": g.name, "nodeGroupLabel": g.label, "groupZones": g.zones, "nodeZones": zones}
		gz := g.zoneList()
		switch {
		case len(gz) == 1 && len(perZone[strings.Join(g.types, ",")]) < len(zones):
			out = append(out, result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
				"Node group %s (%s) has all its %d %s in zone %s while the cluster's nodes span %d zones (%s), and no group of the same instance types (%s) covers each other zone: "+
					"cluster-autoscaler grows it only in %s, so pods spread over zones stay Pending, and an outage of %s takes the whole group.",
				g.name, g.label, g.nodes, check.Plural(g.nodes, "node", "nodes"), gz[0], len(zones), strings.Join(zones, ", "),
				typesWords(g.types), gz[0], gz[0]), gev))
		case len(gz) > 1:
			lo, hi := -1, 0
			for _, z := range gz {
				c := g.zones[z]
				hi = max(hi, c)
				if lo < 0 || c < lo {
					lo = c
				}
			}
			if hi-lo > o.MaxZoneSkew {
				out = append(out, result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
					"Node group %s (%s) is unbalanced across its zones (%s): the counts differ by %d, more than %d, so losing its largest zone takes more than its share of the group's capacity.",
					g.name, g.label, g.counts(), hi-lo, o.MaxZoneSkew), gev))
			}
		}
	}
	if len(out) == 0 {
		what := fmt.Sprintf("All %d node groups are", len(groups))
		if len(groups) == 1 {
			what = "The one node group is"
		}
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"%s balanced across the cluster's %d zones (%s): one group per zone, or within %d %s per zone.",
			what, len(zones), strings.Join(zones, ", "), o.MaxZoneSkew, check.Plural(o.MaxZoneSkew, "node", "nodes")), ev))
	}
	return out
}

func typesWords(types []string) string {
	if len(types) == 0 {
		return "no instance-type label"
	}
	return strings.Join(types, ", ")
}
