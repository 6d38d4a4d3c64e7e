package dns

import (
	"fmt"
	"math"
	"strconv"

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

// formatCores renders a core count without trailing zeros: 1270, 317.5.
func formatCores(cores float64) string {
	return strconv.FormatFloat(cores, 'f', -1, 64)
}

// paramsSource is the paramsSource evidence for an autoscaler's
// parameters p: unknown ones leave the options' rule to judge ("seaworthy
// defaults (WHY)"), and ladder ones are marked when the check does not
// recompute them.
func paramsSource(p index.AutoscalerParams, recomputesLadder bool) string {
	switch {
	case !p.Known() && p.Err == nil:
		return "seaworthy defaults (" + p.Source + ")"
	case p.Ladder != nil && !recomputesLadder:
		return p.Source + " (ladder mode, not recomputed)"
	}
	return p.Source
}

// autoscalerFor returns the first cluster-proportional-autoscaler targeting
// w (by namespace and name) whose parameters are valid, with them, and the
// invalid ones ("NAMESPACE/NAME: SOURCE: ERROR"). An autoscaler with
// invalid parameters cannot scale, so it counts as none. found is nil when
// no valid autoscaler runs.
func autoscalerFor(ix *index.Index, w *index.Workload) (found *index.ProportionalAutoscaler, params index.AutoscalerParams, broken []string) {
	cpas, _ := ix.ProportionalAutoscalers(w)
	for i := range cpas {
		a := &cpas[i]
		p := ix.AutoscalerParams(*a)
		if p.Err != nil {
			broken = append(broken, fmt.Sprintf("%s: %s: %v", a.Name(), p.Source, p.Err))
			continue
		}
		if found == nil {
			found, params = a, p
		}
	}
	return found, params, broken
}
