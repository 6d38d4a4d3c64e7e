package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/report"
)

type auditOptions struct {
	source     *sourceOptions
	output     string
	failOn     string
	showPassed bool
	only       []string
	exclude    []string

	threshold report.FailOn
	selected  []check.Check
	streams   genericiooptions.IOStreams
}

func newAuditCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &auditOptions{source: newSourceOptions(streams), streams: streams}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Audit a cluster, manifests or a snapshot for production readiness",
		Long: `Audit a cluster for production readiness and print a report.

Without -f, seaworthy reads the cluster of the current kubeconfig context
(read-only: it lists objects, never reads Secrets, and reads ConfigMaps only
by name from a short allow-list). With -f it reads manifests or a snapshot
saved by 'seaworthy snapshot'.

What could not be read (forbidden, not installed) is reported as a gap, and
the checks that need it report skip: nothing passes by default.

Exit codes: 0 nothing at or above --fail-on; 1 the gate failed; 2 the run
itself failed (bad flags, unreadable input, cluster unreachable).`,
		Example: `  # Audit the cluster of the current kubeconfig context
  seaworthy audit

  # Audit another context, failing on warnings too (for CI)
  seaworthy audit --context prod-eu --fail-on warn

  # Audit rendered manifests or the output of 'kubectl get -A -o yaml'
  helm template ./chart | seaworthy audit -f -
  seaworthy audit -f ./manifests/ -o json

  # Replay a saved snapshot offline
  seaworthy audit -f cluster.snapshot.json`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	o.source.addFlags(cmd.Flags())
	addOutputFlag(cmd.Flags(), &o.output, (*report.Report)(nil))
	cmd.Flags().StringVar(&o.failOn, "fail-on", "fail", "Exit 1 when any result is at or above this status: info, warn, fail, never.")
	cmd.Flags().BoolVar(&o.showPassed, "show-passed", false, "List pass and na results in the table (json and yaml always include them).")
	cmd.Flags().StringSliceVar(&o.only, "check", nil, "Run only these checks: IDs or ID prefixes, e.g. DNS or QUOTA-003. Repeatable or comma-separated.")
	cmd.Flags().StringSliceVar(&o.exclude, "exclude-namespaces", nil, "Namespaces the QUOTA checks ignore besides kube-system, kube-public and kube-node-lease.")
	return cmd
}

func (o *auditOptions) complete(*cobra.Command, []string) error {
	if err := o.source.complete(); err != nil {
		return err
	}
	t, ok := report.ParseFailOn(o.failOn)
	if !ok {
		return fmt.Errorf("invalid --fail-on %q: want info, warn, fail or never", o.failOn)
	}
	o.threshold = t
	opts := checks.DefaultOptions()
	opts.Quota.ExcludeNamespaces = o.exclude
	var err error
	o.selected, err = selectChecks(checks.All(opts), o.only)
	return err
}

func (o *auditOptions) validate() error {
	if err := report.CheckFormat(o.output, (*report.Report)(nil)); err != nil {
		return err
	}
	return o.source.validate()
}

func (o *auditOptions) run(ctx context.Context) error {
	snap, err := o.source.load(ctx)
	if err != nil {
		return runError(err)
	}
	results := checks.Run(snap, o.selected)
	rep := report.New(snap, checks.Metas(o.selected), results)
	// The registry renders fully before writing, so a failure leaves no
	// partial report.
	if err := report.Render(o.streams.Out, o.output, rep, report.RenderOptions{ShowPassed: o.showPassed}); err != nil {
		return runError(fmt.Errorf("write report: %w", err))
	}
	if code := rep.ExitCode(o.threshold); code != report.ExitOK {
		return &ExitError{Code: code}
	}
	return nil
}

// selectChecks keeps the checks whose ID equals or starts with one of the
// patterns (case-insensitive); no patterns keeps all.
func selectChecks(all []check.Check, patterns []string) ([]check.Check, error) {
	if len(patterns) == 0 {
		return all, nil
	}
	var out []check.Check
	for _, p := range patterns {
		p = strings.ToUpper(strings.TrimSpace(p))
		matched := false
		for _, c := range all {
			if c.ID == p || strings.HasPrefix(c.ID, p+"-") || (strings.HasSuffix(p, "-") && strings.HasPrefix(c.ID, p)) {
				matched = true
				if !containsCheck(out, c.ID) {
					out = append(out, c)
				}
			}
		}
		if !matched {
			return nil, fmt.Errorf("--check %q matches no check (see 'seaworthy checks')", p)
		}
	}
	// Keep registry order whatever the order of the patterns.
	ordered := make([]check.Check, 0, len(out))
	for _, c := range all {
		if containsCheck(out, c.ID) {
			ordered = append(ordered, c)
		}
	}
	return ordered, nil
}

func containsCheck(cs []check.Check, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}
