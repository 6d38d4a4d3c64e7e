package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// markdownRenderer writes a report as a pull-request comment: a title
// with the score and counts, the fail and warn results grouped by
// category, and the other results in a collapsed <details>. GitHub limits
// a comment to 65,536 characters; rows past that are cut, with a line
// saying how many.
type markdownRenderer struct {
	// max is the length limit in bytes (never fewer than characters); 0
	// is GitHub's comment limit.
	max int
}

// markdownCommentLimit is GitHub's limit on a comment's length.
const markdownCommentLimit = 65536

func (m markdownRenderer) Render(w io.Writer, r *Report) error {
	max := m.max
	if max <= 0 {
		max = markdownCommentLimit
	}
	s := r.Summary
	score := "–"
	if s.Score != nil {
		score = fmt.Sprint(*s.Score)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## seaworthy: score %s, %d fail, %d warn, %d info\n\n", score, s.Fail, s.Warn, s.Info)
	fmt.Fprintf(&b, "%d results: %d pass, %d skip, %d na; %d gaps.\n", s.Total, s.Pass, s.Skip, s.NA, len(r.Gaps))

	// The rows, in the order they are written; cut stops at the budget.
	type row struct{ head, line string }
	var gated, rest []row
	for _, cat := range categoryOrder(r) {
		for _, res := range r.Results {
			if r.Checks[res.Check].Category != cat {
				continue
			}
			line := markdownRow(r, res)
			if res.Status == result.StatusFail || res.Status == result.StatusWarn {
				gated = append(gated, row{categoryName(cat), line})
			} else {
				rest = append(rest, row{"", line})
			}
		}
	}
	const header = "| Status | Check | Object | Location | Message |\n|---|---|---|---|---|\n"
	// The cut note is at most this long; keep room for it and the closing
	// </details>.
	const reserve = 200
	written, total := 0, len(gated)+len(rest)
	full := false
	add := func(s string) bool {
		if full || b.Len()+len(s) > max-reserve {
			full = true
			return false
		}
		b.WriteString(s)
		return true
	}
	cur := ""
	for _, g := range gated {
		text := g.line
		if g.head != cur {
			text = "\n### " + escapeMarkdownCell(g.head) + "\n\n" + header + g.line
		}
		if !add(text) {
			break
		}
		cur = g.head
		written++
	}
	if len(rest) > 0 && !full {
		if add(fmt.Sprintf("\n<details><summary>%d other results (info, pass, skip, na)</summary>\n\n%s", len(rest), header)) {
			for _, x := range rest {
				if !add(x.line) {
					break
				}
				written++
			}
			b.WriteString("\n</details>\n")
		}
	}
	if left := total - written; left > 0 {
		fmt.Fprintf(&b, "\n_%d more results not shown: a comment holds at most %d characters; the JSON report has them all._\n", left, max)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownRow is one result as a table row.
func markdownRow(r *Report, res result.Result) string {
	loc := ""
	if l, ok := r.LocationOf(res.Object); ok {
		at := Origin(Location{File: repoPath(l.File), Line: l.Line})
		loc = "`" + strings.NewReplacer("`", "'", "|", `\|`).Replace(at) + "`"
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s |\n", strings.ToUpper(string(res.Status)), escapeMarkdownCell(res.Check),
		escapeMarkdownCell(res.Object.String()), loc, escapeMarkdownCell(res.Message))
}

// escapeMarkdownCell keeps text inside one table cell and out of HTML: |
// escaped, line breaks as spaces, < and > as entities.
func escapeMarkdownCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}
