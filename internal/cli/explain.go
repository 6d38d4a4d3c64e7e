package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/report"
)

type explainOptions struct {
	output  string
	id      string
	streams genericiooptions.IOStreams

	check check.Check
}

func newExplainCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &explainOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain one check: its rule, why it matters, how to fix a finding",
		Long: `Explain one check as docs/checks.md does: the rule it evaluates, why it
matters, how to fix a finding, the kinds it reads, its code and fixtures, and
the link to its documentation. The ID is case-insensitive.`,
		Example: `  seaworthy explain QUOTA-001
  seaworthy explain dns-004 -o json`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeExplainID,
		RunE:              runE(o),
	}
	// Markdown first: it reads well on a terminal and is what the docs show.
	formats := []string{"markdown"}
	for _, f := range report.FormatsFor(explainEntry{}) {
		if f != "markdown" {
			formats = append(formats, f)
		}
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", formats[0], "Output format: "+strings.Join(formats, ", ")+".")
	return cmd
}

func (o *explainOptions) complete(_ *cobra.Command, args []string) error {
	o.id = strings.ToUpper(strings.TrimSpace(args[0]))
	return nil
}

func (o *explainOptions) validate() error {
	if err := report.CheckFormat(o.output, explainEntry{}); err != nil {
		return err
	}
	c, ok := checks.ByID(o.id)
	if !ok {
		msg := fmt.Sprintf("no check %q (see 'seaworthy checks')", o.id)
		if near := closestIDs(o.id, checks.Catalog()); len(near) > 0 {
			msg = fmt.Sprintf("no check %q; did you mean %s? (see 'seaworthy checks')", o.id, strings.Join(near, ", "))
		}
		return fmt.Errorf("%s", msg)
	}
	o.check = c
	return nil
}

func (o *explainOptions) run(context.Context) error {
	return render(o.streams.Out, o.output, explainEntry{o.check}, report.RenderOptions{})
}

// explainEntry is one check as explain prints it.
type explainEntry struct{ c check.Check }

// WriteMarkdown writes the check's section of docs/checks.md and its link.
func (e explainEntry) WriteMarkdown(w io.Writer) error { return checks.WriteCheck(w, e.c) }

func (e explainEntry) MarshalJSON() ([]byte, error) {
	type entry struct {
		catalogEntry
		Code     string `json:"code,omitempty"`
		Fixtures string `json:"fixtures,omitempty"`
	}
	out := entry{catalogEntry: catalogEntry{Meta: e.c.Meta, Needs: []string{}, Doc: checks.DocLink(e.c.ID)}}
	for _, k := range e.c.Needs {
		out.Needs = append(out.Needs, string(k))
	}
	if e.c.Package != "" {
		out.Code = e.c.Package
		out.Fixtures = "checks/testdata/" + e.c.ID
	}
	return json.Marshal(out)
}

// closestIDs suggests check IDs for a mistyped one: every ID it is a
// prefix of (DNS → DNS-001…), else the IDs at the smallest edit distance,
// if that distance is at most a third of the ID's length (at least 2).
func closestIDs(id string, all []check.Check) []string {
	var out []string
	if id != "" {
		for _, c := range all {
			if strings.HasPrefix(c.ID, id) {
				out = append(out, c.ID)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	limit := max(2, len(id)/3)
	best := limit + 1
	for _, c := range all {
		d := editDistance(id, c.ID)
		switch {
		case d < best:
			best, out = d, []string{c.ID}
		case d == best:
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// completeExplainID completes explain's ID from the catalog.
func completeExplainID(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, c := range checks.Catalog() {
		if strings.HasPrefix(c.ID, strings.ToUpper(toComplete)) {
			out = append(out, c.ID+"\t"+c.Title)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
