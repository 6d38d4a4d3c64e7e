package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/report"
)

type versionOptions struct {
	output  string
	streams genericiooptions.IOStreams
}

func newVersionCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &versionOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the seaworthy version and the schema versions it writes",
		Long: `Print the seaworthy version and the schema versions it writes.

The version is the one set at build time (-ldflags "-X .../internal/cli.Version=v1.2.3",
as release builds do); otherwise the module version Go recorded in the binary
('go install github.com/seaworthy-k8s/seaworthy/cmd/seaworthy@v1.2.3'), with
the VCS revision and commit time when the build recorded them.`,
		Example: `  seaworthy version
  seaworthy version -o json`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	addOutputFlag(cmd.Flags(), &o.output, versionInfo{})
	return cmd
}

func (o *versionOptions) complete(*cobra.Command, []string) error { return nil }

func (o *versionOptions) validate() error { return report.CheckFormat(o.output, versionInfo{}) }

func (o *versionOptions) run(context.Context) error {
	v := currentVersion()
	if o.output != "table" {
		return render(o.streams.Out, o.output, v, report.RenderOptions{})
	}
	// The table form stays the lines version always printed.
	var b strings.Builder
	fmt.Fprintf(&b, "seaworthy %s\n", v.Version)
	if v.Commit != "" {
		fmt.Fprintf(&b, "commit: %s", v.Commit)
		if v.CommitTime != "" {
			fmt.Fprintf(&b, " (%s)", v.CommitTime)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "go: %s\nsnapshot schema: %s\nreport schema: %s\n", v.GoVersion, v.SnapshotSchema, v.ReportSchema)
	return writeAll(o.streams.Out, []byte(b.String()))
}

// versionInfo is what 'seaworthy version' prints.
type versionInfo struct {
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	CommitTime     string `json:"commitTime,omitempty"`
	GoVersion      string `json:"goVersion"`
	SnapshotSchema string `json:"snapshotSchema"`
	ReportSchema   string `json:"reportSchema"`
}

func (v versionInfo) TableHeader() []string {
	return []string{"VERSION", "COMMIT", "GO", "SNAPSHOT SCHEMA", "REPORT SCHEMA"}
}

func (v versionInfo) TableRows() [][]string {
	commit := v.Commit
	if commit == "" {
		commit = "unknown"
	}
	return [][]string{{v.Version, commit, v.GoVersion, v.SnapshotSchema, v.ReportSchema}}
}

// currentVersion is this binary's version: Version when the build set it,
// else the main module's version from the build info (go install
// …@version), else "dev"; the commit comes from the build info's VCS
// settings when present.
func currentVersion() versionInfo {
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(Version, bi)
}

func versionFrom(ldflags string, bi *debug.BuildInfo) versionInfo {
	v := versionInfo{
		Version:        ldflags,
		GoVersion:      runtime.Version(),
		SnapshotSchema: cluster.SchemaVersion,
		ReportSchema:   report.SchemaVersion,
	}
	if bi == nil {
		return v
	}
	if bi.GoVersion != "" {
		v.GoVersion = bi.GoVersion
	}
	if (v.Version == "" || v.Version == "dev") && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.CommitTime = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && v.Commit != "" {
		v.Commit += "-dirty"
	}
	if v.Version == "" {
		v.Version = "dev"
	}
	return v
}

// toolName is the report's generator: the tool and its version.
func toolName() string { return "seaworthy " + currentVersion().Version }
