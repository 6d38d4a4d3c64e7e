package cli

import (
	"context"
	"encoding/json"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

type checksOptions struct {
	output  string
	streams genericiooptions.IOStreams
}

func newChecksCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &checksOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List every check: ID, category, title and documentation link",
		Example: `  seaworthy checks
  seaworthy checks -o json
  seaworthy checks -o markdown > docs/checks.md`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	addOutputFlag(cmd.Flags(), &o.output, catalogList(nil))
	return cmd
}

func (o *checksOptions) complete(*cobra.Command, []string) error { return nil }

func (o *checksOptions) validate() error { return report.CheckFormat(o.output, catalogList(nil)) }

func (o *checksOptions) run(context.Context) error {
	return render(o.streams.Out, o.output, catalogList(checks.Catalog()), report.RenderOptions{})
}

// ChecksSchemaVersion is the version of the JSON/YAML shape of the check
// list: {"schemaVersion", "checks": [...]}. Fields are only ever added
// within a version.
const ChecksSchemaVersion = "seaworthy.checks/v1"

// catalogList is the check list as every format prints it.
type catalogList []check.Check

func (l catalogList) TableHeader() []string { return []string{"ID", "CATEGORY", "TITLE", "DOCS"} }

func (l catalogList) TableRows() [][]string {
	rows := make([][]string, len(l))
	for i, c := range l {
		rows[i] = []string{c.ID, c.Category, c.Title, "docs/checks.md#" + checks.Anchor(c.ID)}
	}
	return rows
}

// WriteMarkdown writes the check reference (docs/checks.md).
func (l catalogList) WriteMarkdown(w io.Writer) error { return checks.WriteCatalog(w, l) }

// catalogEntry is one check in JSON and YAML.
type catalogEntry struct {
	result.Meta
	Needs []string `json:"needs"`
	Doc   string   `json:"doc"`
}

func (l catalogList) MarshalJSON() ([]byte, error) {
	list := make([]catalogEntry, len(l))
	for i, c := range l {
		list[i] = catalogEntry{Meta: c.Meta, Doc: checks.DocLink(c.ID), Needs: []string{}}
		for _, k := range c.Needs {
			list[i].Needs = append(list[i].Needs, string(k))
		}
	}
	return json.Marshal(struct {
		SchemaVersion string         `json:"schemaVersion"`
		Checks        []catalogEntry `json:"checks"`
	}{ChecksSchemaVersion, list})
}
