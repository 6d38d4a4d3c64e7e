package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// tableRenderer writes a human report: one table per category, worst
// first, then gaps and a summary line.
type tableRenderer struct{ opts RenderOptions }

// statusRank orders rows within a category: worst first.
var statusRank = map[result.Status]int{
	result.StatusFail: 0, result.StatusWarn: 1, result.StatusSkip: 2,
	result.StatusInfo: 3, result.StatusPass: 4, result.StatusNA: 5,
}

func (t tableRenderer) Render(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "seaworthy audit of %s", r.Source)
	if r.Server.GitVersion != "" {
		fmt.Fprintf(ew, " (Kubernetes %s)", r.Server.GitVersion)
	}
	fmt.Fprintf(ew, " at %s\n", r.CollectedAt.UTC().Format("2006-01-02T15:04:05Z"))

	hidden := 0
	for _, cat := range categoryOrder(r) {
		var rows []result.Result
		for _, res := range r.Results {
			if r.Checks[res.Check].Category != cat {
				continue
			}
			if !t.opts.ShowPassed && (res.Status == result.StatusPass || res.Status == result.StatusNA) {
				hidden++
				continue
			}
			rows = append(rows, res)
		}
		if len(rows) == 0 {
			fmt.Fprintf(ew, "\n%s: all checks passed\n", cat)
			continue
		}
		sort.SliceStable(rows, func(i, j int) bool {
			if a, b := statusRank[rows[i].Status], statusRank[rows[j].Status]; a != b {
				return a < b
			}
			return rows[i].Check < rows[j].Check
		})
		fmt.Fprintf(ew, "\n%s\n", cat)
		cells := make([][]string, len(rows))
		for i, res := range rows {
			cells[i] = []string{strings.ToUpper(string(res.Status)), res.Check, res.Object.String(), res.Message}
		}
		if err := WriteTable(ew, []string{"STATUS", "CHECK", "OBJECT", "MESSAGE"}, cells); err != nil {
			return err
		}
	}
	if len(r.Gaps) > 0 {
		fmt.Fprintf(ew, "\nGaps (not read; checks that need them report skip)\n")
		cells := make([][]string, len(r.Gaps))
		for i, g := range r.Gaps {
			obj := g.Namespace
			if g.Name != "" {
				obj += "/" + g.Name
			}
			cells[i] = []string{string(g.Kind), obj, g.Reason, g.Message}
		}
		if err := WriteTable(ew, []string{"KIND", "OBJECT", "REASON", "MESSAGE"}, cells); err != nil {
			return err
		}
	}
	s := r.Summary
	fmt.Fprintf(ew, "\nSummary: %d fail, %d warn, %d info, %d pass, %d skip, %d na (%d results",
		s.Fail, s.Warn, s.Info, s.Pass, s.Skip, s.NA, s.Total)
	if len(r.Gaps) > 0 {
		fmt.Fprintf(ew, ", %d gaps", len(r.Gaps))
	}
	fmt.Fprint(ew, ")\n")
	if hidden > 0 {
		fmt.Fprintf(ew, "%d pass/na results not shown; use --show-passed to list them.\n", hidden)
	}
	return ew.err
}

// WriteTable writes a borderless, kubectl-like table with a header row.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	var buf bytes.Buffer
	tbl := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
	)
	tbl.Header(header)
	if err := tbl.Bulk(rows); err != nil {
		return err
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	// tablewriter pads the last column; trailing blanks only get in the way
	// of copying and diffing.
	lines := strings.SplitAfter(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.TrimSuffix(l, "\n"), " ")
		if strings.HasSuffix(l, "\n") {
			lines[i] += "\n"
		}
	}
	_, err := io.WriteString(w, strings.Join(lines, ""))
	return err
}

// errWriter remembers the first write error so rendering code stays flat.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
