package report

import (
	"fmt"
	"strings"
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
	Generator     string    `json:"generator"` // the tool and version that wrote it: "seaworthy v1.2.3"
	CollectedAt   time.Time `json:"collectedAt"`
	// Source is where the objects came from: live, manifests or snapshot.
	Source  string             `json:"source"`
	Server  cluster.ServerInfo `json:"server"`
	Summary Summary            `json:"summary"`
	// Categories counts and scores the results of each category, in the
	// order the table shows them.
	Categories []CategorySummary `json:"categories"`
	Results    []result.Result   `json:"results"`
	Gaps       []cluster.Gap     `json:"gaps"`
	// Input says what was read, for the table's header and JSON's input.
	Input Input `json:"input"`
	// Checks describes every check that ran, keyed by ID, so renderers can
	// group by category and link to documentation.
	Checks map[string]result.Meta `json:"-"`
	// Origins says where each object of a manifest input was read, keyed
	// by its reference without the apiVersion (see LocationOf); empty for
	// live input. New fills it from the snapshot's origins.
	Origins map[result.ObjectRef]Location `json:"-"`
	// Exempted are the results exemptions cover (see gating.go); Results
	// holds the others.
	Exempted []Exempted `json:"-"`
	// Baseline, when set, compares Results with an earlier report: only
	// new and worsened results gate.
	Baseline *BaselineSummary `json:"-"`
	gates    []bool
}

// Location is where an object was read: a manifest file, as the input
// named it, and the line its document starts at (0 when unknown).
type Location struct {
	File string
	Line int
}

// LocationOf returns where the object ref was read, if the input recorded
// it. The apiVersion of ref is ignored: a manifest may use another version
// of the kind than the one results name.
func (r *Report) LocationOf(ref result.ObjectRef) (Location, bool) {
	ref.APIVersion = ""
	l, ok := r.Origins[ref]
	return l, ok
}

// Input describes what an audit read: the -f arguments and what they held,
// or the kubeconfig context of a live read. Empty fields were not known.
type Input struct {
	// Files are the -f arguments as given ("-" is stdin).
	Files []string `json:"files,omitempty"`
	// FilesRead counts the files objects were read from (manifests only).
	FilesRead int `json:"filesRead,omitempty"`
	// Counts is the number of objects per kind ("Deployment"); kinds the
	// input holds none of are left out.
	Counts map[string]int `json:"counts,omitempty"`
	// Context is the kubeconfig context of a live read ("in-cluster" with
	// --in-cluster), and Host the API server it reached.
	Context string `json:"context,omitempty"`
	Host    string `json:"host,omitempty"`
}

// IsZero reports whether nothing is known about the input.
func (in Input) IsZero() bool {
	return len(in.Files) == 0 && in.FilesRead == 0 && len(in.Counts) == 0 && in.Context == "" && in.Host == ""
}

// Summary counts results per status.
type Summary struct {
	Counts
	// Score is the overall score (see score.go), nil when no result was
	// evaluated.
	Score *int `json:"score,omitempty"`
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
	r.Input = inputOf(snap)
	r.Origins = originsOf(snap)
	for _, m := range ran {
		r.Checks[m.ID] = m
	}
	for _, res := range results {
		r.Summary.count(res.Status)
	}
	s := &r.Summary
	s.Score = scoreOf(s.Pass, s.Info, s.Warn, s.Fail)
	r.Categories = categorySummaries(r)
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
	ExitOK       = 0 // the gate passed
	ExitGate     = 1 // the gate failed
	ExitRunError = 2 // the run itself failed
)

// Gate is what makes a report fail its run (exit 1). Three rules, each on
// its own:
//   - FailOn: any result at or above the threshold (never turns this rule
//     off);
//   - FailOnGaps: any gap, i.e. anything the audit could not read;
//   - always: nothing was evaluated, every check that ran skipped. A report
//     of only skips says nothing about the cluster, whatever FailOn says.
type Gate struct {
	FailOn     FailOn
	FailOnGaps bool
}

// Gated reports whether the report fails the gate and, when it fails for
// a reason its findings do not show (gaps, nothing evaluated), says why in
// one line; why is empty when the findings alone fail it.
func (r *Report) Gated(g Gate) (failed bool, why string) {
	var reasons []string
	if !r.Evaluated() {
		reasons = append(reasons, fmt.Sprintf("nothing was evaluated: every selected check skipped (%s; see the report for why)",
			plural(len(r.Results), "skip result")))
	}
	if g.FailOnGaps && len(r.Gaps) > 0 {
		reasons = append(reasons, fmt.Sprintf("--fail-on-gaps: the report has %s (inputs the audit could not read)", plural(len(r.Gaps), "gap")))
	}
	if len(reasons) > 0 {
		return true, strings.Join(reasons, "; ")
	}
	return r.atOrAbove(g.FailOn), ""
}

// ExitCode returns the process exit code for the gate g.
func (r *Report) ExitCode(g Gate) int {
	if failed, _ := r.Gated(g); failed {
		return ExitGate
	}
	return ExitOK
}

// Evaluated reports whether any check that ran was evaluated: it gave a
// result other than skip, or no result at all (it found nothing to judge).
// A report whose every result is skip was not.
func (r *Report) Evaluated() bool {
	skipped := make(map[string]bool, len(r.Checks))
	for _, res := range r.Results {
		if res.Status != result.StatusSkip {
			return true
		}
		skipped[res.Check] = true
	}
	for id := range r.Checks {
		if !skipped[id] {
			return true
		}
	}
	return false
}

// atOrAbove reports whether any result is at or above the threshold.
func (r *Report) atOrAbove(threshold FailOn) bool {
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
	for i, res := range r.Results {
		if s := res.Status.Severity(); s > 0 && s >= min && r.gating(i) {
			return true
		}
	}
	return false
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// inputOf fills what the snapshot itself tells of its input: object counts
// per kind, the files objects came from and the API server's host.
func inputOf(snap *cluster.Snapshot) Input {
	in := Input{Host: snap.Server.Host}
	for kind, n := range snap.Counts() {
		if n == 0 {
			continue
		}
		name := string(kind)
		if info, ok := cluster.InfoFor(kind); ok && info.Name != "" {
			name = info.Name
		}
		if in.Counts == nil {
			in.Counts = map[string]int{}
		}
		in.Counts[name] += n
	}
	files := map[string]bool{}
	for _, o := range snap.Origins {
		files[o.File] = true
	}
	in.FilesRead = len(files)
	return in
}

// originsOf maps the snapshot's origins by object reference. Origins are
// sorted with the first read of duplicates first, and that one is kept,
// as Snapshot.OriginOf does.
func originsOf(snap *cluster.Snapshot) map[result.ObjectRef]Location {
	if len(snap.Origins) == 0 {
		return nil
	}
	out := make(map[result.ObjectRef]Location, len(snap.Origins))
	for _, o := range snap.Origins {
		info, ok := cluster.InfoFor(o.Kind)
		if !ok {
			continue
		}
		ref := info.Ref(o.Namespace, o.Name)
		ref.APIVersion = ""
		if _, seen := out[ref]; !seen {
			out[ref] = Location{File: o.File, Line: o.Line}
		}
	}
	return out
}
