package report

import (
	"cmp"
	"io"
	"slices"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// The report as Prometheus metrics: what the Pushgateway target pushes and
// -o prometheus prints (in the text exposition format, for node_exporter's
// textfile collector or a sidecar). Every metric is a gauge named after
// Prometheus's conventions (base units, no _total on gauges); the cluster
// and job labels are not in the metrics but added by whoever collects them
// (the Pushgateway's grouping key, a scrape config's labels). docs/
// monitoring.md lists them with their labels.
const (
	// MetricFindings counts results by check, status, severity, category
	// and namespace (a Namespace's own name for results on a Namespace, ""
	// for other cluster-scoped objects and cluster-wide results). Every status counts,
	// pass included, so scores can be recomputed from it.
	MetricFindings = "seaworthy_findings"
	// MetricScore is a category's score as a ratio (0..1).
	MetricScore = "seaworthy_score_ratio"
	// MetricOverallScore is the whole report's score as a ratio. It is its
	// own metric, not seaworthy_score_ratio with an empty category, so that
	// aggregating over categories never mixes in the total.
	MetricOverallScore = "seaworthy_overall_score_ratio"
	// MetricGaps is the number of gaps (inputs the audit could not read);
	// always present, 0 when there are none.
	MetricGaps = "seaworthy_gaps"
	// MetricKindGaps counts gaps by kind and reason.
	MetricKindGaps = "seaworthy_kind_gaps"
	// MetricCheckInfo is 1 for every check that ran, with its title and
	// documentation link.
	MetricCheckInfo = "seaworthy_check_info"
	// MetricLastRun is when the report's objects were collected, in Unix
	// seconds.
	MetricLastRun = "seaworthy_last_run_timestamp_seconds"
	// MetricRunDuration is how long the audit took; only when known.
	MetricRunDuration = "seaworthy_run_duration_seconds"
	// MetricFinding counts the fail, warn and info results of one check on
	// one object; only with MetricsOptions.Objects.
	MetricFinding = "seaworthy_finding"
)

// MetricsOptions says what Metrics adds to what the report holds.
type MetricsOptions struct {
	// DocLink gives a check's documentation link, the doc_url label of
	// seaworthy_check_info; nil leaves the label empty.
	DocLink func(id string) string
	// Objects adds one seaworthy_finding series per object with a fail,
	// warn or info result. Off by default: it is one series per finding,
	// which a large cluster counts in thousands.
	Objects bool
	// Duration is how long the run took; 0 leaves out
	// seaworthy_run_duration_seconds (a report alone does not know it).
	Duration time.Duration
}

// Metrics returns the report's metric families in a fixed order, each
// family's series sorted by their labels.
func (r *Report) Metrics(o MetricsOptions) []*dto.MetricFamily {
	var fams []*dto.MetricFamily
	add := func(name, help string, series []*dto.Metric) {
		if len(series) == 0 {
			return
		}
		slices.SortFunc(series, compareSeries)
		fams = append(fams, &dto.MetricFamily{Name: proto.String(name), Help: proto.String(help), Type: dto.MetricType_GAUGE.Enum(), Metric: series})
	}

	findings := map[string]*dto.Metric{}
	objects := map[string]*dto.Metric{}
	for _, res := range r.Results {
		count(findings, []string{
			"check", res.Check, "status", string(res.Status), "severity", Severity(res),
			"category", r.Checks[res.Check].Category, "namespace", namespaceOf(res.Object),
		})
		if o.Objects && res.Status.Severity() > 0 {
			count(objects, []string{
				"check", res.Check, "status", string(res.Status), "namespace", namespaceOf(res.Object),
				"kind", res.Object.Kind, "name", res.Object.Name,
			})
		}
	}
	add(MetricFindings, "Results of the last audit by check, status, severity, category and namespace.", values(findings))

	var scores []*dto.Metric
	for _, c := range r.Categories {
		if ratio, ok := scoreRatio(c.Counts); ok {
			scores = append(scores, gauge(ratio, "category", c.Name))
		}
	}
	add(MetricScore, "Score of a category of the last audit, from 0 to 1.", scores)
	if ratio, ok := scoreRatio(r.Summary.Counts); ok {
		add(MetricOverallScore, "Score of the whole last audit, from 0 to 1.", []*dto.Metric{gauge(ratio)})
	}

	add(MetricGaps, "Inputs the last audit could not read.", []*dto.Metric{gauge(float64(len(r.Gaps)))})
	gaps := map[string]*dto.Metric{}
	for _, g := range r.Gaps {
		count(gaps, []string{"kind", string(g.Kind), "reason", g.Reason})
	}
	add(MetricKindGaps, "Inputs the last audit could not read, by kind and reason.", values(gaps))

	var info []*dto.Metric
	for id, m := range r.Checks {
		doc := ""
		if o.DocLink != nil {
			doc = o.DocLink(id)
		}
		info = append(info, gauge(1, "check", id, "title", m.Title, "doc_url", doc))
	}
	add(MetricCheckInfo, "A check that ran in the last audit, with its title and documentation link.", info)

	if !r.CollectedAt.IsZero() {
		add(MetricLastRun, "When the last audit collected its objects, in seconds since the Unix epoch.",
			[]*dto.Metric{gauge(float64(r.CollectedAt.UnixNano()) / 1e9)})
	}
	if o.Duration > 0 {
		add(MetricRunDuration, "How long the last audit took (collection, checks and policies), in seconds.",
			[]*dto.Metric{gauge(o.Duration.Seconds())})
	}
	add(MetricFinding, "Fail, warn and info results of the last audit on one object.", values(objects))
	return fams
}

// WriteMetricsText writes metric families in the Prometheus text
// exposition format.
func WriteMetricsText(w io.Writer, fams []*dto.MetricFamily) error {
	for _, f := range fams {
		if _, err := expfmt.MetricFamilyToText(w, f); err != nil {
			return err
		}
	}
	return nil
}

// prometheusRenderer writes the report's metrics (see Metrics) in the text
// exposition format. A rendered report does not know how long its run
// took, so seaworthy_run_duration_seconds is left out, and per-object
// series are only pushed (--pushgateway-objects), never printed.
type prometheusRenderer struct{ opts RenderOptions }

func (p prometheusRenderer) Render(w io.Writer, r *Report) error {
	return WriteMetricsText(w, r.Metrics(MetricsOptions{DocLink: p.opts.DocLink}))
}

// Severity ranks a result as OpenReports and alerting do: a fail of a
// security check (RBAC, SEC, CERT) is critical and other fails high, a
// warn medium, an info info; pass, skip and na have none.
func Severity(res result.Result) string {
	switch res.Status {
	case result.StatusFail:
		if securityCheck(res.Check) {
			return "critical"
		}
		return "high"
	case result.StatusWarn:
		return "medium"
	case result.StatusInfo:
		return "info"
	}
	return "none"
}

// namespaceOf is the namespace a result is about: its object's, or the
// object itself when it is a Namespace; "" for cluster-wide results.
func namespaceOf(o result.ObjectRef) string {
	if o.Kind == "Namespace" {
		return o.Name
	}
	return o.Namespace
}

// scoreRatio is Score's formula without rounding: (pass + info + 0.5 ×
// warn) / evaluated.
func scoreRatio(c Counts) (float64, bool) {
	evaluated := c.Pass + c.Info + c.Warn + c.Fail
	if evaluated == 0 {
		return 0, false
	}
	return (float64(c.Pass+c.Info) + 0.5*float64(c.Warn)) / float64(evaluated), true
}

// count adds one to the series with the given label names and values.
func count(m map[string]*dto.Metric, kv []string) {
	key := strings.Join(kv, "\x00")
	s, ok := m[key]
	if !ok {
		s = gauge(0, kv...)
		m[key] = s
	}
	*s.Gauge.Value++
}

func values(m map[string]*dto.Metric) []*dto.Metric {
	out := make([]*dto.Metric, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	return out
}

// gauge is a gauge series with label name/value pairs kv, in that order.
func gauge(v float64, kv ...string) *dto.Metric {
	s := &dto.Metric{Gauge: &dto.Gauge{Value: proto.Float64(v)}}
	for i := 0; i+1 < len(kv); i += 2 {
		s.Label = append(s.Label, &dto.LabelPair{Name: proto.String(kv[i]), Value: proto.String(kv[i+1])})
	}
	return s
}

// compareSeries orders series of one family by their label values.
func compareSeries(a, b *dto.Metric) int {
	for i := range min(len(a.Label), len(b.Label)) {
		if c := cmp.Compare(a.Label[i].GetValue(), b.Label[i].GetValue()); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.Label), len(b.Label))
}
