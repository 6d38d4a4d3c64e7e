package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Run evaluates checks against snap, over one index built for the run, and
// returns their results in a stable order: by check (in the order given),
// then object. A check that needs a kind the snapshot has a gap for reports
// skip naming the gap, and its Eval is not called.
func Run(snap *cluster.Snapshot, checks []Check) []result.Result {
	return RunInput(NewInput(snap), checks)
}

// RunInput runs checks as Run does, on an input the caller built (to give
// it usage, or to share its index with the recommender).
func RunInput(in *Input, checks []Check) []result.Result {
	snap := in.Snapshot
	var out []result.Result
	for _, c := range checks {
		if gaps := missing(snap, c.Needs); len(gaps) > 0 {
			out = append(out, result.Result{
				Check:    c.ID,
				Status:   result.StatusSkip,
				Message:  "not evaluated: " + describeGaps(gaps),
				Evidence: result.Evidence{"gaps": gapKinds(gaps)},
			})
			continue
		}
		rs := c.Eval(in)
		for i := range rs {
			rs[i].Check = c.ID
		}
		sortResults(rs)
		out = append(out, rs...)
	}
	return out
}

func missing(snap *cluster.Snapshot, needs []cluster.Kind) []cluster.Gap {
	var gaps []cluster.Gap
	for _, k := range needs {
		if g, ok := snap.GapFor(k); ok {
			gaps = append(gaps, g)
		}
	}
	return gaps
}

func describeGaps(gaps []cluster.Gap) string {
	parts := make([]string, len(gaps))
	for i, g := range gaps {
		parts[i] = fmt.Sprintf("%s %s (%s)", g.Kind, g.Reason, g.Message)
	}
	return strings.Join(parts, "; ")
}

func gapKinds(gaps []cluster.Gap) []string {
	ks := make([]string, len(gaps))
	for i, g := range gaps {
		ks[i] = string(g.Kind)
	}
	return ks
}

func sortResults(rs []result.Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i].Object, rs[j].Object
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
}
