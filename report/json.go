package report

import (
	"encoding/json"
	"io"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// jsonRenderer writes the versioned JSON report: schemaVersion,
// collectedAt, summary (with the overall score), categories[] (counts and
// score per category), results[] and gaps[].
type jsonRenderer struct{}

func (jsonRenderer) Render(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(wire(r))
}

// wireReport fixes the order and presence of top-level fields in JSON and
// YAML: results and gaps are always arrays, never null.
type wireReport struct {
	SchemaVersion string  `json:"schemaVersion"`
	Generator     string  `json:"generator,omitempty"`
	CollectedAt   string  `json:"collectedAt"`
	Source        string  `json:"source"`
	Server        any     `json:"server"`
	Summary       Summary `json:"summary"`
	// Categories is always an array: one entry per category with results.
	Categories []CategorySummary `json:"categories"`
	Results    []wireResult      `json:"results"`
	Gaps       []wireGap         `json:"gaps"`
	Input      *Input            `json:"input,omitempty"`
	// Exempted and Baseline appear only when --exemptions or --baseline
	// was given.
	Exempted []wireExempted   `json:"exempted,omitempty"`
	Baseline *BaselineSummary `json:"baseline,omitempty"`
}

type wireExempted struct {
	wireResult
	Exemption any `json:"exemption"`
}

type wireResult struct {
	Check    string         `json:"check"`
	Title    string         `json:"title,omitempty"`
	Category string         `json:"category,omitempty"`
	Status   string         `json:"status"`
	Object   wireObject     `json:"object"`
	Message  string         `json:"message"`
	Evidence map[string]any `json:"evidence"`
}

type wireObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

type wireGap struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	Reason    string `json:"reason"`
	Message   string `json:"message"`
}

func wire(r *Report) wireReport {
	out := wireReport{
		SchemaVersion: r.SchemaVersion,
		Generator:     r.Generator,
		CollectedAt:   r.CollectedAt.UTC().Format("2006-01-02T15:04:05Z07:00"),
		Source:        r.Source,
		Server:        r.Server,
		Summary:       r.Summary,
		Categories:    append([]CategorySummary{}, r.Categories...),
		Results:       make([]wireResult, len(r.Results)),
		Gaps:          make([]wireGap, len(r.Gaps)),
	}
	if !r.Input.IsZero() {
		in := r.Input
		out.Input = &in
	}
	for i, res := range r.Results {
		out.Results[i] = r.wireResult(res)
	}
	for _, e := range r.Exempted {
		out.Exempted = append(out.Exempted, wireExempted{wireResult: r.wireResult(e.Result), Exemption: e.Exemption})
	}
	out.Baseline = r.Baseline
	for i, g := range r.Gaps {
		out.Gaps[i] = wireGap{Kind: string(g.Kind), Namespace: g.Namespace, Name: g.Name, Reason: g.Reason, Message: g.Message}
	}
	return out
}

// wireResult is one result as JSON writes it, with its check's title and
// category.
func (r *Report) wireResult(res result.Result) wireResult {
	m := r.Checks[res.Check]
	ev := res.Evidence
	if ev == nil {
		ev = map[string]any{}
	}
	return wireResult{
		Check: res.Check, Title: m.Title, Category: m.Category, Status: string(res.Status),
		Object:  wireObject(res.Object),
		Message: res.Message, Evidence: ev,
	}
}
