package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/cluster/metrics"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage/prometheus"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage/queryrange"
	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// historyOptions are recommend's usage-history flags: Prometheus, saved
// query_range files, or metrics.k8s.io.
type historyOptions struct {
	prometheus  string
	tokenFile   string
	caFile      string
	insecure    bool
	headers     []string
	selector    []string
	oldLabels   bool
	rateWindow  time.Duration
	concurrency int
	gzip        bool
	historyStr  string
	step        time.Duration
	files       []string
	metrics     bool
	sample      time.Duration
	interval    time.Duration

	history time.Duration
	end     time.Time
}

func newHistoryOptions() *historyOptions { return &historyOptions{} }

func (h *historyOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&h.prometheus, "prometheus", "", "Read usage history from this Prometheus (or compatible) server, e.g. http://prometheus.monitoring:9090.")
	fs.StringVar(&h.tokenFile, "prometheus-token-file", "", "Send the bearer token in this file to Prometheus (managed Prometheus services, a proxy in front of it).")
	fs.StringVar(&h.caFile, "prometheus-ca-file", "", "Verify Prometheus's TLS certificate with this CA bundle.")
	fs.BoolVar(&h.insecure, "prometheus-insecure-skip-tls-verify", false, "Do not verify Prometheus's TLS certificate (insecure).")
	fs.StringArrayVar(&h.headers, "prometheus-header", nil, `Send this HTTP header to Prometheus, "Name: value" (e.g. "X-Scope-OrgID: team-a"). Repeatable.`)
	fs.StringArrayVar(&h.selector, "prometheus-selector", nil, `Add this label matcher to every query, e.g. 'cluster="prod-eu"' or 'job="kubelet"'. Repeatable.`)
	fs.BoolVar(&h.oldLabels, "prometheus-old-labels", false, "cAdvisor's older label names: pod_name and container_name instead of pod and container.")
	fs.DurationVar(&h.rateWindow, "prometheus-rate-window", 5*time.Minute, "The window of rate() over container_cpu_usage_seconds_total; at least two scrape intervals.")
	fs.IntVar(&h.concurrency, "prometheus-concurrency", 4, "How many queries run at once.")
	fs.BoolVar(&h.gzip, "prometheus-gzip", true, "Ask Prometheus for gzip-compressed answers: less to transfer over a slow link (a port-forward), but it doubles Prometheus's CPU; --prometheus-gzip=false on loopback or inside the cluster.")
	fs.StringVar(&h.historyStr, "history", "8d", "How far back to read history (VPA keeps 8 days of memory peaks): a duration such as 8d, 36h.")
	fs.DurationVar(&h.step, "step", time.Minute, "The resolution of the history read from Prometheus.")
	fs.StringArrayVar(&h.files, "history-file", nil, "Read usage history from a saved Prometheus query_range response (the JSON `curl .../api/v1/query_range` prints), or a directory of them; see docs/history-files.md. Repeatable.")
	fs.BoolVar(&h.metrics, "metrics", false, "Read current usage from metrics.k8s.io (metrics-server) instead of history; with --sample, collect for a while.")
	fs.DurationVar(&h.sample, "sample", 0, "With --metrics: collect samples for this long (e.g. 30m) before recommending.")
	fs.DurationVar(&h.interval, "sample-interval", 15*time.Second, "With --sample: how often to read metrics.k8s.io.")
}

// complete parses --history; end is the snapshot's time, the end of the
// history read.
func (h *historyOptions) complete(end time.Time) error {
	d, err := parseLongDuration(h.historyStr)
	if err != nil {
		return fmt.Errorf("invalid --history %q: %w", h.historyStr, err)
	}
	h.history, h.end = d, end
	return nil
}

// given reports whether any history source was asked for.
func (h *historyOptions) given() bool { return h.prometheus != "" || len(h.files) > 0 || h.metrics }

// validate checks the history flags; optional says a run without history
// is fine (audit, whose RES-004 then skips).
func (h *historyOptions) validate(fromFiles, optional bool) error {
	n := 0
	for _, set := range []bool{h.prometheus != "", len(h.files) > 0, h.metrics} {
		if set {
			n++
		}
	}
	switch {
	case n == 0 && optional:
		return nil
	case n == 0:
		return errNoHistory
	case n > 1:
		return errors.New("--prometheus, --history-file and --metrics are alternatives: give one")
	}
	if h.prometheus != "" {
		u, err := url.Parse(h.prometheus)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("invalid --prometheus %q: want a URL such as http://prometheus.monitoring:9090", h.prometheus)
		}
	}
	for _, hd := range h.headers {
		if name, _, ok := strings.Cut(hd, ":"); !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf(`invalid --prometheus-header %q: want "Name: value"`, hd)
		}
	}
	if h.step < time.Second {
		return fmt.Errorf("invalid --step %s: at least 1s", h.step)
	}
	if h.history < h.step {
		return fmt.Errorf("invalid --history %s: shorter than --step %s", h.historyStr, h.step)
	}
	if h.concurrency < 1 {
		return fmt.Errorf("invalid --prometheus-concurrency %d: at least 1", h.concurrency)
	}
	if h.sample != 0 && !h.metrics {
		return errors.New("--sample applies only with --metrics")
	}
	if h.sample < 0 || (h.sample > 0 && h.interval <= 0) {
		return errors.New("invalid --sample or --sample-interval: both must be positive")
	}
	if h.metrics && fromFiles {
		return errors.New("--metrics reads a live cluster's metrics.k8s.io; it cannot be used with -f")
	}
	return nil
}

// fetch reads the history into sink, with progress on stderr.
func (h *historyOptions) fetch(ctx context.Context, src *sourceOptions, sink usage.Sink, errOut io.Writer, quiet bool) ([]usage.Coverage, error) {
	labels := queryrange.DefaultLabelNames()
	if h.oldLabels {
		labels = queryrange.LegacyLabelNames()
	}
	say := func(format string, a ...any) {
		if !quiet {
			fmt.Fprintf(errOut, format+"\n", a...)
		}
	}
	switch {
	case len(h.files) > 0:
		cov, err := queryrange.ReadFiles(h.files, queryrange.FileOptions{Labels: labels}, sink)
		if err != nil {
			return nil, err
		}
		return []usage.Coverage{cov}, nil
	case h.prometheus != "":
		opts := prometheus.Options{
			Address: h.prometheus, End: h.end, History: h.history, Step: h.step,
			Labels: labels, CPURateWindow: h.rateWindow, Matchers: h.selector, Concurrency: h.concurrency,
			BearerTokenFile: h.tokenFile, CAFile: h.caFile, InsecureSkipVerify: h.insecure, Headers: h.headers,
			DisableCompression: !h.gzip,
		}
		if ns := src.defaultNamespace(); ns != "" {
			opts.Namespaces = []string{ns}
		}
		say("Reading %s of usage history at %s steps from %s ...", recommender.HumanDuration(h.history), recommender.HumanDuration(h.step), h.prometheus)
		start := time.Now()
		cov, err := prometheus.Fetch(ctx, opts, sink)
		if err != nil {
			return nil, err
		}
		say("Read %d series, %d samples in %s", cov.Series, cov.Samples, time.Since(start).Round(100*time.Millisecond))
		return []usage.Coverage{cov}, nil
	case h.metrics:
		cfg, err := src.restConfig()
		if err != nil {
			return nil, err
		}
		var mopts metrics.Options
		if ns := src.defaultNamespace(); ns != "" {
			mopts.Namespaces = []string{ns}
		}
		if h.sample == 0 {
			cov, err := metrics.Snapshot(ctx, cfg, mopts, sink)
			if err != nil {
				return nil, err
			}
			return []usage.Coverage{cov}, nil
		}
		say("Sampling metrics.k8s.io every %s for %s (Ctrl-C stops and writes nothing) ...", h.interval, h.sample)
		cov, err := metrics.Sample(ctx, cfg, mopts, sink, h.sample, h.interval, func(done, total int) {
			if !quiet {
				fmt.Fprintf(errOut, "\rSampled %d of %d rounds", done, total)
				if done == total {
					fmt.Fprintln(errOut)
				}
			}
		})
		if err != nil {
			return nil, err
		}
		return []usage.Coverage{cov}, nil
	}
	return nil, errNoHistory
}

// parseLongDuration reads a Go duration, or a whole number of days ("8d").
func parseLongDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != d {
			return 0, errors.New("want a duration such as 8d or 36h")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return 0, errors.New("want a duration such as 8d or 36h")
	}
	return v, nil
}

// parseQuantity reads a Kubernetes quantity as a whole number.
func parseQuantity(s string) (int64, error) {
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return 0, err
	}
	return q.Value(), nil
}
