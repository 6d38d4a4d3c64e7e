package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/report"
)

type versionOptions struct{ streams genericiooptions.IOStreams }

func newVersionCommand(streams genericiooptions.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the seaworthy version and the schema versions it writes",
		Args:  cobra.NoArgs,
		RunE:  runE(&versionOptions{streams: streams}),
	}
}

func (o *versionOptions) complete(*cobra.Command, []string) error { return nil }

func (o *versionOptions) validate() error { return nil }

func (o *versionOptions) run(context.Context) error {
	_, err := fmt.Fprintf(o.streams.Out, "seaworthy %s\nsnapshot schema: %s\nreport schema: %s\n",
		Version, cluster.SchemaVersion, report.SchemaVersion)
	return err
}
