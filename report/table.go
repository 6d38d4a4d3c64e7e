package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/seaworthy-k8s/seaworthy/cluster"
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
	if line := inputLine(r); line != "" {
		fmt.Fprintf(ew, "%s\n", line)
	}

	scores := map[string]*int{}
	for _, c := range r.Categories {
		scores[c.Name] = c.Score
	}
	heading := func(cat string) string { return cat + " (score " + scoreText(scores[cat]) + ")" }
	hidden := 0
	var linked []string // checks with a warn or fail row, in table order
	seenLink := map[string]bool{}
	for _, cat := range categoryOrder(r) {
		var all, rows []result.Result
		for _, res := range r.Results {
			if r.Checks[res.Check].Category != cat {
				continue
			}
			all = append(all, res)
			if !t.opts.ShowPassed && (res.Status == result.StatusPass || res.Status == result.StatusNA) {
				hidden++
				continue
			}
			rows = append(rows, res)
		}
		if why, ok := sameGapSkip(r, all); ok {
			fmt.Fprintf(ew, "\n%s: %s\n", heading(cat), t.paint(result.StatusSkip, "skipped, "+why))
			continue
		}
		if len(rows) == 0 {
			if anyStatus(all, result.StatusPass) {
				fmt.Fprintf(ew, "\n%s: %s\n", heading(cat), t.paint(result.StatusPass, "all checks passed"))
			} else {
				fmt.Fprintf(ew, "\n%s: %s\n", heading(cat), t.paint(result.StatusNA, "not applicable"))
			}
			continue
		}
		sort.SliceStable(rows, func(i, j int) bool {
			if a, b := statusRank[rows[i].Status], statusRank[rows[j].Status]; a != b {
				return a < b
			}
			return rows[i].Check < rows[j].Check
		})
		fmt.Fprintf(ew, "\n%s\n", heading(cat))
		cells := make([][]string, len(rows))
		for i, res := range rows {
			if (res.Status == result.StatusFail || res.Status == result.StatusWarn) && !seenLink[res.Check] {
				seenLink[res.Check] = true
				linked = append(linked, res.Check)
			}
			cells[i] = []string{t.paint(res.Status, strings.ToUpper(string(res.Status))), res.Check, res.Object.String(), res.Message}
		}
		if err := writeTable(ew, []string{"STATUS", "CHECK", "OBJECT", "MESSAGE"}, cells, t.opts.Width); err != nil {
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
		if err := writeTable(ew, []string{"KIND", "OBJECT", "REASON", "MESSAGE"}, cells, t.opts.Width); err != nil {
			return err
		}
	}
	s := r.Summary
	fmt.Fprintf(ew, "\nSummary: score %s, %d fail, %d warn, %d info, %d pass, %d skip, %d na (%d results",
		scoreText(s.Score), s.Fail, s.Warn, s.Info, s.Pass, s.Skip, s.NA, s.Total)
	if len(r.Gaps) > 0 {
		fmt.Fprintf(ew, ", %d gaps", len(r.Gaps))
	}
	fmt.Fprint(ew, ")\n")
	if hidden > 0 {
		fmt.Fprintf(ew, "%d pass/na results not shown; use --show-passed to list them.\n", hidden)
	}
	if n := len(r.Exempted); n > 0 {
		fmt.Fprintf(ew, "%s covered by exemptions and not shown (-o json lists them with their exemption).\n", plural(n, "result"))
	}
	if b := r.Baseline; b != nil {
		fmt.Fprintf(ew, "Baseline %s: %d new, %d changed, %d unchanged; only new results and those worse than before gate.\n", b.File, b.New, b.Changed, b.Unchanged)
	}
	for _, line := range t.docLines(linked) {
		fmt.Fprintf(ew, "Docs: %s\n", line)
	}
	return ew.err
}

// maxDocLinks is how many checks the table links one by one; with more,
// it gives the reference's address once.
const maxDocLinks = 8

// docLines are the table's closing "Docs:" lines for the checks that have
// a warn or fail row: one full link per check, in table order, or with
// more than maxDocLinks of them one line with the reference's address
// (DocsBase). None without links in the options.
func (t tableRenderer) docLines(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > maxDocLinks && t.opts.DocsBase != "" {
		return []string{fmt.Sprintf("%s (%d checks above have findings; each has a section there)", t.opts.DocsBase, len(ids))}
	}
	if t.opts.DocLink == nil {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = t.opts.DocLink(id)
	}
	return out
}

// ANSI colours by status: fail red, warn yellow, info cyan, pass green,
// skip and na dim.
var statusColor = map[result.Status]string{
	result.StatusFail: "\x1b[31m", result.StatusWarn: "\x1b[33m", result.StatusInfo: "\x1b[36m",
	result.StatusPass: "\x1b[32m", result.StatusSkip: "\x1b[2m", result.StatusNA: "\x1b[2m",
}

const colorReset = "\x1b[0m"

// paint colours s as status st when colour is on.
func (t tableRenderer) paint(st result.Status, s string) string {
	if !t.opts.Color {
		return s
	}
	return statusColor[st] + s + colorReset
}

func anyStatus(rs []result.Result, st result.Status) bool {
	for _, res := range rs {
		if res.Status == st {
			return true
		}
	}
	return false
}

// sameGapSkip reports whether every result of a category is the runner's
// skip for the same gaps (check.Run's "not evaluated: …", evidence gaps),
// and if so says why in words: each gap's message and, in parentheses,
// its kind and reason.
func sameGapSkip(r *Report, rs []result.Result) (string, bool) {
	if len(rs) < 2 {
		return "", false
	}
	var key string
	for i, res := range rs {
		if res.Status != result.StatusSkip || !strings.HasPrefix(res.Message, "not evaluated: ") {
			return "", false
		}
		kinds := gapEvidence(res.Evidence["gaps"])
		if len(kinds) == 0 {
			return "", false
		}
		k := strings.Join(kinds, ",")
		if i == 0 {
			key = k
		} else if k != key {
			return "", false
		}
	}
	var parts []string
	for _, kind := range strings.Split(key, ",") {
		g, ok := clusterGap(r, kind)
		if !ok {
			return strings.TrimPrefix(rs[0].Message, "not evaluated: "), true
		}
		parts = append(parts, fmt.Sprintf("%s (%s %s)", g.Message, g.Kind, g.Reason))
	}
	return strings.Join(parts, "; "), true
}

// gapEvidence reads a skip's "gaps" evidence: []string in memory, []any
// after a JSON round trip.
func gapEvidence(v any) []string {
	switch t := v.(type) {
	case []string:
		return t
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil
			}
			out = append(out, s)
		}
		return out
	}
	return nil
}

// clusterGap finds the report's cluster-wide gap of kind.
func clusterGap(r *Report, kind string) (cluster.Gap, bool) {
	for _, g := range r.Gaps {
		if string(g.Kind) == kind && g.Namespace == "" && g.Name == "" {
			return g, true
		}
	}
	return cluster.Gap{}, false
}

// mainKinds is how many kinds the header names before summing the rest.
const mainKinds = 5

// inputLine names what was read, or is empty when nothing is known:
// manifests by their -f arguments, files and object counts by kind; a
// snapshot file by its path and the source it was collected from; a live
// read by its context and API server.
func inputLine(r *Report) string {
	in := r.Input
	switch {
	case strings.HasPrefix(r.Source, cluster.SourceSnapshot):
		if len(in.Files) == 0 {
			return ""
		}
		line := "Read snapshot " + strings.Join(in.Files, ", ")
		if from := strings.TrimSuffix(strings.TrimPrefix(r.Source, cluster.SourceSnapshot+" ("), ")"); from != r.Source {
			line += ", collected from " + from
		}
		if in.Host != "" {
			line += " (server " + in.Host + ")"
		}
		return line
	case r.Source == cluster.SourceManifests:
		if len(in.Files) == 0 && len(in.Counts) == 0 {
			return ""
		}
		line := "Read"
		if len(in.Files) > 0 {
			names := make([]string, len(in.Files))
			for i, f := range in.Files {
				names[i] = f
				if f == "-" {
					names[i] = "stdin"
				}
			}
			line += " " + strings.Join(names, ", ") + ":"
		}
		if in.FilesRead > 0 {
			line += " " + plural(in.FilesRead, "file") + ","
		}
		return line + " " + countLine(in.Counts)
	default:
		switch {
		case in.Context != "" && in.Host != "":
			return "Read context " + in.Context + " (server " + in.Host + ")"
		case in.Context != "":
			return "Read context " + in.Context
		case in.Host != "":
			return "Read server " + in.Host
		}
	}
	return ""
}

// countLine says "41 objects (12 Deployment, 9 Service, …)": the total,
// then the most numerous kinds (ties by name) and how many more there are.
func countLine(counts map[string]int) string {
	total := 0
	kinds := make([]string, 0, len(counts))
	for k, n := range counts {
		total += n
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if a, b := counts[kinds[i]], counts[kinds[j]]; a != b {
			return a > b
		}
		return kinds[i] < kinds[j]
	})
	line := plural(total, "object")
	if len(kinds) == 0 {
		return line
	}
	var parts []string
	rest := 0
	for i, k := range kinds {
		if i < mainKinds {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		} else {
			rest += counts[k]
		}
	}
	if more := len(kinds) - mainKinds; more > 0 {
		parts = append(parts, fmt.Sprintf("%d more of %s", rest, plural(more, "other kind")))
	}
	return line + " (" + strings.Join(parts, ", ") + ")"
}

// WriteTable writes a borderless, kubectl-like table with a header row.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	return writeTable(w, header, rows, 0)
}

// WriteTableWidth writes a table as WriteTable does, wrapping the last
// column at words so that lines fit in width columns (0: no wrapping).
func WriteTableWidth(w io.Writer, header []string, rows [][]string, width int) error {
	return writeTable(w, header, rows, width)
}

// Paint colours s as status st when color is true (ANSI, for a terminal).
func Paint(color bool, st result.Status, s string) string {
	if !color {
		return s
	}
	return statusColor[st] + s + colorReset
}

// minWrapWidth is the narrowest the last column is wrapped to, however
// narrow the terminal: below it a message is more breaks than words.
const minWrapWidth = 24

// lastColumnWidth is what the last column (the message) may take so that
// rows fit in width columns, every other column at its natural width
// (tablewriter pads each cell with one blank either side). ok is false
// when width is 0 or every row already fits.
func lastColumnWidth(header []string, rows [][]string, width int) (int, bool) {
	if width <= 0 || len(header) == 0 {
		return 0, false
	}
	n := len(header)
	widths := make([]int, n)
	for _, row := range append([][]string{header}, rows...) {
		for i := 0; i < n && i < len(row); i++ {
			widths[i] = max(widths[i], twwidth.Width(row[i]))
		}
	}
	used := 0
	for _, wd := range widths[:n-1] {
		used += wd + 2
	}
	avail := max(width-used-2, minWrapWidth)
	if widths[n-1] <= avail {
		return 0, false
	}
	return avail, true
}

// writeTable writes a table; width > 0 wraps the last column at words so
// that lines fit in width columns, continuation lines indented under
// their cell.
func writeTable(w io.Writer, header []string, rows [][]string, width int) error {
	var buf bytes.Buffer
	opts := []tablewriter.Option{
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
	}
	if last, ok := lastColumnWidth(header, rows, width); ok {
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNormal),
			// tablewriter's column width counts the cell's padding.
			tablewriter.WithColumnWidths(tw.Mapper[int, int]{len(header) - 1: last + 2}))
	}
	tbl := tablewriter.NewTable(&buf, opts...)
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
