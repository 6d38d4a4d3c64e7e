package report

import "github.com/seaworthy-k8s/seaworthy/result"

// Exempted is a result an exemption covers: it stays in the JSON and YAML
// report with the exemption, and no longer gates or counts.
type Exempted struct {
	Result result.Result
	// Exemption is the entry that covers it, as its package marshals it
	// (check, reason, owner, expires, source).
	Exemption any
}

// BaselineSummary says how the results compare with an earlier report
// given with --baseline.
type BaselineSummary struct {
	File      string `json:"file"`
	New       int    `json:"new"`
	Changed   int    `json:"changed"`
	Unchanged int    `json:"unchanged"`
}

// SetBaseline records a baseline comparison: gates[i] says whether
// Results[i] may fail the gate (it is new, or worse than in the baseline);
// the others are reported but no longer gate.
func (r *Report) SetBaseline(s BaselineSummary, gates []bool) {
	r.Baseline = &s
	r.gates = gates
}

// gating reports whether result i may fail the gate.
func (r *Report) gating(i int) bool { return r.gates == nil || (i < len(r.gates) && r.gates[i]) }
