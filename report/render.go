package report

import "io"

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *Report) error
}

// RenderOptions tunes human-oriented formats; machine formats ignore it.
type RenderOptions struct {
	// ShowPassed lists pass and na results in the table instead of
	// counting them in one line.
	ShowPassed bool
	// DocLink returns the full documentation link of a check ID; the table
	// ends with one "Docs:" line per check that has a warn or fail row.
	// Nil writes no links. (report does not import checks: the CLI passes
	// checks.DocLink.)
	DocLink func(id string) string
	// DocsBase is the check reference's address, the one "Docs:" line when
	// more than 8 checks have findings.
	DocsBase string
	// Color writes ANSI colours by status (for a terminal; see UseColor).
	Color bool
	// Width wraps the table's messages to this many columns; 0 does not
	// wrap (the output of a pipe or file, stable for diffs and tests).
	Width int
}

// Formats lists the report's output formats in help order.
var Formats = FormatsFor((*Report)(nil))

// NewRenderer returns the renderer of a report format.
func NewRenderer(name string, opts RenderOptions) (Renderer, error) {
	if err := CheckFormat(name, (*Report)(nil)); err != nil {
		return nil, err
	}
	return registered{name: name, opts: opts}, nil
}

// registered renders a report through the registry.
type registered struct {
	name string
	opts RenderOptions
}

func (r registered) Render(w io.Writer, rep *Report) error { return Render(w, r.name, rep, r.opts) }

// categoryOrder returns the categories of the checks in a report in the
// order their first check appears in results.
func categoryOrder(r *Report) []string {
	seen := map[string]bool{}
	var out []string
	for _, res := range r.Results {
		c := r.Checks[res.Check].Category
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}
