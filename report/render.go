package report

import (
	"fmt"
	"io"
	"strings"
)

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *Report) error
}

// RenderOptions tunes human-oriented formats; machine formats ignore it.
type RenderOptions struct {
	// ShowPassed lists pass and na results in the table instead of
	// counting them in one line.
	ShowPassed bool
	// DocsBase prefixes check anchors in links ("docs/checks.md").
	DocsBase string
}

// Formats lists the output formats in help order.
var Formats = []string{"table", "json", "yaml"}

// NewRenderer returns the renderer for format.
func NewRenderer(format string, opts RenderOptions) (Renderer, error) {
	switch format {
	case "table":
		return tableRenderer{opts: opts}, nil
	case "json":
		return jsonRenderer{}, nil
	case "yaml":
		return yamlRenderer{}, nil
	}
	return nil, fmt.Errorf("unknown output format %q (want one of: %s)", format, strings.Join(Formats, ", "))
}

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
