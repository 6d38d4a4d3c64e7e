package report

import (
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// SchemaVersion is the version of the JSON/YAML report shape. Fields are
// only ever added within a version.
const SchemaVersion = "seaworthy.report/v1"

// Report is the outcome of one audit.
type Report struct {
	SchemaVersion string    `json:"schemaVersion"`
	CollectedAt   time.Time `json:"collectedAt"`
	// Source is where the objects came from: live, manifests or snapshot.
	Source  string             `json:"source"`
	Server  cluster.ServerInfo `json:"server"`
	Summary Summary            `json:"summary"`
	Results []result.Result    `json:"results"`
	Gaps    []cluster.Gap      `json:"gaps"`
	// Checks describes every check that ran, keyed by ID, so renderers can
	// group by category and link to documentation.
	Checks map[string]result.Meta `json:"-"`
}

// Summary counts results per status.
type Summary struct {
	Total int `json:"total"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Info  int `json:"info"`
	Pass  int `json:"pass"`
	Skip  int `json:"skip"`
	NA    int `json:"na"`
}

// New builds a report from a snapshot, the checks that ran and their results.
func New(snap *cluster.Snapshot, ran []result.Meta, results []result.Result) *Report {
	source := snap.Source
	if snap.OriginalSource != "" {
		source = snap.Source + " (" + snap.OriginalSource + ")"
	}
	r := &Report{
		SchemaVersion: SchemaVersion,
		CollectedAt:   snap.CollectedAt,
		Source:        source,
		Server:        snap.Server,
		Results:       results,
		Gaps:          append([]cluster.Gap{}, snap.Gaps...),
		Checks:        make(map[string]result.Meta, len(ran)),
	}
	if r.Results == nil {
		r.Results = []result.Result{}
	}
	cluster.SortGaps(r.Gaps)
	for _, m := range ran {
		r.Checks[m.ID] = m
	}
	for _, res := range results {
		r.Summary.Total++
		switch res.Status {
		case result.StatusFail:
			r.Summary.Fail++
		case result.StatusWarn:
			r.Summary.Warn++
		case result.StatusInfo:
			r.Summary.Info++
		case result.StatusPass:
			r.Summary.Pass++
		case result.StatusSkip:
			r.Summary.Skip++
		case result.StatusNA:
			r.Summary.NA++
		}
	}
	return r
}

// FailOn is the gate threshold: results at or above it fail the run.
type FailOn string

// Gate thresholds.
const (
	FailOnInfo  FailOn = "info"
	FailOnWarn  FailOn = "warn"
	FailOnFail  FailOn = "fail"
	FailOnNever FailOn = "never"
)

// ParseFailOn validates a --fail-on value.
func ParseFailOn(s string) (FailOn, bool) {
	switch f := FailOn(s); f {
	case FailOnInfo, FailOnWarn, FailOnFail, FailOnNever:
		return f, true
	}
	return "", false
}

// Exit codes.
const (
	ExitOK       = 0 // nothing at or above --fail-on
	ExitGate     = 1 // the gate failed
	ExitRunError = 2 // the run itself failed
)

// Gated reports whether any result is at or above the threshold.
func (r *Report) Gated(threshold FailOn) bool {
	var min int
	switch threshold {
	case FailOnInfo:
		min = result.StatusInfo.Severity()
	case FailOnWarn:
		min = result.StatusWarn.Severity()
	case FailOnFail:
		min = result.StatusFail.Severity()
	default:
		return false
	}
	for _, res := range r.Results {
		if s := res.Status.Severity(); s > 0 && s >= min {
			return true
		}
	}
	return false
}

// ExitCode returns the process exit code for the gate at threshold.
func (r *Report) ExitCode(threshold FailOn) int {
	if r.Gated(threshold) {
		return ExitGate
	}
	return ExitOK
}
