package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/seaworthy-k8s/seaworthy/report"
)

// options is the shape of every command: an options struct whose complete
// fills what the flags and arguments imply, validate rejects what cannot
// run, and run does the work and writes to the command's injected streams.
// Errors from complete and validate are run failures (exit 2); run returns
// its own *ExitError.
type options interface {
	complete(cmd *cobra.Command, args []string) error
	validate() error
	run(ctx context.Context) error
}

// runE adapts an options value to cobra.
func runE(o options) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := o.complete(cmd, args); err != nil {
			return runError(err)
		}
		if err := o.validate(); err != nil {
			return runError(err)
		}
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		return o.run(ctx)
	}
}

// addOutputFlag registers -o/--output with the formats the registry has
// for values like v (see report.FormatsFor).
func addOutputFlag(fs *pflag.FlagSet, p *string, v any) {
	formats := report.FormatsFor(v)
	fs.StringVarP(p, "output", "o", formats[0], "Output format: "+strings.Join(formats, ", ")+".")
}

// render writes v to out in format through the registry, fully or not at
// all.
func render(out interface{ Write([]byte) (int, error) }, format string, v any, opts report.RenderOptions) error {
	if err := report.Render(out, format, v, opts); err != nil {
		return runError(err)
	}
	return nil
}
