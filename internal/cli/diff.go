package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/report/gate"
)

// diffOptions are the flags of `seaworthy diff OLD NEW`.
type diffOptions struct {
	output   string
	old, cur *gate.Baseline
	streams  genericiooptions.IOStreams
}

func newDiffCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &diffOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Show what appeared, disappeared and changed between two JSON reports",
		Long: `Compare two reports written by 'seaworthy audit -o json' and list the
results that appeared, disappeared or changed (status or message). Results
are matched by check and object (a stable fingerprint), not by message text,
so a reworded finding is changed, not new.

Exit codes: 0 done; 2 a report could not be read.`,
		Example: `  seaworthy audit -o json > before.json
  # ... change the cluster ...
  seaworthy audit -o json > after.json
  seaworthy diff before.json after.json
  seaworthy diff before.json after.json -o json`,
		Args: cobra.ExactArgs(2),
		RunE: runE(o),
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "table", "Output format: table or json.")
	return cmd
}

func (o *diffOptions) complete(_ *cobra.Command, args []string) error {
	read := func(path string) (*gate.Baseline, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read report: %w", err)
		}
		return gate.ReadBaseline(path, data)
	}
	var err error
	if o.old, err = read(args[0]); err != nil {
		return err
	}
	o.cur, err = read(args[1])
	return err
}

func (o *diffOptions) validate() error {
	if o.output != "table" && o.output != "json" {
		return fmt.Errorf("unknown output format %q (want one of: table, json)", o.output)
	}
	return nil
}

func (o *diffOptions) run(context.Context) error {
	d := gate.DiffResults(o.old.Results, o.cur.Results)
	var buf bytes.Buffer
	var err error
	if o.output == "json" {
		err = gate.RenderDiffJSON(&buf, d)
	} else {
		err = gate.RenderDiffText(&buf, d)
	}
	if err != nil {
		return runError(fmt.Errorf("write diff: %w", err))
	}
	_, err = o.streams.Out.Write(buf.Bytes())
	return err
}
