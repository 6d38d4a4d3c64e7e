package gate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Baseline is an earlier JSON report, as far as the gate reads it.
type Baseline struct {
	// File is the name errors cite.
	File string
	// CollectedAt is the report's collectedAt, as written.
	CollectedAt string
	// Results are the report's results, in its order.
	Results []result.Result
}

// baselineWire is the part of a JSON report a baseline reads; other
// fields are allowed and ignored, so reports that add fields within the
// schema version still read.
type baselineWire struct {
	SchemaVersion *string `json:"schemaVersion"`
	CollectedAt   string  `json:"collectedAt"`
	Results       *[]struct {
		Check    string           `json:"check"`
		Status   string           `json:"status"`
		Object   result.ObjectRef `json:"object"`
		Message  string           `json:"message"`
		Evidence map[string]any   `json:"evidence"`
	} `json:"results"`
}

// ReadBaseline parses a JSON report written by -o json; name is the file
// name errors cite. The schema version must be the one this build writes.
func ReadBaseline(name string, data []byte) (*Baseline, error) {
	var w baselineWire
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("read baseline %s", jsonPosition(name, data, err))
	}
	switch {
	case w.SchemaVersion == nil:
		return nil, fmt.Errorf("read baseline %s: no schemaVersion: want a seaworthy JSON report (-o json)", name)
	case *w.SchemaVersion != report.SchemaVersion:
		return nil, fmt.Errorf("read baseline %s: schemaVersion %q: want %q", name, *w.SchemaVersion, report.SchemaVersion)
	case w.Results == nil:
		return nil, fmt.Errorf("read baseline %s: no results array", name)
	}
	b := &Baseline{File: name, CollectedAt: w.CollectedAt, Results: make([]result.Result, len(*w.Results))}
	for i, r := range *w.Results {
		if r.Check == "" {
			return nil, fmt.Errorf("read baseline %s: results[%d]: no check", name, i)
		}
		st, err := result.ParseStatus(r.Status)
		if err != nil {
			return nil, fmt.Errorf("read baseline %s: results[%d] (%s): %w", name, i, r.Check, err)
		}
		b.Results[i] = result.Result{Check: r.Check, Status: st, Object: r.Object, Message: r.Message, Evidence: r.Evidence}
	}
	return b, nil
}

// jsonPosition names the file, line and column of a JSON decoding error:
// the byte a syntax error stopped at, or the end of the value of the
// wrong type.
func jsonPosition(file string, data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return at(file, data, syn.Offset-1) + ": " + syn.Error()
	case errors.As(err, &typ):
		return at(file, data, typ.Offset-1) + fmt.Sprintf(": %s: want %s, not a JSON %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	return file + ": " + err.Error()
}

// at renders the position of data[k] as FILE:LINE:COLUMN (1-based).
func at(file string, data []byte, k int64) string {
	if k < 0 || k >= int64(len(data)) {
		return file
	}
	before := data[:k]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// jsonKind names a Go kind the way JSON would.
func jsonKind(kind string) string {
	switch kind {
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	}
	return "a number"
}

// Fingerprint identifies a result across reports: report.Fingerprint of
// its check ID and object (kind, namespace and name), the same the SARIF
// and Code Quality outputs carry. The API version and the message are left
// out, so neither a new API version nor a reworded message makes a result
// new.
func Fingerprint(r result.Result) string { return report.Fingerprint(r.Check, r.Object) }

// State is how a result compares with the baseline.
type State string

// States.
const (
	// StateNew: no result in the baseline has its fingerprint (or every
	// one that does is paired with another current result).
	StateNew State = "new"
	// StateChanged: paired with a baseline result of the same
	// fingerprint whose status or message differs.
	StateChanged State = "changed"
	// StateUnchanged: paired with a baseline result of the same
	// fingerprint, status and message.
	StateUnchanged State = "unchanged"
)

// Baselined is a current result and how it compares with the baseline.
type Baselined struct {
	Result result.Result
	State  State
	// Previous is the baseline result it is paired with; nil when new.
	Previous *result.Result
}

// Gates reports whether the result can fail a run that has a baseline:
// it is new, or changed to a more severe status (warn to fail). A result
// the baseline already had at the same or a worse status does not.
func (b Baselined) Gates() bool {
	switch b.State {
	case StateNew:
		return true
	case StateChanged:
		return b.Result.Status.Severity() > b.Previous.Status.Severity()
	}
	return false
}

// Classify pairs each result with a baseline result of the same
// fingerprint and says whether it is new, changed or unchanged. Results
// sharing a fingerprint pair one to one: first with baseline results of
// the same status and message, then in order with the rest. base may be
// nil (every result is new).
func Classify(results []result.Result, base *Baseline) []Baselined {
	var old []result.Result
	if base != nil {
		old = base.Results
	}
	p := pair(old, results)
	out := make([]Baselined, len(results))
	for i, r := range results {
		out[i] = Baselined{Result: r, State: StateNew}
		if j := p.oldOf[i]; j >= 0 {
			out[i].Previous = &old[j]
			out[i].State = StateChanged
			if same(old[j], r) {
				out[i].State = StateUnchanged
			}
		}
	}
	return out
}

// pairing maps each new result to the old result it is paired with (-1:
// none), and says which old results were paired.
type pairing struct {
	oldOf  []int
	paired []bool
}

// pair pairs results of two reports by fingerprint, identical results
// first.
func pair(old, cur []result.Result) pairing {
	byPrint := map[string][]int{}
	for j, r := range old {
		fp := Fingerprint(r)
		byPrint[fp] = append(byPrint[fp], j)
	}
	p := pairing{oldOf: make([]int, len(cur)), paired: make([]bool, len(old))}
	prints := make([]string, len(cur))
	for i, r := range cur {
		p.oldOf[i] = -1
		prints[i] = Fingerprint(r)
	}
	for _, identical := range []bool{true, false} {
		for i, r := range cur {
			if p.oldOf[i] >= 0 {
				continue
			}
			for _, j := range byPrint[prints[i]] {
				if !p.paired[j] && (!identical || same(old[j], r)) {
					p.oldOf[i], p.paired[j] = j, true
					break
				}
			}
		}
	}
	return p
}

// same reports whether two paired results say the same thing.
func same(a, b result.Result) bool { return a.Status == b.Status && a.Message == b.Message }
