package dns

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// proportionalReplicas is the catalog's rule max(ceil(cores/coresPerReplica),
// ceil(nodes/nodesPerReplica)); a term whose divisor is not positive is left
// out.
func proportionalReplicas(cores float64, nodes int, coresPerReplica, nodesPerReplica float64) int {
	want := 0
	if coresPerReplica > 0 {
		want = max(want, int(math.Ceil(cores/coresPerReplica)))
	}
	if nodesPerReplica > 0 {
		want = max(want, int(math.Ceil(float64(nodes)/nodesPerReplica)))
	}
	return want
}

// linearParams are the cluster-proportional-autoscaler's linear mode
// parameters, as in its ConfigMap's "linear" key.
type linearParams struct {
	CoresPerReplica           float64 `json:"coresPerReplica"`
	NodesPerReplica           float64 `json:"nodesPerReplica"`
	Min                       int     `json:"min"`
	Max                       int     `json:"max"`
	PreventSinglePointFailure bool    `json:"preventSinglePointFailure"`
	IncludeUnschedulableNodes bool    `json:"includeUnschedulableNodes"`
}

// parseLinearParams decodes and validates linear parameters the way the
// autoscaler does: min defaults to 1, negative values and max < min are
// errors, and at least one of coresPerReplica and nodesPerReplica must be set.
func parseLinearParams(data string) (linearParams, error) {
	var p linearParams
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return p, fmt.Errorf("parse linear params: %w", err)
	}
	switch {
	case p.Min < 0:
		return p, fmt.Errorf("min %d is negative", p.Min)
	case p.Max < 0:
		return p, fmt.Errorf("max %d is negative", p.Max)
	case p.CoresPerReplica < 0 || p.NodesPerReplica < 0:
		return p, errors.New("coresPerReplica and nodesPerReplica must not be negative")
	case p.CoresPerReplica == 0 && p.NodesPerReplica == 0:
		return p, errors.New("neither coresPerReplica nor nodesPerReplica is set")
	}
	if p.Min == 0 {
		p.Min = 1
	}
	if p.Max != 0 && p.Max < p.Min {
		return p, fmt.Errorf("max %d is below min %d", p.Max, p.Min)
	}
	return p, nil
}

// replicas is what the autoscaler's linear controller sets for nodes and
// cores: each term is ceil(amount/perReplica) clamped to [min, max] (1 when
// its perReplica is 0); preventSinglePointFailure raises the node term to 2
// when there is more than one node; the larger term wins.
func (p linearParams) replicas(nodes int, cores float64) int {
	fromCores := p.term(cores, p.CoresPerReplica)
	fromNodes := p.term(float64(nodes), p.NodesPerReplica)
	if p.PreventSinglePointFailure && nodes > 1 && fromNodes < 2 {
		fromNodes = 2
	}
	return max(fromCores, fromNodes)
}

func (p linearParams) term(amount, perReplica float64) int {
	if perReplica == 0 {
		return 1
	}
	r := math.Ceil(amount / perReplica)
	if p.Max != 0 {
		r = math.Min(float64(p.Max), r)
	}
	return int(math.Max(float64(p.Min), r))
}

// cpaPlan is what we know of an autoscaler's parameters.
type cpaPlan struct {
	params *linearParams // nil when not known or not linear
	source string        // where the parameters came from, or why they are unknown
	err    error         // invalid linear parameters: the autoscaler cannot scale
}

// planFor reads an autoscaler's linear parameters from its ConfigMap when the
// snapshot has it, else from --default-params (which the autoscaler writes to
// the ConfigMap when that is missing).
func planFor(ix *index.Index, a index.ProportionalAutoscaler) cpaPlan {
	cmName := a.Namespace + "/" + a.ConfigMap
	if a.ConfigMap != "" {
		if cm, ok := ix.ConfigMap(a.Namespace, a.ConfigMap); ok {
			src := "ConfigMap " + cmName
			if data, ok := cm.Data["linear"]; ok {
				p, err := parseLinearParams(data)
				if err != nil {
					return cpaPlan{source: src, err: err}
				}
				return cpaPlan{params: &p, source: src}
			}
			if _, ok := cm.Data["ladder"]; ok {
				return cpaPlan{source: src + " (ladder mode, not recomputed)"}
			}
			return cpaPlan{source: src, err: errors.New("the ConfigMap has neither a linear nor a ladder key")}
		}
	}
	missing := "ConfigMap " + cmName + " not in the snapshot"
	if a.ConfigMap == "" {
		missing = "no --configmap flag"
	}
	if a.DefaultParams != "" {
		var modes map[string]json.RawMessage
		if err := json.Unmarshal([]byte(a.DefaultParams), &modes); err == nil {
			src := "--default-params (" + missing + ")"
			if raw, ok := modes["linear"]; ok {
				p, err := parseLinearParams(string(raw))
				if err != nil {
					return cpaPlan{source: src, err: err}
				}
				return cpaPlan{params: &p, source: src}
			}
			if _, ok := modes["ladder"]; ok {
				return cpaPlan{source: src + " (ladder mode, not recomputed)"}
			}
		}
	}
	return cpaPlan{source: "seaworthy defaults (" + missing + ")"}
}

// formatCores renders a core count without trailing zeros: 1270, 317.5.
func formatCores(cores float64) string {
	return strconv.FormatFloat(cores, 'f', -1, 64)
}

// autoscalerFor returns the first cluster-proportional-autoscaler targeting
// w (by namespace and name) whose parameters are valid, with its plan, and
// the invalid ones ("NAMESPACE/NAME: SOURCE: ERROR"). An autoscaler with
// invalid linear parameters cannot scale, so it counts as none. found is
// nil when no valid autoscaler runs.
func autoscalerFor(ix *index.Index, w *index.Workload) (found *index.ProportionalAutoscaler, plan cpaPlan, broken []string) {
	cpas, _ := ix.ProportionalAutoscalers(w)
	for i := range cpas {
		a := &cpas[i]
		p := planFor(ix, *a)
		if p.err != nil {
			broken = append(broken, fmt.Sprintf("%s: %s: %v", a.Name(), p.source, p.err))
			continue
		}
		if found == nil {
			found, plan = a, p
		}
	}
	return found, plan, broken
}

// nodeCounts are the nodes the autoscaler a counts: those its --nodelabels
// selects (an unparsable selector counts all, as before), else all; sel is
// the selector applied ("" for all).
func nodeCounts(ix *index.Index, a *index.ProportionalAutoscaler, all index.NodeCounts) (counts index.NodeCounts, sel string) {
	if a.NodeLabels != "" {
		if s, err := labels.Parse(a.NodeLabels); err == nil {
			return ix.CountNodes(s), a.NodeLabels
		}
	}
	return all, ""
}

// floor is the fewest replicas the linear parameters ever set on a cluster
// of 2 or more nodes: min, raised to 2 by preventSinglePointFailure (both
// terms are clamped to min last, and the node term is raised to 2 after
// that when there is more than one node).
func (p linearParams) floor() int {
	if p.PreventSinglePointFailure {
		return max(p.Min, 2)
	}
	return p.Min
}
