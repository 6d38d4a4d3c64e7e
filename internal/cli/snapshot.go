package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
)

type snapshotOptions struct {
	source  *sourceOptions
	output  string
	streams genericiooptions.IOStreams
}

func newSnapshotCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &snapshotOptions{source: newSourceOptions(streams), streams: streams}
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Save what an audit reads as a versioned JSON snapshot",
		Long: `Read the cluster the way 'seaworthy audit' does and save it as a versioned
JSON snapshot. 'seaworthy audit -f FILE' replays it offline with the same
results: attach it to bug reports, or gate CI on it.

The snapshot holds no Secrets and only allow-listed ConfigMaps. managedFields
and last-applied annotations are dropped. The file is written atomically:
on error, nothing is left behind. -f input with no object seaworthy reads
is an error (exit 2): a snapshot of nothing is never written.`,
		Example: `  # Save the current context's cluster
  seaworthy snapshot -o prod.snapshot.json

  # Replay it offline
  seaworthy audit -f prod.snapshot.json`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	o.source.addFlags(cmd.Flags())
	o.source.addSecretMetadataFlag(cmd.Flags())
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "File to write the snapshot to, or - for stdout.")
	return cmd
}

func (o *snapshotOptions) complete(*cobra.Command, []string) error { return o.source.complete() }

func (o *snapshotOptions) validate() error {
	if err := o.source.validate(); err != nil {
		return err
	}
	if o.output == "" {
		return errors.New("-o FILE is required (use -o - for stdout)")
	}
	return nil
}

func (o *snapshotOptions) run(ctx context.Context) error {
	snap, err := o.source.load(ctx)
	if err != nil {
		return runError(err)
	}
	if o.output == "-" {
		var buf bytes.Buffer
		if err := snapshotfile.Write(&buf, snap); err != nil {
			return runError(err)
		}
		return writeAll(o.streams.Out, buf.Bytes())
	}
	if err := writeFileAtomic(o.output, snap); err != nil {
		return runError(err)
	}
	slog.Info(fmt.Sprintf("wrote %s (%d gaps)", o.output, len(snap.Gaps)))
	return nil
}

// writeFileAtomic writes the snapshot to a temporary file beside path and
// renames it into place, so a failed run leaves no half-written file.
func writeFileAtomic(path string, snap *cluster.Snapshot) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := snapshotfile.Write(tmp, snap); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
