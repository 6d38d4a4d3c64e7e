package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/recommender/addons"
	"github.com/seaworthy-k8s/seaworthy/recommender/patch"
	"github.com/seaworthy-k8s/seaworthy/report"
)

// recommendOptions are the flags of `seaworthy recommend`.
type recommendOptions struct {
	source  *sourceOptions
	history *historyOptions
	output  string
	color   string

	limits     string
	allowHPA   bool
	minHistory time.Duration
	confidence string
	roundMem   string
	all        bool
	kustomize  string
	force      bool
	validateOn bool

	addonsConfig string
	addonOpts    addons.Options

	ropts   recommender.Options
	streams genericiooptions.IOStreams
}

func newRecommendCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &recommendOptions{source: newSourceOptions(streams), streams: streams}
	o.history = newHistoryOptions()
	cmd := &cobra.Command{
		Use:   "recommend",
		Short: "Recommend container requests and limits from usage history (VPA's algorithm)",
		Long: `Recommend CPU and memory requests and limits for every container of every
workload, from usage history, with the Vertical Pod Autoscaler recommender's
algorithm: decaying histograms of CPU usage and of daily memory peaks, the
90th percentile as target, the 50th and 95th as lower and upper bounds, a 15%
margin, bounds widened for short history, a bump after OOM kills.

The workloads come from the same sources as 'seaworthy audit' (the current
kubeconfig context, or -f manifests or a snapshot); the history from
Prometheus (--prometheus), from saved query_range responses
(--history-file), or from metrics.k8s.io (--metrics, with --sample to
collect for a while). seaworthy never changes the cluster: it prints a
table, JSON or YAML, or patches to apply yourself (-o patch, jsonpatch, vpa,
--kustomize DIR).

A container is resized (ACTION resize) only when it matters, by VPA
updater's rule: a current request outside [lower, upper], a change of 10% or
more on pods older than 12 hours, or a recent OOM kill. Every skipped
container says why (no history, too little history, an HPA scaling on the
resource).

Exit codes: 0 done; 2 the run failed (bad flags, unreadable input, history
that could not be read).`,
		Example: `  # Recommend from Prometheus over the last 8 days, for the current context
  seaworthy recommend --prometheus http://prometheus.monitoring:9090

  # Offline: manifests plus saved query_range responses
  seaworthy recommend -f ./manifests/ --history-file cpu.json --history-file memory.json

  # Patches for a GitOps repository, one file per workload
  seaworthy recommend --prometheus http://127.0.0.1:9090 --kustomize ./sizing/

  # Only requests, keep limits as they are
  seaworthy recommend --prometheus http://127.0.0.1:9090 --limits requests-only -n payments`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	fs := cmd.Flags()
	o.source.addFlags(fs)
	o.source.scopesNamespace = true
	if f := fs.Lookup("namespace"); f != nil {
		_ = cmd.RegisterFlagCompletionFunc("namespace", completeNamespaces)
		f.Usage = "Recommend only for workloads in this namespace. With -f manifests, also the namespace of objects that name none (default: default)."
	}
	o.history.addFlags(fs)
	fs.StringVarP(&o.output, "output", "o", "table", "Output format: table, wide, json, yaml; or the changes themselves: patch (strategic-merge patches, one YAML document per workload), jsonpatch (RFC 6902, with kustomize targets), vpa (VerticalPodAutoscaler objects in updateMode Off).")
	fs.StringVar(&o.kustomize, "kustomize", "", "Also write one strategic-merge patch file per workload and a kustomization.yaml listing them into this directory (replaced whole; an existing directory seaworthy did not write is refused unless --force).")
	fs.BoolVar(&o.force, "force", false, "With --kustomize: replace the directory even if seaworthy did not write it.")
	fs.BoolVar(&o.validateOn, "validate", false, "Dry-run every patch against the cluster of the current context (server-side, nothing changes; needs patch permission on the workloads) and check it against the namespace's LimitRanges; exit 1 if any is refused.")
	fs.StringVar(&o.color, "color", "auto", "Colour the table by action: auto (when stdout is a terminal and NO_COLOR is unset), always or never.")
	fs.StringVar(&o.limits, "limits", string(recommender.LimitsKeepRatio), "How limits follow requests: ratio (keep each limit's ratio to its request, VPA's default), requests-only, guaranteed (limits = requests) or burstable (requests at the lower bound, limits at the upper).")
	fs.BoolVar(&o.allowHPA, "allow-hpa", false, "Also resize resources an HorizontalPodAutoscaler scales on (by default they are left alone: a new request changes the HPA's utilization).")
	fs.DurationVar(&o.minHistory, "min-history", 24*time.Hour, "The least history a container needs for a recommendation.")
	fs.StringVar(&o.confidence, "confidence", "vpa", "How confidence counts samples: vpa (VPA's formula: samples / 1440 per day, which reads coarse history such as 1h steps as very short) or step-aware (samples × --step).")
	fs.StringVar(&o.roundMem, "round-memory", "1Mi", "Round recommended memory up to a multiple of this (1 keeps VPA's exact bytes; the estimate itself is never rounded).")
	fs.StringVar(&o.addonsConfig, "addons-config", "", "Size these add-ons too, by addon-resizer rules in this YAML file (see docs/recommend.md); tried before the built-in rules for metrics-server and kube-state-metrics.")
	fs.BoolVar(&o.all, "show-all", false, "List kept and skipped containers in the table too (json and yaml always include them).")
	return cmd
}

func (o *recommendOptions) complete(_ *cobra.Command, _ []string) error {
	if err := o.source.complete(); err != nil {
		return err
	}
	if err := o.history.complete(o.source.nowTime); err != nil {
		return err
	}
	r := recommender.DefaultOptions()
	p, err := recommender.ParseLimitPolicy(o.limits)
	if err != nil {
		return fmt.Errorf("invalid --limits: %w", err)
	}
	r.Limits = p
	r.AllowHPA = o.allowHPA
	if o.minHistory < 0 {
		return fmt.Errorf("invalid --min-history %s: must not be negative", o.minHistory)
	}
	r.MinHistory = o.minHistory
	switch o.confidence {
	case "vpa":
	case "step-aware":
		r.VPA.ConfidenceStepAware, r.VPA.SampleStep = true, o.history.step
	default:
		return fmt.Errorf("invalid --confidence %q: want vpa or step-aware", o.confidence)
	}
	q, err := parseQuantity(o.roundMem)
	if err != nil || q < 1 {
		return fmt.Errorf("invalid --round-memory %q: want a quantity such as 1Mi or 1", o.roundMem)
	}
	r.RoundMemoryBytes = q
	r.Namespace = o.source.defaultNamespace()
	o.ropts = r
	if o.addonsConfig != "" {
		data, err := os.ReadFile(o.addonsConfig)
		if err != nil {
			return fmt.Errorf("read --addons-config: %w", err)
		}
		if o.addonOpts.Configured, err = addons.ParseConfig(o.addonsConfig, data); err != nil {
			return err
		}
	}
	return nil
}

func (o *recommendOptions) validate() error {
	if _, err := useColorFlag(o.color); err != nil {
		return err
	}
	if !slices.Contains(recommendFormats, o.output) {
		return fmt.Errorf("unknown output format %q (want one of: %s)", o.output, strings.Join(recommendFormats, ", "))
	}
	if o.force && o.kustomize == "" {
		return errors.New("--force applies only with --kustomize")
	}
	if err := o.history.validate(len(o.source.filenames) > 0, false); err != nil {
		return err
	}
	return o.source.validate()
}

func (o *recommendOptions) run(ctx context.Context) error {
	snap, err := o.source.load(ctx)
	if err != nil {
		return runError(err)
	}
	ix := index.New(snap)
	eng := recommender.New(ix, o.ropts)
	coverage, err := o.history.fetch(ctx, o.source, eng, o.streams.ErrOut, o.source.quiet)
	if err != nil {
		return runError(err)
	}
	if err := ctx.Err(); err != nil {
		return runError(err)
	}
	if len(coverage) > 0 && o.ropts.VPA.ConfidenceStepAware {
		eng.SetSampleStep(coverage[0].Step)
	}
	res := eng.Recommend()
	for _, c := range append(addons.Recommend(ix, o.addonOpts), addons.DNSMemory(ix)...) {
		if o.ropts.Namespace == "" || c.Workload.Namespace == o.ropts.Namespace {
			res.Addons = append(res.Addons, c)
		}
	}
	for _, r := range addons.DNSReplicas(ix) {
		if o.ropts.Namespace == "" || r.Workload.Namespace == o.ropts.Namespace {
			res.Replicas = append(res.Replicas, r)
		}
	}
	doc := newRecommendDoc(snap, res, coverage, o.ropts)
	for _, c := range coverage {
		for _, g := range c.Gaps {
			slog.Warn("history gap", "source", c.Source, "gap", g)
		}
	}
	if res.Samples == 0 {
		slog.Warn("no usage history matched any workload: every container is skipped", "sources", len(coverage))
	}
	var set patch.Set
	if patchFormats[o.output] || o.kustomize != "" || o.validateOn {
		set = patchSet(snap, res)
	}
	if o.kustomize != "" {
		files, err := patch.Kustomize(set)
		if err == nil {
			err = patch.WriteDir(o.kustomize, files, o.force)
		}
		if err != nil {
			return runError(fmt.Errorf("write --kustomize %s: %w", o.kustomize, err))
		}
		if !o.source.quiet {
			fmt.Fprintf(o.streams.ErrOut, "Wrote %s and a kustomization.yaml to %s\n", plural(len(set.Patches), "patch file"), o.kustomize)
		}
	}
	if patchFormats[o.output] {
		var buf bytes.Buffer
		if err := writePatches(&buf, o.output, set); err != nil {
			return runError(fmt.Errorf("write patches: %w", err))
		}
		if _, err := o.streams.Out.Write(buf.Bytes()); err != nil {
			return runError(err)
		}
	} else if err := o.render(doc); err != nil {
		return err
	}
	if o.validateOn {
		// The validation is a report of its own: on stdout after a table,
		// on stderr when stdout carries patches or JSON.
		w := o.streams.ErrOut
		if o.output == "table" || o.output == "wide" {
			w = o.streams.Out
			fmt.Fprintln(w)
		}
		refused, err := o.validatePatches(ctx, w, snap, set)
		if err != nil {
			return runError(err)
		}
		if refused > 0 {
			return &ExitError{Code: report.ExitGate, Err: fmt.Errorf("%s of %d refused by the dry run or a LimitRange", plural(refused, "patch"), len(set.Patches))}
		}
	}
	return nil
}

// recommendFormats are recommend's -o values: reports, then changes.
var recommendFormats = []string{"table", "wide", "json", "yaml", "patch", "jsonpatch", "vpa"}

// errNoHistory is returned when no history source is given.
var errNoHistory = errors.New("no usage history: give --prometheus URL, --history-file FILE or --metrics")

// recommendDoc is the versioned JSON and YAML form of a run.
type recommendDoc struct {
	SchemaVersion string            `json:"schemaVersion"`
	Generator     string            `json:"generator"`
	CollectedAt   time.Time         `json:"collectedAt"`
	Input         recommendInput    `json:"input"`
	History       []usage.Coverage  `json:"history"`
	Options       recommendSettings `json:"options"`
	Summary       recommendSummary  `json:"summary"`
	*recommender.Result
}

type recommendInput struct {
	Source    string `json:"source"`
	Platform  string `json:"platform,omitempty"`
	Workloads int    `json:"workloads"`
}

type recommendSettings struct {
	Limits           string  `json:"limits"`
	AllowHPA         bool    `json:"allowHPA"`
	MinHistorySecond float64 `json:"minHistorySeconds"`
	Confidence       string  `json:"confidence"`
	RoundMemoryBytes int64   `json:"roundMemoryBytes"`
}

type recommendSummary struct {
	Containers int `json:"containers"`
	Resize     int `json:"resize"`
	Keep       int `json:"keep"`
	Skip       int `json:"skip"`
	// AddonResize counts the add-on containers and replica counts the
	// cluster-scaling rules would change.
	AddonResize int `json:"addonResize"`
}

// RecommendSchemaVersion is the version of recommend's JSON and YAML.
const RecommendSchemaVersion = "seaworthy.recommendations/v1"

func newRecommendDoc(snap *cluster.Snapshot, res *recommender.Result, cov []usage.Coverage, opts recommender.Options) *recommendDoc {
	d := &recommendDoc{
		SchemaVersion: RecommendSchemaVersion, Generator: toolName(), CollectedAt: snap.CollectedAt,
		Input:   recommendInput{Source: snap.Source, Platform: snap.Server.Platform},
		History: cov,
		Options: recommendSettings{Limits: string(opts.Limits), AllowHPA: opts.AllowHPA, MinHistorySecond: opts.MinHistory.Seconds(),
			Confidence: confidenceName(opts), RoundMemoryBytes: opts.RoundMemoryBytes},
		Result: res,
	}
	if d.History == nil {
		d.History = []usage.Coverage{}
	}
	seen := map[recommender.Workload]bool{}
	for _, c := range res.Containers {
		seen[c.Workload] = true
		d.Summary.Containers++
		switch c.Action {
		case recommender.ActionResize:
			d.Summary.Resize++
		case recommender.ActionKeep:
			d.Summary.Keep++
		default:
			d.Summary.Skip++
		}
	}
	d.Input.Workloads = len(seen)
	for _, c := range res.Addons {
		if c.Action == recommender.ActionResize {
			d.Summary.AddonResize++
		}
	}
	for _, r := range res.Replicas {
		if r.Action == recommender.ActionResize {
			d.Summary.AddonResize++
		}
	}
	return d
}

func confidenceName(opts recommender.Options) string {
	if opts.VPA.ConfidenceStepAware {
		return "step-aware"
	}
	return "vpa"
}
