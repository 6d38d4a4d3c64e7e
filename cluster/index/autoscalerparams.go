package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"k8s.io/apimachinery/pkg/labels"
)

// LinearParams are the cluster-proportional-autoscaler's linear mode
// parameters, as in its ConfigMap's "linear" key.
type LinearParams struct {
	CoresPerReplica           float64 `json:"coresPerReplica"`
	NodesPerReplica           float64 `json:"nodesPerReplica"`
	Min                       int     `json:"min"`
	Max                       int     `json:"max"`
	PreventSinglePointFailure bool    `json:"preventSinglePointFailure"`
	IncludeUnschedulableNodes bool    `json:"includeUnschedulableNodes"`
}

// ParseLinear decodes and validates linear parameters the way the
// autoscaler does: min defaults to 1; a negative min, max or per-replica
// divisor, max below min, and neither coresPerReplica nor nodesPerReplica
// set are errors.
func ParseLinear(data string) (LinearParams, error) {
	var p LinearParams
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

// Replicas is what the autoscaler's linear controller sets for nodes and
// cores (cluster-proportional-autoscaler
// pkg/autoscaler/controller/linearcontroller): each term is
// ceil(amount / perReplica) clamped to [min, max] (1 when its perReplica
// is 0); preventSinglePointFailure raises the node term to 2 when there is
// more than one node; the larger term wins.
func (p LinearParams) Replicas(nodes int, cores float64) int {
	fromCores := p.term(cores, p.CoresPerReplica)
	fromNodes := p.term(float64(nodes), p.NodesPerReplica)
	if p.PreventSinglePointFailure && nodes > 1 && fromNodes < 2 {
		fromNodes = 2
	}
	return max(fromCores, fromNodes)
}

// term is one of Replicas' terms: ceil(amount / perReplica) clamped to
// [min, max], or 1 when perReplica is 0.
func (p LinearParams) term(amount, perReplica float64) int {
	if perReplica == 0 {
		return 1
	}
	r := math.Ceil(amount / perReplica)
	if p.Max != 0 {
		r = math.Min(float64(p.Max), r)
	}
	return int(math.Max(float64(p.Min), r))
}

// Floor is the fewest replicas the linear parameters ever set on a cluster
// of 2 or more nodes: min, raised to 2 by preventSinglePointFailure (both
// terms are clamped to min last, and the node term is raised to 2 after
// that when there is more than one node).
func (p LinearParams) Floor() int {
	if p.PreventSinglePointFailure {
		return max(p.Min, 2)
	}
	return p.Min
}

// LadderParams are the autoscaler's ladder mode parameters (the "ladder"
// key): step tables of [cores or nodes, replicas], each read as the last
// step whose first element is not above the cluster's amount.
type LadderParams struct {
	CoresToReplicas           [][2]int `json:"coresToReplicas"`
	NodesToReplicas           [][2]int `json:"nodesToReplicas"`
	IncludeUnschedulableNodes bool     `json:"includeUnschedulableNodes"`
}

// ParseLadder decodes ladder parameters, sorting each table by its first
// element as the autoscaler does; neither table set is an error.
func ParseLadder(data string) (LadderParams, error) {
	var p LadderParams
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return p, fmt.Errorf("parse ladder params: %w", err)
	}
	if len(p.CoresToReplicas) == 0 && len(p.NodesToReplicas) == 0 {
		return p, errors.New("neither coresToReplicas nor nodesToReplicas is set")
	}
	for _, t := range [][][2]int{p.CoresToReplicas, p.NodesToReplicas} {
		slices.SortFunc(t, func(a, b [2]int) int { return a[0] - b[0] })
	}
	return p, nil
}

// Replicas is what the ladder controller sets (laddercontroller): in each
// table the replicas of the last step at or below the amount (the first
// step when the amount is below them all, 1 for an empty table), cores
// truncated to whole cores; the larger wins.
func (p LadderParams) Replicas(nodes int, cores float64) int {
	return max(ladderStep(int(cores), p.CoresToReplicas), ladderStep(nodes, p.NodesToReplicas))
}

// ladderStep reads one sorted ladder table at amount.
func ladderStep(amount int, table [][2]int) int {
	if len(table) == 0 {
		return 1
	}
	pos, _ := slices.BinarySearchFunc(table, amount+1, func(e [2]int, t int) int { return e[0] - t })
	if pos > 0 {
		pos--
	}
	return table[pos][1]
}

// AutoscalerParams are a cluster-proportional-autoscaler's parameters as
// the snapshot shows them. At most one of Linear, Ladder and Err is set:
// Linear or Ladder when they were read and are valid, Err when they were
// found but the autoscaler cannot use them, none when they are not in the
// input (see Known).
type AutoscalerParams struct {
	Linear *LinearParams
	Ladder *LadderParams
	// Source is where the parameters were read: "ConfigMap NS/NAME", or
	// "--default-params (WHY)" when the ConfigMap was not read, WHY being
	// "ConfigMap NS/NAME not in the snapshot" or "no --configmap flag".
	// When they are not known it is WHY alone.
	Source string
	Err    error
}

// Known reports whether the parameters were read and are valid: Linear or
// Ladder is set.
func (p AutoscalerParams) Known() bool { return p.Linear != nil || p.Ladder != nil }

// AutoscalerParams reads the parameters of the autoscaler a: from its
// --configmap ConfigMap when the snapshot has it, else from its
// --default-params (which the autoscaler writes to the ConfigMap when that
// is missing). The linear key is read before the ladder key. A ConfigMap
// with neither key, or one that does not parse, is an error; a
// --default-params that is not a JSON object with either key leaves the
// parameters unknown.
func (ix *Index) AutoscalerParams(a ProportionalAutoscaler) AutoscalerParams {
	if a.ConfigMap != "" {
		if cm, ok := ix.ConfigMap(a.Namespace, a.ConfigMap); ok {
			src := "ConfigMap " + a.Namespace + "/" + a.ConfigMap
			if p, ok := readModes(cm.Data, src); ok {
				return p
			}
			return AutoscalerParams{Source: src, Err: errors.New("the ConfigMap has neither a linear nor a ladder key")}
		}
	}
	missing := "ConfigMap " + a.Namespace + "/" + a.ConfigMap + " not in the snapshot"
	if a.ConfigMap == "" {
		missing = "no --configmap flag"
	}
	if a.DefaultParams != "" {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(a.DefaultParams), &raw); err == nil {
			modes := make(map[string]string, len(raw))
			for k, v := range raw {
				modes[k] = string(v)
			}
			if p, ok := readModes(modes, "--default-params ("+missing+")"); ok {
				return p
			}
		}
	}
	return AutoscalerParams{Source: missing}
}

// readModes parses the linear mode of modes, else its ladder mode; ok is
// false when it has neither.
func readModes(modes map[string]string, src string) (p AutoscalerParams, ok bool) {
	p.Source = src
	if s, ok := modes["linear"]; ok {
		p.Linear, p.Err = valid(ParseLinear(s))
		return p, true
	}
	if s, ok := modes["ladder"]; ok {
		p.Ladder, p.Err = valid(ParseLadder(s))
		return p, true
	}
	return p, false
}

// valid returns a pointer to v when err is nil, else nil and err.
func valid[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// AutoscalerNodes counts the nodes the autoscaler a counts, in either
// mode: those its --nodelabels selects (a label selector, which the
// autoscaler applies to its node list), else all, also when the selector
// does not parse; selector is the one applied, "" for all.
func (ix *Index) AutoscalerNodes(a ProportionalAutoscaler) (counts NodeCounts, selector string) {
	if a.NodeLabels != "" {
		if s, err := labels.Parse(a.NodeLabels); err == nil {
			return ix.CountNodes(s), a.NodeLabels
		}
	}
	return ix.CountNodes(nil), ""
}
