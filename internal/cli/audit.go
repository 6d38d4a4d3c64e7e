package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/report"
)

type auditOptions struct {
	source     *sourceOptions
	output     string
	failOn     string
	failOnGaps bool
	showPassed bool
	color      string
	only       []string
	skip       []string
	thresholds *thresholdFlags
	scope      scopeOptions
	history    *historyOptions
	gating     gateOptions
	policy     policyOptions
	publish    publishOptions

	gate     report.Gate
	selected []check.Check
	streams  genericiooptions.IOStreams
}

func newAuditCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd, _ := auditCommand(streams)
	return cmd
}

// auditCommand returns the audit command and its options, so that tests
// can resolve flags without running it.
func auditCommand(streams genericiooptions.IOStreams) (*cobra.Command, *auditOptions) {
	o := &auditOptions{source: newSourceOptions(streams), streams: streams, history: newHistoryOptions()}
	cmd := &cobra.Command{
		Use:   "audit [PATH...]",
		Short: "Audit a cluster, manifests or a snapshot for production readiness",
		Long: `Audit a cluster for production readiness and print a report.

Without -f, seaworthy reads the cluster of the current kubeconfig context
(read-only: it lists objects, never reads Secrets, and reads ConfigMaps only
by name from a short allow-list). With -f it reads manifests or a snapshot
saved by 'seaworthy snapshot'; each PATH argument is one more -f PATH.

-n NS reports only the results about objects in NS, the Namespace NS
itself, cluster-scoped objects and the cluster as a whole; -l SELECTOR
reports only the results about objects whose labels match it, and those
about the cluster as a whole. Both only scope what is reported: every
check still judges everything read, so a cluster-wide check sees every
namespace, and the summary and scores count only what is reported. -A
(the default) reports every namespace. With -f manifests, -n is also the
namespace of objects that name none, as with kubectl apply -n; a
snapshot file's objects keep their namespaces.

What could not be read (forbidden, not installed) is reported as a gap, and
the checks that need it report skip: nothing passes by default.

Exit codes: 0 the gate passed; 1 the gate failed; 2 the run itself failed
(bad flags, unreadable input, input that holds no objects seaworthy reads,
cluster unreachable). The gate fails when any result is at or above
--fail-on; when every selected check skipped, so nothing was evaluated
(always, whatever --fail-on says); and, with --fail-on-gaps, when anything
could not be read (any gap). --fail-on-gaps is on by default with
--in-cluster (a scheduled audit must not go green when its RBAC stops
letting it read) and off otherwise; --fail-on-gaps=false turns it off.`,
		Example: `  # Audit the cluster of the current kubeconfig context
  seaworthy audit

  # Audit another context, failing on warnings too (for CI)
  seaworthy audit --context prod-eu --fail-on warn

  # Audit rendered manifests or the output of 'kubectl get -A -o yaml'
  helm template ./chart | seaworthy audit -f -
  seaworthy audit -f ./manifests/ -o json
  seaworthy audit ./base/ ./overlays/prod/ --skip-check RBAC

  # Report only the payments namespace, or only objects labelled app=web
  seaworthy audit -n payments
  seaworthy audit -l app=web

  # Replay a saved snapshot offline
  seaworthy audit -f cluster.snapshot.json

  # As the shipped CronJob does, publishing the report for dashboards
  seaworthy audit --in-cluster --publish configmap:seaworthy/seaworthy-report \
    --publish openreports --pushgateway http://pushgateway.monitoring:9091 --cluster-name prod-eu`,
		Args: cobra.ArbitraryArgs,
		RunE: runE(o),
	}
	o.source.addFlags(cmd.Flags())
	o.source.addSecretMetadataFlag(cmd.Flags())
	o.source.scopesNamespace = true
	o.scope.addFlags(cmd.Flags())
	if f := cmd.Flags().Lookup("namespace"); f != nil {
		_ = cmd.RegisterFlagCompletionFunc("namespace", completeNamespaces)
		f.Usage = "Report only results in this namespace, about the Namespace itself, cluster-scoped objects or the cluster (every check still reads all namespaces). With -f manifests, also the namespace of objects that name none, as kubectl apply -n gives them (default: default)."
	}
	addOutputFlag(cmd.Flags(), &o.output, (*report.Report)(nil))
	cmd.Flags().StringVar(&o.failOn, "fail-on", "fail", "Exit 1 when any result is at or above this status: info, warn, fail, never (no finding gates; a run that evaluated nothing still exits 1).")
	cmd.Flags().BoolVar(&o.failOnGaps, "fail-on-gaps", false, "Exit 1 when the report has any gap (something could not be read). Default: on with --in-cluster, off otherwise.")
	cmd.Flags().BoolVar(&o.showPassed, "show-passed", false, "List pass and na results in the table (json and yaml always include them).")
	cmd.Flags().StringVar(&o.color, "color", "auto", "Colour the table by status: auto (when stdout is a terminal and NO_COLOR is unset), always or never.")
	cmd.Flags().StringSliceVar(&o.only, "check", nil, "Run only these checks: IDs or ID prefixes, e.g. DNS or QUOTA-003. Repeatable or comma-separated.")
	cmd.Flags().StringSliceVar(&o.skip, "skip-check", nil, "Skip these checks: IDs or ID prefixes, e.g. RBAC or CP-002 (applied after --check). Repeatable or comma-separated.")
	o.thresholds = addThresholdFlags(cmd.Flags())
	o.history.addFlags(cmd.Flags())
	o.gating.addFlags(cmd.Flags())
	o.policy.addFlags(cmd.Flags())
	o.publish.addFlags(cmd.Flags())
	return cmd, o
}

func (o *auditOptions) complete(cmd *cobra.Command, args []string) error {
	// audit PATH... is audit -f PATH...; with neither it is a live audit.
	o.source.filenames = append(o.source.filenames, args...)
	if err := o.source.complete(); err != nil {
		return err
	}
	if err := o.scope.complete(o.source.defaultNamespace()); err != nil {
		return err
	}
	if err := o.history.complete(o.source.nowTime); err != nil {
		return err
	}
	if err := o.gating.complete(); err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if err := o.policy.complete(ctx, o.streams.ErrOut); err != nil {
		return err
	}
	if err := o.publish.complete(&publishEnv{restConfig: o.source.restConfig, namespace: o.source.contextNamespace}); err != nil {
		return err
	}
	t, ok := report.ParseFailOn(o.failOn)
	if !ok {
		return fmt.Errorf("invalid --fail-on %q: want info, warn, fail or never", o.failOn)
	}
	o.gate = report.Gate{FailOn: t, FailOnGaps: o.failOnGaps}
	if !cmd.Flags().Changed("fail-on-gaps") {
		o.gate.FailOnGaps = o.source.inCluster
	}
	opts, err := o.thresholds.options(cmd.Flags())
	if err != nil {
		return err
	}
	all := checks.All(opts)
	if o.selected, err = selectChecks(all, o.only, "--check"); err != nil {
		return err
	}
	o.selected, err = skipChecks(o.selected, all, o.skip)
	return err
}

func (o *auditOptions) validate() error {
	if _, err := report.UseColor(o.color, false, nil); err != nil {
		return err
	}
	if err := report.CheckFormat(o.output, (*report.Report)(nil)); err != nil {
		return err
	}
	if err := o.history.validate(len(o.source.filenames) > 0, true); err != nil {
		return err
	}
	return o.source.validate()
}

func (o *auditOptions) run(ctx context.Context) error {
	started := time.Now()
	snap, err := o.source.load(ctx)
	if err != nil {
		return runError(err)
	}
	// Checks judge the whole snapshot; -n and -l scope what is reported.
	in := check.NewInput(snap)
	if o.history.given() {
		// Usage history lets RES-004 compare requests with usage, with the
		// recommender's default options over the same index.
		eng := recommender.New(in.Index, recommender.DefaultOptions())
		if _, err := o.history.fetch(ctx, o.source, eng, o.streams.ErrOut, o.source.quiet); err != nil {
			return runError(err)
		}
		if err := ctx.Err(); err != nil {
			return runError(err)
		}
		in.Usage = eng.Recommend()
	}
	results := check.RunInput(in, o.selected)
	// Policies see every result the checks gave, and their own results
	// are scoped, exempted and gated like the checks'.
	policyResults, policyMetas, err := o.policy.evaluate(ctx, in, results)
	if err != nil {
		return runError(err)
	}
	results = o.scope.filter(snap, append(results, policyResults...))
	results, exempted := o.gating.apply(snap, results)
	metas := append(append(checks.Metas(o.selected), policyMetas...), o.gating.metas(results)...)
	rep := report.New(snap, metas, results)
	rep.Exempted = exempted
	o.gating.compare(rep)
	o.describeInput(rep)
	rep.Generator = toolName()
	ropts := report.RenderOptions{ShowPassed: o.showPassed, DocLink: checks.DocLink, DocsBase: checks.DocsURL}
	// Colour and wrapping are for a terminal; a pipe or file gets plain,
	// unwrapped lines.
	terminal, width := outputTerminal(o.streams.Out)
	ropts.Color, _ = report.UseColor(o.color, terminal, os.LookupEnv)
	if terminal {
		ropts.Width = width
	}
	// The registry renders fully before writing, so a failure leaves no
	// partial report.
	if err := report.Render(o.streams.Out, o.output, rep, ropts); err != nil {
		return runError(fmt.Errorf("write report: %w", err))
	}
	// Publishing follows a complete report, and an interrupted run
	// publishes nothing.
	if err := ctx.Err(); err != nil {
		return runError(err)
	}
	if err := o.publish.run(ctx, rep, started, time.Since(started), o.streams.ErrOut, o.source.quiet); err != nil {
		return runError(err)
	}
	if failed, why := rep.Gated(o.gate); failed {
		// The report shows failing findings itself; a gate failure
		// for gaps or for nothing evaluated says why on stderr.
		var err error
		if why != "" {
			err = errors.New(why)
		}
		return &ExitError{Code: report.ExitGate, Err: err}
	}
	return nil
}

// describeInput fills the report's input with what the flags say: the -f
// arguments, or the kubeconfig context of a live read.
func (o *auditOptions) describeInput(rep *report.Report) {
	if len(o.source.filenames) > 0 {
		rep.Input.Files = append([]string(nil), o.source.filenames...)
		return
	}
	if o.source.inCluster {
		rep.Input.Context = "in-cluster"
		return
	}
	if c := o.source.configFlags.Context; c != nil && *c != "" {
		rep.Input.Context = *c
		return
	}
	if raw, err := o.source.configFlags.ToRawKubeConfigLoader().RawConfig(); err == nil {
		rep.Input.Context = raw.CurrentContext
	}
}

// selectChecks keeps the checks whose ID equals or starts with one of the
// patterns (case-insensitive); no patterns keeps all.
func selectChecks(all []check.Check, patterns []string, flag string) ([]check.Check, error) {
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
			return nil, fmt.Errorf("%s %q matches no check (see 'seaworthy checks')", flag, p)
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

// skipChecks removes from selected the checks --skip-check patterns match
// (as --check matches them, among all checks); it is an error when a
// pattern matches no check or nothing is left to run.
func skipChecks(selected, all []check.Check, patterns []string) ([]check.Check, error) {
	if len(patterns) == 0 {
		return selected, nil
	}
	skip, err := selectChecks(all, patterns, "--skip-check")
	if err != nil {
		return nil, err
	}
	var out []check.Check
	for _, c := range selected {
		if !containsCheck(skip, c.ID) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--check and --skip-check leave no check to run")
	}
	return out, nil
}

func containsCheck(cs []check.Check, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}
