package cli

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/report"
)

func newChecksCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List every check: ID, category, title and documentation link",
		Example: `  seaworthy checks
  seaworthy checks -o json
  seaworthy checks -o markdown > docs/checks.md`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			var buf bytes.Buffer
			all := checks.All()
			switch output {
			case "table":
				rows := make([][]string, len(all))
				for i, c := range all {
					rows[i] = []string{c.ID, c.Category, c.Title, "docs/checks.md#" + checks.Anchor(c.ID)}
				}
				if err := report.WriteTable(&buf, []string{"ID", "CATEGORY", "TITLE", "DOCS"}, rows); err != nil {
					return runError(err)
				}
			case "json":
				type entry struct {
					checks.Meta
					Needs []string `json:"needs"`
					Doc   string   `json:"doc"`
				}
				list := make([]entry, len(all))
				for i, c := range all {
					list[i] = entry{Meta: c.Meta, Doc: checks.DocLink(c.ID), Needs: []string{}}
					for _, k := range c.Needs {
						list[i].Needs = append(list[i].Needs, string(k))
					}
				}
				enc := json.NewEncoder(&buf)
				enc.SetIndent("", "  ")
				if err := enc.Encode(list); err != nil {
					return runError(err)
				}
			case "markdown":
				if err := checks.WriteCatalog(&buf, all); err != nil {
					return runError(err)
				}
			default:
				return runError(fmt.Errorf("unknown output format %q (want table, json or markdown)", output))
			}
			return writeAll(streams.Out, buf.Bytes())
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "Output format: table, json, markdown.")
	return cmd
}
