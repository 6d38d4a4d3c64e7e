package gate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// DiffSchemaVersion is the version of the diff's JSON shape. Fields are
// only ever added within a version.
const DiffSchemaVersion = "seaworthy.diff/v1"

// RenderDiffText writes the diff as a table, one row per appeared,
// disappeared or changed result (appeared first, then disappeared, then
// changed), and a summary line. A changed row shows the status as
// "OLD → NEW" when it changed, and the new message, followed by the old
// one when the message changed.
func RenderDiffText(w io.Writer, d Diff) error {
	summary := fmt.Sprintf("%d appeared, %d disappeared, %d changed, %d unchanged\n",
		len(d.Appeared), len(d.Disappeared), len(d.Changed), d.Unchanged)
	if d.Empty() {
		_, err := io.WriteString(w, "No differences: "+summary)
		return err
	}
	var rows [][]string
	for _, r := range d.Appeared {
		rows = append(rows, []string{"appeared", r.Check, r.Object.String(), string(r.Status), r.Message})
	}
	for _, r := range d.Disappeared {
		rows = append(rows, []string{"disappeared", r.Check, r.Object.String(), string(r.Status), r.Message})
	}
	for _, c := range d.Changed {
		status := string(c.New.Status)
		if c.Old.Status != c.New.Status {
			status = string(c.Old.Status) + " → " + status
		}
		msg := c.New.Message
		if c.Old.Message != c.New.Message {
			msg += " (was: " + c.Old.Message + ")"
		}
		rows = append(rows, []string{"changed", c.New.Check, c.New.Object.String(), status, msg})
	}
	var buf bytes.Buffer
	if err := report.WriteTable(&buf, []string{"CHANGE", "CHECK", "OBJECT", "STATUS", "MESSAGE"}, rows); err != nil {
		return fmt.Errorf("render diff table: %w", err)
	}
	buf.WriteString(summary)
	_, err := w.Write(buf.Bytes())
	return err
}

// wireDiff is the JSON shape of a diff: every list is an array, never
// null.
type wireDiff struct {
	SchemaVersion string           `json:"schemaVersion"`
	Summary       wireDiffSummary  `json:"summary"`
	Appeared      []wireDiffResult `json:"appeared"`
	Disappeared   []wireDiffResult `json:"disappeared"`
	Changed       []wireChange     `json:"changed"`
}

type wireDiffSummary struct {
	Appeared    int `json:"appeared"`
	Disappeared int `json:"disappeared"`
	Changed     int `json:"changed"`
	Unchanged   int `json:"unchanged"`
}

type wireObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

type wireDiffResult struct {
	Check       string         `json:"check"`
	Status      string         `json:"status"`
	Object      wireObject     `json:"object"`
	Message     string         `json:"message"`
	Evidence    map[string]any `json:"evidence"`
	Fingerprint string         `json:"fingerprint"`
}

type wireVerdict struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

type wireChange struct {
	Check       string      `json:"check"`
	Object      wireObject  `json:"object"`
	Fingerprint string      `json:"fingerprint"`
	Old         wireVerdict `json:"old"`
	New         wireVerdict `json:"new"`
}

func wireResults(rs []result.Result) []wireDiffResult {
	out := make([]wireDiffResult, len(rs))
	for i, r := range rs {
		ev := r.Evidence
		if ev == nil {
			ev = map[string]any{}
		}
		out[i] = wireDiffResult{Check: r.Check, Status: string(r.Status), Object: wireObject(r.Object),
			Message: r.Message, Evidence: ev, Fingerprint: Fingerprint(r)}
	}
	return out
}

// RenderDiffJSON writes the diff as JSON: schemaVersion
// (seaworthy.diff/v1), summary (counts), appeared[] and disappeared[]
// (results with their fingerprint) and changed[] (check, object,
// fingerprint, and old and new status and message), in the text's order.
func RenderDiffJSON(w io.Writer, d Diff) error {
	out := wireDiff{
		SchemaVersion: DiffSchemaVersion,
		Summary:       wireDiffSummary{len(d.Appeared), len(d.Disappeared), len(d.Changed), d.Unchanged},
		Appeared:      wireResults(d.Appeared),
		Disappeared:   wireResults(d.Disappeared),
		Changed:       make([]wireChange, len(d.Changed)),
	}
	for i, c := range d.Changed {
		out.Changed[i] = wireChange{Check: c.New.Check, Object: wireObject(c.New.Object), Fingerprint: Fingerprint(c.New),
			Old: wireVerdict{string(c.Old.Status), c.Old.Message}, New: wireVerdict{string(c.New.Status), c.New.Message}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
