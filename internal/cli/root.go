package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/report"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=…".
var Version = "dev"

// ExitError carries an exit code out of a command. A nil Err means the
// report already said everything (the gate failed) and nothing more is
// printed.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// NewRootCommand builds the seaworthy command tree.
func NewRootCommand(streams genericiooptions.IOStreams) *cobra.Command {
	return NewRootCommandAs("seaworthy", streams)
}

// CommandName is the name usage and help give seaworthy when it runs as
// argv0: "kubectl seaworthy" when the binary's base name is
// kubectl-seaworthy (kubectl runs plugins named kubectl-NAME on PATH as
// "kubectl NAME"), else "seaworthy".
func CommandName(argv0 string) string {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	if plugin, ok := strings.CutPrefix(base, "kubectl-"); ok && plugin != "" {
		return "kubectl " + plugin
	}
	return "seaworthy"
}

// NewRootCommandAs builds the command tree for a binary run as argv0, so
// that its usage lines say "kubectl seaworthy audit …" when it runs as a
// kubectl plugin.
func NewRootCommandAs(argv0 string, streams genericiooptions.IOStreams) *cobra.Command {
	var logLevel string
	root := &cobra.Command{
		Use:   "seaworthy",
		Short: "Audit Kubernetes clusters for production readiness",
		Long: `seaworthy checks whether a Kubernetes cluster is ready for production traffic:
namespace quotas, cluster DNS and, as the catalog grows, the control plane,
etcd, RBAC, add-ons, nodes and workloads. It reads a live cluster through your
kubeconfig, or manifests and saved snapshots from files, and never writes to
the cluster.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// cobra's CommandPath and usage lines use the display name.
		Annotations: map[string]string{cobra.CommandDisplayNameAnnotation: CommandName(argv0)},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return fmt.Errorf("invalid --log-level %q: want debug, info, warn or error", logLevel)
			}
			slog.SetDefault(slog.New(newLogHandler(streams.ErrOut, level)))
			return nil
		},
	}
	root.PersistentFlags().StringVar(&logLevel, "log-level", "info", "Log level for messages on stderr: debug, info, warn, error.")
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.AddCommand(
		newAuditCommand(streams),
		newRecommendCommand(streams),
		newDiffCommand(streams),
		newPolicyCommand(streams),
		newSnapshotCommand(streams),
		newChecksCommand(streams),
		newConfigCommand(streams),
		newRBACCommand(streams),
		newExplainCommand(streams),
		newVersionCommand(streams),
	)
	registerCompletions(root)
	return root
}

// canonicalPath is cmd's path under the name "seaworthy", whatever name
// the root displays ("kubectl seaworthy audit" → "seaworthy audit").
func canonicalPath(cmd *cobra.Command) string {
	return "seaworthy" + strings.TrimPrefix(cmd.CommandPath(), cmd.Root().CommandPath())
}

// outputValues are the values each command's -o renders, so that its
// completion offers exactly the formats the registry has for them.
var outputValues = map[string]any{
	"seaworthy audit":        (*report.Report)(nil),
	"seaworthy checks":       catalogList(nil),
	"seaworthy explain":      explainEntry{},
	"seaworthy version":      versionInfo{},
	"seaworthy rbac who-can": whoCanAnswer{},
	"seaworthy rbac subject": subjectAnswer{},
	"seaworthy recommend":    recommendFormats,
	"seaworthy diff":         []string{"table", "json"},
}

// registerCompletions adds shell completion (cobra's completion command)
// for the flags whose values seaworthy knows: -o, --check, --skip-check,
// --fail-on and --context, on every command that has them.
func registerCompletions(root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		fs := cmd.Flags()
		if v, ok := outputValues[canonicalPath(cmd)]; ok && fs.Lookup("output") != nil {
			formats, fixed := v.([]string)
			if !fixed {
				formats = report.FormatsFor(v)
			}
			_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
		}
		for _, name := range []string{"check", "skip-check"} {
			if fs.Lookup(name) != nil {
				_ = cmd.RegisterFlagCompletionFunc(name, completeCheckPatterns)
			}
		}
		if fs.Lookup("fail-on") != nil {
			_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(
				[]string{"info", "warn", "fail", "never"}, cobra.ShellCompDirectiveNoFileComp))
		}
		if fs.Lookup("context") != nil {
			_ = cmd.RegisterFlagCompletionFunc("context", completeContexts)
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeCheckPatterns completes --check and --skip-check: the ID
// prefixes (DNS, QUOTA…) and the IDs, after the last comma of a
// comma-separated value.
func completeCheckPatterns(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	done, word := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, word = toComplete[:i+1], toComplete[i+1:]
	}
	word = strings.ToUpper(word)
	var out []string
	seen := map[string]bool{}
	for _, c := range checks.Catalog() {
		prefix, _, _ := strings.Cut(c.ID, "-")
		if !seen[prefix] && strings.HasPrefix(prefix, word) {
			seen[prefix] = true
			out = append(out, done+prefix+"\t"+c.Category)
		}
	}
	for _, c := range checks.Catalog() {
		if strings.HasPrefix(c.ID, word) {
			out = append(out, done+c.ID+"\t"+c.Title)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeContexts lists the contexts of the kubeconfig the command would
// load (--kubeconfig, else $KUBECONFIG, else ~/.kube/config).
func completeContexts(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	cf := genericclioptions.NewConfigFlags(false)
	if f := cmd.Flags().Lookup("kubeconfig"); f != nil && f.Value.String() != "" {
		path := f.Value.String()
		cf.KubeConfig = &path
	}
	raw, err := cf.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var out []string
	for name := range raw.Contexts {
		if strings.HasPrefix(name, toComplete) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// ExitInterrupted is the exit code of a run cancelled by Ctrl-C or
// SIGTERM (128 + SIGINT, as shells report it).
const ExitInterrupted = 130

// Execute runs the command line and returns the process exit code:
// 0 gate passed, 1 gate failed, 2 the run itself failed, 130 interrupted.
func Execute(args []string, streams genericiooptions.IOStreams) int {
	return ExecuteAs("seaworthy", args, streams)
}

// ExecuteAs is Execute for a binary run as argv0 (os.Args[0]): usage and
// help name it "kubectl seaworthy" when it is kubectl-seaworthy.
func ExecuteAs(argv0 string, args []string, streams genericiooptions.IOStreams) int {
	// Ctrl-C or SIGTERM cancels a live collection or a read of files or
	// stdin cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return executeContextAs(ctx, argv0, args, streams)
}

// executeContext is Execute under ctx. A run cancelled while it reads
// its input prints "interrupted" on stderr, nothing on stdout and writes
// no file.
func executeContext(ctx context.Context, args []string, streams genericiooptions.IOStreams) int {
	return executeContextAs(ctx, "seaworthy", args, streams)
}

func executeContextAs(ctx context.Context, argv0 string, args []string, streams genericiooptions.IOStreams) int {
	// client-go logs through klog (e.g. "Unexpected error when reading
	// response body"); seaworthy reports every failure itself, on one line.
	klog.SetLogger(logr.Discard())
	cmd := NewRootCommandAs(argv0, streams)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return report.ExitOK
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(streams.ErrOut, "interrupted")
		return ExitInterrupted
	}
	var exit *ExitError
	if errors.As(err, &exit) {
		if exit.Err != nil {
			fmt.Fprintf(streams.ErrOut, "error: %s\n", oneLine(exit.Err.Error()))
		}
		return exit.Code
	}
	fmt.Fprintf(streams.ErrOut, "error: %s\n", oneLine(err.Error()))
	if strings.Contains(err.Error(), "unknown flag") || strings.Contains(err.Error(), "unknown command") {
		fmt.Fprintf(streams.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return report.ExitRunError
}

// oneLine collapses a multi-line error into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// runError wraps err as a run failure (exit 2).
func runError(err error) error { return &ExitError{Code: report.ExitRunError, Err: err} }

func writeAll(w io.Writer, data []byte) error {
	_, err := w.Write(data)
	return err
}
